"""What every benchmark needs, whatever it seeds: a fresh PostgreSQL database, the
server environment, gunicorn on 127.0.0.1, logged-in sessions, query counts, the
load driver (bench/loadgen.py, a second process) and the results file.

A benchmark script (see run_placements.py) calls ``prepare`` before importing
models, seeds with bulk inserts, lists its pages and hands them to ``measure``.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import secrets
import signal
import socket
import statistics
import string
import subprocess
import sys
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
TMP = BENCH / "tmp"  # ignored by git: gunicorn's log, collected static files
RESULTS = BENCH / "results"

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ulvo_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/9"
HOST = "127.0.0.1"


class BenchError(Exception):
    """The benchmark cannot run or a page misbehaved: stop, say why, measure nothing."""


# --- Time limit ----------------------------------------------------------------------


@contextmanager
def deadline(seconds: int):  # type: ignore[no-untyped-def]
    """Abort the whole run (cleanly, through the callers' finally blocks) after a limit."""

    def expire(signum: int, frame: object) -> None:
        raise BenchError(f"the run took longer than {seconds} s; aborted")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# --- Database ------------------------------------------------------------------------


@dataclass
class Database:
    url: str
    name: str
    host: str
    port: int
    user: str
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> Database:
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in {"postgres", "postgresql"}:
            raise BenchError(
                f"DATABASE_URL must point at PostgreSQL, not {parsed.scheme or url!r}: "
                "the benchmark measures the production database."
            )
        name = parsed.path.lstrip("/")
        if "bench" not in name:
            # The database is dropped and created: never one that holds real data.
            raise BenchError(
                f"refusing to use database {name!r}: the benchmark drops and recreates it, "
                f"so its name must contain 'bench' (default: {DEFAULT_DATABASE_URL})."
            )
        return cls(
            url=url,
            name=name,
            host=parsed.hostname or HOST,
            port=parsed.port or 5432,
            user=urllib.parse.unquote(parsed.username or "postgres"),
            password=urllib.parse.unquote(parsed.password) if parsed.password else None,
        )

    def _admin(self):  # type: ignore[no-untyped-def]
        import psycopg

        try:
            return psycopg.connect(
                host=self.host,
                port=self.port,
                user=self.user,
                password=self.password,
                dbname="postgres",
                autocommit=True,
                connect_timeout=5,
            )
        except psycopg.Error as error:
            raise BenchError(
                f"cannot reach PostgreSQL at {self.host}:{self.port}: {error}"
            ) from error

    def recreate(self) -> None:
        from psycopg import sql

        with self._admin() as conn:
            name = sql.Identifier(self.name)
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))

    def drop(self) -> None:
        from psycopg import sql

        with self._admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
            )

    def exists(self) -> bool:
        with self._admin() as conn:
            return bool(
                conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [self.name]).fetchone()
            )

    def label(self) -> str | None:
        """The database's comment: what a benchmark seeded into it (see ``set_label``)."""
        with self._admin() as conn:
            row = conn.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [self.name],
            ).fetchone()
            return row[0] if row else None

    def set_label(self, text: str) -> None:
        from psycopg import sql

        with self._admin() as conn:
            conn.execute(
                sql.SQL("COMMENT ON DATABASE {} IS {}").format(
                    sql.Identifier(self.name), sql.Literal(text)
                )
            )

    def server_version(self) -> str:
        with self._admin() as conn:
            row = conn.execute("SHOW server_version").fetchone()
            return str(row[0]) if row else "?"


# --- Django in this process and in the server -------------------------------------------


