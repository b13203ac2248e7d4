"""Webhook deliveries for the Traffic pages.

``deliveries_of`` is the one place the inspector asks for a portal's deliveries. Until the
server delivers webhooks it has none to show, and the page says so; once delivery exists,
this function calls its use case (the one behind the admin API's
``GET /_localspot/portals/{portal_id}/webhooks/deliveries``) and maps each delivery to a
``DeliveryRow``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from litestar import Request
from litestar.datastructures import State


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


async def deliveries_of(
    request: Request[Any, Any, State], portal_id: int
) -> Sequence[DeliveryRow] | None:
    """The portal's deliveries, newest first; None while this server has no webhook
    delivery (the page then shows that there are none)."""
    return None
