"""Timeline events API v3 events (``/integrators/timeline/v3/events...``), with a portal's
bearer token: every SDK method's success path with client-side validation on, token values
checked against the template, the record an event is on (by id, or a contact by email,
made when there is none), object properties written from tokens, portal isolation and a
template's deletion taking its events."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hubspot.crm.timeline import (
    ApiException,
    BatchInputTimelineEvent,
    TimelineEvent,
)
from webhook_support import DevApp, developer_http, invalid, new_app

from conftest import Server, assert_hubspot_error, assert_sdk_error

EVENTS = "/integrators/timeline/v3/events"


def not_found(message: str, **context: list[str]) -> dict[str, Any]:
    return {"message": message, "category": "OBJECT_NOT_FOUND", "context": context, "errors": []}


@dataclass(frozen=True)
class Setup:
    app: DevApp
    crm: httpx.Client
    """The portal's bearer token."""
    token: str
    template: dict[str, Any]
    deal_template: dict[str, Any]


TEMPLATE: dict[str, Any] = {
    "name": "Webinar",
    "objectType": "contacts",
    "headerTemplate": "Registered for **{{webinar}}** {{extraData.note}}",
    "detailTemplate": (
        "{{#if extraData.questions}}{{#each extraData.questions}}- {{question}}: {{answer}}\n"
        "{{/each}}{{else}}No questions{{/if}}Seats: {{seats}}, plan {{plan}}"
    ),
    "tokens": [
        {"name": "webinar", "label": "Webinar", "type": "string"},
        {"name": "seats", "label": "Seats", "type": "number", "objectPropertyName": "jobtitle"},
        {"name": "when", "label": "When", "type": "date"},
        {
            "name": "plan",
            "label": "Plan",
            "type": "enumeration",
            "options": [{"label": "Free", "value": "free"}, {"label": "Pro", "value": "pro"}],
        },
    ],
}


@pytest.fixture(scope="module")
def setup(server: Server) -> Iterator[Setup]:
    portal = server.new_portal()
    app = new_app(server, "Timeline events app", portal)
    token = server.new_token("--portal", str(portal))
    headers = {"Authorization": f"Bearer {token}"}
    with (
        developer_http(server, app) as dev,
        httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as crm,
    ):
        templates = f"/integrators/timeline/v3/{app.app_id}/event-templates"
        template = dev.post(templates, json=TEMPLATE).json()
        deal_template = dev.post(
            templates,
            json={
                "name": "Deal touch",
                "objectType": "deals",
                "headerTemplate": "{{what}}",
                "tokens": [{"name": "what", "label": "What", "type": "string"}],
            },
        ).json()
        yield Setup(app, crm, token, template, deal_template)


def contact(crm: httpx.Client, **properties: str) -> str:
    made = crm.post("/crm/v3/objects/contacts", json={"properties": properties})
    assert made.status_code == 201, made.text
    found: str = made.json()["id"]
    return found


def sdk(server: Server, setup: Setup) -> Any:
    import hubspot

    return hubspot.Client.create(access_token=setup.token, host=server.base_url)


def test_events_through_the_sdk(server: Server, setup: Setup) -> None:
    events = sdk(server, setup).crm.timeline.events_api
    record = contact(setup.crm, email="ada@example.com")
    made = events.create(
        TimelineEvent(
            event_template_id=setup.template["id"],
            object_id=record,
            tokens={"webinar": "Engines", "seats": "3", "plan": "pro"},
            extra_data={"questions": [{"question": "Why?", "answer": "Because"}], "note": "x"},
            timestamp="2026-01-15T10:30:00Z",
        )
    )
    assert (made.event_template_id, made.object_id, made.object_type) == (
        setup.template["id"],
        record,
        "contacts",
    )
    assert made.tokens == {"webinar": "Engines", "seats": "3", "plan": "pro"}
    assert made.timestamp.isoformat() == "2026-01-15T10:30:00+00:00"
    assert len(made.id) == 36  # a UUID when none is given
    assert made.created_at is None  # "Unused" in HubSpot's schema, absent from its examples
    assert events.get_by_id(setup.template["id"], made.id) == made
    detail = events.get_detail_by_id(setup.template["id"], made.id)
    assert detail.details == "<ul>\n<li>Why?: Because\nSeats: 3, plan pro</li>\n</ul>\n"
    header = events.get_render_by_id(setup.template["id"], made.id)
    assert header == "<p>Registered for <strong>Engines</strong> x</p>\n"
    body = events.get_render_by_id(setup.template["id"], made.id, detail=True)
    assert body == detail.details

    batch = BatchInputTimelineEvent(
        inputs=[
            TimelineEvent(
                event_template_id=setup.template["id"],
                id="batch-{{uuid}}",
                email="grace@example.com",
                tokens={"webinar": "Compilers"},
            ),
            TimelineEvent(
                event_template_id=setup.template["id"],
                id="batch-known",
                email="ada@example.com",
                tokens={},
            ),
        ]
    )
    assert events.create_batch(batch) is None  # the SDK reads no body for this call
    known = events.get_by_id(setup.template["id"], "batch-known")
    assert known.object_id == record


