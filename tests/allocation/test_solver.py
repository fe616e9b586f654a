"""The allocation solver on small instances whose optimum is worked out by hand, and
on random instances where it must never break a hard rule."""

import random

from allocation.solver import (
    OUTSIDE_RANK,
    RULE_RECOGNITION,
    RULE_TRAINING_SCHOOL,
    RULE_WEEKDAYS,
    Applicant,
    Host,
    Instance,
    Place,
    Reason,
    Result,
    Supervisor,
    Target,
    hard_rule_violations,
    solve,
)

WEEK = frozenset({1, 2, 3, 4, 5})
EDU, SOC, PED = "educational", "social", "pedagogical"
PABO, SOCIAL_WORK, ASSISTANT = 10, 11, 12


def host(id: int, name: str = "", **kwargs: object) -> Host:
    fields: dict[str, object] = {"name": name or f"host {id}", "environment": 1, "weekdays": WEEK}
    fields.update(kwargs)
    return Host(id=id, **fields)  # type: ignore[arg-type]


def applicant(id: int, prefs: tuple[int, ...] = (), **kwargs: object) -> Applicant:
    fields: dict[str, object] = {
        "name": f"applicant {id}",
        "environment": 1,
        "programme": SOCIAL_WORK,
        "level": "hbo",
        "domain": EDU,
        "weekdays": WEEK,
        "preferences": prefs,
    }
    fields.update(kwargs)
    return Applicant(id=id, **fields)  # type: ignore[arg-type]


def supervisors(*domains: str, capacity: int = 20, organisation: int = 1) -> tuple[Supervisor, ...]:
    return tuple(
        Supervisor(i + 1, f"supervisor {i + 1}", organisation, 1, domain, capacity)
        for i, domain in enumerate(domains)
    )


def placed_hosts(result: Result) -> dict[int, int]:
    return {a.applicant: a.host for a in result.assignments}


def assert_no_violation(instance: Instance, result: Result) -> None:
    triples = [(a.applicant, a.place, a.supervisor) for a in result.assignments]
    assert hard_rule_violations(instance, triples) == []


def test_capacity_gives_the_first_choice_to_one_and_the_second_to_the_rest() -> None:
    instance = Instance(
        hosts=(host(1), host(2)),
        places=(Place(1, 1, 1), Place(2, 2, 2)),
        supervisors=supervisors(EDU),
        applicants=tuple(applicant(i, (1, 2)) for i in (1, 2, 3)),
    )
    result = solve(instance)
    hosts = placed_hosts(result)
    assert sorted(hosts.values()) == [1, 2, 2]
    assert result.first_choices == 1
    assert result.worst_rank == 2
    assert result.optimal
    second = next(a for a in result.assignments if a.rank == 2)
    assert second.reasons[:2] == (Reason("rank", {"rank": 2}), Reason("full", {"host": "host 1"}))
    assert_no_violation(instance, result)


def test_fairness_first_the_worst_rank_then_first_choices() -> None:
    # A, B and D take one student each. Giving p and q their first choices (A, B) leaves
    # r, who only wants A, at D outside their preferences (two first choices, worst
    # rank 6). The fair answer by hand: r gets A, p their second (B), q their second
    # (D): worst rank 2, one first choice.
    instance = Instance(
        hosts=(host(1, "A"), host(2, "B"), host(3, "D")),
        places=(Place(1, 1, 1), Place(2, 2, 1), Place(3, 3, 1)),
        supervisors=supervisors(EDU),
        applicants=(applicant(1, (1, 2)), applicant(2, (2, 3)), applicant(3, (1,))),
    )
    result = solve(instance)
    assert placed_hosts(result) == {1: 2, 2: 3, 3: 1}
    assert result.worst_rank == 2
    assert result.first_choices == 1


def test_then_as_many_first_choices_as_the_worst_rank_allows() -> None:
    # Worst rank 2 either way; by hand the most first choices is 2 (1 at A, 2 at B, 3
    # at C as their second).
    instance = Instance(
        hosts=(host(1), host(2), host(3)),
        places=(Place(1, 1, 1), Place(2, 2, 1), Place(3, 3, 1)),
        supervisors=supervisors(EDU),
        applicants=(applicant(1, (1, 2)), applicant(2, (2, 1)), applicant(3, (1, 3))),
    )
    result = solve(instance)
    assert placed_hosts(result) == {1: 1, 2: 2, 3: 3}
    assert result.first_choices == 2
    assert result.worst_rank == 2


