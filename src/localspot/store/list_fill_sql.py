"""Filling SNAPSHOT and DYNAMIC lists, a slice of records per transaction
(``crm/list_fill_storage.py``), as functions of a ``Connection``.

A slice takes the next live records of the type after the fill's position, in id order. A
DYNAMIC list's are share-locked on PostgreSQL (``Dialect.share_lock``): a write to one of
them waits for the slice to commit and then judges the record against the list itself, and
the slice reads the state every write before it left (SQLite's single writer gives the same
order). A SNAPSHOT list's slice reads what is committed: no write judges it. A slice's
commit doesn't wait for the disk (``Dialect.lazy_commit``): a crash that loses it loses the
fill's position with it, and the slice is done again.

The records the search index has seen are judged by the index (``to_search_groups``'
conditions, planned by ``search_sql.matching_ids`` and limited to the slice's id range): one
``INSERT INTO list_memberships ... SELECT`` straight from the index tables, no record
read. The slice's records waiting in ``index_queue`` (written since they were indexed, or
never indexed) are read, decoded and judged by the domain; when they are most of the
slice, the whole slice is. Without a translation every record is judged that way. The
ids judged in Python travel as one parameter (``Dialect.id_set``) into one statement.

A refill (new filters of a DYNAMIC list) also removes the members of the slice's range
that no longer match; a first fill only adds, so members added by hand (a SNAPSHOT list)
stay. Members that stay keep their time of joining.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Final

import orjson
from sqlalchemy import BigInteger, Connection, column, delete, literal, or_, select, text

from localspot.crm.list_fill_storage import FillClaim, FillSlice, Judge, Linked, SliceState
from localspot.crm.model import Record
from localspot.store.associations_sql import links_of
from localspot.store.bulk import fetch
from localspot.store.dialect import dialect_of
from localspot.store.schema import list_memberships
from localspot.store.search_sql import matching_ids

DYNAMIC: Final = "DYNAMIC"
PROCESSING: Final = "PROCESSING"
COMPLETE: Final = "COMPLETE"
_COLUMNS = "id, properties, created_at, updated_at"
_COUNTED: Final = {"preserve_rowcount": True}
"""SQLAlchemy keeps an ``INSERT``'s row count only when asked (psycopg's is -1 otherwise)."""


@dataclass(frozen=True, slots=True)
class Span:
    """The slice's records: ids in ``(after, upto]`` of one portal and type."""

    portal_id: int
    type_id: str
    after: int
    upto: int
    refill: bool = False
    """Members of the span that no longer match leave (see ``start_fill``)."""


def start_fill(
    conn: Connection,
    portal_id: int,
    list_id: int,
    token: int,
    held_until: int | None,
    *,
    refill: bool,
) -> None:
    """The list is (again) to be filled from its first record, for the filters of version
    ``token``; a fill under way for older filters stops at its next slice. ``refill``: the
    list may hold members its filters no longer match."""
    conn.exec_driver_sql(
        dialect_of(conn).sql(
            "INSERT INTO list_fills (portal_id, list_id, token, after, held_until, refill)"
            " VALUES (?, ?, ?, 0, ?, ?) ON CONFLICT (portal_id, list_id) DO UPDATE"
            " SET token = excluded.token, after = 0, held_until = excluded.held_until,"
            " refill = excluded.refill"
        ),
        (portal_id, list_id, token, held_until, refill),
    )


def _finish(conn: Connection, portal_id: int, list_id: int) -> None:
    params = (portal_id, list_id)
    conn.exec_driver_sql(
        dialect_of(conn).sql("DELETE FROM list_fills WHERE portal_id = ? AND list_id = ?"), params
    )
    conn.exec_driver_sql(
        dialect_of(conn).sql(
            f"UPDATE lists SET processing_status = '{COMPLETE}' WHERE portal_id = ? AND id = ?"
        ),
        params,
    )


def end_fill(conn: Connection, portal_id: int, list_id: int, token: int) -> None:
    found = fetch(
        conn,
        "SELECT token FROM list_fills WHERE portal_id = ? AND list_id = ?",
        [portal_id, list_id],
    )
    if found and found[0].token == token:
        _finish(conn, portal_id, list_id)


_FREE = " FROM list_fills WHERE held_until IS NULL OR held_until < ?"