def test_a_batch_answers_201_and_207_with_each_failed_input(setup: Setup) -> None:
    record = contact(setup.crm, email="batch@example.com")
    good = {"eventTemplateId": setup.template["id"], "objectId": record, "tokens": {}}
    done = setup.crm.post(f"{EVENTS}/batch/create", json={"inputs": [good, good]})
    assert done.status_code == 201, done.text
    assert set(done.json()) == {"status", "results", "startedAt", "completedAt"}
    assert [r["objectId"] for r in done.json()["results"]] == [record, record]
    assert all("createdAt" not in r for r in done.json()["results"])
    bad = {**good, "tokens": {"seats": "many"}}
    partial = setup.crm.post(
        f"{EVENTS}/batch/create", json={"inputs": [good, bad, {**good, "objectId": "999999"}]}
    )
    assert partial.status_code == 207, partial.text
    body = partial.json()
    assert (body["status"], body["numErrors"], len(body["results"])) == ("COMPLETE", 2, 1)
    assert [(e["category"], e["message"]) for e in body["errors"]] == [
        ("VALIDATION_ERROR", "Invalid value 'many' for number token seats"),
        (
            "OBJECT_NOT_FOUND",
            f"No contacts record 999999 for event template {setup.template['id']}",
        ),
    ]


def test_an_email_no_contact_has_makes_the_contact(setup: Setup) -> None:
    made = setup.crm.post(
        EVENTS,
        json={
            "eventTemplateId": setup.template["id"],
            "email": "new.person@example.com",
            "tokens": {"webinar": "Fresh"},
        },
    )
    assert made.status_code == 201, made.text
    record = made.json()["objectId"]
    found = setup.crm.get(f"/crm/v3/objects/contacts/{record}", params={"properties": "email"})
    assert found.json()["properties"]["email"] == "new.person@example.com"
    again = setup.crm.post(
        EVENTS,
        json={
            "eventTemplateId": setup.template["id"],
            "email": "new.person@example.com",
            "tokens": {},
        },
    )
    assert again.json()["objectId"] == record


def test_an_email_that_finds_the_contact_changes_nothing_on_it(setup: Setup) -> None:
    record = contact(setup.crm, email="quiet@example.com")
    path = f"/crm/v3/objects/contacts/{record}"
    before = setup.crm.get(path, params={"properties": "email,lastmodifieddate"}).json()
    made = setup.crm.post(EVENTS, json=event(setup, email="QUIET@example.com"))
    assert made.status_code == 201, made.text
    assert made.json()["objectId"] == record
    after = setup.crm.get(path, params={"properties": "email,lastmodifieddate"}).json()
    assert after["properties"] == before["properties"]  # no write: same email, same date


def test_an_email_with_the_object_id_becomes_the_contacts_email(setup: Setup) -> None:
    record = contact(setup.crm, email="old.address@example.com")
    made = setup.crm.post(
        EVENTS, json=event(setup, objectId=record, email="new.address@example.com")
    )
    assert made.status_code == 201, made.text
    found = setup.crm.get(f"/crm/v3/objects/contacts/{record}", params={"properties": "email"})
    assert found.json()["properties"]["email"] == "new.address@example.com"


