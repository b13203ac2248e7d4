"""CRM cards (``/crm/v3/extensions/cards-dev/{appId}`` and the dated path) through the
official SDK with the app's developer API key, the sample card response without
credentials, raw httpx for bad input, the per-app limit and another app's id."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hubspot.crm.extensions.cards import (
    ApiException,
    CardActions,
    CardCreateRequest,
    CardDisplayBody,
    CardDisplayProperty,
    CardFetchBody,
    CardFetchBodyPatch,
    CardObjectTypeBody,
    CardPatchRequest,
    DisplayOption,
)
from webhook_support import DevApp, developer_http, developer_sdk, invalid, new_app, not_found

from conftest import Server, assert_hubspot_error, assert_sdk_error

TARGET = "https://cards.example.com/fetch"
BASE = "https://cards.example.com/actions"


@pytest.fixture(scope="module")
def app(server: Server) -> DevApp:
    return new_app(server, "Cards app")


@pytest.fixture(scope="module")
def other(server: Server) -> DevApp:
    return new_app(server, "Other cards app")


@pytest.fixture(scope="module")
def dev(server: Server, app: DevApp) -> Iterator[httpx.Client]:
    with developer_http(server, app) as client:
        yield client


def cards_path(app: DevApp, suffix: str = "") -> str:
    return f"/crm/v3/extensions/cards-dev/{app.app_id}{suffix}"


def card_body(title: str = "Tickets", **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": title,
        "fetch": {
            "targetUrl": TARGET,
            "objectTypes": [{"name": "contacts", "propertiesToSend": ["email", "firstname"]}],
        },
        "display": {
            "properties": [
                {"name": "status", "label": "Status", "dataType": "STATUS", "options": []},
            ]
        },
        "actions": {"baseUrls": [BASE]},
    }
    return {**body, **changes}


def sdk_request(title: str) -> CardCreateRequest:
    status = CardDisplayProperty(
        name="status",
        label="Status",
        data_type="STATUS",
        options=[DisplayOption(name="open", label="Open", type="SUCCESS")],
    )
    amount = CardDisplayProperty(name="amount", label="Amount", data_type="CURRENCY", options=[])
    return CardCreateRequest(
        title=title,
        fetch=CardFetchBody(
            target_url=TARGET,
            object_types=[
                CardObjectTypeBody(name="contacts", properties_to_send=["email"]),
                CardObjectTypeBody(name="deals", properties_to_send=["amount", "dealname"]),
            ],
        ),
        display=CardDisplayBody(properties=[status, amount]),
        actions=CardActions(base_urls=[BASE]),
    )


def card_not_found(card_id: str) -> dict[str, Any]:
    return not_found(f"Card {card_id} not found", cardId=[card_id])


def test_cards_create_list_read_update_and_archive_through_the_sdk(
    server: Server, app: DevApp
) -> None:
    api = developer_sdk(server, app).crm.extensions.cards.cards_api
    created = api.create(app.app_id, sdk_request("Orders"))
    assert created.title == "Orders"
    assert created.fetch.target_url == TARGET
    assert [t.name for t in created.fetch.object_types] == ["contacts", "deals"]
    assert created.display.to_dict() == sdk_request("x").display.to_dict()
    assert created.actions.base_urls == [BASE]
    assert [(a.action_type, a.application_id, a.object_type_id) for a in created.audit_history] == [
        ("CREATE", app.app_id, int(created.id))
    ]
    assert created.created_at == created.updated_at
    assert api.get_by_id(created.id, app.app_id) == created
    assert created.id in [c.id for c in api.get_all(app.app_id).results]
    patch = CardPatchRequest(
        title="Open orders",
        fetch=CardFetchBodyPatch(
            object_types=[CardObjectTypeBody(name="tickets", properties_to_send=["subject"])]
        ),
    )
    updated = api.update(created.id, app.app_id, patch)
    assert updated.title == "Open orders"
    assert updated.fetch.target_url == TARGET  # a fetch without targetUrl keeps it
    assert [(t.name, t.properties_to_send) for t in updated.fetch.object_types] == [
        ("tickets", ["subject"])
    ]
    assert updated.display == created.display
    assert [a.action_type for a in updated.audit_history] == ["CREATE", "UPDATE"]
    assert updated.created_at == created.created_at
    api.archive(created.id, app.app_id)
    with pytest.raises(ApiException) as missing:
        api.get_by_id(created.id, app.app_id)
    assert_sdk_error(missing.value, 404, **card_not_found(created.id))
    assert created.id not in [c.id for c in api.get_all(app.app_id).results]


def test_a_card_is_answered_in_hubspots_shape(dev: httpx.Client, app: DevApp) -> None:
    sent = card_body("Shape", fetch={**card_body()["fetch"], "cardType": "EXTERNAL"})
    created = dev.post(cards_path(app), json=sent)
    assert created.status_code == 201, created.text
    got = created.json()
    card_id = got["id"]
    assert got == {
        "id": card_id,
        "title": "Shape",
        "fetch": card_body()["fetch"],
        "display": card_body()["display"],
        "actions": {"baseUrls": [BASE]},
        "auditHistory": [
            {
                "actionType": "CREATE",
                "applicationId": app.app_id,
                "authSource": "APP",
                "changedAt": got["auditHistory"][0]["changedAt"],
                "initiatingUserId": 0,
                "objectTypeId": int(card_id),
            }
        ],
        "createdAt": got["createdAt"],
        "updatedAt": got["createdAt"],
    }
    assert dev.delete(cards_path(app, f"/{card_id}")).status_code == 204


def test_a_display_property_may_leave_out_its_options(server: Server) -> None:
    """HubSpot's own example card sends a STRING property without ``options`` (they are
    only used by STATUS); the answer has them empty, as the SDK's model requires."""
    app = new_app(server, "Pets app")
    with developer_http(server, app) as dev:
        _options_left_out(server, dev, app)