def any_free(conn: Connection, now: int) -> bool:
    """Whether a fill nobody holds at ``now`` waits."""
    return bool(fetch(conn, f"SELECT 1{_FREE} LIMIT 1", [now]))


def claim_fill(conn: Connection, now: int, held_until: int) -> FillClaim | None:
    """The first fill nobody holds, now held until ``held_until``. The conditional update
    decides between processes that pick the same one."""
    free = fetch(
        conn, f"SELECT portal_id, list_id, token{_FREE} ORDER BY portal_id, list_id LIMIT 20", [now]
    )
    for row in free:
        taken = conn.exec_driver_sql(
            dialect_of(conn).sql(
                "UPDATE list_fills SET held_until = ? WHERE portal_id = ? AND list_id = ?"
                " AND token = ? AND (held_until IS NULL OR held_until < ?)"
            ),
            (held_until, row.portal_id, row.list_id, row.token, now),
        ).rowcount
        if taken:
            return FillClaim(int(row.portal_id), int(row.list_id), int(row.token))
    return None


def release_fill(conn: Connection, portal_id: int, list_id: int) -> None:
    conn.exec_driver_sql(
        dialect_of(conn).sql(
            "UPDATE list_fills SET held_until = NULL WHERE portal_id = ? AND list_id = ?"
        ),
        (portal_id, list_id),
    )


def fill_slice(
    conn: Connection, portal_id: int, piece: FillSlice, judge: Judge, held_until: int
) -> tuple[SliceState, int, bool]:
    """(``MORE``, ``COMPLETE`` or ``GONE``; live records judged; whether by the index)."""
    position = _position(conn, portal_id, piece)
    if position is None:
        return "GONE", 0, False
    dialect_of(conn).lazy_commit(conn)
    after, refill = position
    if piece.groups:
        records, (count, upto) = None, _span_after(conn, portal_id, piece, after)
    else:
        records = _records_after(conn, portal_id, piece, after)
        count, upto = len(records), records[-1].id if records else 0
    if not count:
        _finish(conn, portal_id, piece.list_id)
        return COMPLETE, 0, False
    span = Span(portal_id, piece.type_id, after, upto, refill)
    added, removed, by_index = _judge_span(conn, piece, span, count, records, judge)
    _moved(conn, portal_id, piece.list_id, added, removed, piece.at)
    if count < piece.limit:
        _finish(conn, portal_id, piece.list_id)
        return COMPLETE, count, by_index
    conn.exec_driver_sql(
        dialect_of(conn).sql(
            "UPDATE list_fills SET after = ?, held_until = ? WHERE portal_id = ? AND list_id = ?"
        ),
        (span.upto, held_until, portal_id, piece.list_id),
    )
    return "MORE", count, by_index


def _position(conn: Connection, portal_id: int, piece: FillSlice) -> tuple[int, bool] | None:
    """The fill's position and whether it is a refill, its row locked (a second process on
    the same fill waits, then goes on from where this slice leaves it); None when it is not
    the slice's fill."""
    job = fetch(
        conn,
        "SELECT token, after, refill FROM list_fills WHERE portal_id = ? AND list_id = ?"
        + dialect_of(conn).row_lock,
        [portal_id, piece.list_id],
    )
    if not job or job[0].token != piece.token:
        return None
    return int(job[0].after), bool(job[0].refill)


def _judge_span(
    conn: Connection,
    piece: FillSlice,
    span: Span,
    count: int,
    records: list[Record] | None,
    judge: Judge,
) -> tuple[int, int, bool]:
    """(members added, removed, whether the index judged): by the index when the filters
    translate and at most half of the span's ``count`` records are queued."""
    if piece.groups and _queued_count(conn, span) * 2 <= count:
        return (*_by_index(conn, piece, span, _queued(conn, span), judge), True)
    found = records if records is not None else _records_in(conn, span)
    return (*_by_judge(conn, piece, span, found, judge), False)


def _lock(conn: Connection, piece: FillSlice) -> str:
    return dialect_of(conn).share_lock if piece.locked else ""


