"""Filling DYNAMIC lists over many contacts through the Lists API: how long from
``POST /crm/v3/lists`` until the list is ``COMPLETE``, by the search index (a filter it
translates) and by a scan (one it can't), against the same work straight through the
driver; a page of members of the big list; and how the server answers meanwhile.

    python bench/list_fill.py --db sqlite --records 1000000
    python bench/list_fill.py --db postgres --records 1000000 --indexed

Loads ``localspot seed``'s contacts (the same generator) straight into ``objects``,
``unique_values`` and search's queue through the driver (``localspot seed`` checks each
e-mail's uniqueness inside one long transaction, which PostgreSQL plans as a scan once the
table has grown: hours at a million); none is indexed yet. With ``--indexed`` indexes them
all with ``localspot db reindex`` first, so that the index judges them. Then starts
``localspot serve`` and creates, one after another:

- ``Engineers``: ``jobtitle`` is ``Engineer`` (a fifth of the contacts). Translated to the
  index: with ``--indexed`` the index judges every record; without, every record is queued,
  so it is judged by a scan like the next one.
- ``Everyone at example.com``: ``email`` contains ``example.com`` (every contact): no
  translation, a scan; the list ends with as many members as contacts.

For each it prints the create request's time, the time until ``processingStatus`` is
``COMPLETE`` (polled every 20 ms), and what ``/healthz`` and a one-record write (a PATCH)
took while it ran (the event loop's and the writer's wait). Then pages of 100 members of
the big list (``--repeat`` times each). The baselines, with the server stopped, write the
same memberships to a scratch list through the driver: the index's ids with one
``INSERT ... SELECT`` (``Engineers``), and a scan of every record's JSON with orjson and a
plain Python test, then one bulk insert (``example.com``).
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import orjson
import psycopg

sys.path.insert(0, str(Path(__file__).parent))

from harness import fresh_database, percentile, query, running_server  # noqa: E402

from localspot.crm import object_types, sample_data  # noqa: E402

ENGINEERS = {"property": "jobtitle", "operationType": "STRING", "operator": "IS_EQUAL_TO",
             "value": "Engineer"}  # fmt: skip
EXAMPLE = {"property": "email", "operationType": "STRING", "operator": "CONTAINS",
           "value": "example.com"}  # fmt: skip
SCRATCH_LIST = 999_999


def branch(spec: dict[str, str]) -> dict[str, Any]:
    operation = {k: v for k, v in spec.items() if k != "property"}
    only = {"filterType": "PROPERTY", "property": spec["property"], "operation": operation}
    return {
        "filterBranchType": "OR",
        "filters": [],
        "filterBranches": [{"filterBranchType": "AND", "filters": [only], "filterBranches": []}],
    }


def load(url: str, count: int) -> float:
    """``count`` contacts of portal 1 (made by ``localspot portals create``), queued for
    search's index as any write queues them; its seconds."""
    cli(url, "portals", "create", "--name", "Bench")
    started = time.perf_counter()
    known = list(object_types.resolve("contacts").properties)
    now = int(time.time() * 1000)
    rows = ((1, "0-1", orjson.dumps(m).decode(), now, now, False)
            for m in sample_data.contacts(42, count, known))  # fmt: skip
    columns = "portal_id, object_type, properties, created_at, updated_at, archived"
    derived = (
        "INSERT INTO unique_values (portal_id, object_type, name, value, object_id)"
        " SELECT portal_id, object_type, 'email', {email}, id FROM objects",
        "INSERT INTO index_queue (portal_id, object_type, object_id)"
        " SELECT portal_id, object_type, id FROM objects",
    )
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            conn.executemany(f"INSERT INTO objects ({columns}) VALUES (?, ?, ?, ?, ?, ?)", rows)
            for statement in derived:
                conn.execute(statement.format(email="json_extract(properties, '$.email')"))
            conn.execute("ANALYZE")
    else:
        with psycopg.connect(url) as pg:
            with pg.cursor().copy(f"COPY objects ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            for statement in derived:
                pg.execute(statement.format(email="properties->>'email'"))
        with psycopg.connect(url, autocommit=True) as pg:
            pg.execute("ANALYZE")
    return time.perf_counter() - started


def cli(url: str, *args: str) -> float:
    """Runs ``localspot ARGS`` on the database; its seconds."""
    env = {**os.environ, "LOCALSPOT_DATABASE_URL": url}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "localspot", *args], env=env, check=True,
                   capture_output=True)  # fmt: skip
    return time.perf_counter() - started


