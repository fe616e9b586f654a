"""Benchmark of the balance dashboard at the scale of a whole region (DESIGN.md §6).

    .venv/bin/python bench/run_dashboards.py [--scale 1] [--keep] [--show-queries] ...

Seeds a fresh PostgreSQL database (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/ulvo_bench; dropped and recreated, so its name
must contain "bench") with ``manage.py seed_scale``'s region: 50 learning
environments, 5,000 students, 800 professionals, 1,000,000 activity entries, 20,000
sessions, 200,000 attendance rows, 100,000 reflections (``--scale`` takes a
fraction). Then serves the platform with gunicorn (2 sync workers, production
settings) on 127.0.0.1 and measures, from a second process with 16 connections and
in interleaved rounds, the coordinator's dashboard of the busiest environment, a
student's placement overview and a supervisor's home page against a minimal
logged-in page (and an empty page in the site layout). Targets: the dashboard's
median latency at most 5× the minimal page's, the other pages at most 3×. Figures go
to bench/results/dashboards-<date>.json. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402

TARGETS = {"dashboard": 5.0, "overview": 3.0, "supervisor": 3.0}


def seed(scale: float) -> tuple[dict[str, Any], Any]:
    from ulvo.management.commands.seed_scale import RegionSeeder, Scale

    seeder = RegionSeeder(Scale().times(scale))
    counts = seeder.run()
    return counts, seeder


def pages(seeder: Any) -> tuple[harness.Page, list[harness.Page], dict[str, Any]]:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.db.models import Count
    from django.urls import reverse

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


def cold(page: harness.Page) -> dict[str, Any]:
    """One request of a cached page in-process with the cache emptied first (the
    dashboard's figures computed afresh, the supervisor's home built afresh): its
    queries, SQL time and whole time."""
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=harness.HOST, raise_request_exception=True)
    client.cookies[settings.SESSION_COOKIE_NAME] = page.session_key
    client.get("/bench/minimal/")
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(page.path)
        elapsed = time.perf_counter() - started
    if response.status_code != 200 or page.expect not in response.content.decode():
        raise harness.BenchError(f"{page.name} (cold): {page.path} answered {response.status_code}")
    cache.clear()
    return {
        f"{page.name}_cold_queries": len(captured),
        f"{page.name}_cold_sql_ms": round(
            sum(float(q["time"]) for q in captured.captured_queries) * 1000, 1
        ),
        f"{page.name}_cold_ms": round(elapsed * 1000, 1),
    }


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
    if args.rounds < 1 or config.load_seconds(4) > 180:
        parser.error(
            f"the load phases would take {config.load_seconds(4):.0f} s; keep them within 180 s"
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
                    info.update(cold(page))
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
                    "targets": "ratio_p50: dashboard ≤ 5, overview and supervisor ≤ 3",
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
                print(f"target {name}: ×p50 {verdict['ratio_p50']} ≤ {verdict['target']}: {state}")
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
