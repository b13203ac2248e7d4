"""What an export reads (``ExportReadsStorage``): keyset pages of the type's live records,
or of a search's matches, as plain tuples in id order, through the driver's own rows. An
export reads every record it names, so each row skips what other reads pay for (Core's
result processing, ``Record`` objects), and no page reads the pages before it again."""

from __future__ import annotations

from sqlalchemy import Connection

from localspot.crm.jobs_storage import ExportRow
from localspot.crm.search_storage import SearchQuery
from localspot.store.bulk import json_map
from localspot.store.dialect import dialect_of
from localspot.store.search_sql import ids_after

_PAGE = (
    "SELECT id, properties, created_at, updated_at FROM objects"
    " WHERE portal_id = ? AND object_type = ? AND archived = ? AND id > ? ORDER BY id LIMIT ?"
)


def export_rows(
    conn: Connection, portal_id: int, type_id: str, after: int, limit: int
) -> list[ExportRow]:
    found = dialect_of(conn).tuples(conn, _PAGE, (portal_id, type_id, False, after, limit))
    return [
        (i, json_map(properties), created, updated) for i, properties, created, updated in found
    ]


def export_matches(
    conn: Connection, portal_id: int, type_id: str, query: SearchQuery, after: int
) -> tuple[list[ExportRow], int | None]:
    """The rows of the next ``query.limit`` matches above ``after``, and the id to go on
    after (None: that was the last page)."""
    ids = ids_after(conn, portal_id, type_id, query, after)
    if not ids:
        return [], None
    dialect = dialect_of(conn)
    found = dialect.tuples(
        conn,
        "SELECT id, properties, created_at, updated_at FROM objects WHERE portal_id = ?"
        f" AND object_type = ? AND archived = ? AND id IN ({dialect.id_set}) ORDER BY id",
        (portal_id, type_id, False, dialect.id_list(ids)),
    )
    rows: list[ExportRow] = [(i, json_map(p), made, changed) for i, p, made, changed in found]
    return rows, (ids[-1] if len(ids) == query.limit else None)