def _options_left_out(server: Server, dev: httpx.Client, app: DevApp) -> None:
    pet = {"dataType": "STRING", "label": "Pets Name", "name": "pet_name"}
    created = dev.post(cards_path(app), json=card_body("Pets", display={"properties": [pet]}))
    assert created.status_code == 201, created.text
    card_id = created.json()["id"]
    assert created.json()["display"] == {"properties": [{**pet, "options": []}]}
    read = developer_sdk(server, app).crm.extensions.cards.cards_api.get_by_id(card_id, app.app_id)
    assert read.display.properties[0].options == []
    patched = dev.patch(cards_path(app, f"/{card_id}"), json={"display": {"properties": [pet]}})
    assert patched.status_code == 200, patched.text
    assert patched.json()["display"] == {"properties": [{**pet, "options": []}]}
    assert dev.delete(cards_path(app, f"/{card_id}")).status_code == 204


def test_the_sample_response_needs_no_credentials_and_suits_the_sdk(server: Server) -> None:
    import hubspot

    sample = hubspot.Client.create(host=server.base_url).crm.extensions.cards
    answer = sample.sample_response_api.get_cards_sample_response()
    assert answer.response_version == "v3"
    assert answer.total_count == len(answer.sections) == 2
    assert answer.top_level_actions.settings.type == "IFRAME"
    dated = httpx.get(f"{server.base_url}/crm/extensions/cards-dev/2026-03/sample-response")
    assert dated.status_code == 200
    assert (
        dated.json()
        == httpx.get(f"{server.base_url}/crm/v3/extensions/cards-dev/sample-response").json()
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (card_body(" "), invalid("title must not be blank", title=[" "])),
        (
            card_body(
                fetch={
                    "targetUrl": "cards",
                    "objectTypes": [{"name": "deals", "propertiesToSend": []}],
                }
            ),
            invalid("Invalid target URL: cards", targetUrl=["cards"]),
        ),
        (
            card_body(fetch={"targetUrl": TARGET, "objectTypes": []}),
            invalid("fetch.objectTypes needs at least one object type", objectTypes=[]),
        ),
        (
            card_body(
                fetch={
                    "targetUrl": TARGET,
                    "objectTypes": [
                        {"name": "deals", "propertiesToSend": []},
                        {"name": "deals", "propertiesToSend": ["amount"]},
                    ],
                }
            ),
            invalid("objectTypes names deals twice", objectTypes=["deals"]),
        ),
        (
            card_body(
                fetch={
                    "targetUrl": TARGET,
                    "objectTypes": [{"name": "deals", "propertiesToSend": [""]}],
                }
            ),
            invalid("propertiesToSend of deals holds a blank property name", propertiesToSend=[""]),
        ),
        (
            card_body(
                display={
                    "properties": [
                        {"name": "a", "label": "A", "dataType": "STRING", "options": []},
                        {"name": "a", "label": "B", "dataType": "NUMERIC", "options": []},
                    ]
                }
            ),
            invalid("display.properties names a twice", **{"display.properties": ["a"]}),
        ),
        (
            card_body(actions={"baseUrls": ["http://cards.example.com"]}),
            invalid(
                "The base URL must use https (http only to a local receiver): http://cards.example.com",
                baseUrls=["http://cards.example.com"],
            ),
        ),
        (
            card_body(
                fetch={
                    "targetUrl": TARGET,
                    "objectTypes": [{"name": "calls", "propertiesToSend": []}],
                }
            ),
            invalid("Invalid input JSON: Invalid enum value 'calls'"),
        ),
    ],
)
def test_bad_cards_are_refused_and_nothing_is_written(
    dev: httpx.Client, app: DevApp, body: dict[str, Any], expected: dict[str, Any]
) -> None:
    before = dev.get(cards_path(app)).json()
    assert_hubspot_error(dev.post(cards_path(app), json=body), 400, **expected)
    assert dev.get(cards_path(app)).json() == before


