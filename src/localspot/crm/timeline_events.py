"""Timeline events: create (one or a batch), read, detail and render (hubspot-behaviour §18.5),
called with a portal's bearer token.

An event names its template; the template's app must be installed in the portal (an app's
OAuth token is what sends HubSpot's events), else the template is not found. Its record is
``objectId`` (a live record of the template's type), or for contacts ``email``: an email no
contact has makes the contact, as HubSpot does. Token values are checked against the
template's token types. Once written an event never changes; then, as HubSpot "attempts",
the values of tokens with an ``objectPropertyName`` (and an ``email`` sent with an
``objectId``) are written to the record by the record update use case, and a value the
property refuses is left out (compatibility.md).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, Protocol

from localspot.clock import Clock
from localspot.crm import batch_rules, creates, object_types, timeline_render, writes
from localspot.crm.app_urls import check_app_url
from localspot.crm.apps_storage import AppsStorage
from localspot.crm.context import CrmContext, RecordUseCaseStorage
from localspot.crm.errors import Conflict, HubSpotError, ResourceNotFound, ValidationError
from localspot.crm.model import CreateInput, InputError, Principal
from localspot.crm.property_types import parse_instant
from localspot.crm.timeline_storage import (
    EventIFrame,
    EventsCreated,
    EventTemplate,
    TimelineEvent,
    TimelineStorage,
)
from localspot.crm.timeline_templates import (
    OBJECT_TYPES,
    parse_template_id,
    refuse_nul,
    template_not_found,
)
from localspot.crm.type_registry import PortalTypes

MAX_EVENT_ID = 255
UUID_MARK = "{{uuid}}"


class TimelineEventsStorage(TimelineStorage, AppsStorage, RecordUseCaseStorage, Protocol):
    """The templates and events, which apps a portal has, and the records events are on."""


@dataclass(frozen=True, slots=True)
class EventCall:
    store: TimelineEventsStorage
    clock: Clock
    principal: Principal
    types: PortalTypes
    max_batch_inputs: int = 100

    @property
    def portal_id(self) -> int:
        return self.principal.portal_id

    def records(self, object_type: str) -> CrmContext[RecordUseCaseStorage]:
        return CrmContext(
            store=self.store,
            clock=self.clock,
            principal=self.principal,
            object_type=object_types.resolve(object_type),
            max_batch_inputs=self.max_batch_inputs,
            types=self.types,
        )


@dataclass(frozen=True, slots=True)
class EventInput:
    """One event as the request gave it (not yet checked)."""

    event_template_id: str
    tokens: Mapping[str, str]
    id: str | None = None
    object_id: str | None = None
    email: str | None = None
    utk: str | None = None
    domain: str | None = None
    timestamp: str | None = None
    extra_data: Mapping[str, Any] | None = None
    iframe: EventIFrame | None = None


@dataclass(frozen=True, slots=True)
class EventsOutcome:
    events: tuple[TimelineEvent, ...]
    errors: tuple[InputError, ...]


@dataclass(frozen=True, slots=True)
class _Planned:
    position: int
    item: EventInput
    template: EventTemplate
    event_id: str
    timestamp: int
    object_id: int | None


async def _template(call: EventCall, raw_id: str, cache: dict[str, EventTemplate]) -> EventTemplate:
    if raw_id in cache:
        return cache[raw_id]
    template_id = parse_template_id(raw_id.strip())
    found = await call.store.event_template(template_id) if template_id else None
    if found is not None:
        apps = await call.store.apps([found.app_id])
        if apps and call.portal_id in apps[0].portal_ids:
            cache[raw_id] = found
            return found
    raise template_not_found(raw_id)


def _bad_token(message: str, template: EventTemplate, name: str) -> ValidationError:
    return ValidationError(
        message, context={"eventTemplateId": [str(template.id)], "tokenName": [name]}
    )


def _token_value_ok(kind: str, value: str, options: frozenset[str]) -> bool:
    if kind == "number":
        try:
            return math.isfinite(float(value))
        except ValueError:
            return False
    if kind == "date":
        return parse_instant(value) is not None
    if kind == "enumeration":
        return value in options
    return True


def check_tokens(template: EventTemplate, tokens: Mapping[str, str]) -> None:
    """Every name a token of the template, every value of its type (none is required)."""
    defined = {t.name: t for t in template.tokens}
    for name, value in tokens.items():
        token = defined.get(name)
        if token is None:
            message = f"Token {name} is not defined on event template {template.id}"
            raise _bad_token(message, template, name)
        options = frozenset(o.value for o in token.options)
        if not _token_value_ok(token.type, value, options):
            allowed = f" (one of {', '.join(sorted(options))})" if options else ""
            message = f"Invalid value {value!r} for {token.type} token {name}{allowed}"
            raise _bad_token(message, template, name)


def _event_id(raw: str | None) -> str:
    if raw is None or not raw.strip():
        return str(uuid.uuid4())
    made = raw.replace(UUID_MARK, str(uuid.uuid4()))
    if len(made) > MAX_EVENT_ID or any(c < " " or c == "/" for c in made):
        raise ValidationError(  # a "/" would make the event's own path unreadable
            f"An event id has at most {MAX_EVENT_ID} characters, no control characters and no /",
            context={"id": [raw]},
        )
    return made


def _check_iframe(iframe: EventIFrame | None) -> None:
    """The page HubSpot would open in a frame: an app URL (https, or http to a local
    receiver) of a size a frame can have."""
    if iframe is None:
        return
    check_app_url(iframe.url, "timelineIFrame.url", "timelineIFrame url")
    for name, size in (("width", iframe.width), ("height", iframe.height)):
        if size < 1:
            raise ValidationError(
                f"timelineIFrame {name} must be at least 1, got {size}",
                context={f"timelineIFrame.{name}": [str(size)]},
            )


def _timestamp(raw: str | None, now: int) -> int:
    if raw is None:
        return now
    instant = parse_instant(raw)
    if instant is None:
        raise ValidationError(f"Invalid timestamp {raw}", context={"timestamp": [raw]})
    return instant


async def _object_id(call: EventCall, template: EventTemplate, item: EventInput) -> int | None:
    """The record's id; None: a contact to find or make by email (after every check)."""
    type_id = OBJECT_TYPES[template.object_type]
    if item.object_id is not None and item.object_id.strip():
        raw = item.object_id.strip()
        record_id = batch_rules.parse_record_id(raw)
        live = await call.store.live_ids(call.portal_id, type_id, [record_id]) if record_id else ()
        if record_id is None or record_id not in live:
            raise ResourceNotFound(
                f"No {template.object_type} record {raw} for event template {template.id}",
                context={"objectId": [raw]},
            )
        return record_id
    if template.object_type != "contacts":
        message = f"objectId is required for events of {template.object_type}"
        raise ValidationError(message, context={"objectId": []})
    if item.email and item.email.strip():
        return None
    message = (
        "An event for contacts needs objectId or email (a utk alone identifies no contact here)"
    )
    raise ValidationError(message, context={"objectId": [], "utk": [item.utk or ""]})


