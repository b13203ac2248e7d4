"""Owner-typed properties (``hubspot_owner_id`` and others): only the portal's live owners'
ids are accepted on every write path, and the properties API lists them as options."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from admin_support import CALL_TIME, AdminServer, shared_admin

from conftest import Server, assert_hubspot_error, assert_sdk_error

CONTACTS = "/crm/v3/objects/contacts"
DEALS = "/crm/v3/objects/deals"
CALLS = "/crm/v3/objects/calls"


@pytest.fixture(scope="module")
def spot(server: Server) -> Iterator[AdminServer]:
    yield from shared_admin(server)


def make_owner(spot: AdminServer, portal_id: int, email: str, **names: str) -> str:
    response = spot.admin.post(
        f"/_localspot/portals/{portal_id}/owners", json={"email": email, **names}
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


class Portal:
    """A portal with live owners Ann and Cy, archived owner Bob, and another portal's owner."""

    def __init__(self, spot: AdminServer) -> None:
        self.id, self.crm = spot.new_portal()
        self.ann = make_owner(spot, self.id, "ann@example.com", firstName="Ann", lastName="Lee")
        self.bob = make_owner(spot, self.id, "bob@example.com", firstName="Bob")
        self.cy = make_owner(spot, self.id, "cy@example.com")
        gone = spot.admin.post(f"/_localspot/portals/{self.id}/owners/{self.bob}/archive")
        assert gone.status_code == 204, gone.text
        other_id, _ = spot.new_portal()
        for n in range(4):  # the other portal's owners reach beyond this portal's ids
            self.foreign = make_owner(spot, other_id, f"o{n}@example.com")
        self.token = self.crm.headers["Authorization"].removeprefix("Bearer ")


@pytest.fixture(scope="module")
def portal(spot: AdminServer) -> Portal:
    return Portal(spot)


def invalid_owner_body(portal_id: int, *bad: tuple[str, str]) -> dict[str, Any]:
    """HubSpot's 400 for owner ids that are not the portal's live owners."""
    entries = [
        {
            "isValid": False,
            "message": f"{value} is not a valid owner id",
            "error": "INVALID_OWNER_ID",
            "name": name,
            "localizedErrorMessage": f"{value} is not a valid owner id",
            "portalId": portal_id,
        }
        for name, value in bad
    ]
    return {
        "message": "Property values were not valid: " + json.dumps(entries, separators=(",", ":")),
        "category": "VALIDATION_ERROR",
        "context": {},
        "errors": [
            {
                "message": f"{value} is not a valid owner id",
                "code": "INVALID_OWNER_ID",
                "context": {"propertyName": [name]},
            }
            for name, value in bad
        ],
    }


def listing(crm: httpx.Client, path: str) -> list[dict[str, Any]]:
    response = crm.get(path, params={"limit": 100, "properties": "hubspot_owner_id"})
    assert response.status_code == 200, response.text
    results: list[dict[str, Any]] = response.json()["results"]
    return results


def owner_of(crm: httpx.Client, path: str, record_id: str) -> str | None:
    response = crm.get(f"{path}/{record_id}", params={"properties": "hubspot_owner_id"})
    assert response.status_code == 200, response.text
    value: str | None = response.json()["properties"].get("hubspot_owner_id")
    return value


def test_single_create_with_a_bad_owner_id_is_400_and_writes_nothing(portal: Portal) -> None:
    before = listing(portal.crm, CONTACTS)
    for bad in ("99999", portal.bob, portal.foreign, "ann"):
        response = portal.crm.post(
            CONTACTS, json={"properties": {"email": f"x{bad}@x.com", "hubspot_owner_id": bad}}
        )
        body = invalid_owner_body(portal.id, ("hubspot_owner_id", bad))
        assert_hubspot_error(response, 400, **body)
    assert listing(portal.crm, CONTACTS) == before


def test_patch_with_an_archived_owner_is_400_and_keeps_the_owner(portal: Portal) -> None:
    created = portal.crm.post(CONTACTS, json={"properties": {"hubspot_owner_id": portal.ann}})
    assert created.status_code == 201, created.text
    contact_id = created.json()["id"]
    response = portal.crm.patch(
        f"{CONTACTS}/{contact_id}", json={"properties": {"hubspot_owner_id": portal.bob}}
    )
    assert_hubspot_error(
        response, 400, **invalid_owner_body(portal.id, ("hubspot_owner_id", portal.bob))
    )
    assert owner_of(portal.crm, CONTACTS, contact_id) == portal.ann
    cleared = portal.crm.patch(
        f"{CONTACTS}/{contact_id}", json={"properties": {"hubspot_owner_id": ""}}
    )
    assert cleared.status_code == 200, cleared.text
    assert owner_of(portal.crm, CONTACTS, contact_id) in ("", None)