def test_tokens_with_an_object_property_write_it_to_the_record(setup: Setup) -> None:
    record = contact(setup.crm, email="stamp@example.com")
    made = setup.crm.post(
        EVENTS,
        json={
            "eventTemplateId": setup.template["id"],
            "objectId": record,
            "tokens": {"seats": "12"},
        },
    )
    assert made.status_code == 201, made.text
    found = setup.crm.get(f"/crm/v3/objects/contacts/{record}", params={"properties": "jobtitle"})
    assert found.json()["properties"]["jobtitle"] == "12"


def event(setup: Setup, **body: Any) -> dict[str, Any]:
    return {"eventTemplateId": setup.template["id"], "tokens": {}, **body}


@pytest.mark.parametrize(
    ("body", "message", "context"),
    [
        (
            {"tokens": {"nope": "1"}},
            "Token nope is not defined on event template {template}",
            {"eventTemplateId": ["{template}"], "tokenName": ["nope"]},
        ),
        (
            {"tokens": {"seats": "1.2.3"}},
            "Invalid value '1.2.3' for number token seats",
            {"eventTemplateId": ["{template}"], "tokenName": ["seats"]},
        ),
        (
            {"tokens": {"when": "yesterday"}},
            "Invalid value 'yesterday' for date token when",
            {"eventTemplateId": ["{template}"], "tokenName": ["when"]},
        ),
        (
            {"tokens": {"plan": "gold"}},
            "Invalid value 'gold' for enumeration token plan (one of free, pro)",
            {"eventTemplateId": ["{template}"], "tokenName": ["plan"]},
        ),
        (
            {},
            "An event for contacts needs objectId or email (a utk alone identifies no contact"
            " here)",
            {"objectId": [], "utk": [""]},
        ),
        (
            {"email": "a@example.com", "timestamp": "soon"},
            "Invalid timestamp soon",
            {"timestamp": ["soon"]},
        ),
    ],
)
def test_bad_events_are_refused_and_nothing_is_made(
    setup: Setup, body: dict[str, Any], message: str, context: dict[str, Any]
) -> None:
    template = setup.template["id"]
    refused = setup.crm.post(EVENTS, json={**event(setup, id="refused"), **body})
    fill = {k: [v.format(template=template) for v in vs] for k, vs in context.items()}
    assert_hubspot_error(refused, 400, **invalid(message.format(template=template), **fill))
    missing = setup.crm.get(f"{EVENTS}/{template}/refused")
    assert missing.status_code == 404


def test_a_number_sent_as_a_token_value_is_kept_as_its_text(server: Server, setup: Setup) -> None:
    """HubSpot's reference examples send ``"petAge": 3`` and answer ``"petAge": "3"``."""
    template = setup.template["id"]
    record = contact(setup.crm, email="numbers@example.com")
    body = event(setup, id="numeric", objectId=record, tokens={"seats": 3, "when": 1767225600000})
    made = setup.crm.post(EVENTS, json=body)
    assert made.status_code == 201, made.text
    assert made.json()["tokens"] == {"seats": "3", "when": "1767225600000"}
    assert set(made.json()) == {
        "eventTemplateId",
        "id",
        "objectType",
        "objectId",
        "tokens",
        "timestamp",
    }
    batch = setup.crm.post(
        f"{EVENTS}/batch/create",
        json={"inputs": [event(setup, id="numeric-2", objectId=record, tokens={"seats": 2.5})]},
    )
    assert batch.status_code == 201, batch.text
    assert batch.json()["results"][0]["tokens"] == {"seats": "2.5"}
    read = sdk(server, setup).crm.timeline.events_api.get_by_id(template, "numeric")
    assert read.tokens == {"seats": "3", "when": "1767225600000"}
    found = setup.crm.get(f"/crm/v3/objects/contacts/{record}", params={"properties": "jobtitle"})
    assert found.json()["properties"]["jobtitle"] == "2.5"  # the seats token's objectPropertyName
    for value in (True, None, [3], {"n": 3}):
        refused = setup.crm.post(
            EVENTS, json=event(setup, objectId=record, tokens={"seats": value})
        )
        assert refused.status_code == 400, refused.text
        assert refused.json()["category"] == "VALIDATION_ERROR"


