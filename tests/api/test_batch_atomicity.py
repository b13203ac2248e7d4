"""Every batch endpoint with one valid and one bad input: either the whole request fails and
the portal reads back exactly as before, or the answer is a 207 listing the bad input and
only the valid one was applied. Read back through the API after each request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from test_associations import CALL_TO_CONTACT, create_call, create_contact, v4_ids

from conftest import CALL_TIME, assert_hubspot_error, object_not_found, property_not_found

CALLS = "/crm/v3/objects/calls"
PROPS = "/crm/v3/properties/calls"
V4_BATCH = "/crm/v4/associations/calls/contacts/batch"
MISSING = "918273645501"  # an id no record has
UNIQUE = "atom_ref"
SIDEWAYS = {"hs_timestamp": CALL_TIME, "hs_call_direction": "SIDEWAYS"}
SIDEWAYS_PROBLEM = {
    "message": "SIDEWAYS was not one of the allowed options: [INBOUND, OUTBOUND]",
    "code": "INVALID_OPTION",
    "context": {"propertyName": ["hs_call_direction"]},
}
BAD_ID = {
    "category": "VALIDATION_ERROR",
    "message": "Invalid object id abc",
    "context": {},
    "errors": [],
    "subCategory": "crm.associations.INVALID_IDENTIFIER",
}


@pytest.fixture(scope="module")
def crm(portal_http: httpx.Client) -> httpx.Client:
    """The module's portal, with a unique property to upsert by."""
    prop = {
        "name": UNIQUE,
        "label": "Ref",
        "type": "string",
        "fieldType": "text",
        "groupName": "call_information",
        "hasUniqueValue": True,
    }
    assert portal_http.post(PROPS, json=prop).status_code == 201
    return portal_http


def listing(http: httpx.Client, path: str, *, archived: bool) -> list[dict[str, Any]]:
    """Every record of a type, with the properties these tests write and its contacts."""
    found: list[dict[str, Any]] = []
    params: dict[str, Any] = {
        "limit": 100,
        "archived": str(archived).lower(),
        "properties": f"hs_call_title,hs_call_direction,{UNIQUE}",
        "associations": "contacts",
    }
    while True:
        response = http.get(path, params=params)
        assert response.status_code == 200, response.text
        page = response.json()
        found += page["results"]
        if "paging" not in page:
            return found
        params["after"] = page["paging"]["next"]["after"]


def portal_state(http: httpx.Client) -> dict[str, Any]:
    """What any of these requests could change: calls live and archived with their
    associations, contacts, and the custom properties live and archived."""
    properties = {
        archived: http.get(PROPS, params={"archived": archived}).json()["results"]
        for archived in ("false", "true")
    }
    return {
        "calls": listing(http, CALLS, archived=False),
        "archived calls": listing(http, CALLS, archived=True),
        "contacts": listing(http, "/crm/v3/objects/contacts", archived=False),
        "properties": properties,
    }


def fails_whole(http: httpx.Client, send: Callable[[], httpx.Response]) -> dict[str, Any]:
    """``send`` answers 400 VALIDATION_ERROR in HubSpot's shape and changes nothing."""
    before = portal_state(http)
    response = send()
    assert response.status_code == 400, response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == "error"
    assert body["category"] == "VALIDATION_ERROR"
    assert body["correlationId"] == response.headers["x-hubspot-correlation-id"]
    assert portal_state(http) == before
    return body


def without_correlation(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in ("status", "correlationId")}


