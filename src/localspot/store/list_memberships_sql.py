"""List memberships, as functions of a ``Connection`` run inside the caller's transaction.

Every write is one statement per set of ids (the ids travel as one parameter, the
dialect's ``id_set``) and moves the list's ``size`` in the same transaction, so a size is
read, never counted. Pages are keyset ranges of the primary key (by record id) or of
``ix_list_memberships_join_order`` (by time of joining), whatever the list's size.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection

from localspot.crm.list_memberships_storage import (
    Member,
    MemberKey,
    MemberPage,
    MembershipChange,
    RecordListEntry,
)
from localspot.store.bulk import fetch, run_many
from localspot.store.dialect import dialect_of

WRITE_CHUNK = 10_000
"""Restored memberships per statement."""
_LIVE_RECORDS = (
    "SELECT id FROM objects WHERE portal_id = ? AND object_type = ? AND archived = ?"
    " AND id IN ({ids})"
)


def _ids(conn: Connection, ids: Collection[int]) -> tuple[str, Any]:
    dialect = dialect_of(conn)
    return dialect.id_set, dialect.id_list(ids)


def live_list(conn: Connection, portal_id: int, list_id: int) -> Any:
    """The list's row (locked until the transaction ends), if it is a live list."""
    statement = (
        "SELECT id, object_type, size FROM lists WHERE portal_id = ? AND id = ?"
        f" AND deleted_at IS NULL{dialect_of(conn).row_lock}"
    )
    rows = fetch(conn, statement, [portal_id, list_id])
    return rows[0] if rows else None


def live_records(conn: Connection, portal_id: int, type_id: str, ids: Collection[int]) -> set[int]:
    if not ids:
        return set()
    id_set, param = _ids(conn, ids)
    rows = fetch(conn, _LIVE_RECORDS.format(ids=id_set), [portal_id, type_id, False, param])
    return {row.id for row in rows}


def _add(
    conn: Connection, portal_id: int, list_id: int, type_id: str, ids: Collection[int], at: int
) -> set[int]:
    """The live records of ``ids`` that were not yet members join at ``at``."""
    if not ids:
        return set()
    id_set, param = _ids(conn, ids)
    statement = (
        "INSERT INTO list_memberships (portal_id, list_id, record_id, added_at)"
        " SELECT ?, ?, id, ? FROM objects WHERE portal_id = ? AND object_type = ?"
        f" AND archived = ? AND id IN ({id_set}) ON CONFLICT DO NOTHING RETURNING record_id"
    )
    rows = fetch(conn, statement, [portal_id, list_id, at, portal_id, type_id, False, param])
    return {row.record_id for row in rows}


def _remove(conn: Connection, portal_id: int, list_id: int, ids: Collection[int]) -> set[int]:
    if not ids:
        return set()
    id_set, param = _ids(conn, ids)
    statement = (
        "DELETE FROM list_memberships WHERE portal_id = ? AND list_id = ?"
        f" AND record_id IN ({id_set}) RETURNING record_id"
    )
    return {row.record_id for row in fetch(conn, statement, [portal_id, list_id, param])}


def moved(conn: Connection, portal_id: int, counts: Mapping[int, tuple[int, int]], at: int) -> None:
    """Each list's size and last-added/removed times after a change (``counts``: list id →
    how many members joined and left), in list id order."""
    run_many(
        conn,
        "UPDATE lists SET size = size + ?,"
        " last_added_at = CASE WHEN ? > 0 THEN ? ELSE last_added_at END,"
        " last_removed_at = CASE WHEN ? > 0 THEN ? ELSE last_removed_at END"
        " WHERE portal_id = ? AND id = ?",
        [
            (added - removed, added, at, removed, at, portal_id, list_id)
            for list_id, (added, removed) in sorted(counts.items())
            if added or removed
        ],
    )


def has_size_changes(conn: Connection) -> bool:
    """Whether writes have added changes of lists' sizes not yet folded in."""
    return bool(fetch(conn, "SELECT 1 FROM list_size_changes LIMIT 1", []))


_FOLD = (
    "WITH gone AS (DELETE FROM list_size_changes WHERE (portal_id, list_id) IN"
    " (SELECT * FROM unnest(CAST(? AS bigint[]), CAST(? AS bigint[])))"
    " RETURNING portal_id, list_id, added, removed, at),"
    " sums AS (SELECT portal_id, list_id, sum(added - removed) AS moved,"
    " max(CASE WHEN added > 0 THEN at END) AS added_at,"
    " max(CASE WHEN removed > 0 THEN at END) AS removed_at"
    " FROM gone GROUP BY portal_id, list_id)"
    " UPDATE lists SET size = size + s.moved,"
    " last_added_at = GREATEST(last_added_at, s.added_at),"
    " last_removed_at = GREATEST(last_removed_at, s.removed_at)"
    " FROM sums s WHERE lists.portal_id = s.portal_id AND lists.id = s.list_id"
)
"""The changes of the locked lists, deleted and added to the lists' rows in one statement
(PostgreSQL: ``GREATEST`` passes over NULLs). Parameters: portals, list ids."""


