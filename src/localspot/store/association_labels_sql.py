"""The association labels role's SQL, over ``association_definitions`` (shared with the
schemas role, which creates the rows)."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from sqlalchemy import Connection, delete, select, update

from localspot.crm.association_labels_storage import RemoveOutcome
from localspot.store import association_limits_sql
from localspot.store.dialect import dialect_of
from localspot.store.schema import association_definitions, associations


def relabel(conn: Connection, portal_id: int, labels: Mapping[int, str], at: int) -> None:
    table = association_definitions
    for type_id, label in labels.items():
        conn.execute(
            update(table)
            .where(table.c.portal_id == portal_id, table.c.type_id == type_id)
            .values(label=label, updated_at=at)
        )


def remove_label(conn: Connection, portal_id: int, type_ids: Collection[int]) -> RemoveOutcome:
    table = association_definitions
    dialect_of(conn).serialize(conn, f"schemas:{portal_id}")
    known = conn.execute(
        select(table.c.type_id).where(table.c.portal_id == portal_id, table.c.type_id.in_(type_ids))
    ).first()
    if known is None:
        return "missing"
    used = conn.execute(
        select(associations.c.type_id)
        .where(associations.c.portal_id == portal_id, associations.c.type_id.in_(type_ids))
        .limit(1)
    ).first()
    if used is not None:
        return "in_use"
    conn.execute(delete(table).where(table.c.portal_id == portal_id, table.c.type_id.in_(type_ids)))
    association_limits_sql.remove_type_limits(conn, portal_id, type_ids)
    return "removed"
