"""Plain SQL on either database, for the hot path of every batch write and the hot reads.

Statements are written once with ``?`` placeholders; ``store/dialect.py`` runs them the
way each database does best (its docstring tells why: the driver's ``executemany`` on
SQLite, one statement whose rows travel as one JSONB document on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

import orjson
from sqlalchemy import Connection

from localspot.store.dialect import dialect_of

HistoryRow = tuple[int, int, str, str, int, str, str | None]
"""(portal_id, object_id, name, value, timestamp, source_type, source_id)"""

_HISTORY_COLUMNS = (
    "portal_id",
    "object_id",
    "name",
    "value",
    "timestamp",
    "source_type",
    "source_id",
)


def marks(count: int) -> str:
    """``?, ?, ?`` for an IN list of ``count`` values."""
    return ", ".join("?" * count)


def fetch(conn: Connection, statement: str, params: Sequence[Any]) -> list[Any]:
    """Plain SQL with ``?`` placeholders on either database: the hot reads' path, which
    skips Core's statement caching and parameter processing (about 60 µs a call here)."""
    return list(conn.exec_driver_sql(dialect_of(conn).sql(statement), tuple(params)).all())


def json_map(value: Any) -> Any:
    """JSONB arrives decoded from psycopg; SQLite's JSON column arrives as text."""
    return orjson.loads(value) if isinstance(value, str | bytes) else value


def pipelined(conn: Connection) -> AbstractContextManager[None]:
    """On PostgreSQL, the bulk writes inside are sent without waiting for each other's
    results (psycopg's pipeline mode): one round trip for the lot, so a batch holds its
    row locks for less time. Errors surface when the block ends."""
    return dialect_of(conn).pipelined(conn)


def run_many(conn: Connection, statement: str, params: Sequence[Sequence[Any]]) -> None:
    """One statement with ``?`` placeholders over many parameter rows, on either database."""
    dialect_of(conn).run_many(conn, statement, params)


def write_property_maps(conn: Connection, rows: Sequence[tuple[int, Any]], at: int) -> None:
    """Replace the property map and ``updated_at`` of each (id, map)."""
    if rows:
        dialect_of(conn).write_property_maps(conn, rows, at)


def write_history(conn: Connection, rows: Sequence[HistoryRow]) -> None:
    dialect_of(conn).insert_rows(conn, "property_history", _HISTORY_COLUMNS, rows)
