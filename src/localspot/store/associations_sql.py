"""Links between records: plain functions of a ``Connection`` (see ``schema.associations``).

The domain hands over both directions of every link; this module only checks that both
ends are live records of the portal, in the writing transaction, and never shows a link
whose far end is archived.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import Connection

from localspot.crm.links_storage import Link, Unlink
from localspot.store.bulk import fetch, marks, run_many
from localspot.store.list_follow_sql import follow_links
from localspot.store.webhook_emit_sql import links_added, links_removed

_INSERT = (
    "INSERT INTO associations (portal_id, from_type, from_id, to_type, to_id, type_id, category)"
    " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
)
CHUNK = 500


def live_ids(conn: Connection, portal_id: int, type_id: str, ids: Collection[int]) -> set[int]:
    found: set[int] = set()
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), CHUNK):
        part = wanted[start : start + CHUNK]
        rows = fetch(
            conn,
            "SELECT id FROM objects WHERE portal_id = ? AND object_type = ? AND archived = ?"
            f" AND id IN ({marks(len(part))})",
            [portal_id, type_id, False, *part],
        )
        found.update(r.id for r in rows)
    return found


def _live_ends(conn: Connection, portal_id: int, links: Sequence[Link]) -> set[tuple[str, int]]:
    by_type: dict[str, set[int]] = {}
    for link in links:
        by_type.setdefault(link.from_type, set()).add(link.from_id)
        by_type.setdefault(link.to_type, set()).add(link.to_id)
    return {
        (type_id, i)
        for type_id, ids in by_type.items()
        for i in live_ids(conn, portal_id, type_id, ids)
    }


def add_links(conn: Connection, portal_id: int, links: Sequence[Link], at: int) -> list[Link]:
    """Write the links whose ends are both live; return the others (not written). DYNAMIC
    lists whose association branches read the other end follow."""
    live = _live_ends(conn, portal_id, links)
    kept: list[Link] = []
    skipped: list[Link] = []
    for link in links:
        both_live = (link.from_type, link.from_id) in live and (link.to_type, link.to_id) in live
        (kept if both_live else skipped).append(link)
    links_added(conn, portal_id, kept, at)
    write_links(conn, portal_id, kept)
    follow_links(conn, portal_id, [(k.from_type, k.from_id, k.to_type) for k in kept], at)
    return skipped


def write_links(conn: Connection, portal_id: int, links: Sequence[Link]) -> None:
    """Without checks: for records created in the same transaction."""
    run_many(
        conn,
        _INSERT,
        [
            (
                portal_id,
                link.from_type,
                link.from_id,
                link.to_type,
                link.to_id,
                link.type_id,
                link.category,
            )
            for link in links
        ],
    )


def remove_links(conn: Connection, portal_id: int, removals: Sequence[Unlink], at: int) -> None:
    """Delete the rows each removal names; the caller passes both directions. DYNAMIC
    lists follow, as for ``add_links``."""
    delete = "DELETE FROM associations WHERE portal_id = ? AND from_id = ? AND to_type = ?"
    every_type = [
        (portal_id, r.from_id, r.to_type, r.to_id) for r in removals if r.type_ids is None
    ]
    typed = [
        (portal_id, r.from_id, r.to_type, r.to_id, type_id)
        for r in removals
        if r.type_ids is not None
        for type_id in sorted(r.type_ids)
    ]
    links_removed(conn, portal_id, removals, at)
    run_many(conn, f"{delete} AND to_id = ?", every_type)
    run_many(conn, f"{delete} AND to_id = ? AND type_id = ?", typed)
    follow_links(conn, portal_id, [(None, r.from_id, r.to_type) for r in removals], at)


def links_of(
    conn: Connection, portal_id: int, from_ids: Collection[int], to_type: str
) -> list[Link]:
    """Links from these records to live records of ``to_type``, by from id, to id, type."""
    found: list[Link] = []
    wanted = sorted(set(from_ids))
    for start in range(0, len(wanted), CHUNK):
        part = wanted[start : start + CHUNK]
        rows = fetch(
            conn,
            "SELECT a.from_type, a.from_id, a.to_type, a.to_id, a.type_id, a.category"
            " FROM associations a JOIN objects o ON o.id = a.to_id"
            f" WHERE a.portal_id = ? AND a.from_id IN ({marks(len(part))}) AND a.to_type = ?"
            " AND o.portal_id = ? AND o.archived = ?"
            " ORDER BY a.from_id, a.to_id, a.type_id",
            [portal_id, *part, to_type, portal_id, False],
        )
        found += [Link(*row) for row in rows]
    return found
