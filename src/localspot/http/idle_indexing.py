"""Search's index catches up while the server is idle.

Writes only queue the records they touch (``store/search_index.py``) and a search indexes
what is queued before it runs, so after a bulk load the first search would pay for
indexing every loaded record. This background task does that work instead, in small
chunks, whenever no request has been in flight for ``IDLE_SECONDS`` and no other process
is running a statement on the database (other workers on PostgreSQL): it stays out of the
way of a running load, and a search after a pause finds little or nothing left to do.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from localspot.crm import search

IDLE_SECONDS = 0.3
CHUNK = 200
PAUSE_SECONDS = 0.05
"""After each chunk: a chunk blocks the event loop on SQLite (about 0.1 s), and requests
that arrived meanwhile must get to register before idleness is judged again."""
log = logging.getLogger("localspot.indexing")
ASGIApp = Any


class Activity:
    """Requests in flight, and when the last one ended (monotonic seconds)."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.last_done = time.monotonic()

    def idle_for(self) -> float:
        return 0.0 if self.in_flight else time.monotonic() - self.last_done

    @contextmanager
    def busy(self) -> Iterator[None]:
        """Background work that counts as a request in flight (a list's fill)."""
        self.in_flight += 1
        try:
            yield
        finally:
            self.in_flight -= 1
            self.last_done = time.monotonic()


def activity_layer(app: ASGIApp, activity: Activity) -> ASGIApp:
    async def middleware(scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        activity.in_flight += 1
        try:
            await app(scope, receive, send)
        finally:
            activity.in_flight -= 1
            activity.last_done = time.monotonic()

    return middleware


async def index_when_idle(store_of: Any, activity: Activity) -> None:
    """Run until cancelled. ``store_of()`` gives the app's store (opened at startup)."""
    while True:
        await asyncio.sleep(IDLE_SECONDS)
        while activity.idle_for() >= IDLE_SECONDS:
            store: search.SearchStorage = store_of()
            try:
                if await store.busy_elsewhere():
                    break
                done = await search.index_some(store, CHUNK)
            except Exception:  # a failed chunk is retried by the next search or pause
                log.exception("indexing while idle failed")
                break
            if not done:
                break
            await asyncio.sleep(PAUSE_SECONDS)
