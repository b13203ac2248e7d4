"""Pages of a big list through the Lists API: how long a page of 100 members takes at
1,000,000 members, by record id and by time of joining, from the start, the middle and the
end, against the same keyset query straight through the driver.

    python bench/list_memberships.py --db sqlite --members 1000000
    python bench/list_memberships.py --db postgres --members 1000000

Starts ``localspot serve`` on a fresh database, makes a MANUAL contact list and 100 contacts
through the API, then writes the list's other memberships straight into
``list_memberships`` (pages read no record, so the members need not exist; 1,000 join in
each millisecond) and sets the list's size. Each request runs ``--repeat`` times, one at a
time; it prints the median and 95th percentile, and the median of the bare query.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).parent))

from harness import fresh_database, percentile, running_server  # noqa: E402

FIRST_ID = 10_000_000_000
"""Bulk members get ids far above the real contacts'."""
T0 = 1_767_225_600_000


def load(database_url: str, list_id: int, members: int) -> int:
    """Bulk memberships of the list named Bench; its portal's id."""
    portal_id = _portal_of(database_url, list_id)
    rows = ((portal_id, list_id, FIRST_ID + i, T0 + i // 1000) for i in range(members))
    insert = "INSERT INTO list_memberships (portal_id, list_id, record_id, added_at) VALUES"
    size = "UPDATE lists SET size = size + ? WHERE portal_id = ? AND id = ?"
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=60) as conn:
            conn.executemany(f"{insert} (?, ?, ?, ?)", rows)
            conn.execute(size, (members, portal_id, list_id))
        return portal_id
    with psycopg.connect(database_url) as conn:
        with conn.cursor().copy(
            "COPY list_memberships (portal_id, list_id, record_id, added_at) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
        conn.execute(size.replace("?", "%s"), (members, portal_id, list_id))
        conn.execute("ANALYZE list_memberships")
    return portal_id


def _portal_of(database_url: str, list_id: int) -> int:
    query = "SELECT portal_id FROM lists WHERE id = ? AND name = 'Bench'"
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            return int(conn.execute(query, (list_id,)).fetchone()[0])
    with psycopg.connect(database_url) as pg:
        row = pg.execute(query.replace("?", "%s"), (list_id,)).fetchone()
        assert row is not None
        return int(row[0])


def timed(call: Callable[[], Any], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def bare_query(database_url: str, keyset: str, params: tuple[Any, ...], repeat: int) -> float:
    """The median ms of one page's query alone, through the driver."""
    statement = (
        "SELECT record_id, added_at FROM list_memberships WHERE portal_id = ? AND list_id = ?"
        f" {keyset} LIMIT 101"
    )
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            samples = timed(lambda: conn.execute(statement, params).fetchall(), repeat)
    else:
        with psycopg.connect(database_url) as pg:
            text = statement.replace("?", "%s")
            samples = timed(lambda: pg.execute(text, params).fetchall(), repeat)
    return percentile(samples, 0.5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    with fresh_database(args.db) as url, running_server(url) as server:
        headers = {"Authorization": f"Bearer {server.token}"}
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=120) as api:
            run(api, url, args.members, args.repeat)


def run(api: httpx.Client, url: str, members: int, repeat: int) -> None:
    body = {"name": "Bench", "objectTypeId": "0-1", "processingType": "MANUAL"}
    list_id = int(api.post("/crm/v3/lists", json=body).json()["list"]["listId"])
    inputs = [{"properties": {"email": f"b{i}@example.com"}} for i in range(100)]
    made = api.post("/crm/v3/objects/contacts/batch/create", json={"inputs": inputs}).json()
    contacts = [r["id"] for r in made["results"]]
    started = time.perf_counter()
    portal_id = load(url, list_id, members - len(contacts))
    print(
        f"loaded {members - len(contacts):,} memberships in {time.perf_counter() - started:.1f} s"
    )
    base = f"/crm/v3/lists/{list_id}"
    add = timed(lambda: api.put(f"{base}/memberships/add", json=contacts), 1)[0]
    size = api.get(base).json()["list"]["size"]
    print(f"add 100 real contacts to the list: {add:.1f} ms; size now {size:,}")
    middle, end = FIRST_ID + members // 2, FIRST_ID + members
    join_middle = f"{T0 + members // 2000}-{middle}"
    cases = [
        ("by id, first page", "memberships", {}, "ORDER BY record_id", ()),
        ("by id, after the middle", "memberships", {"after": str(middle)},
         "AND record_id > ? ORDER BY record_id", (middle,)),
        ("by id, before the end", "memberships", {"before": str(end)},
         "AND record_id < ? ORDER BY record_id DESC", (end,)),
        ("join order, first page", "memberships/join-order", {}, "ORDER BY added_at, record_id",
         ()),
        ("join order, after the middle", "memberships/join-order", {"after": join_middle},
         "AND (added_at, record_id) > (?, ?) ORDER BY added_at, record_id",
         (T0 + members // 2000, middle)),
    ]  # fmt: skip
    print(f"{'page of 100':32} {'median':>8} {'p95':>8} {'query':>8}")
    for label, path, params, keyset, values in cases:
        query = {"limit": 100, **params}
        samples = timed(lambda p=path, q=query: api.get(f"{base}/{p}", params=q), repeat)
        bare = bare_query(url, keyset, (portal_id, list_id, *values), repeat)
        print(
            f"{label:32} {percentile(samples, 0.5):7.1f}ms {percentile(samples, 0.95):7.1f}ms"
            f" {bare:7.2f}ms"
        )
    for label, path in (
        ("the list (its size)", base),
        ("a record's lists", f"/crm/v3/lists/records/0-1/{contacts[0]}/memberships"),
    ):
        samples = timed(lambda p=path: api.get(p), repeat)
        print(f"{label:32} {percentile(samples, 0.5):7.1f}ms {percentile(samples, 0.95):7.1f}ms")


if __name__ == "__main__":
    main()
