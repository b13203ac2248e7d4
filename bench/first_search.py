"""The first search after a bulk load on SQLite: how long it takes, how long ``/healthz``
waits meanwhile (against an idle one), and how large the write-ahead log grows.

    python bench/first_search.py --records 100000

Loads calls with ``localspot seed`` on a fresh SQLite file (records written, none indexed
yet), starts ``localspot serve``, sends ``search {"limit": 1}`` at once (it indexes every
loaded record first) and probes ``/healthz`` every 10 ms until it answers, while a thread
samples the size of the log file; then the heaviest permitted search (5 groups of 3
``GTE`` filters), and the log's size once the server has been idle for a few seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))

from harness import fresh_database, running_server  # noqa: E402

HEAVIEST = {
    "filterGroups": [
        {
            "filters": [
                {"propertyName": "hs_timestamp", "operator": "GTE", "value": str(g)},
                {"propertyName": "hs_call_duration", "operator": "GTE", "value": str(g)},
                {"propertyName": "hs_createdate", "operator": "GTE", "value": str(g)},
            ]
        }
        for g in range(5)
    ],
    "limit": 1,
}


class LogSize:
    """The peak size of the log file, sampled every 5 ms on a thread."""

    def __init__(self, path: str) -> None:
        self.path, self.peak, self.done = path + "-wal", 0, threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def now(self) -> int:
        return os.path.getsize(self.path) if os.path.exists(self.path) else 0

    def _run(self) -> None:
        while not self.done.wait(0.005):
            self.peak = max(self.peak, self.now())


def timed_search(base: str, token: str, body: dict[str, Any]) -> tuple[float, list[float]]:
    """The search's duration and the ``/healthz`` latencies while it ran."""
    result: dict[str, float] = {}

    def search() -> None:
        headers = {"Authorization": f"Bearer {token}"}
        started = time.perf_counter()
        with httpx.Client(base_url=base, headers=headers, timeout=3600) as client:
            client.post("/crm/v3/objects/calls/search", json=body).raise_for_status()
        result["took"] = time.perf_counter() - started

    thread = threading.Thread(target=search)
    thread.start()
    probes = []
    with httpx.Client(base_url=base, timeout=3600) as probe:
        while thread.is_alive():
            started = time.perf_counter()
            probe.get("/healthz")
            probes.append(time.perf_counter() - started)
            thread.join(0.01)
    return result["took"], probes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()
    with fresh_database("sqlite") as url:
        env = {**os.environ, "LOCALSPOT_DATABASE_URL": url}
        seed = [sys.executable, "-m", "localspot", "seed", "--calls", str(args.records)]
        started = time.perf_counter()
        subprocess.run(seed, env=env, check=True, capture_output=True)
        print(f"seeded {args.records:,} calls in {time.perf_counter() - started:.1f} s")
        log = LogSize(url.removeprefix("sqlite:///"))
        with running_server(url) as server:
            with httpx.Client(base_url=server.base_url) as probe:
                idle = statistics.median(
                    probe.get("/healthz").elapsed.total_seconds() for _ in range(21)
                )
            for name, body in (("first search", {"limit": 1}), ("heaviest search", HEAVIEST)):
                took, probes = timed_search(server.base_url, server.token, body)
                print(
                    f"{name}: {took:.2f} s; /healthz idle {idle * 1000:.1f} ms, during it"
                    f" median {statistics.median(probes) * 1000:.1f} ms,"
                    f" max {max(probes) * 1000:.1f} ms ({len(probes)} probes)"
                )
            print(
                f"log file: peak {log.peak / 1e6:.1f} MB,"
                f" after the searches {log.now() / 1e6:.1f} MB"
            )
            deadline = time.monotonic() + 10
            while log.now() and time.monotonic() < deadline:
                log.done.wait(0.1)
            print(f"log file after the server was idle: {log.now() / 1e6:.1f} MB")
        log.done.set()


if __name__ == "__main__":
    main()
