"""The ``localspot`` fixture and timeline events: an app's template made with its developer
key, an event sent with the portal's token, both through the official SDK; the per-test
reset leaves the portal no events, and a snapshot brings them back."""

from __future__ import annotations

import pytest
from hubspot.crm.timeline import (
    ApiException,
    TimelineEvent,
    TimelineEventTemplateCreateRequest,
    TimelineEventTemplateToken,
)

from localspot.testing import LocalSpot


def test_events_are_part_of_snapshots_and_the_clean_start(localspot: LocalSpot) -> None:
    app = localspot.apps.create("Timeline plugin app")
    templates = localspot.apps.client(app).crm.timeline.templates_api
    template = templates.create(
        app["appId"],
        TimelineEventTemplateCreateRequest(
            name="Signed up",
            object_type="contacts",
            header_template="Signed up for {{plan}}",
            tokens=[TimelineEventTemplateToken(name="plan", label="Plan", type="string")],
        ),
    )
    events = localspot.client.crm.timeline.events_api
    made = events.create(
        TimelineEvent(
            event_template_id=template.id, email="plugin@example.com", tokens={"plan": "pro"}
        )
    )
    assert events.get_render_by_id(template.id, made.id) == "<p>Signed up for pro</p>\n"
    saved = localspot.snapshot()
    localspot.start_clean()  # what the fixture does before each test
    with pytest.raises(ApiException) as gone:
        events.get_by_id(template.id, made.id)
    assert gone.value.status == 404
    localspot.restore(saved)
    assert events.get_by_id(template.id, made.id) == made
