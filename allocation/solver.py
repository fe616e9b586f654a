"""The allocation solver: applicants of an application round onto hosts' places.

A pure module: plain frozen dataclasses in (:class:`Instance`), a :class:`Result` out,
no Django. It states the problem as a mixed-integer programme and lets HiGHS (through
``highspy``) solve it in lexicographic stages, each stage's optimum becoming a
constraint for the next:

1. place every pinned applicant at their pinned host, then as many applicants as the
   hard rules allow;
2. meet the mix targets (students per programme and per domain in an environment, at
   least so many domains at a host): minimise the total shortfall;
3. fairness: minimise the worst rank anyone gets (a host outside one's preferences
   counts as rank ``MAX_PREFERENCES + 1``; "no preference" counts as no rank);
4. maximise the number of first choices;
5. minimise the sum of ranks (more second and third choices than fifth).

HiGHS rather than OR-Tools' CP-SAT: the problem is an assignment with side
constraints whose LP relaxation is nearly integral, which a MIP solver closes at the
root; HiGHS is single-threaded and deterministic by default (same input, same answer,
which CP-SAT's portfolio search is not without giving up its workers), reports its
optimality gap when a time limit stops it, and its wheel needs only numpy (OR-Tools
brings pandas and protobuf).

The hard rules are never relaxed: a place's capacity, a common weekday (the
applicant's site days minus their institute class days against the host's days), the
SBB recognition of an mbo applicant's qualification (crebo) at the host, a pabo
applicant only at a training school of their institute's partnership, the compliance
items a host requires before allocation, a practice supervisor of the applicant's own
domain with room (at the host or a partner in the same environment), and the
coordinator's pins and bans. Hosts and applicants of different environments never
meet, so each environment is solved on its own (exactly: every stage's objective is a
sum or a maximum over environments).

Every assignment explains itself, and every target that is not met says why, as
:class:`Reason` codes with parameters; ``allocation/explain.py`` words them.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np

MAX_PREFERENCES = 5
# The rank given to a host outside the applicant's preferences.
OUTSIDE_RANK = MAX_PREFERENCES + 1


@dataclass(frozen=True)
class Host:
    id: int
    name: str
    environment: int
    weekdays: frozenset[int]
    # Crebo codes of the SBB recognitions valid on the round's start date.
    recognitions: frozenset[str] = frozenset()
    # Partnerships (of institutes) whose training school this host is.
    training_school_of: frozenset[int] = frozenset()
    # Compliance items an applicant must have cleared before being placed here.
    requires: frozenset[str] = frozenset()
    # Mix target: students of at least this many domains (0: none).
    min_domains: int = 0


@dataclass(frozen=True)
class Place:
    """Room at a host for ``capacity`` students, optionally only of one programme,
    level or domain."""

    id: int
    host: int
    capacity: int
    programme: int | None = None
    level: str | None = None
    domain: str | None = None


@dataclass(frozen=True)
class Supervisor:
    id: int
    name: str
    organisation: int
    environment: int
    domain: str
    capacity: int


@dataclass(frozen=True)
class Applicant:
    id: int
    name: str
    environment: int
    programme: int
    level: str
    domain: str
    # Days the applicant can be on site, and their institute class days.
    weekdays: frozenset[int]
    class_days: frozenset[int] = frozenset()
    # Host ids, best first; empty: no preference.
    preferences: tuple[int, ...] = ()
    # An mbo applicant's qualification: the host needs its SBB recognition.
    crebo: str = ""
    # A pabo applicant: the host must be a training school of one of these
    # partnerships (their institute's); empty: no such rule.
    partnerships: frozenset[int] = frozenset()
    cleared: frozenset[str] = frozenset()
    days_needed: int = 1


@dataclass(frozen=True)
class Target:
    """At least ``minimum`` students of a programme or of a domain in an environment."""

    environment: int
    minimum: int
    programme: int | None = None
    domain: str | None = None


@dataclass(frozen=True)
class Instance:
    hosts: tuple[Host, ...]
    places: tuple[Place, ...]
    supervisors: tuple[Supervisor, ...]
    applicants: tuple[Applicant, ...]
    targets: tuple[Target, ...] = ()
    # (applicant id, host id) pairs.
    pins: frozenset[tuple[int, int]] = frozenset()
    forbids: frozenset[tuple[int, int]] = frozenset()
    programme_names: Mapping[int, str] = field(default_factory=dict)
    organisation_names: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Reason:
    code: str
    params: Mapping[str, str | int] = field(default_factory=dict)


@dataclass(frozen=True)
class Assignment:
    applicant: int
    host: int
    place: int
    # 1..MAX_PREFERENCES; None: outside the preferences or no preference given.
    rank: int | None
    supervisor: int | None
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Unassigned:
    applicant: int
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class TargetReport:
    """A mix target and how far the proposal meets it; ``host`` set for a host's
    minimum number of domains."""

    environment: int
    minimum: int
    achieved: int
    programme: int | None = None
    domain: str | None = None
    host: int | None = None
    reasons: tuple[Reason, ...] = ()

    @property
    def met(self) -> bool:
        return self.achieved >= self.minimum


@dataclass(frozen=True)
class Result:
    assignments: tuple[Assignment, ...]
    unassigned: tuple[Unassigned, ...]
    targets: tuple[TargetReport, ...]
    seconds: float
    # True when every stage of every environment was solved to optimality; otherwise
    # gap is the largest relative MIP gap a time limit left.
    optimal: bool
    gap: float

    @property
    def worst_rank(self) -> int:
        ranks = [a.rank or OUTSIDE_RANK for a in self.assignments if not _no_rank(a)]
        return max(ranks, default=0)

    @property
    def first_choices(self) -> int:
        return sum(1 for a in self.assignments if a.rank == 1)

    @property
    def unmet_targets(self) -> tuple[TargetReport, ...]:
        return tuple(t for t in self.targets if not t.met)


def _no_rank(assignment: Assignment) -> bool:
    return any(r.code == "no_preference" for r in assignment.reasons)


# The hard rules, as reason codes for an applicant that cannot go to a host.
RULE_OTHER_ENVIRONMENT = "other_environment"
RULE_UNKNOWN_HOST = "unknown_host"
RULE_FORBIDDEN = "forbidden"
RULE_NO_PLACE = "no_place"
RULE_WEEKDAYS = "weekdays"
RULE_RECOGNITION = "recognition"
RULE_TRAINING_SCHOOL = "training_school"
RULE_COMPLIANCE = "compliance"
RULE_PINNED_ELSEWHERE = "pinned_elsewhere"


def place_accepts(place: Place, applicant: Applicant) -> bool:
    return (
        (place.programme is None or place.programme == applicant.programme)
        and (place.level is None or place.level == applicant.level)
        and (place.domain is None or place.domain == applicant.domain)
    )


def host_refusal(
    instance_hosts: Mapping[int, Host],
    places_by_host: Mapping[int, Sequence[Place]],
    applicant: Applicant,
    host_id: int,
    *,
    pins: Mapping[int, int] | None = None,
    forbids: frozenset[tuple[int, int]] = frozenset(),
) -> str | None:
    """The first hard rule that keeps ``applicant`` from ``host_id``, or None."""
    host = instance_hosts.get(host_id)
    if host is None:
        return RULE_UNKNOWN_HOST
    if host.environment != applicant.environment:
        return RULE_OTHER_ENVIRONMENT
    if (applicant.id, host_id) in forbids:
        return RULE_FORBIDDEN
    pinned = (pins or {}).get(applicant.id)
    if pinned is not None and pinned != host_id:
        return RULE_PINNED_ELSEWHERE
    if not any(place_accepts(p, applicant) for p in places_by_host.get(host_id, ())):
        return RULE_NO_PLACE
    site_days = (applicant.weekdays - applicant.class_days) & host.weekdays
    if len(site_days) < applicant.days_needed:
        return RULE_WEEKDAYS
    if applicant.crebo and applicant.crebo not in host.recognitions:
        return RULE_RECOGNITION
    if applicant.partnerships and not applicant.partnerships & host.training_school_of:
        return RULE_TRAINING_SCHOOL
    if not host.requires <= applicant.cleared:
        return RULE_COMPLIANCE
    return None


@dataclass(frozen=True)
class _Arc:
    applicant: int
    place: int
    host: int
    rank: int  # 0: no preference given


class _Lp:
    """Columns and rows gathered in Python, handed to HiGHS in one call each."""

    def __init__(self) -> None:
        self.lower: list[float] = []
        self.upper: list[float] = []
        self.integer: list[bool] = []
        self.rows: list[tuple[list[int], list[float], float, float]] = []

    def col(self, lower: float, upper: float, *, integer: bool = True) -> int:
        self.lower.append(lower)
        self.upper.append(upper)
        self.integer.append(integer)
        return len(self.lower) - 1

    def row(self, terms: Iterable[tuple[int, float]], lower: float, upper: float) -> None:
        pairs = list(terms)
        self.rows.append(([c for c, _ in pairs], [v for _, v in pairs], lower, upper))

    def build(self, time_limit: float) -> highspy.Highs:
        h = highspy.Highs()  # type: ignore[no-untyped-call]
        h.silent()
        h.setOptionValue("time_limit", max(time_limit, 0.1))
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("random_seed", 0)
        h.setOptionValue("threads", 1)
        n = len(self.lower)
        h.addVars(n, np.array(self.lower, dtype=np.float64), np.array(self.upper, dtype=np.float64))
        h.changeColsIntegrality(
            n,
            np.arange(n, dtype=np.int32),
            np.array(
                [
                    highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous
                    for i in self.integer
                ]
            ),
        )
        starts: list[int] = []
        indices: list[int] = []
        values: list[float] = []
        for cols, vals, _, _ in self.rows:
            starts.append(len(indices))
            indices.extend(cols)
            values.extend(vals)
        if self.rows:
            h.addRows(
                len(self.rows),
                np.array([r[2] for r in self.rows], dtype=np.float64),
                np.array([r[3] for r in self.rows], dtype=np.float64),
                len(indices),
                np.array(starts, dtype=np.int32),
                np.array(indices, dtype=np.int32),
                np.array(values, dtype=np.float64),
            )
        return h


class _Stages:
    """Lexicographic optimisation: each stage's value is kept by the next."""

    def __init__(self, h: highspy.Highs, n: int, deadline: float) -> None:
        self.h = h
        self.n = n
        self.deadline = deadline
        self.optimal = True
        self.gap = 0.0
        self.values: np.ndarray | None = None

    def run(self, terms: Mapping[int, float], *, maximise: bool) -> float:
        if self.values is not None and time.monotonic() >= self.deadline:
            # Out of time: the later stages keep the incumbent, unproven.
            self.optimal = False
            self.gap = 1.0
            return 0.0
        costs = np.zeros(self.n, dtype=np.float64)
        for col, coef in terms.items():
            costs[col] = coef
        h = self.h
        h.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), costs)
        h.changeObjectiveSense(
            highspy.ObjSense.kMaximize if maximise else highspy.ObjSense.kMinimize
        )
        h.setOptionValue("time_limit", max(self.deadline - time.monotonic(), 0.1))
        if self.values is not None:
            solution = highspy.HighsSolution()
            solution.col_value = list(self.values)
            h.setSolution(solution)
        h.run()
        status = h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            self.optimal = False
            self.gap = max(self.gap, float(h.getInfo().mip_gap))
        solution_values = np.array(h.getSolution().col_value)
        if solution_values.size != self.n:  # no incumbent at all: keep the last one
            if self.values is None:
                raise RuntimeError("The solver found no assignment within its time limit.")
            solution_values = self.values
        self.values = solution_values
        value = float(costs @ solution_values)
        # Integer objectives: keep what this stage reached (round against float noise).
        bound = round(value)
        cols = [c for c, v in terms.items() if v]
        vals = [terms[c] for c in cols]
        if cols:
            if maximise:
                h.addRow(
                    bound - 0.5,
                    highspy.kHighsInf,
                    len(cols),
                    np.array(cols, dtype=np.int32),
                    np.array(vals, dtype=np.float64),
                )
            else:
                h.addRow(
                    -highspy.kHighsInf,
                    bound + 0.5,
                    len(cols),
                    np.array(cols, dtype=np.int32),
                    np.array(vals, dtype=np.float64),
                )
        return value


