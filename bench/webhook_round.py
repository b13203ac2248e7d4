"""The webhook sender's round on its own: the outcomes of the requests that ended recorded
and the next rows claimed (``claim_outbox``), one transaction, as a busy sender does it.

    python bench/webhook_round.py --db postgres --rounds 400
    python bench/webhook_round.py --db sqlite --rounds 400

Makes a fresh database (migrated by ``open_store``) with one app whose settings point at
an unused address, fills its outbox straight through SQL with rows of 100 property-change
lines (about 5 KB each, as a batch update writes them), then runs ``--rounds`` rounds: each
records the previous round's ``--requests`` requests as delivered (each row deleted from
the outbox, each request kept in the deliveries log with the row it carried, as the sender
keeps it) and claims as many rows again. Nothing is sent. It prints the process's CPU a
round, the wall time, and the CPU every other process on the machine used meanwhile
(``/proc/stat``: on an otherwise idle machine, the database's own work on PostgreSQL).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))

from harness import fresh_database, machine_cpu_seconds  # noqa: E402

from localspot.crm.apps_storage import NewApp  # noqa: E402
from localspot.crm.webhook_outbox_storage import Delivery, DeliveryOutcome  # noqa: E402
from localspot.http.webhook_sender import carried  # noqa: E402
from localspot.store.open import open_store  # noqa: E402

AT = 1_700_000_000_000
LINE = '7\tcontact.propertyChange\t{}\t"city"\t"Some City {}"'


def fill(url: str, portal: int, app: int, rows: int) -> None:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO webhook_outbox (portal_id, app_id, events, event_count, attempts,"
                " next_attempt_at, created_at) VALUES (:p, :a, :e, 100, 0, 0, :at)"
            ),
            [
                {
                    "p": portal,
                    "a": app,
                    "at": AT,
                    "e": "\n".join(LINE.format(n, i) for i in range(100)),
                }
                for n in range(rows)
            ],
        )
    engine.dispose()


async def measure(url: str, args: argparse.Namespace) -> None:
    store = open_store(url)
    try:
        portal = await store.create_portal("rounds")
        app = await store.create_app(NewApp("Hooks", "secret", uuid.uuid4().hex, AT), portal)
        assert app is not None
        await store.save_webhook_settings(app.id, "http://127.0.0.1:9/hooks", 10, AT)
        fill(url, portal, app.id, (args.rounds + 1) * args.requests)
        finished: list[DeliveryOutcome] = []
        walls: list[float] = []
        busy, cpu = machine_cpu_seconds(), time.process_time()
        for _ in range(args.rounds):
            started = time.perf_counter()
            rows = await store.claim_outbox(AT + 1, "bench", 60_000, args.requests, (), finished)
            walls.append(time.perf_counter() - started)
            finished = [
                DeliveryOutcome(
                    Delivery(portal, app.id, AT, "http://x", carried((row,)), 100, "{}", 204,
                             3, None, "delivered", None),
                    (row.id,),
                    (),
                )
                for row in rows
            ]  # fmt: skip
        cpu_ms = 1000 * (time.process_time() - cpu)
        others = 1000 * (machine_cpu_seconds() - busy) - cpu_ms
        rounds = args.rounds
        print(
            f"{rounds} rounds of {args.requests} requests: CPU {cpu_ms / rounds:.2f} ms a round,"
            f" wall {1000 * sum(walls) / rounds:.2f} ms (median"
            f" {1000 * statistics.median(walls):.2f} ms), other processes"
            f" {others / rounds:.2f} ms a round"
        )
    finally:
        await store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    parser.add_argument("--rounds", type=int, default=400)
    parser.add_argument("--requests", type=int, default=17, help="requests ended a round")
    args = parser.parse_args()
    with fresh_database(args.db) as url:
        asyncio.run(measure(url, args))


if __name__ == "__main__":
    main()
