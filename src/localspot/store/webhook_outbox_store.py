"""The webhook outbox role of ``SqlStore`` (``crm/webhook_outbox_storage.py``), over
``webhook_outbox_sql``.

A round's write (the outcomes of the requests that ended, then the claim) runs as a
request's writes do (``_write``: inline on the event loop on SQLite, on the pool on
PostgreSQL). On a SQLite file it ran in a worker thread before (``_background_write``),
where it held the write lock while waiting for the interpreter lock that the event loop
held: with delivery running, a fifth of batch updates waited 7 ms on average for the
write lock (2.5 s of 15), against about 1 ms of work a round. A release or a stopping
sender's record of what ended still goes in the background. Holds are wall-clock times,
not the injected clock, which tests move at will: a sender that crashed lets go when its
hold ends.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from typing import TypeVar

from sqlalchemy import Connection

from localspot.crm.webhook_outbox_storage import (
    Delivery,
    DeliveryOutcome,
    OutboxRow,
    PendingWork,
)
from localspot.store import webhook_emit_sql, webhook_outbox_sql
from localspot.store.runs import Runs

T = TypeVar("T")


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


class WebhookOutboxSqlStore(Runs):
    """Mixed into ``SqlStore``, which says how a transaction runs."""

    outbox_listener: Callable[[], None] | None = None
    """Called after a write that put events in the outbox commits (the sender's wake)."""

    def _after_write(self) -> None:
        """After every committed write: wake the sender when the write emitted events."""
        if webhook_emit_sql.emitted.is_set():
            webhook_emit_sql.emitted.clear()
            if self.outbox_listener is not None:
                self.outbox_listener()

    async def claim_outbox(
        self,
        now: int,
        holder: str,
        hold_ms: int,
        limit: int,
        skip_apps: Collection[int] = (),
        finished: Sequence[DeliveryOutcome] = (),
    ) -> Sequence[OutboxRow]:
        wall = wall_ms()

        def work(conn: Connection) -> list[OutboxRow]:
            webhook_outbox_sql.finish(conn, holder, finished)
            return webhook_outbox_sql.claim(conn, now, wall, holder, hold_ms, limit, skip_apps)

        return await self._write(work)

    async def release_outbox(self, holder: str, ids: Collection[int]) -> None:
        await self._background_write(lambda c: webhook_outbox_sql.release(c, holder, ids))

    async def finish_deliveries(self, holder: str, outcomes: Sequence[DeliveryOutcome]) -> None:
        await self._background_write(lambda c: webhook_outbox_sql.finish(c, holder, outcomes))

    async def next_outbox_attempt(self) -> int | None:
        wall = wall_ms()
        return await self._lookup(lambda c: webhook_outbox_sql.next_attempt(c, wall))

    async def webhook_deliveries(
        self,
        portal_id: int,
        *,
        state: str | None = None,
        app_id: int | None = None,
        limit: int = 100,
        before_id: int | None = None,
    ) -> Sequence[Delivery]:
        return await self._read(
            lambda c: webhook_outbox_sql.deliveries(c, portal_id, state, app_id, limit, before_id)
        )

    async def pending_webhook_work(self, portal_id: int) -> Sequence[PendingWork]:
        return await self._read(lambda c: webhook_outbox_sql.pending(c, portal_id))