ProgressCallback = Callable[[int, int], None]


def solve(
    instance: Instance,
    *,
    time_limit: float = 50.0,
    progress: ProgressCallback | None = None,
) -> Result:
    """Propose an assignment for ``instance`` within ``time_limit`` seconds."""
    started = time.monotonic()
    hosts = {h.id: h for h in instance.hosts}
    places_by_host: dict[int, list[Place]] = defaultdict(list)
    for place in sorted(instance.places, key=lambda p: p.id):
        places_by_host[place.host].append(place)
    pins = dict(instance.pins)
    environments = sorted(
        {a.environment for a in instance.applicants} | {h.environment for h in instance.hosts}
    )
    sizes = {
        env: sum(1 for a in instance.applicants if a.environment == env) + 1 for env in environments
    }
    total_size = sum(sizes.values())
    chosen: dict[int, _Arc] = {}
    optimal = True
    gap = 0.0
    for done, env in enumerate(environments):
        budget = time_limit * sizes[env] / total_size
        remaining = time_limit - (time.monotonic() - started)
        deadline = time.monotonic() + max(min(budget * 1.5, remaining), 0.2)
        env_chosen, env_optimal, env_gap = _solve_environment(
            instance, env, hosts, places_by_host, pins, deadline
        )
        chosen.update(env_chosen)
        optimal = optimal and env_optimal
        gap = max(gap, env_gap)
        if progress is not None:
            progress(done + 1, len(environments))
    supervisors = _assign_supervisors(instance, hosts, chosen)
    return _explain(
        instance,
        hosts,
        places_by_host,
        pins,
        chosen,
        supervisors,
        seconds=time.monotonic() - started,
        optimal=optimal,
        gap=gap,
    )


