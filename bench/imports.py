"""Import N contacts from one CSV through the Imports API, against the raw driver writing
the same rows.

The server (one process, rate limits off, on a fresh database) gets the file as one
streamed multipart upload; the rate is the rows over the time from the start of the upload
to the import's ``DONE``, and the server's peak RSS is read at the end. The baseline then
writes the same contacts with plain SQL on a fresh database: the records' rows, their
unique emails and one history row per value, in transactions of 2,000 rows (the import's
slice), with the driver's ``executemany``.

    .venv/bin/python bench/imports.py --db sqlite --rows 100000
    .venv/bin/python bench/imports.py --db postgres --rows 1000000
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
import orjson
import psycopg
from harness import fresh_database, running_server
from psycopg.types.json import Jsonb

SLICE = 2000
COLUMNS = ["email", "firstname", "lastname", "lifecyclestage"]


def write_csv(path: Path, rows: int) -> None:
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["Email", "First", "Last", "Stage"])
        for i in range(rows):
            out.writerow([f"c{i}@example.com", f"First{i}", f"Last{i % 977}", "lead"])


def contact(i: int) -> dict[str, str]:
    return {
        "email": f"c{i}@example.com",
        "firstname": f"First{i}",
        "lastname": f"Last{i % 977}",
        "lifecyclestage": "lead",
    }


def start_profile(pid: int, output: str | None) -> subprocess.Popen[bytes] | None:
    """py-spy (on PATH) samples the server into ``output`` (raw folded stacks) until
    stopped, when ``--profile`` names a file."""
    if not output:
        return None
    spy = shutil.which("py-spy") or "py-spy"
    command = [spy, "record", "--gil", "--nonblocking", "-p", str(pid), "-r", "200"]
    command += ["-f", "raw", "-o", output]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_profile(spy: subprocess.Popen[bytes] | None) -> None:
    if spy is not None:
        spy.send_signal(signal.SIGINT)
        spy.wait(timeout=60)


def through_api(
    kind: str, path: Path, rows: int, profile: str | None = None
) -> tuple[float, float]:
    """(rows per second, peak RSS in MB)."""
    mappings = [
        {"columnObjectTypeId": "0-1", "columnName": n, "propertyName": p}
        for n, p in zip(["Email", "First", "Last", "Stage"], COLUMNS, strict=True)
    ]
    request = {
        "name": "bench",
        "files": [
            {
                "fileName": path.name,
                "fileFormat": "CSV",
                "fileImportPage": {"hasHeader": True, "columnMappings": mappings},
            }
        ],
    }
    with fresh_database(kind) as url, running_server(url) as server:
        headers = {"Authorization": f"Bearer {server.token}"}
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=600) as http:
            spy = start_profile(server.process.pid, profile)
            cpu_before = server.cpu_seconds()
            started = time.perf_counter()
            with path.open("rb") as handle:
                response = http.post(
                    "/crm/v3/imports",
                    data={"importRequest": json.dumps(request)},
                    files=[("files", (path.name, handle, "text/csv"))],
                )
            assert response.status_code == 200, response.text
            import_id = response.json()["id"]
            while True:
                job = http.get(f"/crm/v3/imports/{import_id}").json()
                if job["state"] in ("DONE", "FAILED", "CANCELED"):
                    break
                time.sleep(0.2)
            elapsed = time.perf_counter() - started
            cpu = server.cpu_seconds() - cpu_before
            stop_profile(spy)
            assert job["state"] == "DONE", job
            assert job["metadata"]["counters"]["CREATED_OBJECTS"] == rows, job
            print(f"import wrote: {written(url)}; server CPU {cpu * 1e6 / rows:.1f} µs a row")
            return rows / elapsed, server.peak_rss_mb()


def written(url: str) -> dict[str, int]:
    """Rows in the tables both sides write (the index queue is drained by the server's
    idle indexer, so it is not counted: each created record is queued once)."""
    tables = ["objects", "unique_values", "property_history"]
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as pg:
        return {t: pg.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}  # type: ignore[index]


def _history(object_id: int, values: dict[str, str], at: int) -> list[tuple[object, ...]]:
    return [(1, object_id, n, v, at, "IMPORT", "1") for n, v in values.items()]


def sqlite_baseline(path: str, rows: int) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    at = int(time.time() * 1000)
    started, cpu = time.perf_counter(), time.process_time()
    for start in range(0, rows, SLICE):
        ids = range(start + 1, min(start + SLICE, rows) + 1)
        maps = {i: contact(i - 1) for i in ids}
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(
            "INSERT INTO objects (id, portal_id, object_type, properties, created_at, updated_at,"
            " archived) VALUES (?, 1, '0-1', ?, ?, ?, 0)",
            [(i, orjson.dumps(m).decode(), at, at) for i, m in maps.items()],
        )
        conn.executemany(
            "INSERT INTO unique_values (portal_id, object_type, name, value, object_id)"
            " VALUES (1, '0-1', 'email', ?, ?) ON CONFLICT DO NOTHING",
            [(m["email"], i) for i, m in maps.items()],
        )
        conn.executemany(
            "INSERT INTO property_history (portal_id, object_id, name, value, timestamp,"
            " source_type, source_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [row for i, m in maps.items() for row in _history(i, m, at)],
        )
        conn.executemany(
            "INSERT OR IGNORE INTO index_queue (portal_id, object_type, object_id)"
            " VALUES (1, '0-1', ?)",
            [(i,) for i in maps],
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    print(f"baseline CPU {(time.process_time() - cpu) * 1e6 / rows:.1f} µs a row")
    conn.close()
    return rows / elapsed


def postgres_baseline(url: str, rows: int) -> float:
    """One statement per table and slice, the rows as array parameters (the fastest plain
    statements; per-row ``executemany`` ran at half this rate, below the import itself)."""
    at = int(time.time() * 1000)
    started = time.perf_counter()
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
        for start in range(0, rows, SLICE):
            ids = list(range(start + 1, min(start + SLICE, rows) + 1))
            maps = [contact(i - 1) for i in ids]
            history = [row for i, m in zip(ids, maps, strict=True) for row in _history(i, m, at)]
            with conn.transaction(), conn.cursor(binary=True) as cur:
                cur.execute(
                    "INSERT INTO objects (id, portal_id, object_type, properties, created_at,"
                    " updated_at, archived) SELECT i, 1, '0-1', p, %s, %s, false"
                    " FROM unnest(%s::bigint[], %s::jsonb[]) AS t(i, p)",
                    (at, at, ids, [Jsonb(m) for m in maps]),
                )
                cur.execute(
                    "INSERT INTO unique_values (portal_id, object_type, name, value, object_id)"
                    " SELECT 1, '0-1', 'email', v, i FROM unnest(%s::text[], %s::bigint[])"
                    " AS t(v, i) ON CONFLICT DO NOTHING",
                    ([m["email"] for m in maps], ids),
                )
                cur.execute(
                    "INSERT INTO property_history (portal_id, object_id, name, value, timestamp,"
                    " source_type, source_id) SELECT 1, o, n, v, %s, 'IMPORT', '1'"
                    " FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS t(o, n, v)",
                    (at, [h[1] for h in history], [h[2] for h in history], [h[3] for h in history]),
                )
                cur.execute(
                    "INSERT INTO index_queue (portal_id, object_type, object_id)"
                    " SELECT 1, '0-1', unnest(%s::bigint[]) ON CONFLICT DO NOTHING",
                    (ids,),
                )
    return rows / (time.perf_counter() - started)


def baseline(kind: str, rows: int) -> float:
    with fresh_database(kind) as url:
        with running_server(url):  # the server migrates the schema (and makes portal 1)
            pass
        if kind == "sqlite":
            rate = sqlite_baseline(url.removeprefix("sqlite:///"), rows)
        else:
            rate = postgres_baseline(url, rows)
        print(f"baseline wrote: {written(url)}")
        return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--profile", metavar="FILE", help="py-spy samples the import into FILE")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="localspot-bench-files-") as folder:
        os.environ["LOCALSPOT_DATA_DIR"] = folder
        path = Path(folder) / "contacts.csv"
        write_csv(path, args.rows)
        rate, rss = through_api(args.db, path, args.rows, args.profile)
        raw = baseline(args.db, args.rows)
    print(
        f"{args.db} {args.rows:,} contacts: import {rate:,.0f} rows/s, peak RSS {rss:.0f} MB;"
        f" raw driver {raw:,.0f} rows/s; ratio {rate / raw:.2f}"
    )


if __name__ == "__main__":
    main()
