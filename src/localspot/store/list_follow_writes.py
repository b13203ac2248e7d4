"""The memberships a write's verdicts change (``list_follow_sql``), written set-based.

The lists whose members change are locked first, in id order, as every other membership
write does (``save_list``, ``change_members``): a write that held member rows while it
waited for a list's row could deadlock with one that holds the row and waits for those
members. The pairs that join (live records only) are inserted with ``ON CONFLICT DO
NOTHING`` and those that leave deleted, both ``RETURNING`` what they really did, and each
list's size and last-added/removed times move by that, so two writers racing on
PostgreSQL never count a member twice. On PostgreSQL all of it is one statement
(``Dialect.members_move``), which share-locks the lists and adds its changes of their sizes
as rows (``list_size_changes_schema``), so that record writes moving members of the same
lists do not take turns; on SQLite, whose one writer makes the computed pairs exact, plain
rows and the lists' own rows (``_step_by_step``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

from localspot.store.bulk import fetch
from localspot.store.dialect import dialect_of
from localspot.store.list_memberships_sql import moved

Verdicts = dict[int, tuple[set[int], set[int]]]
"""List id → (the records judged, those of them that belong)."""
Pairs = list[tuple[int, int]]


def _members(conn: Connection, portal_id: int, verdicts: Verdicts) -> dict[int, set[int]]:
    """The judged lists' current members among the judged records."""
    dialect = dialect_of(conn)
    judged = set().union(*(ids for ids, _ in verdicts.values()))
    rows = fetch(
        conn,
        "SELECT list_id, record_id FROM list_memberships WHERE portal_id = ?"
        f" AND record_id IN ({dialect.id_set})",
        [portal_id, dialect.id_list(judged)],
    )
    found: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        found[row.list_id].add(row.record_id)
    return found


def _changes(verdicts: Verdicts, members: Mapping[int, set[int]]) -> tuple[Pairs, Pairs]:
    joining: Pairs = []
    leaving: Pairs = []
    for list_id, (judged, belong) in verdicts.items():
        now = members.get(list_id, ())  # few: the list's members among the judged records
        joining += [(list_id, i) for i in sorted(belong.difference(now))]
        leaving += [(list_id, i) for i in sorted(i for i in now if i in judged and i not in belong)]
    return joining, leaving


def _step_by_step(
    conn: Connection, portal_id: int, joining: Pairs, leaving: Pairs, at: int
) -> None:
    """SQLite's path: plain rows through ``executemany``. SQLite has one writer, and the
    memberships ``joining`` and ``leaving`` were computed from were read inside this
    write's own transaction, of live records only (``_judge`` judges live records), so
    each pair really joins or leaves and the counts are the pairs' (a set-based statement
    over a JSON parameter cost about five times as much per row, bench/README.md)."""
    dialect = dialect_of(conn)
    dialect.run_many(
        conn,
        "INSERT INTO list_memberships (portal_id, list_id, record_id, added_at)"
        " VALUES (?, ?, ?, ?)",
        [(portal_id, list_id, record_id, at) for list_id, record_id in joining],
    )
    dialect.run_many(
        conn,
        "DELETE FROM list_memberships WHERE portal_id = ? AND list_id = ? AND record_id = ?",
        [(portal_id, list_id, record_id) for list_id, record_id in leaving],
    )
    added = Counter(list_id for list_id, _ in joining)
    removed = Counter(list_id for list_id, _ in leaving)
    moved(conn, portal_id, {i: (added[i], removed[i]) for i in added.keys() | removed.keys()}, at)


def write_verdicts(
    conn: Connection,
    portal_id: int,
    verdicts: Verdicts,
    at: int,
    members: Mapping[int, set[int]] | None = None,
) -> None:
    """Make the memberships agree with ``verdicts`` (``members``: the judged lists' members
    among the judged records, when already read)."""
    if not verdicts:
        return
    joining, leaving = _changes(
        verdicts, _members(conn, portal_id, verdicts) if members is None else members
    )
    if not joining and not leaving:
        return
    dialect = dialect_of(conn)
    if dialect.members_move is None:
        _step_by_step(conn, portal_id, joining, leaving, at)
        return
    list_ids = sorted({list_id for list_id, _ in joining + leaving})
    params: list[Any] = [portal_id, list_ids, portal_id, at, *dialect.pair_params(joining)]
    params += [portal_id, *dialect.pair_params(leaving), portal_id, at]
    conn.exec_driver_sql(dialect.sql(dialect.members_move), tuple(params))
