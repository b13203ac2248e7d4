"""Lists API v3, memberships (hubspot-behaviour §16.3), through a real server on both
databases: the official SDK's ``memberships_api`` for every success path (client-side
validation on), raw HTTP for the batch read and for bad input."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from list_support import (
    CONTACTS,
    DYNAMIC_BRANCH,
    LISTS,
    dynamic_refused,
    list_not_found,
    lists_api,
    make_contacts,
    new_list,
)

from conftest import Server, assert_hubspot_error, assert_sdk_error

BIG = 2_600


@pytest.fixture(scope="module")
def api(portal_http: httpx.Client, server: Server) -> Any:
    return lists_api(portal_http, server)


@pytest.fixture(scope="module")
def people(portal_http: httpx.Client) -> list[str]:
    return make_contacts(portal_http, 6, "member")


@pytest.fixture(scope="module")
def crowd(portal_http: httpx.Client) -> tuple[str, list[str]]:
    """A MANUAL list of a few thousand contacts, added in two requests."""
    ids = make_contacts(portal_http, BIG, "crowd")
    made = new_list(portal_http, "Crowd")
    for half in (ids[1::2], ids[::2]):
        added = portal_http.put(f"{LISTS}/{made['listId']}/memberships/add", json=half)
        assert added.status_code == 200, added.text
    return made["listId"], ids


def members(client: httpx.Client, list_id: str) -> list[str]:
    found = client.get(f"{LISTS}/{list_id}/memberships", params={"limit": 250}).json()
    return [r["recordId"] for r in found["results"]]


def test_sdk_adds_and_removes_records_and_reports_missing_ones(
    api: Any, portal_http: httpx.Client, people: list[str]
) -> None:
    from hubspot.crm.lists import MembershipChangeRequest

    company = portal_http.post("/crm/v3/objects/companies", json={"properties": {}}).json()["id"]
    gone = make_contacts(portal_http, 1, "gone")[0]
    assert portal_http.delete(f"{CONTACTS}/{gone}").status_code == 204
    list_id = new_list(portal_http, "Members")["listId"]
    added = api.memberships_api.add(
        list_id=list_id, request_body=[people[0], people[1], people[1], company, gone, "x1"]
    )
    assert added.records_ids_added == people[:2]
    assert (added.record_ids_removed, added.record_ids_missing) == ([], [company, gone, "x1"])
    again = api.memberships_api.add(list_id=list_id, request_body=[people[0], people[2]])
    assert (again.records_ids_added, again.record_ids_missing) == ([people[2]], [])
    removed = api.memberships_api.remove(list_id=list_id, request_body=[people[1], people[3]])
    assert (removed.record_ids_removed, removed.records_ids_added) == ([people[1]], [])
    both = api.memberships_api.add_and_remove(
        list_id=list_id,
        membership_change_request=MembershipChangeRequest(
            record_ids_to_add=[people[3], people[4]], record_ids_to_remove=[people[0], people[4]]
        ),
    )
    assert (both.records_ids_added, both.record_ids_removed) == (people[3:5], [people[0]])
    assert members(portal_http, list_id) == [people[2], people[3], people[4]]
    assert api.lists_api.get_by_id(list_id=list_id).list.size == 3
    raw = portal_http.put(f"{LISTS}/{list_id}/memberships/add", json=[people[5]]).json()
    assert raw == {"recordIdsMissing": [], "recordIdsRemoved": [], "recordsIdsAdded": [people[5]]}


def test_sdk_pages_a_big_list_by_record_id_both_ways(
    api: Any, crowd: tuple[str, list[str]]
) -> None:
    list_id, ids = crowd
    assert api.lists_api.get_by_id(list_id=list_id).list.size == BIG
    seen: list[str] = []
    after = None
    while True:
        page = api.memberships_api.get_page(list_id=list_id, after=after, limit=250)
        assert page.total == BIG
        seen += [r.record_id for r in page.results]
        if page.paging is None or page.paging.next is None:
            break
        after = page.paging.next.after
    assert seen == sorted(ids, key=int)
    back: list[str] = []
    before = seen[-1]
    while before is not None:
        page = api.memberships_api.get_page(list_id=list_id, before=before, limit=100)
        back += [r.record_id for r in page.results]
        before = page.paging.prev.before if page.paging and page.paging.prev else None
    assert back == seen[-2::-1]


def test_sdk_pages_by_the_time_records_joined(
    api: Any, portal_http: httpx.Client, crowd: tuple[str, list[str]]
) -> None:
    list_id, ids = crowd
    first = api.memberships_api.get_page_ordered_by_added_to_list_date(list_id=list_id, limit=3)
    assert [r.record_id for r in first.results] == ids[1:6:2]  # the first request's half
    assert first.paging.prev is None
    token = first.paging.next.after
    following = api.memberships_api.get_page_ordered_by_added_to_list_date(
        list_id=list_id, after=token, limit=2
    )
    assert [r.record_id for r in following.results] == ids[7:10:2]
    assert following.paging.prev.before.endswith(f"-{ids[7]}")
    stamps = {r.membership_timestamp for r in first.results}
    assert len(stamps) == 1
    raw = portal_http.get(f"{LISTS}/{list_id}/memberships/join-order", params={"limit": 1}).json()
    assert raw["results"][0]["membershipTimestamp"].endswith("Z")


def test_sdk_copies_a_lists_members_and_removes_them_all(
    api: Any, portal_http: httpx.Client, people: list[str]
) -> None:
    source = new_list(portal_http, "Copy source")["listId"]
    target = new_list(portal_http, "Copy target")["listId"]
    portal_http.put(f"{LISTS}/{source}/memberships/add", json=people[:3])
    portal_http.put(f"{LISTS}/{target}/memberships/add", json=people[2:4])
    api.memberships_api.add_all_from_list(list_id=target, source_list_id=source)
    assert members(portal_http, target) == people[:4]
    assert api.lists_api.get_by_id(list_id=target).list.size == 4
    api.memberships_api.remove_all(list_id=target)
    assert (members(portal_http, target), members(portal_http, source)) == ([], people[:3])


def test_sdk_reads_the_lists_a_record_is_in(
    api: Any, portal_http: httpx.Client, people: list[str]
) -> None:
    one = new_list(portal_http, "Record one")["listId"]
    two = new_list(portal_http, "Record two")["listId"]
    gone = new_list(portal_http, "Record gone")["listId"]
    record = make_contacts(portal_http, 1, "lists-of")[0]
    for list_id in (one, two, gone):
        portal_http.put(f"{LISTS}/{list_id}/memberships/add", json=[record])
    portal_http.delete(f"{LISTS}/{gone}")
    found = api.memberships_api.get_lists(object_type_id="0-1", record_id=record)
    assert [(m.list_id, m.list_version) for m in found.results] == [(one, 1), (two, 1)]
    assert found.results[0].first_added_timestamp == found.results[0].last_added_timestamp
    assert api.memberships_api.get_lists(object_type_id="0-2", record_id=record).results == []
    body = {
        "inputs": [
            {"objectTypeId": "0-1", "recordId": record},
            {"objectTypeId": "0-1", "recordId": "nothing"},
            {"objectTypeId": "0-48", "recordId": record},
        ]
    }
    batch = portal_http.post(f"{LISTS}/records/memberships/batch/read", json=body)
    assert batch.status_code == 207, batch.text
    results = batch.json()["results"]
    assert [(r["recordId"], len(r["recordListMemberships"])) for r in results] == [
        (record, 2), ("nothing", 0)
    ]  # fmt: skip
    [error] = batch.json()["errors"]
    assert (error["category"], error["context"]) == (
        "VALIDATION_ERROR", {"objectTypeId": ["0-48"], "recordId": [record]}
    )  # fmt: skip


def test_archived_merged_and_erased_records_leave_their_lists(
    portal_http: httpx.Client,
) -> None:
    ids = make_contacts(portal_http, 5, "leaving")
    list_id = new_list(portal_http, "Leaving")["listId"]
    portal_http.put(f"{LISTS}/{list_id}/memberships/add", json=ids)
    assert portal_http.delete(f"{CONTACTS}/{ids[0]}").status_code == 204
    archived = portal_http.post(f"{CONTACTS}/batch/archive", json={"inputs": [{"id": ids[1]}]})
    assert archived.status_code == 204
    merge = {"primaryObjectId": ids[2], "objectIdToMerge": ids[3]}
    assert portal_http.post(f"{CONTACTS}/merge", json=merge).status_code == 200
    erased = portal_http.post(f"{CONTACTS}/gdpr-delete", json={"objectId": ids[4]})
    assert erased.status_code == 204
    assert members(portal_http, list_id) == [ids[2]]
    assert portal_http.get(f"{LISTS}/{list_id}").json()["list"]["size"] == 1


def test_a_record_both_added_and_removed_under_two_spellings_is_added(
    portal_http: httpx.Client, people: list[str]
) -> None:
    list_id = new_list(portal_http, "Two spellings")["listId"]
    body = {"recordIdsToAdd": [people[1]], "recordIdsToRemove": [f"0{people[1]}"]}
    changed = portal_http.put(f"{LISTS}/{list_id}/memberships/add-and-remove", json=body)
    assert changed.status_code == 200, changed.text
    assert changed.json() == {
        "recordsIdsAdded": [people[1]],
        "recordIdsRemoved": [],
        "recordIdsMissing": [],
    }
    assert members(portal_http, list_id) == [people[1]]


def test_dynamic_lists_refuse_changes_by_hand(portal_http: httpx.Client, people: list[str]) -> None:
    made = new_list(portal_http, "By hand", "DYNAMIC", filterBranch=DYNAMIC_BRANCH)
    list_id = made["listId"]
    for method, path, body in (
        ("PUT", "add", [people[0]]),
        ("PUT", "remove", [people[0]]),
        ("PUT", "add-and-remove", {"recordIdsToAdd": [], "recordIdsToRemove": []}),
        ("DELETE", "", None),
    ):
        url = f"{LISTS}/{list_id}/memberships" + (f"/{path}" if path else "")
        response = portal_http.request(method, url, json=body)
        assert_hubspot_error(response, 400, **dynamic_refused(list_id))
    manual = new_list(portal_http, "Manual target")["listId"]
    copied = portal_http.put(f"{LISTS}/{list_id}/memberships/add-from/{manual}")
    assert_hubspot_error(copied, 400, **dynamic_refused(list_id))
    assert portal_http.put(f"{LISTS}/{manual}/memberships/add-from/{list_id}").status_code == 204


def test_copying_needs_two_lists_of_one_type(portal_http: httpx.Client) -> None:
    contacts = new_list(portal_http, "Copy contacts")["listId"]
    companies = new_list(portal_http, "Copy companies", type_id="0-2")["listId"]
    same = portal_http.put(f"{LISTS}/{contacts}/memberships/add-from/{contacts}")
    assert_hubspot_error(
        same,
        400,
        message="The source and destination lists must be different lists",
        category="VALIDATION_ERROR",
        context={},
        errors=[],
    )
    mixed = portal_http.put(f"{LISTS}/{contacts}/memberships/add-from/{companies}")
    assert_hubspot_error(
        mixed,
        400,
        message="The source list holds 0-2 records and the destination list 0-1 records;"
        " both must hold the same object type",
        category="VALIDATION_ERROR",
        context={},
        errors=[],
    )
    unknown = portal_http.put(f"{LISTS}/{contacts}/memberships/add-from/777777")
    assert_hubspot_error(unknown, 404, **list_not_found("777777"))


@pytest.mark.parametrize(
    ("query", "message", "context"),
    [
        ({"limit": 0}, "limit must be between 1 and 250, got 0", {"limit": ["0"]}),
        ({"limit": 251}, "limit must be between 1 and 250, got 251", {"limit": ["251"]}),
        ({"after": "x"}, "Invalid paging token 'x'", {"after": ["x"]}),
        ({"before": "-1"}, "Invalid paging token '-1'", {"before": ["-1"]}),
    ],
)
def test_bad_paging_is_refused(
    portal_http: httpx.Client, query: dict[str, Any], message: str, context: dict[str, Any]
) -> None:
    list_id = new_list(portal_http, f"Paging {sorted(query.items())}")["listId"]
    response = portal_http.get(f"{LISTS}/{list_id}/memberships", params=query)
    assert_hubspot_error(
        response, 400, message=message, category="VALIDATION_ERROR", context=context, errors=[]
    )


def test_a_membership_body_must_be_an_array_of_ids(portal_http: httpx.Client) -> None:
    list_id = new_list(portal_http, "Array body")["listId"]
    response = portal_http.put(f"{LISTS}/{list_id}/memberships/add", json={"ids": ["1"]})
    assert response.status_code == 400
    assert response.json()["category"] == "VALIDATION_ERROR"
    missing = portal_http.put(f"{LISTS}/424242/memberships/add", json=["1"])
    assert_hubspot_error(missing, 404, **list_not_found("424242"))


def test_a_sdk_error_body_is_hubspots(api: Any, portal_http: httpx.Client) -> None:
    with pytest.raises(Exception) as refused:
        api.memberships_api.get_page(list_id="424242")
    assert_sdk_error(refused.value, 404, **list_not_found("424242"))