class Probes:
    """``/healthz`` every 20 ms and a one-record PATCH every 100 ms, on threads, while a
    fill runs; their latencies."""

    def __init__(self, base: str, token: str, contact_id: str) -> None:
        self.health: list[float] = []
        self.writes: list[float] = []
        self._stop = threading.Event()
        headers = {"Authorization": f"Bearer {token}"}
        path = f"/crm/v3/objects/contacts/{contact_id}"
        self._threads = [
            threading.Thread(target=self._loop, args=(base, {}, "GET", "/healthz", None,
                                                      self.health, 0.02)),
            threading.Thread(target=self._loop, args=(base, headers, "PATCH", path,
                                                      {"properties": {"city": "Probe"}},
                                                      self.writes, 0.1)),
        ]  # fmt: skip

    def _loop(self, base: str, headers: dict[str, str], method: str, path: str, body: Any,
              into: list[float], every: float) -> None:  # fmt: skip
        with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
            while not self._stop.wait(every):
                started = time.perf_counter()
                client.request(method, path, json=body).raise_for_status()
                into.append(time.perf_counter() - started)

    @contextmanager
    def running(self) -> Iterator[None]:
        for thread in self._threads:
            thread.start()
        try:
            yield
        finally:
            self._stop.set()
            for thread in self._threads:
                thread.join()


def ms(samples: list[float]) -> str:
    if not samples:
        return "none"
    return (f"median {statistics.median(samples) * 1000:.1f} ms, max {max(samples) * 1000:.0f}"
            f" ms ({len(samples)})")  # fmt: skip


def create_and_wait(api: httpx.Client, name: str, spec: dict[str, str]) -> dict[str, Any]:
    body = {"name": name, "objectTypeId": "0-1", "processingType": "DYNAMIC",
            "filterBranch": branch(spec)}  # fmt: skip
    started = time.perf_counter()
    made = api.post("/crm/v3/lists", json=body)
    made.raise_for_status()
    answered = time.perf_counter() - started
    found = made.json()["list"]
    while found["processingStatus"] != "COMPLETE":
        time.sleep(0.02)
        found = api.get(f"/crm/v3/lists/{found['listId']}").json()["list"]
    return {**found, "answered": answered, "complete": time.perf_counter() - started,
            "status": made.json()["list"]["processingStatus"]}  # fmt: skip


def timed(call: Callable[[], Any], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def serve(url: str, repeat: int) -> tuple[dict[str, dict[str, Any]], int]:
    results: dict[str, dict[str, Any]] = {}
    with running_server(url) as server:
        headers = {"Authorization": f"Bearer {server.token}"}
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=600) as api:
            first = api.get("/crm/v3/objects/contacts", params={"limit": 1}).json()
            contact_id = first["results"][0]["id"]
            for name, spec in (("Engineers", ENGINEERS), ("Everyone at example.com", EXAMPLE)):
                probes = Probes(server.base_url, server.token, contact_id)
                with probes.running():
                    found = create_and_wait(api, name, spec)
                results[name] = {**found, "health": probes.health, "writes": probes.writes}
                print(f"{name}: create answered {found['status']} in {found['answered']:.2f} s,"
                      f" COMPLETE after {found['complete']:.1f} s, {found['size']:,} members;"
                      f" /healthz {ms(probes.health)}; PATCH {ms(probes.writes)}")  # fmt: skip
            big = results["Everyone at example.com"]["listId"]
            path = f"/crm/v3/lists/{big}/memberships"
            for label, params in (("first page", {}), ("after the middle", {"after": "500000"})):
                samples = timed(lambda p=params: api.get(path, params={"limit": 100, **p}),
                                repeat)  # fmt: skip
                print(f"members, {label}: median {percentile(samples, 0.5):.1f} ms,"
                      f" p95 {percentile(samples, 0.95):.1f} ms")  # fmt: skip
        portal = int(api_portal(url))
    return results, portal


