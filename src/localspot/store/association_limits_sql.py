"""The association limits role's SQL, over ``association_limits``."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy import Connection, delete, insert, select, update

from localspot.crm.association_limits_storage import AssociationLimit
from localspot.store.schema import association_limits

TABLES = (association_limits,)


def association_limits_of(conn: Connection, portal_id: int) -> list[AssociationLimit]:
    table = association_limits
    rows = conn.execute(
        select(table)
        .where(table.c.portal_id == portal_id)
        .order_by(table.c.from_type, table.c.to_type, table.c.type_id)
    )
    return [
        AssociationLimit(
            r.from_type,
            r.to_type,
            r.type_id,
            r.category,
            r.max_to_object_ids,
            r.created_at,
            r.updated_at,
        )
        for r in rows
    ]


def save_limits(conn: Connection, portal_id: int, limits: Iterable[AssociationLimit]) -> None:
    table = association_limits
    for limit in limits:
        key = (
            table.c.portal_id == portal_id,
            table.c.from_type == limit.from_type,
            table.c.to_type == limit.to_type,
            table.c.type_id == limit.type_id,
        )
        changed = conn.execute(
            update(table)
            .where(*key)
            .values(
                category=limit.category,
                max_to_object_ids=limit.max_to_object_ids,
                updated_at=limit.updated_at,
            )
        )
        if changed.rowcount == 0:
            conn.execute(
                insert(table).values(
                    portal_id=portal_id,
                    from_type=limit.from_type,
                    to_type=limit.to_type,
                    type_id=limit.type_id,
                    category=limit.category,
                    max_to_object_ids=limit.max_to_object_ids,
                    created_at=limit.created_at,
                    updated_at=limit.updated_at,
                )
            )


def remove_limits(
    conn: Connection, portal_id: int, from_type: str, to_type: str, type_ids: Collection[int]
) -> None:
    table = association_limits
    conn.execute(
        delete(table).where(
            table.c.portal_id == portal_id,
            table.c.from_type == from_type,
            table.c.to_type == to_type,
            table.c.type_id.in_(type_ids),
        )
    )


def remove_type_limits(conn: Connection, portal_id: int, type_ids: Collection[int]) -> None:
    """A deleted label's limits go with it."""
    table = association_limits
    conn.execute(delete(table).where(table.c.portal_id == portal_id, table.c.type_id.in_(type_ids)))
