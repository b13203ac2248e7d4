"""Snapshot and restore (``/_localspot/portals/{id}/snapshot``): byte-stable, complete, and
all or nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from admin_support import (
    CALLS,
    AdminServer,
    assert_hubspot_error,
    create_calls,
    shared_admin,
)

from conftest import Server

UNIQUE = "snap_ref"


LINK = {
    "from_type": "0-48",
    "from_id": 1,
    "to_type": "0-1",
    "to_id": 2,
    "type_id": 194,
    "category": "HUBSPOT_DEFINED",
}


@pytest.fixture(scope="module")
def spot(server: Server) -> Iterator[AdminServer]:
    yield from shared_admin(server)


@pytest.fixture
def filled(spot: AdminServer) -> tuple[int, httpx.Client]:
    """A portal with a unique custom property, a group, history, and an archived record."""
    portal_id, crm = spot.new_portal()
    group = {"name": "snap_group", "label": "Snapshot", "displayOrder": 3}
    assert crm.post("/crm/v3/properties/calls/groups", json=group).status_code == 201
    prop = {
        "name": UNIQUE,
        "label": "Ref",
        "type": "string",
        "fieldType": "text",
        "groupName": "snap_group",
        "hasUniqueValue": True,
    }
    assert crm.post("/crm/v3/properties/calls", json=prop).status_code == 201
    ids = [create_calls(crm, 1, **{UNIQUE: f"ref-{i}"})[0] for i in range(3)]
    update = {"inputs": [{"id": ids[0], "properties": {"hs_call_title": "renamed"}}]}
    assert crm.post(f"{CALLS}/batch/update", json=update).status_code == 200
    assert crm.delete(f"{CALLS}/{ids[2]}").status_code == 204
    return portal_id, crm


def snapshot(spot: AdminServer, portal_id: int) -> bytes:
    response = spot.admin.get(f"/_localspot/portals/{portal_id}/snapshot")
    assert response.status_code == 200, response.text
    return response.content


def restore(spot: AdminServer, portal_id: int, data: bytes) -> httpx.Response:
    headers = {"content-type": "application/json"}
    return spot.admin.put(
        f"/_localspot/portals/{portal_id}/snapshot", content=data, headers=headers
    )


def reads(crm: httpx.Client) -> list[dict[str, Any]]:
    """Everything a client can read back, history and archived records included."""
    params = {"propertiesWithHistory": f"hs_call_title,{UNIQUE}", "properties": UNIQUE}
    live = crm.get(CALLS, params=params).json()["results"]
    archived = crm.get(CALLS, params={**params, "archived": "true"}).json()["results"]
    return [*live, *archived]


def test_snapshot_is_byte_identical_after_reset_and_restore(
    spot: AdminServer, filled: tuple[int, httpx.Client]
) -> None:
    portal_id, _ = filled
    before = snapshot(spot, portal_id)
    spot.admin.post(f"/_localspot/portals/{portal_id}/reset")
    assert restore(spot, portal_id, before).status_code == 204
    assert snapshot(spot, portal_id) == before


def test_restore_gives_identical_reads(spot: AdminServer, filled: tuple[int, httpx.Client]) -> None:
    portal_id, crm = filled
    before, data = reads(crm), snapshot(spot, portal_id)
    spot.admin.post(f"/_localspot/portals/{portal_id}/reset")
    restore(spot, portal_id, data)
    assert reads(crm) == before


def test_snapshot_holds_custom_properties_groups_and_history(
    spot: AdminServer, filled: tuple[int, httpx.Client]
) -> None:
    portal_id, _ = filled
    calls = json.loads(snapshot(spot, portal_id))["objectTypes"]["0-48"]
    assert [p["name"] for p in calls["properties"]] == [UNIQUE]
    assert [g["name"] for g in calls["groups"]] == ["snap_group"]
    titles = [h["value"] for h in calls["records"][0]["history"] if h["name"] == "hs_call_title"]
    assert titles == ["call 0", "renamed"]
    assert [r["archived"] for r in calls["records"]] == [False, False, True]


def test_restored_unique_values_are_enforced(
    spot: AdminServer, filled: tuple[int, httpx.Client]
) -> None:
    portal_id, crm = filled
    data = snapshot(spot, portal_id)
    spot.admin.post(f"/_localspot/portals/{portal_id}/reset")
    restore(spot, portal_id, data)
    body = {"properties": {"hs_timestamp": "2026-01-01T00:00:00Z", UNIQUE: "ref-1"}}
    assert_hubspot_error(crm.post(CALLS, json=body), 409, "CONFLICT")


def test_restored_records_are_found_by_search(
    spot: AdminServer, filled: tuple[int, httpx.Client]
) -> None:
    portal_id, crm = filled
    data = snapshot(spot, portal_id)
    spot.admin.post(f"/_localspot/portals/{portal_id}/reset")
    restore(spot, portal_id, data)
    query = {
        "filterGroups": [
            {"filters": [{"propertyName": UNIQUE, "operator": "EQ", "value": "ref-0"}]}
        ]
    }
    found = crm.post(f"{CALLS}/search", json=query).json()
    assert found["total"] == 1


def test_restore_replaces_what_the_portal_held(
    spot: AdminServer, filled: tuple[int, httpx.Client]
) -> None:
    portal_id, crm = filled
    data = snapshot(spot, portal_id)
    create_calls(crm, 2)
    restore(spot, portal_id, data)
    assert snapshot(spot, portal_id) == data


def test_restore_of_ids_another_portal_holds_returns_409_and_writes_nothing(
    spot: AdminServer, filled: tuple[int, httpx.Client]
) -> None:
    portal_id, _ = filled
    other_id, other = spot.new_portal()
    kept = create_calls(other, 1)
    other_before = snapshot(spot, other_id)
    response = restore(spot, other_id, snapshot(spot, portal_id))
    assert_hubspot_error(response, 409, "CONFLICT")
    assert snapshot(spot, other_id) == other_before
    assert [r["id"] for r in other.get(CALLS).json()["results"]] == kept


def test_restore_of_a_malformed_snapshot_returns_400_and_writes_nothing(
    spot: AdminServer, filled: tuple[int, httpx.Client]
) -> None:
    portal_id, _ = filled
    before = snapshot(spot, portal_id)
    response = restore(spot, portal_id, b'{"format": "localspot-snapshot/1", "portal": 3}')
    assert_hubspot_error(response, 400, "VALIDATION_ERROR")
    assert snapshot(spot, portal_id) == before


def test_restore_with_an_unknown_object_type_returns_400(spot: AdminServer) -> None:
    portal_id, _ = spot.new_portal()
    record = {"id": "5", "createdAt": 1, "updatedAt": 1, "properties": {}}
    types = {"9-99": {"records": [record]}}
    data = {"format": "localspot-snapshot/1", "portal": {"name": "x"}, "objectTypes": types}
    response = restore(spot, portal_id, json.dumps(data).encode())
    assert_hubspot_error(response, 400, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    "rows",
    [
        [{"from_id": 5}],
        [{**LINK, "from_type": "x" * 33}],
        [{**LINK, "to_id": 2**63}],
        [LINK, LINK],
    ],
    ids=["missing-columns", "long-type", "id-beyond-64-bits", "listed-twice"],
)
def test_restore_with_a_bad_association_row_returns_400_and_writes_nothing(
    spot: AdminServer, filled: tuple[int, httpx.Client], rows: list[dict[str, Any]]
) -> None:
    portal_id, _ = filled
    before = snapshot(spot, portal_id)
    data = {**json.loads(before), "associations": rows}
    response = restore(spot, portal_id, json.dumps(data).encode())
    assert_hubspot_error(response, 400, "VALIDATION_ERROR")
    assert snapshot(spot, portal_id) == before


def test_snapshot_of_an_unknown_portal_returns_404(spot: AdminServer) -> None:
    response = spot.admin.get("/_localspot/portals/987654321/snapshot")
    assert_hubspot_error(response, 404, "OBJECT_NOT_FOUND")


def test_associations_survive_reset_and_restore_and_reset_removes_them(
    spot: AdminServer, filled: tuple[int, httpx.Client]
) -> None:
    portal_id, crm = filled
    contact = crm.post("/crm/v3/objects/contacts", json={"properties": {"email": "s@x.io"}})
    assert contact.status_code == 201, contact.text
    contact_id = contact.json()["id"]
    call_id = reads(crm)[0]["id"]
    linked = f"/crm/v4/objects/calls/{call_id}/associations/default/contacts/{contact_id}"
    assert crm.put(linked).status_code == 200
    read_back = f"{CALLS}/{call_id}?associations=contacts"
    before, data = crm.get(read_back).json(), snapshot(spot, portal_id)
    assert before["associations"]["contacts"]["results"] == [
        {"id": contact_id, "type": "call_to_contact"}
    ]

    spot.admin.post(f"/_localspot/portals/{portal_id}/reset")
    assert crm.get(read_back).status_code == 404
    assert json.loads(snapshot(spot, portal_id))["associations"] == []
    assert restore(spot, portal_id, data).status_code == 204
    assert crm.get(read_back).json() == before
    contact_side = crm.get(f"/crm/v3/objects/contacts/{contact_id}?associations=calls").json()
    assert contact_side["associations"]["calls"]["results"] == [
        {"id": call_id, "type": "contact_to_call"}
    ]


def _nul_in_record_value(data: dict[str, Any]) -> str:
    record = data["objectTypes"]["0-48"]["records"][0]
    record["properties"]["hs_call_title"] = "a\u0000b"
    return f"record {record['id']}"


def _nul_in_history(data: dict[str, Any]) -> str:
    record = data["objectTypes"]["0-48"]["records"][0]
    record["history"][0]["value"] = "a\u0000b"
    return f"record {record['id']}"


def _nul_in_property_label(data: dict[str, Any]) -> str:
    data["objectTypes"]["0-48"]["properties"][0]["label"] = "a\u0000b"
    return "a portal, property, group or association field"


def _nul_in_group_label(data: dict[str, Any]) -> str:
    data["objectTypes"]["0-48"]["groups"][0]["label"] = "a\u0000b"
    return "a portal, property, group or association field"


def _nul_in_portal_name(data: dict[str, Any]) -> str:
    data["portal"]["name"] = "a\u0000b"
    return "a portal, property, group or association field"


@pytest.mark.parametrize(
    "inject",
    [
        _nul_in_record_value,
        _nul_in_history,
        _nul_in_property_label,
        _nul_in_group_label,
        _nul_in_portal_name,
    ],
    ids=["record-value", "history", "property-label", "group-label", "portal-name"],
)
def test_restore_with_a_nul_character_returns_400_and_writes_nothing(
    spot: AdminServer, filled: tuple[int, httpx.Client], inject: Any
) -> None:
    """PostgreSQL can't store U+0000, so neither database takes it (as everywhere else)."""
    portal_id, _ = filled
    before = snapshot(spot, portal_id)
    data = json.loads(before)
    where = inject(data)
    response = restore(spot, portal_id, json.dumps(data).encode())
    body = assert_hubspot_error(response, 400, "VALIDATION_ERROR")
    assert body["message"] == f"Invalid snapshot: {where} contains a NUL character (\\u0000)"
    assert snapshot(spot, portal_id) == before
