"""The webhook sender: a background task of ``localspot serve`` that delivers the outbox's
events to each app's target URL (hubspot-behaviour §17.5, ``crm/webhook_delivery.py``).

It claims due rows (``claim_outbox``), puts them into requests of one app and portal and
at most 100 events, and hands each to its delivery process (``webhook_worker.py``, which
signs it, v1 and v3, and sends it: five-second timeout, kept-alive connections) while the
app has fewer than ``maxConcurrentRequests`` requests in flight, else queues it for the
app's next free slot (``QUEUED_PER_SLOT`` per slot at most: a queued request starts within
a few requests' time, well inside the rows' hold); rows of an app with no room left are
let go and claimed again later. The HTTP work runs in that process, not in the server's:
it took the server's interpreter lock from the CRM requests being served.
Outcomes are written back in one transaction per round: delivered and given-up rows leave
the outbox, failed ones wait for their retry on the server's clock, and every request is
kept for the admin API. Nothing here runs inside a CRM request: a slow or dead receiver
never slows a write.

It wakes when a write put events in the outbox (``SqlStore.outbox_listener``), when the
clock moves (a test advancing to the next retry), when a request ends, and every
``POLL_SECONDS`` (events written by another process, retries coming due on a running
clock).
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable
from contextlib import suppress

import orjson

from localspot.clock import ControllableClock
from localspot.crm import webhook_delivery as rules
from localspot.crm import webhook_event_lines as lines
from localspot.crm.webhook_outbox_storage import (
    DELIVERED,
    FAILED,
    RETRYING,
    Delivery,
    DeliveryOutcome,
    OutboxRow,
    WebhookOutboxStorage,
)
from localspot.http.webhook_posting import Poster

POLL_SECONDS = 0.5
ROUND_SECONDS = 0.05
"""At most one round (one transaction) this often while there is work: the writes of a
busy server then put several transactions' events into each claim."""
HOLD_MS = 60_000
"""How long a claimed row is this sender's: far more than a request may take (5 s)."""
QUEUED_PER_SLOT = 3
"""Requests an app may have waiting for a free slot, per slot (``maxConcurrentRequests``):
rows are claimed in rounds (at most one every ``ROUND_SECONDS``), and with one request
queued per slot an app with 10 slots was sent at most about 23,000 events a second while
batch updates wrote 31,000 (bench/README.md); the outbox then grew without end."""
CLAIM_ROWS = 50
"""The most rows claimed at once (fewer when the apps seen have less room for requests): a
row of a batch write holds 100 events, one request's worth, so this covers the requests a
few apps may have in flight; claiming hundreds meant reading megabytes of events only to
let most of them go again."""
log = logging.getLogger("localspot.webhooks")


def _holder() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def carried(rows: tuple[OutboxRow, ...]) -> str:
    """The rows as a request carries them (``webhook_event_lines.carried_text``): the
    delivery process makes the body from them, the deliveries log keeps them."""
    return lines.carried_text(
        [
            lines.CarriedRow(r.id, r.attempts, r.portal_id, r.app_id, r.occurred_at, r.events)
            for r in rows
        ]
    )


