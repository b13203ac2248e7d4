"""Timeline events API v3 templates and tokens (``/integrators/timeline/v3/{appId}/
event-templates...``): every SDK method's success path with client-side validation on,
HubSpot's error bodies for bad input over raw httpx, and another app's templates."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hubspot.crm.timeline import (
    ApiException,
    TimelineEventTemplateCreateRequest,
    TimelineEventTemplateToken,
    TimelineEventTemplateTokenOption,
    TimelineEventTemplateTokenUpdateRequest,
    TimelineEventTemplateUpdateRequest,
)
from webhook_support import NO_CREDENTIALS, DevApp, developer_http, developer_sdk, invalid, new_app

from conftest import Server, assert_hubspot_error, assert_sdk_error


@pytest.fixture(scope="module")
def app(server: Server) -> DevApp:
    return new_app(server, "Timeline app")


@pytest.fixture(scope="module")
def dev(server: Server, app: DevApp) -> Iterator[httpx.Client]:
    with developer_http(server, app) as client:
        yield client


def templates_of(app: DevApp) -> str:
    return f"/integrators/timeline/v3/{app.app_id}/event-templates"


def not_found(message: str, **context: list[str]) -> dict[str, Any]:
    return {"message": message, "category": "OBJECT_NOT_FOUND", "context": context, "errors": []}


WEBINAR: dict[str, Any] = {
    "name": "Webinar registration",
    "objectType": "contacts",
    "headerTemplate": "Registered for [{{webinarName}}](https://example.com)",
    "detailTemplate": "Registration at {{#formatDate timestamp}}{{/formatDate}}",
    "tokens": [
        {"name": "webinarName", "label": "Webinar name", "type": "string"},
        {
            "name": "plan",
            "label": "Plan",
            "type": "enumeration",
            "options": [{"label": "Free", "value": "free"}, {"label": "Pro", "value": "pro"}],
        },
    ],
}


def test_templates_and_tokens_through_the_sdk(server: Server, app: DevApp) -> None:
    client = developer_sdk(server, app)
    templates, tokens = client.crm.timeline.templates_api, client.crm.timeline.tokens_api
    made = templates.create(
        app.app_id,
        TimelineEventTemplateCreateRequest(
            name="Video watched",
            object_type="contacts",
            header_template="Watched {{title}}",
            detail_template="{{seconds}} seconds",
            tokens=[
                TimelineEventTemplateToken(name="title", label="Title", type="string"),
                TimelineEventTemplateToken(
                    name="seconds", label="Seconds", type="number", object_property_name="age"
                ),
            ],
        ),
    )
    assert (made.name, made.object_type, [t.name for t in made.tokens]) == (
        "Video watched",
        "contacts",
        ["title", "seconds"],
    )
    assert made.tokens[1].object_property_name == "age"
    assert made.created_at == made.updated_at == made.tokens[0].created_at
    assert templates.get_by_id(made.id, app.app_id) == made
    assert made.id in [t.id for t in templates.get_all(app.app_id).results]

    level = tokens.create(
        made.id,
        app.app_id,
        TimelineEventTemplateToken(
            name="level",
            label="Level",
            type="enumeration",
            options=[TimelineEventTemplateTokenOption(label="Gold", value="gold")],
        ),
    )
    assert (level.name, level.type, [o.value for o in level.options]) == (
        "level",
        "enumeration",
        ["gold"],
    )
    relabelled = tokens.update(
        made.id,
        "level",
        app.app_id,
        TimelineEventTemplateTokenUpdateRequest(
            label="Tier",
            options=[
                TimelineEventTemplateTokenOption(label="Gold", value="gold"),
                TimelineEventTemplateTokenOption(label="Silver", value="silver"),
            ],
        ),
    )
    assert (relabelled.label, [o.value for o in relabelled.options]) == (
        "Tier",
        ["gold", "silver"],
    )
    assert relabelled.created_at == level.created_at
    tokens.archive(made.id, "seconds", app.app_id)
    assert [t.name for t in templates.get_by_id(made.id, app.app_id).tokens] == ["title", "level"]

    replaced = templates.update(
        made.id,
        app.app_id,
        TimelineEventTemplateUpdateRequest(
            id=made.id,
            name="Video viewed",
            header_template="Viewed {{title}}",
            tokens=[TimelineEventTemplateToken(name="title", label="Video title", type="string")],
        ),
    )
    assert (replaced.name, replaced.header_template, replaced.detail_template) == (
        "Video viewed",
        "Viewed {{title}}",
        None,
    )
    assert [(t.name, t.label) for t in replaced.tokens] == [("title", "Video title")]
    assert replaced.tokens[0].created_at == made.tokens[0].created_at
    templates.archive(made.id, app.app_id)
    with pytest.raises(ApiException) as gone:
        templates.get_by_id(made.id, app.app_id)
    message = f"Event template {made.id} not found"
    assert_sdk_error(gone.value, 404, **not_found(message, eventTemplateId=[made.id]))


def test_the_response_shapes_over_http(dev: httpx.Client, app: DevApp) -> None:
    made = dev.post(templates_of(app), json=WEBINAR)
    assert made.status_code == 201, made.text
    body = made.json()
    assert set(body) == {
        "id",
        "name",
        "objectType",
        "headerTemplate",
        "detailTemplate",
        "tokens",
        "createdAt",
        "updatedAt",
    }
    assert body["id"].isdigit()
    assert body["tokens"][1] == {
        "name": "plan",
        "label": "Plan",
        "type": "enumeration",
        "options": [{"label": "Free", "value": "free"}, {"label": "Pro", "value": "pro"}],
        "createdAt": body["createdAt"],
        "updatedAt": body["createdAt"],
    }
    assert dev.delete(f"{templates_of(app)}/{body['id']}").status_code == 204


def test_every_token_answers_its_options(dev: httpx.Client, app: DevApp) -> None:
    """``options`` is required in HubSpot's ``TimelineEventTemplateToken``, and HubSpot's
    example answers ``[]`` for a string token sent without it."""
    made = dev.post(templates_of(app), json=WEBINAR)
    assert made.status_code == 201, made.text
    one = f"{templates_of(app)}/{made.json()['id']}"
    assert made.json()["tokens"][0] == {
        "name": "webinarName",
        "label": "Webinar name",
        "type": "string",
        "options": [],
        "createdAt": made.json()["createdAt"],
        "updatedAt": made.json()["createdAt"],
    }
    added = dev.post(f"{one}/tokens", json=token("seats", "number", options=[]))
    assert added.status_code == 200, added.text
    assert added.json()["options"] == []
    changed = dev.put(f"{one}/tokens/seats", json={"label": "Seats taken"})
    assert (changed.json()["label"], changed.json()["options"]) == ("Seats taken", [])
    listed = dev.get(templates_of(app)).json()["results"]
    mine = next(t for t in listed if t["id"] == made.json()["id"])
    assert [t["options"] for t in mine["tokens"]] == [[], WEBINAR["tokens"][1]["options"], []]
    assert dev.delete(one).status_code == 204


def test_singular_and_upper_case_object_types_are_the_plural_name(
    dev: httpx.Client, app: DevApp
) -> None:
    made = dev.post(templates_of(app), json={**WEBINAR, "objectType": "COMPANY"})
    assert made.status_code == 201, made.text
    assert made.json()["objectType"] == "companies"
    assert dev.delete(f"{templates_of(app)}/{made.json()['id']}").status_code == 204


def token(name: str, kind: str = "string", **extra: Any) -> dict[str, Any]:
    return {"name": name, "label": name.title() or "x", "type": kind, **extra}


@pytest.mark.parametrize(
    ("change", "message", "context"),
    [
        (
            {"objectType": "line_items"},
            "Invalid objectType line_items: event templates are for contacts, companies,"
            " deals, tickets only",
            {"objectType": ["line_items"]},
        ),
        (
            {"name": "  "},
            "An event template name must have 1 to 255 characters",
            {"name": ["  "]},
        ),
        (
            {"headerTemplate": "{{#if a}}open"},
            "Invalid headerTemplate: Missing {{/if}}",
            {"headerTemplate": ["{{#if a}}open"]},
        ),
        (
            {"detailTemplate": "{{#shout a}}x{{/shout}}"},
            "Invalid detailTemplate: Unknown block helper {{#shout}}",
            {"detailTemplate": ["{{#shout a}}x{{/shout}}"]},
        ),
        (
            {"tokens": [token("has space")]},
            "Invalid token name has space: use letters, digits, periods, dashes and underscores",
            {"name": ["has space"]},
        ),
        (
            {"tokens": [token("lookup")]},
            "The token name lookup is reserved",
            {"name": ["lookup"]},
        ),
        (
            {"tokens": [token("a"), token("a", "number")]},
            "Token names must be unique in a template: a",
            {"name": ["a"]},
        ),
        (
            {"tokens": [token("plan", "enumeration")]},
            "Token plan: an enumeration token needs options",
            {"name": ["plan"]},
        ),
        (
            {"tokens": [token("size", "number", options=[{"label": "One", "value": "1"}])]},
            "Token size: options are only for enumeration tokens",
            {"name": ["size"]},
        ),
        (
            {
                "tokens": [
                    token(
                        "plan",
                        "enumeration",
                        options=[{"label": "A", "value": "a"}, {"label": "B", "value": "a"}],
                    )
                ]
            },
            "Token plan: option values must be unique",
            {"name": ["plan"]},
        ),
        (
            {"tokens": [{"name": "x", "label": " ", "type": "string"}]},
            "Token x needs a label",
            {"name": ["x"]},
        ),
    ],
)
def test_bad_templates_are_refused_and_nothing_is_made(
    dev: httpx.Client, app: DevApp, change: dict[str, Any], message: str, context: dict[str, Any]
) -> None:
    before = dev.get(templates_of(app)).json()
    refused = dev.post(templates_of(app), json={**WEBINAR, **change})
    assert_hubspot_error(refused, 400, **invalid(message, **context))
    assert dev.get(templates_of(app)).json() == before


def test_token_changes_keep_names_and_types(dev: httpx.Client, app: DevApp) -> None:
    made = dev.post(templates_of(app), json=WEBINAR).json()
    one = f"{templates_of(app)}/{made['id']}"
    again = dev.post(f"{one}/tokens", json=token("plan", "string"))
    assert_hubspot_error(
        again,
        409,
        message=f"Event template {made['id']} already has a token named plan",
        category="CONFLICT",
        context={"name": ["plan"]},
        errors=[],
    )
    missing = dev.put(f"{one}/tokens/nothing", json={"label": "No"})
    assert_hubspot_error(
        missing,
        404,
        **not_found(
            f"Token nothing not found on event template {made['id']}",
            eventTemplateId=[made["id"]],
            tokenName=["nothing"],
        ),
    )
    assert dev.delete(f"{one}/tokens/nothing").status_code == 404
    retyped = dev.put(
        one, json={"id": made["id"], "name": "W", "tokens": [token("webinarName", "number")]}
    )
    assert_hubspot_error(
        retyped,
        400,
        **invalid("The type of token webinarName can't be changed (string)", name=["webinarName"]),
    )
    wrong = str(int(made["id"]) + 1000)
    elsewhere = dev.put(one, json={"id": wrong, "name": "W", "tokens": []})
    assert_hubspot_error(
        elsewhere,
        400,
        **invalid(
            f"The template id in the body ({wrong}) is not the one in the path ({made['id']})",
            id=[wrong],
        ),
    )
    assert dev.get(one).json() == made
    assert dev.delete(one).status_code == 204


def test_another_apps_templates_are_not_found(
    server: Server, dev: httpx.Client, app: DevApp
) -> None:
    made = dev.post(templates_of(app), json=WEBINAR).json()
    other = new_app(server, "Other timeline app")
    with developer_http(server, other) as them:
        path = f"{templates_of(other)}/{made['id']}"
        expected = not_found(f"Event template {made['id']} not found", eventTemplateId=[made["id"]])
        assert_hubspot_error(them.get(path), 404, **expected)
        assert_hubspot_error(them.delete(path), 404, **expected)
        assert them.get(templates_of(other)).json() == {"results": []}
        # The path's app must be the key's own.
        refused = them.get(templates_of(app))
        assert_hubspot_error(
            refused, 404, **not_found(f"App {app.app_id} not found", appId=[str(app.app_id)])
        )
    assert dev.get(f"{templates_of(app)}/{made['id']}").status_code == 200
    assert dev.delete(f"{templates_of(app)}/{made['id']}").status_code == 204


def test_templates_need_the_developer_api_key(server: Server, app: DevApp) -> None:
    with httpx.Client(base_url=server.base_url, timeout=30) as anonymous:
        refused = anonymous.get(templates_of(app))
    assert_hubspot_error(refused, 401, **NO_CREDENTIALS)


@pytest.mark.parametrize("raw", ["abc", "0", "99999999999"])
def test_unknown_template_ids_are_not_found(dev: httpx.Client, app: DevApp, raw: str) -> None:
    expected = not_found(f"Event template {raw} not found", eventTemplateId=[raw])
    assert_hubspot_error(dev.get(f"{templates_of(app)}/{raw}"), 404, **expected)
