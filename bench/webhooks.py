"""Batch update of contacts with and without webhook subscriptions on every updated property.

    python bench/webhooks.py --db sqlite --records 10000
    python bench/webhooks.py --db postgres --records 10000

Starts ``localspot serve`` (rate limits off) on a fresh database with two portals that hold
the same N contacts, and a fast HTTP receiver in a process of its own (a threaded
``http.server`` that counts the events it is sent and answers 204). One portal has no app;
in the other an app is installed whose settings point at the receiver, with an active
``contact.propertyChange`` subscription for each of the six properties the updates change,
so every changed value is an event in the outbox. ``batch/update`` (100 inputs, 3-5 of
those properties changed; bench/batch_update.py's load driver) runs against one portal and
then the other (which goes first changes every round, so that a drift over the run, such
as the database growing, weighs on both sides alike), and each round prints the rate, the
ratio of the two rates (the cost of writing the events), the events written and delivered,
the outbox's backlog when the load stops, and how long the sender takes to empty it, and
the CPU a request of the server, of its child processes and of the whole machine (server,
database, load drivers and receiver: on two saturated cores the rate follows it); at the
end the medians of the rates' ratios and of the machine's CPU a request without / with.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))

from batch_update import LoadPlan, drive, profile  # noqa: E402
from dynamic_lists import cli, load  # noqa: E402
from harness import (  # noqa: E402
    RunningServer,
    cpu_split_over,
    free_port,
    fresh_database,
    in_turn,
    indexed_after,
    running_server,
    summary_ms,
)
from workload import CONTACT_CHANGEABLE  # noqa: E402

CONTACTS = "/crm/v3/objects/contacts"
MACHINE_MS: dict[str, list[float]] = {"without": [], "with": []}
"""The machine's CPU a request of each run, by side (``rate``)."""
WATCHED = [name for name, _ in CONTACT_CHANGEABLE]


def receive(port: int) -> None:
    """The receiver process: counts events (``GET /count``) and answers every POST 204."""
    lock = threading.Lock()
    counts = {"events": 0, "requests": 0}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            with lock:
                counts["events"] += body.count(b'"eventId"')
                counts["requests"] += 1
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:  # noqa: N802
            with lock:
                body = json.dumps(counts).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print("ready", flush=True)
    server.serve_forever()


def start_receiver() -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, __file__, "--receive", str(port)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process, f"http://127.0.0.1:{port}"


def received(receiver_url: str) -> int:
    return int(httpx.get(f"{receiver_url}/count").json()["events"])


def hooked_portal(server: RunningServer) -> tuple[str, str]:
    """A second portal (its id and a token for it)."""
    portal = cli(server.database_url, "portals", "create", "--name", "with an app")
    return portal, cli(server.database_url, "tokens", "create", "--portal", portal)


def subscribe_app(http: httpx.Client, database_url: str, portal: str, receiver_url: str) -> None:
    """An app installed in the portal (``localspot apps create``), subscribed through
    ``http`` to every watched property, sending to the receiver."""
    shown = json.loads(cli(database_url, "apps", "create", "--portal", str(portal)))
    params = {"hapikey": shown["developerApiKey"]}
    base = f"/webhooks/v3/{shown['appId']}"
    settings = {"targetUrl": f"{receiver_url}/hooks", "throttling": {"maxConcurrentRequests": 10}}
    http.put(f"{base}/settings", json=settings, params=params).raise_for_status()
    for name in WATCHED:
        body = {"eventType": "contact.propertyChange", "propertyName": name, "active": True}
        http.post(f"{base}/subscriptions", json=body, params=params).raise_for_status()


def subscribe(server: RunningServer, portal: str, receiver_url: str) -> None:
    with httpx.Client(base_url=server.base_url, timeout=30) as dev:
        subscribe_app(dev, server.database_url, portal, receiver_url)