def _span_after(conn: Connection, portal_id: int, piece: FillSlice, after: int) -> tuple[int, int]:
    """How many of the next ``piece.limit`` live records there are, and the last one's id
    (0 when none): counted in the database, the rows locked there, none of them fetched."""
    rows = fetch(
        conn,
        "SELECT COUNT(*) AS n, MAX(id) AS upto FROM (SELECT id FROM objects"
        " WHERE portal_id = ? AND object_type = ? AND archived = ? AND id > ?"
        " ORDER BY id LIMIT ?" + _lock(conn, piece) + ") AS s",
        [portal_id, piece.type_id, False, after, piece.limit],
    )
    return int(rows[0].n), int(rows[0].upto or 0)


def _records(conn: Connection, statement: str, params: Sequence[Any]) -> list[Record]:
    """Records straight from the driver's rows (a scan reads a million: SQLAlchemy's row
    objects and a type check per map cost as much as decoding it). SQLite's maps arrive as
    text, PostgreSQL's decoded."""
    result = conn.exec_driver_sql(dialect_of(conn).sql(statement), tuple(params))
    rows = result.cursor.fetchall() if result.cursor is not None else []
    result.close()
    if not rows:
        return []
    loads = orjson.loads if isinstance(rows[0][1], str | bytes) else _as_is
    return [Record(i, loads(p), c, u) for i, p, c, u in rows]


def _as_is(value: Any) -> Any:
    return value


def _records_after(conn: Connection, portal_id: int, piece: FillSlice, after: int) -> list[Record]:
    return _records(
        conn,
        f"SELECT {_COLUMNS} FROM objects WHERE portal_id = ? AND object_type = ?"
        " AND archived = ? AND id > ? ORDER BY id LIMIT ?" + _lock(conn, piece),
        [portal_id, piece.type_id, False, after, piece.limit],
    )


def _records_in(conn: Connection, span: Span) -> list[Record]:
    return _records(
        conn,
        f"SELECT {_COLUMNS} FROM objects WHERE portal_id = ? AND object_type = ?"
        " AND archived = ? AND id > ? AND id <= ? ORDER BY id",
        [span.portal_id, span.type_id, False, span.after, span.upto],
    )


def _records_of(
    conn: Connection, portal_id: int, type_id: str, ids: Collection[int]
) -> list[Record]:
    """The live records of the type among ``ids`` (one statement, the ids one parameter)."""
    if not ids:
        return []
    dialect = dialect_of(conn)
    return _records(
        conn,
        f"SELECT {_COLUMNS} FROM objects WHERE portal_id = ? AND object_type = ?"
        f" AND archived = ? AND id IN ({dialect.id_set}) ORDER BY id",
        [portal_id, type_id, False, dialect.id_list(ids)],
    )


_QUEUED = (
    " FROM index_queue WHERE portal_id = ? AND object_type = ? AND object_id > ? AND object_id <= ?"
)


def _queued_count(conn: Connection, span: Span) -> int:
    params = [span.portal_id, span.type_id, span.after, span.upto]
    return int(fetch(conn, f"SELECT COUNT(*) AS n{_QUEUED}", params)[0].n)


def _queued(conn: Connection, span: Span) -> list[int]:
    """The ids of the span waiting to be indexed: the index doesn't know their values."""
    params = [span.portal_id, span.type_id, span.after, span.upto]
    return [int(r.object_id) for r in fetch(conn, f"SELECT object_id{_QUEUED}", params)]


def _linked(conn: Connection, portal_id: int, records: Sequence[Record], types: Any) -> Linked:
    """The live records linked to each of ``records``, of every type in ``types``."""
    found: dict[int, list[tuple[str, int, Record]]] = {}
    ids = [r.id for r in records]
    for to_type in sorted(types):
        links = links_of(conn, portal_id, ids, to_type)
        targets = {r.id: r for r in _records_of(conn, portal_id, to_type, {x.to_id for x in links})}
        for link in links:
            target = targets.get(link.to_id)
            if target is not None:
                found.setdefault(link.from_id, []).append((to_type, link.type_id, target))
    return found


def _judged(
    conn: Connection, piece: FillSlice, portal_id: int, records: Sequence[Record], judge: Judge
) -> set[int]:
    linked = _linked(conn, portal_id, records, piece.linked_types) if piece.linked_types else {}
    return set(judge(records, linked)) if records else set()