def multi_status(response: httpx.Response) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A 207 ``...WithErrors`` body with exactly one error: (results, the error)."""
    assert response.status_code == 207, response.text
    body = response.json()
    assert body["status"] == "COMPLETE"
    assert body["numErrors"] == len(body["errors"]) == 1
    (error,) = body["errors"]
    assert error["status"] == "error"
    assert {"category", "message", "context"} <= set(error)
    return list(body["results"]), dict(error)


def read_call(http: httpx.Client, call_id: str) -> dict[str, Any]:
    params = {"properties": f"hs_call_title,{UNIQUE}"}
    response = http.get(f"{CALLS}/{call_id}", params=params)
    assert response.status_code == 200, response.text
    return dict(response.json()["properties"])


def new_calls(http: httpx.Client, n: int) -> list[str]:
    return [create_call(http, hs_call_title="before") for _ in range(n)]


def linked_call(http: httpx.Client, *contacts: str) -> str:
    return create_call(http, *contacts)


# --- records -------------------------------------------------------------------------------


def test_record_batch_create_with_an_invalid_value_creates_nothing(crm: httpx.Client) -> None:
    inputs = [{"properties": {"hs_timestamp": CALL_TIME}}, {"properties": SIDEWAYS}]
    body = fails_whole(crm, lambda: crm.post(f"{CALLS}/batch/create", json={"inputs": inputs}))
    assert body["message"].startswith("Property values were not valid: [")
    assert body["errors"] == [SIDEWAYS_PROBLEM]


def test_record_batch_create_with_an_unknown_inline_target_creates_nothing(
    crm: httpx.Client,
) -> None:
    bad = {"to": {"id": MISSING}, "types": [CALL_TO_CONTACT]}
    inputs = [
        {"properties": {"hs_timestamp": CALL_TIME}},
        {"properties": {"hs_timestamp": CALL_TIME}, "associations": [bad]},
    ]
    body = fails_whole(crm, lambda: crm.post(f"{CALLS}/batch/create", json={"inputs": inputs}))
    assert without_correlation(body) == {
        "category": "VALIDATION_ERROR",
        "message": f"One or more associations are invalid: no contact with id {MISSING}",
        "context": {"ids": [MISSING], "objectType": ["CONTACT"]},
        "errors": [],
    }


def test_record_batch_create_in_multi_status_mode_creates_only_the_valid_input(
    crm: httpx.Client,
) -> None:
    before = {c["id"] for c in listing(crm, CALLS, archived=False)}
    inputs = [
        {
            "properties": {"hs_timestamp": CALL_TIME, "hs_call_title": "kept"},
            "objectWriteTraceId": "a",
        },
        {"properties": SIDEWAYS, "objectWriteTraceId": "b"},
    ]
    results, error = multi_status(crm.post(f"{CALLS}/batch/create", json={"inputs": inputs}))
    assert error["category"] == "VALIDATION_ERROR"
    assert error["context"] == {"objectWriteTraceId": ["b"]}
    assert error["errors"] == [SIDEWAYS_PROBLEM]
    (created,) = results
    after = {c["id"]: c for c in listing(crm, CALLS, archived=False)}
    assert set(after) - before == {created["id"]}
    assert after[created["id"]]["properties"]["hs_call_title"] == "kept"


def test_record_batch_update_with_an_invalid_value_changes_nothing(crm: httpx.Client) -> None:
    first, second = new_calls(crm, 2)
    inputs = [
        {"id": first, "properties": {"hs_call_title": "changed"}},
        {"id": second, "properties": {"hs_call_direction": "SIDEWAYS"}},
    ]
    body = fails_whole(crm, lambda: crm.post(f"{CALLS}/batch/update", json={"inputs": inputs}))
    assert body["errors"] == [SIDEWAYS_PROBLEM]
    assert read_call(crm, first)["hs_call_title"] == "before"


def test_record_batch_update_with_an_unknown_id_applies_only_the_valid_input(
    crm: httpx.Client,
) -> None:
    (call_id,) = new_calls(crm, 1)
    inputs = [
        {"id": call_id, "properties": {"hs_call_title": "changed"}},
        {"id": MISSING, "properties": {"hs_call_title": "nowhere"}},
    ]
    results, error = multi_status(crm.post(f"{CALLS}/batch/update", json={"inputs": inputs}))
    assert [r["id"] for r in results] == [call_id]
    assert error["category"] == "OBJECT_NOT_FOUND"
    assert error["context"] == {"ids": [MISSING]}
    assert read_call(crm, call_id)["hs_call_title"] == "changed"
    assert_hubspot_error(crm.get(f"{CALLS}/{MISSING}"), 404, **object_not_found(MISSING))


def test_record_batch_upsert_with_an_invalid_value_writes_nothing(crm: httpx.Client) -> None:
    inputs = [
        {"id": "ref-new", "idProperty": UNIQUE, "properties": {"hs_timestamp": CALL_TIME}},
        {"id": "ref-bad", "idProperty": UNIQUE, "properties": SIDEWAYS},
    ]
    body = fails_whole(crm, lambda: crm.post(f"{CALLS}/batch/upsert", json={"inputs": inputs}))
    assert body["errors"] == [SIDEWAYS_PROBLEM]


def test_record_batch_upsert_in_multi_status_mode_writes_only_the_valid_input(
    crm: httpx.Client,
) -> None:
    inputs = [
        {
            "id": "ref-kept",
            "idProperty": UNIQUE,
            "properties": {"hs_timestamp": CALL_TIME},
            "objectWriteTraceId": "a",
        },
        {
            "id": "ref-dropped",
            "idProperty": UNIQUE,
            "properties": SIDEWAYS,
            "objectWriteTraceId": "b",
        },
    ]
    results, error = multi_status(crm.post(f"{CALLS}/batch/upsert", json={"inputs": inputs}))
    assert [r["properties"][UNIQUE] for r in results] == ["ref-kept"]
    assert results[0]["new"] is True
    assert error["category"] == "VALIDATION_ERROR"
    assert error["context"] == {"objectWriteTraceId": ["b"]}
    refs = {c["properties"][UNIQUE] for c in listing(crm, CALLS, archived=False)}
    assert "ref-kept" in refs and "ref-dropped" not in refs


def test_record_batch_archive_with_a_bad_id_archives_the_valid_one(crm: httpx.Client) -> None:
    archived, kept = new_calls(crm, 2)
    inputs = [{"id": archived}, {"id": "abc"}]
    response = crm.post(f"{CALLS}/batch/archive", json={"inputs": inputs})
    assert response.status_code == 204, response.text
    assert_hubspot_error(crm.get(f"{CALLS}/{archived}"), 404, **object_not_found(archived))
    assert read_call(crm, kept)["hs_call_title"] == "before"


def test_record_batch_read_with_an_unknown_id_answers_207(crm: httpx.Client) -> None:
    (call_id,) = new_calls(crm, 1)
    inputs = [{"id": call_id}, {"id": MISSING}]
    results, error = multi_status(crm.post(f"{CALLS}/batch/read", json={"inputs": inputs}))
    assert [r["id"] for r in results] == [call_id]
    assert error["category"] == "OBJECT_NOT_FOUND"
    assert error["context"] == {"ids": [MISSING]}


# --- properties ----------------------------------------------------------------------------


def text_property(name: str, **overrides: str) -> dict[str, str]:
    body = {"name": name, "label": name, "type": "string", "fieldType": "text"}
    return {**body, "groupName": "call_information", **overrides}


def test_property_batch_create_with_a_bad_input_creates_only_the_valid_one(
    crm: httpx.Client,
) -> None:
    inputs = [text_property("atom_good"), text_property("atom_bad", type="nope")]
    response = crm.post(f"{PROPS}/batch/create", json={"inputs": inputs})
    results, error = multi_status(response)
    assert [p["name"] for p in results] == ["atom_good"]
    assert error["category"] == "VALIDATION_ERROR"
    assert error["message"] == (
        "Invalid property type nope; expected one of: bool, date, datetime, enumeration,"
        " number, phone_number, string"
    )
    assert error["context"] == {"type": ["nope"]}
    assert crm.get(f"{PROPS}/atom_good").status_code == 200
    assert_hubspot_error(crm.get(f"{PROPS}/atom_bad"), 404, **property_not_found("atom_bad"))


def test_property_batch_archive_with_an_unknown_name_archives_the_valid_one(
    crm: httpx.Client,
) -> None:
    assert crm.post(PROPS, json=text_property("atom_gone")).status_code == 201
    inputs = [{"name": "atom_gone"}, {"name": "atom_never_was"}]
    response = crm.post(f"{PROPS}/batch/archive", json={"inputs": inputs})
    assert response.status_code == 204, response.text
    assert crm.get(f"{PROPS}/atom_gone").status_code == 404
    archived = crm.get(f"{PROPS}/atom_gone", params={"archived": "true"})
    assert archived.json()["archived"] is True


def test_property_batch_read_with_an_unknown_name_answers_207(crm: httpx.Client) -> None:
    inputs = [{"name": UNIQUE}, {"name": "atom_never_was"}]
    response = crm.post(f"{PROPS}/batch/read", json={"inputs": inputs, "archived": False})
    results, error = multi_status(response)
    assert [p["name"] for p in results] == [UNIQUE]
    assert error["category"] == "OBJECT_NOT_FOUND"


# --- v4 associations -----------------------------------------------------------------------


def pair_input(call_id: str, contact_id: str) -> dict[str, Any]:
    return {"from": {"id": call_id}, "to": {"id": contact_id}, "types": [CALL_TO_CONTACT]}


def test_v4_batch_create_with_a_bad_id_links_nothing(crm: httpx.Client) -> None:
    contact, call_id = create_contact(crm), linked_call(crm)
    inputs = [pair_input(call_id, contact), pair_input("abc", contact)]
    body = fails_whole(crm, lambda: crm.post(f"{V4_BATCH}/create", json={"inputs": inputs}))
    assert without_correlation(body) == BAD_ID
    assert v4_ids(crm, "calls", call_id, "contacts") == []


def test_v4_batch_create_with_an_unknown_record_links_only_the_valid_pair(
    crm: httpx.Client,
) -> None:
    contact, call_id = create_contact(crm), linked_call(crm)
    inputs = [pair_input(call_id, contact), pair_input(call_id, MISSING)]
    results, error = multi_status(crm.post(f"{V4_BATCH}/create", json={"inputs": inputs}))
    assert [str(r["toObjectId"]) for r in results] == [contact]
    assert error["category"] == "VALIDATION_ERROR"
    assert error["context"] == {"fromObjectId": [call_id], "toObjectId": [MISSING]}
    assert v4_ids(crm, "calls", call_id, "contacts") == [contact]


def test_v4_batch_associate_default_with_a_bad_id_links_nothing(crm: httpx.Client) -> None:
    contact, call_id = create_contact(crm), linked_call(crm)
    inputs = [
        {"from": {"id": call_id}, "to": {"id": contact}},
        {"from": {"id": call_id}, "to": {"id": "abc"}},
    ]
    body = fails_whole(
        crm, lambda: crm.post(f"{V4_BATCH}/associate/default", json={"inputs": inputs})
    )
    assert without_correlation(body) == BAD_ID


def test_v4_batch_associate_default_with_an_unknown_record_links_only_the_valid_pair(
    crm: httpx.Client,
) -> None:
    contact, call_id = create_contact(crm), linked_call(crm)
    inputs = [
        {"from": {"id": call_id}, "to": {"id": contact}},
        {"from": {"id": call_id}, "to": {"id": MISSING}},
    ]
    response = crm.post(f"{V4_BATCH}/associate/default", json={"inputs": inputs})
    _, error = multi_status(response)
    assert error["context"] == {"fromObjectId": [call_id], "toObjectId": [MISSING]}
    assert v4_ids(crm, "calls", call_id, "contacts") == [contact]


def test_v4_batch_archive_with_a_bad_id_removes_nothing(crm: httpx.Client) -> None:
    """The issue's case: the valid first input used to be removed before the 400."""
    first, second = create_contact(crm), create_contact(crm)
    call_id = linked_call(crm, first, second)
    inputs = [
        {"from": {"id": call_id}, "to": [{"id": first}]},
        {"from": {"id": "abc"}, "to": [{"id": second}]},
    ]
    body = fails_whole(crm, lambda: crm.post(f"{V4_BATCH}/archive", json={"inputs": inputs}))
    assert without_correlation(body) == BAD_ID
    assert v4_ids(crm, "calls", call_id, "contacts") == sorted([first, second])