def test_everyone_placed_before_anyone_gets_a_better_rank() -> None:
    # Two places at A, one at B. Applicant 3 can only go to B (weekdays); placing all
    # three puts 2 at A as their second choice although B was their first.
    instance = Instance(
        hosts=(host(1, weekdays=frozenset({1, 2})), host(2, weekdays=frozenset({4}))),
        places=(Place(1, 1, 2), Place(2, 2, 1)),
        supervisors=supervisors(EDU),
        applicants=(
            applicant(1, (1,)),
            applicant(2, (2, 1)),
            applicant(3, (2,), weekdays=frozenset({4})),
        ),
    )
    result = solve(instance)
    assert placed_hosts(result) == {1: 1, 2: 1, 3: 2}
    assert result.unassigned == ()
    reasons = next(a for a in result.assignments if a.applicant == 2).reasons
    assert Reason("full", {"host": "host 2"}) in reasons


def test_each_hard_rule_keeps_an_applicant_out() -> None:
    instance = Instance(
        hosts=(
            host(1, "Plain"),
            host(2, "Mondays", weekdays=frozenset({1})),
            host(3, "Recognised", recognitions=frozenset({"25498"})),
            host(4, "Training school", training_school_of=frozenset({7})),
            host(5, "Needs a VOG", requires=frozenset({"vog"})),
        ),
        places=tuple(Place(i, i, 5) for i in range(1, 6)),
        supervisors=supervisors(EDU, PED),
        applicants=(
            # Monday is a class day: host 2 is out.
            applicant(1, (2, 1), class_days=frozenset({1})),
            # mbo, qualification 25498: only host 3 is recognised for it.
            applicant(2, (1, 3), programme=ASSISTANT, level="mbo", crebo="25498"),
            # pabo of partnership 7: only host 4.
            applicant(3, (1, 4), programme=PABO, partnerships=frozenset({7})),
            # no VOG cleared: host 5 is out; with one, host 5 is fine.
            applicant(4, (5, 1)),
            applicant(5, (5, 1), cleared=frozenset({"vog"})),
        ),
        forbids=frozenset({(5, 1)}),
    )
    result = solve(instance)
    assert placed_hosts(result) == {1: 1, 2: 3, 3: 4, 4: 1, 5: 5}
    by_id = {a.applicant: a for a in result.assignments}
    assert Reason("not_allowed", {"host": "Mondays", "rule": RULE_WEEKDAYS}) in by_id[1].reasons
    assert (
        Reason("not_allowed", {"host": "Plain", "rule": RULE_RECOGNITION, "crebo": "25498"})
        in by_id[2].reasons
    )
    assert (
        Reason("not_allowed", {"host": "Plain", "rule": RULE_TRAINING_SCHOOL}) in by_id[3].reasons
    )
    assert_no_violation(instance, result)


def test_forbidden_host_and_supervisors_of_the_own_domain() -> None:
    instance = Instance(
        hosts=(host(1), host(2)),
        places=(Place(1, 1, 5), Place(2, 2, 5)),
        # One social supervisor at host 2 with room for one.
        supervisors=(
            Supervisor(1, "Edu", 1, 1, EDU, 5),
            Supervisor(2, "Soc", 2, 1, SOC, 1),
        ),
        applicants=(
            applicant(1, (1, 2), domain=SOC),
            applicant(2, (1, 2), domain=SOC),
            applicant(3, (1, 2)),
        ),
        forbids=frozenset({(3, 1)}),
    )
    result = solve(instance)
    hosts = placed_hosts(result)
    assert hosts[3] == 2
    assert len([a for a in (1, 2) if a in hosts]) == 1
    unassigned = result.unassigned[0]
    assert Reason("no_supervisor", {"domain": SOC, "slots": 1}) in unassigned.reasons
    social = next(a for a in result.assignments if a.applicant in (1, 2))
    assert social.supervisor == 2
    assert any(r.code == "supervisor_at_partner" for r in social.reasons)
    assert_no_violation(instance, result)


def test_a_pin_overrides_preferences_and_says_so() -> None:
    instance = Instance(
        hosts=(host(1), host(2)),
        places=(Place(1, 1, 1), Place(2, 2, 1)),
        supervisors=supervisors(EDU),
        applicants=(applicant(1, (1, 2)), applicant(2, (1, 2))),
        pins=frozenset({(2, 2)}),
    )
    result = solve(instance)
    assert placed_hosts(result) == {1: 1, 2: 2}
    pinned = next(a for a in result.assignments if a.applicant == 2)
    assert pinned.reasons[0] == Reason("pinned", {"host": "host 2"})
    # Pinning applicant 1 to host 2 instead moves both.
    result = solve(
        Instance(
            hosts=instance.hosts,
            places=instance.places,
            supervisors=instance.supervisors,
            applicants=instance.applicants,
            pins=frozenset({(1, 2)}),
        )
    )
    assert placed_hosts(result) == {1: 2, 2: 1}


