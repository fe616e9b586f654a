"""Mixed load on a school day at the scale of a whole region (issue #22).

    .venv/bin/python bench/run_mixed.py [--scale 1] [--env-factor 1] [--reuse] ...

Seeds a PostgreSQL database (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/ulvo_bench_mixed; its name must contain "bench")
with ``manage.py seed_scale``'s region, weeks in every state, and serves it with
gunicorn (2 sync workers, production settings, Redis cache --redis-url, default DB
10). A second process (bench/mixload.py, no Django) then drives, in one run:

1. the minimal page at 16 connections; the saturated mix at 16 connections (60 %
   students: week page, overview, logging an activity through the htmx form; 25 %
   supervisors: home, sign-off queue, week review, approving a submitted week; 15 %
   coordinators: dashboard with varying periods, a drill-down), users of every role
   spread over all environments; the minimal page again;
2. the same mix with the Redis cache emptied every 5 s (FLUSHDB of the cache's
   database; sessions live in PostgreSQL); the minimal page again;
3. each request's own cost: every type alone at one connection, with the cold
   dashboard (cache emptied before each request) and the cold supervisor's home
   (their home token deleted before each request), between minimal phases at one
   connection.

Reports per type count, errors, p50/p95/p99 and the ratio of its p50 to the minimal
page's (the mean of the minimal phases around it), the mix's overall ratio, query
counts in-process, and the targets of #22. Figures go to
bench/results/mixed-<date>.json. ``--reuse`` keeps the seeded database for the next
run with the same seed parameters (and date). See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness  # noqa: E402
from bench.loadgen import percentile  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ulvo_bench_mixed"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/10"

# The mix: share of all requests per type (60 % students, 25 % supervisors, 15 %
# coordinators).
MIX = {
    "week": 25,
    "overview": 15,
    "log": 20,
    "home": 10,
    "queue": 6,
    "review": 6,
    "approve": 3,
    "dashboard": 10,
    "drill": 5,
}
ROLE = {
    "week": "student",
    "overview": "student",
    "log": "student",
    "home": "supervisor",
    "queue": "supervisor",
    "review": "supervisor",
    "approve": "supervisor",
    "dashboard": "coordinator",
    "drill": "coordinator",
}
# Own cost at one connection, in this order (between minimal phases).
OWN = [
    "week",
    "overview",
    "log",
    "home",
    "home_cold",
    "queue",
    "review",
    "approve",
    "dashboard",
    "dashboard_cold",
    "drill",
]
# Pages kept in the cache: their own cost is measured warm (and cold apart).
CACHED = {"home", "dashboard"}
CACHED_VARIANTS = 3
TARGETS = {
    "own_cost": 3.0,
    "dashboard_cold": 8.0,
    "home_cold": 4.0,
    "mix_overall": 4.0,
    "mix_flushed_overall": 5.0,
}
DESCRIPTION = "Bench mix"
SEED_VERSION = hashlib.sha256(
    (harness.ROOT / "ulvo" / "management" / "commands" / "seed_scale.py").read_bytes()
).hexdigest()[:12]


# --- Seeding -------------------------------------------------------------------------


def seed_label(args: argparse.Namespace) -> str:
    """What the database holds: a reused database must have been seeded alike, today
    (the seed's weeks are relative to its day) and by the same seeder."""
    return json.dumps(
        {
            "benchmark": "mixed",
            "scale": args.scale,
            "env_factor": args.env_factor,
            "seed": args.seed,
            "day": datetime.datetime.now(ZoneInfo("Europe/Amsterdam")).date().isoformat(),
            "seeder": SEED_VERSION,
        },
        sort_keys=True,
    )


def seed(args: argparse.Namespace) -> dict[str, Any]:
    from ulvo.management.commands.seed_scale import RegionSeeder, Scale

    scale = Scale().times(args.scale).larger_environments(args.env_factor)
    return RegionSeeder(scale, seed=args.seed).run()


def data_counts() -> dict[str, Any]:
    from django.db.models import Count

    from accounts.models import User
    from environments.models import LearningEnvironment
    from placements.models import ActivityEntry, Placement, Week
    from ulvo.management.commands.seed_scale import REGION

    weeks = dict(Week.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return {
        "environments": LearningEnvironment.objects.filter(region__name=REGION).count(),
        "users": User.objects.count(),
        "placements": Placement.objects.count(),
        "activity_entries": ActivityEntry.objects.count(),
        **{f"weeks_{status}": n for status, n in sorted(weeks.items())},
    }


# --- The users and their requests ------------------------------------------------------


def build(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The users (sessions and cookies), every request type's variants, and facts."""
    import random

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.core.cache import cache
    from django.urls import reverse
    from django.utils import timezone

    from accounts.models import Membership
    from environments.models import LearningEnvironment
    from placements.models import Placement, SupervisionAssignment, Week, week_start
    from ulvo.lib.home_tokens import supervisor_token
    from ulvo.management.commands.seed_scale import KINDS, REGION, SETTINGS

    rng = random.Random(args.seed)
    today = timezone.localdate()
    this_week = week_start(today)
    environments = list(LearningEnvironment.objects.filter(region__name=REGION).order_by("pk"))
    users: dict[str, Any] = {}
    sessions: dict[str, str] = {}

    def user(role: str, account: Any) -> str:
        name = f"{role}-{account.pk}"
        if name not in users:
            key = harness.login_session(account)
            sessions[name] = key
            users[name] = {"headers": harness.browser_headers(key)}
        return name

    types: dict[str, dict[str, Any]] = {
        name: {"kind": "post" if name == "log" else "get", "variants": []}
        for name in [*MIX, "home_cold", "dashboard_cold", "minimal"]
    }
    types["approve"]["kind"] = "approve"

    # Students with a placement that takes entries this week, spread over the environments.
    busy = Week.objects.filter(start=this_week).values("placement_id")
    for environment in environments:
        placements = (
            Placement.objects.filter(
                environment=environment,
                status="active",
                start_date__lte=today,
                end_date__gte=today,
            )
            .exclude(pk__in=busy)
            .select_related("student", "programme")
            .order_by("pk")[: args.students_per_environment]
        )
        for placement in placements:
            name = user("student", placement.student)
            detail = reverse("placements:detail", args=[placement.pk])
            create = reverse("placements:entry_create", args=[placement.pk])
            current = {
                "user": name,
                "path": f"{detail}?week={this_week.isoformat()}",
                "expect": ['id="week"', f'{create}?week={this_week.isoformat()}"'],
            }
            types["week"]["variants"].append(current)
            past = list(
                Week.objects.filter(placement=placement, start__lt=this_week).order_by("-start")[:3]
            )
            for week in past:
                types["week"]["variants"].append(
                    {
                        "user": name,
                        "path": f"{detail}?week={week.start.isoformat()}",
                        "expect": ['id="week"', f"week-status week-{week.status}"],
                        "shape": week.status,
                    }
                )
            types["overview"]["variants"].append(
                {
                    "user": name,
                    "path": reverse("placements:overview", args=[placement.pk]),
                    "expect": ["<h1>", placement.programme.name],
                }
            )
            types["log"]["variants"].append(
                {
                    "user": name,
                    "method": "POST",
                    "path": f"{create}?week={this_week.isoformat()}",
                    "form": {
                        "date": max(placement.start_date, today).isoformat(),
                        "minutes": rng.choice((15, 30, 45, 60)),
                        "setting": rng.choice(sorted(set(SETTINGS))),
                        "kind": rng.choice(KINDS),
                        "description": DESCRIPTION,
                    },
                    "fresh_key": "submission_key",
                    "headers": {
                        "HX-Request": "true",
                        "HX-Target": "week",
                        "HX-Current-URL": f"http://{harness.HOST}{current['path']}",
                    },
                    # The answer: a fresh form, and the new entry with the week's totals
                    # out of band (or the whole week, for its first entry to submit).
                    "expect": ['id="quick-log"', f'{create}?week={this_week.isoformat()}"'],
                    "token_from": {"type": "week", **current},
                }
            )
            types["minimal"]["variants"].append(
                {"user": name, "path": "/bench/minimal/", "expect": ["bench-minimal-ok"]}
            )

    # Supervisors who sign off: every one with submitted weeks. One submitted week each
    # stays (the queue's marker, the week review); the others may be approved, once.
    signing = (
        SupervisionAssignment.objects.filter(
            signs_off=True,
            placement__environment__in=environments,
            placement__weeks__status="submitted",
        )
        .values_list("supervisor_id", flat=True)
        .distinct()
        .order_by("supervisor_id")
    )
    from accounts.models import User

    supervisors = []
    for environment in environments:
        supervisors += list(
            User.objects.filter(
                pk__in=signing.filter(placement__environment=environment),
            ).order_by("pk")[: args.supervisors_per_environment]
        )
    queue_url = reverse("placements:signoff_queue")
    for account in supervisors:
        name = user("supervisor", account)
        placements = Placement.objects.filter(
            assignments__supervisor=account, assignments__signs_off=True
        )
        weeks = list(
            Week.objects.filter(placement__in=placements)
            .select_related("placement__student")
            .order_by("start", "pk")
        )
        submitted = [week for week in weeks if week.status == "submitted"]
        kept = submitted[0]
        queue = {
            "user": name,
            "path": queue_url,
            "expect": [reverse("placements:week_approve", args=[kept.pk])],
        }
        types["queue"]["variants"].append(queue)
        for week in [kept, *[w for w in weeks if w.status != "submitted"][-2:]]:
            types["review"]["variants"].append(
                {
                    "user": name,
                    "path": reverse("placements:week_review", args=[week.pk]),
                    "expect": [f"<h1>{week.placement.student.full_name}</h1>"],
                }
            )
        for week in submitted[1:]:
            types["approve"]["variants"].append(
                {
                    "user": name,
                    "method": "POST",
                    "path": reverse("placements:week_approve", args=[week.pk]),
                    "status": 302,
                    "location": queue_url,
                    "week": week.pk,
                    "token_from": {"type": "queue", **queue},
                }
            )
        shown = placements.filter(status__in=["planned", "active"]).order_by("pk").first()
        if shown is None:
            continue  # their home lists no one
        home = {
            "user": name,
            "path": reverse("supervision:home"),
            "expect": [f'id="supervisee-{shown.pk}"'],
        }
        types["home"]["variants"].append(home)
        # Cold: the supervisor's home token deleted (what home_forget_supervisors does).
        types["home_cold"]["variants"].append(
            {
                **home,
                "supervisor": account.pk,
                "invalidate": [cache.make_key(supervisor_token(account.pk))],
            }
        )

    # Coordinators, one per environment, with two-factor authentication as they must.
    terms = [("term", 1), ("term", 2), ("term", 3), ("term", 4)]
    current_term = 1 + (((today.month - 8) % 12) // 3)
    for environment in environments:
        membership = (
            Membership.objects.filter(environment=environment, role="coordinator")
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if membership is None:
            continue
        account = membership.user
        if not Authenticator.objects.filter(user=account, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(account, generate_totp_secret())
        name = user("coordinator", account)
        url = reverse("dashboards:environment", args=[environment.pk])
        year = environment.school_year
        first = int(year[:4])
        # Mostly the school year and the current term; sometimes another term or a month.
        periods = [f"period=year&year={year}"] * 4
        periods += [f"period=term&year={year}&term={current_term}"] * 2
        other = rng.choice([t for _k, t in terms if t != current_term])
        periods += [f"period=term&year={year}&term={other}"]
        month = rng.choice([9, 10, 11])
        periods.append(f"period=custom&start={first}-{month:02d}-01&end={first}-{month:02d}-28")
        marker = [environment.name, 'id="figure-usefulness"']
        for query in periods:
            variant = {"user": name, "path": f"{url}?{query}", "expect": marker}
            types["dashboard"]["variants"].append(variant)
            types["dashboard_cold"]["variants"].append(variant)
        drills = [
            reverse("dashboards:placements", args=[environment.pk])
            + f"?period=year&year={year}&domain={rng.choice(['social', 'educational'])}",
            reverse("dashboards:hours", args=[environment.pk])
            + f"?period=year&year={year}&setting={rng.choice(['school', 'neighbourhood'])}",
        ]
        for path in drills:
            types["drill"]["variants"].append(
                {"user": name, "path": path, "expect": [environment.name, "<caption>"]}
            )
    # The pages whose forms the users will post, opened before the load (their tokens).
    morning = [variant["token_from"] for variant in types["log"]["variants"]]
    morning += [
        {"user": variant["user"], "path": variant["path"], "expect": variant["expect"]}
        for variant in types["queue"]["variants"]
    ]
    empty = [name for name, kind in types.items() if not kind["variants"]]
    if empty:
        raise harness.BenchError(f"no users for {', '.join(empty)}: seed more (--scale)")
    facts = {
        "students": sum(1 for name in users if name.startswith("student")),
        "supervisors": len(supervisors),
        "coordinators": sum(1 for name in users if name.startswith("coordinator")),
        "environments_with_users": len(environments),
        "approvable_weeks": len(types["approve"]["variants"]),
        "dashboard_urls": len({v["path"] for v in types["dashboard"]["variants"]}),
    }
    return users, types, {"sessions": sessions, "facts": facts, "morning": morning}


# --- In-process checks and query counts -------------------------------------------------


def client_for(session_key: str) -> Any:
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_HOST=harness.HOST, raise_request_exception=True)
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return client


def count_one(name: str, variant: dict[str, Any], sessions: dict[str, str]) -> dict[str, Any]:
    """One request of the variant in-process (after a warm one for GETs): its queries."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    key = sessions[variant["user"]]
    if variant.get("method", "GET") == "GET" and not name.endswith("_cold"):
        page = harness.Page(
            name=name, path=variant["path"], session_key=key, expect=variant["expect"][0]
        )
        return harness.count_queries(page)
    client = client_for(key)
    client.get("/bench/minimal/")
    if name == "dashboard_cold":
        client.get(variant["path"])
        cache.clear()
    elif name == "home_cold":
        from ulvo.lib.home_tokens import home_forget_supervisors

        client.get(variant["path"])
        home_forget_supervisors([variant["supervisor"]])  # at once: no transaction here
    headers = {
        f"HTTP_{k.upper().replace('-', '_')}": v for k, v in variant.get("headers", {}).items()
    }
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        if variant.get("method") == "POST":
            form = dict(variant.get("form", {}))
            if variant.get("fresh_key"):
                import uuid

                form[variant["fresh_key"]] = str(uuid.uuid4())
            response = client.post(variant["path"], form, **headers)
        else:
            response = client.get(variant["path"], **headers)
        elapsed = time.perf_counter() - started
    wanted = int(variant.get("status", 200))
    body = response.content.decode()
    missing = [marker for marker in variant.get("expect", []) if marker not in body]
    if response.status_code != wanted or missing:
        raise harness.BenchError(
            f"{name}: {variant['path']} answered {response.status_code} in-process"
            f" (expected {wanted}; missing {missing})\n{body[:600]}"
        )
    return {
        "queries": len(captured),
        "sql_ms": round(sum(float(q["time"]) for q in captured.captured_queries) * 1000, 2),
        "inprocess_ms": round(elapsed * 1000, 2),
        "response_bytes": len(response.content),
    }


def query_counts(types: dict[str, Any], sessions: dict[str, str]) -> dict[str, Any]:
    """Per type, the queries of its first variant and of the last one of the same shape
    (another user, another environment): the same number when query counts are
    constant. An approval
    counted here is taken out of the pool."""
    counts = {}
    for name, kind in types.items():
        variants = kind["variants"]
        if name == "approve":
            chosen = [variants.pop(0), variants.pop()]
        else:
            # Another user's request of the same shape (a week page of the same state).
            shape = variants[0].get("shape")
            alike = [v for v in variants[1:] if v.get("shape") == shape]
            chosen = [variants[0], alike[-1]] if alike else variants[:1]
        figures = [count_one(name, variant, sessions) for variant in chosen]
        counts[name] = {
            **figures[0],
            "queries_other_user": figures[-1]["queries"],
        }
    return counts


def check_through_server(port: int, users: dict[str, Any], types: dict[str, Any]) -> None:
    """One request of every GET type's first variant through gunicorn, markers and all."""
    for name, kind in types.items():
        if kind["kind"] != "get":
            continue
        variant = kind["variants"][0]
        status, body = harness.get(port, variant["path"], users[variant["user"]]["headers"])
        missing = [m for m in variant["expect"] if m.encode() not in body]
        if status != 200 or missing:
            raise harness.BenchError(
                f"{name}: {variant['path']} answered {status} through gunicorn "
                f"(missing {missing}); refusing to measure it.\n{body[:500]!r}"
            )


# --- The load ------------------------------------------------------------------------


def phases(args: argparse.Namespace) -> list[dict[str, Any]]:
    big = {"connections": args.connections, "warmup": args.warmup}
    minimal = {**big, "weights": {"minimal": 1}, "duration": args.minimal_duration}
    mix = {**big, "weights": MIX, "duration": args.mix_duration}
    one = {"connections": 1, "warmup": 1.0}
    plan = [
        {"name": "minimal-1", **minimal},
        {"name": "mix", **mix},
        {"name": "minimal-2", **minimal},
        {"name": "mix-flushed", **mix, "flush_every": args.flush_every},
        {"name": "minimal-3", **minimal},
    ]
    own_minimal = {**one, "weights": {"minimal": 1}, "duration": args.own_minimal_duration}
    # Minimal phases between the types: each type's ratio is against the two around it.
    plan.append({"name": "own-minimal-0", **own_minimal})
    for number, name in enumerate(OWN, start=1):
        phase = {"name": f"own-{name}", **one, "weights": {name: 1}, "duration": args.own_duration}
        if name == "dashboard_cold":
            phase["before_each"] = "flush"
        elif name == "home_cold":
            phase["before_each"] = "invalidate"
        elif name in CACHED:
            # Cached pages' own cost: a few users' pages, filled in the warm-up.
            phase.update(variants=CACHED_VARIANTS, prime=True)
        plan.append(phase)
        plan.append({"name": f"own-minimal-{number}", **own_minimal})
    return plan


def drive(
    server: harness.Gunicorn,
    args: argparse.Namespace,
    users: dict[str, Any],
    types: dict[str, Any],
    morning: list[dict[str, Any]],
) -> dict[str, Any]:
    plan = phases(args)
    spec = {
        "morning": morning,
        "morning_connections": args.connections,
        "host": harness.HOST,
        "port": server.port,
        "timeout": args.timeout,
        "seed": args.seed,
        "redis_url": args.redis_url,
        "users": users,
        "types": types,
        "phases": plan,
    }
    budget = sum(p["warmup"] + p["duration"] + args.timeout * 3 + 10 for p in plan) + 60
    budget += len(morning) * args.timeout / args.connections
    completed = subprocess.run(
        [sys.executable, str(harness.BENCH / "mixload.py")],
        input=json.dumps(spec).encode(),
        stdout=subprocess.PIPE,
        timeout=budget,
        check=False,
    )
    try:
        output: dict[str, Any] = json.loads(completed.stdout or b"{}")
    except json.JSONDecodeError as error:
        raise harness.BenchError(f"the load driver failed (exit {completed.returncode})") from error
    if completed.returncode != 0 or "phases" not in output:
        raise harness.BenchError(
            f"the load driver failed (exit {completed.returncode})\n{server.log_tail()}"
        )
    return output


def figures(latencies: list[float], seconds: float) -> dict[str, Any]:
    ordered = sorted(latencies)
    return {
        "count": len(ordered),
        "rps": round(len(ordered) / seconds, 2),
        "p50_ms": round(percentile(ordered, 0.50), 2),
        "p95_ms": round(percentile(ordered, 0.95), 2),
        "p99_ms": round(percentile(ordered, 0.99), 2),
    }


def analyse(output: dict[str, Any], counts: dict[str, Any]) -> dict[str, Any]:
    by_name = {phase["name"]: phase for phase in output["phases"]}

    def minimal_p50(*names: str) -> float:
        values = [
            percentile(sorted(by_name[n]["latencies_ms"].get("minimal", [])), 0.5) for n in names
        ]
        return statistics.fmean(values)

    def table(phase: dict[str, Any], base: float, names: list[str]) -> dict[str, Any]:
        rows = {}
        for name in names:
            latencies = phase["latencies_ms"].get(name, [])
            row = figures(latencies, phase["seconds"]) if latencies else {"count": 0}
            row["errors"] = phase["errors"].get(name, 0)
            if latencies:
                row["ratio_p50"] = round(row["p50_ms"] / base, 2)
            row["queries"] = counts.get(name, {}).get("queries")
            rows[name] = row
        return rows

    result: dict[str, Any] = {"minimal": {}, "morning": output.get("morning") or {}}
    minimal_names = ["minimal-1", "minimal-2", "minimal-3"]
    minimal_names += [f"own-minimal-{number}" for number in range(len(OWN) + 1)]
    for name in minimal_names:
        phase = by_name[name]
        result["minimal"][name] = {
            **figures(phase["latencies_ms"].get("minimal", []), phase["seconds"]),
            "errors": sum(phase["errors"].values()),
        }
    for mix, before, after in (
        ("mix", "minimal-1", "minimal-2"),
        ("mix-flushed", "minimal-2", "minimal-3"),
    ):
        phase = by_name[mix]
        base = minimal_p50(before, after)
        everything = [v for values in phase["latencies_ms"].values() for v in values]
        result[mix] = {
            "minimal_p50_ms": round(base, 2),
            "types": table(phase, base, list(MIX)),
            "overall": {
                **figures(everything, phase["seconds"]),
                "errors": sum(phase["errors"].values()),
                "ratio_p50": round(percentile(sorted(everything), 0.5) / base, 2),
            },
            "flushes": phase["flushes"],
            "error_samples": phase["error_samples"],
        }
    own: dict[str, Any] = {}
    samples: dict[str, Any] = {}
    bases = []
    for number, name in enumerate(OWN):
        phase = by_name[f"own-{name}"]
        base = minimal_p50(f"own-minimal-{number}", f"own-minimal-{number + 1}")
        bases.append(base)
        own.update(table(phase, base, [name]))
        own[name]["minimal_p50_ms"] = round(base, 2)
        if phase["error_samples"]:
            samples[name] = phase["error_samples"]
    result["own"] = {
        "minimal_p50_ms": round(statistics.fmean(bases), 2),
        "types": own,
        "error_samples": samples,
    }
    return result


def verdicts(result: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, row in result["own"]["types"].items():
        target = TARGETS.get(name, TARGETS["own_cost"])
        ratio = row.get("ratio_p50")
        out[f"own_{name}"] = {
            "ratio_p50": ratio,
            "target": target,
            "met": ratio is not None and ratio <= target,
        }
    for mix, key in (("mix", "mix_overall"), ("mix-flushed", "mix_flushed_overall")):
        ratio = result[mix]["overall"]["ratio_p50"]
        out[key] = {"ratio_p50": ratio, "target": TARGETS[key], "met": ratio <= TARGETS[key]}
    errors = sum(
        row["errors"] for mix in ("mix", "mix-flushed") for row in result[mix]["types"].values()
    )
    errors += sum(row["errors"] for row in result["own"]["types"].values())
    errors += sum(row["errors"] for row in result["minimal"].values())
    errors += result["morning"].get("errors", 0)
    out["errors"] = {"errors": errors, "target": 0, "met": errors == 0}
    return out


def verify_writes(output: dict[str, Any], started: datetime.datetime) -> dict[str, Any]:
    """The writes the load made are in the database: one entry per logged activity,
    one approved week per approval (warm-up included)."""
    from placements.models import ActivityEntry, Week

    made = {"log": 0, "approve": 0}
    for phase in output["phases"]:
        for name in made:
            made[name] += phase["completed"].get(name, 0)
    entries = ActivityEntry.objects.filter(description=DESCRIPTION, created_at__gte=started).count()
    approved = Week.objects.filter(status="approved", reviewed_at__gte=started).count()
    facts = {"logged": made["log"], "entries_made": entries, "approvals": made["approve"]}
    facts["weeks_approved"] = approved
    facts["consistent"] = entries == made["log"] and approved == made["approve"]
    if not facts["consistent"]:
        print(f"WARNING: the load's writes do not add up: {facts}")
    return facts


# --- Printing ------------------------------------------------------------------------


def format_rows(rows: dict[str, Any]) -> list[str]:
    header = (
        f"{'type':<15} {'count':>6} {'err':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'×p50':>6} {'queries':>7}"
    )
    lines = [header, "-" * len(header)]
    for name, row in rows.items():
        if not row.get("count"):
            lines.append(f"{name:<15} {0:>6} {row['errors']:>4}")
            continue
        lines.append(
            f"{name:<15} {row['count']:>6} {row['errors']:>4} {row['p50_ms']:>8.1f} "
            f"{row['p95_ms']:>8.1f} {row['p99_ms']:>8.1f} {row.get('ratio_p50', 1.0):>6.2f} "
            f"{row.get('queries') if row.get('queries') is not None else '':>7}"
        )
    return lines


def report(result: dict[str, Any], judged: dict[str, Any]) -> str:
    lines = []
    for mix, title in (("mix", "Saturated mix"), ("mix-flushed", "Mix, cache flushed every 5 s")):
        part = result[mix]
        lines.append(f"\n{title} (minimal p50 {part['minimal_p50_ms']} ms):")
        lines += format_rows({**part["types"], "ALL": part["overall"]})
        if part["error_samples"]:
            lines.append(f"errors: {json.dumps(part['error_samples'], ensure_ascii=False)[:1500]}")
    own = result["own"]
    lines.append(
        f"\nOwn cost, one connection (minimal p50 {own['minimal_p50_ms']} ms on average; each "
        "type against the minimal phases just before and after it):"
    )
    lines += format_rows(own["types"])
    if own["error_samples"]:
        lines.append(f"errors: {json.dumps(own['error_samples'], ensure_ascii=False)[:1500]}")
    lines.append(
        "\nMinimal phases: "
        + ", ".join(
            f"{name} p50 {row['p50_ms']} ms ({row['rps']} req/s)"
            for name, row in result["minimal"].items()
            if not name.startswith("own-")
        )
        + "; at one connection p50 "
        + ", ".join(
            f"{row['p50_ms']:.0f}"
            for name, row in result["minimal"].items()
            if name.startswith("own-")
        )
        + " ms"
    )
    opened = result["morning"]
    if opened:
        lines.append(
            f"Morning (pages with forms opened first, not measured): {opened['requests']} in "
            f"{opened['seconds']} s, {opened['errors']} errors {opened['error_samples'] or ''}"
        )
    lines.append("")
    for name, verdict in judged.items():
        if "ratio_p50" in verdict:
            state = "met" if verdict["met"] else "MISSED"
            lines.append(
                f"target {name}: ×p50 {verdict['ratio_p50']} ≤ {verdict['target']}: {state}"
            )
    errors = judged["errors"]
    lines.append(f"target errors: {errors['errors']} = 0: {'met' if errors['met'] else 'MISSED'}")
    return "\n".join(lines)


# --- Main ----------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="regions (1 = 1 M entries)")
    parser.add_argument(
        "--env-factor", type=float, default=1.0, help="environments this many times larger"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--mix-duration", type=float, default=60, help="seconds per mix run")
    parser.add_argument("--minimal-duration", type=float, default=10)
    parser.add_argument("--own-duration", type=float, default=8, help="seconds per own-cost type")
    parser.add_argument(
        "--own-minimal-duration",
        type=float,
        default=4,
        help="seconds of the minimal page at one connection between the own-cost types",
    )
    parser.add_argument("--warmup", type=float, default=3, help="seconds before each phase")
    parser.add_argument("--flush-every", type=float, default=5, help="seconds between flushes")
    parser.add_argument("--students-per-environment", type=int, default=8)
    parser.add_argument("--supervisors-per-environment", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL)
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse the database when it was seeded alike (today), and keep it",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--no-write", action="store_true", help="print only, write no JSON")
    args = parser.parse_args()
    if not 0 < args.scale <= 10:
        parser.error("--scale must be more than 0 and at most 10")
    if not 1 <= args.env_factor <= 100:
        parser.error("--env-factor must be from 1 to 100")

    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    began = time.monotonic()
    server = None
    database = None
    try:
        with harness.deadline(int(3600 + 3600 * args.scale)):
            database = harness.Database.from_url(database_url)
            harness.check_redis(args.redis_url)
            env = harness.server_environment(database.url, args.redis_url)
            label = seed_label(args)
            reused = args.reuse and database.exists() and database.label() == label
            seed_seconds = vacuum_seconds = 0.0
            if reused:
                print(f"database {database.name}: reusing its seed {label}")
                harness.prepare_existing(env)
            else:
                print(f"database {database.name}: recreating, migrating, collecting static files")
                harness.prepare(database, env)
                print(f"seeding at scale {args.scale:g}, environments ×{args.env_factor:g}")
                seeding = time.monotonic()
                seed(args)
                seed_seconds = round(time.monotonic() - seeding, 1)
                vacuuming = time.monotonic()
                harness.vacuum_analyse()
                vacuum_seconds = round(time.monotonic() - vacuuming, 1)
                database.set_label(label)
                print(f"seeded in {seed_seconds} s, vacuumed in {vacuum_seconds} s")
            import redis
            from django.utils import timezone

            # Nothing cached by an earlier run (or older code) is served.
            redis.Redis.from_url(args.redis_url).flushdb()
            counts = data_counts()
            print(f"data: {counts}")
            users, types, extra = build(args)
            print(f"users: {extra['facts']}")
            queries = query_counts(types, extra["sessions"])
            started = timezone.now()

            server = harness.Gunicorn(env, args.workers)
            print(f"gunicorn: {args.workers} sync workers on {harness.HOST}:{server.port}")
            # Generous: on a busy machine the workers take a while to import Django.
            server.start(timeout=180)
            check_through_server(server.port, users, types)
            warning = harness.busy_machine_warning(len(os.sched_getaffinity(0)))
            if warning:
                print(warning)
            load_before = harness.load_average()
            output = drive(server, args, users, types, extra["morning"])
            load_after = harness.load_average()
            server.stop()
            writes = verify_writes(output, started)
            result = analyse(output, queries)
            judged = verdicts(result)
            machine = harness.machine_info(database)
            machine["loadavg_before"] = load_before
            machine["loadavg_after"] = load_after
            payload = {
                "benchmark": "mixed",
                "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
                "machine": machine,
                "config": {
                    **{k: v for k, v in vars(args).items() if k not in {"no_write"}},
                    "server": (
                        f"gunicorn ulvo.wsgi:application, {args.workers} sync workers, "
                        f"{harness.HOST}, no access log; bench.settings (production)"
                    ),
                    "mix": MIX,
                    "ratios": (
                        "p50 of the type ÷ the mean p50 of the minimal phases before and after "
                        "(16 connections for the mixes, one for the own costs)"
                    ),
                    "targets": TARGETS,
                    "reused_database": reused,
                },
                "data": {
                    **counts,
                    **extra["facts"],
                    "seed_seconds": seed_seconds,
                    "vacuum_seconds": vacuum_seconds,
                },
                "queries": queries,
                "writes": writes,
                "morning": output.get("morning"),
                "results": result,
                "targets": judged,
                "run_seconds": round(time.monotonic() - began, 1),
            }
            print(report(result, judged))
            print(
                f"\nwrites checked: {writes}. Load average before/after: {load_before} / "
                f"{load_after}. Whole run {payload['run_seconds']} s."
            )
            if not args.no_write:
                suffix = (
                    ""
                    if (args.scale, args.env_factor) == (1.0, 1.0)
                    else (
                        f"-scale{args.scale:g}"
                        + (f"-env{args.env_factor:g}" if args.env_factor != 1 else "")
                    )
                )
                path = harness.write_results(f"mixed{suffix}", payload)
                print(f"written: {path.relative_to(harness.ROOT)}")
    except harness.BenchError as error:
        print(f"\nBENCHMARK FAILED: {error}", file=sys.stderr)
        return 1
    finally:
        harness.tear_down(server, database, keep=args.keep or args.reuse)
    return 0


if __name__ == "__main__":
    sys.exit(main())
