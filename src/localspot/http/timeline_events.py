"""Timeline events API v3: events of a portal (create, batch create, read, detail, render),
mounted at ``/integrators/timeline/v3`` behind the portal's bearer token."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.datastructures import State
from litestar.params import Parameter
from litestar.status_codes import HTTP_201_CREATED

from localspot.config import Settings
from localspot.crm import object_types, timeline_events
from localspot.crm.property_types import format_datetime
from localspot.crm.timeline_storage import EventIFrame, TimelineEvent
from localspot.crm.timeline_templates import OBJECT_TYPES
from localspot.crm.type_registry import TypeRegistry
from localspot.http.convert import standard_error
from localspot.http.openapi_specs import error_responses, multi_status
from localspot.wire import timeline as w

EVENTS = "/events"
ONE = EVENTS + "/{event_template_id:str}/{event_id:str}"
_TYPES = [object_types.resolve(name) for name in OBJECT_TYPES]
WRITE = {"access": "write", "scopes": ["timeline", *sorted({t.write_scope for t in _TYPES})]}
READ = {"access": "read", "scopes": ["timeline", *sorted({t.read_scope for t in _TYPES})]}
"""HubSpot takes the ``timeline`` scope or a scope of the object types' records."""


async def event_call(request: Request[Any, Any, State]) -> timeline_events.EventCall:
    settings: Settings = request.app.state.settings
    registry: TypeRegistry = request.app.state.registry
    principal = request.state.principal
    types, _ = await registry.resolve(principal.portal_id, "contacts")
    return timeline_events.EventCall(
        store=request.app.state.store,
        clock=request.app.state.clock,
        principal=principal,
        types=types,
        max_batch_inputs=settings.max_batch_inputs,
    )


def _iframe(frame: w.TimelineEventIFrame | None) -> EventIFrame | None:
    if frame is None:
        return None
    return EventIFrame(frame.link_label, frame.header_label, frame.url, frame.width, frame.height)


def _token_text(value: str | int | float) -> str:
    """A token's value as HubSpot keeps it: a string as sent, a number as its text."""
    return value if isinstance(value, str) else repr(value)


def event_input(event: w.TimelineEvent) -> timeline_events.EventInput:
    return timeline_events.EventInput(
        event_template_id=event.event_template_id,
        tokens={name: _token_text(value) for name, value in event.tokens.items()},
        id=event.id,
        object_id=event.object_id,
        email=event.email,
        utk=event.utk,
        domain=event.domain,
        timestamp=event.timestamp,
        extra_data=event.extra_data,
        iframe=_iframe(event.timeline_i_frame),
    )


def event_response(event: TimelineEvent) -> w.TimelineEventResponse:
    frame = event.iframe
    return w.TimelineEventResponse(
        event_template_id=str(event.template_id),
        id=event.id,
        object_type=event.object_type,
        tokens=dict(event.tokens),
        object_id=str(event.object_id),
        email=event.email,
        utk=event.utk,
        domain=event.domain,
        timestamp=format_datetime(event.timestamp),
        extra_data=dict(event.extra_data) if event.extra_data is not None else None,
        timeline_i_frame=(
            w.TimelineEventIFrame(
                frame.link_label, frame.header_label, frame.url, frame.width, frame.height
            )
            if frame is not None
            else None
        ),
    )  # no createdAt: HubSpot's schema calls it "Unused" and its example answers lack it


class TimelineEventsController(Controller):
    path = "/"
    tags = ["Timeline"]

    @post(
        EVENTS,
        status_code=HTTP_201_CREATED,
        opt=WRITE,
        responses=error_responses(),
        summary="Create a timeline event",
    )
    async def create(
        self, request: Request[Any, Any, State], data: w.TimelineEvent
    ) -> w.TimelineEventResponse:
        call = await event_call(request)
        done = await timeline_events.create_many(call, [event_input(data)], batch=False)
        return event_response(done.events[0])

    @post(
        EVENTS + "/batch/create",
        status_code=HTTP_201_CREATED,
        opt=WRITE,
        responses=multi_status(w.BatchResponseTimelineEventResponseWithErrors),
        summary="Create a batch of timeline events",
    )
    async def create_batch(
        self, request: Request[Any, Any, State], data: w.BatchInputTimelineEvent
    ) -> Response[w.BatchResponseTimelineEventResponse]:
        call = await event_call(request)
        started = call.clock.now_ms()
        inputs = [event_input(e) for e in data.inputs]
        done = await timeline_events.create_many(call, inputs, batch=True)
        common: dict[str, Any] = {
            "status": "COMPLETE",
            "results": [event_response(e) for e in done.events],
            "started_at": format_datetime(started),
            "completed_at": format_datetime(call.clock.now_ms()),
        }
        if not done.errors:
            return Response(w.BatchResponseTimelineEventResponse(**common), status_code=201)
        partial = w.BatchResponseTimelineEventResponseWithErrors(
            **common,
            num_errors=len(done.errors),
            errors=[standard_error(e) for e in done.errors],
        )
        return Response(partial, status_code=207)

    @get(ONE, opt=READ, responses=error_responses(), summary="Read a timeline event")
    async def get_by_id(
        self, request: Request[Any, Any, State], event_template_id: str, event_id: str
    ) -> w.TimelineEventResponse:
        call = await event_call(request)
        found = await timeline_events.get(call, event_template_id, event_id)
        return event_response(found)

    @get(
        ONE + "/detail",
        opt=READ,
        responses=error_responses(),
        summary="An event's detail template, filled in, as HTML",
    )
    async def get_detail_by_id(
        self, request: Request[Any, Any, State], event_template_id: str, event_id: str
    ) -> w.EventDetail:
        call = await event_call(request)
        return w.EventDetail(await timeline_events.detail(call, event_template_id, event_id))

    @get(
        ONE + "/render",
        opt=READ,
        media_type=MediaType.HTML,
        responses=error_responses(),
        summary="An event's header (or detail) template, filled in, as HTML",
    )
    async def get_render_by_id(
        self,
        request: Request[Any, Any, State],
        event_template_id: str,
        event_id: str,
        detail: bool = Parameter(query="detail", default=False, required=False),
    ) -> str:
        call = await event_call(request)
        return await timeline_events.render(call, event_template_id, event_id, detail=detail)