def test_mix_keeps_two_domains_at_a_school_over_first_choices() -> None:
    # De Regenboog wants two domains. Both educational applicants want it first; the
    # social one wants the neighbourhood first. Without the target: three first
    # choices. With it, by hand: one educational and the social one at De Regenboog.
    instance = Instance(
        hosts=(host(1, "De Regenboog", min_domains=2), host(2, "Buurtteam")),
        places=(Place(1, 1, 2), Place(2, 2, 2)),
        supervisors=(Supervisor(1, "Edu", 1, 1, EDU, 5), Supervisor(2, "Soc", 2, 1, SOC, 5)),
        applicants=(applicant(1, (1, 2)), applicant(2, (1, 2)), applicant(3, (2, 1), domain=SOC)),
    )
    result = solve(instance)
    hosts = placed_hosts(result)
    assert hosts[3] == 1
    assert sorted([hosts[1], hosts[2]]) == [1, 2]
    social = next(a for a in result.assignments if a.applicant == 3)
    assert social.rank == 2
    assert Reason("keeps_domain", {"domain": SOC, "host": "De Regenboog"}) in social.reasons
    assert Reason("kept_for_balance", {"host": "Buurtteam"}) in social.reasons
    assert all(t.met for t in result.targets)


def test_an_infeasible_mix_target_says_which_and_why() -> None:
    # The environment wants 3 pabo students; 4 apply, but only one school is a training
    # school of their partnership, with 2 places: 2 is the best possible, and the
    # report names the missing training-school places.
    instance = Instance(
        hosts=(host(1, "Training school", training_school_of=frozenset({7})), host(2, "Other")),
        places=(Place(1, 1, 2), Place(2, 2, 10)),
        supervisors=supervisors(EDU),
        applicants=tuple(
            applicant(i, (2, 1), programme=PABO, partnerships=frozenset({7})) for i in range(1, 5)
        ),
        targets=(Target(environment=1, minimum=3, programme=PABO),),
        programme_names={PABO: "Pabo"},
    )
    result = solve(instance)
    report = result.targets[0]
    assert (report.minimum, report.achieved, report.met) == (3, 2, False)
    assert report.reasons == (Reason("too_few_places", {"places": 2}),)
    assert len(result.unassigned) == 2
    assert all(Reason("allowed_hosts_full") in u.reasons for u in result.unassigned)
    # Each proposal names the other host as not allowed for a pabo student.
    for assignment in result.assignments:
        assert (
            Reason("not_allowed", {"host": "Other", "rule": RULE_TRAINING_SCHOOL})
            in assignment.reasons
        )


def test_an_infeasible_domain_target_blames_missing_recognition_and_supervisors() -> None:
    instance = Instance(
        hosts=(host(1, "School"),),
        places=(Place(1, 1, 10),),
        supervisors=(Supervisor(1, "Ped", 1, 1, PED, 1),),
        applicants=(
            applicant(1, (1,), domain=PED, level="mbo", crebo="25698"),
            applicant(2, (1,), domain=PED, level="mbo", crebo="25698"),
            applicant(3, (1,), domain=PED),
        ),
        targets=(Target(environment=1, minimum=2, domain=PED),),
    )
    result = solve(instance)
    report = result.targets[0]
    assert report.achieved == 1
    assert report.reasons == (
        Reason("group_blocked", {"rule": RULE_RECOGNITION, "count": 2}),
        Reason("too_few_supervisors", {"slots": 1, "domain": PED}),
    )


def test_met_target_students_say_they_are_needed() -> None:
    instance = Instance(
        hosts=(host(1), host(2)),
        places=(Place(1, 1, 1), Place(2, 2, 5)),
        supervisors=supervisors(EDU, SOC),
        applicants=(applicant(1, (1,), programme=PABO), applicant(2, (1,))),
        targets=(Target(environment=1, minimum=1, programme=PABO),),
        programme_names={PABO: "Pabo"},
    )
    result = solve(instance)
    pabo = next(a for a in result.assignments if a.applicant == 1)
    assert (
        Reason("needed_for_programme_target", {"programme": "Pabo", "minimum": 1}) in pabo.reasons
    )


def test_no_preference_is_not_a_rank() -> None:
    instance = Instance(
        hosts=(host(1),),
        places=(Place(1, 1, 1),),
        supervisors=supervisors(EDU),
        applicants=(applicant(1),),
    )
    result = solve(instance)
    assert result.assignments[0].rank is None
    assert result.assignments[0].reasons[0] == Reason("no_preference")
    assert result.worst_rank == 0


