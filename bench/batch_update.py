"""Batch update at the speed of the database: localspot over HTTP vs. the raw driver.

    python bench/batch_update.py --db sqlite --records 10000
    python bench/batch_update.py --db postgres --records 10000 --workers 2

Starts ``localspot serve`` (rate limits off) on a fresh database, loads the calls through
batch create, drives ``batch/update`` (100 inputs, 3-5 changed properties, 10% by
``idProperty``, 2% unknown ids) from separate load processes for a bounded time, then a
paced run at half that throughput for latency, then applies requests of the same shape
through the raw driver (bench/baselines.py) and prints the ratio.
"""

from __future__ import annotations

import argparse
import multiprocessing
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).parent))

from baselines import postgres_apply, sqlite_apply  # noqa: E402
from harness import (
    RunningServer,
    StartSignal,
    fresh_database,
    run_together,
    running_server,
    summary_ms,
)  # noqa: E402
from workload import (  # noqa: E402
    CUSTOM_PROPERTIES,
    UpdateRequest,
    create_batches,
    update_bodies,
    update_requests,
)

CALLS = "/crm/v3/objects/calls"


def http_client(base_url: str, token: str) -> httpx.Client:
    """With TCP_NODELAY, as urllib3 (under the official Python SDK) sets it, so the load
    processes talk to the server as the SDK would (it made no measurable difference here)."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    transport = httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)])
    return httpx.Client(base_url=base_url, headers=headers, timeout=120, transport=transport)


def client(server: RunningServer) -> httpx.Client:
    return http_client(server.base_url, server.token)


def _create_worker(args: tuple[str, str, list[list[dict[str, Any]]]]) -> list[tuple[str, str]]:
    """Creates its share of the batches; returns (bench_key, record id) pairs."""
    base_url, token, batches = args
    ids: list[str] = []
    pairs: list[tuple[str, str]] = []
    with http_client(base_url, token) as http:
        for batch in batches:
            response = http.post(f"{CALLS}/batch/create", content=orjson.dumps({"inputs": batch}))
            response.raise_for_status()
            keys = [item["properties"]["bench_key"] for item in batch]
            ids += [r["id"] for r in response.json()["results"]]
            pairs += zip(keys, ids[-len(batch) :], strict=True)
    return pairs


def load(server: RunningServer, count: int, processes: int) -> tuple[list[str], float]:
    with client(server) as http:
        for definition in CUSTOM_PROPERTIES:
            body = {"groupName": "call_information", **definition}
            http.post("/crm/v3/properties/calls", json=body).raise_for_status()
    batches = create_batches(count)
    chunks = [batches[i::processes] for i in range(processes)]
    started = time.perf_counter()
    with multiprocessing.Pool(processes) as pool:
        results = pool.map(_create_worker, [(server.base_url, server.token, c) for c in chunks])
    elapsed = time.perf_counter() - started
    by_key = dict(pair for pairs in results for pair in pairs)
    return [by_key[f"key-{n}"] for n in range(count)], elapsed


@dataclass(frozen=True)
class LoadPlan:
    """What one load process sends: its requests are generated in the process itself, so
    the measured window holds only HTTP traffic (no pickling of plans between processes)."""

    base_url: str
    token: str
    ids: list[str]
    count: int
    seed: int
    seconds: float
    pace: float = 0.0
    offset: float = 0.0
    """Seconds after the common start before the first paced request: paced clients take
    turns instead of all sending at the same instants."""
    path: str = CALLS
    """The object type's path; ``requests`` names its generator (``workload.REQUESTS``)."""
    requests: str = "calls"


def _update_worker(plan: LoadPlan, signal: StartSignal) -> dict[str, Any]:
    bodies = update_bodies(plan.requests, plan.count, plan.ids, plan.seed)
    latencies: list[float] = []
    written = sent = 0
    statuses: dict[int, int] = {}
    with http_client(plan.base_url, plan.token) as http:
        signal.wait()
        first = time.monotonic()
        deadline = first + plan.seconds
        next_at = first + plan.offset
        for body in bodies:
            now = time.monotonic()
            if now >= deadline:
                break
            if plan.pace:
                time.sleep(max(0.0, next_at - now))
                next_at += plan.pace
            started = time.monotonic()
            response = http.post(f"{plan.path}/batch/update", content=body)
            latencies.append(time.monotonic() - started)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            written += len(orjson.loads(response.content).get("results", ()))
            sent += 1
        last = time.monotonic()
    return {
        "latencies": latencies,
        "written": written,
        "sent": sent,
        "statuses": statuses,
        "first": first,
        "last": last,
    }


