"""Associations between calls and other records (hubspot-behaviour §1.3, §2.1-2.2, §3.6): inline on
create and batch create, ``?associations=`` on reads and lists, the v4 per-record and batch
endpoints, the v3 per-object form, integrity (archived records, symmetry, portals), search by
``associations.contact``, and the same through the official SDK."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from conftest import CALL_TIME, assert_hubspot_error, object_not_found

CALLS = "/crm/v3/objects/calls"
CONTACTS = "/crm/v3/objects/contacts"
V4_OBJECTS = "/crm/v4/objects"
V4_BATCH = "/crm/v4/associations/calls/contacts/batch"
MISSING = "918273645501"  # an id no record has
CALL_TO_CONTACT = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 194}
CONTACT_TO_CALL = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 193}
DEAL = {"dealname": "Big", "pipeline": "default", "dealstage": "appointmentscheduled"}
TICKET = {"subject": "Help", "hs_pipeline": "0", "hs_pipeline_stage": "1"}


def inline(contact_id: str, type_id: int = 194) -> dict[str, Any]:
    """A ``PublicAssociationsForObject`` to one record."""
    spec = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}
    return {"to": {"id": contact_id}, "types": [spec]}


def create_contact(http: httpx.Client, **props: str) -> str:
    body = {"properties": {"firstname": "Ada", "lastname": uuid.uuid4().hex[:8], **props}}
    response = http.post(CONTACTS, json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def create_call(http: httpx.Client, *contact_ids: str, **props: str) -> str:
    """A call, associated inline with each of ``contact_ids``."""
    body = {
        "properties": {"hs_timestamp": CALL_TIME, **props},
        "associations": [inline(c) for c in contact_ids],
    }
    response = http.post(CALLS, json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def v3_associated(
    http: httpx.Client, path: str, record_id: str, to: str
) -> list[dict[str, Any]] | None:
    """``associations[to].results`` of a v3 read, or None when the response has no entry."""
    response = http.get(f"{path}/{record_id}", params={"associations": to})
    assert response.status_code == 200, response.text
    entry = response.json().get("associations", {}).get(to)
    return None if entry is None else list(entry["results"])


def v4_list(http: httpx.Client, from_type: str, from_id: str, to_type: str) -> list[dict[str, Any]]:
    """Every v4 association of one record to ``to_type``, following paging."""
    results: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        params = {"after": after} if after else {}
        response = http.get(
            f"{V4_OBJECTS}/{from_type}/{from_id}/associations/{to_type}", params=params
        )
        assert response.status_code == 200, response.text
        page = response.json()
        results += page["results"]
        if "paging" not in page:
            return results
        after = page["paging"]["next"]["after"]


def v4_ids(http: httpx.Client, from_type: str, from_id: str, to_type: str) -> list[str]:
    """The associated ids, as strings (HubSpot may send ``toObjectId`` as a JSON number)."""
    return sorted(str(r["toObjectId"]) for r in v4_list(http, from_type, from_id, to_type))


def all_call_ids(http: httpx.Client) -> set[str]:
    ids: set[str] = set()
    after: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 100, **({"after": after} if after else {})}
        response = http.get(CALLS, params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        ids |= {r["id"] for r in page["results"]}
        if "paging" not in page:
            return ids
        after = page["paging"]["next"]["after"]


def no_live_ends(call_id: str, contact_id: str) -> dict[str, Any]:
    """The 400 body of a v4 PUT or batch input whose call or contact is not a live record of
    the portal (compatibility.md "Associations")."""
    return {
        "message": (
            f"One or more associations are invalid: no live call {call_id} or contact"
            f" {contact_id} in this portal"
        ),
        "category": "VALIDATION_ERROR",
        "context": {"fromObjectId": [call_id], "toObjectId": [contact_id]},
        "errors": [],
    }


def no_associations(call_id: str) -> dict[str, Any]:
    """The 207 entry of a v4 batch read input without links (captured wording)."""
    return {
        "status": "error",
        "category": "OBJECT_NOT_FOUND",
        "message": f"No contact is associated with call {call_id}.",
        "context": {"fromObjectId": [call_id]},
        "errors": [],
        "links": {},
        "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
    }


def put_v4(
    http: httpx.Client, call_id: str, contact_id: str, *specs: dict[str, Any]
) -> httpx.Response:
    path = f"{V4_OBJECTS}/calls/{call_id}/associations/contacts/{contact_id}"
    return http.put(path, json=list(specs or [CALL_TO_CONTACT]))


def search_by_contact(http: httpx.Client, contact_id: str) -> list[str]:
    flt = {"propertyName": "associations.contact", "operator": "EQ", "value": contact_id}
    response = http.post(
        f"{CALLS}/search", json={"filterGroups": [{"filters": [flt]}], "limit": 100}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["results"])
    return sorted(r["id"] for r in body["results"])


def pair(result: dict[str, Any]) -> tuple[str, str]:
    return str(result["from"]["id"]), str(result["to"]["id"])


@contextmanager
def other_portal(server: Any) -> Iterator[httpx.Client]:
    token = server.new_token("--portal", str(server.new_portal()))
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as client:
        yield client


# --- inline associations and ?associations= ---------------------------------------------------


def test_call_created_with_an_inline_association_lists_the_contact(
    portal_http: httpx.Client,
) -> None:
    contact_id = create_contact(portal_http)
    call_id = create_call(portal_http, contact_id)
    assert v3_associated(portal_http, CALLS, call_id, "contacts") == [
        {"id": contact_id, "type": "call_to_contact"}
    ]


def test_contact_shows_the_reverse_association(portal_http: httpx.Client) -> None:
    contact_id = create_contact(portal_http)
    call_id = create_call(portal_http, contact_id)
    assert v3_associated(portal_http, CONTACTS, contact_id, "calls") == [
        {"id": call_id, "type": "contact_to_call"}
    ]


def test_batch_create_accepts_inline_associations(portal_http: httpx.Client) -> None:
    first, second = create_contact(portal_http), create_contact(portal_http)
    inputs = [
        {"properties": {"hs_timestamp": CALL_TIME, "hs_call_title": title}, "associations": links}
        for title, links in (("a", [inline(first)]), ("b", [inline(first), inline(second)]))
    ]
    response = portal_http.post(f"{CALLS}/batch/create", json={"inputs": inputs})
    assert response.status_code == 201, response.text
    ids = {r["properties"]["hs_call_title"]: r["id"] for r in response.json()["results"]}
    assert v4_ids(portal_http, "calls", ids["a"], "contacts") == [first]
    assert v4_ids(portal_http, "calls", ids["b"], "contacts") == sorted([first, second])
    assert v4_ids(portal_http, "contacts", first, "calls") == sorted([ids["a"], ids["b"]])


def test_list_returns_associations_when_asked(portal_http: httpx.Client) -> None:
    contact_id = create_contact(portal_http)
    call_id = create_call(portal_http, contact_id)
    found: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 100, "associations": "contacts"}
        response = portal_http.get(CALLS, params={**params, **({"after": after} if after else {})})
        assert response.status_code == 200, response.text
        page = response.json()
        found += [r for r in page["results"] if r["id"] == call_id]
        if "paging" not in page:
            break
        after = page["paging"]["next"]["after"]
    assert len(found) == 1
    assert found[0]["associations"]["contacts"]["results"] == [
        {"id": contact_id, "type": "call_to_contact"}
    ]


def test_unknown_association_names_are_ignored(portal_http: httpx.Client) -> None:
    contact_id = create_contact(portal_http)
    call_id = create_call(portal_http, contact_id)
    response = portal_http.get(f"{CALLS}/{call_id}", params={"associations": "contacts,unicorns"})
    assert response.status_code == 200, response.text
    associations = response.json()["associations"]
    assert "unicorns" not in associations
    assert associations["contacts"]["results"] == [{"id": contact_id, "type": "call_to_contact"}]


def test_record_without_associations_has_no_entry(portal_http: httpx.Client) -> None:
    call_id = create_call(portal_http)
    assert v3_associated(portal_http, CALLS, call_id, "contacts") is None
    assert v4_list(portal_http, "calls", call_id, "contacts") == []


def test_inline_association_to_an_unknown_contact_fails_the_whole_create(
    portal_http: httpx.Client,
) -> None:
    real = create_contact(portal_http)
    before = all_call_ids(portal_http)
    body = {
        "properties": {"hs_timestamp": CALL_TIME},
        "associations": [inline(real), inline(MISSING)],
    }
    response = portal_http.post(CALLS, json=body)
    assert response.status_code == 400
    error = response.json()
    assert error["category"] == "VALIDATION_ERROR"
    assert MISSING in json.dumps(error)
    assert all_call_ids(portal_http) == before
    assert v4_list(portal_http, "contacts", real, "calls") == []


# --- v4 per-record endpoints ----------------------------------------------------------------


def test_v4_put_default_answers_200_complete(portal_http: httpx.Client) -> None:
    contact_id, call_id = create_contact(portal_http), create_call(portal_http)
    response = portal_http.put(
        f"{V4_OBJECTS}/calls/{call_id}/associations/default/contacts/{contact_id}"
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "COMPLETE"
    specs = {pair(r): r["associationSpec"] for r in body["results"]}
    assert specs[(call_id, contact_id)] == CALL_TO_CONTACT
    assert v4_ids(portal_http, "calls", call_id, "contacts") == [contact_id]


def test_v4_put_with_types_answers_201_labels_between_the_pair(
    portal_http: httpx.Client,
) -> None:
    contact_id, call_id = create_contact(portal_http), create_call(portal_http)
    response = put_v4(portal_http, call_id, contact_id)
    assert response.status_code == 201, response.text
    body = response.json()
    assert (body["fromObjectTypeId"], str(body["fromObjectId"])) == ("0-48", call_id)
    assert (body["toObjectTypeId"], str(body["toObjectId"])) == ("0-1", contact_id)
    assert body["labels"] == []


def test_v4_list_shows_the_type_from_both_sides(portal_http: httpx.Client) -> None:
    contact_id, call_id = create_contact(portal_http), create_call(portal_http)
    assert put_v4(portal_http, call_id, contact_id).status_code == 201
    [forward] = v4_list(portal_http, "calls", call_id, "contacts")
    assert str(forward["toObjectId"]) == contact_id
    assert [(t["category"], t["typeId"], t.get("label")) for t in forward["associationTypes"]] == [
        ("HUBSPOT_DEFINED", 194, None)
    ]
    [reverse] = v4_list(portal_http, "contacts", contact_id, "calls")
    assert str(reverse["toObjectId"]) == call_id
    assert [(t["category"], t["typeId"], t.get("label")) for t in reverse["associationTypes"]] == [
        ("HUBSPOT_DEFINED", 193, None)
    ]


def test_v4_list_pages_with_limit_and_after(portal_http: httpx.Client) -> None:
    contacts = [create_contact(portal_http) for _ in range(5)]
    call_id = create_call(portal_http, *contacts)
    pages: list[list[str]] = []
    after: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"after": after} if after else {})}
        response = portal_http.get(
            f"{V4_OBJECTS}/calls/{call_id}/associations/contacts", params=params
        )
        assert response.status_code == 200, response.text
        page = response.json()
        pages.append([str(r["toObjectId"]) for r in page["results"]])
        if "paging" not in page:
            break
        after = page["paging"]["next"]["after"]
    assert [len(p) for p in pages] == [2, 2, 1]
    seen = [i for p in pages for i in p]
    assert sorted(seen) == sorted(contacts)


def test_v4_delete_answers_204_and_removes_both_directions(portal_http: httpx.Client) -> None:
    contact_id = create_contact(portal_http)
    call_id = create_call(portal_http, contact_id)
    response = portal_http.delete(
        f"{V4_OBJECTS}/calls/{call_id}/associations/contacts/{contact_id}"
    )
    assert response.status_code == 204
    assert v4_list(portal_http, "calls", call_id, "contacts") == []
    assert v4_list(portal_http, "contacts", contact_id, "calls") == []
    assert v3_associated(portal_http, CALLS, call_id, "contacts") is None
    assert v3_associated(portal_http, CONTACTS, contact_id, "calls") is None


@pytest.mark.parametrize(
    ("to_type", "to_type_id", "props", "forward", "backward", "name"),
    [
        ("companies", "0-2", {"name": "Acme"}, 182, 181, "call_to_company"),
        ("deals", "0-3", DEAL, 206, 205, "call_to_deal"),
        ("tickets", "0-5", TICKET, 220, 219, "call_to_ticket"),
    ],
    ids=["companies", "deals", "tickets"],
)
def test_calls_associate_with_companies_deals_and_tickets(
    portal_http: httpx.Client,
    to_type: str,
    to_type_id: str,
    props: dict[str, str],
    forward: int,
    backward: int,
    name: str,
) -> None:
    created = portal_http.post(f"/crm/v3/objects/{to_type}", json={"properties": props})
    assert created.status_code == 201, created.text
    other_id, call_id = created.json()["id"], create_call(portal_http)
    spec = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": forward}
    response = portal_http.put(
        f"{V4_OBJECTS}/calls/{call_id}/associations/{to_type}/{other_id}", json=[spec]
    )
    assert response.status_code == 201, response.text
    assert (response.json()["toObjectTypeId"], str(response.json()["toObjectId"])) == (
        to_type_id,
        other_id,
    )
    [back] = v4_list(portal_http, to_type, other_id, "calls")
    assert (str(back["toObjectId"]), [t["typeId"] for t in back["associationTypes"]]) == (
        call_id,
        [backward],
    )
    assert v3_associated(portal_http, CALLS, call_id, to_type) == [{"id": other_id, "type": name}]


def test_v4_put_with_an_unknown_type_id_is_rejected(portal_http: httpx.Client) -> None:
    contact_id, call_id = create_contact(portal_http), create_call(portal_http)
    bogus = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 987654}
    response = put_v4(portal_http, call_id, contact_id, bogus)
    assert response.status_code == 400
    assert response.json()["category"] == "VALIDATION_ERROR"
    assert v4_list(portal_http, "calls", call_id, "contacts") == []


def test_v4_put_to_an_unknown_contact_stores_nothing(portal_http: httpx.Client) -> None:
    call_id = create_call(portal_http)
    response = put_v4(portal_http, call_id, MISSING)
    assert_hubspot_error(response, 400, **no_live_ends(call_id, MISSING))
    assert v4_list(portal_http, "calls", call_id, "contacts") == []


# --- v4 batch endpoints -----------------------------------------------------------------------


def test_batch_create_answers_201_and_associates(portal_http: httpx.Client) -> None:
    contacts = [create_contact(portal_http) for _ in range(2)]
    call_id = create_call(portal_http)
    inputs = [
        {"from": {"id": call_id}, "to": {"id": c}, "types": [CALL_TO_CONTACT]} for c in contacts
    ]
    response = portal_http.post(f"{V4_BATCH}/create", json={"inputs": inputs})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "COMPLETE"
    made = {
        (r["fromObjectTypeId"], str(r["fromObjectId"]), r["toObjectTypeId"], str(r["toObjectId"]))
        for r in body["results"]
    }
    assert {("0-48", call_id, "0-1", c) for c in contacts} <= made
    assert v4_ids(portal_http, "calls", call_id, "contacts") == sorted(contacts)


def test_batch_create_with_unknown_ids_answers_207_and_keeps_the_valid_inputs(
    portal_http: httpx.Client,
) -> None:
    contact_id, call_id = create_contact(portal_http), create_call(portal_http)
    bad_call = "918273645502"
    inputs = [
        {"from": {"id": call_id}, "to": {"id": contact_id}, "types": [CALL_TO_CONTACT]},
        {"from": {"id": call_id}, "to": {"id": MISSING}, "types": [CALL_TO_CONTACT]},
        {"from": {"id": bad_call}, "to": {"id": contact_id}, "types": [CALL_TO_CONTACT]},
    ]
    response = portal_http.post(f"{V4_BATCH}/create", json={"inputs": inputs})
    assert response.status_code == 207, response.text
    body = response.json()
    assert body["numErrors"] == len(body["errors"]) >= 1
    errors = json.dumps(body["errors"])
    assert MISSING in errors
    assert bad_call in errors
    made = [
        (str(r["fromObjectId"]), str(r["toObjectId"]))
        for r in body["results"]
        if r["fromObjectTypeId"] == "0-48"
    ]
    assert made == [(call_id, contact_id)]
    assert v4_ids(portal_http, "calls", call_id, "contacts") == [contact_id]
    assert v4_ids(portal_http, "contacts", contact_id, "calls") == [call_id]


def test_batch_read_returns_each_records_associations(portal_http: httpx.Client) -> None:
    first, second = create_contact(portal_http), create_contact(portal_http)
    one, two = create_call(portal_http, first), create_call(portal_http, first, second)
    response = portal_http.post(f"{V4_BATCH}/read", json={"inputs": [{"id": one}, {"id": two}]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "COMPLETE"
    got = {
        str(r["from"]["id"]): sorted(str(t["toObjectId"]) for t in r["to"]) for r in body["results"]
    }
    assert got == {one: [first], two: sorted([first, second])}
    types = {
        (t["category"], t["typeId"])
        for r in body["results"]
        for to in r["to"]
        for t in to["associationTypes"]
    }
    assert types == {("HUBSPOT_DEFINED", 194)}


def test_batch_read_reports_records_without_associations_with_207(
    portal_http: httpx.Client,
) -> None:
    contact_id = create_contact(portal_http)
    linked, lonely = create_call(portal_http, contact_id), create_call(portal_http)
    inputs = [{"id": linked}, {"id": lonely}]
    response = portal_http.post(f"{V4_BATCH}/read", json={"inputs": inputs})
    assert response.status_code == 207, response.text
    body = response.json()
    assert [str(r["from"]["id"]) for r in body["results"]] == [linked]
    assert body["numErrors"] == len(body["errors"]) == 1
    assert body["errors"][0]["category"] == "OBJECT_NOT_FOUND"
    assert lonely in json.dumps(body["errors"][0])


def test_batch_archive_answers_204_and_removes_the_pairs(portal_http: httpx.Client) -> None:
    first, second, kept = (create_contact(portal_http) for _ in range(3))
    call_id = create_call(portal_http, first, second, kept)
    inputs = [{"from": {"id": call_id}, "to": [{"id": first}, {"id": second}]}]
    response = portal_http.post(f"{V4_BATCH}/archive", json={"inputs": inputs})
    assert response.status_code == 204
    assert v4_ids(portal_http, "calls", call_id, "contacts") == [kept]
    assert v4_list(portal_http, "contacts", first, "calls") == []
    assert v4_list(portal_http, "contacts", second, "calls") == []


def test_batch_associate_default_answers_200(portal_http: httpx.Client) -> None:
    contacts = [create_contact(portal_http) for _ in range(2)]
    call_id = create_call(portal_http)
    inputs = [{"from": {"id": call_id}, "to": {"id": c}} for c in contacts]
    response = portal_http.post(f"{V4_BATCH}/associate/default", json={"inputs": inputs})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "COMPLETE"
    specs = {pair(r): r["associationSpec"] for r in body["results"]}
    assert all(specs[(call_id, c)] == CALL_TO_CONTACT for c in contacts)
    assert v4_ids(portal_http, "calls", call_id, "contacts") == sorted(contacts)


def test_batch_labels_archive_answers_204_and_removes_the_type(portal_http: httpx.Client) -> None:
    contact_id = create_contact(portal_http)
    call_id = create_call(portal_http, contact_id)
    inputs = [{"from": {"id": call_id}, "to": {"id": contact_id}, "types": [CALL_TO_CONTACT]}]
    response = portal_http.post(f"{V4_BATCH}/labels/archive", json={"inputs": inputs})
    assert response.status_code == 204
    remaining = [
        t["typeId"]
        for r in v4_list(portal_http, "calls", call_id, "contacts")
        for t in r["associationTypes"]
    ]
    assert 194 not in remaining


def test_batch_label_archive_with_no_types_removes_nothing(portal_http: httpx.Client) -> None:
    contact_id = create_contact(portal_http)
    call_id = create_call(portal_http, contact_id)
    inputs = [{"from": {"id": call_id}, "to": {"id": contact_id}, "types": []}]
    response = portal_http.post(f"{V4_BATCH}/labels/archive", json={"inputs": inputs})
    assert response.status_code == 204, response.text
    assert v4_ids(portal_http, "calls", call_id, "contacts") == [contact_id]


def test_batch_read_over_1000_inputs_is_rejected(portal_http: httpx.Client) -> None:
    inputs = [{"id": str(900_000_000_000 + i)} for i in range(1001)]
    response = portal_http.post(f"{V4_BATCH}/read", json={"inputs": inputs})
    assert response.status_code == 400
    assert response.json()["category"] == "VALIDATION_ERROR"


def test_batch_read_of_1000_inputs_is_accepted(portal_http: httpx.Client) -> None:
    """1,000 ids none of which has links: each is a NO_ASSOCIATIONS_FOUND entry of a 207."""
    ids = [str(900_000_000_000 + i) for i in range(1000)]
    response = portal_http.post(f"{V4_BATCH}/read", json={"inputs": [{"id": i} for i in ids]})
    assert response.status_code == 207, response.text
    body = response.json()
    assert (body["status"], body["results"], body["numErrors"]) == ("COMPLETE", [], 1000)
    assert body["errors"] == [no_associations(i) for i in ids]


def test_batch_create_over_2000_inputs_is_rejected(portal_http: httpx.Client) -> None:
    inputs = [
        {
            "from": {"id": str(900_000_000_000 + i)},
            "to": {"id": MISSING},
            "types": [CALL_TO_CONTACT],
        }
        for i in range(2001)
    ]
    response = portal_http.post(f"{V4_BATCH}/create", json={"inputs": inputs})
    assert response.status_code == 400
    assert response.json()["category"] == "VALIDATION_ERROR"


# --- the v3 per-object form -------------------------------------------------------------------


def test_v3_put_with_a_type_id_answers_200_with_the_call_and_delete_answers_204(
    portal_http: httpx.Client,
) -> None:
    contact_id, call_id = create_contact(portal_http), create_call(portal_http)
    path = f"{CALLS}/{call_id}/associations/contacts/{contact_id}/194"
    response = portal_http.put(path)
    assert response.status_code == 200, response.text
    assert response.json()["id"] == call_id
    assert v3_associated(portal_http, CALLS, call_id, "contacts") == [
        {"id": contact_id, "type": "call_to_contact"}
    ]
    assert v4_ids(portal_http, "contacts", contact_id, "calls") == [call_id]
    assert portal_http.delete(path).status_code == 204
    assert v4_list(portal_http, "calls", call_id, "contacts") == []
    assert v4_list(portal_http, "contacts", contact_id, "calls") == []


def test_v3_put_accepts_the_type_name(portal_http: httpx.Client) -> None:
    contact_id, call_id = create_contact(portal_http), create_call(portal_http)
    path = f"{CALLS}/{call_id}/associations/contacts/{contact_id}/call_to_contact"
    response = portal_http.put(path)
    assert response.status_code == 200, response.text
    assert response.json()["id"] == call_id
    assert v4_ids(portal_http, "calls", call_id, "contacts") == [contact_id]
    assert portal_http.delete(path).status_code == 204
    assert v4_list(portal_http, "calls", call_id, "contacts") == []


# --- integrity --------------------------------------------------------------------------------


def test_archived_contact_disappears_from_the_calls_associations(
    portal_http: httpx.Client,
) -> None:
    gone, kept = create_contact(portal_http), create_contact(portal_http)
    call_id = create_call(portal_http, gone, kept)
    assert portal_http.delete(f"{CONTACTS}/{gone}").status_code == 204
    assert v3_associated(portal_http, CALLS, call_id, "contacts") == [
        {"id": kept, "type": "call_to_contact"}
    ]
    assert v4_ids(portal_http, "calls", call_id, "contacts") == [kept]


def test_an_association_made_from_the_contact_side_is_seen_from_the_call(
    portal_http: httpx.Client,
) -> None:
    contact_id, call_id = create_contact(portal_http), create_call(portal_http)
    response = portal_http.put(
        f"{V4_OBJECTS}/contacts/{contact_id}/associations/calls/{call_id}", json=[CONTACT_TO_CALL]
    )
    assert response.status_code == 201, response.text
    assert (response.json()["fromObjectTypeId"], response.json()["toObjectTypeId"]) == (
        "0-1",
        "0-48",
    )
    [forward] = v4_list(portal_http, "calls", call_id, "contacts")
    assert (str(forward["toObjectId"]), [t["typeId"] for t in forward["associationTypes"]]) == (
        contact_id,
        [194],
    )
    assert v3_associated(portal_http, CALLS, call_id, "contacts") == [
        {"id": contact_id, "type": "call_to_contact"}
    ]


def test_a_portal_cannot_associate_with_another_portals_record(
    portal_http: httpx.Client, server: Any
) -> None:
    contact_id = create_contact(portal_http)  # in this module's portal
    with other_portal(server) as other:  # a portal with no contacts at all
        call_id = create_call(other)
        before = all_call_ids(other)
        refused = no_live_ends(call_id, contact_id)
        assert_hubspot_error(put_v4(other, call_id, contact_id), 400, **refused)
        default = other.put(
            f"{V4_OBJECTS}/calls/{call_id}/associations/default/contacts/{contact_id}"
        )
        assert_hubspot_error(default, 400, **refused)
        body = {"properties": {"hs_timestamp": CALL_TIME}, "associations": [inline(contact_id)]}
        assert_hubspot_error(
            other.post(CALLS, json=body),
            400,
            message=f"One or more associations are invalid: no contact with id {contact_id}",
            category="VALIDATION_ERROR",
            context={"ids": [contact_id], "objectType": ["CONTACT"]},
            errors=[],
        )
        assert all_call_ids(other) == before
        link = {"from": {"id": call_id}, "to": {"id": contact_id}, "types": [CALL_TO_CONTACT]}
        batch = {"inputs": [link]}
        created = other.post(f"{V4_BATCH}/create", json=batch)
        assert created.status_code == 207, created.text
        assert (created.json()["results"], created.json()["numErrors"]) == ([], 1)
        assert created.json()["errors"] == [{"status": "error", **refused, "links": {}}]
        assert v4_list(other, "calls", call_id, "contacts") == []
    assert v4_list(portal_http, "contacts", contact_id, "calls") == []


def test_a_portal_never_sees_another_portals_associations(
    portal_http: httpx.Client, server: Any
) -> None:
    contact_id = create_contact(portal_http)
    call_id = create_call(portal_http, contact_id)
    with other_portal(server) as other:  # a portal with no records at all
        listed = other.get(f"{V4_OBJECTS}/calls/{call_id}/associations/contacts")
        assert (listed.status_code, listed.json()) == (200, {"results": []})
        read = other.post(f"{V4_BATCH}/read", json={"inputs": [{"id": call_id}]})
        assert read.status_code == 207, read.text
        assert (read.json()["results"], read.json()["errors"]) == ([], [no_associations(call_id)])
        got = other.get(f"{CALLS}/{call_id}", params={"associations": "contacts"})
        assert_hubspot_error(got, 404, **object_not_found(call_id))
        assert search_by_contact(other, contact_id) == []
    assert v4_ids(portal_http, "calls", call_id, "contacts") == [contact_id]


# --- search by association --------------------------------------------------------------------


def test_search_by_associated_contact_returns_exactly_its_calls(
    portal_http: httpx.Client,
) -> None:
    mine, theirs = create_contact(portal_http), create_contact(portal_http)
    inline_call = create_call(portal_http, mine)
    later_call = create_call(portal_http)
    assert put_v4(portal_http, later_call, mine).status_code == 201
    create_call(portal_http, theirs)
    create_call(portal_http)
    assert search_by_contact(portal_http, mine) == sorted([inline_call, later_call])
    path = f"{V4_OBJECTS}/calls/{later_call}/associations/contacts/{mine}"
    assert portal_http.delete(path).status_code == 204
    assert search_by_contact(portal_http, mine) == [inline_call]


# --- the official SDK -------------------------------------------------------------------------


def sdk_contact(sdk: Any) -> str:
    from hubspot.crm.contacts import SimplePublicObjectInputForCreate

    body = SimplePublicObjectInputForCreate(properties={"firstname": "Sdk"})
    return str(sdk.crm.contacts.basic_api.create(simple_public_object_input_for_create=body).id)


def sdk_call(sdk: Any, *contact_ids: str) -> str:
    from hubspot.crm.objects.calls import (
        AssociationSpec,
        PublicAssociationsForObject,
        PublicObjectId,
        SimplePublicObjectInputForCreate,
    )

    spec = AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=194)
    body = SimplePublicObjectInputForCreate(
        properties={"hs_timestamp": CALL_TIME},
        associations=[
            PublicAssociationsForObject(to=PublicObjectId(id=c), types=[spec]) for c in contact_ids
        ],
    )
    return str(
        sdk.crm.objects.calls.basic_api.create(simple_public_object_input_for_create=body).id
    )


def test_sdk_call_created_with_an_inline_association(portal_sdk: Any) -> None:
    contact_id = sdk_contact(portal_sdk)
    call_id = sdk_call(portal_sdk, contact_id)
    got = portal_sdk.crm.objects.calls.basic_api.get_by_id(call_id, associations=["contacts"])
    [associated] = got.associations["contacts"].results
    assert (associated.id, associated.type) == (contact_id, "call_to_contact")


def test_sdk_v4_create_default_get_page_and_archive(portal_sdk: Any) -> None:
    contact_id, call_id = sdk_contact(portal_sdk), sdk_call(portal_sdk)
    basic = portal_sdk.crm.associations.v4.basic_api
    made = basic.create_default(
        from_object_type="calls",
        from_object_id=call_id,
        to_object_type="contacts",
        to_object_id=contact_id,
    )
    assert made.status == "COMPLETE"
    assert any(
        (r._from.id, r.to.id, r.association_spec.association_type_id) == (call_id, contact_id, 194)
        for r in made.results
    )
    page = basic.get_page(object_type="calls", object_id=call_id, to_object_type="contacts")
    [row] = page.results
    assert row.to_object_id == contact_id
    assert [(t.category, t.type_id) for t in row.association_types] == [("HUBSPOT_DEFINED", 194)]
    basic.archive(
        object_type="calls", object_id=call_id, to_object_type="contacts", to_object_id=contact_id
    )
    assert (
        basic.get_page(object_type="calls", object_id=call_id, to_object_type="contacts").results
        == []
    )


def test_sdk_v4_create_with_a_spec_returns_labels_between_the_pair(portal_sdk: Any) -> None:
    from hubspot.crm.associations.v4 import AssociationSpec

    contact_id, call_id = sdk_contact(portal_sdk), sdk_call(portal_sdk)
    made = portal_sdk.crm.associations.v4.basic_api.create(
        object_type="calls",
        object_id=call_id,
        to_object_type="contacts",
        to_object_id=contact_id,
        association_spec=[
            AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=194)
        ],
    )
    assert (made.from_object_type_id, made.from_object_id) == ("0-48", call_id)
    assert (made.to_object_type_id, made.to_object_id) == ("0-1", contact_id)
    assert made.labels == []


def test_sdk_batch_create_with_a_bad_input_returns_the_errors_model(portal_sdk: Any) -> None:
    from hubspot.crm.associations.v4 import (
        AssociationSpec,
        BatchInputPublicAssociationMultiPost,
        BatchResponseLabelsBetweenObjectPairWithErrors,
        PublicAssociationMultiPost,
        PublicObjectId,
    )

    contact_id, call_id = sdk_contact(portal_sdk), sdk_call(portal_sdk)
    spec = AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=194)
    inputs = [
        PublicAssociationMultiPost(
            _from=PublicObjectId(id=call_id), to=PublicObjectId(id=to), types=[spec]
        )
        for to in (contact_id, MISSING)
    ]
    result = portal_sdk.crm.associations.v4.batch_api.create(
        from_object_type="calls",
        to_object_type="contacts",
        batch_input_public_association_multi_post=BatchInputPublicAssociationMultiPost(
            inputs=inputs
        ),
    )
    assert isinstance(result, BatchResponseLabelsBetweenObjectPairWithErrors)
    assert result.num_errors == len(result.errors) >= 1
    assert any(MISSING in json.dumps(e.to_dict()) for e in result.errors)
    made = [(r.from_object_id, r.to_object_id) for r in result.results]
    assert (call_id, contact_id) in made
    assert all(MISSING not in pair_ids for pair_ids in made)
    page = portal_sdk.crm.associations.v4.basic_api.get_page(
        object_type="calls", object_id=call_id, to_object_type="contacts"
    )
    assert [r.to_object_id for r in page.results] == [contact_id]
