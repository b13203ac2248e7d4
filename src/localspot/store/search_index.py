"""Keeping search's two index tables in step with the records.

Writes don't index: they only queue the ids of the records they created, changed or
archived (``enqueue``: one row per record, in the write's own transaction). The next
search of that portal and object type first indexes the queued records (``refresh``) in one
write transaction, with entries the domain computes from each record's current values, so
a search always sees every acknowledged write. Indexing a value touched up to six B-trees
(the two tables and their indexes) inside every batch update, about a third of its time;
HubSpot's own search index lags behind writes, localspot's catches up when it is read.

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

from sqlalchemy import Connection

from localspot.crm.search_storage import IndexEntry
from localspot.store.bulk import fetch, run_many
from localspot.store.dialect import dialect_of

INDEXED_PREFIX = 600
IndexRow = tuple[int, str, Sequence[IndexEntry]]
"""(object_id, property name, its index entries; none when the value was cleared)"""

_VALUE_COLUMNS = ("portal_id", "object_type", "object_id", "name", "num_value", "str_value")
_TOKEN_COLUMNS = ("portal_id", "object_type", "object_id", "name", "token")


def write_index(conn: Connection, portal_id: int, type_id: str, rows: Sequence[IndexRow]) -> None:
    """Insert the entries of records that have none (``delete_index`` clears them first)."""
    if not rows:
        return
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
    dialect = dialect_of(conn)
    dialect.insert_rows(conn, "property_index", _VALUE_COLUMNS, values)
    dialect.insert_rows(conn, "property_tokens", _TOKEN_COLUMNS, words)


FIRST_SLICE, MIN_SLICE, MAX_SLICE = 50, 20, 1_000
"""Records a slice of the queue's refresh may hold (its first, its least and its most)."""
SLICE_SECONDS = 0.05
"""What one slice should take. A slice holds SQLite's one write lock (requests' writes
wait for it, off the event loop) and its Python work holds PostgreSQL's event loop; a
smaller slice rewrites the same index pages more often (a commit of 10 records cost as
much as the records themselves)."""


def next_slice(size: int, done: int, elapsed: float) -> int:
    """The size of the next slice, at the pace of the last (at most twice as large)."""
    wanted = done * SLICE_SECONDS / elapsed if elapsed > 0 else MAX_SLICE
    return max(MIN_SLICE, min(MAX_SLICE, size * 2, int(wanted)))


def enqueue(conn: Connection, portal_id: int, type_id: str, object_ids: Collection[int]) -> None:
    if object_ids:
        dialect_of(conn).enqueue(conn, portal_id, type_id, object_ids)


def queued_scopes(conn: Connection, portal_id: int | None = None) -> list[tuple[int, str]]:
    """Some (portal, object type) pairs with queued records (of one portal, or of any)."""
    portal = "" if portal_id is None else " WHERE portal_id = ?"
    rows = fetch(
        conn,
        f"SELECT DISTINCT portal_id, object_type FROM index_queue{portal} LIMIT 20",
        [] if portal_id is None else [portal_id],
    )
    return [(r.portal_id, r.object_type) for r in rows]


def last_queued(conn: Connection, portal_id: int, type_id: str) -> int | None:
    """The highest queued id of a portal and type (one probe of the queue's key)."""
    rows = fetch(
        conn,
        "SELECT MAX(object_id) AS last FROM index_queue WHERE portal_id = ? AND object_type = ?",
        [portal_id, type_id],
    )
    return None if rows[0].last is None else int(rows[0].last)


def claim(
    conn: Connection, portal_id: int, type_id: str, after: int, upto: int, limit: int
) -> list[int]:
    """Take up to ``limit`` queued ids in ``(after, upto]``, lowest first, off the queue.

    A refresh walks the queue once, up to the highest id queued when it began, so writes
    that land while it runs cannot keep it going. PostgreSQL locks the rows: a concurrent
    refresh of the same records waits for this one to commit, then finds them gone (and
    reads on past them: the scan fills ``limit`` from the rows that are left)."""
    rows = fetch(
        conn,
        "SELECT object_id FROM index_queue WHERE portal_id = ? AND object_type = ?"
        " AND object_id > ? AND object_id <= ? ORDER BY object_id LIMIT ?"
        + dialect_of(conn).row_lock,
        [portal_id, type_id, after, upto, limit],
    )
    ids = [int(r.object_id) for r in rows]
    run_many(
        conn,
        "DELETE FROM index_queue WHERE portal_id = ? AND object_type = ? AND object_id = ?",
        [(portal_id, type_id, i) for i in ids],
    )
    return ids


def queue_all(
    conn: Connection, portal_id: int | None, after: int, limit: int = MAX_SLICE
) -> list[int]:
    """Queue up to ``limit`` records (every type, archived ones too; of one portal, or of
    all) with ids above ``after``, so that they are indexed afresh; returns their ids."""
    portal = "" if portal_id is None else " AND portal_id = ?"
    params = [after] if portal_id is None else [after, portal_id]
    rows = fetch(
        conn,
        f"SELECT id, portal_id, object_type FROM objects WHERE id > ?{portal} ORDER BY id LIMIT ?",
        [*params, limit],
    )
    scopes: dict[tuple[int, str], list[int]] = {}
    for row in rows:
        scopes.setdefault((int(row.portal_id), row.object_type), []).append(int(row.id))
    for (portal_of, type_id), ids in scopes.items():
        enqueue(conn, portal_of, type_id, ids)
    return [int(row.id) for row in rows]


def delete_index(conn: Connection, object_ids: Collection[int]) -> None:
    """Every entry of these records (they were archived)."""
    if not object_ids:
        return
    dialect = dialect_of(conn)
    for table in ("property_index", "property_tokens"):
        dialect.delete_ids(conn, table, "object_id", object_ids)
