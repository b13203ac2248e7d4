"""The raw-driver baselines: the same batch updates written with the best plain SQL we found,
with no HTTP, no validation and no framework: what the database itself allows.

Both write what localspot writes for an update: the merged property map, ``updated_at``,
and one history row per changed value, in one transaction per 100-input batch; inputs
addressed by ``idProperty`` are resolved through the unique-value index first.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

import orjson
import psycopg
from psycopg.types.json import Jsonb
from workload import UpdateRequest


def _merge(current: dict[str, str], changes: dict[str, str]) -> dict[str, str]:
    return {n: v for n, v in changes.items() if current.get(n, "") != v}


def sqlite_apply(path: str, portal_id: int, requests: list[UpdateRequest]) -> tuple[int, float]:
    """Returns (records written, seconds)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    written = 0
    started = time.perf_counter()
    for request in requests:
        written += _sqlite_batch(conn, portal_id, request.inputs)
    elapsed = time.perf_counter() - started
    conn.close()
    return written, elapsed


def _sqlite_batch(conn: sqlite3.Connection, portal_id: int, inputs: list[dict[str, Any]]) -> int:
    now = int(time.time() * 1000)
    conn.execute("BEGIN IMMEDIATE")
    keys = [i["id"] for i in inputs if i.get("idProperty")]
    marks = ",".join("?" * len(keys))
    by_key = dict(
        conn.execute(
            f"SELECT value, object_id FROM unique_values WHERE portal_id=? AND object_type='0-48'"
            f" AND name='bench_key' AND value IN ({marks})",
            [portal_id, *keys],
        ).fetchall()
    )
    wanted = {}
    for item in inputs:
        key = by_key.get(item["id"]) if item.get("idProperty") else int(item["id"])
        if key is not None:
            wanted[key] = item["properties"]
    marks = ",".join("?" * len(wanted))
    rows = conn.execute(
        f"SELECT id, properties FROM objects WHERE portal_id=? AND object_type='0-48'"
        f" AND archived=0 AND id IN ({marks}) ORDER BY id",
        [portal_id, *wanted],
    ).fetchall()
    updates, history = [], []
    for object_id, raw in rows:
        current = orjson.loads(raw)
        changed = _merge(current, wanted[object_id])
        current.update(changed)
        updates.append((orjson.dumps(current).decode(), now, object_id))
        history += [(portal_id, object_id, n, v, now, "API", None) for n, v in changed.items()]
    conn.executemany("UPDATE objects SET properties=?, updated_at=? WHERE id=?", updates)
    conn.executemany(
        "INSERT INTO property_history (portal_id, object_id, name, value, timestamp, source_type,"
        " source_id) VALUES (?,?,?,?,?,?,?)",
        history,
    )
    conn.execute("COMMIT")
    return len(rows)


def postgres_apply(
    url: str, portal_id: int, requests: list[UpdateRequest], signal: Any
) -> tuple[int, float, float]:
    """Returns (records written, first and last instant on ``time.monotonic()``); starts
    when ``signal.wait()`` returns, so that parallel processes start together."""
    written = 0
    with psycopg.connect(url) as conn:
        signal.wait()
        first = time.monotonic()
        for request in requests:
            with conn.transaction():
                written += _postgres_batch(conn, portal_id, request.inputs)
        last = time.monotonic()
    return written, first, last


def _postgres_batch(
    conn: psycopg.Connection[Any], portal_id: int, inputs: list[dict[str, Any]]
) -> int:
    now = int(time.time() * 1000)
    keys = [i["id"] for i in inputs if i.get("idProperty")]
    by_key = dict(
        conn.execute(
            "SELECT value, object_id FROM unique_values WHERE portal_id=%s AND object_type='0-48'"
            " AND name='bench_key' AND value = ANY(%s)",
            [portal_id, keys],
        ).fetchall()
    )
    wanted: dict[int, dict[str, str]] = {}
    for item in inputs:
        key = by_key.get(item["id"]) if item.get("idProperty") else int(item["id"])
        if key is not None:
            wanted[key] = item["properties"]
    rows = conn.execute(
        "SELECT id, properties FROM objects WHERE portal_id=%s AND object_type='0-48'"
        " AND archived=false AND id = ANY(%s) ORDER BY id FOR UPDATE",
        [portal_id, list(wanted)],
    ).fetchall()
    ids, maps, history = [], [], []
    for object_id, current in rows:
        changed = _merge(current, wanted[object_id])
        ids.append(object_id)
        maps.append(Jsonb({**current, **changed}))
        history += [(portal_id, object_id, n, v, now, "API", None) for n, v in changed.items()]
    with conn.cursor(binary=True) as cursor:
        cursor.execute(
            "UPDATE objects o SET properties = v.p, updated_at = %s"
            " FROM unnest(%s::bigint[], %s::jsonb[]) AS v(id, p) WHERE o.id = v.id",
            [now, ids, maps],
        )
        cursor.executemany(
            "INSERT INTO property_history (portal_id, object_id, name, value, timestamp,"
            " source_type, source_id) VALUES (%s,%s,%s,%s,%s,%s,%s)",
            history,
        )
    return len(rows)
