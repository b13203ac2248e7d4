"""Deterministic record ids: a portal given a seed takes its new ids from that seed's block.

Seed ``s`` owns the ids ``SEEDED_BASE + s * BLOCK + 1, + 2, ...``; the position in the block
is stored per portal (``id_sequences``), advances in the same transaction as the insert and
goes back to 1 when the portal is reset, so the same test makes the same ids on SQLite and
PostgreSQL alike. Ids another portal already holds are skipped. Ids from the database's own
sequence stay below ``SEEDED_BASE`` (SQLite: the allocator only looks below it; PostgreSQL's
sequence would need a billion records to get there), and the largest id stays below 2**53,
so JavaScript clients can hold every id as a number.
"""

from __future__ import annotations

from sqlalchemy import Connection

from localspot.store.bulk import fetch, marks, run_many
from localspot.store.dialect import dialect_of

SEEDED_BASE = 1_000_000_000
BLOCK = 10_000_000
MAX_SEED = 99_999_999
_CHUNK = 500


def seeded_ids(conn: Connection, portal_id: int, count: int) -> list[int] | None:
    """The next ``count`` ids of the portal's seeded sequence, or None when it has none."""
    rows = fetch(
        conn,
        "SELECT seed, next_position FROM id_sequences WHERE portal_id = ?"
        + dialect_of(conn).row_lock,
        [portal_id],
    )
    if not rows or count == 0:
        return None if not rows else []
    first = SEEDED_BASE + int(rows[0].seed) * BLOCK
    position = int(rows[0].next_position)
    ids: list[int] = []
    while len(ids) < count:  # every pass moves the position on, so this ends
        wanted = list(range(first + position, first + position + min(count - len(ids), _CHUNK)))
        held = taken(conn, wanted)
        ids += [i for i in wanted if i not in held]
        position += len(wanted)
    run_many(
        conn,
        "UPDATE id_sequences SET next_position = ? WHERE portal_id = ?",
        [(position, portal_id)],
    )
    return ids


def taken(conn: Connection, ids: list[int]) -> set[int]:
    """Which of ``ids`` some record (of any portal) already has."""
    found: set[int] = set()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        rows = fetch(conn, f"SELECT id FROM objects WHERE id IN ({marks(len(chunk))})", chunk)
        found.update(int(row.id) for row in rows)
    return found