def drive(plans: list[LoadPlan], on_start: Callable[[], None] = lambda: None) -> dict[str, Any]:
    """Runs one process per plan, all starting together once each has built its requests;
    the rate is counted over the window from the first request to the last response."""
    reports = run_together(_update_worker, [(plan,) for plan in plans], on_start)
    statuses: dict[int, int] = {}
    for r in reports:
        for code, n in r["statuses"].items():
            statuses[code] = statuses.get(code, 0) + n
    return {
        "written": sum(r["written"] for r in reports),
        "sent": [r["sent"] for r in reports],
        "latencies": [x for r in reports for x in r["latencies"]],
        "elapsed": max(r["last"] for r in reports) - min(r["first"] for r in reports),
        "statuses": statuses,
    }


def load_plans(
    server: RunningServer,
    ids: list[str],
    clients: int,
    per_client: int,
    seed: int,
    seconds: float,
    pace: float = 0.0,
) -> list[LoadPlan]:
    return [
        LoadPlan(
            server.base_url,
            server.token,
            ids,
            per_client,
            seed + c,
            seconds,
            pace,
            c * pace / clients,
        )
        for c in range(clients)
    ]


def plans_for(
    ids: list[str], clients: int, per_client: int, seed: int
) -> list[list[UpdateRequest]]:
    key_of = {record_id: f"key-{n}" for n, record_id in enumerate(ids)}
    return [update_requests(per_client, ids, key_of, seed + c) for c in range(clients)]


def baseline(kind: str, url: str, requests: list[UpdateRequest], processes: int) -> float:
    """Records/s of the same-shaped requests written straight through the driver."""
    if kind == "sqlite":
        written, seconds = sqlite_apply(url.removeprefix("sqlite:///"), 1, requests)
        return written / seconds
    chunks = [(url, 1, requests[i::processes]) for i in range(processes)]
    results = run_together(postgres_apply, chunks, lambda: None)
    window = max(last for _, _, last in results) - min(first for _, first, _ in results)
    return sum(written for written, _, _ in results) / window


def profile(server: RunningServer, output: str | None, seconds: float) -> None:
    """Samples each server worker with py-spy during the full-rate run (raw folded stacks,
    one file per worker), when ``--profile`` names an output file."""
    if not output:
        return
    for n, pid in enumerate(server.worker_pids()):
        command = [
            "py-spy",
            "record",
            "--idle",
            "--nonblocking",
            "--threads",
            "-p",
            str(pid),
            "-d",
            str(int(seconds) - 1),
        ]
        command += ["-r", "200", "-f", "raw", "-o", f"{output}.{n}"]
        subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def measure_server(
    args: argparse.Namespace, url: str, workers: int
) -> tuple[float, list[str], int]:
    with running_server(url, workers) as server:
        ids, load_seconds = load(server, args.records, args.load_processes)
        print(f"loaded {len(ids)} calls via batch/create: {len(ids) / load_seconds:,.0f} records/s")
        per_client = int(args.seconds * 400 / args.clients) + 10
        plans = load_plans(server, ids, args.clients, per_client, 1, args.seconds)
        full = drive(plans, lambda: profile(server, args.profile, args.seconds))
        rate = full["written"] / full["elapsed"]
        print(
            f"batch/update, {args.clients} clients: {rate:,.0f} records/s; "
            f"{summary_ms(full['latencies'])}; statuses {full['statuses']}"
        )
        requests_per_s = sum(full["sent"]) / full["elapsed"]
        pace = args.clients / (requests_per_s / 2)
        paced = drive(load_plans(server, ids, args.clients, per_client, 2, args.seconds / 2, pace))
        print(f"at half that rate: {summary_ms(paced['latencies'])}")
        print(f"server peak RSS: {server.peak_rss_mb():.0f} MB per worker")
        if url.startswith("sqlite:///"):  # the file keeps the largest size the log reached
            wal = Path(url.removeprefix("sqlite:///") + "-wal")
            size = wal.stat().st_size if wal.exists() else 0
            print(f"SQLite write-ahead log file: {size / 1e6:.0f} MB")
    return rate, ids, sum(full["sent"])


def run(args: argparse.Namespace) -> None:
    workers = args.workers or (1 if args.db == "sqlite" else 2)
    args.clients = args.clients or (2 if args.db == "sqlite" else 8)
    with fresh_database(args.db) as url:
        rate, ids, sent = measure_server(args, url, workers)
        # Same shape, other random values: every change is a real change, as in the server run.
        plan = plans_for(ids, 1, sent, seed=3)[0]
        processes = 1 if args.db == "sqlite" else args.clients  # SQLite has one writer
        base_rate = baseline(args.db, url, plan, processes)
        print(f"raw driver baseline ({processes} process(es)): {base_rate:,.0f} records/s")
        print(f"ratio localspot / baseline: {rate / base_rate:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument(
        "--clients",
        type=int,
        default=0,
        help="load processes: 2 on SQLite (one server process), 8 on PostgreSQL (2 workers"
        " wait on the database most of the time; the baseline runs as many processes)",
    )
    parser.add_argument("--load-processes", type=int, default=2)
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument(
        "--profile", metavar="FILE", help="py-spy (on PATH) samples the full-rate run into FILE.N"
    )
    run(parser.parse_args())


if __name__ == "__main__":
    main()