def _id_rows(conn: Connection, ids: Collection[int], name: str) -> Any:
    """``ids`` as a subquery of one column, ``id`` (one bound parameter, ``name``)."""
    dialect = dialect_of(conn)
    statement = text(dialect.id_set.replace("?", f":{name}")).bindparams(
        **{name: dialect.id_list(ids)}
    )
    return statement.columns(column("id", BigInteger)).subquery(name)


def _by_index(
    conn: Connection, piece: FillSlice, span: Span, queued: list[int], judge: Judge
) -> tuple[int, int]:
    """The index judges the span's indexed records; ``judge`` its queued ones."""
    assert piece.groups
    records = _records_of(conn, span.portal_id, span.type_id, queued)
    own = _judged(conn, piece, span.portal_id, records, judge)
    found = matching_ids(
        conn, span.portal_id, span.type_id, piece.groups, (span.after, span.upto)
    ).subquery("m")
    chosen = select(literal(span.portal_id), literal(piece.list_id), found.c.id, literal(piece.at))
    if queued:
        chosen = chosen.where(found.c.id.not_in(select(_id_rows(conn, queued, "queued").c.id)))
    else:
        chosen = chosen.where(found.c.id.is_not(None))  # SQLite's INSERT ... SELECT ... ON CONFLICT
    columns = ["portal_id", "list_id", "record_id", "added_at"]
    insert = dialect_of(conn).insert(list_memberships).from_select(columns, chosen)
    added = conn.execute(insert.on_conflict_do_nothing(), execution_options=_COUNTED).rowcount
    added += _add(conn, piece, span, own)
    if not span.refill:
        return added, 0
    m = list_memberships.c
    stale = [m.record_id.not_in(select(found.c.id))]
    if queued:
        stale.append(m.record_id.in_(select(_id_rows(conn, queued, "stale").c.id)))
    gone = delete(list_memberships).where(
        m.portal_id == span.portal_id,
        m.list_id == piece.list_id,
        m.record_id > span.after,
        m.record_id <= span.upto,
        or_(*stale),
    )
    if own:
        gone = gone.where(m.record_id.not_in(select(_id_rows(conn, own, "own").c.id)))
    return added, conn.execute(gone, execution_options=_COUNTED).rowcount


def _by_judge(
    conn: Connection, piece: FillSlice, span: Span, records: Sequence[Record], judge: Judge
) -> tuple[int, int]:
    """``judge`` judges every record of the span."""
    matched = _judged(conn, piece, span.portal_id, records, judge)
    added = _add(conn, piece, span, matched)
    if not span.refill:
        return added, 0
    dialect = dialect_of(conn)
    removed = conn.exec_driver_sql(
        dialect.sql(
            "DELETE FROM list_memberships WHERE portal_id = ? AND list_id = ?"
            f" AND record_id > ? AND record_id <= ? AND record_id NOT IN ({dialect.id_set})"
        ),
        (span.portal_id, piece.list_id, span.after, span.upto, dialect.id_list(matched)),
    ).rowcount
    return added, int(removed)


def _add(conn: Connection, piece: FillSlice, span: Span, ids: Collection[int]) -> int:
    """The ``ids`` (live records of the span) that are no members yet join."""
    if not ids:
        return 0
    dialect = dialect_of(conn)
    statement = (
        "INSERT INTO list_memberships (portal_id, list_id, record_id, added_at)"
        f" SELECT ?, ?, s.id, ? FROM ({dialect.id_set}) AS s WHERE s.id IS NOT NULL"
        " ON CONFLICT DO NOTHING"
    )
    params = (span.portal_id, piece.list_id, piece.at, dialect.id_list(ids))
    return int(conn.exec_driver_sql(dialect.sql(statement), params).rowcount)


def _moved(
    conn: Connection, portal_id: int, list_id: int, added: int, removed: int, at: int
) -> None:
    """The list's size and last-added/removed times after the slice."""
    if not added and not removed:
        return
    conn.exec_driver_sql(
        dialect_of(conn).sql(
            "UPDATE lists SET size = size + ?,"
            " last_added_at = CASE WHEN ? > 0 THEN ? ELSE last_added_at END,"
            " last_removed_at = CASE WHEN ? > 0 THEN ? ELSE last_removed_at END"
            " WHERE portal_id = ? AND id = ?"
        ),
        (added - removed, added, at, removed, at, portal_id, list_id),
    )