def allowed_arcs(
    instance: Instance,
    applicant: Applicant,
    hosts: Mapping[int, Host],
    places_by_host: Mapping[int, Sequence[Place]],
    pins: Mapping[int, int],
) -> list[_Arc]:
    ranks = {host: i + 1 for i, host in enumerate(applicant.preferences[:MAX_PREFERENCES])}
    arcs = []
    for host in sorted(hosts.values(), key=lambda h: h.id):
        if host.environment != applicant.environment:
            continue
        if host_refusal(
            hosts, places_by_host, applicant, host.id, pins=pins, forbids=instance.forbids
        ):
            continue
        rank = ranks.get(host.id, OUTSIDE_RANK) if applicant.preferences else 0
        for place in places_by_host[host.id]:
            if place.capacity > 0 and place_accepts(place, applicant):
                arcs.append(_Arc(applicant.id, place.id, host.id, rank))
    return arcs


def _solve_environment(
    instance: Instance,
    env: int,
    hosts: Mapping[int, Host],
    places_by_host: Mapping[int, Sequence[Place]],
    pins: Mapping[int, int],
    deadline: float,
) -> tuple[dict[int, _Arc], bool, float]:
    applicants = sorted(
        (a for a in instance.applicants if a.environment == env), key=lambda a: a.id
    )
    env_hosts = sorted((h for h in instance.hosts if h.environment == env), key=lambda h: h.id)
    lp = _Lp()
    arcs: list[_Arc] = []
    arc_cols: list[int] = []
    for applicant in applicants:
        for arc in allowed_arcs(instance, applicant, hosts, places_by_host, pins):
            arcs.append(arc)
            arc_cols.append(lp.col(0, 1))
    if not arcs:
        return {}, True, 0.0
    by_applicant: dict[int, list[int]] = defaultdict(list)
    by_place: dict[int, list[int]] = defaultdict(list)
    for i, arc in enumerate(arcs):
        by_applicant[arc.applicant].append(i)
        by_place[arc.place].append(i)
    for idx in by_applicant.values():
        lp.row(((arc_cols[i], 1.0) for i in idx), 0, 1)
    capacities = {p.id: p.capacity for p in instance.places}
    for place_id, idx in sorted(by_place.items()):
        lp.row(((arc_cols[i], 1.0) for i in idx), 0, capacities[place_id])
    applicant_of = {a.id: a for a in applicants}
    # Own-domain supervision: any supervisor of the domain in the environment can take
    # any of its students, so counting per domain is exact; _assign_supervisors then
    # names one, preferring the host's own.
    supervision: dict[str, int] = defaultdict(int)
    for s in instance.supervisors:
        if s.environment == env:
            supervision[s.domain] += s.capacity
    by_domain: dict[str, list[int]] = defaultdict(list)
    for i, arc in enumerate(arcs):
        by_domain[applicant_of[arc.applicant].domain].append(i)
    for domain, idx in sorted(by_domain.items()):
        lp.row(((arc_cols[i], 1.0) for i in idx), 0, supervision.get(domain, 0))

    # Mix targets, with a shortfall column each.
    shortfalls: list[int] = []
    for target in instance.targets:
        if target.environment != env or target.minimum <= 0:
            continue
        idx = [
            i
            for i, arc in enumerate(arcs)
            if (
                target.programme is None
                or applicant_of[arc.applicant].programme == target.programme
            )
            and (target.domain is None or applicant_of[arc.applicant].domain == target.domain)
        ]
        short = lp.col(0, target.minimum)
        shortfalls.append(short)
        lp.row(
            [(arc_cols[i], 1.0) for i in idx] + [(short, 1.0)], target.minimum, highspy.kHighsInf
        )
    for host in env_hosts:
        if host.min_domains <= 0:
            continue
        at_host: dict[str, list[int]] = defaultdict(list)
        for i, arc in enumerate(arcs):
            if arc.host == host.id:
                at_host[applicant_of[arc.applicant].domain].append(i)
        present = []
        for _domain, idx in sorted(at_host.items()):
            z = lp.col(0, 1)
            present.append(z)
            lp.row([(z, 1.0)] + [(arc_cols[i], -1.0) for i in idx], -highspy.kHighsInf, 0)
        short = lp.col(0, host.min_domains)
        shortfalls.append(short)
        lp.row([(z, 1.0) for z in present] + [(short, 1.0)], host.min_domains, highspy.kHighsInf)

    # Fairness: the worst rank, above every ranked arc taken.
    worst = lp.col(0, OUTSIDE_RANK)
    for i, arc in enumerate(arcs):
        if arc.rank > 0:
            lp.row([(worst, 1.0), (arc_cols[i], -float(arc.rank))], 0, highspy.kHighsInf)

    h = lp.build(deadline - time.monotonic())
    stages = _Stages(h, len(lp.lower), deadline)
    weight = len(applicants) + 1
    stages.run(
        {
            arc_cols[i]: (weight + 1.0) if pins.get(arc.applicant) == arc.host else 1.0
            for i, arc in enumerate(arcs)
        },
        maximise=True,
    )
    if shortfalls:
        stages.run(dict.fromkeys(shortfalls, 1.0), maximise=False)
    stages.run({worst: 1.0}, maximise=False)
    stages.run({arc_cols[i]: 1.0 for i, arc in enumerate(arcs) if arc.rank == 1}, maximise=True)
    stages.run(
        {arc_cols[i]: float(arc.rank) for i, arc in enumerate(arcs) if arc.rank > 1},
        maximise=False,
    )
    assert stages.values is not None
    chosen = {
        arcs[i].applicant: arcs[i] for i in range(len(arcs)) if stages.values[arc_cols[i]] > 0.5
    }
    return chosen, stages.optimal, stages.gap