def server_environment(database_url: str, redis_url: str) -> dict[str, str]:
    """Production mode as deployed, on loopback: DEBUG off, PostgreSQL with persistent
    connections, Redis cache, manifest static files through WhiteNoise."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_ENV": "production",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
            "DJANGO_ALLOWED_HOSTS": HOST,
            # Plain HTTP on loopback; production sits behind a TLS proxy.
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "DJANGO_LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])),
        }
    )
    return env


def check_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        raise BenchError(f"cannot reach Redis at {url}: {error}") from error


def prepare(database: Database, env: dict[str, str]) -> None:
    """A fresh, migrated database and collected static files; Django set up here."""
    database.recreate()
    os.environ.update(env)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    TMP.mkdir(exist_ok=True)
    call_command("collectstatic", interactive=False, verbosity=0)


def prepare_existing(env: dict[str, str]) -> None:
    """Like ``prepare`` on a database kept from an earlier run (not recreated): new
    migrations applied, static files collected, Django set up here."""
    os.environ.update(env)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    TMP.mkdir(exist_ok=True)
    call_command("collectstatic", interactive=False, verbosity=0)


def vacuum_analyse() -> None:
    """After bulk inserts: planner statistics and visibility map as on a live database."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def remove_static() -> None:
    """The collected static files (several MB) are only for the server's run."""
    import shutil

    shutil.rmtree(TMP / "static", ignore_errors=True)


def login_session(user: Any) -> str:
    """A logged-in session as django.contrib.auth.login would store it; its key."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return str(store.session_key)


def browser_headers(session_key: str) -> dict[str, str]:
    """What a logged-in browser sends: the session and CSRF cookies (names as configured)."""
    from django.conf import settings

    csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    return {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={csrf}",
        "Accept": "text/html,application/xhtml+xml",
        "Accept-Language": "nl-NL,nl;q=0.9",
        "User-Agent": "ulvo-bench",
    }


# --- Pages ---------------------------------------------------------------------------


@dataclass
class Page:
    """A page to measure, as one user.

    ``expect`` must be in every response under load; ``checks`` are (substring,
    exact count) pairs verified once in-process, to prove the page shows all the data.
    """

    name: str
    path: str
    session_key: str
    expect: str
    checks: list[tuple[str, int]] = field(default_factory=list)
    description: str = ""


def count_queries(page: Page, show: bool = False) -> dict[str, Any]:
    """Queries of one request, in-process with the test client (after one warm request)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST=HOST, raise_request_exception=True)
    client.cookies[settings.SESSION_COOKIE_NAME] = page.session_key
    client.get(page.path)
    sql_seconds = 0.0

    def timed(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        nonlocal sql_seconds
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_seconds += time.perf_counter() - started

    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timed):
        started = time.perf_counter()
        response = client.get(page.path)
        elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise BenchError(
            f"{page.name}: {page.path} answered {response.status_code}"
            f" {response.get('Location', '')} in-process; refusing to measure it"
        )
    body = response.content.decode()
    if page.expect not in body:
        raise BenchError(f"{page.name}: {page.path} lacks its marker {page.expect!r}")
    for needle, expected in page.checks:
        found = body.count(needle)
        if found != expected:
            raise BenchError(
                f"{page.name}: expected {expected}× {needle!r} on {page.path}, found {found}"
            )
    if show:
        print(f"\n-- {page.name}: {len(captured)} queries")
        for query in captured.captured_queries:
            print(f"   {query['sql'][:400]}")
    return {
        "queries": len(captured),
        "sql_ms": round(sql_seconds * 1000, 2),
        "inprocess_ms": round(elapsed * 1000, 2),
        "response_bytes": len(response.content),
    }


# --- The server ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def get(port: int, path: str, headers: dict[str, str], timeout: float = 10) -> tuple[int, bytes]:
    import http.client

    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


class Gunicorn:
    """``gunicorn ulvo.wsgi`` on 127.0.0.1 with sync workers, as in the Dockerfile
    (without the access log); stopped by its own process id."""

    def __init__(self, env: dict[str, str], workers: int) -> None:
        self.env = env
        self.workers = workers
        self.port = free_port()
        self.log = TMP / "gunicorn.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "ulvo.wsgi:application",
            "--bind",
            f"{HOST}:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            "--timeout",
            "30",
            "--no-control-socket",
            "--log-level",
            "warning",
            "--error-logfile",
            str(self.log),
        ]

    def start(self, timeout: float = 30) -> None:
        TMP.mkdir(exist_ok=True)
        self.log.write_text("")
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, start_new_session=True
        )
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise BenchError("gunicorn exited at start:\n" + self.log_tail())
            try:
                status, _ = get(self.port, "/health/", {}, timeout=2)
            except OSError:
                status = 0
            if status == 200:
                return
            time.sleep(0.2)
        raise BenchError("gunicorn did not answer /health/ in time:\n" + self.log_tail())

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            # Its own process group (start_new_session): the master and its workers.
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no gunicorn log)"


