"""DYNAMIC lists follow every record write, inside the write's transaction (DESIGN: "side
effects ride the write"; hubspot-behaviour §16.10). The record writes call ``follow`` where
they queue the search index, the link writes ``follow_links``, archive and purge
``linked_followers`` and ``rejudge``; ``crm/dynamic_lists.py`` parses the filters and
judges, this module reads and writes.

A portal without DYNAMIC lists pays one indexed query a write (``ix_lists_kind``). With
lists: that query also reads a key of each list's filter text, so the parsed filters come
from the process's cache (the text is read and parsed only on a miss); a second query
checks the custom definitions the cached filters depend on (none when they name only
built-in properties); then one query reads the written records' memberships, and the
memberships that changed are written set-based (one ``INSERT``, one ``DELETE``, both
``RETURNING`` what they really did, so that two writers racing on PostgreSQL never count a
member twice) with each changed list's size and last-added/removed times.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection

from localspot.crm import dynamic_lists
from localspot.crm.dynamic_lists import Changed, DefinitionKey, Filters, Followed, StoredList
from localspot.crm.list_rules import DYNAMIC, RESTORE_WINDOW_MS
from localspot.crm.model import PropertyDefinition, Record
from localspot.store import definition_codec
from localspot.store.bulk import fetch, json_map, marks
from localspot.store.dialect import dialect_of
from localspot.store.list_memberships_sql import moved

Work = list[tuple[Followed, list[int]]]
"""Lists, each with the ids of the records of its type to judge."""
Pending = list[tuple[str, Work]]
"""Per object type, the lists of that type and their records to judge again."""
Verdicts = dict[int, tuple[set[int], set[int]]]
"""List id → (the records judged, those of them that belong)."""


def _stored(conn: Connection, portal_id: int, at: int) -> list[StoredList]:
    """The portal's DYNAMIC lists, live or still restorable (a restored list comes back
    with the members it would have had)."""
    digest = dialect_of(conn).json_digest.format("filter_branch")
    rows = fetch(
        conn,
        f"SELECT id, object_type, {digest} AS filters_key FROM lists WHERE portal_id = ?"
        " AND processing_type = ? AND (deleted_at IS NULL OR deleted_at > ?) ORDER BY id",
        [portal_id, DYNAMIC, at - RESTORE_WINDOW_MS],
    )
    return [StoredList(r.id, r.object_type, r.filters_key) for r in rows]


def _custom(conn: Connection, portal_id: int, type_id: str) -> dict[str, tuple[Any, Any]]:
    rows = fetch(
        conn,
        "SELECT name, definition FROM properties WHERE portal_id = ? AND object_type = ?"
        " AND archived = ?",
        [portal_id, type_id, False],
    )
    return {r.name: (definition_codec.decode(json_map(r.definition)), r.definition) for r in rows}


def _current(
    conn: Connection, portal_id: int, keys: Collection[DefinitionKey]
) -> dict[DefinitionKey, Any]:
    names = sorted({name for _, name in keys})
    rows = fetch(
        conn,
        "SELECT object_type, name, definition FROM properties WHERE portal_id = ?"
        f" AND archived = ? AND name IN ({marks(len(names))})",
        [portal_id, False, *names],
    )
    found = {(r.object_type, r.name): r.definition for r in rows}
    return {key: found[key] for key in keys if key in found}


def _parse_all(conn: Connection, portal_id: int, stale: Sequence[StoredList]) -> list[Filters]:
    id_set, param = dialect_of(conn).id_set, dialect_of(conn).id_list([s.id for s in stale])
    rows = fetch(
        conn,
        f"SELECT id, filter_branch FROM lists WHERE portal_id = ? AND id IN ({id_set})",
        [portal_id, param],
    )
    raw = {r.id: json_map(r.filter_branch) for r in rows}
    custom: dict[str, Mapping[str, tuple[PropertyDefinition, Any]]] = {}

    def custom_of(type_id: str) -> Mapping[str, tuple[PropertyDefinition, Any]]:
        if type_id not in custom:
            custom[type_id] = _custom(conn, portal_id, type_id)
        return custom[type_id]

    return [dynamic_lists.parse(portal_id, s, raw.get(s.id), custom_of) for s in stale]


def followed_lists(conn: Connection, portal_id: int, at: int) -> list[Followed]:
    """The portal's DYNAMIC lists with their filters, parsed (from the cache when the
    filter text and the definitions it names are the ones parsed before)."""
    stored = _stored(conn, portal_id, at)
    if not stored:
        return []
    known = {s.id: dynamic_lists.cached(portal_id, s) for s in stored}
    hits = [f for f in known.values() if f is not None]
    keys = dynamic_lists.dependencies(hits)
    current = _current(conn, portal_id, keys) if keys else {}
    stale = [
        s for s in stored if (f := known[s.id]) is None or not dynamic_lists.is_current(f, current)
    ]
    if stale:
        known.update(zip((s.id for s in stale), _parse_all(conn, portal_id, stale), strict=True))
    return [Followed(s.id, s.object_type, f) for s in stored if (f := known[s.id]) is not None]


def _records(
    conn: Connection, portal_id: int, type_id: str, ids: Collection[int]
) -> dict[int, Record]:
    """The live records of ``type_id`` among ``ids``, every property loaded."""
    if not ids:
        return {}
    dialect = dialect_of(conn)
    rows = fetch(
        conn,
        "SELECT id, properties, created_at, updated_at FROM objects WHERE portal_id = ?"
        f" AND object_type = ? AND archived = ? AND id IN ({dialect.id_set})",
        [portal_id, type_id, False, dialect.id_list(ids)],
    )
    return {r.id: Record(r.id, json_map(r.properties), r.created_at, r.updated_at) for r in rows}


def _linked(
    conn: Connection, portal_id: int, needed: Mapping[str, set[int]]
) -> dict[int, list[tuple[str, int, Record]]]:
    """For each associated type, the live records of that type linked to the ids."""
    found: dict[int, list[tuple[str, int, Record]]] = defaultdict(list)
    dialect = dialect_of(conn)
    for to_type, ids in sorted(needed.items()):
        rows = fetch(
            conn,
            "SELECT a.from_id, a.type_id, o.id, o.properties, o.created_at, o.updated_at"
            " FROM associations a JOIN objects o ON o.id = a.to_id"
            f" WHERE a.portal_id = ? AND a.from_id IN ({dialect.id_set}) AND a.to_type = ?"
            " AND o.portal_id = ? AND o.object_type = ? AND o.archived = ?"
            " ORDER BY a.from_id, a.to_id, a.type_id",
            [portal_id, dialect.id_list(ids), to_type, portal_id, to_type, False],
        )
        for r in rows:
            target = Record(r.id, json_map(r.properties), r.created_at, r.updated_at)
            found[r.from_id].append((to_type, r.type_id, target))
    return found


def _judge(
    conn: Connection,
    portal_id: int,
    type_id: str,
    work: Work,
    records: Mapping[int, Record] | None,
    at: int,
    verdicts: Verdicts,
) -> None:
    """Judge each list's records of ``type_id`` (read here unless given; records that are
    no live record of the type are left out)."""
    if not work:
        return
    if records is None:
        records = _records(conn, portal_id, type_id, {i for _, ids in work for i in ids})
    needed: dict[str, set[int]] = defaultdict(set)
    for followed, ids in work:
        for to_type in followed.tree.associated_types:
            needed[to_type].update(i for i in ids if i in records)
    linked = _linked(conn, portal_id, needed) if needed else None
    for followed, ids in work:
        judged, belong = dynamic_lists.judge(followed, records, ids, at, linked)
        before = verdicts.get(followed.id)
        if before is not None:  # judged again (an association with its own type)
            judged, belong = before[0] | judged, (before[1] - judged) | belong
        verdicts[followed.id] = (judged, belong)


def _linked_ids(
    conn: Connection, portal_id: int, from_ids: Collection[int], to_type: str
) -> set[int]:
    """The ids of ``to_type`` records that ``from_ids`` are linked to (live or not)."""
    dialect = dialect_of(conn)
    rows = fetch(
        conn,
        "SELECT DISTINCT to_id FROM associations WHERE portal_id = ?"
        f" AND from_id IN ({dialect.id_set}) AND to_type = ?",
        [portal_id, dialect.id_list(from_ids), to_type],
    )
    return {r.to_id for r in rows}


def _followers(conn: Connection, portal_id: int, work: Work) -> Pending:
    """For lists whose association branches read the written records: their own records
    linked to those written records, by the lists' type."""
    by_type: dict[str, Work] = defaultdict(list)
    for followed, sources in work:
        ids = _linked_ids(conn, portal_id, sources, followed.object_type)
        if ids:
            by_type[followed.object_type].append((followed, sorted(ids)))
    return sorted(by_type.items())