def test_batch_create_with_trace_ids_applies_the_valid_inputs_and_answers_207(
    portal: Portal,
) -> None:
    inputs = [
        {
            "properties": {"hubspot_owner_id": portal.cy, "dealname": "kept"},
            "objectWriteTraceId": "a",
        },
        {
            "properties": {"hubspot_owner_id": "424242", "dealname": "refused"},
            "objectWriteTraceId": "b",
        },
    ]
    response = portal.crm.post(f"{DEALS}/batch/create", json={"inputs": inputs})
    assert response.status_code == 207, response.text
    body = response.json()
    (kept,) = body["results"]
    assert kept["properties"]["hubspot_owner_id"] == portal.cy
    (error,) = body["errors"]
    expected = invalid_owner_body(portal.id, ("hubspot_owner_id", "424242"))
    assert error["message"] == expected["message"]
    assert error["context"] == {"objectWriteTraceId": ["b"]}
    names = [d["properties"].get("dealname") for d in listing(portal.crm, DEALS)]
    assert "kept" in names and "refused" not in names


def test_batch_update_without_trace_ids_fails_whole_and_changes_nothing(portal: Portal) -> None:
    created = portal.crm.post(
        f"{CALLS}/batch/create",
        json={"inputs": [{"properties": {"hs_timestamp": CALL_TIME}} for _ in range(2)]},
    )
    assert created.status_code == 201, created.text
    first, second = (r["id"] for r in created.json()["results"])
    inputs = [
        {"id": first, "properties": {"hubspot_owner_id": portal.ann}},
        {"id": second, "properties": {"hubspot_owner_id": portal.foreign}},
    ]
    response = portal.crm.post(f"{CALLS}/batch/update", json={"inputs": inputs})
    expected = invalid_owner_body(portal.id, ("hubspot_owner_id", portal.foreign))
    assert_hubspot_error(response, 400, **expected)
    assert owner_of(portal.crm, CALLS, first) is None
    inputs[1]["properties"] = {"hubspot_owner_id": portal.cy}
    done = portal.crm.post(f"{CALLS}/batch/update", json={"inputs": inputs})
    assert done.status_code == 200, done.text
    assert owner_of(portal.crm, CALLS, first) == portal.ann
    assert owner_of(portal.crm, CALLS, second) == portal.cy


def test_batch_upsert_and_dated_paths_check_owners(portal: Portal) -> None:
    inputs = [
        {"idProperty": "email", "id": "up@example.com", "properties": {"hubspot_owner_id": "7"}}
    ]
    response = portal.crm.post(f"{CONTACTS}/batch/upsert", json={"inputs": inputs})
    assert_hubspot_error(response, 400, **invalid_owner_body(portal.id, ("hubspot_owner_id", "7")))
    inputs[0]["properties"] = {"hubspot_owner_id": portal.ann}
    done = portal.crm.post(f"{CONTACTS}/batch/upsert", json={"inputs": inputs})
    assert done.status_code == 200, done.text
    assert done.json()["results"][0]["properties"]["hubspot_owner_id"] == portal.ann
    dated = portal.crm.post(
        "/crm/objects/2026-03/deals",
        json={"properties": {"dealname": "dated", "hubspot_owner_id": portal.bob}},
    )
    assert_hubspot_error(
        dated, 400, **invalid_owner_body(portal.id, ("hubspot_owner_id", portal.bob))
    )


def test_a_record_keeps_its_owner_after_the_owner_is_archived(
    spot: AdminServer, portal: Portal
) -> None:
    leaving = make_owner(spot, portal.id, "leaving@example.com")
    created = portal.crm.post(CONTACTS, json={"properties": {"hubspot_owner_id": leaving}})
    assert created.status_code == 201, created.text
    archived = spot.admin.post(f"/_localspot/portals/{portal.id}/owners/{leaving}/archive")
    assert archived.status_code == 204, archived.text
    contact_id = created.json()["id"]
    assert owner_of(portal.crm, CONTACTS, contact_id) == leaving
    other = portal.crm.patch(f"{CONTACTS}/{contact_id}", json={"properties": {"firstname": "Z"}})
    assert other.status_code == 200, other.text
    assert owner_of(portal.crm, CONTACTS, contact_id) == leaving