@pytest.mark.parametrize("bad", ["id", "type"])
def test_v4_batch_labels_archive_with_a_bad_input_removes_nothing(
    crm: httpx.Client, bad: str
) -> None:
    first, second = create_contact(crm), create_contact(crm)
    call_id = linked_call(crm, first, second)
    wrong = pair_input("abc", second)
    if bad == "type":
        wrong = {
            **pair_input(call_id, second),
            "types": [{**CALL_TO_CONTACT, "associationTypeId": 99999}],
        }
    inputs = [pair_input(call_id, first), wrong]
    body = fails_whole(crm, lambda: crm.post(f"{V4_BATCH}/labels/archive", json={"inputs": inputs}))
    if bad == "id":
        assert without_correlation(body) == BAD_ID
    else:
        assert body["subCategory"] == "crm.associations.INVALID_ASSOCIATION_TYPE"
        assert body["context"]["type"] == ["99999"]
    assert v4_ids(crm, "calls", call_id, "contacts") == sorted([first, second])


def test_v4_batch_read_with_a_bad_id_answers_400(crm: httpx.Client) -> None:
    contact = create_contact(crm)
    call_id = linked_call(crm, contact)
    response = crm.post(f"{V4_BATCH}/read", json={"inputs": [{"id": call_id}, {"id": "abc"}]})
    assert response.status_code == 400, response.text
    assert without_correlation(response.json()) == BAD_ID