def test_a_bad_patch_changes_nothing(dev: httpx.Client, app: DevApp) -> None:
    created = dev.post(cards_path(app), json=card_body("Kept"))
    card = cards_path(app, f"/{created.json()['id']}")
    refused = dev.patch(card, json={"title": "New", "actions": {"baseUrls": ["nowhere"]}})
    assert_hubspot_error(refused, 400, **invalid("Invalid base URL: nowhere", baseUrls=["nowhere"]))
    assert dev.get(card).json() == created.json()
    assert dev.delete(card).status_code == 204


@pytest.mark.parametrize("card_id", ["999999", "abc", "0", "-1", "99999999999999999999"])
def test_an_unknown_card_is_not_found(dev: httpx.Client, app: DevApp, card_id: str) -> None:
    one = cards_path(app, f"/{card_id}")
    assert_hubspot_error(dev.get(one), 404, **card_not_found(card_id))
    assert_hubspot_error(dev.patch(one, json={"title": "x"}), 404, **card_not_found(card_id))
    assert_hubspot_error(dev.delete(one), 404, **card_not_found(card_id))


def test_an_app_holds_at_most_25_cards(server: Server) -> None:
    full = new_app(server, "Full cards app")
    with developer_http(server, full) as dev:
        for n in range(25):
            assert dev.post(cards_path(full), json=card_body(f"Card {n}")).status_code == 201
        refused = dev.post(cards_path(full), json=card_body("One too many"))
        body = invalid("An app can have at most 25 CRM cards", limit=["25"])
        assert_hubspot_error(refused, 400, **body)
        assert len(dev.get(cards_path(full)).json()["results"]) == 25


def test_another_apps_cards_are_not_found(
    server: Server, dev: httpx.Client, app: DevApp, other: DevApp
) -> None:
    with developer_http(server, other) as theirs:
        card_id = theirs.post(cards_path(other), json=card_body("Theirs")).json()["id"]
    body = not_found(f"App {other.app_id} not found", appId=[str(other.app_id)])
    assert_hubspot_error(dev.get(cards_path(other)), 404, **body)
    assert_hubspot_error(dev.get(cards_path(other, f"/{card_id}")), 404, **body)
    assert_hubspot_error(dev.get(cards_path(app, f"/{card_id}")), 404, **card_not_found(card_id))
    with pytest.raises(ApiException) as refused:
        developer_sdk(server, app).crm.extensions.cards.cards_api.get_all(other.app_id)
    assert_sdk_error(refused.value, 404, **body)


def test_the_dated_path_serves_the_same_cards(dev: httpx.Client, app: DevApp) -> None:
    dated = f"/crm/extensions/cards-dev/2026-03/{app.app_id}"
    created = dev.post(dated, json=card_body("Dated"))
    assert created.status_code == 201, created.text
    card_id = created.json()["id"]
    assert dev.get(cards_path(app, f"/{card_id}")).json() == created.json()
    assert dev.delete(f"{dated}/{card_id}").status_code == 204
    assert dev.get(cards_path(app, f"/{card_id}")).status_code == 404


def test_a_nul_character_is_refused_on_both_databases(dev: httpx.Client, app: DevApp) -> None:
    before = dev.get(cards_path(app)).json()
    body = card_body()
    body["display"]["properties"][0]["label"] = "Sta\u0000tus"
    refused = dev.post(cards_path(app), json=body)
    expected = invalid("label cannot hold a NUL character", label=["Status"])
    assert_hubspot_error(refused, 400, **expected)
    assert dev.get(cards_path(app)).json() == before