def fold_sizes(conn: Connection) -> int:
    """Fold the rows of size changes into their lists' rows (``list_size_changes_schema``);
    how many lists. The lists are locked first, in (portal, id) order like every write of
    them (the writes adding changes hold a share lock until they commit, so theirs are in
    when the lock is had), and only the locked lists' changes are folded."""
    dialect = dialect_of(conn)
    if dialect.members_move is None:
        return 0  # SQLite's writes move the lists' rows themselves
    locked = fetch(
        conn,
        "SELECT l.portal_id, l.id FROM lists l WHERE EXISTS (SELECT 1 FROM list_size_changes c"
        " WHERE c.portal_id = l.portal_id AND c.list_id = l.id)"
        f" ORDER BY l.portal_id, l.id{dialect.row_lock}",
        [],
    )
    if locked:
        portals, ids = [r.portal_id for r in locked], [r.id for r in locked]
        conn.exec_driver_sql(dialect.sql(_FOLD), (portals, ids))
    return len(locked)


def _moved(
    conn: Connection, portal_id: int, list_id: int, added: int, removed: int, at: int
) -> None:
    moved(conn, portal_id, {list_id: (added, removed)}, at)


def change_members(
    conn: Connection,
    portal_id: int,
    list_id: int,
    add: Collection[int],
    remove: Collection[int],
    at: int,
) -> MembershipChange | None:
    found = live_list(conn, portal_id, list_id)
    if found is None:
        return None
    type_id = found.object_type
    live = live_records(conn, portal_id, type_id, set(add) | set(remove))
    added = _add(conn, portal_id, list_id, type_id, set(add) & live, at)
    removed = _remove(conn, portal_id, list_id, set(remove))
    _moved(conn, portal_id, list_id, len(added), len(removed), at)
    missing = (set(add) | set(remove)) - live - removed
    return MembershipChange(frozenset(added), frozenset(removed), frozenset(missing))


def copy_members(
    conn: Connection, portal_id: int, source_id: int, target_id: int, at: int
) -> int | None:
    if live_list(conn, portal_id, target_id) is None:
        return None
    joined = conn.exec_driver_sql(
        dialect_of(conn).sql(
            "INSERT INTO list_memberships (portal_id, list_id, record_id, added_at)"
            " SELECT portal_id, ?, record_id, ? FROM list_memberships"
            " WHERE portal_id = ? AND list_id = ? ON CONFLICT DO NOTHING"
        ),
        (target_id, at, portal_id, source_id),
    ).rowcount
    _moved(conn, portal_id, target_id, joined, 0, at)
    return int(joined)


def clear_members(conn: Connection, portal_id: int, list_id: int, at: int) -> bool:
    if live_list(conn, portal_id, list_id) is None:
        return False
    gone = conn.exec_driver_sql(
        dialect_of(conn).sql("DELETE FROM list_memberships WHERE portal_id = ? AND list_id = ?"),
        (portal_id, list_id),
    ).rowcount
    _moved(conn, portal_id, list_id, 0, int(gone), at)
    return True


def replace_members(
    conn: Connection, portal_id: int, list_id: int, type_id: str, ids: Collection[int], at: int
) -> None:
    """The list's members become the live records of ``ids``; members that stay keep their
    time of joining."""
    id_set, param = _ids(conn, ids)
    gone = conn.exec_driver_sql(
        dialect_of(conn).sql(
            "DELETE FROM list_memberships WHERE portal_id = ? AND list_id = ?"
            f" AND record_id NOT IN ({id_set})"
        ),
        (portal_id, list_id, param),
    ).rowcount
    added = _add(conn, portal_id, list_id, type_id, ids, at)
    _moved(conn, portal_id, list_id, len(added), int(gone), at)