def _assign_supervisors(
    instance: Instance, hosts: Mapping[int, Host], chosen: Mapping[int, _Arc]
) -> dict[int, int]:
    """Name a supervisor per placed applicant: first one at the host itself, then any
    of the same domain in the environment (the solver kept the counts within room)."""
    room = {s.id: s.capacity for s in instance.supervisors}
    pool: dict[tuple[int, str], list[Supervisor]] = defaultdict(list)
    for s in sorted(instance.supervisors, key=lambda s: s.id):
        pool[(s.environment, s.domain)].append(s)
    applicants = {a.id: a for a in instance.applicants}
    result: dict[int, int] = {}
    order = sorted(chosen)
    for own_host_only in (True, False):
        for applicant_id in order:
            if applicant_id in result:
                continue
            applicant = applicants[applicant_id]
            host = chosen[applicant_id].host
            for s in pool[(applicant.environment, applicant.domain)]:
                if room[s.id] > 0 and (not own_host_only or s.organisation == host):
                    room[s.id] -= 1
                    result[applicant_id] = s.id
                    break
    return result


def _ordinal_reason(rank: int) -> Reason:
    return Reason("rank", {"rank": rank})


def _explain(
    instance: Instance,
    hosts: Mapping[int, Host],
    places_by_host: Mapping[int, Sequence[Place]],
    pins: Mapping[int, int],
    chosen: Mapping[int, _Arc],
    supervisors: Mapping[int, int],
    *,
    seconds: float,
    optimal: bool,
    gap: float,
) -> Result:
    applicants = {a.id: a for a in instance.applicants}
    used: dict[int, int] = defaultdict(int)
    for arc in chosen.values():
        used[arc.place] += 1
    capacity = {p.id: p.capacity for p in instance.places}
    supervisor_of = {s.id: s for s in instance.supervisors}
    domains_at: dict[tuple[int, str], int] = defaultdict(int)
    for arc in chosen.values():
        domains_at[(arc.host, applicants[arc.applicant].domain)] += 1
    targets = _target_reports(instance, hosts, places_by_host, pins, chosen)
    tight = [t for t in targets if t.host is None and t.achieved <= t.minimum]

    def full(host_id: int, applicant: Applicant) -> bool:
        fitting = [p for p in places_by_host.get(host_id, ()) if place_accepts(p, applicant)]
        return all(used[p.id] >= capacity[p.id] for p in fitting)

    def why_not(applicant: Applicant, host_id: int) -> Reason:
        refusal = host_refusal(
            hosts, places_by_host, applicant, host_id, pins=pins, forbids=instance.forbids
        )
        name = hosts[host_id].name if host_id in hosts else str(host_id)
        if refusal is not None:
            params: dict[str, str | int] = {"host": name, "rule": refusal}
            if refusal == RULE_RECOGNITION:
                params["crebo"] = applicant.crebo
            return Reason("not_allowed", params)
        if full(host_id, applicant):
            return Reason("full", {"host": name})
        return Reason("kept_for_balance", {"host": name})

    assignments: list[Assignment] = []
    unassigned: list[Unassigned] = []
    supervision_room: dict[tuple[int, str], int] = defaultdict(int)
    for s in instance.supervisors:
        supervision_room[(s.environment, s.domain)] += s.capacity
    supervision_used: dict[tuple[int, str], int] = defaultdict(int)
    for applicant_id in chosen:
        a = applicants[applicant_id]
        supervision_used[(a.environment, a.domain)] += 1
    for applicant in sorted(instance.applicants, key=lambda a: a.id):
        placed = chosen.get(applicant.id)
        prefs = applicant.preferences[:MAX_PREFERENCES]
        if placed is None:
            reasons: list[Reason] = [why_not(applicant, h) for h in prefs]
            if applicant.id in pins:
                reasons.insert(0, why_not(applicant, pins[applicant.id]))
            key = (applicant.environment, applicant.domain)
            if supervision_used[key] >= supervision_room[key]:
                reasons.append(
                    Reason(
                        "no_supervisor",
                        {"domain": applicant.domain, "slots": supervision_room[key]},
                    )
                )
            if not any(
                host_refusal(
                    hosts, places_by_host, applicant, h.id, pins=pins, forbids=instance.forbids
                )
                is None
                for h in instance.hosts
                if h.environment == applicant.environment
            ):
                reasons.append(Reason("no_host_allowed"))
            else:
                reasons.append(Reason("allowed_hosts_full"))
            unassigned.append(Unassigned(applicant.id, tuple(reasons)))
            continue
        host = hosts[placed.host]
        reasons = []
        if pins.get(applicant.id) == placed.host:
            reasons.append(Reason("pinned", {"host": host.name}))
        if not prefs:
            reasons.append(Reason("no_preference"))
            rank: int | None = None
        elif placed.host in prefs:
            rank = prefs.index(placed.host) + 1
            reasons.append(_ordinal_reason(rank))
            reasons.extend(why_not(applicant, h) for h in prefs[: rank - 1])
        else:
            rank = None
            reasons.append(Reason("outside_preferences"))
            reasons.extend(why_not(applicant, h) for h in prefs)
        if host.min_domains and domains_at[(host.id, applicant.domain)] == 1:
            reasons.append(Reason("keeps_domain", {"domain": applicant.domain, "host": host.name}))
        for t in tight:
            if t.environment != applicant.environment:
                continue
            if t.programme is not None and t.programme == applicant.programme:
                reasons.append(
                    Reason(
                        "needed_for_programme_target",
                        {
                            "programme": instance.programme_names.get(
                                t.programme, str(t.programme)
                            ),
                            "minimum": t.minimum,
                        },
                    )
                )
            elif t.programme is None and t.domain == applicant.domain:
                reasons.append(
                    Reason("needed_for_domain_target", {"domain": t.domain, "minimum": t.minimum})
                )
        supervisor_id = supervisors.get(applicant.id)
        if supervisor_id is not None:
            s = supervisor_of[supervisor_id]
            reasons.append(
                Reason(
                    "supervisor" if s.organisation == host.id else "supervisor_at_partner",
                    {
                        "supervisor": s.name,
                        "domain": s.domain,
                        "organisation": instance.organisation_names.get(
                            s.organisation,
                            hosts[s.organisation].name if s.organisation in hosts else "",
                        ),
                    },
                )
            )
        assignments.append(
            Assignment(applicant.id, placed.host, placed.place, rank, supervisor_id, tuple(reasons))
        )
    return Result(
        assignments=tuple(assignments),
        unassigned=tuple(unassigned),
        targets=targets,
        seconds=seconds,
        optimal=optimal,
        gap=gap,
    )


