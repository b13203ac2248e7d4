"""The inspector's own reads (``crm/inspector_storage.py``)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from localspot.crm.inspector_storage import PortalSummary
from localspot.store.schema import portals as portals_table


def portals(conn: Connection) -> list[PortalSummary]:
    t = portals_table.c
    rows = conn.execute(select(t.id, t.name, t.tier, t.timezone, t.created_at).order_by(t.id))
    return [PortalSummary(r.id, r.name, r.tier, r.timezone, r.created_at) for r in rows]
