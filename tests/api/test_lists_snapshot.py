"""Lists in snapshots and resets (``/_localspot/portals/{id}/snapshot`` and ``/reset``) on
both databases: lists (deleted ones too), folders and memberships come back exactly, sizes
included; a reset leaves none; a snapshot whose lists don't hold together is refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from admin_support import AdminServer, serve_with_admin
from list_support import LISTS, make_contacts, new_list
from test_admin_snapshot import restore, snapshot

from conftest import assert_hubspot_error


@pytest.fixture(scope="module")
def spot(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AdminServer]:
    yield from serve_with_admin(backend, request, tmp_path_factory)


def everything(crm: httpx.Client) -> dict[str, Any]:
    """What a client can read of a portal's lists."""
    found = crm.post(f"{LISTS}/search", json={"count": 500}).json()
    ids = [x["listId"] for x in found["lists"]]
    return {
        "search": found,
        "lists": crm.get(LISTS, params={"listIds": ids, "includeFilters": "true"}).json(),
        "members": {
            i: crm.get(f"{LISTS}/{i}/memberships/join-order", params={"limit": 250}).json()
            for i in ids
        },
        "folders": crm.get(f"{LISTS}/folders").json(),
    }


def portal_with_lists(spot: AdminServer) -> tuple[int, httpx.Client]:
    portal_id, crm = spot.new_portal()
    ids = make_contacts(crm, 4, "snap")
    folder = crm.post(f"{LISTS}/folders", json={"name": "Kept"}).json()["folder"]["id"]
    crm.post(f"{LISTS}/folders", json={"name": "Inner", "parentFolderId": folder})
    kept = new_list(crm, "Kept list", listFolderId=int(folder))["listId"]
    crm.put(f"{LISTS}/{kept}/memberships/add", json=ids[:3])
    crm.put(f"{LISTS}/{kept}/memberships/remove", json=ids[:1])
    gone = new_list(crm, "Deleted list")["listId"]
    crm.put(f"{LISTS}/{gone}/memberships/add", json=ids)
    assert crm.delete(f"{LISTS}/{gone}").status_code == 204
    return portal_id, crm


def test_a_snapshot_brings_lists_folders_and_members_back_after_a_reset(
    spot: AdminServer,
) -> None:
    portal_id, crm = portal_with_lists(spot)
    before = everything(crm)
    data = snapshot(spot, portal_id)
    assert spot.admin.post(f"/_localspot/portals/{portal_id}/reset").status_code == 204
    after_reset = everything(crm)
    assert (after_reset["search"]["total"], after_reset["folders"]["folder"]["childNodes"]) == (
        0, []
    )  # fmt: skip
    assert crm.put(f"{LISTS}/2/restore").status_code == 404
    assert restore(spot, portal_id, data).status_code == 204
    assert everything(crm) == before
    assert crm.put(f"{LISTS}/2/restore").status_code == 204
    assert crm.get(f"{LISTS}/2").json()["list"]["size"] == 4
    assert crm.put(f"{LISTS}/2/restore").status_code == 400
    restore(spot, portal_id, data)
    assert snapshot(spot, portal_id) == data


def test_a_restored_portal_numbers_new_lists_and_folders_after_its_own(
    spot: AdminServer,
) -> None:
    portal_id, crm = portal_with_lists(spot)
    data = snapshot(spot, portal_id)
    assert spot.admin.post(f"/_localspot/portals/{portal_id}/reset").status_code == 204
    assert new_list(crm, "Before restore")["listId"] == "1"
    assert restore(spot, portal_id, data).status_code == 204
    assert new_list(crm, "After restore")["listId"] == "3"
    folder = crm.post(f"{LISTS}/folders", json={"name": "After"}).json()["folder"]
    assert folder["id"] == "3"


def _city_list(crm: httpx.Client, name: str, city: str) -> str:
    flt = {
        "filterType": "PROPERTY",
        "property": "city",
        "operation": {"operationType": "STRING", "operator": "IS_EQUAL_TO", "value": city},
    }
    branch = {
        "filterBranchType": "OR",
        "filters": [],
        "filterBranches": [{"filterBranchType": "AND", "filters": [flt], "filterBranches": []}],
    }
    list_id: str = new_list(crm, name, "DYNAMIC", filterBranch=branch)["listId"]
    return list_id


