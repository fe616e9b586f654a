"""Benchmark of the date finder (learning_networks.planner) at the size of issue 4.

    .venv/bin/python bench/run_planner.py [--participants 500] [--runs 50] [--no-write]

Builds a network of 500 participants (ten programmes over the three domains, with
their placement days, institute class days, placement periods and a few busy
intervals each -- days off, appointments, sessions of other networks -- plus
core-team professionals) and 60 candidate slots (four weeks, five days, three start
times, across the end of summer time), then times
``rank_slots`` in-process: warm-up runs first, then ``--runs`` timed runs. Reports
min / median / p95 in milliseconds against the 200 ms budget and writes
bench/results/planner-<UTC date>.json.

No database or server: the planner takes plain data. Django is configured with only
what gettext needs (Dutch active, the project's catalogue), so the figures include
translating the explanations.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

SEED = 20261005
BUDGET_MS = 200.0
FIRST_DAY = datetime.date(2026, 10, 5)  # four weeks, over the end of summer time on 25 October
WEEKS = 4
START_TIMES = (datetime.time(9, 30), datetime.time(13), datetime.time(15, 30))
DURATION = datetime.timedelta(hours=2)

# (programme, domain, weight, [(on-site days, class days), ...]) -- the pilots' mix:
# social programmes well represented, pabo under-represented.
PROGRAMMES: list[tuple[str, str, int, list[tuple[set[int], set[int]]]]] = [
    ("Pabo", "educational", 5, [({1, 2}, {3, 4}), ({4, 5}, {2, 3})]),
    ("Tweedegraads lerarenopleiding", "educational", 6, [({1, 2}, {3}), ({4, 5}, {1})]),
    ("Docent muziek", "educational", 3, [({4}, {1, 2}), ({2}, {3, 4})]),
    ("Onderwijsassistent", "educational", 8, [({1, 2, 3}, {4, 5}), ({3, 4, 5}, {1, 2})]),
    ("Social work", "social", 20, [({2, 3, 4}, {1}), ({1, 3, 4}, {5})]),
    ("Vaktherapie", "social", 8, [({3, 4}, {1, 2}), ({3, 5}, {1})]),
    ("Sport en bewegen", "social", 10, [({1, 3, 5}, {2, 4}), ({3, 5}, {1, 2})]),
    ("Ecologische pedagogiek", "pedagogical", 6, [({2, 4}, {1, 3}), ({4, 5}, {1})]),
    ("Pedagogisch educatief professional", "pedagogical", 8, [({1, 2, 5}, {3}), ({2, 5}, {4})]),
    ("Pedagogisch medewerker", "pedagogical", 16, [({3, 4, 5}, {1, 2}), ({1, 4, 5}, {2})]),
]
# Core-team professionals: grouped by their kind of organisation, they work most days.
PROFESSIONALS = [
    ("Kernteam school", "educational", [({1, 2, 4, 5}, set()), ({1, 2, 3, 4}, set())]),
    ("Kernteam wijk", "social", [({1, 2, 3, 4}, set()), ({2, 3, 4, 5}, set())]),
    ("Kernteam kinderopvang", "pedagogical", [({1, 2, 3, 4, 5}, set())]),
]
PROFESSIONAL_SHARE = 0.08
SCHOOL_YEAR = (datetime.date(2026, 8, 31), datetime.date(2027, 7, 2))
# Sessions of other networks in the period, (day offset from FIRST_DAY, hour); a quarter
# of the participants is in each, so these busy intervals are shared.
OTHER_SESSIONS = ((1, 13), (9, 9), (17, 15), (22, 10))
OTHER_SESSION_SHARE = 0.25


def build_participants(count: int, rng: random.Random) -> list[Any]:
    from learning_networks.planner import AMSTERDAM, Participant

    weeks = [FIRST_DAY + datetime.timedelta(weeks=week) for week in range(WEEKS)]
    sessions = []
    for offset, hour in OTHER_SESSIONS:
        begin = datetime.datetime.combine(
            FIRST_DAY + datetime.timedelta(days=offset), datetime.time(hour), tzinfo=AMSTERDAM
        )
        sessions.append((begin, begin + datetime.timedelta(hours=2)))
    professionals = round(count * PROFESSIONAL_SHARE)
    weights = [weight for *_, weight, _ in PROGRAMMES]
    participants = []
    for key in range(count):
        if key < professionals:
            programme, domain, patterns = rng.choice(PROFESSIONALS)
        else:
            programme, domain, _, patterns = rng.choices(PROGRAMMES, weights=weights)[0]
        on_site, classes = rng.choice(patterns)
        roll = rng.random()
        if roll < 0.5 or key < professionals:
            period = SCHOOL_YEAR
        elif roll < 0.75:
            period = (SCHOOL_YEAR[0], datetime.date(2027, 1, 29))
        elif roll < 0.9:
            period = (datetime.date(2026, 9, 28), datetime.date(2026, 11, 20))
        else:  # an individual placement: a period of its own
            start = FIRST_DAY + datetime.timedelta(days=rng.randint(-60, 20))
            period = (start, start + datetime.timedelta(days=rng.randint(20, 120)))
        busy = [session for session in sessions if rng.random() < OTHER_SESSION_SHARE]
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
            day = rng.choice(weeks) + datetime.timedelta(days=rng.randint(0, 4))
            if rng.random() < 0.3:  # a declared day off
                begin = datetime.datetime.combine(day, datetime.time(0), tzinfo=AMSTERDAM)
                busy.append((begin, begin + datetime.timedelta(days=1)))
            else:  # another session or appointment
                begin = datetime.datetime.combine(
                    day, datetime.time(rng.randint(8, 16), rng.choice((0, 30))), tzinfo=AMSTERDAM
                )
                busy.append((begin, begin + datetime.timedelta(minutes=rng.choice((60, 90, 120)))))
        participants.append(
            Participant(
                key=key + 1,
                programme=programme,
                domain=domain,
                on_site_days=frozenset(on_site),
                class_days=frozenset(classes),
                available_from=period[0],
                available_until=period[1],
                busy=tuple(busy),
            )
        )
    return participants


def machine() -> dict[str, Any]:
    import django

    cpu = ""
    memory_gb = None
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
        kilobytes = next(
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
        memory_gb = round(kilobytes / 1024 / 1024, 1)
    except (OSError, StopIteration):
        pass

    def git(*args: str) -> str:
        completed = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=False
        )
        return completed.stdout.strip()

    return {
        "nproc": len(os.sched_getaffinity(0)),
        "load_average_1m_at_start": round(os.getloadavg()[0], 2),
        "cpu": cpu,
        "memory_gb": memory_gb,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "git": {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain"))},
    }


def percentile(sorted_values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    return sorted_values[max(0, math.ceil(share * len(sorted_values)) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print, do not write JSON")
    options = parser.parse_args()

    import django
    from django.conf import settings

    settings.configure(
        USE_I18N=True,
        LANGUAGE_CODE="nl",
        LOCALE_PATHS=[ROOT / "locale"],
        INSTALLED_APPS=[],
        USE_TZ=True,
        TIME_ZONE="Europe/Amsterdam",
    )
    django.setup()
    from django.utils import translation

    from learning_networks.planner import candidate_slots, rank_slots

    translation.activate("nl")
    host = machine()  # before timing: the load average says whether the machine was busy
    rng = random.Random(SEED)
    participants = build_participants(options.participants, rng)

    started = time.perf_counter()
    slots = candidate_slots(
        first_day=FIRST_DAY,
        last_day=FIRST_DAY + datetime.timedelta(weeks=WEEKS, days=-3),
        start_times=START_TIMES,
        duration=DURATION,
    )
    slots_ms = (time.perf_counter() - started) * 1000

    for _ in range(options.warmup):
        ranked = rank_slots(participants=participants, slots=slots)
    timings = []
    for _ in range(options.runs):
        started = time.perf_counter()
        ranked = rank_slots(participants=participants, slots=slots)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()

    figures = {
        "min_ms": round(timings[0], 2),
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 0.95), 2),
        "max_ms": round(timings[-1], 2),
        "mean_ms": round(statistics.fmean(timings), 2),
        "candidate_slots_ms": round(slots_ms, 3),
    }
    meets = figures["p95_ms"] <= BUDGET_MS
    best, worst = ranked[0], ranked[-1]
    payload = {
        "benchmark": "planner",
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": host,
        "config": {
            "participants": len(participants),
            "programmes": len({person.programme for person in participants}),
            "domains": len({person.domain for person in participants}),
            "busy_intervals": sum(len(person.busy) for person in participants),
            "distinct_periods": len(
                {(person.available_from, person.available_until) for person in participants}
            ),
            "slots": len(slots),
            "slot_layout": f"{WEEKS} weeks x 5 days x {len(START_TIMES)} start times",
            "duration_minutes": DURATION.total_seconds() / 60,
            "warmup_runs": options.warmup,
            "timed_runs": options.runs,
            "language": "nl",
            "seed": SEED,
        },
        "figures": figures,
        "budget_ms": BUDGET_MS,
        "budget_measured_on": "p95_ms",
        "meets_budget": meets,
        "sanity": {
            "best": {
                "start": best.slot.start.isoformat(),
                "expected": best.expected,
                "total": best.total,
                "score": list(best.score),
                "explanation": best.explanation,
            },
            "worst": {
                "start": worst.slot.start.isoformat(),
                "expected": worst.expected,
                "score": list(worst.score),
                "warnings": list(worst.warnings),
            },
        },
    }

    print(
        f"rank_slots, {len(participants)} participants x {len(slots)} slots, "
        f"{options.runs} runs: min {figures['min_ms']} ms, median {figures['median_ms']} ms, "
        f"p95 {figures['p95_ms']} ms (candidate_slots {figures['candidate_slots_ms']} ms)"
    )
    print(
        f"budget {BUDGET_MS:.0f} ms (p95): "
        + ("MET" if meets else "NOT MET")
        + f" on {host['nproc']} CPUs, Python {host['python']}, "
        + f"load average {host['load_average_1m_at_start']}"
    )
    print(f"best slot {best.slot.start:%a %d %b %H:%M}: {best.explanation}")
    if not options.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        today = datetime.datetime.now(datetime.UTC).date().isoformat()
        path = RESULTS / f"planner-{today}.json"
        path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0 if meets else 1


if __name__ == "__main__":
    sys.exit(main())
