"""Store contract, timeline role: ``event_templates``, ``event_template``,
``create_event_template``, ``save_event_template``, ``delete_event_template``,
``create_timeline_events``, ``timeline_event``, ``record_timeline_events``.

Templates live outside portals (an app's); events belong to a portal, keyed by (template,
event id) there. Deleting a template deletes its events in every portal; a portal reset,
dump and restore handle the portal's events.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from localspot.crm.apps_storage import NewApp
from localspot.crm.storage import Store
from localspot.crm.timeline_storage import (
    EventIFrame,
    EventsCreated,
    NewTemplate,
    TemplateToken,
    TimelineEvent,
    TokenOption,
)

from .conftest import AT, Run

PLAN = TemplateToken(
    "plan", "Plan", "enumeration", (TokenOption("Pro", "pro"),), "jobtitle", AT, AT
)
WEBINAR = NewTemplate("Webinar", "contacts", "# {{plan}}", None, (PLAN,))


def new_app(store: Store, run: Run, portal: int) -> int:
    app = run(store.create_app(NewApp("Timeline", "s", uuid.uuid4().hex, AT), portal))
    assert app is not None
    return app.id


def event(template_id: int, event_id: str, object_id: int = 7, **extra: object) -> TimelineEvent:
    return TimelineEvent(
        template_id=template_id,
        id=event_id,
        object_type="contacts",
        object_id=object_id,
        tokens={"plan": "pro"},
        timestamp=AT - 5,
        created_at=AT,
        **extra,  # type: ignore[arg-type]
    )


def test_templates_are_made_listed_saved_and_deleted(store: Store, run: Run, portal: int) -> None:
    app = new_app(store, run, portal)
    made = run(store.create_event_template(app, WEBINAR, AT, limit=750))
    assert made is not None
    assert (made.app_id, made.name, made.tokens, made.created_at) == (app, "Webinar", (PLAN,), AT)
    assert run(store.event_template(made.id)) == made
    assert run(store.event_templates(app)) == [made]
    changed = replace(made, name="Seminar", tokens=(), updated_at=AT + 1)
    assert run(store.save_event_template(changed)) == changed
    elsewhere = replace(changed, app_id=app + 1000)
    assert run(store.save_event_template(elsewhere)) is None
    assert not run(store.delete_event_template(app + 1000, made.id))
    assert run(store.delete_event_template(app, made.id))
    assert run(store.event_template(made.id)) is None


def test_the_template_limit_writes_nothing(store: Store, run: Run, portal: int) -> None:
    app = new_app(store, run, portal)
    assert run(store.create_event_template(app, WEBINAR, AT, limit=1)) is not None
    assert run(store.create_event_template(app, WEBINAR, AT, limit=1)) is None
    assert len(run(store.event_templates(app))) == 1


def test_events_are_keyed_per_portal_and_template(store: Store, run: Run, portal: int) -> None:
    app = new_app(store, run, portal)
    template = run(store.create_event_template(app, WEBINAR, AT, limit=750))
    assert template is not None
    frame = EventIFrame("Open", "Frame", "https://example.com", 600, 400)
    first = event(template.id, "a", extra_data={"n": [1, "x"]}, iframe=frame, email="a@b.c")
    done = run(store.create_timeline_events(portal, [first, event(template.id, "b")]))
    assert done == EventsCreated((first, event(template.id, "b")))
    assert run(store.timeline_event(portal, template.id, "a")) == first
    again = run(store.create_timeline_events(portal, [event(template.id, "a"), event(9**9, "z")]))
    assert again == EventsCreated((), frozenset({(template.id, "a")}), frozenset({9**9}))
    other = run(store.create_portal("other"))
    assert run(store.timeline_event(other, template.id, "a")) is None
    assert run(store.create_timeline_events(other, [event(template.id, "a")])).events
    assert run(store.delete_event_template(app, template.id))
    assert run(store.timeline_event(portal, template.id, "b")) is None
    assert run(store.timeline_event(other, template.id, "a")) is None


def test_reset_dump_and_restore_carry_the_portals_events(
    store: Store, run: Run, portal: int
) -> None:
    app = new_app(store, run, portal)
    template = run(store.create_event_template(app, WEBINAR, AT, limit=750))
    assert template is not None
    made = event(template.id, "kept", extra_data={"deep": {"a": None}})
    run(store.create_timeline_events(portal, [made]))
    dump = run(store.dump_portal(portal))
    assert dump is not None and dump.timeline_events == (made,)
    assert run(store.reset_portal(portal, keep_custom_properties=False))
    assert run(store.timeline_event(portal, template.id, "kept")) is None
    lost = event(9**9, "lost")
    run(store.restore_portal(portal, replace(dump, timeline_events=(made, lost))))
    assert run(store.timeline_event(portal, template.id, "kept")) == made
    assert run(store.timeline_event(portal, 9**9, "lost")) is None


def test_a_records_events_are_read_newest_first(store: Store, run: Run, portal: int) -> None:
    app = new_app(store, run, portal)
    template = run(store.create_event_template(app, WEBINAR, AT, limit=750))
    assert template is not None
    old, new = event(template.id, "old", 9), replace(event(template.id, "new", 9), timestamp=AT)
    other = event(template.id, "elsewhere", 10)
    assert run(store.create_timeline_events(portal, [old, new, other])).events
    assert run(store.record_timeline_events(portal, "contacts", 9, 10)) == [new, old]
    assert run(store.record_timeline_events(portal, "contacts", 9, 1)) == [new]
    assert run(store.record_timeline_events(portal, "deals", 9, 10)) == []
    assert run(store.record_timeline_events(portal + 1000, "contacts", 9, 10)) == []