def drop_records(
    conn: Connection, portal_id: int, record_ids: Collection[int], at: int | None
) -> None:
    """Archived, merged-away or purged records leave every list they were in (``at``: when,
    for the lists' last-removed time; None keeps it, as a GDPR purge leaves no trace)."""
    if not record_ids:
        return
    id_set, param = _ids(conn, record_ids)
    statement = (
        f"DELETE FROM list_memberships WHERE portal_id = ? AND record_id IN ({id_set})"
        " RETURNING list_id"
    )
    left = Counter(row.list_id for row in fetch(conn, statement, [portal_id, param]))
    run_many(
        conn,
        "UPDATE lists SET size = size - ?, last_removed_at = COALESCE(?, last_removed_at)"
        " WHERE portal_id = ? AND id = ?",
        [(count, at, portal_id, list_id) for list_id, count in sorted(left.items())],
    )


_KEYS = {False: ("record_id",), True: ("added_at", "record_id")}


def _range(by_join_time: bool, key: MemberKey, op: str) -> tuple[str, list[int]]:
    if by_join_time:
        return f"(added_at, record_id) {op} (?, ?)", [key[0], key[1]]
    return f"record_id {op} ?", [key[1]]


def _page_rows(
    conn: Connection,
    scope: tuple[int, int],
    by_join_time: bool,
    bound: tuple[MemberKey, str] | None,
    limit: int,
) -> list[Any]:
    """Up to ``limit`` rows beyond ``bound`` (key, ``>`` or ``<``), nearest first."""
    descending = bound is not None and bound[1] == "<"
    order = ", ".join(f"{c} DESC" if descending else c for c in _KEYS[by_join_time])
    where, params = ("", []) if bound is None else _range(by_join_time, *bound)
    statement = (
        "SELECT record_id, added_at FROM list_memberships WHERE portal_id = ? AND list_id = ?"
        f"{' AND ' + where if where else ''} ORDER BY {order} LIMIT ?"
    )
    return fetch(conn, statement, [*scope, *params, limit])


def members_page(
    conn: Connection,
    scope: tuple[int, int],
    *,
    by_join_time: bool,
    after: MemberKey | None,
    before: MemberKey | None,
    limit: int,
) -> MemberPage:
    """``scope``: (portal id, list id)."""
    bound: tuple[MemberKey, str] | None = None
    if after is not None:
        bound = (after, ">")
    elif before is not None:
        bound = (before, "<")
    rows = _page_rows(conn, scope, by_join_time, bound, limit + 1)
    page = [Member(r.record_id, r.added_at) for r in rows[:limit]]
    more_beyond = len(rows) > limit
    if not page:
        return MemberPage((), False, False)
    keys = sorted((m.added_at, m.record_id) if by_join_time else (0, m.record_id) for m in page)
    descending = bound is not None and bound[1] == "<"
    back = (keys[-1], ">") if descending else (keys[0], "<")
    more_back = bool(_page_rows(conn, scope, by_join_time, back, 1))
    above, below = (more_back, more_beyond) if descending else (more_beyond, more_back)
    return MemberPage(tuple(page), above, below)


def record_lists(
    conn: Connection, portal_id: int, type_id: str, record_ids: Collection[int]
) -> dict[int, list[RecordListEntry]]:
    if not record_ids:
        return {}
    id_set, param = _ids(conn, record_ids)
    statement = (
        "SELECT m.record_id, m.list_id, m.added_at, l.version FROM list_memberships m"
        " JOIN lists l ON l.portal_id = m.portal_id AND l.id = m.list_id"
        f" WHERE m.portal_id = ? AND m.record_id IN ({id_set})"
        " AND l.deleted_at IS NULL AND l.object_type = ? ORDER BY m.record_id, m.list_id"
    )
    found: dict[int, list[RecordListEntry]] = {}
    for row in fetch(conn, statement, [portal_id, param, type_id]):
        entry = RecordListEntry(row.list_id, row.version, row.added_at)
        found.setdefault(row.record_id, []).append(entry)
    return found


def all_members(conn: Connection, portal_id: int) -> list[tuple[int, int, int]]:
    """(list id, record id, time of joining) of every membership, for snapshots."""
    rows = fetch(
        conn,
        "SELECT list_id, record_id, added_at FROM list_memberships WHERE portal_id = ?"
        " ORDER BY list_id, record_id",
        [portal_id],
    )
    return [(r.list_id, r.record_id, r.added_at) for r in rows]


def write_members(conn: Connection, portal_id: int, rows: Sequence[tuple[int, int, int]]) -> None:
    """(list id, record id, time of joining) rows, in chunks of ``WRITE_CHUNK``."""
    dialect = dialect_of(conn)
    columns = ("portal_id", "list_id", "record_id", "added_at")
    for start in range(0, len(rows), WRITE_CHUNK):
        chunk = [(portal_id, *row) for row in rows[start : start + WRITE_CHUNK]]
        dialect.insert_rows(conn, "list_memberships", columns, chunk)