def random_instance(seed: int) -> Instance:
    rng = random.Random(seed)
    environments = rng.randint(1, 3)
    hosts: list[Host] = []
    places: list[Place] = []
    sups: list[Supervisor] = []
    applicants: list[Applicant] = []
    targets: list[Target] = []
    programmes = [(PABO, EDU, "hbo"), (SOCIAL_WORK, SOC, "hbo"), (ASSISTANT, PED, "mbo")]
    for env in range(1, environments + 1):
        env_hosts = []
        for _ in range(rng.randint(1, 5)):
            hid = len(hosts) + 1
            hosts.append(
                Host(
                    id=hid,
                    name=f"h{hid}",
                    environment=env,
                    weekdays=frozenset(rng.sample(range(1, 6), rng.randint(1, 5))),
                    recognitions=frozenset(rng.sample(["1", "2"], rng.randint(0, 2))),
                    training_school_of=frozenset(rng.sample([7, 8], rng.randint(0, 2))),
                    requires=frozenset(["vog"]) if rng.random() < 0.2 else frozenset(),
                    min_domains=rng.choice([0, 0, 2]),
                )
            )
            env_hosts.append(hid)
            for _ in range(rng.randint(1, 3)):
                kind = rng.choice([None, None, *programmes])
                places.append(
                    Place(
                        id=len(places) + 1,
                        host=hid,
                        capacity=rng.randint(0, 4),
                        programme=kind[0] if kind else None,
                        domain=rng.choice([None, EDU, SOC]) if not kind else None,
                    )
                )
            for _ in range(rng.randint(0, 2)):
                sups.append(
                    Supervisor(
                        len(sups) + 1, "s", hid, env, rng.choice([EDU, SOC, PED]), rng.randint(0, 4)
                    )
                )
        for _ in range(rng.randint(0, 12)):
            programme, domain, level = rng.choice(programmes)
            applicants.append(
                Applicant(
                    id=len(applicants) + 1,
                    name="a",
                    environment=env,
                    programme=programme,
                    level=level,
                    domain=domain,
                    weekdays=frozenset(rng.sample(range(1, 6), rng.randint(1, 5))),
                    class_days=frozenset(rng.sample(range(1, 6), rng.randint(0, 2))),
                    preferences=tuple(rng.sample(env_hosts, rng.randint(0, len(env_hosts)))),
                    crebo=rng.choice(["1", "2"]) if level == "mbo" else "",
                    partnerships=frozenset({rng.choice([7, 8])})
                    if programme == PABO
                    else frozenset(),
                    cleared=frozenset(["vog"]) if rng.random() < 0.5 else frozenset(),
                )
            )
        targets.append(Target(env, rng.randint(0, 4), programme=PABO))
        targets.append(Target(env, rng.randint(0, 4), domain=SOC))
    pins = set()
    forbids = set()
    for a in applicants:
        env_hosts = [h.id for h in hosts if h.environment == a.environment]
        roll = rng.random()
        if roll < 0.1:
            pins.add((a.id, rng.choice(env_hosts)))
        elif roll < 0.25:
            forbids.add((a.id, rng.choice(env_hosts)))
    return Instance(
        hosts=tuple(hosts),
        places=tuple(places),
        supervisors=tuple(sups),
        applicants=tuple(applicants),
        targets=tuple(targets),
        pins=frozenset(pins),
        forbids=frozenset(forbids),
    )


def test_never_a_hard_rule_broken_on_random_instances() -> None:
    for seed in range(150):
        instance = random_instance(seed)
        result = solve(instance, time_limit=10)
        assert_no_violation(instance, result)
        placed = {a.applicant for a in result.assignments}
        unplaced = {u.applicant for u in result.unassigned}
        assert placed | unplaced == {a.id for a in instance.applicants}, seed
        assert not placed & unplaced, seed
        for applicant_id, host_id in instance.pins:
            if applicant_id in placed:
                assert placed_hosts(result)[applicant_id] == host_id, seed
        assert all(a.rank is None or 1 <= a.rank < OUTSIDE_RANK for a in result.assignments)


def test_the_same_input_gives_the_same_answer_in_any_order() -> None:
    for seed in range(20):
        instance = random_instance(seed)
        shuffled = Instance(
            hosts=tuple(reversed(instance.hosts)),
            places=tuple(reversed(instance.places)),
            supervisors=tuple(reversed(instance.supervisors)),
            applicants=tuple(reversed(instance.applicants)),
            targets=instance.targets,
            pins=instance.pins,
            forbids=instance.forbids,
        )
        first, again, reordered = solve(instance), solve(instance), solve(shuffled)
        assert first.assignments == again.assignments, seed
        assert first.assignments == reordered.assignments, seed
