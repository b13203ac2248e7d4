"""Merge and purge (GDPR delete) of records, as functions of a ``Connection`` run inside the
caller's transaction."""

from __future__ import annotations

from sqlalchemy import Connection, and_, delete, insert, or_, select, update

from localspot.crm.merges_storage import MERGED_IDS, Combine, MergeResult
from localspot.store.deal_splits_sql import delete_splits
from localspot.store.list_follow_sql import follow, linked_followers, rejudge
from localspot.store.list_memberships_sql import drop_records
from localspot.store.records_sql import read_records
from localspot.store.schema import (
    associations,
    index_queue,
    objects,
    property_history,
    unique_values,
)
from localspot.store.search_index import delete_index, enqueue
from localspot.store.webhook_emit_sql import record_merged, record_purged

DEALS = "0-3"
"""A deal merged away or purged takes its splits with it."""


def _links_of(portal_id: int, type_id: str, record_id: int):  # type: ignore[no-untyped-def]
    a = associations.c
    return and_(
        a.portal_id == portal_id,
        or_(
            and_(a.from_type == type_id, a.from_id == record_id),
            and_(a.to_type == type_id, a.to_id == record_id),
        ),
    )


def _move_links(conn: Connection, portal_id: int, type_id: str, other: int, primary: int) -> None:
    """Point the other record's links (both directions) at the primary; a link the primary
    already has, or one between the two records, is dropped."""
    scope = _links_of(portal_id, type_id, other)
    rows = conn.execute(select(associations).where(scope)).mappings().all()
    conn.execute(delete(associations).where(scope))
    for row in rows:
        moved = dict(row)
        if row["from_type"] == type_id and row["from_id"] == other:
            moved["from_id"] = primary
        if row["to_type"] == type_id and row["to_id"] == other:
            moved["to_id"] = primary
        if moved["from_type"] == moved["to_type"] and moved["from_id"] == moved["to_id"]:
            continue
        a = associations.c
        exists = conn.execute(
            select(a.from_id).where(
                a.from_id == moved["from_id"],
                a.to_type == moved["to_type"],
                a.to_id == moved["to_id"],
                a.type_id == moved["type_id"],
            )
        ).first()
        if exists is None:
            conn.execute(insert(associations).values(**moved))


def _move_unique(
    conn: Connection, portal_id: int, type_id: str, other: int, primary: int, values: dict[str, str]
) -> None:
    """The other's unique values the merged record kept (and its merged-away ids) move to the
    primary; the rest are released."""
    u = unique_values.c
    for row in conn.execute(select(unique_values).where(u.object_id == other)).all():
        key = and_(u.portal_id == row.portal_id, u.object_type == row.object_type)
        key = and_(key, u.name == row.name, u.value == row.value)
        if row.name == MERGED_IDS or values.get(row.name) == row.value:
            conn.execute(update(unique_values).where(key).values(object_id=primary))
        else:
            conn.execute(delete(unique_values).where(key))
    conn.execute(
        insert(unique_values).values(
            portal_id=portal_id, object_type=type_id, name=MERGED_IDS, value=str(other),
            object_id=primary,
        )
    )  # fmt: skip


def _drop_record(
    conn: Connection, portal_id: int, type_id: str, record_id: int, at: int | None = None
) -> None:
    """The record is gone for good: with its queue entry, index, deal splits and list
    memberships."""
    conn.execute(delete(objects).where(objects.c.id == record_id))
    q = index_queue.c
    conn.execute(
        delete(index_queue).where(
            q.portal_id == portal_id, q.object_type == type_id, q.object_id == record_id
        )
    )
    delete_index(conn, [record_id])
    if type_id == DEALS:
        delete_splits(conn, portal_id, [record_id])
    drop_records(conn, portal_id, [record_id], at)


def merge_records(
    conn: Connection,
    portal_id: int,
    type_id: str,
    primary: int,
    other: int,
    combine: Combine,
    at: int,
) -> MergeResult:
    found = read_records(
        conn, portal_id, type_id, [primary, other], archived=False, history_names=(), lock=True
    )
    missing = tuple(i for i in (primary, other) if i not in found)
    if missing:
        return MergeResult(None, missing)
    values = combine(primary, found[primary].properties, other, found[other].properties)
    conn.execute(
        update(objects).where(objects.c.id == primary).values(properties=values, updated_at=at)
    )
    h = property_history.c
    conn.execute(
        update(property_history)
        .where(h.portal_id == portal_id, h.object_id == other)
        .values(object_id=primary)
    )
    _move_links(conn, portal_id, type_id, other, primary)
    _move_unique(conn, portal_id, type_id, other, primary, values)
    _drop_record(conn, portal_id, type_id, other, at)
    enqueue(conn, portal_id, type_id, [primary])
    merged = read_records(conn, portal_id, type_id, [primary], archived=False, history_names=())
    follow(conn, portal_id, type_id, [merged[primary]], None, at)  # links moved to it too
    before = found[primary].properties
    moved = {n: v for n, v in merged[primary].properties.items() if before.get(n, "") != v}
    moved |= {n: "" for n in before if n not in merged[primary].properties}
    record_merged(conn, portal_id, type_id, (primary, other), moved, at)
    return MergeResult(merged[primary])


def purge_record(conn: Connection, portal_id: int, type_id: str, record_id: int, at: int) -> bool:
    """The record leaves every list without a trace; records linked to it that DYNAMIC
    lists judge through association branches are judged again at ``at``."""
    o = objects.c
    scope = and_(o.portal_id == portal_id, o.object_type == type_id, o.id == record_id)
    found = conn.execute(select(o.id, o.archived).where(scope)).first()
    if found is None:
        return False
    record_purged(conn, portal_id, type_id, record_id, not found.archived, at)
    pending = linked_followers(conn, portal_id, type_id, [record_id], at)
    h = property_history.c
    conn.execute(delete(property_history).where(h.portal_id == portal_id, h.object_id == record_id))
    conn.execute(delete(unique_values).where(unique_values.c.object_id == record_id))
    conn.execute(delete(associations).where(_links_of(portal_id, type_id, record_id)))
    _drop_record(conn, portal_id, type_id, record_id)
    rejudge(conn, portal_id, pending, at)
    return True
