"""Upserts by a unique property's value, as a function of a ``Connection`` run inside the
caller's transaction: each item updates the value's holder or creates a record
(``records_sql``), and DYNAMIC lists follow once, after every item is written."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Connection

from localspot.crm.model import Record
from localspot.crm.records_storage import NewRecord, RecordChange, UniqueClash
from localspot.store.list_follow_sql import follow
from localspot.store.records_sql import (
    changed_values,
    insert_unfollowed,
    resolve_unique,
    update_unfollowed,
)
from localspot.store.webhook_emit_sql import change_source_of, records_written


def upsert_records(
    conn: Connection,
    portal_id: int,
    type_id: str,
    name: str,
    items: Sequence[tuple[str, NewRecord]],
    at: int,
) -> tuple[dict[int, Record], dict[int, bool], dict[int, UniqueClash]]:
    """By the value of unique property ``name``: update its holder, or create a record.
    DYNAMIC lists follow once, after every item is written."""
    records: dict[int, Record] = {}
    created: dict[int, bool] = {}
    clashes: dict[int, UniqueClash] = {}
    changed: dict[int, frozenset[str]] = {}
    for position, (value, new) in enumerate(items):
        holder = resolve_unique(conn, portal_id, type_id, name, [value]).get(value)
        if holder is None:
            made, clash = insert_unfollowed(conn, portal_id, type_id, [new], at)
            if 0 in made:
                records[position], created[position] = made[0], True
                continue
            if clash[0].property_name != name:
                clashes[position] = clash[0]
                continue
            holder = clash[0].holder_id  # a concurrent writer created it since we looked
        change = RecordChange(
            holder, new.properties, new.unique_names, new.source_id, new.source_type
        )
        result, names = update_unfollowed(conn, portal_id, type_id, [change], at)
        if holder in result.records:
            records[position], created[position] = result.records[holder], False
            changed[holder] = changed.get(holder, frozenset()) | names[holder]
        elif holder in result.clashes:
            clashes[position] = result.clashes[holder]
    _follow_upserts(conn, (portal_id, type_id, at), records, created, changed)
    fresh = [(records[p], items[p][1].links) for p, new in created.items() if new]
    latest = {record.id: record for _, record in sorted(records.items())}
    source = change_source_of(new.source_type for _, new in items)
    records_written(conn, portal_id, type_id, fresh, changed_values(latest, changed), at, source)
    return records, created, clashes


def _follow_upserts(
    conn: Connection,
    scope: tuple[int, str, int],
    records: Mapping[int, Record],
    created: Mapping[int, bool],
    changed: Mapping[int, frozenset[str]],
) -> None:
    """The created records (every property new) and the updated ones (their changes);
    ``scope``: portal, type and time."""
    portal_id, type_id, at = scope
    latest = {record.id: record for _, record in sorted(records.items())}
    new_ids = {records[p].id for p, made in created.items() if made}
    names = {i: None if i in new_ids else changed.get(i, frozenset()) for i in latest}
    follow(conn, portal_id, type_id, list(latest.values()), names, at)
