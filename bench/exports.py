"""Export N contacts to CSV through the Exports API, against the raw driver reading the same
rows and writing them to the same CSV format.

The contacts are written straight into a fresh database (the objects table: an export reads
nothing else), then a server (one process, rate limits off) runs a VIEW export of four
properties; the rate is the rows over the time from the start request to ``COMPLETE``, and
the server's peak RSS is read at the end (the file is downloaded and its rows counted). The
baseline reads the same rows with plain SQL in id order (one streaming cursor) and writes
the same columns with ``csv.writer``: the record id, the values, lifecycle stage as its label.

    .venv/bin/python bench/exports.py --db sqlite --rows 100000
    .venv/bin/python bench/exports.py --db postgres --rows 1000000
"""

from __future__ import annotations

import argparse
import csv
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import psycopg
from harness import fresh_database, running_server
from imports import contact  # the same contacts the import benchmark writes
from psycopg.types.json import Jsonb

PROPERTIES = ["email", "firstname", "lastname", "lifecyclestage"]
LOAD_SLICE = 10_000
STAGE_LABELS = {"lead": "Lead"}


def load(url: str, rows: int) -> None:
    at = int(time.time() * 1000)
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            for start in range(0, rows, LOAD_SLICE):
                conn.executemany(
                    "INSERT INTO objects (id, portal_id, object_type, properties, created_at,"
                    " updated_at, archived) VALUES (?, 1, '0-1', ?, ?, ?, 0)",
                    [
                        (i + 1, orjson.dumps(contact(i)).decode(), at, at)
                        for i in range(start, min(start + LOAD_SLICE, rows))
                    ],
                )
        return
    with (
        psycopg.connect(url) as conn,
        conn.cursor() as cur,
        cur.copy(
            "COPY objects (id, portal_id, object_type, properties, created_at, updated_at,"
            " archived) FROM STDIN"
        ) as copy,
    ):
        for i in range(rows):
            copy.write_row((i + 1, 1, "0-1", Jsonb(contact(i)), at, at, False))


def through_api(url: str, rows: int) -> tuple[float, float]:
    """(rows per second, peak RSS in MB)."""
    request = {
        "exportType": "VIEW",
        "exportName": "bench",
        "format": "CSV",
        "language": "EN",
        "objectType": "CONTACT",
        "objectProperties": PROPERTIES,
        "exportInternalValuesOptions": ["NAMES"],
    }
    with running_server(url) as server:
        headers = {"Authorization": f"Bearer {server.token}"}
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=600) as http:
            started = time.perf_counter()
            response = http.post("/crm/v3/exports/export/async", json=request)
            assert response.status_code == 202, response.text
            task = response.json()["id"]
            while True:
                status = http.get(f"/crm/v3/exports/export/async/tasks/{task}/status").json()
                if status["status"] in ("COMPLETE", "CANCELED"):
                    break
                time.sleep(0.2)
            elapsed = time.perf_counter() - started
            assert status["status"] == "COMPLETE" and status.get("result"), status
            lines = 0
            with httpx.stream("GET", status["result"], timeout=600) as got:
                for _ in got.iter_lines():
                    lines += 1
            assert lines == rows + 1, lines
            return rows / elapsed, server.peak_rss_mb()


def _read(url: str) -> Iterator[tuple[int, object]]:
    statement = (
        "SELECT id, properties FROM objects WHERE portal_id = 1 AND object_type = '0-1'"
        " AND archived = {false} ORDER BY id"
    )
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"))
        try:
            yield from conn.execute(statement.format(false="0"))
        finally:
            conn.close()
        return
    with psycopg.connect(url) as pg, pg.cursor(name="export") as cur:
        cur.itersize = 1000
        cur.execute(statement.format(false="false"))
        yield from cur


def baseline(url: str, folder: Path) -> float:
    started = time.perf_counter()
    count = 0
    with (folder / "raw.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["Record ID", *PROPERTIES])
        for object_id, raw in _read(url):
            values = orjson.loads(raw) if isinstance(raw, str | bytes) else raw
            assert isinstance(values, dict)
            stage = values.get("lifecyclestage", "")
            row = [str(object_id), *(values.get(p, "") for p in PROPERTIES[:-1])]
            out.writerow([*row, STAGE_LABELS.get(stage, stage)])
            count += 1
    return count / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="localspot-bench-files-") as folder,
        fresh_database(args.db) as url,
    ):
        os.environ["LOCALSPOT_DATA_DIR"] = folder
        with running_server(url):  # the server migrates the schema (and makes portal 1)
            pass
        load(url, args.rows)
        rate, rss = through_api(url, args.rows)
        raw = baseline(url, Path(folder))
    print(
        f"{args.db} {args.rows:,} contacts: export {rate:,.0f} rows/s, peak RSS {rss:.0f} MB;"
        f" raw driver {raw:,.0f} rows/s; ratio {rate / raw:.2f}"
    )


if __name__ == "__main__":
    main()
