"""The timeline role of ``SqlStore`` (``crm/timeline_storage.py``), over ``timeline_sql``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from localspot.crm.timeline_storage import (
    EventsCreated,
    EventTemplate,
    NewTemplate,
    TimelineEvent,
)
from localspot.store import timeline_sql
from localspot.store.runs import Runs

T = TypeVar("T")


class TimelineSqlStore(Runs):
    """Mixed into ``SqlStore``, which says how a transaction runs."""

    async def event_templates(self, app_id: int) -> Sequence[EventTemplate]:
        return await self._lookup(lambda c: timeline_sql.templates_of(c, app_id))

    async def event_template(self, template_id: int) -> EventTemplate | None:
        return await self._lookup(lambda c: timeline_sql.template_by_id(c, template_id))

    async def create_event_template(
        self, app_id: int, new: NewTemplate, at: int, *, limit: int
    ) -> EventTemplate | None:
        return await self._write(lambda c: timeline_sql.create_template(c, app_id, new, at, limit))

    async def save_event_template(self, template: EventTemplate) -> EventTemplate | None:
        return await self._write(lambda c: timeline_sql.save_template(c, template))

    async def delete_event_template(self, app_id: int, template_id: int) -> bool:
        return await self._write(lambda c: timeline_sql.delete_template(c, app_id, template_id))

    async def create_timeline_events(
        self, portal_id: int, events: Sequence[TimelineEvent]
    ) -> EventsCreated:
        return await self._write(lambda c: timeline_sql.create_events(c, portal_id, events))

    async def timeline_event(
        self, portal_id: int, template_id: int, event_id: str
    ) -> TimelineEvent | None:
        return await self._lookup(
            lambda c: timeline_sql.event_by_id(c, portal_id, template_id, event_id)
        )

    async def record_timeline_events(
        self, portal_id: int, object_type: str, object_id: int, limit: int
    ) -> Sequence[TimelineEvent]:
        return await self._read(
            lambda c: timeline_sql.events_on(c, portal_id, object_type, object_id, limit)
        )