def _city(crm: httpx.Client, record_id: str, city: str) -> None:
    changed = crm.patch(
        f"/crm/v3/objects/contacts/{record_id}", json={"properties": {"city": city}}
    )
    assert changed.status_code == 200, changed.text


def test_a_restored_dynamic_list_keeps_its_members_and_follows_the_next_writes(
    spot: AdminServer,
) -> None:
    portal_id, crm = spot.new_portal()
    ids = make_contacts(crm, 3, "live")
    _city(crm, ids[0], "Paris")
    list_id = _city_list(crm, "Paris people", "Paris")
    before = everything(crm)
    data = snapshot(spot, portal_id)
    assert spot.admin.post(f"/_localspot/portals/{portal_id}/reset").status_code == 204
    other = make_contacts(crm, 1, "other")[0]
    assert _city_list(crm, "Rome people", "Rome") == list_id  # the same id, other filters
    _city(crm, other, "Rome")
    assert restore(spot, portal_id, data).status_code == 204
    assert everything(crm) == before
    _city(crm, ids[1], "Paris")
    _city(crm, ids[2], "Rome")
    shown = crm.get(f"{LISTS}/{list_id}/memberships").json()["results"]
    assert [m["recordId"] for m in shown] == ids[:2]
    assert crm.get(f"{LISTS}/{list_id}").json()["list"]["size"] == 2


def broken(data: bytes, change: Any) -> bytes:
    snap = json.loads(data)
    change(snap)
    return json.dumps(snap).encode()


@pytest.mark.parametrize(
    ("change", "message", "ids"),
    [
        (lambda s: s["lists"].append({**s["lists"][0]}), "List ids repeat", ["1"]),
        (
            lambda s: s["lists"].append({**s["lists"][0], "id": 9, "legacyId": 9}),
            "List names repeat",
            ["kept list"],
        ),
        (
            lambda s: s["lists"][0]["members"].append({"recordId": 123456789, "addedAt": 1}),
            "List members that are no live record of their list's type",
            ["123456789"],
        ),
        (
            lambda s: s["listFolders"][0].update(parentId=2),
            "Folders inside themselves",
            ["1", "2"],
        ),
        (
            lambda s: s["lists"][0].update(folderId=77),
            "Lists in unknown folders",
            ["1"],
        ),
    ],
)
def test_a_snapshot_whose_lists_do_not_hold_together_is_refused(
    spot: AdminServer, change: Any, message: str, ids: list[str]
) -> None:
    portal_id, crm = portal_with_lists(spot)
    data = snapshot(spot, portal_id)
    refused = restore(spot, portal_id, broken(data, change))
    assert_hubspot_error(
        refused,
        400,
        message=f"{message} in the snapshot",
        category="VALIDATION_ERROR",
        context={"ids": ids},
        errors=[],
    )
    assert snapshot(spot, portal_id) == data


@pytest.mark.parametrize(
    "conversion",
    [
        {"conversionType": "SOMEDAY", "scheduledAt": 1},
        {"conversionType": "INACTIVITY", "offset": 2, "timeUnit": "YEAR", "scheduledAt": 1},
        {
            "conversionType": "CONVERSION_DATE",
            "day": 30,
            "month": 2,
            "year": 2030,
            "scheduledAt": 1,
        },
        {"conversionType": "CONVERSION_DATE", "day": 1, "month": 2, "year": 2030},
    ],
)
def test_a_snapshot_with_a_malformed_list_conversion_is_refused(
    spot: AdminServer, conversion: dict[str, Any]
) -> None:
    portal_id, crm = portal_with_lists(spot)
    data = snapshot(spot, portal_id)
    refused = restore(
        spot, portal_id, broken(data, lambda s: s["lists"][0].update(conversion=conversion))
    )
    assert_hubspot_error(
        refused,
        400,
        message="Invalid snapshot: list 1 has a malformed conversion",
        category="VALIDATION_ERROR",
        context={},
        errors=[],
    )
    assert snapshot(spot, portal_id) == data
