"""The timeline role's SQL (templates with their tokens, and portals' events), one function of
a ``Connection`` per method, for both databases; also used by ``admin_sql`` for resets and
snapshots."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, tuple_, update

from localspot.crm.timeline_storage import (
    EventIFrame,
    EventsCreated,
    EventTemplate,
    NewTemplate,
    TemplateToken,
    TimelineEvent,
    TokenOption,
)
from localspot.store.bulk import json_map
from localspot.store.dialect import dialect_of
from localspot.store.timeline_schema import timeline_event_templates, timeline_events

T = timeline_event_templates.c
E = timeline_events.c


def _token_row(token: TemplateToken) -> dict[str, Any]:
    return {
        "name": token.name,
        "label": token.label,
        "type": token.type,
        "options": [{"label": o.label, "value": o.value} for o in token.options],
        "objectPropertyName": token.object_property_name,
        "createdAt": token.created_at,
        "updatedAt": token.updated_at,
    }


def _token(row: dict[str, Any]) -> TemplateToken:
    return TemplateToken(
        name=row["name"],
        label=row["label"],
        type=row["type"],
        options=tuple(TokenOption(o["label"], o["value"]) for o in row.get("options", ())),
        object_property_name=row.get("objectPropertyName"),
        created_at=row["createdAt"],
        updated_at=row["updatedAt"],
    )


def _template(row: Any) -> EventTemplate:
    return EventTemplate(
        id=row.id,
        app_id=row.app_id,
        name=row.name,
        object_type=row.object_type,
        header_template=row.header_template,
        detail_template=row.detail_template,
        tokens=tuple(_token(t) for t in json_map(row.tokens)),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def templates_of(conn: Connection, app_id: int) -> list[EventTemplate]:
    rows = conn.execute(select(timeline_event_templates).where(T.app_id == app_id).order_by(T.id))
    return [_template(r) for r in rows]


def template_by_id(conn: Connection, template_id: int) -> EventTemplate | None:
    row = conn.execute(select(timeline_event_templates).where(T.id == template_id)).first()
    return _template(row) if row else None


def create_template(
    conn: Connection, app_id: int, new: NewTemplate, at: int, limit: int
) -> EventTemplate | None:
    dialect_of(conn).serialize(conn, f"timeline_event_templates:{app_id}")
    held = conn.execute(select(func.count()).where(T.app_id == app_id)).scalar_one()
    if held >= limit:
        return None
    row = {
        "app_id": app_id,
        "name": new.name,
        "object_type": new.object_type,
        "header_template": new.header_template,
        "detail_template": new.detail_template,
        "tokens": [_token_row(t) for t in new.tokens],
        "created_at": at,
        "updated_at": at,
    }
    made = conn.execute(insert(timeline_event_templates).values(row).returning(T.id))
    return template_by_id(conn, int(made.scalar_one()))


def save_template(conn: Connection, template: EventTemplate) -> EventTemplate | None:
    done = conn.execute(
        update(timeline_event_templates)
        .where(T.id == template.id, T.app_id == template.app_id)
        .values(
            name=template.name,
            header_template=template.header_template,
            detail_template=template.detail_template,
            tokens=[_token_row(t) for t in template.tokens],
            updated_at=template.updated_at,
        )
    )
    return template_by_id(conn, template.id) if done.rowcount else None


def delete_template(conn: Connection, app_id: int, template_id: int) -> bool:
    done = conn.execute(
        delete(timeline_event_templates).where(T.id == template_id, T.app_id == app_id)
    )
    if not done.rowcount:
        return False
    conn.execute(delete(timeline_events).where(E.template_id == template_id))
    return True


def _iframe(value: Any) -> EventIFrame | None:
    found = json_map(value) if value is not None else None
    if not found:
        return None
    return EventIFrame(
        found["linkLabel"], found["headerLabel"], found["url"], found["width"], found["height"]
    )


def _event(row: Any) -> TimelineEvent:
    extra = json_map(row.extra_data) if row.extra_data is not None else None
    return TimelineEvent(
        template_id=row.template_id,
        id=row.event_id,
        object_type=row.object_type,
        object_id=row.object_id,
        tokens=json_map(row.tokens),
        timestamp=row.timestamp,
        created_at=row.created_at,
        extra_data=extra,
        iframe=_iframe(row.iframe),
        email=row.email,
        utk=row.utk,
        domain=row.domain,
    )


def _event_row(portal_id: int, event: TimelineEvent) -> dict[str, Any]:
    frame = event.iframe
    return {
        "portal_id": portal_id,
        "template_id": event.template_id,
        "event_id": event.id,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "tokens": dict(event.tokens),
        "extra_data": dict(event.extra_data) if event.extra_data is not None else None,
        "iframe": (
            {
                "linkLabel": frame.link_label,
                "headerLabel": frame.header_label,
                "url": frame.url,
                "width": frame.width,
                "height": frame.height,
            }
            if frame is not None
            else None
        ),
        "email": event.email,
        "utk": event.utk,
        "domain": event.domain,
        "timestamp": event.timestamp,
        "created_at": event.created_at,
    }


def create_events(
    conn: Connection, portal_id: int, events: Sequence[TimelineEvent]
) -> EventsCreated:
    if not events:
        return EventsCreated(())
    dialect_of(conn).serialize(conn, f"timeline_events:{portal_id}")
    template_ids = sorted({e.template_id for e in events})
    live = set(conn.execute(select(T.id).where(T.id.in_(template_ids))).scalars())
    keys = [(e.template_id, e.id) for e in events]
    held = conn.execute(
        select(E.template_id, E.event_id).where(
            E.portal_id == portal_id, tuple_(E.template_id, E.event_id).in_(keys)
        )
    )
    taken = {(r.template_id, r.event_id) for r in held}
    written = [e for e in events if e.template_id in live and (e.template_id, e.id) not in taken]
    if written:
        conn.execute(insert(timeline_events), [_event_row(portal_id, e) for e in written])
    return EventsCreated(tuple(written), frozenset(taken), frozenset(set(template_ids) - live))


def event_by_id(
    conn: Connection, portal_id: int, template_id: int, event_id: str
) -> TimelineEvent | None:
    row = conn.execute(
        select(timeline_events).where(
            E.portal_id == portal_id, E.template_id == template_id, E.event_id == event_id
        )
    ).first()
    return _event(row) if row else None


def events_of(conn: Connection, portal_id: int) -> list[TimelineEvent]:
    """Every event of the portal, by template and id (snapshots)."""
    rows = conn.execute(
        select(timeline_events).where(E.portal_id == portal_id).order_by(E.template_id, E.event_id)
    )
    return [_event(r) for r in rows]


def events_on(
    conn: Connection, portal_id: int, object_type: str, object_id: int, limit: int
) -> list[TimelineEvent]:
    """A record's newest events, through the events' record index."""
    rows = conn.execute(
        select(timeline_events)
        .where(E.portal_id == portal_id, E.object_type == object_type, E.object_id == object_id)
        .order_by(E.timestamp.desc(), E.created_at.desc(), E.template_id, E.event_id)
        .limit(limit)
    )
    return [_event(r) for r in rows]


def write_events(conn: Connection, portal_id: int, events: Iterable[TimelineEvent]) -> None:
    """A restore's events: those whose template the server has (templates live outside any
    portal, as apps do); the others are left out."""
    wanted = list(events)
    ids = sorted({e.template_id for e in wanted})
    live = set(conn.execute(select(T.id).where(T.id.in_(ids))).scalars()) if ids else set()
    rows = [_event_row(portal_id, e) for e in wanted if e.template_id in live]
    if rows:
        conn.execute(insert(timeline_events), rows)


def clear(conn: Connection, portal_id: int) -> None:
    conn.execute(delete(timeline_events).where(E.portal_id == portal_id))
