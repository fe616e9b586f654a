"""Mixed-load driver: runs in its own process, never imports Django.

Reads a JSON spec on stdin, runs its phases in order and prints, as JSON on stdout,
every phase's requests per type (latencies of those completed inside the measured
period, errors). Progress goes to stderr.

Virtual users: every user of the spec keeps its own cookies (session and CSRF) and
the CSRF token its pages carry, as a browser does: a user's first POST is preceded
by a GET of the page whose form it submits (counted as that page's request), and
the token is read from it.

A phase has ``connections`` threads, each with one ``http.client`` connection
(reopened when the server closes it), that pick a request type by weight (random
with the spec's seed, one generator per thread) and then one of its variants at
random. A variant is one user's request: GET or POST, the expected status (and
redirect), and markers that must all be in the body. Types of ``kind`` "approve"
take a variant from a pool, each at most once in the whole run (a week is approved
once); an empty pool is an error.

``flush_every`` (seconds) empties the Redis database ``redis_url`` (FLUSHDB) during
the phase; ``before_each`` runs before every request, outside its timing: "flush"
empties that database, "invalidate" deletes the variant's ``invalidate`` keys.

``morning`` (a list of pages: user, path, expect) is opened once before the phases, not
measured, so that every user who will post has its CSRF token (as after opening the
app in the morning); a user without one still fetches it first.

Every response that is not as expected counts as an error of its type (the first
few are kept, with the body's start); the run goes on.

Spec: {"host", "port", "timeout", "seed", "redis_url", "morning"?, "morning_connections"?,
"users": {user: {"headers": {...}}},
"types": {type: {"kind": "get"|"post"|"approve", "variants": [variant, ...]}},
"phases": [{"name", "connections", "warmup", "duration", "weights": {type: weight},
            "flush_every"?: seconds, "before_each"?: "flush"|"invalidate",
            "variants"?: use only the first n variants of each type,
            "prime"?: request each of those once at the start of the warm-up}]}
variant: {"user", "method", "path", "expect": [...], "status": 200, "location"?,
          "form"?: {...}, "token_from"?: {"path", "expect": [...]}, "headers"?: {...},
          "invalidate"?: [redis keys], "fresh_key"?: field name for a new UUID}
"""

from __future__ import annotations

