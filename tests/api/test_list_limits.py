"""Lists API limits that need the clock or a large body, on the app in process: the 90 days
a deleted list can be restored in, and how many record ids one request may name."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from conftest import assert_hubspot_error

LISTS = "/crm/v3/lists"
DAY_MS = 24 * 3600 * 1000


def advance(client: TestClient[Any], ms: int) -> None:
    admin = {"Authorization": f"Bearer {client.app.state.admin_token}"}
    moved = client.post("/_localspot/time/advance", json={"ms": ms}, headers=admin)
    assert moved.status_code == 200, moved.text


def make(client: TestClient[Any], name: str) -> str:
    body = {"name": name, "objectTypeId": "0-1", "processingType": "MANUAL"}
    created = client.post(LISTS, json=body)
    assert created.status_code == 200, created.text
    return str(created.json()["list"]["listId"])


def test_a_deleted_list_is_restored_within_90_days_only(inprocess: TestClient[Any]) -> None:
    kept, lost = make(inprocess, "Kept"), make(inprocess, "Lost")
    assert inprocess.delete(f"{LISTS}/{lost}").status_code == 204
    advance(inprocess, 60 * DAY_MS)
    assert inprocess.delete(f"{LISTS}/{kept}").status_code == 204
    advance(inprocess, 31 * DAY_MS)
    assert inprocess.put(f"{LISTS}/{kept}/restore").status_code == 204
    assert_hubspot_error(
        inprocess.put(f"{LISTS}/{lost}/restore"),
        404,
        message=f"List {lost} does not exist",
        category="OBJECT_NOT_FOUND",
        context={"listId": [lost]},
        errors=[],
    )
    shown = inprocess.get(f"{LISTS}/{kept}").json()["list"]
    assert "deletedAt" not in shown
    # Fetched by id, a deleted list is answered while it can be restored, then no more.
    assert_hubspot_error(
        inprocess.get(f"{LISTS}/{lost}"),
        404,
        message=f"List {lost} does not exist",
        category="OBJECT_NOT_FOUND",
        context={"listId": [lost]},
        errors=[],
    )


def test_a_restored_list_whose_name_was_taken_meanwhile_is_refused(
    inprocess: TestClient[Any],
) -> None:
    first = make(inprocess, "Twice")
    assert inprocess.delete(f"{LISTS}/{first}").status_code == 204
    make(inprocess, "TWICE")
    assert_hubspot_error(
        inprocess.put(f"{LISTS}/{first}/restore"),
        400,
        message="A list named 'Twice' already exists. List names must be unique.",
        category="VALIDATION_ERROR",
        context={"listName": ["Twice"]},
        errors=[],
    )


def test_one_request_names_at_most_100000_record_ids(inprocess: TestClient[Any]) -> None:
    list_id = make(inprocess, "Many ids")
    too_many = [str(i) for i in range(1, 100_002)]
    response = inprocess.put(f"{LISTS}/{list_id}/memberships/add", json=too_many)
    assert_hubspot_error(
        response,
        400,
        message="At most 100000 record ids can be given in one request, got 100001",
        category="VALIDATION_ERROR",
        context={},
        errors=[],
    )
    fine = inprocess.put(f"{LISTS}/{list_id}/memberships/add", json=too_many[:100_000])
    assert fine.status_code == 200
    assert len(fine.json()["recordIdsMissing"]) == 100_000


def test_search_counts_and_sorts_are_checked(inprocess: TestClient[Any]) -> None:
    for body, message, context in (
        ({"count": 501}, "count must be between 1 and 500, got 501", {"count": ["501"]}),
        ({"count": 0}, "count must be between 1 and 500, got 0", {"count": ["0"]}),
        ({"offset": -1}, "offset must be between 0 and 2147483647, got -1", {"offset": ["-1"]}),
        (
            {"sort": "size"},
            "Unknown sort 'size': use one of listId, name, createdAt, updatedAt,"
            " processingType, hs_list_size (with - for descending)",
            {"sort": ["size"]},
        ),
        (
            {"processingTypes": ["STATIC"]},
            "processingType must be one of MANUAL, SNAPSHOT, DYNAMIC, got 'STATIC'",
            {"processingType": ["STATIC"]},
        ),
    ):
        response = inprocess.post(f"{LISTS}/search", json=body)
        assert_hubspot_error(
            response,
            400,
            message=message,
            category="VALIDATION_ERROR",
            context=context,
            errors=[],
        )