def _lock_lists(conn: Connection, portal_id: int, list_ids: Collection[int]) -> None:
    """Lock the rows of the lists whose members change before touching their members (in
    id order), as every other membership write does (``save_list``, ``change_members``):
    a write that held member rows while it waited for a list row could deadlock with
    one that holds the list row and waits for those members."""
    dialect = dialect_of(conn)
    if list_ids and dialect.row_lock:
        fetch(
            conn,
            f"SELECT id FROM lists WHERE portal_id = ? AND id IN ({dialect.id_set})"
            f" ORDER BY id{dialect.row_lock}",
            [portal_id, dialect.id_list(list_ids)],
        )


def _write(conn: Connection, portal_id: int, verdicts: Verdicts, at: int) -> None:
    """The memberships that differ from ``verdicts``, and the lists' sizes."""
    if not verdicts:
        return
    dialect = dialect_of(conn)
    rows = fetch(
        conn,
        "SELECT list_id, record_id FROM list_memberships WHERE portal_id = ?"
        f" AND record_id IN ({dialect.id_set})",
        [portal_id, dialect.id_list(set().union(*(judged for judged, _ in verdicts.values())))],
    )
    members: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        if row.list_id in verdicts:
            members[row.list_id].add(row.record_id)
    joining = [
        (list_id, i) for list_id, (_, belong) in verdicts.items() for i in belong - members[list_id]
    ]
    leaving = [
        (list_id, i)
        for list_id, (judged, belong) in verdicts.items()
        for i in (judged - belong) & members[list_id]
    ]
    added: Counter[int] = Counter()
    removed: Counter[int] = Counter()
    _lock_lists(conn, portal_id, {list_id for list_id, _ in joining + leaving})
    if joining:
        inserted = fetch(
            conn,
            "INSERT INTO list_memberships (portal_id, list_id, record_id, added_at)"
            f" SELECT ?, p.a, p.b, ? FROM ({dialect.pair_set}) p JOIN objects o ON o.id = p.b"
            " WHERE o.archived = ? ON CONFLICT DO NOTHING RETURNING list_id",
            [portal_id, at, dialect.pair_list(joining), False],
        )
        added.update(r.list_id for r in inserted)
    if leaving:
        deleted = fetch(
            conn,
            "DELETE FROM list_memberships WHERE (portal_id, list_id, record_id) IN"
            f" (SELECT ?, a, b FROM ({dialect.pair_set}) p) RETURNING list_id",
            [portal_id, dialect.pair_list(leaving)],
        )
        removed.update(r.list_id for r in deleted)
    moved(conn, portal_id, {i: (added[i], removed[i]) for i in added.keys() | removed.keys()}, at)