def test_v4_batch_archive_of_two_valid_inputs_removes_both(crm: httpx.Client) -> None:
    first, second, kept = (create_contact(crm) for _ in range(3))
    calls = [linked_call(crm, first, kept), linked_call(crm, second, kept)]
    inputs = [
        {"from": {"id": calls[0]}, "to": [{"id": first}]},
        {"from": {"id": calls[1]}, "to": [{"id": second}]},
    ]
    response = crm.post(f"{V4_BATCH}/archive", json={"inputs": inputs})
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert [v4_ids(crm, "calls", c, "contacts") for c in calls] == [[kept], [kept]]
    assert v4_ids(crm, "contacts", first, "calls") == []
    assert v4_ids(crm, "contacts", second, "calls") == []


def test_v4_batch_labels_archive_of_two_valid_inputs_removes_both(crm: httpx.Client) -> None:
    first, second = create_contact(crm), create_contact(crm)
    call_id = linked_call(crm, first, second)
    inputs = [pair_input(call_id, first), pair_input(call_id, second)]
    response = crm.post(f"{V4_BATCH}/labels/archive", json={"inputs": inputs})
    assert response.status_code == 204, response.text
    assert v4_ids(crm, "calls", call_id, "contacts") == []
    assert v4_ids(crm, "contacts", first, "calls") == []
    assert v4_ids(crm, "contacts", second, "calls") == []


