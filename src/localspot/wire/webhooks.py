"""HubSpot's Webhooks API v3 shapes (settings and subscriptions), named after HubSpot's
schemas; the same at ``/webhooks/v3`` and each dated path (``app.WEBHOOK_PATHS``)."""

from __future__ import annotations

from typing import Literal

from msgspec import Struct, field

from localspot.wire.errors import StandardError

EventType = Literal[
    "company.associationChange",
    "company.creation",
    "company.deletion",
    "company.merge",
    "company.propertyChange",
    "company.restore",
    "contact.associationChange",
    "contact.creation",
    "contact.deletion",
    "contact.merge",
    "contact.privacyDeletion",
    "contact.propertyChange",
    "contact.restore",
    "conversation.creation",
    "conversation.deletion",
    "conversation.newMessage",
    "conversation.privacyDeletion",
    "conversation.propertyChange",
    "deal.associationChange",
    "deal.creation",
    "deal.deletion",
    "deal.merge",
    "deal.propertyChange",
    "deal.restore",
    "event.completed",
    "line_item.associationChange",
    "line_item.creation",
    "line_item.deletion",
    "line_item.merge",
    "line_item.propertyChange",
    "line_item.restore",
    "object.associationChange",
    "object.creation",
    "object.deletion",
    "object.merge",
    "object.propertyChange",
    "object.restore",
    "product.creation",
    "product.deletion",
    "product.merge",
    "product.propertyChange",
    "product.restore",
    "ticket.associationChange",
    "ticket.creation",
    "ticket.deletion",
    "ticket.merge",
    "ticket.propertyChange",
    "ticket.restore",
]
"""Every event type HubSpot's schema lists; localspot refuses those it does not serve
(``crm/webhook_events.py``) with a 400 of its own."""


class ThrottlingSettings(Struct, rename="camel"):
    max_concurrent_requests: int


class SettingsChangeRequest(Struct, rename="camel"):
    target_url: str
    throttling: ThrottlingSettings


class SettingsResponse(Struct, rename="camel", omit_defaults=True):
    created_at: str
    target_url: str
    throttling: ThrottlingSettings
    updated_at: str | None = None


class SubscriptionCreateRequest(Struct, rename="camel"):
    event_type: EventType
    active: bool | None = None
    """Absent: the subscription starts paused (HubSpot's default)."""
    property_name: str | None = None
    object_type_id: str | None = None


class SubscriptionPatchRequest(Struct, rename="camel"):
    active: bool | None = None


class SubscriptionResponse(Struct, rename="camel", omit_defaults=True):
    active: bool
    created_at: str
    event_type: EventType
    id: str
    updated_at: str | None = None
    property_name: str | None = None
    object_type_id: str | None = None
    """Only for the generic ``object.*`` event types."""


class SubscriptionListResponse(Struct, rename="camel"):
    results: list[SubscriptionResponse]


class SubscriptionBatchUpdateRequest(Struct, rename="camel"):
    active: bool
    id: int


class BatchInputSubscriptionBatchUpdateRequest(Struct, rename="camel"):
    inputs: list[SubscriptionBatchUpdateRequest]


class BatchResponseSubscriptionResponse(Struct, rename="camel", omit_defaults=True):
    status: Literal["CANCELED", "COMPLETE", "PENDING", "PROCESSING"]
    results: list[SubscriptionResponse]
    started_at: str
    completed_at: str
    requested_at: str | None = None
    links: dict[str, str] = field(default_factory=dict)


class BatchResponseSubscriptionResponseWithErrors(BatchResponseSubscriptionResponse):
    num_errors: int = 0
    errors: list[StandardError] = field(default_factory=list)
