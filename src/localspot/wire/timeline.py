"""HubSpot's Timeline events API v3 shapes (event templates, tokens, events), named after
HubSpot's schemas, field names as the official SDKs' models spell them."""

from __future__ import annotations

from typing import Any, Literal

from msgspec import Struct, field

from localspot.wire.errors import StandardError

TokenType = Literal["date", "enumeration", "number", "string"]


class TimelineEventTemplateTokenOption(Struct, rename="camel"):
    label: str
    value: str


class TimelineEventTemplateToken(Struct, rename="camel", omit_defaults=True):
    """A token as a request gives it and as a response shows it (with its times)."""

    label: str
    name: str
    type: TokenType
    options: list[TimelineEventTemplateTokenOption] | None = None
    """Optional in a request; a response always has it (``[]`` unless an enumeration), as
    HubSpot's schema requires it and HubSpot's example answers it."""
    object_property_name: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


class TimelineEventTemplateTokenUpdateRequest(Struct, rename="camel"):
    label: str
    options: list[TimelineEventTemplateTokenOption] | None = None
    """Absent: the token keeps its options."""
    object_property_name: str | None = None


class TimelineEventTemplateCreateRequest(Struct, rename="camel"):
    name: str
    object_type: str
    tokens: list[TimelineEventTemplateToken]
    header_template: str | None = None
    detail_template: str | None = None


class TimelineEventTemplateUpdateRequest(Struct, rename="camel"):
    id: str
    name: str
    tokens: list[TimelineEventTemplateToken]
    header_template: str | None = None
    detail_template: str | None = None


class TimelineEventTemplate(Struct, rename="camel", omit_defaults=True):
    id: str
    name: str
    object_type: str
    tokens: list[TimelineEventTemplateToken]
    header_template: str | None = None
    detail_template: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


class CollectionResponseTimelineEventTemplateNoPaging(Struct, rename="camel"):
    results: list[TimelineEventTemplate]


class TimelineEventIFrame(Struct, rename="camel"):
    link_label: str
    header_label: str
    url: str
    width: int
    height: int


class TimelineEvent(Struct, rename="camel"):
    event_template_id: str
    tokens: dict[str, str | int | float]
    """Values are strings; a JSON number is taken as its text, as HubSpot's reference
    examples send ``"petAge": 3`` and answer ``"petAge": "3"``."""
    id: str | None = None
    object_id: str | None = None
    email: str | None = None
    utk: str | None = None
    domain: str | None = None
    timestamp: str | None = None
    """ISO 8601 (or epoch milliseconds); absent: now."""
    extra_data: dict[str, Any] | None = None
    timeline_i_frame: TimelineEventIFrame | None = None


class TimelineEventResponse(Struct, rename="camel", omit_defaults=True):
    event_template_id: str
    id: str
    object_type: str
    tokens: dict[str, str]
    object_id: str | None = None
    email: str | None = None
    utk: str | None = None
    domain: str | None = None
    timestamp: str | None = None
    extra_data: dict[str, Any] | None = None
    timeline_i_frame: TimelineEventIFrame | None = None
    created_at: str | None = None
    """In HubSpot's schema, described as "Unused"; never answered."""


class BatchInputTimelineEvent(Struct, rename="camel"):
    inputs: list[TimelineEvent]


class BatchResponseTimelineEventResponse(Struct, rename="camel", omit_defaults=True):
    status: Literal["CANCELED", "COMPLETE", "PENDING", "PROCESSING"]
    results: list[TimelineEventResponse]
    started_at: str
    completed_at: str
    requested_at: str | None = None
    links: dict[str, str] = field(default_factory=dict)


class BatchResponseTimelineEventResponseWithErrors(BatchResponseTimelineEventResponse):
    num_errors: int = 0
    errors: list[StandardError] = field(default_factory=list)


class EventDetail(Struct, rename="camel"):
    details: str