# --- v3 associations -----------------------------------------------------------------------

V3_BATCH = "/crm/v3/associations/calls/contacts/batch"


def v3_input(call_id: str, contact_id: str, kind: str = "call_to_contact") -> dict[str, Any]:
    return {"from": {"id": call_id}, "to": {"id": contact_id}, "type": kind}


@pytest.mark.parametrize("bad", ["id", "type"])
def test_v3_batch_create_with_a_bad_input_links_nothing(crm: httpx.Client, bad: str) -> None:
    contact, call_id = create_contact(crm), linked_call(crm)
    wrong = v3_input("abc", contact) if bad == "id" else v3_input(call_id, contact, "nope")
    inputs = [v3_input(call_id, contact), wrong]
    body = fails_whole(crm, lambda: crm.post(f"{V3_BATCH}/create", json={"inputs": inputs}))
    if bad == "id":
        assert without_correlation(body) == BAD_ID
    else:
        assert body["subCategory"] == "crm.associations.INVALID_ASSOCIATION_TYPE"
    assert v4_ids(crm, "calls", call_id, "contacts") == []


def test_v3_batch_create_with_an_unknown_record_links_only_the_valid_pair(
    crm: httpx.Client,
) -> None:
    contact, call_id = create_contact(crm), linked_call(crm)
    inputs = [v3_input(call_id, contact), v3_input(call_id, MISSING)]
    results, error = multi_status(crm.post(f"{V3_BATCH}/create", json={"inputs": inputs}))
    assert results == [v3_input(call_id, contact)]
    assert error["context"] == {"fromObjectId": [call_id], "toObjectId": [MISSING]}
    assert v4_ids(crm, "calls", call_id, "contacts") == [contact]


@pytest.mark.parametrize("bad", ["id", "type"])
def test_v3_batch_archive_with_a_bad_input_removes_nothing(crm: httpx.Client, bad: str) -> None:
    first, second = create_contact(crm), create_contact(crm)
    call_id = linked_call(crm, first, second)
    wrong = v3_input("abc", second) if bad == "id" else v3_input(call_id, second, "194x")
    inputs = [v3_input(call_id, first), wrong]
    body = fails_whole(crm, lambda: crm.post(f"{V3_BATCH}/archive", json={"inputs": inputs}))
    if bad == "id":
        assert without_correlation(body) == BAD_ID
    else:
        assert body["context"]["type"] == ["194x"]
    assert v4_ids(crm, "calls", call_id, "contacts") == sorted([first, second])