def test_custom_owner_property_is_checked_too(portal: Portal) -> None:
    definition = {
        "name": "second_owner",
        "label": "Second owner",
        "type": "enumeration",
        "fieldType": "select",
        "groupName": "contactinformation",
        "externalOptions": True,
        "referencedObjectType": "OWNER",
    }
    made = portal.crm.post("/crm/v3/properties/contacts", json=definition)
    assert made.status_code == 201, made.text
    response = portal.crm.post(
        CONTACTS,
        json={"properties": {"second_owner": "31337", "hubspot_owner_id": "31338"}},
    )
    expected = invalid_owner_body(
        portal.id, ("hubspot_owner_id", "31338"), ("second_owner", "31337")
    )
    assert sorted(response.json()["errors"], key=str) == sorted(expected["errors"], key=str)
    assert response.status_code == 400
    ok = portal.crm.post(CONTACTS, json={"properties": {"second_owner": portal.cy}})
    assert ok.status_code == 201, ok.text
    shown = portal.crm.get("/crm/v3/properties/contacts/second_owner").json()
    assert [o["value"] for o in shown["options"]] == [portal.ann, portal.cy]


def test_properties_api_lists_live_owners_as_options(portal: Portal) -> None:
    response = portal.crm.get("/crm/v3/properties/contacts/hubspot_owner_id")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["referencedObjectType"] == "OWNER"
    assert body["externalOptions"] is True
    labels = {o["value"]: o["label"] for o in body["options"]}
    assert portal.bob not in labels and portal.foreign not in labels
    assert labels[portal.ann] == "Ann Lee"
    assert labels[portal.cy] == "cy@example.com"
    assert [o["displayOrder"] for o in body["options"]] == list(range(len(labels)))
    assert all(o["hidden"] is False for o in body["options"])
    everything = portal.crm.get("/crm/v3/properties/deals").json()["results"]
    (deal_owner,) = [p for p in everything if p["name"] == "hubspot_owner_id"]
    assert deal_owner["options"] == body["options"]


def test_sdk_assigns_owners_to_contacts_deals_and_calls(spot: AdminServer, portal: Portal) -> None:
    import hubspot
    from hubspot.crm.contacts import ApiException as ContactsError
    from hubspot.crm.contacts import SimplePublicObjectInputForCreate as ContactInput
    from hubspot.crm.deals import BatchInputSimplePublicObjectBatchInput as DealBatch
    from hubspot.crm.deals import SimplePublicObjectBatchInput as DealUpdate
    from hubspot.crm.deals import SimplePublicObjectInputForCreate as DealInput
    from hubspot.crm.objects.calls import SimplePublicObjectInput as CallUpdate
    from hubspot.crm.objects.calls import SimplePublicObjectInputForCreate as CallInput

    client = hubspot.Client.create(access_token=portal.token, host=spot.base_url)
    contact = client.crm.contacts.basic_api.create(
        ContactInput(properties={"email": "sdk@example.com", "hubspot_owner_id": portal.ann})
    )
    read = client.crm.contacts.basic_api.get_by_id(contact.id, properties=["hubspot_owner_id"])
    assert read.properties["hubspot_owner_id"] == portal.ann
    with pytest.raises(ContactsError) as raised:
        client.crm.contacts.basic_api.create(
            ContactInput(properties={"hubspot_owner_id": portal.foreign})
        )
    expected = invalid_owner_body(portal.id, ("hubspot_owner_id", portal.foreign))
    assert_sdk_error(raised.value, 400, **expected)
    deal = client.crm.deals.basic_api.create(DealInput(properties={"dealname": "d"}))
    updated = client.crm.deals.batch_api.update(
        DealBatch(inputs=[DealUpdate(id=deal.id, properties={"hubspot_owner_id": portal.cy})])
    )
    assert updated.results[0].properties["hubspot_owner_id"] == portal.cy
    calls = client.crm.objects.calls.basic_api
    call = calls.create(CallInput(properties={"hs_timestamp": CALL_TIME}))
    calls.update(call.id, CallUpdate(properties={"hubspot_owner_id": portal.ann}))
    again = calls.get_by_id(call.id, properties=["hubspot_owner_id"])
    assert again.properties["hubspot_owner_id"] == portal.ann