def _target_reports(
    instance: Instance,
    hosts: Mapping[int, Host],
    places_by_host: Mapping[int, Sequence[Place]],
    pins: Mapping[int, int],
    chosen: Mapping[int, _Arc],
) -> tuple[TargetReport, ...]:
    applicants = {a.id: a for a in instance.applicants}
    reports = []
    supervision: dict[tuple[int, str], int] = defaultdict(int)
    for s in instance.supervisors:
        supervision[(s.environment, s.domain)] += s.capacity
    for target in instance.targets:
        if target.minimum <= 0:
            continue

        def in_group(a: Applicant, t: Target = target) -> bool:
            return (
                a.environment == t.environment
                and (t.programme is None or a.programme == t.programme)
                and (t.domain is None or a.domain == t.domain)
            )

        achieved = sum(1 for arc in chosen.values() if in_group(applicants[arc.applicant]))
        reasons: list[Reason] = []
        if achieved < target.minimum:
            reasons = _target_reasons(
                instance, hosts, places_by_host, pins, in_group, target, supervision
            )
        reports.append(
            TargetReport(
                environment=target.environment,
                minimum=target.minimum,
                achieved=achieved,
                programme=target.programme,
                domain=target.domain,
                reasons=tuple(reasons),
            )
        )
    for host in sorted(instance.hosts, key=lambda h: h.id):
        if host.min_domains <= 0:
            continue
        present = {
            applicants[arc.applicant].domain for arc in chosen.values() if arc.host == host.id
        }
        reasons = []
        if len(present) < host.min_domains:
            reachable: dict[str, int] = defaultdict(int)
            for a in instance.applicants:
                if (
                    a.environment == host.environment
                    and host_refusal(
                        hosts, places_by_host, a, host.id, pins=pins, forbids=instance.forbids
                    )
                    is None
                ):
                    reachable[a.domain] += 1
            domains = sorted(reachable)
            capacity = sum(p.capacity for p in places_by_host.get(host.id, ()))
            if capacity < host.min_domains:
                reasons.append(Reason("host_capacity", {"host": host.name, "places": capacity}))
            if len(domains) < host.min_domains:
                reasons.append(
                    Reason(
                        "host_domains_reachable",
                        {"host": host.name, "domains": ", ".join(domains), "count": len(domains)},
                    )
                )
            if not reasons:
                reasons.append(Reason("competing", {}))
        reports.append(
            TargetReport(
                environment=host.environment,
                minimum=host.min_domains,
                achieved=len(present),
                host=host.id,
                reasons=tuple(reasons),
            )
        )
    return tuple(reports)