async def _plan(
    call: EventCall, position: int, item: EventInput, cache: dict[str, EventTemplate]
) -> _Planned:
    refuse_nul("event", item)
    template = await _template(call, item.event_template_id, cache)
    check_tokens(template, item.tokens)
    event_id = _event_id(item.id)
    _check_iframe(item.iframe)
    timestamp = _timestamp(item.timestamp, call.clock.now_ms())
    object_id = await _object_id(call, template, item)
    return _Planned(position, item, template, event_id, timestamp, object_id)


async def _contact_of(call: EventCall, email: str) -> int:
    """The contact with this email, made when there is none."""
    text = email.strip()
    found = await call.store.resolve_unique(
        call.portal_id, "0-1", "email", sorted({text, text.lower()})
    )
    if found:
        return next(iter(found.values()))
    made, _ = await creates.create_one(call.records("contacts"), CreateInput({"email": text}))
    return made.id


def _event(planned: _Planned, object_id: int, created_at: int) -> TimelineEvent:
    item = planned.item
    return TimelineEvent(
        template_id=planned.template.id,
        id=planned.event_id,
        object_type=planned.template.object_type,
        object_id=object_id,
        tokens=dict(item.tokens),
        timestamp=planned.timestamp,
        created_at=created_at,
        extra_data=item.extra_data,
        iframe=item.iframe,
        email=item.email,
        utk=item.utk,
        domain=item.domain,
    )


def _input_error(problem: HubSpotError) -> InputError:
    context = {k: tuple(v) for k, v in problem.context.items()}
    return InputError(problem.category, problem.message, context=context)


