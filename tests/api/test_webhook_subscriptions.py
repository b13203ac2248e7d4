"""Webhooks API v3 subscriptions (``/webhooks/v3/{appId}/subscriptions...`` and the dated
path): every SDK method's success path with client-side validation on, HubSpot's error
bodies for bad input over raw httpx, another app's subscriptions, and which portals'
custom properties a subscription may name (those the app is installed in)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hubspot.webhooks import (
    ApiException,
    BatchInputSubscriptionBatchUpdateRequest,
    SubscriptionBatchUpdateRequest,
    SubscriptionCreateRequest,
    SubscriptionPatchRequest,
)
from webhook_support import DevApp, developer_http, developer_sdk, invalid, new_app, not_found

from conftest import Server, assert_hubspot_error, assert_sdk_error, run_cli


@pytest.fixture(scope="module")
def app(server: Server) -> DevApp:
    return new_app(server, "Subscriptions app")


@pytest.fixture(scope="module")
def dev(server: Server, app: DevApp) -> Iterator[httpx.Client]:
    with developer_http(server, app) as client:
        yield client


def create(dev: httpx.Client, app: DevApp, **body: Any) -> dict[str, Any]:
    made = dev.post(app.subscriptions, json=body)
    assert made.status_code == 201, made.text
    found: dict[str, Any] = made.json()
    return found


def test_create_read_update_and_archive_through_the_sdk(server: Server, app: DevApp) -> None:
    api = developer_sdk(server, app).webhooks.subscriptions_api
    email = api.create(
        app.app_id,
        SubscriptionCreateRequest(
            event_type="contact.propertyChange", property_name="email", active=True
        ),
    )
    assert (email.event_type, email.property_name, email.active) == (
        "contact.propertyChange",
        "email",
        True,
    )
    assert email.object_type_id is None and email.created_at == email.updated_at
    calls = api.create(
        app.app_id, SubscriptionCreateRequest(event_type="object.creation", object_type_id="0-48")
    )
    assert (calls.event_type, calls.object_type_id, calls.active) == (
        "object.creation",
        "0-48",
        False,
    )
    assert [s.id for s in api.get_all(app.app_id).results] == [email.id, calls.id]
    assert api.get_by_id(int(calls.id), app.app_id) == calls
    resumed = api.update(int(calls.id), app.app_id, SubscriptionPatchRequest(active=True))
    assert resumed.active is True and resumed.created_at == calls.created_at
    api.archive(int(email.id), app.app_id)
    with pytest.raises(ApiException) as gone:
        api.get_by_id(int(email.id), app.app_id)
    assert_sdk_error(
        gone.value, 404, **not_found(f"Subscription {email.id} not found", id=[email.id])
    )
    api.archive(int(calls.id), app.app_id)
    assert api.get_all(app.app_id).results == []


def test_batch_update_through_the_sdk_reports_unknown_ids_as_207(
    server: Server, dev: httpx.Client, app: DevApp
) -> None:
    first = create(dev, app, eventType="deal.creation")
    second = create(dev, app, eventType="deal.deletion", active=True)
    api = developer_sdk(server, app).webhooks.subscriptions_api
    batch = BatchInputSubscriptionBatchUpdateRequest(
        inputs=[
            SubscriptionBatchUpdateRequest(id=int(first["id"]), active=True),
            SubscriptionBatchUpdateRequest(id=int(second["id"]), active=False),
        ]
    )
    done = api.update_batch(app.app_id, batch)
    assert done.status == "COMPLETE"
    assert [(s.id, s.active) for s in done.results] == [(first["id"], True), (second["id"], False)]
    batch.inputs.append(SubscriptionBatchUpdateRequest(id=987654, active=True))
    partial = api.update_batch(app.app_id, batch)
    assert partial.num_errors == 1 and len(partial.results) == 2
    error = partial.errors[0]
    assert (error.category, error.sub_category, error.message, error.context) == (
        "SUBSCRIPTION_ID_NOT_FOUND",
        "SubscriptionErrors.SUBSCRIPTION_IDS_NOT_FOUND",
        "Failed to find subscriptions by id `987654`. Try again using a different subscriptionId.",
        {"subscriptionIds": ["987654"]},
    )
    for made in (first, second):
        assert dev.delete(f"{app.subscriptions}/{made['id']}").status_code == 204


def test_the_dated_path_serves_the_same_subscriptions(dev: httpx.Client, app: DevApp) -> None:
    made = dev.post(
        f"/webhooks/2026-03/{app.app_id}/subscriptions",
        json={"eventType": "ticket.merge", "active": True},
    )
    assert made.status_code == 201, made.text
    listed = dev.get(app.subscriptions).json()["results"]
    assert made.json() in listed
    assert (
        dev.delete(f"/webhooks/2026-03/{app.app_id}/subscriptions/{made.json()['id']}").status_code
        == 204
    )


def test_a_duplicate_subscription_is_a_conflict(dev: httpx.Client, app: DevApp) -> None:
    body = {"eventType": "company.propertyChange", "propertyName": "name"}
    first = create(dev, app, **body)
    again = dev.post(app.subscriptions, json={**body, "active": True})
    assert_hubspot_error(
        again,
        409,
        message="The app already has a subscription to company.propertyChange of name: "
        + first["id"],
        category="CONFLICT",
        context={"id": [first["id"]]},
        errors=[],
    )
    assert dev.delete(f"{app.subscriptions}/{first['id']}").status_code == 204


def test_a_deleted_subscriptions_id_is_never_given_again(dev: httpx.Client, app: DevApp) -> None:
    """An event of a deleted subscription may still be retrying under its id."""
    first = create(dev, app, eventType="product.creation")
    assert dev.delete(f"{app.subscriptions}/{first['id']}").status_code == 204
    second = create(dev, app, eventType="product.creation")
    assert int(second["id"]) > int(first["id"])
    assert dev.delete(f"{app.subscriptions}/{second['id']}").status_code == 204


@pytest.mark.parametrize(
    ("body", "message", "context"),
    [
        (
            {"eventType": "conversation.creation"},
            "Subscriptions to conversation.creation are not supported: localspot serves CRM"
            " object events only (no conversations or custom behavioral events)",
            {"eventType": ["conversation.creation"]},
        ),
        (
            {"eventType": "contact.propertyChange"},
            "propertyName is required for propertyChange subscriptions",
            {"propertyName": [""], "eventType": ["contact.propertyChange"]},
        ),
        (
            {"eventType": "contact.creation", "propertyName": "email"},
            "propertyName is only allowed for propertyChange subscriptions",
            {"propertyName": ["email"], "eventType": ["contact.creation"]},
        ),
        (
            {"eventType": "contact.propertyChange", "propertyName": "no_such_thing"},
            "Property no_such_thing does not exist for object type 0-1",
            {"propertyName": ["no_such_thing"], "eventType": ["contact.propertyChange"]},
        ),
        (
            {"eventType": "object.creation"},
            "objectTypeId is required for the generic event type object.creation",
            {"objectTypeId": [""], "eventType": ["object.creation"]},
        ),
        (
            {"eventType": "object.creation", "objectTypeId": "2-123"},
            "Generic webhook subscriptions are not available for object type 2-123",
            {"objectTypeId": ["2-123"], "eventType": ["object.creation"]},
        ),
        (
            {"eventType": "deal.creation", "objectTypeId": "0-1"},
            "objectTypeId 0-1 does not match event type deal.creation",
            {"objectTypeId": ["0-1"], "eventType": ["deal.creation"]},
        ),
        (
            {
                "eventType": "object.propertyChange",
                "objectTypeId": "0-49",
                "propertyName": "hs_email_html",
            },
            "propertyChange subscriptions to hs_email_html are not supported",
            {"propertyName": ["hs_email_html"]},
        ),
    ],
)
def test_bad_subscriptions_are_refused_and_nothing_is_made(
    dev: httpx.Client, app: DevApp, body: dict[str, Any], message: str, context: dict[str, Any]
) -> None:
    before = dev.get(app.subscriptions).json()
    refused = dev.post(app.subscriptions, json=body)
    assert_hubspot_error(refused, 400, **invalid(message, **context))
    assert dev.get(app.subscriptions).json() == before


def test_an_event_type_hubspot_does_not_list_is_refused_by_the_schema(
    dev: httpx.Client, app: DevApp
) -> None:
    refused = dev.post(app.subscriptions, json={"eventType": "contact.teleported"})
    message = "Invalid input JSON: Invalid enum value 'contact.teleported'"
    assert_hubspot_error(refused, 400, **invalid(message))


@pytest.mark.parametrize(
    ("body", "message", "context"),
    [
        ({"inputs": []}, "The request must contain at least one input.", {"inputs": []}),
        (
            {"inputs": [{"id": 5, "active": True}, {"id": 5, "active": False}]},
            "Duplicate IDs found in batch input: [5]. IDs must be unique",
            {"ids": ["5"]},
        ),
        (
            {"inputs": [{"id": i, "active": True} for i in range(1, 102)]},
            "The maximum number of inputs supported in a batch request is 100. Please reduce"
            " the number of items and try again",
            {"maxInputs": ["100"], "inputs": ["101"]},
        ),
    ],
)
def test_bad_batches_are_refused(
    dev: httpx.Client, app: DevApp, body: dict[str, Any], message: str, context: dict[str, Any]
) -> None:
    refused = dev.post(f"{app.subscriptions}/batch/update", json=body)
    assert_hubspot_error(refused, 400, **invalid(message, **context))


def test_unknown_subscriptions_are_not_found(dev: httpx.Client, app: DevApp) -> None:
    body = not_found("Subscription 424242 not found", id=["424242"])
    for response in (
        dev.get(f"{app.subscriptions}/424242"),
        dev.patch(f"{app.subscriptions}/424242", json={"active": True}),
        dev.delete(f"{app.subscriptions}/424242"),
    ):
        assert_hubspot_error(response, 404, **body)


def test_another_apps_subscriptions_are_out_of_reach(
    server: Server, dev: httpx.Client, app: DevApp
) -> None:
    theirs = new_app(server, "Theirs", app.portal_id)
    with developer_http(server, theirs) as them:
        made = them.post(theirs.subscriptions, json={"eventType": "product.creation"})
        assert made.status_code == 201, made.text
        sub_id = made.json()["id"]
        owner = f"{theirs.subscriptions}/{sub_id}"
        missing_app = not_found(f"App {theirs.app_id} not found", appId=[str(theirs.app_id)])
        assert_hubspot_error(dev.get(owner), 404, **missing_app)
        assert_hubspot_error(dev.delete(owner), 404, **missing_app)
        mine = f"{app.subscriptions}/{sub_id}"
        missing = not_found(f"Subscription {sub_id} not found", id=[sub_id])
        assert_hubspot_error(dev.patch(mine, json={"active": True}), 404, **missing)
        assert them.get(owner).json()["active"] is False


def test_custom_properties_count_only_in_portals_the_app_is_installed_in(
    server: Server, dev: httpx.Client, app: DevApp
) -> None:
    elsewhere = server.new_portal()
    token = server.new_token("--portal", str(elsewhere))
    with httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}
    ) as crm:
        made = crm.post(
            "/crm/v3/properties/contacts",
            json={
                "name": "loyalty_tier",
                "label": "Loyalty tier",
                "type": "string",
                "fieldType": "text",
                "groupName": "contactinformation",
            },
        )
        assert made.status_code == 201, made.text
    body = {"eventType": "contact.propertyChange", "propertyName": "loyalty_tier"}
    refused = dev.post(app.subscriptions, json=body)
    assert refused.status_code == 400
    assert refused.json()["message"] == "Property loyalty_tier does not exist for object type 0-1"
    run_cli(server.database_url, "apps", "install", str(app.app_id), "--portal", str(elsewhere))
    accepted = create(dev, app, **body)
    assert accepted["propertyName"] == "loyalty_tier"
    assert dev.delete(f"{app.subscriptions}/{accepted['id']}").status_code == 204


def test_ids_beyond_int32_name_no_subscription(dev: httpx.Client, app: DevApp) -> None:
    huge = str(2**63 + 5)
    body = not_found(f"Subscription {huge} not found", id=[huge])
    for response in (
        dev.get(f"{app.subscriptions}/{huge}"),
        dev.patch(f"{app.subscriptions}/{huge}", json={"active": True}),
        dev.delete(f"{app.subscriptions}/{huge}"),
    ):
        assert_hubspot_error(response, 404, **body)
    batch = dev.post(
        f"{app.subscriptions}/batch/update", json={"inputs": [{"id": int(huge), "active": True}]}
    )
    assert batch.status_code == 207, batch.text
    assert batch.json()["errors"][0]["context"] == {"subscriptionIds": [huge]}
