"""Load driver: runs in its own process, never imports Django.

Reads a JSON spec on stdin and runs its phases in order. A phase drives one page
with N concurrent connections (one thread and one ``http.client`` connection each,
reused while the server keeps it open, reopened when it closes it) for a warm-up
and then a measured period. Prints, as JSON on stdout, each phase's latencies of
the requests that completed inside the measured period. Progress goes to stderr.

Every response must be 200 and contain the phase's marker; the first one that is
not stops the run, which then reports the failure instead of figures (exit 2).

Spec: {"host", "port", "connections", "warmup", "duration", "timeout",
"phases": [{"name", "path", "expect", "headers": {...}}]}
"""

from __future__ import annotations

import http.client
import json
import statistics
import sys
import threading
import time
from typing import Any


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks."""
    if not sorted_values:
        return float("nan")
    position = (len(sorted_values) - 1) * fraction
    lower = int(position)
    upper = min(lower + 1, len(sorted_values) - 1)
    weight = position - lower
    return sorted_values[lower] * (1 - weight) + sorted_values[upper] * weight


def summarise(latencies_ms: list[float], seconds: float) -> dict[str, float]:
    """Throughput and latency of the requests completed in ``seconds`` of measuring."""
    ordered = sorted(latencies_ms)
    return {
        "requests": len(ordered),
        "rps": len(ordered) / seconds,
        "p50_ms": percentile(ordered, 0.50),
        "p95_ms": percentile(ordered, 0.95),
        "p99_ms": percentile(ordered, 0.99),
        "mean_ms": statistics.fmean(ordered) if ordered else float("nan"),
        "max_ms": ordered[-1] if ordered else float("nan"),
    }


class Failure(Exception):
    pass


def drive_phase(spec: dict[str, Any], phase: dict[str, Any]) -> dict[str, Any]:
    host, port = spec["host"], int(spec["port"])
    connections = int(spec["connections"])
    warmup, duration = float(spec["warmup"]), float(spec["duration"])
    timeout = float(spec["timeout"])
    headers = phase.get("headers", {})
    path = phase["path"]
    expect = phase["expect"].encode()

    barrier = threading.Barrier(connections + 1)
    clock: dict[str, float] = {}
    stop = threading.Event()
    samples: list[list[tuple[float, float]]] = [[] for _ in range(connections)]
    connects = [0] * connections
    errors: list[str] = []
    sizes: list[int] = []

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        mine = samples[index]
        barrier.wait()
        end = clock["end"]
        try:
            while not stop.is_set():
                started = time.perf_counter()
                if started >= end:
                    break
                if conn.sock is None:
                    connects[index] += 1
                try:
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    body = response.read()
                except (OSError, http.client.HTTPException) as error:
                    raise Failure(f"{type(error).__name__}: {error}") from error
                finished = time.perf_counter()
                if response.status != 200:
                    location = response.getheader("Location", "")
                    raise Failure(
                        f"HTTP {response.status}"
                        + (f" → {location}" if location else "")
                        + f": {body[:300]!r}"
                    )
                if expect not in body:
                    raise Failure(f"HTTP 200 without the marker {expect!r}: {body[:300]!r}")
                mine.append((started, finished))
                if not sizes:
                    sizes.append(len(body))
        except Failure as failure:
            errors.append(str(failure))
            stop.set()
        except Exception as error:  # a bug here must fail the run, not thin the sample
            errors.append(f"{type(error).__name__}: {error}")
            stop.set()
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    begin = time.perf_counter()
    clock["measure_from"] = begin + warmup
    clock["end"] = begin + warmup + duration
    barrier.wait()
    for thread in threads:
        thread.join(timeout=warmup + duration + timeout + 5)
    if any(thread.is_alive() for thread in threads):
        errors.append("a connection did not finish in time")
    if errors:
        return {"name": phase["name"], "path": path, "error": errors[0]}

    measure_from, end = clock["measure_from"], clock["end"]
    latencies = [
        round((finished - started) * 1000, 3)
        for mine in samples
        for started, finished in mine
        # The steady state: requests that completed inside the measured period.
        if measure_from <= finished <= end
    ]
    if not latencies:
        return {"name": phase["name"], "path": path, "error": "no request completed in time"}
    return {
        "name": phase["name"],
        "path": path,
        "seconds": duration,
        "latencies_ms": latencies,
        "requests_with_warmup": sum(len(mine) for mine in samples),
        "new_connections": sum(connects),
        "response_bytes": sizes[0] if sizes else 0,
    }


def main() -> int:
    spec = json.load(sys.stdin)
    results = []
    for number, phase in enumerate(spec["phases"], start=1):
        print(
            f"  load {number:>2}/{len(spec['phases'])}: {phase['name']:<10} "
            f"{spec['connections']} connections, "
            f"{spec['warmup']:g} s warm-up + {spec['duration']:g} s",
            file=sys.stderr,
            end="",
            flush=True,
        )
        result = drive_phase(spec, phase)
        results.append(result)
        if "error" in result:
            print(" – FAILED", file=sys.stderr, flush=True)
            json.dump({"phases": results, "failed": phase["name"]}, sys.stdout)
            return 2
        figures = summarise(result["latencies_ms"], result["seconds"])
        print(
            f": {figures['rps']:.1f} req/s, p50 {figures['p50_ms']:.1f} ms",
            file=sys.stderr,
            flush=True,
        )
    json.dump({"phases": results}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
