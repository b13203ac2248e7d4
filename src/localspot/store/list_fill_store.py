"""The list fill role of ``SqlStore`` (``crm/list_fill_storage.py``), over ``list_fill_sql``.

A slice runs as background work (``_background_write``): on a SQLite file in a worker
thread on a connection of its own, holding the one write lock while it runs (requests'
writes wait for it off the event loop); on PostgreSQL as any write. Each slice is paced to
take about ``SLICE_SECONDS``, so neither holds anything long, and the event loop is free
between slices.

Holds on fills are wall-clock times (not the injected clock, which tests move at will): a
process renews its hold with every slice; a hold not renewed for ``HOLD_MS`` (the process
stopped) lets another process, or the next start, claim the fill and go on from where it
was.
"""

from __future__ import annotations

import time
from functools import partial
from typing import TypeVar

from localspot.crm.list_fill_storage import FillClaim, FillSlice, Judge, SliceDone
from localspot.store import list_fill_sql
from localspot.store.runs import Runs

T = TypeVar("T")
HOLD_MS = 10_000
MIN_SLICE, MAX_SLICE = 1_000, 50_000
SLICE_SECONDS = 0.2
"""What one slice should take: long enough that a slice's fixed costs don't count, short
enough that SQLite's writers (and PostgreSQL's writers of the slice's records) barely wait."""


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


def hold_until() -> int:
    """Until when a fill taken now is held."""
    return wall_ms() + HOLD_MS


def next_limit(limit: int, judged: int, elapsed: float) -> int:
    """The next slice's size, at the pace of the last (at most four times larger)."""
    wanted = judged * SLICE_SECONDS / elapsed if elapsed > 0 and judged else MAX_SLICE
    return max(MIN_SLICE, min(MAX_SLICE, limit * 4, int(wanted)))


class ListFillSqlStore(Runs):
    """Mixed into ``SqlStore``, which says how a transaction runs."""

    async def fill_slice(self, portal_id: int, piece: FillSlice, judge: Judge) -> SliceDone:
        started = time.perf_counter()
        work = partial(
            list_fill_sql.fill_slice,
            portal_id=portal_id,
            piece=piece,
            judge=judge,
            held_until=hold_until(),
        )
        state, judged, by_index = await self._background_write(work)
        pace = next_limit(piece.limit, judged, time.perf_counter() - started)
        return SliceDone(state, judged, pace, by_index)

    async def claim_fill(self) -> FillClaim | None:
        """A read first: the filler looks every few seconds, and mostly finds nothing."""
        now = wall_ms()
        if not await self._lookup(lambda c: list_fill_sql.any_free(c, now)):
            return None
        return await self._write(lambda c: list_fill_sql.claim_fill(c, now, now + HOLD_MS))

    async def release_fill(self, portal_id: int, list_id: int) -> None:
        await self._write(lambda c: list_fill_sql.release_fill(c, portal_id, list_id))

    async def end_fill(self, portal_id: int, list_id: int, token: int) -> None:
        await self._write(lambda c: list_fill_sql.end_fill(c, portal_id, list_id, token))

    async def settle(self, timeout: float) -> bool:
        """SQLite: no transaction of this process spans an ``await`` (its index slices
        don't judge lists), and no other process writes the file."""
        return True