def test_v3_batch_archive_of_two_valid_inputs_removes_both(crm: httpx.Client) -> None:
    first, second = create_contact(crm), create_contact(crm)
    call_id = linked_call(crm, first, second)
    inputs = [v3_input(call_id, first), v3_input(call_id, second, "194")]
    response = crm.post(f"{V3_BATCH}/archive", json={"inputs": inputs})
    assert response.status_code == 204, response.text
    assert v4_ids(crm, "calls", call_id, "contacts") == []
    assert v4_ids(crm, "contacts", first, "calls") == []


def test_v3_batch_read_with_a_bad_id_answers_400(crm: httpx.Client) -> None:
    call_id = linked_call(crm, create_contact(crm))
    response = crm.post(f"{V3_BATCH}/read", json={"inputs": [{"id": call_id}, {"id": "abc"}]})
    assert response.status_code == 400, response.text
    assert without_correlation(response.json()) == BAD_ID


def test_v3_batch_read_with_an_unknown_id_answers_207(crm: httpx.Client) -> None:
    contact = create_contact(crm)
    call_id = linked_call(crm, contact)
    response = crm.post(f"{V3_BATCH}/read", json={"inputs": [{"id": call_id}, {"id": MISSING}]})
    results, error = multi_status(response)
    assert results == [
        {"from": {"id": call_id}, "to": [{"id": contact, "type": "call_to_contact"}]}
    ]
    assert error["subCategory"] == "crm.associations.NO_ASSOCIATIONS_FOUND"


CONFIGS = "/crm/v4/associations/definitions/configurations/contacts/companies/batch"


def limits_of(http: httpx.Client) -> list[dict[str, Any]]:
    found = http.get("/crm/v4/associations/definitions/configurations/contacts/companies")
    assert found.status_code == 200, found.text
    return list(found.json()["results"])


def limit_input(type_id: int, maximum: int) -> dict[str, Any]:
    return {"category": "HUBSPOT_DEFINED", "typeId": type_id, "maxToObjectIds": maximum}


def test_limit_batch_create_with_a_bad_input_creates_only_the_valid_one(
    crm: httpx.Client,
) -> None:
    inputs = [limit_input(279, 0), limit_input(1, 4)]
    results, error = multi_status(crm.post(f"{CONFIGS}/create", json={"inputs": inputs}))
    assert [r["typeId"] for r in results] == [1]
    assert error["context"]["maxToObjectIds"] == ["0"]
    assert [(r["typeId"], r["userEnforcedMaxToObjectIds"]) for r in limits_of(crm)] == [(1, 4)]
    update = [limit_input(1, 6), limit_input(279, 2)]
    results, error = multi_status(crm.post(f"{CONFIGS}/update", json={"inputs": update}))
    assert results == [
        {"category": "HUBSPOT_DEFINED", "typeId": 1, "userEnforcedMaxToObjectIds": 6}
    ]
    assert [(r["typeId"], r["userEnforcedMaxToObjectIds"]) for r in limits_of(crm)] == [(1, 6)]


def test_limit_batch_purge_with_a_bad_input_removes_nothing(crm: httpx.Client) -> None:
    before = limits_of(crm)
    if not before:
        assert (
            crm.post(f"{CONFIGS}/create", json={"inputs": [limit_input(1, 4)]}).status_code == 201
        )
        before = limits_of(crm)
    inputs = [
        {"category": "HUBSPOT_DEFINED", "typeId": 1},
        {"category": "HUBSPOT_DEFINED", "typeId": 77},
    ]
    fails_whole(crm, lambda: crm.post(f"{CONFIGS}/purge", json={"inputs": inputs}))
    assert limits_of(crm) == before
    ok = crm.post(f"{CONFIGS}/purge", json={"inputs": inputs[:1]})
    assert ok.status_code == 204
    assert limits_of(crm) == []
