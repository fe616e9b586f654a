"""Benchmark of the allocation solver (allocation.solver) at region scale, issue 16.

    .venv/bin/python bench/run_allocation.py [--seed 20261207] [--time-limit 50] [--no-write]

Generates one application round of a region: 5,000 applicants over 50 environments of
8 hosts each (5 schools, 3 neighbourhood organisations: 400 hosts), with the pilots'
skew: many social-programme students and few pabo students, and fewer places still for
pabo (only two of an environment's five schools are a training school of the pabo
institute's partnership), few social-domain supervisors in schools (one school in ten
has one), mbo students who need an SBB-recognised host for their qualification, popular
hosts asked first by many. Each environment has mix targets per domain and for pabo,
and every school wants students of two domains.

It then runs, on the same instance, the solver and a **baseline** doing what placement
systems do (osis-internship's shuffled greedy pass): shuffle the applicants, give each
the first of their choices with room left, then place the rest anywhere allowed by
capacity, weekdays, recognition and training-school status; like those systems it does
not know about own-domain supervision or the mix. For both it reports the first-choice
and top-3 rates (of applicants with preferences), the worst rank given (a host outside
the preferences counts as 6), unassigned applicants, mix targets not met (and the total
shortfall), placed students without an own-domain supervisor with room, hard-rule
violations, and the time; for the solver also whether every stage was optimal and the
gap otherwise. Writes bench/results/allocation-<UTC date>.json.

No database or server: the solver takes plain data.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

from allocation.solver import (  # noqa: E402
    MAX_PREFERENCES,
    OUTSIDE_RANK,
    Applicant,
    Host,
    Instance,
    Place,
    Supervisor,
    Target,
    allowed_arcs,
    hard_rule_violations,
    solve,
)

SEED = 20261207
ENVIRONMENTS = 50
APPLICANTS_PER_ENVIRONMENT = 100
SCHOOLS, NEIGHBOURHOOD = 5, 3
TRAINING_SCHOOLS = 2

# (id, name, domain, level, weight, crebo) -- the pilots' mix: social programmes well
# represented, pabo under-represented.
PROGRAMMES = [
    (1, "Pabo", "educational", "hbo", 6, ""),
    (2, "Tweedegraads lerarenopleiding", "educational", "hbo", 7, ""),
    (3, "Docent muziek", "educational", "hbo", 3, ""),
    (4, "Onderwijsassistent", "educational", "mbo", 9, "25698"),
    (5, "Social work", "social", "hbo", 22, ""),
    (6, "Vaktherapie", "social", "hbo", 8, ""),
    (7, "Sport en bewegen", "social", "mbo", 10, "25409"),
    (8, "Ecologische pedagogiek", "pedagogical", "hbo", 6, ""),
    (9, "Pedagogisch educatief professional", "pedagogical", "hbo", 8, ""),
    (10, "Pedagogisch medewerker", "pedagogical", "mbo", 21, "25486"),
]
PABO = 1


def generate(seed: int) -> Instance:
    rng = random.Random(seed)
    hosts: list[Host] = []
    places: list[Place] = []
    supervisors: list[Supervisor] = []
    applicants: list[Applicant] = []
    targets: list[Target] = []
    for env in range(1, ENVIRONMENTS + 1):
        partnership = env % 3
        env_hosts: list[Host] = []
        for i in range(SCHOOLS + NEIGHBOURHOOD):
            hid = len(hosts) + 1
            school = i < SCHOOLS
            days = 5 if school else rng.choice([3, 4, 5])
            host = Host(
                id=hid,
                name=f"{'School' if school else 'Wijk'} {env}.{i + 1}",
                environment=env,
                weekdays=frozenset(sorted(rng.sample(range(1, 6), days))),
                recognitions=frozenset(
                    c
                    for c, chance in (
                        ("25698", 0.7 if school else 0.0),
                        ("25409", 0.2 if school else 0.6),
                        ("25486", 0.1 if school else 0.8),
                    )
                    if rng.random() < chance
                ),
                training_school_of=frozenset({partnership})
                if i < TRAINING_SCHOOLS
                else frozenset(),
                min_domains=2 if school else 0,
            )
            env_hosts.append(host)
            hosts.append(host)
            places.append(
                Place(len(places) + 1, hid, rng.randint(9, 15) if school else rng.randint(11, 17))
            )
            # Supervisors: schools mostly educational, rarely social; neighbourhood
            # organisations social and pedagogical.
            domains = (
                ["educational"] * rng.randint(2, 3)
                + (["social"] if rng.random() < 0.1 else [])
                + (["pedagogical"] if rng.random() < 0.3 else [])
                if school
                else ["social"] * rng.randint(2, 4) + ["pedagogical"] * rng.randint(2, 3)
            )
            for domain in domains:
                supervisors.append(
                    Supervisor(
                        len(supervisors) + 1,
                        f"S{len(supervisors) + 1}",
                        hid,
                        env,
                        domain,
                        rng.randint(3, 6),
                    )
                )
        # Popularity: a few hosts are asked first by many.
        popularity = [rng.random() ** 2 + 0.05 for _ in env_hosts]
        weights = [p[4] for p in PROGRAMMES]
        counts: dict[int, int] = defaultdict(int)
        for _ in range(APPLICANTS_PER_ENVIRONMENT):
            pid, _name, domain, level, _w, crebo = rng.choices(PROGRAMMES, weights)[0]
            counts[pid] += 1
            site = rng.sample(range(1, 6), rng.randint(2, 4))
            class_days = [d for d in range(1, 6) if d not in site][: rng.randint(0, 2)]
            wanted = 0 if rng.random() < 0.05 else rng.randint(1, MAX_PREFERENCES)
            suitable = env_hosts[:SCHOOLS] if domain == "educational" else env_hosts
            prefs: list[int] = []
            pool = list(zip(suitable, popularity, strict=False))
            while pool and len(prefs) < wanted:
                pick = rng.choices(range(len(pool)), [w for _, w in pool])[0]
                prefs.append(pool.pop(pick)[0].id)
            applicants.append(
                Applicant(
                    id=len(applicants) + 1,
                    name=f"A{len(applicants) + 1}",
                    environment=env,
                    programme=pid,
                    level=level,
                    domain=domain,
                    weekdays=frozenset(site),
                    class_days=frozenset(class_days),
                    preferences=tuple(prefs),
                    crebo=crebo,
                    partnerships=frozenset({partnership}) if pid == PABO else frozenset(),
                )
            )
        # Targets as a coordinator sets them from the applications: most of each
        # domain, every pabo student.
        for domain in ("educational", "social", "pedagogical"):
            applied = sum(n for pid, n in counts.items() if PROGRAMMES[pid - 1][2] == domain)
            targets.append(Target(env, round(applied * 0.9), domain=domain))
        targets.append(Target(env, counts[PABO], programme=PABO))
    return Instance(
        hosts=tuple(hosts),
        places=tuple(places),
        supervisors=tuple(supervisors),
        applicants=tuple(applicants),
        targets=tuple(targets),
        programme_names={p[0]: p[1] for p in PROGRAMMES},
    )


def baseline(
    instance: Instance, seed: int, *, supervision: bool = False
) -> list[tuple[int, int, int | None]]:
    """osis-internship's way: shuffled students, first choice with room, then the rest
    anywhere allowed; the mix plays no part, and supervision none unless
    ``supervision`` (then a student is only placed while an own-domain supervisor of
    the environment has room). Supervisors are named afterwards where one of the
    domain still has room, as a coordinator would."""
    rng = random.Random(seed)
    hosts = {h.id: h for h in instance.hosts}
    places_by_host: dict[int, list[Place]] = defaultdict(list)
    for place in instance.places:
        places_by_host[place.host].append(place)
    room = {p.id: p.capacity for p in instance.places}
    order = list(instance.applicants)
    rng.shuffle(order)
    chosen: dict[int, tuple[int, int]] = {}
    slots: dict[tuple[int, str], int] = defaultdict(int)
    for s in instance.supervisors:
        slots[(s.environment, s.domain)] += s.capacity

    def supervised(a: Applicant) -> bool:
        if not supervision:
            return True
        if slots[(a.environment, a.domain)] <= 0:
            return False
        slots[(a.environment, a.domain)] -= 1
        return True

    arcs = {a.id: allowed_arcs(instance, a, hosts, places_by_host, {}) for a in order}
    for applicant in order:
        for host_id in applicant.preferences:
            arc = next(
                (x for x in arcs[applicant.id] if x.host == host_id and room[x.place] > 0), None
            )
            if arc is not None and supervised(applicant):
                room[arc.place] -= 1
                chosen[applicant.id] = (arc.place, arc.host)
                break
    for applicant in order:
        if applicant.id in chosen:
            continue
        free = [x for x in arcs[applicant.id] if room[x.place] > 0]
        if free and supervised(applicant):
            arc = rng.choice(free)
            room[arc.place] -= 1
            chosen[applicant.id] = (arc.place, arc.host)
    supervisor_room = {s.id: s.capacity for s in instance.supervisors}
    pool: dict[tuple[int, str], list[Supervisor]] = defaultdict(list)
    for s in instance.supervisors:
        pool[(s.environment, s.domain)].append(s)
    applicants = {a.id: a for a in instance.applicants}
    result = []
    for applicant_id, (place_id, host_id) in sorted(chosen.items()):
        a = applicants[applicant_id]
        candidates = sorted(
            pool[(a.environment, a.domain)], key=lambda s: (s.organisation != host_id, s.id)
        )
        supervisor = next((s for s in candidates if supervisor_room[s.id] > 0), None)
        if supervisor is not None:
            supervisor_room[supervisor.id] -= 1
        result.append((applicant_id, place_id, supervisor.id if supervisor else None))
    return result


def measure(
    instance: Instance, placed: list[tuple[int, int, int | None]], seconds: float
) -> dict[str, Any]:
    applicants = {a.id: a for a in instance.applicants}
    host_of = {p.id: p.host for p in instance.places}
    ranks = []
    for applicant_id, place_id, _ in placed:
        prefs = applicants[applicant_id].preferences
        if prefs:
            host = host_of[place_id]
            ranks.append(prefs.index(host) + 1 if host in prefs else OUTSIDE_RANK)
    with_prefs = sum(1 for a in instance.applicants if a.preferences)
    counts: dict[tuple[int, Any, Any], int] = defaultdict(int)
    host_domains: dict[int, set[str]] = defaultdict(set)
    for applicant_id, place_id, _ in placed:
        a = applicants[applicant_id]
        counts[(a.environment, "programme", a.programme)] += 1
        counts[(a.environment, "domain", a.domain)] += 1
        host_domains[host_of[place_id]].add(a.domain)
    unmet = 0
    shortfall = 0
    for t in instance.targets:
        got = (
            counts[(t.environment, "programme", t.programme)]
            if t.programme
            else counts[(t.environment, "domain", t.domain)]
        )
        if got < t.minimum:
            unmet += 1
            shortfall += t.minimum - got
    for h in instance.hosts:
        if h.min_domains and len(host_domains[h.id]) < h.min_domains:
            unmet += 1
            shortfall += h.min_domains - len(host_domains[h.id])
    violations = hard_rule_violations(instance, placed)
    return {
        "placed": len(placed),
        "unassigned": len(instance.applicants) - len(placed),
        "first_choice_rate": round(sum(1 for r in ranks if r == 1) / with_prefs, 4),
        "top3_rate": round(sum(1 for r in ranks if r <= 3) / with_prefs, 4),
        "worst_rank": max(ranks, default=0),
        "rank_histogram": {str(k): ranks.count(k) for k in range(1, OUTSIDE_RANK + 1)},
        "mix_targets_unmet": unmet,
        "mix_shortfall": shortfall,
        "own_domain_supervision_shortfall": sum(1 for *_, s in placed if s is None),
        "hard_rule_violations": len(violations),
        "hard_rule_violation_examples": violations[:5],
        "seconds": round(seconds, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--time-limit", type=float, default=50.0)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()

    started = time.monotonic()
    instance = generate(args.seed)
    generated = time.monotonic() - started
    print(
        f"instance: {len(instance.applicants)} applicants, {len(instance.hosts)} hosts, "
        f"{ENVIRONMENTS} environments, {sum(p.capacity for p in instance.places)} places, "
        f"{len(instance.supervisors)} supervisors ({generated:.1f} s to generate)"
    )

    started = time.monotonic()
    base = baseline(instance, args.seed)
    base_figures = measure(instance, base, time.monotonic() - started)
    started = time.monotonic()
    base_supervised = baseline(instance, args.seed, supervision=True)
    supervised_figures = measure(instance, base_supervised, time.monotonic() - started)

    started = time.monotonic()
    result = solve(instance, time_limit=args.time_limit)
    solver_seconds = time.monotonic() - started
    solved = [(a.applicant, a.place, a.supervisor) for a in result.assignments]
    solver_figures = measure(instance, solved, solver_seconds)
    solver_figures["optimal"] = result.optimal
    solver_figures["gap"] = result.gap
    unmet_reasons: dict[str, int] = defaultdict(int)
    for t in result.unmet_targets:
        for r in t.reasons:
            unmet_reasons[r.code + (f":{r.params['rule']}" if "rule" in r.params else "")] += 1
    solver_figures["unmet_target_reasons"] = dict(sorted(unmet_reasons.items()))

    keys = [
        "first_choice_rate",
        "top3_rate",
        "worst_rank",
        "unassigned",
        "mix_targets_unmet",
        "mix_shortfall",
        "own_domain_supervision_shortfall",
        "hard_rule_violations",
        "seconds",
    ]
    print(f"{'':34}{'baseline':>12}{'+supervision':>14}{'solver':>12}")
    for key in keys:
        print(
            f"{key:34}{base_figures[key]!s:>12}{supervised_figures[key]!s:>14}"
            f"{solver_figures[key]!s:>12}"
        )
    print(f"solver optimal: {result.optimal}, gap: {result.gap:.4f}")
    print(f"why targets are not met: {solver_figures['unmet_target_reasons']}")

    checks = {
        "solver under 60 s": solver_seconds < 60,
        "solver breaks no hard rule": solver_figures["hard_rule_violations"] == 0,
        "fewer mix violations than both baselines": solver_figures["mix_targets_unmet"]
        < min(base_figures["mix_targets_unmet"], supervised_figures["mix_targets_unmet"]),
        "worst rank no worse than both baselines": solver_figures["worst_rank"]
        <= min(base_figures["worst_rank"], supervised_figures["worst_rank"]),
    }
    for name, ok in checks.items():
        print(f"{'ok ' if ok else 'FAIL'} {name}")

    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        today = datetime.datetime.now(datetime.UTC).date().isoformat()
        path = RESULTS / f"allocation-{today}.json"
        path.write_text(
            json.dumps(
                {
                    "benchmark": "allocation",
                    "seed": args.seed,
                    "time_limit": args.time_limit,
                    "machine": {
                        "python": platform.python_version(),
                        "cpus": os.cpu_count(),
                        "load": os.getloadavg(),
                    },
                    "instance": {
                        "applicants": len(instance.applicants),
                        "hosts": len(instance.hosts),
                        "environments": ENVIRONMENTS,
                        "places": sum(p.capacity for p in instance.places),
                        "supervisors": len(instance.supervisors),
                        "targets": len(instance.targets)
                        + sum(1 for h in instance.hosts if h.min_domains),
                    },
                    "baseline": base_figures,
                    "baseline_with_supervision": supervised_figures,
                    "solver": solver_figures,
                    "checks": checks,
                },
                indent=2,
            )
            + "\n"
        )
        print(f"wrote {path.relative_to(ROOT)}")
    if not all(checks.values()):
        sys.exit(1)


if __name__ == "__main__":
    main()