def api_portal(url: str) -> int:
    rows = query(url, "SELECT portal_id FROM lists ORDER BY id LIMIT 1")
    return int(rows[0][0])


INDEX_INSERT = (
    "INSERT INTO list_memberships (portal_id, list_id, record_id, added_at)"
    " SELECT portal_id, ?, object_id, 0 FROM property_index WHERE portal_id = ?"
    " AND object_type = '0-1' AND name = 'jobtitle' AND str_value = 'engineer'"
)


def baseline_index(url: str, portal: int, test: Callable[[dict[str, str]], bool]) -> float:
    """The index's ids into a scratch list with one statement; its seconds."""
    started = time.perf_counter()
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            conn.execute(INDEX_INSERT, (SCRATCH_LIST, portal))
    else:
        with psycopg.connect(url) as pg:
            pg.execute(INDEX_INSERT.replace("?", "%s"), (SCRATCH_LIST, portal))
    took = time.perf_counter() - started
    clear_scratch(url)
    return took


def engineer(properties: dict[str, str]) -> bool:
    return properties.get("jobtitle", "").lower() == "engineer"


def at_example(properties: dict[str, str]) -> bool:
    return "example.com" in properties.get("email", "").lower()


def baseline_scan(url: str, portal: int, test: Callable[[dict[str, str]], bool]) -> float:
    """Every contact's JSON read and decoded, tested in plain Python, the matches inserted
    into a scratch list in bulk; its seconds."""
    select = ("SELECT id, properties FROM objects WHERE portal_id = ? AND object_type = '0-1'"
              " AND archived = ? ORDER BY id")  # fmt: skip
    started = time.perf_counter()
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            rows = conn.execute(select, (portal, False))
            ids = [i for i, p in rows if test(orjson.loads(p))]
            conn.executemany(
                "INSERT INTO list_memberships VALUES (?, ?, ?, 0)",
                ((portal, SCRATCH_LIST, i) for i in ids),
            )
    else:
        with psycopg.connect(url) as pg:
            rows = pg.execute(select.replace("?", "%s"), (portal, False))
            ids = [i for i, p in rows if test(p)]
            pg.execute(
                "INSERT INTO list_memberships SELECT %s, %s, unnest(%s::bigint[]), 0",
                (portal, SCRATCH_LIST, ids),
            )
    took = time.perf_counter() - started
    clear_scratch(url)
    return took


def clear_scratch(url: str) -> None:
    statement = "DELETE FROM list_memberships WHERE list_id = ?"
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            conn.execute(statement, (SCRATCH_LIST,))
    else:
        with psycopg.connect(url) as pg:
            pg.execute(statement.replace("?", "%s"), (SCRATCH_LIST,))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--indexed", action="store_true", help="index every contact first")
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    with fresh_database(args.db) as url:
        print(f"loaded {args.records:,} contacts in {load(url, args.records):.0f} s")
        if args.indexed:
            print(f"indexed them in {cli(url, 'db', 'reindex'):.0f} s")
        queued = query(url, "SELECT COUNT(*) FROM index_queue")[0][0]
        print(f"records waiting to be indexed: {queued:,}")
        results, portal = serve(url, args.repeat)
        for name, baseline, test in (
            ("Engineers", baseline_index if args.indexed else baseline_scan, engineer),
            ("Everyone at example.com", baseline_scan, at_example),
        ):
            raw = baseline(url, portal, test)
            took = results[name]["complete"]
            print(f"{name}: baseline ({baseline.__name__}) {raw:.1f} s; fill {took:.1f} s;"
                  f" ratio {took / raw:.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
