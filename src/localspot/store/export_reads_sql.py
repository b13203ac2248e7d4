"""What an export of a whole object type reads (``ExportReadsStorage``): a keyset page of
the type's live records as plain tuples, in id order, through the driver's own rows. An
export reads every record of the type, so each row skips what other reads pay for (Core's
result processing, ``Record`` objects)."""

from __future__ import annotations

from sqlalchemy import Connection

from localspot.crm.jobs_storage import ExportRow
from localspot.store.bulk import json_map
from localspot.store.dialect import dialect_of

_PAGE = (
    "SELECT id, properties, created_at, updated_at FROM objects"
    " WHERE portal_id = ? AND object_type = ? AND archived = ? AND id > ? ORDER BY id LIMIT ?"
)


def export_rows(
    conn: Connection, portal_id: int, type_id: str, after: int, limit: int
) -> list[ExportRow]:
    result = conn.exec_driver_sql(
        dialect_of(conn).sql(_PAGE), (portal_id, type_id, False, after, limit)
    )
    return [(row[0], json_map(row[1]), row[2], row[3]) for row in result]
