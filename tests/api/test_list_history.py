"""A list's size and edit history (``/crm/v3/lists/{listId}/size-and-edits-history/between``
and its dated path) on a real server, both databases, on the server's frozen clock: the
size as of the last membership change, the times the definition was written, the window
of ``startDate`` and ``endDate``, HubSpot's errors and portal isolation."""

from __future__ import annotations

from typing import Any

import httpx
from admin_support import AdminServer
from list_support import CONTACTS, DYNAMIC_BRANCH, LISTS, list_not_found, new_list
from test_list_conversions import T0, frozen_at_t0, move, spot

from conftest import assert_hubspot_error

DAY_MS = 86_400_000
DAY_1 = "2025-03-02T12:00:00.000Z"
DAY_2 = "2025-03-03T12:00:00.000Z"
HISTORY = "size-and-edits-history/between"
__all__ = ["frozen_at_t0", "spot"]  # the conversions' server, its clock frozen at T0 each test


def history(crm: httpx.Client, list_id: str, base: str = LISTS, **dates: str) -> dict[str, Any]:
    response = crm.get(f"{base}/{list_id}/{HISTORY}", params=dates)
    assert response.status_code == 200, response.text
    return dict(response.json())


def contacts(crm: httpx.Client, *emails: str) -> list[str]:
    inputs = [{"properties": {"email": e}} for e in emails]
    made = crm.post(f"{CONTACTS}/batch/create", json={"inputs": inputs})
    assert made.status_code == 201, made.text
    return [r["id"] for r in made.json()["results"]]


def test_a_manual_lists_size_and_edits_within_the_window(spot: AdminServer) -> None:
    _, crm = spot.new_portal()
    list_id = new_list(crm, "Followed")["listId"]
    assert history(crm, list_id) == {
        "editHistory": [T0],
        "sizeHistory": [{"size": 0, "timestamp": T0}],
    }
    move(spot, "advance", ms=DAY_MS)
    added = crm.put(f"{LISTS}/{list_id}/memberships/add", json=contacts(crm, "a@x.io", "b@x.io"))
    assert added.status_code == 200, added.text
    move(spot, "advance", ms=DAY_MS)
    renamed = crm.put(f"{LISTS}/{list_id}/update-list-name", params={"listName": "Renamed"})
    assert renamed.status_code == 200, renamed.text
    whole = {"editHistory": [T0, DAY_2], "sizeHistory": [{"size": 2, "timestamp": DAY_1}]}
    assert history(crm, list_id) == whole
    assert history(crm, list_id, base="/crm/lists/2026-03") == whole
    assert history(crm, list_id, startDate=DAY_1, endDate=DAY_1) == {
        "editHistory": [],
        "sizeHistory": [{"size": 2, "timestamp": DAY_1}],
    }
    assert history(crm, list_id, startDate="2025-03-02T12:00:00.001Z") == {
        "editHistory": [DAY_2],
        "sizeHistory": [],
    }
    assert history(crm, list_id, endDate="2025-03-01T11:59:59Z") == {
        "editHistory": [],
        "sizeHistory": [],
    }


def test_a_dynamic_lists_size_follows_the_records_written(spot: AdminServer) -> None:
    _, crm = spot.new_portal()
    list_id = new_list(crm, "Ann", "DYNAMIC", filterBranch=DYNAMIC_BRANCH)["listId"]
    move(spot, "advance", ms=DAY_MS)
    contacts(crm, "ann@example.com", "bob@example.com")
    assert history(crm, list_id) == {
        "editHistory": [T0],
        "sizeHistory": [{"size": 1, "timestamp": DAY_1}],
    }


def test_unknown_deleted_and_other_portals_lists_are_not_found(spot: AdminServer) -> None:
    _, crm = spot.new_portal()
    _, other = spot.new_portal()
    theirs = new_list(other, "Theirs")["listId"]
    gone = new_list(crm, "Gone")["listId"]
    assert crm.delete(f"{LISTS}/{gone}").status_code == 204
    for list_id in (theirs, gone, "987654"):
        response = crm.get(f"{LISTS}/{list_id}/{HISTORY}")
        assert_hubspot_error(response, 404, **list_not_found(list_id))


def test_bad_dates_are_refused(spot: AdminServer) -> None:
    _, crm = spot.new_portal()
    list_id = new_list(crm, "Dated")["listId"]
    response = crm.get(f"{LISTS}/{list_id}/{HISTORY}", params={"startDate": "yesterday"})
    assert response.status_code == 400, response.text
    assert response.json()["category"] == "VALIDATION_ERROR"
    assert response.json()["message"].startswith("Invalid query parameter startDate: ")
    assert response.json()["context"] == {"startDate": ["yesterday"]}
    backwards = {"startDate": DAY_2, "endDate": DAY_1}
    response = crm.get(f"{LISTS}/{list_id}/{HISTORY}", params=backwards)
    assert_hubspot_error(
        response,
        400,
        message="startDate must not be after endDate",
        category="VALIDATION_ERROR",
        context={"startDate": [DAY_2], "endDate": [DAY_1]},
        errors=[],
    )
