"""DYNAMIC lists follow every record write, inside the write's transaction (DESIGN: "side
effects ride the write"; hubspot-behaviour §16.7). The record writes call ``follow`` where
they queue the search index, the link writes ``follow_links``, archive and purge
``linked_followers`` and ``rejudge``; ``crm/dynamic_lists.py`` parses the filters and
judges, this module reads and writes.

What a write reads first is in ``list_follow_reads`` (one query: the portal's list token,
the lists unless the process holds them under that token, the keys of their definitions,
the written records' memberships), what it writes in ``list_follow_writes``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping

from sqlalchemy import Connection

from localspot.crm import dynamic_lists
from localspot.crm.dynamic_lists import Changed, Followed
from localspot.crm.model import Record
from localspot.store.bulk import fetch, json_map
from localspot.store.dialect import dialect_of
from localspot.store.list_follow_reads import followers
from localspot.store.list_follow_writes import Verdicts, write_verdicts

Work = list[tuple[Followed, list[int]]]
"""Lists, each with the ids of the records of its type to judge."""
Pending = list[tuple[str, Work]]
"""Per object type, the lists of that type and their records to judge again."""


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
    records = dynamic_lists.for_judging(records)
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


def follow(
    conn: Connection,
    portal_id: int,
    type_id: str,
    records: Collection[Record],
    changed: Changed,
    at: int,
    *,
    created: bool = False,
) -> None:
    """Records of ``type_id`` were created or updated (``changed``: the properties each
    write changed; None when created or merged): the DYNAMIC lists they can move follow.
    ``created``: all of them are new, in no list yet."""
    if not records:
        return
    by_id = {r.id: r for r in records}
    found = followers(conn, portal_id, at, () if created else by_id)
    if not found.lists:
        return
    members = {} if created else found.members
    ids = sorted(by_id)
    verdicts: Verdicts = {}
    own = dynamic_lists.own_work(found.lists, type_id, ids, changed)
    _judge(conn, portal_id, type_id, own, by_id, at, verdicts)
    linked = dynamic_lists.linked_work(found.lists, type_id, ids, changed)
    pending = _followers(conn, portal_id, linked)
    for other_type, work in pending:
        _judge(conn, portal_id, other_type, work, None, at, verdicts)
    write_verdicts(conn, portal_id, verdicts, at, None if pending else members)


def linked_followers(
    conn: Connection, portal_id: int, type_id: str, ids: Collection[int], at: int
) -> Pending:
    """Before records of ``type_id`` are archived or purged: the records linked to them that
    DYNAMIC lists reading ``type_id`` through association branches must judge again."""
    lists = followers(conn, portal_id, at).lists if ids else []
    if not lists:
        return []
    return _followers(conn, portal_id, dynamic_lists.linked_work(lists, type_id, sorted(ids), None))


def rejudge(conn: Connection, portal_id: int, pending: Pending, at: int) -> None:
    """Judge again what ``linked_followers`` found (after the records are gone)."""
    verdicts: Verdicts = {}
    for type_id, work in pending:
        _judge(conn, portal_id, type_id, work, None, at, verdicts)
    write_verdicts(conn, portal_id, verdicts, at)


def follow_links(
    conn: Connection, portal_id: int, ends: Iterable[tuple[str | None, int, str]], at: int
) -> None:
    """Links were written or removed, each given from one end as (its type, or None when
    unknown; its id; the type at the other end): the lists of the end's type whose
    association branches read the other end's type judge the end again."""
    ends = list(ends)
    lists = followers(conn, portal_id, at).lists if ends else []
    rejudge(conn, portal_id, dynamic_lists.link_work(lists, ends), at)