def backlog(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        found = conn.execute(sa.text("SELECT coalesce(sum(event_count), 0) FROM webhook_outbox"))
        return int(found.scalar_one())


def requests_made(engine: sa.Engine) -> str:
    """The deliveries kept (the portal's newest 1,000 or so): events per request, latency
    (mean, max)."""
    with engine.connect() as conn:
        row = conn.execute(
            sa.text(
                "SELECT count(*), avg(event_count), avg(latency_ms), max(latency_ms)"
                " FROM webhook_deliveries"
            )
        ).one()
    count, events, mean, most = row
    return (
        f"the newest {count:,} kept: {events or 0:.0f} events each, {mean or 0:.0f} ms mean,"
        f" {most} ms max"
    )


def drained_after(engine: sa.Engine, limit: float = 300.0) -> float:
    """Seconds until the outbox is empty (polled every 50 ms, at most ``limit``)."""
    started = time.perf_counter()
    while backlog(engine) and time.perf_counter() - started < limit:
        time.sleep(0.05)
    return time.perf_counter() - started


def rate(
    server: RunningServer, token: str, ids: list[str], args: argparse.Namespace, seed: int
) -> float:
    side = "with" if token != server.token else "without"
    if args.profile:
        profile(server, f"{args.profile}.{side}.{seed // 100}", args.seconds)
    per_client = int(args.seconds * 400 / args.clients) + 10
    plans = [
        LoadPlan(server.base_url, token, ids, per_client, seed + c, args.seconds, path=CONTACTS,
                 requests="contacts")
        for c in range(args.clients)
    ]  # fmt: skip
    result, cpu = cpu_split_over(server, lambda: drive(plans), args.receiver_pid)
    written = result["written"] / result["elapsed"]
    statuses = result["statuses"]
    print(f"  {written:,.0f} records/s; {summary_ms(result['latencies'])}; statuses {statuses}")
    requests = sum(statuses.values())
    MACHINE_MS[side].append(1000 * cpu.machine / requests)
    print(f"  CPU a request: {cpu.per_request(requests)}")
    return float(written)


def subscribed_rate(
    server: RunningServer,
    engine: sa.Engine,
    token: str,
    ids: list[str],
    args: argparse.Namespace,
    receiver_url: str,
    n: int,
) -> float:
    """The rate with every updated property subscribed, and what the sender made of it."""
    before = received(receiver_url)
    started = time.perf_counter()
    found = rate(server, token, ids, args, 100 * n + 50)
    loaded = time.perf_counter() - started
    left = backlog(engine)
    during = received(receiver_url) - before
    drain = drained_after(engine) if args.sender == "on" else float("nan")
    sent = received(receiver_url) - before
    print(
        f"  events: {sent:,} ({sent / loaded:,.0f}/s written); delivered while"
        f" loading {during:,} ({during / loaded:,.0f}/s); backlog at the end"
        f" {left:,}, emptied in {drain:.2f} s"
    )
    print(f"  requests: {requests_made(engine)}")
    return found


def run(args: argparse.Namespace) -> None:
    workers = args.workers or (1 if args.db == "sqlite" else 2)
    args.clients = args.clients or (2 if args.db == "sqlite" else 8)
    receiver, receiver_url = start_receiver()
    args.receiver_pid = receiver.pid
    try:
        with fresh_database(args.db) as url, running_server(url, workers) as server:
            engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
            portal, hooked = hooked_portal(server)
            plain, seconds = load(server, server.token, args.records)
            print(f"loaded {len(plain)} contacts (no app): {len(plain) / seconds:,.0f} records/s")
            ids, seconds = load(server, hooked, args.records)
            print(f"loaded {len(ids)} contacts (app): {len(ids) / seconds:,.0f} records/s")
            subscribe(server, portal, receiver_url)
            print(f"subscribed to contact.propertyChange of {', '.join(WATCHED)}")
            print(f"search's index caught up after {indexed_after(url):.1f} s")
            ratios = []
            for n in range(args.rounds):

                def without_hooks(n: int = n) -> float:
                    print(f"round {n + 1}, without subscriptions:")
                    return rate(server, server.token, plain, args, 100 * n)

                def with_hooks(n: int = n) -> float:
                    print(f"round {n + 1}, every updated property subscribed:")
                    return subscribed_rate(server, engine, hooked, ids, args, receiver_url, n)

                ratios.append(in_turn(n, without_hooks, with_hooks))
                print(f"  ratio with / without: {ratios[-1]:.2f}")
            spread = f"{min(ratios):.2f}-{max(ratios):.2f}"
            print(f"ratio with events / without: median {statistics.median(ratios):.2f} ({spread})")
            cpu = [a / b for a, b in zip(MACHINE_MS["without"], MACHINE_MS["with"], strict=True)]
            print(
                f"the machine's CPU a request, without / with: median {statistics.median(cpu):.2f}"
                f" ({min(cpu):.2f}-{max(cpu):.2f})"
            )
            engine.dispose()
    finally:
        receiver.terminate()
        receiver.wait()


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--receive":
        receive(int(sys.argv[2]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=15.0, help="per measured run")
    parser.add_argument("--rounds", type=int, default=3, help="pairs of runs, alternating")
    parser.add_argument("--clients", type=int, default=0, help="load processes (2 / 8)")
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument(
        "--sender",
        choices=("on", "off"),
        default="on",
        help="off: the server writes the events but delivers none (the write path's cost alone)",
    )
    parser.add_argument("--profile", help="py-spy's raw stacks of each run here")
    args = parser.parse_args()
    os.environ["LOCALSPOT_WEBHOOK_DELIVERY"] = args.sender
    run(args)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
