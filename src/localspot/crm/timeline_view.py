"""A record's timeline events as the inspector shows them: each with its template's name
and its header and detail rendered as plain text (``timeline_render.text``), newest first."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from localspot.crm import timeline_render
from localspot.crm.timeline_storage import EventTemplate, TimelineEvent, TimelineStorage
from localspot.crm.timeline_templates import OBJECT_TYPES

SHOWN = 50
"""Events shown on a record's page (its newest)."""
_PLURAL = {type_id: name for name, type_id in OBJECT_TYPES.items()}


@dataclass(frozen=True, slots=True)
class ShownEvent:
    id: str
    template_id: int
    template_name: str
    timestamp: int
    headline: str
    detail: str


@dataclass(frozen=True, slots=True)
class RecordTimeline:
    events: Sequence[ShownEvent]
    more: bool
    """The record has more than the events shown."""


async def record_timeline(
    store: TimelineStorage, portal_id: int, type_id: str, record_id: int
) -> RecordTimeline | None:
    """The record's newest ``SHOWN`` events; None for a type events cannot be on (templates
    are for four types)."""
    if type_id not in _PLURAL:
        return None
    found = await store.record_timeline_events(portal_id, _PLURAL[type_id], record_id, SHOWN + 1)
    templates: dict[int, EventTemplate | None] = {}
    for event in found[:SHOWN]:
        if event.template_id not in templates:
            templates[event.template_id] = await store.event_template(event.template_id)
    shown = [_shown(templates[e.template_id], e) for e in found[:SHOWN]]
    return RecordTimeline(shown, len(found) > SHOWN)


def _shown(template: EventTemplate | None, event: TimelineEvent) -> ShownEvent:
    """An event whose template is gone (deleted between the two reads) shows no text."""
    if template is None:
        name, headline, detail = f"template {event.template_id}", "", ""
    else:
        name = template.name
        headline = timeline_render.text(template, event, detail=False)
        detail = timeline_render.text(template, event, detail=True)
    return ShownEvent(event.id, event.template_id, name, event.timestamp, headline, detail)