def test_events_of_other_types_need_an_object_id_of_that_type(setup: Setup) -> None:
    template = setup.deal_template["id"]
    refused = setup.crm.post(
        EVENTS, json={"eventTemplateId": template, "email": "x@example.com", "tokens": {}}
    )
    assert_hubspot_error(
        refused, 400, **invalid("objectId is required for events of deals", objectId=[])
    )
    record = contact(setup.crm, email="not-a-deal@example.com")
    wrong = setup.crm.post(
        EVENTS, json={"eventTemplateId": template, "objectId": record, "tokens": {}}
    )
    message = f"No deals record {record} for event template {template}"
    assert_hubspot_error(wrong, 404, **not_found(message, objectId=[record]))
    deal = setup.crm.post("/crm/v3/objects/deals", json={"properties": {"dealname": "D"}})
    made = setup.crm.post(
        EVENTS,
        json={
            "eventTemplateId": template,
            "objectId": deal.json()["id"],
            "tokens": {"what": "<b>"},
        },
    )
    assert made.status_code == 201, made.text
    html = setup.crm.get(f"{EVENTS}/{template}/{made.json()['id']}/render")
    assert (html.status_code, html.text) == (200, "<p>&lt;b&gt;</p>\n")
    assert html.headers["content-type"].startswith("text/html")


def test_an_event_id_is_unique_per_template_in_a_portal(setup: Setup) -> None:
    record = contact(setup.crm, email="twice@example.com")
    body = event(setup, id="once", objectId=record)
    assert setup.crm.post(EVENTS, json=body).status_code == 201
    again = setup.crm.post(EVENTS, json=body)
    template = setup.template["id"]
    assert_hubspot_error(
        again,
        409,
        message=f"Event once of event template {template} already exists",
        category="CONFLICT",
        context={"eventTemplateId": [template], "id": ["once"]},
        errors=[],
    )
    twice = setup.crm.post(f"{EVENTS}/batch/create", json={"inputs": [body, body]})
    assert_hubspot_error(
        twice,
        400,
        **invalid(
            f"Duplicate IDs found in batch input: [{template}/once]. IDs must be unique",
            ids=[f"{template}/once"],
        ),
    )


