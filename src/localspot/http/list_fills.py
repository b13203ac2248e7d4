"""The background filler of SNAPSHOT and DYNAMIC lists (``crm/list_fill.py``).

A create or filter-update request fills a list up to its budget of records, then lets go of
the fill and wakes this task, which claims it and runs it to its end. It also looks for
fills nobody holds every ``POLL_SECONDS``: at start (a fill cut short when the server
stopped) and when another process stopped holding one (several workers on PostgreSQL).
Fills run one after another; the event loop is free between slices. While one runs, the
server does not count as idle (``idle_indexing.Activity``): a client waiting for a list to
be ``COMPLETE`` goes first, search's idle-time indexing after.

At each look it also converts the lists whose scheduled conversion came due
(``crm/list_conversions.py``), so that a list nobody reads stops following writes within a
poll of its time; a request that reads a list converts it first itself. Moving the server's
clock wakes it. And it folds into the lists' rows the changes of their sizes that
PostgreSQL's record writes add as rows of their own (``list_size_changes_schema``).
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import suppress
from typing import Any

from localspot.crm import list_conversions, lists
from localspot.crm.list_rules import ListsContext
from localspot.http.idle_indexing import Activity

POLL_SECONDS = 2.0
log = logging.getLogger("localspot.lists")


class ListFills:
    def __init__(self, activity: Activity) -> None:
        self._activity = activity
        self._wake = asyncio.Event()
        self._wake.set()  # look at once when the server starts

    def wake(self) -> None:
        """A fill was let go (or the clock moved): look now rather than at the next poll."""
        self._wake.set()

    async def run(self, state: Any) -> None:
        """Run until cancelled; ``state`` is the app's (its store, clock and registry)."""
        while True:
            with suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
            self._wake.clear()
            try:
                await self._fill_all(state)
            except Exception:  # the fill stays where it was: claimed again when its hold ends
                log.exception("filling a list failed")
            try:  # before the conversions: on PostgreSQL a list's last membership change
                # is known once its size changes are folded, and inactivity counts from it
                await state.store.fold_list_sizes()
            except Exception:  # folded at the next look; sizes read the same meanwhile
                log.exception("folding lists' size changes failed")
            try:
                await list_conversions.convert_due(state.store, state.clock)
            except Exception:  # tried again at the next look
                log.exception("converting a list failed")

    async def _fill_all(self, state: Any) -> None:
        while (claim := await state.store.claim_fill()) is not None:
            types = await state.registry.view(claim.portal_id)
            ctx = ListsContext(state.store, state.clock, claim.portal_id, types)
            with self._activity.busy():
                try:
                    await lists.resume_fill(ctx, claim)
                except asyncio.CancelledError:  # the server stops: the next start claims it
                    await state.store.release_fill(claim.portal_id, claim.list_id)
                    raise