# --- Measuring -----------------------------------------------------------------------


def tear_down(server: Gunicorn | None, database: Database | None, *, keep: bool) -> None:
    """After a run, whatever happened: stop the server, remove the collected static
    files, close connections and drop the database unless asked to keep it."""
    if server is not None:
        server.stop()
    remove_static()
    if database is None:
        return
    from django.apps import apps

    if apps.ready:
        from django.db import connections

        connections.close_all()
    if keep:
        print(f"kept database {database.name} ({database.url})")
        return
    try:
        database.drop()
    except BenchError as error:
        print(f"could not drop {database.name}: {error}", file=sys.stderr)


@dataclass
class LoadConfig:
    """``duration`` is each page's measured time in total, split over ``rounds``;
    ``warmup`` precedes every phase."""

    workers: int = 2
    connections: int = 16
    rounds: int = 3
    warmup: float = 1.0
    duration: float = 12.0
    timeout: float = 10.0

    @property
    def phase_seconds(self) -> float:
        return self.duration / self.rounds

    def phases(self, pages: int) -> int:
        # minimal, the pages, minimal, the pages, ..., minimal
        return self.rounds * (pages + 1) + 1

    def load_seconds(self, pages: int) -> float:
        return self.phases(pages) * (self.warmup + self.phase_seconds)


def _rounded(figures: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()}


def measure(
    server: Gunicorn,
    minimal: Page,
    pages: list[Page],
    config: LoadConfig,
    show_queries: bool = False,
) -> list[dict[str, Any]]:
    """Query counts in-process, one checked request per page through gunicorn, then
    the load driver in interleaved rounds: minimal, every page, minimal, every page,
    …, minimal. A page's ratio is the median over the rounds of its figures against
    the mean of the minimal phases just before and after it, so that a machine whose
    speed drifts (other work on it) shifts both sides of a ratio alike.
    """
    from bench.loadgen import summarise

    everything = [minimal, *pages]
    counts = {page.name: count_queries(page, show=show_queries) for page in everything}
    headers = {page.name: browser_headers(page.session_key) for page in everything}
    for page in everything:
        status, body = get(server.port, page.path, headers[page.name])
        if status != 200 or page.expect.encode() not in body:
            raise BenchError(
                f"{page.name}: {page.path} answered {status} through gunicorn"
                f" (marker {'found' if page.expect.encode() in body else 'missing'});"
                f" refusing to measure it.\n{body[:500]!r}\n{server.log_tail()}"
            )
    order: list[Page] = []
    for _ in range(config.rounds):
        order += [minimal, *pages]
    order.append(minimal)
    spec = {
        "host": HOST,
        "port": server.port,
        "connections": config.connections,
        "warmup": config.warmup,
        "duration": config.phase_seconds,
        "timeout": config.timeout,
        "phases": [
            {"name": p.name, "path": p.path, "expect": p.expect, "headers": headers[p.name]}
            for p in order
        ],
    }
    completed = subprocess.run(
        [sys.executable, str(BENCH / "loadgen.py")],
        input=json.dumps(spec).encode(),
        stdout=subprocess.PIPE,
        timeout=len(order) * (config.warmup + config.phase_seconds + config.timeout) + 30,
        check=False,
    )
    try:
        output = json.loads(completed.stdout or b"{}")
    except json.JSONDecodeError as error:
        raise BenchError(
            f"the load driver failed (exit {completed.returncode}): {error}"
        ) from error
    if completed.returncode != 0 or "failed" in output or "phases" not in output:
        failed = (output.get("phases") or [{}])[-1]
        raise BenchError(
            f"{failed.get('name', '?')}: {failed.get('path', '')} failed under load: "
            f"{failed.get('error', f'exit {completed.returncode}')}\n{server.log_tail()}"
        )
    phases = output["phases"]
    per_phase = [summarise(phase["latencies_ms"], phase["seconds"]) for phase in phases]
    stride = len(pages) + 1
    minimal_phases = [per_phase[i] for i in range(0, len(phases), stride)]

    results = []
    for offset, page in enumerate(everything):
        indices = [i for i in range(len(phases)) if phases[i]["name"] == page.name]
        latencies = [value for i in indices for value in phases[i]["latencies_ms"]]
        figures = summarise(latencies, sum(phases[i]["seconds"] for i in indices))
        rounds = []
        for number in range(config.rounds):
            before, after = minimal_phases[number], minimal_phases[number + 1]
            mine = per_phase[number * stride + offset] if offset else before
            rounds.append(
                {
                    "rps": round(mine["rps"], 2),
                    "p50_ms": round(mine["p50_ms"], 2),
                    "ratio_rps": (before["rps"] + after["rps"]) / 2 / mine["rps"],
                    "ratio_p50": mine["p50_ms"] / ((before["p50_ms"] + after["p50_ms"]) / 2),
                }
            )
        result: dict[str, Any] = {
            "name": page.name,
            "path": page.path,
            "description": page.description,
            **_rounded(figures),
            "ratio_rps": 1.0 if not offset else round(median(r["ratio_rps"] for r in rounds), 2),
            "ratio_p50": 1.0 if not offset else round(median(r["ratio_p50"] for r in rounds), 2),
            **counts[page.name],
            "response_bytes": phases[indices[0]]["response_bytes"],
        }
        if offset:
            result["rounds"] = [_rounded(r) for r in rounds]
        else:
            rates = [phase["rps"] for phase in minimal_phases]
            result["phases_rps"] = [round(rate, 1) for rate in rates]
            # How far the machine's speed moved during the run; large = noisy ratios.
            result["spread"] = round(max(rates) / min(rates) - 1, 3)
        results.append(result)
    return results


