"""Scheduled conversions of DYNAMIC lists to static ones (``/crm/v3/lists/{listId}/
schedule-conversion``) on a real server, both databases: scheduled by date or inactivity,
read back, cancelled, converted on the server's clock (the list keeps its members, stops
following writes and takes membership requests), HubSpot's errors, portal isolation and
snapshots."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from admin_support import AdminServer, serve_with_admin
from import_support import poll
from list_support import CONTACTS, DYNAMIC_BRANCH, LISTS, list_not_found, new_list
from test_admin_snapshot import restore, snapshot

from conftest import assert_hubspot_error

T0 = "2025-03-01T12:00:00.000Z"
DAY_MS = 86_400_000
ON_MARCH_5 = {"conversionType": "CONVERSION_DATE", "day": 5, "month": 3, "year": 2025}
AFTER_2_DAYS = {"conversionType": "INACTIVITY", "offset": 2, "timeUnit": "DAY"}


@pytest.fixture(scope="module")
def spot(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AdminServer]:
    yield from serve_with_admin(backend, request, tmp_path_factory)


@pytest.fixture(autouse=True)
def frozen_at_t0(spot: AdminServer) -> Iterator[None]:
    move(spot, "freeze", at=T0)
    yield
    assert spot.admin.post("/_localspot/time/reset").status_code == 200


def move(spot: AdminServer, action: str, **body: Any) -> None:
    response = spot.admin.post(f"/_localspot/time/{action}", json=body)
    assert response.status_code == 200, response.text


def conversion(crm: httpx.Client, list_id: str) -> dict[str, Any]:
    response = crm.get(f"{LISTS}/{list_id}/schedule-conversion")
    assert response.status_code == 200, response.text
    return dict(response.json())


def ann(crm: httpx.Client) -> str:
    made = crm.post(CONTACTS, json={"properties": {"email": "ann@example.com"}})
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def members(crm: httpx.Client, list_id: str) -> list[str]:
    page = crm.get(f"{LISTS}/{list_id}/memberships").json()
    return [m["recordId"] for m in page["results"]]


def dynamic_list(crm: httpx.Client, name: str) -> str:
    return str(new_list(crm, name, "DYNAMIC", filterBranch=DYNAMIC_BRANCH)["listId"])


def test_a_list_scheduled_by_date_converts_at_the_start_of_that_day(spot: AdminServer) -> None:
    _, crm = spot.new_portal()
    list_id = dynamic_list(crm, "By date")
    scheduled = crm.put(f"{LISTS}/{list_id}/schedule-conversion", json=ON_MARCH_5)
    assert scheduled.status_code == 200, scheduled.text
    assert scheduled.json() == {"listId": list_id, "requestedConversionTime": ON_MARCH_5}
    assert conversion(crm, list_id) == scheduled.json()
    first = ann(crm)
    assert members(crm, list_id) == [first]  # still DYNAMIC: it follows the write
    branch = crm.get(f"{LISTS}/{list_id}", params={"includeFilters": "true"}).json()["list"]
    move(spot, "advance", ms=3 * DAY_MS)  # 2025-03-04T12:00: not yet
    assert "convertedAt" not in conversion(crm, list_id)
    move(spot, "advance", ms=DAY_MS // 2)  # 2025-03-05T00:00: due
    assert conversion(crm, list_id) == {
        "listId": list_id,
        "convertedAt": "2025-03-05T00:00:00.000Z",
        "requestedConversionTime": ON_MARCH_5,
    }
    found = crm.get(f"{LISTS}/{list_id}", params={"includeFilters": "true"}).json()["list"]
    assert (found["processingType"], found["listVersion"], found["size"]) == ("SNAPSHOT", 2, 1)
    assert found["filterBranch"] == branch["filterBranch"]
    moved = crm.patch(f"{CONTACTS}/{first}", json={"properties": {"email": "bo@example.com"}})
    assert moved.status_code == 200, moved.text  # no longer matches: a DYNAMIC list drops her
    assert members(crm, list_id) == [first]
    removed = crm.put(f"{LISTS}/{list_id}/memberships/remove", json=[first])
    assert removed.status_code == 200, removed.text
    assert members(crm, list_id) == []
    again = crm.put(f"{LISTS}/{list_id}/schedule-conversion", json=ON_MARCH_5)
    assert_hubspot_error(
        again,
        400,
        message=f"List {list_id} was converted to a static list already: only DYNAMIC lists"
        f" can be converted to static lists; list {list_id} is SNAPSHOT",
        category="VALIDATION_ERROR",
        context={"listId": [list_id], "processingType": ["SNAPSHOT"]},
        errors=[],
    )


def test_inactivity_counts_from_the_last_membership_change(spot: AdminServer) -> None:
    _, crm = spot.new_portal()
    list_id = dynamic_list(crm, "By inactivity")
    scheduled = crm.put(f"{LISTS}/{list_id}/schedule-conversion", json=AFTER_2_DAYS)
    assert scheduled.json() == {"listId": list_id, "requestedConversionTime": AFTER_2_DAYS}
    move(spot, "advance", ms=DAY_MS)
    ann(crm)  # a member joins on 2025-03-02T12:00: two quiet days from then
    move(spot, "advance", ms=2 * DAY_MS - 1)
    assert "convertedAt" not in conversion(crm, list_id)
    move(spot, "advance", ms=1)
    assert conversion(crm, list_id)["convertedAt"] == "2025-03-04T12:00:00.000Z"


def test_a_month_of_inactivity_is_a_calendar_month(spot: AdminServer) -> None:
    _, crm = spot.new_portal()
    list_id = dynamic_list(crm, "By month")
    body = {"conversionType": "INACTIVITY", "offset": 1, "timeUnit": "MONTH"}
    assert crm.put(f"{LISTS}/{list_id}/schedule-conversion", json=body).status_code == 200
    move(spot, "advance", ms=28 * DAY_MS - 1)  # March has 31 days
    assert "convertedAt" not in conversion(crm, list_id)
    move(spot, "advance", ms=3 * DAY_MS + 1)
    assert conversion(crm, list_id)["convertedAt"] == "2025-04-01T12:00:00.000Z"


def test_the_server_converts_a_list_nobody_reads(spot: AdminServer) -> None:
    """Moving the clock wakes the background sweep: the search (which converts nothing
    itself) sees the list SNAPSHOT without any request reading the list."""
    _, crm = spot.new_portal()
    list_id = dynamic_list(crm, "Unread")
    crm.put(f"{LISTS}/{list_id}/schedule-conversion", json=ON_MARCH_5)
    move(spot, "advance", ms=4 * DAY_MS)

    def listed() -> dict[str, Any]:
        found = crm.post(f"{LISTS}/search", json={"listIds": [list_id]}).json()
        return dict(found["lists"][0])

    assert poll(listed, lambda x: x["processingType"] == "SNAPSHOT")["listVersion"] == 2


def test_a_cancelled_conversion_never_happens(spot: AdminServer) -> None:
    _, crm = spot.new_portal()
    list_id = dynamic_list(crm, "Cancelled")
    assert conversion(crm, list_id) == {"listId": list_id}
    # No conversion to cancel: HubSpot's guide answers 404.
    assert_hubspot_error(
        crm.delete(f"{LISTS}/{list_id}/schedule-conversion"),
        404,
        message=f"List {list_id} has no scheduled conversion",
        category="OBJECT_NOT_FOUND",
        context={"listId": [list_id]},
        errors=[],
    )
    crm.put(f"{LISTS}/{list_id}/schedule-conversion", json=ON_MARCH_5)
    changed = crm.put(f"{LISTS}/{list_id}/schedule-conversion", json=AFTER_2_DAYS)
    assert changed.json()["requestedConversionTime"] == AFTER_2_DAYS
    assert crm.delete(f"{LISTS}/{list_id}/schedule-conversion").status_code == 204
    assert crm.delete(f"{LISTS}/{list_id}/schedule-conversion").status_code == 404
    move(spot, "advance", ms=30 * DAY_MS)
    assert conversion(crm, list_id) == {"listId": list_id}
    found = crm.get(f"{LISTS}/{list_id}").json()["list"]
    assert (found["processingType"], found["listVersion"]) == ("DYNAMIC", 1)


@pytest.mark.parametrize(
    ("body", "message", "context"),
    [
        (
            {"conversionType": "CONVERSION_DATE", "day": 1, "month": 3, "year": 2025},
            "The conversion date must be a day after today (UTC): a list converts at the start"
            " of the day asked",
            {"day": ["1"], "month": ["3"], "year": ["2025"]},
        ),
        (
            {"conversionType": "CONVERSION_DATE", "day": 30, "month": 2, "year": 2026},
            "2026-2-30 (year-month-day) is not a date",
            {"day": ["30"], "month": ["2"], "year": ["2026"]},
        ),
        (
            {"conversionType": "INACTIVITY", "offset": 0, "timeUnit": "WEEK"},
            "offset must be between 1 and 1000, got 0",
            {"offset": ["0"]},
        ),
    ],
)
def test_a_conversion_that_cannot_be_is_refused(
    spot: AdminServer, body: dict[str, Any], message: str, context: dict[str, list[str]]
) -> None:
    _, crm = spot.new_portal()
    list_id = dynamic_list(crm, "Refused")
    response = crm.put(f"{LISTS}/{list_id}/schedule-conversion", json=body)
    assert_hubspot_error(
        response, 400, message=message, category="VALIDATION_ERROR", context=context, errors=[]
    )
    assert conversion(crm, list_id) == {"listId": list_id}


@pytest.mark.parametrize(
    "body",
    [
        {"conversionType": "SOMETIME", "day": 1, "month": 3, "year": 2026},
        {"conversionType": "INACTIVITY", "offset": 2, "timeUnit": "YEAR"},
        {"conversionType": "CONVERSION_DATE", "day": 1, "month": 3},
        {"day": 1, "month": 3, "year": 2026},
    ],
)
def test_a_malformed_body_is_a_hubspot_400(spot: AdminServer, body: dict[str, Any]) -> None:
    _, crm = spot.new_portal()
    list_id = dynamic_list(crm, "Malformed")
    response = crm.put(f"{LISTS}/{list_id}/schedule-conversion", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["category"] == "VALIDATION_ERROR"


def test_only_dynamic_lists_convert(spot: AdminServer) -> None:
    _, crm = spot.new_portal()
    list_id = new_list(crm, "Manual")["listId"]
    response = crm.put(f"{LISTS}/{list_id}/schedule-conversion", json=ON_MARCH_5)
    assert_hubspot_error(
        response,
        400,
        message=f"List {list_id} is not a DYNAMIC list: only DYNAMIC lists can be converted to"
        f" static lists; list {list_id} is MANUAL",
        category="VALIDATION_ERROR",
        context={"listId": [list_id], "processingType": ["MANUAL"]},
        errors=[],
    )


def test_another_portals_list_is_not_found(spot: AdminServer) -> None:
    _, crm = spot.new_portal()
    _, other = spot.new_portal()
    list_id = dynamic_list(crm, "Mine")
    crm.put(f"{LISTS}/{list_id}/schedule-conversion", json=ON_MARCH_5)
    path = f"{LISTS}/{list_id}/schedule-conversion"
    for response in (other.get(path), other.put(path, json=ON_MARCH_5), other.delete(path)):
        assert_hubspot_error(response, 404, **list_not_found(list_id))
    assert conversion(crm, list_id)["requestedConversionTime"] == ON_MARCH_5


def test_a_snapshot_keeps_the_scheduled_conversion(spot: AdminServer) -> None:
    portal_id, crm = spot.new_portal()
    list_id = dynamic_list(crm, "Snapshotted")
    crm.put(f"{LISTS}/{list_id}/schedule-conversion", json=ON_MARCH_5)
    data = snapshot(spot, portal_id)
    assert crm.delete(f"{LISTS}/{list_id}/schedule-conversion").status_code == 204
    assert restore(spot, portal_id, data).status_code == 204
    assert conversion(crm, list_id)["requestedConversionTime"] == ON_MARCH_5
    move(spot, "advance", ms=4 * DAY_MS)
    assert conversion(crm, list_id)["convertedAt"] == "2025-03-05T00:00:00.000Z"
