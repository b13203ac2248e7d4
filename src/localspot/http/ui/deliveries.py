"""Webhook deliveries for the Traffic pages.

``deliveries_of`` is the one place the inspector asks for a portal's deliveries: the
requests the admin API's ``GET /_localspot/portals/{portal_id}/webhooks/deliveries`` lists
(one per attempt), grouped into deliveries: the attempts that carried the same events (a
retry sends an outbox row's events again, with the same ``eventId``s).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import Request
from litestar.datastructures import State

from localspot.crm.webhook_outbox_storage import Delivery
from localspot.http.admin_portals import store_of

SHOWN = 500
"""Requests read for the page (newest first)."""


@dataclass(frozen=True, slots=True)
class DeliveryAttempt:
    at: int
    status: int | None
    """The receiver's HTTP status; None when it could not be reached."""
    duration_ms: float | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    id: str
    app_id: int
    target_url: str
    events: int
    """How many events the delivery carries (HubSpot batches up to 100)."""
    state: str
    """``PENDING``, ``RETRYING``, ``DELIVERED`` or ``FAILED``."""
    attempts: tuple[DeliveryAttempt, ...]
    next_retry_at: int | None
    created_at: int


async def deliveries_of(request: Request[Any, Any, State], portal_id: int) -> Sequence[DeliveryRow]:
    """The portal's deliveries, newest first (by their latest attempt)."""
    found = await store_of(request).webhook_deliveries(portal_id, limit=SHOWN)
    grouped: dict[tuple[int, tuple[int, ...]], list[Delivery]] = {}
    for attempt in found:
        events: list[dict[str, Any]] = msgspec.json.decode(attempt.body)
        key = (attempt.app_id, tuple(int(e["eventId"]) for e in events))
        grouped.setdefault(key, []).append(attempt)
    return [_row(app_id, tries) for (app_id, _), tries in grouped.items()]


def _row(app_id: int, tries: Sequence[Delivery]) -> DeliveryRow:
    """A delivery from its attempts, newest first."""
    latest, first = tries[0], tries[-1]
    attempts = tuple(
        DeliveryAttempt(t.attempted_at, t.status, float(t.latency_ms), t.error)
        for t in reversed(tries)
    )
    return DeliveryRow(
        id=str(first.id),
        app_id=app_id,
        target_url=latest.target_url,
        events=latest.event_count,
        state=latest.state.upper(),
        attempts=attempts,
        next_retry_at=latest.next_retry_at,
        created_at=first.attempted_at,
    )
