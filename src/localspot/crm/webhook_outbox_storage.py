"""The webhook outbox role: events waiting to be delivered, and what each delivery did.

Events enter the outbox inside the write that caused them (the record and link writes of
the store do that themselves, ``store/webhook_emit_sql.py``). The sender claims rows whose
attempt is due (``claim_outbox``: held for a while by one sender, so servers sharing a
database deliver each row once), sends them and reports each request's outcome
(``finish_deliveries``: delivered and given-up rows leave the outbox, the others wait for
their next attempt; the request itself is kept for the admin API, the newest
``DELIVERIES_KEPT`` of each portal). The rules every role keeps are in ``crm/storage.py``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol

from localspot.crm.webhook_event_lines import body_text

DELIVERED = "delivered"
RETRYING = "retrying"
FAILED = "failed"
STATES = (DELIVERED, RETRYING, FAILED)
DELIVERIES_KEPT = 1000
"""A portal's delivery requests kept for the admin API (its largest page); older ones are
pruned as new ones are recorded. Each keeps the rows it carried (up to 100 events), so a
receiver under steady load would otherwise grow the database by megabytes a second."""
PRUNE_EVERY = 100
"""Pruning is looked at when the deliveries' ids pass a multiple of this, so a portal holds
at most about this many more than ``DELIVERIES_KEPT``."""


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """One app's events of one write in one portal, claimed for delivery."""

    id: int
    portal_id: int
    app_id: int
    events: str
    """The events, a line each (``crm/webhook_event_lines.py``)."""
    event_count: int
    attempts: int
    """Requests made so far: the next request's ``attemptNumber``."""
    occurred_at: int
    """When the write that caused the events was made (their ``occurredAt``)."""
    target_url: str | None
    """None: the app's settings were cleared since the events were written."""
    max_concurrent_requests: int
    client_secret: str


@dataclass(frozen=True, slots=True)
class Delivery:
    """One request the sender made (or could not make)."""

    portal_id: int
    app_id: int
    attempted_at: int
    target_url: str
    carried: str
    """The outbox rows the request carried (``webhook_event_lines.carried_text``), from
    which its body was made; or, for requests kept before rows were, the body itself."""
    event_count: int
    headers: str
    """The request's headers as a JSON object."""
    status: int | None
    latency_ms: int
    error: str | None
    state: str
    next_retry_at: int | None
    id: int = 0
    """Given by the store."""

    @property
    def body(self) -> str:
        """The request's JSON body, as sent."""
        return body_text(self.carried)


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """A request's outcome for the outbox: rows that leave it (delivered or given up) and
    rows that wait for another attempt, each with its time (the server's clock)."""

    delivery: Delivery
    done: tuple[int, ...]
    retry: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class PendingWork:
    """One app's events waiting in the outbox for one portal (the inspector's apps page)."""

    app_id: int
    rows: int
    """Outbox rows: each is one write's events, delivered by one request."""
    events: int
    next_retry_at: int | None
    """The earliest retry due (the server's clock) among rows already attempted; None when
    no row has been attempted yet."""


class WebhookOutboxStorage(Protocol):
    async def claim_outbox(
        self,
        now: int,
        holder: str,
        hold_ms: int,
        limit: int,
        skip_apps: Collection[int] = (),
        finished: Sequence[DeliveryOutcome] = (),
    ) -> Sequence[OutboxRow]:
        """Up to ``limit`` rows due at ``now`` (the server's clock) that no sender holds,
        oldest due first, held by ``holder`` for ``hold_ms`` of wall-clock time; rows another
        transaction is claiming are skipped, not waited for. ``finished``: the outcomes of
        requests that ended since the last claim, written first (``finish_deliveries``), all
        in one transaction."""
        ...

    async def release_outbox(self, holder: str, ids: Collection[int]) -> None:
        """Let go of claimed rows without an attempt (the server stops, or the app has no
        room for another request)."""
        ...

    async def finish_deliveries(self, holder: str, outcomes: Sequence[DeliveryOutcome]) -> None:
        """One transaction: each request's rows leave the outbox or wait for their next
        attempt (only rows ``holder`` still holds), and each request is kept."""
        ...

    async def next_outbox_attempt(self) -> int | None:
        """The earliest time (the server's clock) a row no sender holds is due; None when
        the outbox is empty."""
        ...

    async def webhook_deliveries(
        self,
        portal_id: int,
        *,
        state: str | None = None,
        app_id: int | None = None,
        limit: int = 100,
        before_id: int | None = None,
    ) -> Sequence[Delivery]:
        """The portal's requests, newest first; with ``before_id``, those older than that
        request (the next page back)."""
        ...

    async def pending_webhook_work(self, portal_id: int) -> Sequence[PendingWork]:
        """The portal's events waiting in the outbox, per app, by app id."""
        ...
