"""Record queries common to both databases, as plain functions of a SQLAlchemy ``Connection``.

They are synchronous: SQLite runs them inline on the event loop, PostgreSQL through
``AsyncConnection.run_sync`` (psycopg's I/O is awaited underneath, the loop stays free).
Each function runs inside the caller's transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import Connection, and_, delete, select, update

from localspot.crm.links_storage import Link
from localspot.crm.model import HistoryEntry, Record
from localspot.crm.records_storage import NewRecord, RecordChange, UniqueClash, UpdateResult
from localspot.store.associations_sql import write_links
from localspot.store.bulk import (
    HistoryRow,
    fetch,
    json_map,
    marks,
    pipelined,
    run_many,
    write_history,
    write_property_maps,
)
from localspot.store.dialect import dialect_of
from localspot.store.id_sequences import SEEDED_BASE, seeded_ids
from localspot.store.list_follow_sql import follow, linked_followers, rejudge
from localspot.store.list_memberships_sql import drop_records
from localspot.store.schema import objects, property_history, unique_values
from localspot.store.search_index import enqueue
from localspot.store.webhook_emit_sql import change_source_of, records_archived, records_written

_RECORD_COLUMNS = (
    objects.c.id,
    objects.c.properties,
    objects.c.created_at,
    objects.c.updated_at,
    objects.c.archived,
    objects.c.archived_at,
)


def _record(row: Any, history: Mapping[str, tuple[HistoryEntry, ...]] | None = None) -> Record:
    return Record(
        id=row.id,
        properties=json_map(row.properties),
        created_at=row.created_at,
        updated_at=row.updated_at,
        archived=bool(row.archived),
        archived_at=row.archived_at,
        history=history,
    )


def read_history(
    conn: Connection, object_ids: Collection[int], names: Collection[str]
) -> dict[int, dict[str, tuple[HistoryEntry, ...]]]:
    """Newest first: by write order, which is also timestamp order."""
    if not object_ids or not names:
        return {}
    rows = conn.execute(
        select(property_history)
        .where(property_history.c.object_id.in_(list(object_ids)))
        .where(property_history.c.name.in_(list(names)))
        .order_by(property_history.c.seq.desc())
    )
    grouped: dict[int, dict[str, list[HistoryEntry]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        entry = HistoryEntry(row.value, row.timestamp, row.source_type, row.source_id)
        grouped[row.object_id][row.name].append(entry)
    return {oid: {n: tuple(e) for n, e in by_name.items()} for oid, by_name in grouped.items()}


@lru_cache(maxsize=512)
def _select_records(count: int, lock: str) -> str:
    """One text per IN-list length: the dialect renders each once (``dialect.sql``)."""
    return (
        "SELECT id, properties, created_at, updated_at, archived, archived_at FROM objects"
        " WHERE portal_id = ? AND object_type = ? AND archived = ?"
        f" AND id IN ({marks(count)}) ORDER BY id{lock}"
    )


def read_records(
    conn: Connection,
    portal_id: int,
    type_id: str,
    ids: Collection[int],
    *,
    archived: bool,
    history_names: Collection[str],
    lock: bool = False,
) -> dict[int, Record]:
    if not ids:
        return {}
    wanted = sorted(ids)
    statement = _select_records(len(wanted), dialect_of(conn).row_lock if lock else "")
    rows = fetch(conn, statement, [portal_id, type_id, archived, *wanted])
    history = read_history(conn, [r.id for r in rows], history_names)
    found = (_record(r, history.get(r.id, {}) if history_names else None) for r in rows)
    return {record.id: record for record in found}


def list_records(
    conn: Connection,
    portal_id: int,
    type_id: str,
    *,
    after: int | None,
    limit: int,
    archived: bool,
    history_names: Collection[str],
) -> tuple[list[Record], int | None]:
    query = (
        select(*_RECORD_COLUMNS)
        .where(objects.c.portal_id == portal_id, objects.c.object_type == type_id)
        .where(objects.c.archived == archived)
        .order_by(objects.c.id)
        .limit(limit + 1)
    )
    if after is not None:
        query = query.where(objects.c.id >= after)
    rows = conn.execute(query).all()
    page, rest = rows[:limit], rows[limit:]
    history = read_history(conn, [r.id for r in page], history_names)
    records = [_record(r, history.get(r.id, {}) if history_names else None) for r in page]
    return records, (rest[0].id if rest else None)


def resolve_unique(
    conn: Connection, portal_id: int, type_id: str, name: str, values: Collection[str]
) -> dict[str, int]:
    if not values:
        return {}
    statement = (
        "SELECT value, object_id FROM unique_values WHERE portal_id = ? AND object_type = ?"
        f" AND name = ? AND value IN ({marks(len(values))})"
    )
    rows = fetch(conn, statement, [portal_id, type_id, name, *values])
    return {row.value: row.object_id for row in rows}


def claim_all(
    conn: Connection, portal_id: int, type_id: str, claims: Sequence[tuple[int, str, str]]
) -> dict[int, UniqueClash]:
    """Claim each (object id, name, value) in the unique index; report objects that lost.

    The primary key of ``unique_values`` decides (``ON CONFLICT DO NOTHING``), so two
    concurrent writers can never both win. A losing object's other claims are taken back.
    """
    if not claims:
        return {}
    if dialect_of(conn).insert_claims(conn, portal_id, type_id, claims) == len(claims):
        return {}  # every claim made a row of its own: no value was held by another
    holders: dict[tuple[str, str], int] = {}
    for name in {name for _, name, _ in claims}:
        values = [value for _, n, value in claims if n == name]
        found = resolve_unique(conn, portal_id, type_id, name, values)
        holders.update(((name, value), holder) for value, holder in found.items())
    clashes: dict[int, UniqueClash] = {}
    for object_id, name, value in claims:
        holder = holders[(name, value)]
        if holder != object_id and object_id not in clashes:
            clashes[object_id] = UniqueClash(name, value, holder)
    won_by_losers = [(o, n, v) for o, n, v in claims if o in clashes and holders[(n, v)] == o]
    release_all(conn, portal_id, type_id, won_by_losers)
    return clashes


def claim_unique(
    conn: Connection, portal_id: int, type_id: str, object_id: int, values: Mapping[str, str]
) -> UniqueClash | None:
    claims = [(object_id, name, value) for name, value in values.items()]
    return claim_all(conn, portal_id, type_id, claims).get(object_id)


def release_all(
    conn: Connection, portal_id: int, type_id: str, claims: Sequence[tuple[int, str, str]]
) -> None:
    run_many(
        conn,
        "DELETE FROM unique_values WHERE portal_id = ? AND object_type = ? AND name = ?"
        " AND value = ? AND object_id = ?",
        [(portal_id, type_id, name, value, object_id) for object_id, name, value in claims],
    )


def release_unique(
    conn: Connection, portal_id: int, type_id: str, object_id: int, values: Mapping[str, str]
) -> None:
    release_all(conn, portal_id, type_id, [(object_id, n, v) for n, v in values.items()])


def _history_rows(
    portal_id: int,
    object_id: int,
    values: Mapping[str, str],
    at: int,
    source: tuple[str, str | None],
) -> list[HistoryRow]:
    """``source``: (source type, source id), e.g. ``("API", trace)`` or ``("IMPORT", id)``."""
    kind, source_id = source
    return [
        (portal_id, object_id, name, value, at, kind, source_id) for name, value in values.items()
    ]


def insert_records(
    conn: Connection, portal_id: int, type_id: str, records: Sequence[NewRecord], at: int
) -> tuple[dict[int, Record], dict[int, UniqueClash]]:
    """All rows of a batch in a handful of statements; records losing a unique value to
    another record are removed again before the transaction ends. DYNAMIC lists follow."""
    created, clashes = insert_unfollowed(conn, portal_id, type_id, records, at)
    follow(conn, portal_id, type_id, list(created.values()), None, at, created=True)
    made = [(record, records[position].links) for position, record in created.items()]
    source = change_source_of(r.source_type for r in records)
    records_written(conn, portal_id, type_id, made, {}, at, source)
    return created, clashes


def insert_unfollowed(
    conn: Connection, portal_id: int, type_id: str, records: Sequence[NewRecord], at: int
) -> tuple[dict[int, Record], dict[int, UniqueClash]]:
    """``insert_records`` without following DYNAMIC lists (the caller follows, once for all
    its writes)."""
    if not records:
        return {}, {}
    ids = seeded_ids(conn, portal_id, len(records))
    dialect = dialect_of(conn)
    ids = dialect.new_ids(conn, len(records), below=SEEDED_BASE) if ids is None else ids
    run_many(
        conn,
        "INSERT INTO objects (id, portal_id, object_type, properties, created_at, updated_at,"
        f" archived) VALUES (?, ?, ?, {dialect.json_param}, ?, ?, ?)",
        [
            (i, portal_id, type_id, orjson.dumps(new.properties).decode(), at, at, False)
            for i, new in zip(ids, records, strict=True)
        ],
    )
    claims = [
        (i, name, new.properties[name])
        for i, new in zip(ids, records, strict=True)
        for name in sorted(new.unique_names)
    ]
    lost = claim_all(conn, portal_id, type_id, claims)
    run_many(conn, "DELETE FROM objects WHERE id = ?", [(i,) for i in lost])
    created: dict[int, Record] = {}
    clashes: dict[int, UniqueClash] = {}
    history: list[HistoryRow] = []
    for position, (object_id, new) in enumerate(zip(ids, records, strict=True)):
        if object_id in lost:
            clashes[position] = lost[object_id]
            continue
        created[position] = Record(object_id, dict(new.properties), at, at)
        source = (new.source_type, new.source_id)
        history += _history_rows(portal_id, object_id, new.properties, at, source)
    write_history(conn, history)
    enqueue(conn, portal_id, type_id, [r.id for r in created.values()])
    write_links(conn, portal_id, _inline_links(type_id, records, ids, lost))
    return created, clashes


def _inline_links(
    type_id: str,
    records: Sequence[NewRecord],
    ids: Sequence[int],
    lost: Collection[int],
) -> list[Link]:
    """Both directions of the inline associations of the records just created."""
    links: list[Link] = []
    for object_id, new in zip(ids, records, strict=True):
        if object_id in lost:
            continue
        for t in new.links:
            links.append(Link(type_id, object_id, t.to_type, t.to_id, t.type_id, t.category))
            links.append(
                Link(t.to_type, t.to_id, type_id, object_id, t.reverse_type_id, t.category)
            )
    return links


def _apply_unique(
    conn: Connection, portal_id: int, type_id: str, record: Record, change: RecordChange
) -> UniqueClash | None:
    old = {n: record.properties.get(n, "") for n in change.unique_names}
    new = {n: change.values[n] for n in change.unique_names if change.values[n] != old[n]}
    clash = claim_unique(
        conn, portal_id, type_id, record.id, {n: v for n, v in new.items() if v != ""}
    )
    if clash is None:
        gone = {n: old[n] for n in new if old[n] != ""}
        release_unique(conn, portal_id, type_id, record.id, gone)
    return clash


def _changed_values(current: Mapping[str, str], values: Mapping[str, str]) -> dict[str, str]:
    """What really changes: a new value, or a clear of a value that was set."""
    return {name: value for name, value in values.items() if current.get(name, "") != value}


def apply_updates(
    conn: Connection, portal_id: int, type_id: str, changes: Sequence[RecordChange], at: int
) -> UpdateResult:
    """Merge each change into its live record: lock in id order, write maps and history.
    DYNAMIC lists follow."""
    result, changed = update_unfollowed(conn, portal_id, type_id, changes, at)
    follow(conn, portal_id, type_id, list(result.records.values()), changed, at)
    values = changed_values(result.records, changed)
    source = change_source_of(c.source_type for c in changes)
    records_written(conn, portal_id, type_id, [], values, at, source)
    return result


def changed_values(
    records: Mapping[int, Record], changed: Mapping[int, Collection[str]]
) -> dict[int, dict[str, str]]:
    """The new values of the properties each record really changed."""
    return {
        i: {n: records[i].properties.get(n, "") for n in names}
        for i, names in changed.items()
        if names and i in records
    }


def update_unfollowed(
    conn: Connection, portal_id: int, type_id: str, changes: Sequence[RecordChange], at: int
) -> tuple[UpdateResult, dict[int, frozenset[str]]]:
    """``apply_updates`` without following DYNAMIC lists (the caller follows, once for all
    its writes): the result, and the names of the properties each record really changed."""
    ids = [c.object_id for c in changes]
    current = read_records(
        conn, portal_id, type_id, ids, archived=False, history_names=(), lock=True
    )
    updated: dict[int, Record] = {}
    clashes: dict[int, UniqueClash] = {}
    history: list[HistoryRow] = []
    reindex: list[int] = []
    names: dict[int, frozenset[str]] = {}
    for change in changes:
        record = current.get(change.object_id)
        if record is None:
            continue
        clash = (
            _apply_unique(conn, portal_id, type_id, record, change) if change.unique_names else None
        )
        if clash:
            clashes[record.id] = clash
            continue
        changed = _changed_values(record.properties, change.values)
        merged = {**record.properties, **changed}
        updated[record.id] = Record(record.id, merged, record.created_at, at)
        names[record.id] = frozenset(changed)
        source = (change.source_type, change.source_id)
        history += _history_rows(portal_id, record.id, changed, at, source)
        if changed:
            reindex.append(record.id)
    with pipelined(conn):
        write_property_maps(conn, [(r.id, r.properties) for r in updated.values()], at)
        write_history(conn, history)
        enqueue(conn, portal_id, type_id, reindex)
    missing = frozenset(ids) - current.keys()
    return UpdateResult(updated, missing, clashes), names


def archive_records(
    conn: Connection, portal_id: int, type_id: str, ids: Collection[int], at: int
) -> None:
    scope = and_(
        objects.c.portal_id == portal_id,
        objects.c.object_type == type_id,
        objects.c.id.in_(sorted(ids)),
        objects.c.archived.is_(False),
    )
    archived = (
        conn.execute(
            update(objects)
            .where(scope)
            .values(archived=True, archived_at=at)
            .returning(objects.c.id)
        )
        .scalars()
        .all()
    )
    if archived:
        conn.execute(delete(unique_values).where(unique_values.c.object_id.in_(archived)))
        enqueue(conn, portal_id, type_id, archived)
        drop_records(conn, portal_id, archived, at)
        records_archived(conn, portal_id, type_id, archived, at)
        rejudge(conn, portal_id, linked_followers(conn, portal_id, type_id, archived, at), at)
