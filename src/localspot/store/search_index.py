"""Keeping search's two index tables in step with the records, inside the write's own
transaction (so a failed write leaves them unchanged too).

``property_index`` holds one typed entry per value (per option of a multi-select):
``num_value`` or ``str_value``; ``property_tokens`` the distinct words of each text value.
The domain computes both (``crm/search.py: index_entries``); this module only stores
them. Only live records have entries: archiving a record deletes them, so a search that
needs nothing but positive conditions never has to look at ``objects`` to count.

String values are kept by their first ``INDEXED_PREFIX`` characters (PostgreSQL's btree
keeps entries under about 2,700 bytes); comparisons of longer strings use that prefix.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from psycopg.types.json import Jsonb
from sqlalchemy import Connection

from localspot.crm.storage import IndexEntry
from localspot.store.bulk import run_many

INDEXED_PREFIX = 600
IndexRow = tuple[int, str, Sequence[IndexEntry]]
"""(object_id, property name, its index entries; none when the value was cleared)"""

_VALUE_COLUMNS = ("portal_id", "object_type", "object_id", "name", "num_value", "str_value")
_TOKEN_COLUMNS = ("portal_id", "object_type", "object_id", "name", "token")
_PG_TYPES = {
    "portal_id": "bigint",
    "object_type": "text",
    "object_id": "bigint",
    "name": "text",
    "num_value": "double precision",
    "str_value": "text",
    "token": "text",
}


def write_index(
    conn: Connection, portal_id: int, type_id: str, rows: Sequence[IndexRow], *, fresh: bool = False
) -> None:
    """Replace the entries of each (object, name) pair (``fresh``: new records, so there is
    nothing to replace)."""
    if not rows:
        return
    if not fresh:
        pairs = [(object_id, name) for object_id, name, _ in rows]
        for table in ("property_index", "property_tokens"):
            run_many(conn, f"DELETE FROM {table} WHERE object_id = ? AND name = ?", pairs)
    values = [
        (portal_id, type_id, object_id, name, num, text[:INDEXED_PREFIX] if text else text)
        for object_id, name, entries in rows
        for num, text, _ in entries
    ]
    words = [
        (portal_id, type_id, object_id, name, token)
        for object_id, name, entries in rows
        for token in dict.fromkeys(t for *_, found in entries for t in found)
    ]
    _insert(conn, "property_index", _VALUE_COLUMNS, values)
    _insert(conn, "property_tokens", _TOKEN_COLUMNS, words)


def delete_index(conn: Connection, object_ids: Collection[int]) -> None:
    """Every entry of these records (they were archived)."""
    ids = [(object_id,) for object_id in sorted(object_ids)]
    for table in ("property_index", "property_tokens"):
        run_many(conn, f"DELETE FROM {table} WHERE object_id = ?", ids)


def _insert(
    conn: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Many rows: ``executemany`` on SQLite, one statement with the rows as one JSONB
    document on PostgreSQL (one round trip, as in ``store/bulk.py``)."""
    if not rows:
        return
    names = ", ".join(columns)
    if conn.dialect.name != "postgresql":
        marks = ", ".join("?" * len(columns))
        run_many(conn, f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
        return
    shape = ", ".join(f"{c} {_PG_TYPES[c]}" for c in columns)
    document = Jsonb([dict(zip(columns, row, strict=True)) for row in rows])
    conn.exec_driver_sql(
        f"INSERT INTO {table} ({names}) SELECT {names} FROM jsonb_to_recordset(%s) AS r({shape})",
        (document,),
    )
