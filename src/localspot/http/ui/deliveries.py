"""Webhook deliveries for the Traffic pages.

``deliveries_of`` is the one place the inspector asks for a portal's deliveries: the
requests the admin API's ``GET /_localspot/portals/{portal_id}/webhooks/deliveries`` lists
(one per attempt), grouped into deliveries: the attempts that carried the same events (a
retry sends an outbox row's events again, with the same ``eventId``s).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import msgspec
from litestar import Request
from litestar.datastructures import State

from localspot.crm.webhook_outbox_storage import Delivery
from localspot.http.admin_portals import store_of

SHOWN = 500
"""Requests read for a page (newest first), unless the page asks for fewer."""


@dataclass(frozen=True, slots=True)
class DeliveryAttempt:
    at: int
    status: int | None
    """The receiver's HTTP status; None when it could not be reached."""
    duration_ms: float | None = None
    error: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    """The request's headers, as sent."""
    body: str = ""
    """The request's JSON body, as sent."""


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    id: str
    app_id: int
    target_url: str
    events: int
    """How many events the delivery carries (HubSpot batches up to 100)."""
    state: str
    """``RETRYING``, ``DELIVERED`` or ``FAILED``: its latest attempt's."""
    attempts: tuple[DeliveryAttempt, ...]
    next_retry_at: int | None
    created_at: int


@dataclass(frozen=True, slots=True)
class DeliveriesPage:
    rows: Sequence[DeliveryRow]
    older: int | None
    """The cursor of the next page back (the oldest request read); None when every older
    request was read."""


async def deliveries_of(
    request: Request[Any, Any, State],
    portal_id: int,
    *,
    state: str | None = None,
    app_id: int | None = None,
    limit: int = SHOWN,
    before: int | None = None,
) -> DeliveriesPage:
    """The portal's deliveries among its newest ``limit`` requests (older than request
    ``before``), newest first (by their latest attempt); with ``state`` (``DELIVERED``...),
    those whose latest attempt left them in it, with ``app_id`` one app's. A delivery whose
    attempts straddle two pages shows on each with the attempts read there."""
    found = await store_of(request).webhook_deliveries(
        portal_id, app_id=app_id, limit=limit, before_id=before
    )
    grouped: dict[tuple[int, tuple[int, ...]], list[Delivery]] = {}
    for attempt in found:
        events: list[dict[str, Any]] = msgspec.json.decode(attempt.body)
        key = (attempt.app_id, tuple(int(e["eventId"]) for e in events))
        grouped.setdefault(key, []).append(attempt)
    rows = [_row(app, tries) for (app, _), tries in grouped.items()]
    shown = [r for r in rows if state is None or r.state == state.upper()]
    return DeliveriesPage(shown, found[-1].id if len(found) == limit else None)


def _row(app_id: int, tries: Sequence[Delivery]) -> DeliveryRow:
    """A delivery from its attempts, newest first."""
    latest, first = tries[0], tries[-1]
    attempts = tuple(
        DeliveryAttempt(
            t.attempted_at,
            t.status,
            float(t.latency_ms),
            t.error,
            _headers(t.headers),
            _indented(t.body),
        )
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


def _headers(text: str) -> dict[str, str]:
    decoded = msgspec.json.decode(text) if text else {}
    return {str(k): str(v) for k, v in decoded.items()} if isinstance(decoded, dict) else {}


def _indented(body: str) -> str:
    try:
        return msgspec.json.format(body, indent=2)
    except msgspec.DecodeError:
        return body
