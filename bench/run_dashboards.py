"""Benchmark of the balance dashboard at the scale of a whole region (DESIGN.md §6).

    .venv/bin/python bench/run_dashboards.py [--scale 1] [--keep] [--show-queries] ...

Seeds a fresh PostgreSQL database (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/ulvo_bench; dropped and recreated, so its name
must contain "bench") with ``manage.py seed_scale``'s region: 50 learning
environments, 5,000 students, 800 professionals, 1,000,000 activity entries, 20,000
sessions, 200,000 attendance rows, 100,000 reflections (``--scale`` takes a
fraction). Then serves the platform with gunicorn (2 sync workers, production
settings) on 127.0.0.1 and measures, from a second process with 16 connections and
in interleaved rounds, the coordinator's dashboard of the busiest environment, the
three lists behind its figures (placements, sessions, hours), a student's placement
overview and a supervisor's home page against a minimal logged-in page (and an empty
page in the site layout). Targets: the dashboard's median latency at most 5× the
minimal page's, the other pages at most 3×. In-process, with the cache emptied before
each request, at most 8× the minimal page's own time: the dashboard with its figures
computed afresh (cold), and with the standard periods' figures computed ahead as the
periodic task does (ahead). Figures go to bench/results/dashboards-<date>.json. See
bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402

TARGETS = {
    "dashboard": 5.0,
    "drill_placements": 3.0,
    "drill_sessions": 3.0,
    "drill_hours": 3.0,
    "overview": 3.0,
    "supervisor": 3.0,
}
# In-process, one request at a time, the cache emptied before each (the median of
# COLD_REQUESTS): the dashboard's own time against the minimal page's.
COLD_TARGET = 8.0
COLD_REQUESTS = 5


def seed(scale: float) -> tuple[dict[str, Any], Any]:
    from ulvo.management.commands.seed_scale import RegionSeeder, Scale

    seeder = RegionSeeder(Scale().times(scale))
    counts = seeder.run()
    return counts, seeder


def pages(seeder: Any) -> tuple[harness.Page, list[harness.Page], dict[str, Any]]:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.db.models import Count
    from django.urls import reverse
    from django.utils.html import escape

    from accounts.models import Membership, User
    from placements.models import ActivityEntry, Placement, SupervisionAssignment

    environment = seeder.environments[0]
    coordinator = (
        Membership.objects.filter(environment=environment, role="coordinator")
        .select_related("user")
        .first()
        .user
    )
    # Coordinators must have two-factor authentication, or every page sends them to set it up.
    TOTP.activate(coordinator, generate_totp_secret())
    # The student whose placement holds the most entries; the busiest school trainer.
    placement = (
        Placement.objects.filter(environment=environment)
        .annotate(n=Count("entries"))
        .order_by("-n", "pk")
        .select_related("student")
        .first()
    )
    supervisor_id, supervisees = (
        # The home page lists the planned and active placements a supervisor has.
        SupervisionAssignment.objects.filter(
            placement__environment=environment, placement__status__in=["planned", "active"]
        )
        .values_list("supervisor_id")
        .annotate(n=Count("placement", distinct=True))
        .order_by("-n")
        .first()
    )
    supervisor = User.objects.get(pk=supervisor_id)
    info = {
        "environment": environment.name,
        "environment_placements": Placement.objects.filter(environment=environment).count(),
        "environment_entries": ActivityEntry.objects.filter(
            placement__environment=environment
        ).count(),
        "overview_entries": placement.n,
        "supervisor_placements": supervisees,
    }
    student = harness.login_session(placement.student)
    minimal = harness.Page(
        name="minimal",
        path="/bench/minimal/",
        session_key=student,
        expect="bench-minimal-ok",
        description="a tiny template, logged in, through the full middleware stack",
    )
    coordinator_key = harness.login_session(coordinator)
    dashboard_url = reverse("dashboards:environment", args=[environment.pk])
    # The lists behind the figures, each with its longest list: the biggest programme's
    # placements, the mixed sessions, the hours on site.
    programme = (
        Placement.objects.filter(environment=environment)
        .values("programme_id", "programme__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "programme_id")
        .first()
    )
    drill = {
        "placements": f"?programme={programme['programme_id']}",
        "sessions": "?kind=mixed",
        "hours": "?setting=school",
    }
    return (
        minimal,
        [
            harness.Page(
                name="layout",
                path="/bench/layout/",
                session_key=coordinator_key,
                expect="bench-layout-ok",
                description="an empty page in the site layout, as the coordinator",
            ),
            harness.Page(
                name="dashboard",
                path=dashboard_url,
                session_key=coordinator_key,
                expect='id="figure-usefulness"',
                # Twelve charts, each drawn twice (the wide and the phone layout).
                checks=[('role="img"', 24), ('class="figure"', 13)],
                description=(
                    f"coordinator's balance dashboard of one environment, school year "
                    f"({info['environment_placements']} placements, "
                    f"{info['environment_entries']:,} activity entries)"
                ),
            ),
            harness.Page(
                name="drill_placements",
                path=reverse("dashboards:placements", args=[environment.pk]) + drill["placements"],
                session_key=coordinator_key,
                expect=escape(programme["programme__name"]),
                description="the placements behind the dashboard's biggest programme",
            ),
            harness.Page(
                name="drill_sessions",
                path=reverse("dashboards:sessions", args=[environment.pk]) + drill["sessions"],
                session_key=coordinator_key,
                expect="<tbody>",
                description="the mixed sessions behind the dashboard, school year",
            ),
            harness.Page(
                name="drill_hours",
                path=reverse("dashboards:hours", args=[environment.pk]) + drill["hours"],
                session_key=coordinator_key,
                expect="<tbody>",
                description="students' hours on site per placement, school year",
            ),
            harness.Page(
                name="overview",
                path=reverse("placements:overview", args=[placement.pk]),
                session_key=student,
                expect=placement.programme.name,
                description=f"student's placement overview ({placement.n} entries)",
            ),
            harness.Page(
                name="supervisor",
                path=reverse("supervision:home"),
                session_key=harness.login_session(supervisor),
                expect='class="supervisee"',
                checks=[('class="supervisee"', supervisees)],
                description=f"supervisor's home ({supervisees} supervisees)",
            ),
        ],
        info,
    )


def cold(
    page: harness.Page,
    minimal: harness.Page,
    name: str = "cold",
    prepare: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Requests of a cached page in-process with the cache emptied before each (the
    dashboard's figures computed afresh, the supervisor's home built afresh), or with
    ``prepare`` run after emptying it: the queries, SQL time and whole time of the
    median one, and its ratio to the minimal page's median in-process time (same
    number of requests, same client)."""
    import statistics

    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    def timed(path: str, key: str, *, clear: bool) -> list[tuple[float, Any]]:
        client = Client(HTTP_HOST=harness.HOST, raise_request_exception=True)
        client.cookies[settings.SESSION_COOKIE_NAME] = key
        client.get(path)
        runs = []
        for _ in range(COLD_REQUESTS):
            if clear:
                cache.clear()
                if prepare is not None:
                    prepare()
            # The log keeps at most 9,000 queries (the seeding ran many): a full one
            # would capture none.
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(path)
                elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise harness.BenchError(f"{path} (cold) answered {response.status_code}")
            runs.append((elapsed, captured))
        return runs

    runs = timed(page.path, page.session_key, clear=True)
    baseline = statistics.median(
        t for t, _c in timed(minimal.path, minimal.session_key, clear=False)
    )
    cache.clear()
    elapsed, captured = sorted(runs, key=lambda run: run[0])[len(runs) // 2]
    return {
        f"{page.name}_{name}_queries": len(captured),
        f"{page.name}_{name}_sql_ms": round(
            sum(float(q["time"]) for q in captured.captured_queries) * 1000, 1
        ),
        f"{page.name}_{name}_ms": round(elapsed * 1000, 1),
        f"{page.name}_{name}_ratio": round(elapsed / baseline, 2),
        f"{page.name}_{name}_minimal_ms": round(baseline * 1000, 1),
    }


def compute_ahead(environment: Any) -> Callable[[], None]:
    """What the periodic task does for an environment in use (dashboards.ahead): its
    school year's and terms' figures computed into the cache."""

    def prepare() -> None:
        from dashboards import ahead

        for period in ahead.standard_periods(environment):
            ahead.compute(environment, period)

    return prepare


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the region")
    parser.add_argument(
        "--duration", type=float, default=12, help="seconds measured per page, over all rounds"
    )
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds of all pages")
    parser.add_argument("--warmup", type=float, default=1, help="seconds of warm-up per phase")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--timeout", type=float, default=30, help="seconds a request may take under load"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--redis-url", default=harness.DEFAULT_REDIS_URL)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--no-write", action="store_true", help="print only, write no JSON")
    parser.add_argument("--show-queries", action="store_true", help="print each page's SQL")
    args = parser.parse_args()
    config = harness.LoadConfig(
        workers=args.workers,
        connections=args.connections,
        rounds=args.rounds,
        warmup=args.warmup,
        duration=args.duration,
        timeout=args.timeout,
    )
    pages_measured = 1 + len(TARGETS)  # the layout and every page with a target
    if args.rounds < 1 or config.load_seconds(pages_measured) > 180:
        parser.error(
            f"the load phases would take {config.load_seconds(pages_measured):.0f} s; "
            "keep them within 180 s"
        )
    if not 0 < args.scale <= 1:
        parser.error("--scale must be more than 0 and at most 1")

    database_url = os.environ.get("DATABASE_URL") or harness.DEFAULT_DATABASE_URL
    began = time.monotonic()
    server = None
    database = None
    try:
        # Seeding the full region takes a few minutes; the whole run is capped.
        with harness.deadline(1500):
            database = harness.Database.from_url(database_url)
            harness.check_redis(args.redis_url)
            env = harness.server_environment(database.url, args.redis_url)
            print(f"database {database.name}: recreating, migrating, collecting static files")
            harness.prepare(database, env)

            print(f"seeding the region at scale {args.scale:g}")
            seeding = time.monotonic()
            counts, seeder = seed(args.scale)
            seed_seconds = round(time.monotonic() - seeding, 1)
            print(f"seeded in {seed_seconds} s: {counts}")
            vacuuming = time.monotonic()
            harness.vacuum_analyse()
            vacuum_seconds = round(time.monotonic() - vacuuming, 1)
            minimal, measured, info = pages(seeder)
            for page in measured:
                if page.name in ("dashboard", "supervisor"):
                    info.update(cold(page, minimal))
                if page.name == "dashboard":
                    # The first visit after the figures expired, for an environment in
                    # use: the task computed them ahead; only the page is drawn.
                    prepare = compute_ahead(seeder.environments[0])
                    info.update(cold(page, minimal, "ahead", prepare))
            print(f"dashboard and supervisor's home with an empty cache: {info}")

            server = harness.Gunicorn(env, args.workers)
            print(f"gunicorn: {args.workers} sync workers on {harness.HOST}:{server.port}")
            server.start()
            warning = harness.busy_machine_warning(len(os.sched_getaffinity(0)))
            if warning:
                print(warning)
            load_before = harness.load_average()
            results = harness.measure(server, minimal, measured, config, args.show_queries)
            load_after = harness.load_average()
            server.stop()
            machine = harness.machine_info(database)
            machine["loadavg_before"] = load_before
            machine["loadavg_after"] = load_after
            verdicts = {
                page["name"]: {
                    "ratio_p50": page["ratio_p50"],
                    "target": TARGETS[page["name"]],
                    "met": page["ratio_p50"] <= TARGETS[page["name"]],
                }
                for page in results
                if page["name"] in TARGETS
            }
            for name in ("cold", "ahead"):
                verdicts[f"dashboard_{name}"] = {
                    "ratio_inprocess": info[f"dashboard_{name}_ratio"],
                    "target": COLD_TARGET,
                    "met": info[f"dashboard_{name}_ratio"] <= COLD_TARGET,
                }
            payload = {
                "benchmark": "dashboards",
                "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "machine": machine,
                "config": {
                    "server": (
                        f"gunicorn ulvo.wsgi:application, {args.workers} sync workers, "
                        f"{harness.HOST}, no access log"
                    ),
                    "settings": (
                        "bench.settings = ulvo.settings with DJANGO_ENV=production, DEBUG off, "
                        "PostgreSQL (CONN_MAX_AGE 600, health checks), Redis cache "
                        "(sessions in the database), WhiteNoise manifest static files, "
                        "no TLS redirect"
                    ),
                    "scale": args.scale,
                    "redis": args.redis_url,
                    "workers": args.workers,
                    "connections": args.connections,
                    "rounds": args.rounds,
                    "warmup_seconds_per_phase": args.warmup,
                    "measured_seconds_per_page": args.duration,
                    "order": (
                        ", ".join(["minimal", *(page.name for page in measured)])
                        + ", repeated per round, then minimal once more"
                    ),
                    "ratios": (
                        "per round, against the mean of the minimal phases before and after; "
                        "the median over the rounds"
                    ),
                    "targets": (
                        "ratio_p50: dashboard ≤ 5, the drill-downs, overview and supervisor "
                        "≤ 3; the cold dashboard in-process ≤ 8× the minimal page"
                    ),
                },
                "data": {
                    **counts,
                    **info,
                    "seed_seconds": seed_seconds,
                    "vacuum_seconds": vacuum_seconds,
                },
                "pages": results,
                "targets": verdicts,
                "run_seconds": round(time.monotonic() - began, 1),
            }
            print()
            print(harness.format_table(results))
            print(
                "\n×rps = minimal req/s ÷ page req/s, ×p50 = page p50 ÷ minimal p50 (medians "
                "over the rounds); 1 req ms = one request in-process.\n"
                f"Minimal page req/s per phase: {results[0]['phases_rps']} "
                f"(spread {results[0]['spread']:.0%}). Load average before/after: "
                f"{load_before} / {load_after}. Whole run {payload['run_seconds']} s."
            )
            for name, verdict in verdicts.items():
                state = "met" if verdict["met"] else "MISSED"
                ratio = verdict.get("ratio_p50", verdict.get("ratio_inprocess"))
                print(f"target {name}: ×{ratio} ≤ {verdict['target']}: {state}")
            if not args.no_write:
                path = harness.write_results("dashboards", payload)
                print(f"written: {path.relative_to(harness.ROOT)}")
    except harness.BenchError as error:
        print(f"\nBENCHMARK FAILED: {error}", file=sys.stderr)
        return 1
    finally:
        harness.tear_down(server, database, keep=args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())