def follow(
    conn: Connection,
    portal_id: int,
    type_id: str,
    records: Collection[Record],
    changed: Changed,
    at: int,
) -> None:
    """Records of ``type_id`` were created or updated (``changed``: the properties each
    write changed; None when created or merged): the DYNAMIC lists they can move follow."""
    if not records:
        return
    lists = followed_lists(conn, portal_id, at)
    if not lists:
        return
    by_id = {r.id: r for r in records}
    ids = sorted(by_id)
    verdicts: Verdicts = {}
    _judge(
        conn,
        portal_id,
        type_id,
        dynamic_lists.own_work(lists, type_id, ids, changed),
        by_id,
        at,
        verdicts,
    )
    for other_type, work in _followers(
        conn, portal_id, dynamic_lists.linked_work(lists, type_id, ids, changed)
    ):
        _judge(conn, portal_id, other_type, work, None, at, verdicts)
    _write(conn, portal_id, verdicts, at)


def linked_followers(
    conn: Connection, portal_id: int, type_id: str, ids: Collection[int], at: int
) -> Pending:
    """Before records of ``type_id`` are archived or purged: the records linked to them that
    DYNAMIC lists reading ``type_id`` through association branches must judge again."""
    lists = followed_lists(conn, portal_id, at)
    if not lists or not ids:
        return []
    return _followers(conn, portal_id, dynamic_lists.linked_work(lists, type_id, sorted(ids), None))


def rejudge(conn: Connection, portal_id: int, pending: Pending, at: int) -> None:
    """Judge again what ``linked_followers`` found (after the records are gone)."""
    verdicts: Verdicts = {}
    for type_id, work in pending:
        _judge(conn, portal_id, type_id, work, None, at, verdicts)
    _write(conn, portal_id, verdicts, at)


def follow_links(
    conn: Connection, portal_id: int, ends: Iterable[tuple[str | None, int, str]], at: int
) -> None:
    """Links were written or removed, each given from one end as (its type, or None when
    unknown; its id; the type at the other end): the lists of the end's type whose
    association branches read the other end's type judge the end again."""
    ends = list(ends)
    lists = followed_lists(conn, portal_id, at) if ends else []
    rejudge(conn, portal_id, dynamic_lists.link_work(lists, ends), at)