import http.client
import json
import random
import re
import sys
import threading
import time
import urllib.parse
import uuid
from typing import Any

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"|"X-CSRFToken": "([^"]+)"')
KEEP_ERRORS = 5


class Run:
    """State shared by the phases: the users' tokens and the approval pools."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.host, self.port = spec["host"], int(spec["port"])
        self.timeout = float(spec["timeout"])
        self.users = spec["users"]
        self.types = spec["types"]
        self.tokens: dict[str, str] = {}
        self.lock = threading.Lock()
        self.pools = {
            name: list(kind["variants"])
            for name, kind in self.types.items()
            if kind["kind"] == "approve"
        }
        self.used = dict.fromkeys(self.pools, 0)
        self.redis = None
        if spec.get("redis_url"):
            import redis  # the client only; no Django here

            self.redis = redis.Redis.from_url(spec["redis_url"])

    def variant(
        self, name: str, rng: random.Random, first: int | None = None
    ) -> dict[str, Any] | None:
        kind = self.types[name]
        if kind["kind"] != "approve":
            return rng.choice(kind["variants"][:first])
        with self.lock:
            pool = self.pools[name]
            if not pool:
                return None
            variant = pool.pop(rng.randrange(len(pool)))
            self.used[name] += 1
            return variant


def send(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes | None = None,
) -> tuple[int, str, bytes]:
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response.status, response.getheader("Location", "") or "", data


def check(
    variant: dict[str, Any], status: int, location: str, body: bytes, expect: list[str]
) -> str | None:
    wanted = int(variant.get("status", 200))
    if status != wanted:
        return f"HTTP {status} (expected {wanted})" + (f" → {location}" if location else "")
    if variant.get("location") and not location.endswith(variant["location"]):
        return f"redirected to {location!r}, expected {variant['location']!r}"
    missing = [marker for marker in expect if marker.encode() not in body]
    if missing:
        return f"HTTP {status} without {missing[0]!r}"
    return None


def drive_phase(run: Run, phase: dict[str, Any], seed: int) -> dict[str, Any]:
    connections = int(phase["connections"])
    warmup, duration = float(phase["warmup"]), float(phase["duration"])
    names = list(phase["weights"])
    weights = [float(phase["weights"][name]) for name in names]
    before_each = phase.get("before_each")
    barrier = threading.Barrier(connections + 1)
    clock: dict[str, float] = {}
    stop = threading.Event()
    lock = threading.Lock()
    records: list[list[tuple[str, float, float]]] = [[] for _ in range(connections)]
    errors: dict[str, int] = {}
    error_samples: dict[str, list[str]] = {}
    sizes: dict[str, int] = {}
    completed: dict[str, int] = {}
    flushes = [0]

    def fail(name: str, message: str, started: float) -> None:
        with lock:
            # Errors count in the measured period only, like the latencies.
            if started >= clock["measure_from"]:
                errors[name] = errors.get(name, 0) + 1
            samples = error_samples.setdefault(name, [])
            if len(samples) < KEEP_ERRORS:
                samples.append(message)

    def worker(index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        conn = http.client.HTTPConnection(run.host, run.port, timeout=run.timeout)
        mine = records[index]
        barrier.wait()
        end = clock["end"]

        def request(name: str, variant: dict[str, Any], method: str, path: str) -> None:
            user = run.users[variant["user"]]
            headers = dict(user["headers"])
            body = None
            expect = variant.get("expect", [])
            if method == "POST":
                token = run.tokens.get(variant["user"])
                form = dict(variant.get("form", {}))
                if variant.get("fresh_key"):
                    form[variant["fresh_key"]] = str(uuid.uuid4())
                form["csrfmiddlewaretoken"] = token or ""
                body = urllib.parse.urlencode(form).encode()
                headers.update(
                    {
                        "Content-Type": "application/x-www-form-urlencoded",
                        "Origin": f"http://{run.host}:{run.port}",
                        "Referer": f"http://{run.host}:{run.port}{variant['token_from']['path']}",
                        "X-CSRFToken": token or "",
                    }
                )
            headers.update(variant.get("headers", {}))
            if before_each == "flush" and run.redis is not None:
                run.redis.flushdb()
            elif before_each == "invalidate" and run.redis is not None:
                run.redis.delete(*variant["invalidate"])
            started = time.perf_counter()
            try:
                status, location, data = send(conn, method, path, headers, body)
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                fail(name, f"{type(error).__name__}: {error}", started)
                return
            finished = time.perf_counter()
            problem = check(variant, status, location, data, expect)
            if problem:
                fail(name, f"{method} {path}: {problem}: {data[:200]!r}", started)
                return
            mine.append((name, started, finished))
            with lock:
                completed[name] = completed.get(name, 0) + 1
            if name not in sizes:
                sizes[name] = len(data)
            if method == "GET" and variant["user"] not in run.tokens:
                found = TOKEN.search(data)
                if found:
                    run.tokens[variant["user"]] = (found.group(1) or found.group(2)).decode()

        try:
            if phase.get("prime"):
                # Each variant in use once before the measuring (a cache filled); these
                # start in the warm-up and are reported apart.
                for name in names:
                    for variant in run.types[name]["variants"][: phase.get("variants")]:
                        request(f"prime-{name}", variant, "GET", variant["path"])
            while not stop.is_set():
                if time.perf_counter() >= end:
                    break
                name = rng.choices(names, weights)[0]
                variant = run.variant(name, rng, phase.get("variants"))
                if variant is None:
                    fail(name, "no variant left (every submitted week approved)", end)
                    stop.set()
                    break
                method = variant.get("method", "GET")
                if method == "POST" and variant["user"] not in run.tokens:
                    # The browser has the page with the form before it posts it.
                    source = variant["token_from"]
                    page = {"user": variant["user"], "expect": source["expect"], "status": 200}
                    request(source["type"], page, "GET", source["path"])
                    if variant["user"] not in run.tokens:
                        continue
                request(name, variant, method, variant["path"])
        except Exception as error:  # a bug here must show, not thin the sample
            fail("driver", f"{type(error).__name__}: {error}", clock["measure_from"])
            stop.set()
        finally:
            conn.close()

    def flusher(every: float) -> None:
        while not stop.wait(every):
            if time.perf_counter() >= clock["end"]:
                break
            assert run.redis is not None
            run.redis.flushdb()
            flushes[0] += 1

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    begin = time.perf_counter()
    clock["measure_from"] = begin + warmup
    clock["end"] = begin + warmup + duration
    flush_thread = None
    if phase.get("flush_every"):
        flush_thread = threading.Thread(
            target=flusher, args=(float(phase["flush_every"]),), daemon=True
        )
    barrier.wait()
    if flush_thread is not None:
        flush_thread.start()
    for thread in threads:
        thread.join(timeout=warmup + duration + run.timeout * 3 + 10)
    stop.set()
    if flush_thread is not None:
        flush_thread.join(timeout=5)
    if any(thread.is_alive() for thread in threads):
        errors["driver"] = errors.get("driver", 0) + 1
        error_samples.setdefault("driver", []).append("a connection did not finish in time")

    measure_from, end = clock["measure_from"], clock["end"]
    latencies: dict[str, list[float]] = {}
    for mine in records:
        for name, started, finished in mine:
            if measure_from <= finished <= end:
                latencies.setdefault(name, []).append(round((finished - started) * 1000, 3))
    return {
        "name": phase["name"],
        "connections": connections,
        "seconds": duration,
        "latencies_ms": latencies,
        "errors": errors,
        "error_samples": error_samples,
        "response_bytes": sizes,
        # Every request that succeeded, warm-up included (the writes it made).
        "completed": completed,
        "flushes": flushes[0],
    }


def morning(run: Run, pages: list[dict[str, Any]], connections: int) -> dict[str, Any]:
    """Every user who will post opens the page with their form first (not measured): the
    browser has its CSRF token before the day's load starts."""
    queue = list(pages)
    lock = threading.Lock()
    errors: list[str] = []
    started = time.perf_counter()

    def worker() -> None:
        conn = http.client.HTTPConnection(run.host, run.port, timeout=run.timeout)
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    page = queue.pop()
                headers = run.users[page["user"]]["headers"]
                try:
                    status, location, data = send(conn, "GET", page["path"], headers)
                except (OSError, http.client.HTTPException) as error:
                    conn.close()
                    errors.append(f"{page['path']}: {type(error).__name__}: {error}")
                    continue
                problem = check({"status": 200}, status, location, data, page["expect"])
                found = TOKEN.search(data)
                if problem or not found:
                    errors.append(f"{page['path']}: {problem or 'no CSRF token'}")
                    continue
                run.tokens[page["user"]] = (found.group(1) or found.group(2)).decode()
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "requests": len(pages),
        "errors": len(errors),
        "error_samples": errors[:KEEP_ERRORS],
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> int:
    spec = json.load(sys.stdin)
    run = Run(spec)
    results = []
    opened = None
    if spec.get("morning"):
        print(f"  morning: {len(spec['morning'])} users open their page", file=sys.stderr, end="")
        opened = morning(run, spec["morning"], int(spec.get("morning_connections", 8)))
        print(f": {opened['seconds']} s, {opened['errors']} errors", file=sys.stderr, flush=True)
    for number, phase in enumerate(spec["phases"], start=1):
        print(
            f"  load {number:>2}/{len(spec['phases'])}: {phase['name']:<18} "
            f"{phase['connections']:>2} conn, {phase['warmup']:g} s warm-up + "
            f"{phase['duration']:g} s",
            file=sys.stderr,
            end="",
            flush=True,
        )
        result = drive_phase(run, phase, int(spec.get("seed", 2026)) + number)
        results.append(result)
        done = sum(len(v) for v in result["latencies_ms"].values())
        failed = sum(result["errors"].values())
        print(
            f": {done / result['seconds']:.1f} req/s, {failed} errors",
            file=sys.stderr,
            flush=True,
        )
    json.dump({"phases": results, "approved": run.used, "morning": opened}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