def _target_reasons(
    instance: Instance,
    hosts: Mapping[int, Host],
    places_by_host: Mapping[int, Sequence[Place]],
    pins: Mapping[int, int],
    in_group: Callable[[Applicant], bool],
    target: Target,
    supervision: Mapping[tuple[int, str], int],
) -> list[Reason]:
    """Why at most fewer than ``target.minimum`` of the group can be placed: the
    first bound below the target (applicants, who can go anywhere, places, own-domain
    supervisors), or that the room went to other students and targets."""
    group = [a for a in instance.applicants if in_group(a)]
    reasons: list[Reason] = []
    if len(group) < target.minimum:
        reasons.append(Reason("too_few_applicants", {"count": len(group)}))
    env_hosts = [h for h in instance.hosts if h.environment == target.environment]
    blocked: dict[str, int] = defaultdict(int)
    reachable = 0
    fitting_places: set[int] = set()
    for a in group:
        refusals = []
        for h in env_hosts:
            refusal = host_refusal(
                hosts, places_by_host, a, h.id, pins=pins, forbids=instance.forbids
            )
            if refusal is None:
                fitting_places.update(p.id for p in places_by_host[h.id] if place_accepts(p, a))
            else:
                refusals.append(refusal)
        if len(refusals) < len(env_hosts):
            reachable += 1
        else:
            # The rule that stops them at most hosts is the one to report.
            counts: dict[str, int] = defaultdict(int)
            for r in refusals:
                counts[r] += 1
            if counts:
                blocked[max(sorted(counts), key=lambda r: counts[r])] += 1
    if reachable < target.minimum and reachable < len(group):
        for rule, count in sorted(blocked.items()):
            params: dict[str, str | int] = {"rule": rule, "count": count}
            reasons.append(Reason("group_blocked", params))
    places = sum(p.capacity for p in instance.places if p.id in fitting_places)
    if places < target.minimum:
        reasons.append(Reason("too_few_places", {"places": places}))
    domains = {a.domain for a in group}
    if target.domain is not None:
        domains = {target.domain}
    slots = sum(supervision.get((target.environment, d), 0) for d in domains)
    if slots < target.minimum:
        reasons.append(
            Reason("too_few_supervisors", {"slots": slots, "domain": ", ".join(sorted(domains))})
        )
    if not reasons:
        reasons.append(Reason("competing", {}))
    return reasons


