"""The admin API's webhook deliveries (``/_localspot/portals/{portalId}/webhooks/...``):
localspot's own shapes. Each event in ``events`` is exactly what the receiver got."""

from __future__ import annotations

from typing import Any

from msgspec import Struct


class WebhookDelivery(Struct, rename="camel"):
    """One request the webhook sender made to an app's target URL."""

    id: int
    app_id: int
    portal_id: int
    attempted_at: int
    """When the request was made (the server's clock, epoch ms)."""
    target_url: str
    event_ids: list[int]
    event_count: int
    events: list[dict[str, Any]]
    request_headers: dict[str, str]
    status: int | None
    """The receiver's status code; null when it gave none (see ``error``)."""
    latency_ms: int
    error: str | None
    state: str
    """``delivered``, ``retrying`` (the failed events go again at ``nextRetryAt``) or
    ``failed`` (given up)."""
    next_retry_at: int | None


class WebhookDeliveryCollection(Struct):
    results: list[WebhookDelivery]