def median(values: Any) -> float:
    return statistics.median(list(values))


# --- Reporting -----------------------------------------------------------------------


def _git() -> dict[str, Any]:
    def run(*args: str) -> str:
        completed = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=False
        )
        return completed.stdout.strip()

    return {"commit": run("rev-parse", "HEAD"), "dirty": bool(run("status", "--porcelain"))}


def machine_info(database: Database) -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    import django

    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "memory_gb": memory_gb,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": metadata.version("gunicorn"),
        "psycopg": metadata.version("psycopg"),
        "postgresql": database.server_version(),
        "git": _git(),
    }


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def busy_machine_warning(nproc: int) -> str | None:
    """Other work on the machine skews every figure; say so before measuring."""
    one_minute = os.getloadavg()[0]
    if one_minute > 0.5 * nproc:
        return (
            f"warning: load average {one_minute:.1f} on {nproc} CPUs before the run; "
            "other processes compete with the server and the figures will be low and noisy"
        )
    return None


def write_results(benchmark: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(exist_ok=True)
    today = datetime.datetime.now(datetime.UTC).date().isoformat()
    path = RESULTS / f"{benchmark}-{today}.json"
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    return path


def format_table(pages: list[dict[str, Any]]) -> str:
    header = (
        f"{'page':<10} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'×rps':>6} {'×p50':>6} "
        f"{'queries':>7} {'sql ms':>7} {'1 req ms':>8} {'KiB':>6}"
    )
    lines = [header, "-" * len(header)]
    for page in pages:
        lines.append(
            f"{page['name']:<10} {page['rps']:>8.1f} {page['p50_ms']:>8.1f} "
            f"{page['p95_ms']:>8.1f} {page['ratio_rps']:>6.2f} {page['ratio_p50']:>6.2f} "
            f"{page['queries']:>7} {page['sql_ms']:>7.2f} {page['inprocess_ms']:>8.1f} "
            f"{page['response_bytes'] / 1024:>6.1f}"
        )
    return "\n".join(lines)