def hard_rule_violations(
    instance: Instance, placed: Iterable[tuple[int, int, int | None]]
) -> list[str]:
    """Every hard rule an assignment breaks, as plain sentences for a test or a
    benchmark: ``placed`` holds (applicant, place, supervisor or None) triples."""
    hosts = {h.id: h for h in instance.hosts}
    places = {p.id: p for p in instance.places}
    places_by_host: dict[int, list[Place]] = defaultdict(list)
    for place in instance.places:
        places_by_host[place.host].append(place)
    applicants = {a.id: a for a in instance.applicants}
    supervisors = {s.id: s for s in instance.supervisors}
    pins = dict(instance.pins)
    problems = []
    seen: set[int] = set()
    used: dict[int, int] = defaultdict(int)
    supervised: dict[int, int] = defaultdict(int)
    for applicant_id, place_id, supervisor_id in placed:
        applicant = applicants[applicant_id]
        place = places[place_id]
        if applicant_id in seen:
            problems.append(f"applicant {applicant_id} placed twice")
        seen.add(applicant_id)
        used[place_id] += 1
        if not place_accepts(place, applicant):
            problems.append(f"applicant {applicant_id} in place {place_id} not meant for them")
        refusal = host_refusal(
            hosts, places_by_host, applicant, place.host, pins=pins, forbids=instance.forbids
        )
        if refusal is not None:
            problems.append(f"applicant {applicant_id} at host {place.host}: {refusal}")
        if supervisor_id is None:
            problems.append(f"applicant {applicant_id} without an own-domain supervisor")
        else:
            supervisor = supervisors[supervisor_id]
            supervised[supervisor_id] += 1
            if supervisor.domain != applicant.domain:
                problems.append(f"applicant {applicant_id} supervised outside their domain")
            if supervisor.environment != applicant.environment:
                problems.append(f"applicant {applicant_id} supervised from another environment")
    for place_id, count in used.items():
        if count > places[place_id].capacity:
            problems.append(f"place {place_id} over capacity ({count})")
    for supervisor_id, count in supervised.items():
        if count > supervisors[supervisor_id].capacity:
            problems.append(f"supervisor {supervisor_id} over capacity ({count})")
    return problems
