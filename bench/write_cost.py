"""CPU time a batch update costs with 20 DYNAMIC lists or webhook subscriptions and
without, in one process.

    python bench/write_cost.py --side lists --lists narrow
    python bench/write_cost.py --side webhooks
    python bench/write_cost.py --side lists --lists broad --db postgres

``bench/dynamic_lists.py`` and ``bench/webhooks.py`` measure the HTTP throughput both ways
on a real server, the issues' measure; on a machine whose speed drifts from minute to
minute their rounds can differ by a fifth, and so can CPU times read a minute apart. This
one runs the app in process (``create_app`` driven through its ASGI interface, on a real
database file or PostgreSQL) with the same portals, contacts, lists, subscriptions and
requests, and alternates short blocks of requests between the plain portal and the other
(ABBA), reading the process's CPU time around each block: both sides see the same machine
within a second of each other. It prints, per round and as medians, the CPU milliseconds
a request on each side and what the lists or the events add; that difference is what a
change to their write path moves. Counted: every thread of the process (the WAL
checkpoints, the webhook sender's rounds, which run between and during the blocks).
Not counted: the webhook delivery process, the receiver, PostgreSQL's own CPU. The test
client's own work (building requests, parsing responses) is in both sides alike.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from litestar.testing import TestClient

sys.path.insert(0, str(Path(__file__).parent))

from dynamic_lists import (  # noqa: E402
    CONTACTS,
    LIST_SETS,
    LISTS,
    add_properties,
    create_contacts,
    create_lists,
)
from harness import both_in_turn, fresh_database, indexed_after  # noqa: E402
from webhooks import received, start_receiver, subscribe_app  # noqa: E402
from workload import update_bodies  # noqa: E402

from localspot.app import create_app  # noqa: E402
from localspot.config import Settings  # noqa: E402
from localspot.crm.accounts import all_scopes, hash_token  # noqa: E402
from localspot.store.open import open_store  # noqa: E402


def tokens(url: str) -> list[tuple[int, str]]:
    """Two portals, each with a token of every scope: the plain one, then the other."""
    made = [f"pat-na1-{secrets.token_hex(16)}" for _ in range(2)]

    async def register() -> list[tuple[int, str]]:
        store = open_store(url)
        try:
            portals = []
            for n, token in enumerate(made):
                portal = await store.create_portal(f"bench {n}")
                await store.create_token(portal, hash_token(token), all_scopes(), "private_app")
                portals.append((portal, token))
            return portals
        finally:
            await store.close()

    return asyncio.run(register())


def as_portal(client: TestClient[Any], token: str) -> None:
    """The client's next requests go to the token's portal."""
    client.headers["Authorization"] = f"Bearer {token}"


def load(client: TestClient[Any], token: str, count: int) -> list[str]:
    as_portal(client, token)
    add_properties(client)
    return create_contacts(client, count)


def filled(client: TestClient[Any], token: str, limit: float = 600.0) -> float:
    """Seconds until every list of the portal has been filled (its processing status is
    ``COMPLETE``): the fills run in the background, and would land in the measured CPU."""
    started = time.perf_counter()
    as_portal(client, token)
    while True:
        found = client.post(f"{LISTS}/search", json={"count": 50}).json()["lists"]
        if all(x["processingStatus"] == "COMPLETE" for x in found):
            return time.perf_counter() - started
        if time.perf_counter() - started > limit:
            raise TimeoutError(f"lists still filling after {limit:.0f} s")
        time.sleep(0.1)  # polling the fills' state, with a deadline


def block(client: TestClient[Any], token: str, bodies: Iterator[bytes], size: int) -> float:
    """CPU seconds of the process over ``size`` batch updates of one portal."""
    as_portal(client, token)
    started = time.process_time()
    for _ in range(size):
        response = client.post(f"{CONTACTS}/batch/update", content=next(bodies))
        assert response.status_code == 207, response.text
    return time.process_time() - started


def bodies_of(ids: list[str], count: int, seed: int) -> Iterator[bytes]:
    return iter(update_bodies("contacts", count, ids, seed))


def run(args: argparse.Namespace) -> None:
    if args.side != "webhooks":
        measure(args, None)
        return
    receiver, receiver_url = start_receiver()
    try:
        measure(args, receiver_url)
        print(f"events the receiver was sent: {received(receiver_url):,}")
    finally:
        receiver.terminate()
        receiver.wait()


def measure(args: argparse.Namespace, receiver_url: str | None) -> None:
    with fresh_database(args.db) as url:
        (_, plain), (portal, other) = tokens(url)
        webhooks = receiver_url is not None
        settings = Settings(database_url=url, rate_limits=False, webhook_delivery=webhooks)
        with TestClient(create_app(settings)) as client:
            plain_ids = load(client, plain, args.records)
            other_ids = load(client, other, args.records)
            if receiver_url is not None:
                subscribe_app(client, url, str(portal), receiver_url)
                side = "every changed property subscribed"
            else:
                as_portal(client, other)
                create_lists(client, args.lists)
                print(f"20 DYNAMIC lists ({args.lists}) filled after {filled(client, other):.1f} s")
                side = f"20 {args.lists} DYNAMIC lists"
            print(f"search's index caught up after {indexed_after(url):.1f} s")
            count = args.rounds * 2 * args.block + args.block
            without = bodies_of(plain_ids, count, 1)
            with_side = bodies_of(other_ids, count, 2)
            block(client, plain, without, args.block // 2)  # warm both sides up
            block(client, other, with_side, args.block // 2)
            sides: list[tuple[float, float]] = []
            for n in range(args.rounds):
                base, cost = both_in_turn(
                    n,
                    lambda: block(client, plain, without, args.block),
                    lambda: block(client, other, with_side, args.block),
                )
                sides.append((base * 1000 / args.block, cost * 1000 / args.block))
    for n, (base, cost) in enumerate(sides):
        print(f"round {n + 1}: {base:.2f} ms plain, {cost:.2f} ms with, +{cost - base:.2f}")
    base = statistics.median(b for b, _ in sides)
    cost = statistics.median(c for _, c in sides)
    added = statistics.median(c - b for b, c in sides)
    ratio = statistics.median(b / c for b, c in sides)
    print(
        f"CPU a request (median of {args.rounds} rounds): {base:.2f} ms plain, {cost:.2f} ms"
        f" with {side}: +{added:.2f} ms, ratio {ratio:.3f}"
    )


def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line a request otherwise
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--side", choices=("lists", "webhooks"), default="lists")
    parser.add_argument("--lists", choices=sorted(LIST_SETS), default="narrow")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--block", type=int, default=10, help="requests a side in a round")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
