"""Lists API v3, filling SNAPSHOT and DYNAMIC lists from their filters (hubspot-behaviour
§16.2), through a real server on both databases with the official SDK: a list created over
existing contacts holds exactly the contacts its filters match, whether search's index judges
them (contacts indexed by a search) or the filler reads them (contacts written since, and
every contact when the filter has no index translation); a filter update fills it afresh.

The lists here are a few dozen contacts, within what a create request fills itself
(``list_fill_inline_records``): they answer ``COMPLETE``. ``test_list_fill_background.py``
covers larger ones, filled in the background.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from list_support import CONTACTS, LISTS, lists_api

from conftest import Server

TITLES = ("Engineer", "engineer", "Buyer", "")


def only(prop: str, operation: dict[str, Any]) -> dict[str, Any]:
    """A filter branch of one property filter (HubSpot's root OR of one AND)."""
    flt = {"filterType": "PROPERTY", "property": prop, "operation": operation}
    return {
        "filterBranchType": "OR",
        "filters": [],
        "filterBranches": [{"filterBranchType": "AND", "filters": [flt], "filterBranches": []}],
    }


ENGINEERS = only("jobtitle", {"operationType": "STRING", "operator": "IS_EQUAL_TO",
                              "value": "ENGINEER"})  # fmt: skip
AT_ACME = only("email", {"operationType": "STRING", "operator": "CONTAINS", "value": "@acme"})
BUYERS = only("jobtitle", {"operationType": "MULTISTRING", "operator": "IS_EQUAL_TO",
                           "values": ["buyer", "Engineer"]})  # fmt: skip


def batch(client: httpx.Client, verb: str, inputs: list[dict[str, Any]]) -> list[str]:
    made = client.post(f"{CONTACTS}/batch/{verb}", json={"inputs": inputs})
    assert made.status_code in (200, 201), made.text
    return [r["id"] for r in made.json()["results"]]


@pytest.fixture(scope="module")
def people(portal_http: httpx.Client) -> dict[str, dict[str, str]]:
    """Contacts in every state the fill meets: indexed by a search, changed since (their
    index entries stale), and written since (never indexed); id → current properties."""
    made = [
        {"email": f"p{i}@{'acme' if i % 3 == 0 else 'other'}.example.com",
         "jobtitle": TITLES[i % 4]}
        for i in range(24)
    ]  # fmt: skip
    ids = batch(portal_http, "create", [{"properties": p} for p in made])
    people = dict(zip(ids, made, strict=True))
    searched = portal_http.post(f"{CONTACTS}/search", json={"limit": 1})  # indexes them all
    assert searched.status_code == 200, searched.text
    changes = {ids[0]: "Buyer", ids[2]: "Engineer", ids[5]: "", ids[7]: "engineer"}
    batch(
        portal_http,
        "update",
        [{"id": i, "properties": {"jobtitle": t}} for i, t in changes.items()],
    )
    for record_id, title in changes.items():
        people[record_id]["jobtitle"] = title
    later = [{"email": f"n{i}@acme.example.com", "jobtitle": TITLES[i % 4]} for i in range(6)]
    news = batch(portal_http, "create", [{"properties": p} for p in later])
    people.update(zip(news, later, strict=True))
    return people


def matching(people: dict[str, dict[str, str]], *titles: str, acme: bool = False) -> list[str]:
    wanted = {t.lower() for t in titles}
    found = [
        i
        for i, p in people.items()
        if (p["jobtitle"].lower() in wanted if titles else "@acme" in p["email"])
    ]
    assert acme or titles
    return sorted(found, key=int)


def member_ids(api: Any, list_id: str) -> list[str]:
    page = api.memberships_api.get_page(list_id=list_id, limit=250)
    assert page.paging is None
    return [r.record_id for r in page.results]


def create(client: httpx.Client, server: Server, name: str, kind: str, branch: Any) -> Any:
    """The SDK's create (its list model can't read a filter branch with validation on)."""
    from hubspot.crm.lists import ListCreateRequest

    api = lists_api(client, server, validate=False)
    request = ListCreateRequest(
        name=name, object_type_id="0-1", processing_type=kind, filter_branch=branch
    )
    return api.lists_api.create(request).list


@pytest.mark.parametrize(
    ("kind", "branch", "expected"),
    [
        ("DYNAMIC", ENGINEERS, ("engineer",)),
        ("SNAPSHOT", ENGINEERS, ("engineer",)),
        ("DYNAMIC", BUYERS, ("buyer", "engineer")),
        ("DYNAMIC", AT_ACME, ()),
        ("SNAPSHOT", AT_ACME, ()),
    ],
    ids=["dynamic-index", "snapshot-index", "dynamic-index-or", "dynamic-scan", "snapshot-scan"],
)
def test_a_list_created_over_existing_contacts_holds_exactly_those_its_filters_match(
    portal_http: httpx.Client,
    server: Server,
    people: dict[str, dict[str, str]],
    kind: str,
    branch: Any,
    expected: tuple[str, ...],
) -> None:
    wanted = matching(people, *expected, acme=not expected)
    made = create(portal_http, server, f"{kind} {json.dumps(branch)[-60:]}", kind, branch)
    assert (made.processing_status, made.size) == ("COMPLETE", len(wanted))
    api = lists_api(portal_http, server)
    assert member_ids(api, made.list_id) == wanted
    fetched = api.lists_api.get_by_id(list_id=made.list_id).list
    assert (fetched.processing_status, fetched.size) == ("COMPLETE", len(wanted))


def test_new_filters_fill_the_list_afresh_and_members_that_stay_keep_their_join_time(
    portal_http: httpx.Client, server: Server, people: dict[str, dict[str, str]]
) -> None:
    from hubspot.crm.lists import ListFilterUpdateRequest

    made = create(portal_http, server, "Refilled", "DYNAMIC", ENGINEERS)
    api = lists_api(portal_http, server)
    before = {
        r.record_id: r.membership_timestamp
        for r in api.memberships_api.get_page(list_id=made.list_id, limit=250).results
    }
    updated = (
        lists_api(portal_http, server, validate=False)
        .lists_api.update_list_filters(
            list_id=made.list_id, list_filter_update_request=ListFilterUpdateRequest(BUYERS)
        )
        .updated_list
    )
    wanted = matching(people, "buyer", "engineer")
    assert (updated.processing_status, updated.size, updated.list_version) == (
        "COMPLETE", len(wanted), 2
    )  # fmt: skip
    after = {
        r.record_id: r.membership_timestamp
        for r in api.memberships_api.get_page(list_id=made.list_id, limit=250).results
    }
    assert sorted(after, key=int) == wanted
    assert {i: after[i] for i in before} == before  # engineers stay, as they joined
    assert all(after[i] >= max(before.values()) for i in set(after) - set(before))
    narrowed = portal_http.put(
        f"{LISTS}/{made.list_id}/update-list-filters",
        json={"filterBranch": only("jobtitle", {"operationType": "ALL_PROPERTY",
                                                "operator": "IS_UNKNOWN"})},
    )  # fmt: skip
    assert narrowed.status_code == 200, narrowed.text
    unknown = sorted((i for i, p in people.items() if not p["jobtitle"]), key=int)
    assert narrowed.json()["updatedList"]["size"] == len(unknown)
    assert member_ids(api, made.list_id) == unknown
