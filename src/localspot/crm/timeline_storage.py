"""The timeline role: apps' event templates (with their tokens) and portals' timeline events
(Timeline events API v3, hubspot-behaviour §18).

Templates belong to an app, not to a portal (as webhook subscriptions do): an app's
templates serve every portal it is installed in. Events belong to a portal, keyed by
(template, event id) within it; deleting a template deletes its events in every portal.
The rules every role keeps are in ``crm/storage.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class TokenOption:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class TemplateToken:
    name: str
    label: str
    type: str
    """``string``, ``number``, ``date`` or ``enumeration``."""
    options: tuple[TokenOption, ...] = ()
    object_property_name: str | None = None
    created_at: int = 0
    updated_at: int = 0


@dataclass(frozen=True, slots=True)
class EventTemplate:
    id: int
    app_id: int
    name: str
    object_type: str
    """The plural name HubSpot shows: ``contacts``, ``companies``, ``deals``, ``tickets``."""
    header_template: str | None
    detail_template: str | None
    tokens: tuple[TemplateToken, ...]
    created_at: int
    updated_at: int


@dataclass(frozen=True, slots=True)
class NewTemplate:
    name: str
    object_type: str
    header_template: str | None
    detail_template: str | None
    tokens: tuple[TemplateToken, ...]


@dataclass(frozen=True, slots=True)
class EventIFrame:
    link_label: str
    header_label: str
    url: str
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    template_id: int
    id: str
    object_type: str
    object_id: int
    tokens: Mapping[str, str]
    timestamp: int
    created_at: int
    extra_data: Mapping[str, Any] | None = None
    iframe: EventIFrame | None = None
    email: str | None = None
    utk: str | None = None
    domain: str | None = None


@dataclass(frozen=True, slots=True)
class EventsCreated:
    events: tuple[TimelineEvent, ...]
    """Those written, in input order."""
    taken: frozenset[tuple[int, str]] = frozenset()
    """(template id, event id) pairs the portal holds already: not written."""
    templates_gone: frozenset[int] = frozenset()
    """Templates deleted before the write: their events were not written."""


class TimelineStorage(Protocol):
    async def event_templates(self, app_id: int) -> Sequence[EventTemplate]:
        """The app's templates, by id."""
        ...

    async def event_template(self, template_id: int) -> EventTemplate | None:
        """A template of any app (an event names its template, not its app)."""
        ...

    async def create_event_template(
        self, app_id: int, new: NewTemplate, at: int, *, limit: int
    ) -> EventTemplate | None:
        """None (nothing written) when the app holds ``limit`` templates already; creates
        of one app take turns."""
        ...

    async def save_event_template(self, template: EventTemplate) -> EventTemplate | None:
        """Replace the template's name, texts and tokens (as given, times included); None
        when the app has no such template."""
        ...

    async def delete_event_template(self, app_id: int, template_id: int) -> bool:
        """The template and its events in every portal; False when the app has none such."""
        ...

    async def create_timeline_events(
        self, portal_id: int, events: Sequence[TimelineEvent]
    ) -> EventsCreated:
        """One transaction: every event whose (template, id) is free in the portal and whose
        template still exists."""
        ...

    async def timeline_event(
        self, portal_id: int, template_id: int, event_id: str
    ) -> TimelineEvent | None: ...

    async def record_timeline_events(
        self, portal_id: int, object_type: str, object_id: int, limit: int
    ) -> Sequence[TimelineEvent]:
        """Up to ``limit`` events on one record (``object_type`` as events name it:
        ``contacts``...), newest first by timestamp."""
        ...