def test_another_portal_sees_neither_the_events_nor_the_templates_of_apps_it_lacks(
    server: Server, setup: Setup
) -> None:
    record = contact(setup.crm, email="mine@example.com")
    made = setup.crm.post(EVENTS, json=event(setup, id="private", objectId=record))
    assert made.status_code == 201, made.text
    template = setup.template["id"]
    headers = {"Authorization": f"Bearer {server.new_token('--portal', str(server.new_portal()))}"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as other:
        unseen = other.get(f"{EVENTS}/{template}/private")
        assert_hubspot_error(
            unseen,
            404,
            **not_found(
                f"Event private of event template {template} not found",
                eventTemplateId=[template],
                eventId=["private"],
            ),
        )
        refused = other.post(EVENTS, json=event(setup, email="x@example.com"))
        expected = not_found(f"Event template {template} not found", eventTemplateId=[template])
        assert_hubspot_error(refused, 404, **expected)


def test_deleting_a_template_deletes_its_events(server: Server, setup: Setup) -> None:
    with developer_http(server, setup.app) as dev:
        templates = f"/integrators/timeline/v3/{setup.app.app_id}/event-templates"
        short = dev.post(templates, json={**TEMPLATE, "name": "Short lived"}).json()
        made = setup.crm.post(
            EVENTS, json={"eventTemplateId": short["id"], "email": "gone@example.com", "tokens": {}}
        )
        assert made.status_code == 201, made.text
        assert dev.delete(f"{templates}/{short['id']}").status_code == 204
    gone = setup.crm.get(f"{EVENTS}/{short['id']}/{made.json()['id']}")
    assert gone.status_code == 404


def test_sdk_errors_carry_hubspots_body(server: Server, setup: Setup) -> None:
    events = sdk(server, setup).crm.timeline.events_api
    with pytest.raises(ApiException) as missing:
        events.get_by_id(setup.template["id"], "never")
    assert_sdk_error(
        missing.value,
        404,
        **not_found(
            f"Event never of event template {setup.template['id']} not found",
            eventTemplateId=[setup.template["id"]],
            eventId=["never"],
        ),
    )


def test_events_need_a_timeline_or_record_scope(server: Server, setup: Setup) -> None:
    portal = setup.app.portal_id
    narrow = server.new_token("--portal", str(portal), "--scopes", "crm.lists.read")
    refused = httpx.post(
        server.base_url + EVENTS,
        json=event(setup, email="s@example.com"),
        headers={"Authorization": f"Bearer {narrow}"},
    )
    assert refused.status_code == 403, refused.text
    assert refused.json()["category"] == "MISSING_SCOPES"
    timeline_only = server.new_token("--portal", str(portal), "--scopes", "timeline")
    allowed = httpx.post(
        server.base_url + EVENTS,
        json=event(setup, email="scoped@example.com"),
        headers={"Authorization": f"Bearer {timeline_only}"},
    )
    assert allowed.status_code == 201, allowed.text


def test_format_date_writes_the_instant_as_hubspot_shows_it(server: Server, setup: Setup) -> None:
    with developer_http(server, setup.app) as dev:
        templates = f"/integrators/timeline/v3/{setup.app.app_id}/event-templates"
        dated = {
            **TEMPLATE,
            "name": "Dated",
            "detailTemplate": (
                "At {{#formatDate timestamp}}{{/formatDate}}, "
                "then {{#formatDate when}}{{/formatDate}}"
            ),
        }
        template = dev.post(templates, json=dated).json()
    made = setup.crm.post(
        EVENTS,
        json={
            "eventTemplateId": template["id"],
            "email": "dated@example.com",
            "timestamp": "2020-01-30T13:13:25Z",
            "tokens": {"when": "1580346805000"},
        },
    )
    assert made.status_code == 201, made.text
    detail = setup.crm.get(f"{EVENTS}/{template['id']}/{made.json()['id']}/detail")
    assert detail.json() == {
        "details": "<p>At Jan 30, 2020, 1:13:25 PM, then Jan 30, 2020, 1:13:25 AM</p>\n"
    }


def test_an_event_id_with_a_slash_is_refused(setup: Setup) -> None:
    refused = setup.crm.post(EVENTS, json=event(setup, id="a/b", email="slash@example.com"))
    assert_hubspot_error(
        refused,
        400,
        category="VALIDATION_ERROR",
        message="An event id has at most 255 characters, no control characters and no /",
        context={"id": ["a/b"]},
        errors=[],
    )


IFRAME = {
    "linkLabel": "Open",
    "headerLabel": "Webinar",
    "url": "https://example.com/webinar",
    "width": 600,
    "height": 400,
}


@pytest.mark.parametrize(
    ("change", "message", "context"),
    [
        (
            {"url": "javascript:alert(1)"},
            "Invalid timelineIFrame url: javascript:alert(1)",
            {"timelineIFrame.url": ["javascript:alert(1)"]},
        ),
        (
            {"url": "http://example.com/page"},
            "The timelineIFrame url must use https (http only to a local receiver):"
            " http://example.com/page",
            {"timelineIFrame.url": ["http://example.com/page"]},
        ),
        (
            {"height": 0},
            "timelineIFrame height must be at least 1, got 0",
            {"timelineIFrame.height": ["0"]},
        ),
    ],
)
def test_a_timeline_iframe_must_be_a_frame_hubspot_could_open(
    setup: Setup, change: dict[str, Any], message: str, context: dict[str, list[str]]
) -> None:
    body = event(setup, email="framed@example.com", timelineIFrame={**IFRAME, **change})
    refused = setup.crm.post(EVENTS, json=body)
    assert_hubspot_error(
        refused, 400, category="VALIDATION_ERROR", message=message, context=context, errors=[]
    )
    made = setup.crm.post(
        EVENTS, json=event(setup, email="framed@example.com", timelineIFrame=IFRAME)
    )
    assert made.status_code == 201, made.text
    assert made.json()["timelineIFrame"] == IFRAME