def _taken(event: TimelineEvent) -> Conflict:
    return Conflict(
        f"Event {event.id} of event template {event.template_id} already exists",
        context={"eventTemplateId": [str(event.template_id)], "id": [event.id]},
    )


def _refusal(event: TimelineEvent, created: EventsCreated) -> HubSpotError | None:
    """Why the store did not write the event (None: it did)."""
    if event.template_id in created.templates_gone:
        return template_not_found(event.template_id)
    if (event.template_id, event.id) in created.taken:
        return _taken(event)
    return None


async def _stamp(
    call: EventCall, event: TimelineEvent, template: EventTemplate, *, email_too: bool
) -> None:
    """Best effort: each value the record's property takes is written. ``email_too``: the
    event named its contact by ``objectId``, so its ``email`` is the contact's new email;
    an email that found (or made) the contact changes nothing."""
    values = {
        t.object_property_name: event.tokens[t.name]
        for t in template.tokens
        if t.object_property_name and t.name in event.tokens
    }
    if email_too and event.email and event.object_type == "contacts":
        values.setdefault("email", event.email.strip())
    if not values:
        return
    ctx, record_id = call.records(event.object_type), str(event.object_id)
    try:
        await writes.update_one(ctx, record_id, None, values)
        return
    except HubSpotError:
        if len(values) == 1:
            return
    for name, value in values.items():
        with suppress(HubSpotError):
            await writes.update_one(ctx, record_id, None, {name: value})


async def create_many(
    call: EventCall, inputs: Sequence[EventInput], *, batch: bool
) -> EventsOutcome:
    """Single create (``batch=False``): the first problem is the request's error. Batch:
    each input's problem is one error of a 207, the others are written."""
    if batch:
        batch_rules.check_batch_size(len(inputs), call.max_batch_inputs)
    cache: dict[str, EventTemplate] = {}
    planned: list[_Planned] = []
    errors: list[InputError] = []
    for position, item in enumerate(inputs):
        try:
            planned.append(await _plan(call, position, item, cache))
        except HubSpotError as problem:
            if not batch:
                raise
            errors.append(_input_error(problem))
    explicit = [(p.template.id, p.event_id) for p in planned if p.item.id]
    batch_rules.reject_duplicates(f"{t}/{i}" for t, i in explicit)
    events: list[TimelineEvent] = []
    found_by_email: set[tuple[int, str]] = set()
    now = call.clock.now_ms()
    for p in planned:
        try:
            object_id = p.object_id
            if object_id is None:
                object_id = await _contact_of(call, p.item.email or "")
                found_by_email.add((p.template.id, p.event_id))
        except HubSpotError as problem:
            if not batch:
                raise
            errors.append(_input_error(problem))
            continue
        events.append(_event(p, object_id, now))
    created = await call.store.create_timeline_events(call.portal_id, events)
    for event in events:
        refused = _refusal(event, created)
        if refused is None:
            continue
        if not batch:
            raise refused
        errors.append(_input_error(refused))
    templates = {p.template.id: p.template for p in planned}
    for event in created.events:
        by_email = (event.template_id, event.id) in found_by_email
        await _stamp(call, event, templates[event.template_id], email_too=not by_email)
    return EventsOutcome(created.events, tuple(errors))


async def get(call: EventCall, raw_template_id: str, event_id: str) -> TimelineEvent:
    template_id = parse_template_id(raw_template_id)
    found = (
        await call.store.timeline_event(call.portal_id, template_id, event_id)
        if template_id
        else None
    )
    if found is None:
        raise ResourceNotFound(
            f"Event {event_id} of event template {raw_template_id} not found",
            context={"eventTemplateId": [raw_template_id], "eventId": [event_id]},
        )
    return found


async def _with_template(
    call: EventCall, raw_template_id: str, event_id: str
) -> tuple[EventTemplate, TimelineEvent]:
    event = await get(call, raw_template_id, event_id)
    template = await call.store.event_template(event.template_id)
    if template is None:
        raise template_not_found(raw_template_id)
    return template, event


async def detail(call: EventCall, raw_template_id: str, event_id: str) -> str:
    template, event = await _with_template(call, raw_template_id, event_id)
    return timeline_render.detail(template, event)


async def render(call: EventCall, raw_template_id: str, event_id: str, *, detail: bool) -> str:
    template, event = await _with_template(call, raw_template_id, event_id)
    return timeline_render.html(template, event, detail=detail)