class WebhookSender:
    def __init__(
        self,
        clock: ControllableClock,
        poster: Callable[[], Poster],
        seed: int | None = None,
    ) -> None:
        self._clock = clock
        self._poster = poster
        self._holder = _holder()
        self._wake = asyncio.Event()
        self._wake.set()  # look at once when the server starts
        self._in_flight: dict[int, int] = defaultdict(int)
        self._limits: dict[int, int] = {}
        self._queued: dict[int, deque[rules.Batch]] = defaultdict(deque)
        self._stopping = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._held: set[int] = set()
        self._finished: list[DeliveryOutcome] = []
        self._rng = random.Random(seed)

    def wake(self) -> None:
        self._wake.set()

    async def run(self, store: WebhookOutboxStorage) -> None:
        """Deliver until cancelled; then let go of what is claimed and record what ended."""
        client = self._poster()
        try:
            while True:
                with suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
                started = time.monotonic()
                self._wake.clear()
                try:
                    busy = await self._round(store, client)
                except Exception:  # rows stay held until their hold ends, then go again
                    log.exception("delivering webhook events failed")
                    busy = True
                if busy:
                    await asyncio.sleep(max(0.0, started + ROUND_SECONDS - time.monotonic()))
        finally:
            await self._stop(store, client)

    async def _stop(self, store: WebhookOutboxStorage, client: Poster) -> None:
        self._stopping = True  # queued requests stay unsent: their rows are let go below
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        try:
            await self._record(store)
            await store.release_outbox(self._holder, sorted(self._held))
        except Exception:
            log.exception("letting go of webhook events failed")
        await client.aclose()

    async def _record(self, store: WebhookOutboxStorage) -> None:
        finished = self._take_finished()
        if finished:
            await store.finish_deliveries(self._holder, finished)

    def _take_finished(self) -> list[DeliveryOutcome]:
        finished, self._finished = self._finished, []
        for outcome in finished:
            self._held.difference_update(outcome.done)
            self._held.difference_update(i for i, _ in outcome.retry)
        return finished

    async def _round(self, store: WebhookOutboxStorage, client: Poster) -> bool:
        """Record the requests that ended and claim what is due: whether anything was."""
        now = self._clock.now_ms()
        if not self._finished:
            due = await store.next_outbox_attempt()  # a read: an idle server writes nothing
            if due is None or due > now:
                return False
        finished = self._take_finished()
        full = [a for a in self._limits if self._free(a) <= 0]
        room = self._room()
        limit = min(CLAIM_ROWS, room) if room else CLAIM_ROWS
        try:
            rows = await store.claim_outbox(now, self._holder, HOLD_MS, limit, full, finished)
        except BaseException:
            self._finished[:0] = finished  # recorded with the next round (or at the stop)
            for outcome in finished:
                self._held.update(outcome.done)
                self._held.update(i for i, _ in outcome.retry)
            raise
        self._held.update(r.id for r in rows)
        unsent: list[int] = []
        for batch in rules.batches(rows):
            app = batch.first.app_id
            limit_of_app = self._limits[app] = batch.first.max_concurrent_requests
            if self._in_flight[app] < limit_of_app:
                self._start(client, batch)
            elif len(self._queued[app]) < QUEUED_PER_SLOT * limit_of_app:
                self._queued[app].append(batch)
            else:
                unsent += [r.id for r in batch.rows]
        if unsent:
            await store.release_outbox(self._holder, unsent)
            self._held.difference_update(unsent)
        if len(rows) == limit and self._room():
            self._wake.set()  # more may be due
        return bool(rows or finished)

    def _free(self, app: int) -> int:
        """Requests the app may still start or queue: as many as its limit in flight and
        ``QUEUED_PER_SLOT`` times as many waiting for a free slot."""
        return (
            (1 + QUEUED_PER_SLOT) * self._limits[app]
            - self._in_flight[app]
            - len(self._queued[app])
        )

    def _room(self) -> int:
        """Requests the apps seen so far may still start or queue: about the rows worth
        claiming (a row holds up to a request's events). A row claimed for an app without
        room is let go again, which writes it twice for nothing. 0: every app seen is full
        (the claim skips them), or none was seen yet."""
        return sum(max(0, self._free(a)) for a in self._limits)

    def _start(self, client: Poster, batch: rules.Batch) -> None:
        self._in_flight[batch.first.app_id] += 1
        task = asyncio.create_task(self._deliver(client, batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, client: Poster, batch: rules.Batch) -> None:
        """Send one request; when it ends, the app's next queued request takes its slot at
        once (no round in between: a round comes at most every ``ROUND_SECONDS``)."""
        app = batch.first.app_id
        try:
            outcome = await self._attempt(client, batch)
            self._finished.append(outcome)
        finally:
            self._in_flight[app] -= 1
            queued = self._queued[app]
            if queued and not self._stopping and self._in_flight[app] < self._limits[app]:
                self._start(client, queued.popleft())
            self._wake.set()

    async def _attempt(self, client: Poster, batch: rules.Batch) -> DeliveryOutcome:
        first = batch.first
        sent = carried(batch.rows)
        attempted_at = self._clock.now_ms()
        url = first.target_url
        if url is None:
            gone = "The app has no target URL"
            return self._outcome(batch, sent, {}, attempted_at, None, 0, gone)
        started = time.perf_counter()
        posted = await client.post(url, first.client_secret, sent)
        latency = int((time.perf_counter() - started) * 1000)
        status, error = posted.status, posted.error
        if status is not None and not rules.delivered(status):
            error = f"The receiver answered {status}"
        return self._outcome(batch, sent, posted.headers, attempted_at, status, latency, error)

    def _outcome(
        self,
        batch: rules.Batch,
        sent: str,
        headers: dict[str, str],
        attempted_at: int,
        status: int | None,
        latency: int,
        error: str | None,
    ) -> DeliveryOutcome:
        first = batch.first
        done: list[int] = []
        retry: list[tuple[int, int]] = []
        now = self._clock.now_ms()
        for row in batch.rows:
            at = None if error is None else rules.retry_at(row.attempts + 1, now, self._rng)
            if at is None or first.target_url is None:
                done.append(row.id)
            else:
                retry.append((row.id, at))
        state = DELIVERED if error is None else (RETRYING if retry else FAILED)
        delivery = Delivery(
            portal_id=first.portal_id,
            app_id=first.app_id,
            attempted_at=attempted_at,
            target_url=first.target_url or "",
            carried=sent,
            event_count=batch.event_count,
            headers=orjson.dumps(headers).decode(),
            status=status,
            latency_ms=latency,
            error=error,
            state=state,
            next_retry_at=min((at for _, at in retry), default=None),
        )
        return DeliveryOutcome(delivery, tuple(done), tuple(retry))
