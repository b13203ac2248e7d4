"""Unique-value properties: idProperty everywhere, batch upsert, conflicts
(hubspot-behaviour §3.2-3.3, §4.3)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

import httpx
import pytest

from conftest import assert_hubspot_error, assert_sdk_error

CALLS = "/crm/v3/objects/calls"
TIME = "2026-01-15T10:30:00.000Z"
KEY = "external_id"


@pytest.fixture(scope="module", autouse=True)
def unique_properties(portal_http: httpx.Client) -> None:
    for name in (KEY, "second_key"):
        body = {
            "name": name,
            "label": name,
            "type": "string",
            "fieldType": "text",
            "groupName": "call_information",
            "hasUniqueValue": True,
        }
        assert portal_http.post("/crm/v3/properties/calls", json=body).status_code == 201


def call_conflict(holder_id: str) -> dict[str, Any]:
    """The 409 body of a single create or PATCH whose unique value another call holds."""
    return {
        "message": f"Call already exists. Existing ID: {holder_id}",
        "category": "CONFLICT",
        "context": {},
        "errors": [],
    }


def create(http: httpx.Client, external_id: str, **more: str) -> dict[str, Any]:
    body = {"properties": {"hs_timestamp": TIME, KEY: external_id, **more}}
    response = http.post(CALLS, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def holders(http: httpx.Client, value: str, name: str = KEY) -> list[str]:
    """Ids of the live calls holding ``value`` (search is immediately consistent here)."""
    query = {
        "filterGroups": [{"filters": [{"propertyName": name, "operator": "EQ", "value": value}]}]
    }
    response = http.post(f"{CALLS}/search", json={**query, "limit": 100})
    assert response.status_code == 200, response.text
    return [r["id"] for r in response.json()["results"]]


def read(http: httpx.Client, call_id: str, *names: str) -> dict[str, Any]:
    """Just the named properties of a call."""
    response = http.get(f"{CALLS}/{call_id}", params={"properties": ",".join(names)})
    return {name: response.json()["properties"][name] for name in names}


def batch(http: httpx.Client, action: str, inputs: list[dict[str, Any]]) -> httpx.Response:
    return http.post(f"{CALLS}/batch/{action}", json={"inputs": inputs})


# --- idProperty -------------------------------------------------------------------------


def test_get_by_id_property(portal_http: httpx.Client) -> None:
    created = create(portal_http, "ext-get")
    got = portal_http.get(f"{CALLS}/ext-get", params={"idProperty": KEY, "properties": KEY})
    assert got.status_code == 200
    assert (got.json()["id"], got.json()["properties"][KEY]) == (created["id"], "ext-get")


def test_patch_by_id_property(portal_http: httpx.Client) -> None:
    created = create(portal_http, "ext-patch")
    patched = portal_http.patch(
        f"{CALLS}/ext-patch",
        params={"idProperty": KEY},
        json={"properties": {"hs_call_title": "by key"}},
    )
    assert (patched.status_code, patched.json()["id"]) == (200, created["id"])
    assert read(portal_http, created["id"], "hs_call_title")["hs_call_title"] == "by key"


def test_unknown_unique_value_is_404(portal_http: httpx.Client) -> None:
    response = portal_http.get(f"{CALLS}/nobody", params={"idProperty": KEY})
    assert response.status_code == 404
    assert response.json()["category"] == "OBJECT_NOT_FOUND"


@pytest.mark.parametrize("name", ["hs_call_title", "hs_object_id", "no_such_property"])
def test_id_property_must_be_a_unique_property(portal_http: httpx.Client, name: str) -> None:
    response = portal_http.get(f"{CALLS}/x", params={"idProperty": name})
    assert response.status_code == 400
    assert f"non-unique 0-48 property {name}" in response.json()["message"]


def test_batch_update_by_id_property(portal_http: httpx.Client) -> None:
    created = create(portal_http, "ext-batch")
    inputs = [{"id": "ext-batch", "idProperty": KEY, "properties": {"hs_call_title": "b"}}]
    response = batch(portal_http, "update", inputs)
    assert response.status_code == 200
    assert response.json()["results"][0]["id"] == created["id"]
    assert read(portal_http, created["id"], "hs_call_title")["hs_call_title"] == "b"


def test_batch_read_by_id_property_reports_unknown_values(portal_http: httpx.Client) -> None:
    created = create(portal_http, "ext-read")
    body = {"inputs": [{"id": "ext-read"}, {"id": "ext-none"}], "idProperty": KEY}
    response = portal_http.post(f"{CALLS}/batch/read", json=body)
    assert response.status_code == 207
    assert [r["id"] for r in response.json()["results"]] == [created["id"]]
    assert response.json()["errors"][0]["context"]["ids"] == ["ext-none"]


# --- conflicts --------------------------------------------------------------------------


def test_create_with_a_taken_value_is_409_and_writes_nothing(portal_http: httpx.Client) -> None:
    holder = create(portal_http, "ext-taken")
    body = {"properties": {"hs_timestamp": TIME, KEY: "ext-taken", "hs_call_title": "copy"}}
    response = portal_http.post(CALLS, json=body)
    assert response.status_code == 409
    assert response.json()["category"] == "CONFLICT"
    assert response.json()["message"] == f"Call already exists. Existing ID: {holder['id']}"
    assert holders(portal_http, "ext-taken") == [holder["id"]]


def test_patch_to_a_taken_value_is_409_and_writes_nothing(portal_http: httpx.Client) -> None:
    held = create(portal_http, "ext-held")
    other = create(portal_http, "ext-other")
    patched = portal_http.patch(
        f"{CALLS}/{other['id']}", json={"properties": {KEY: "ext-held", "hs_call_title": "t"}}
    )
    assert_hubspot_error(patched, 409, **call_conflict(held["id"]))
    assert read(portal_http, other["id"], KEY, "hs_call_title") == {
        KEY: "ext-other",
        "hs_call_title": None,
    }


def test_batch_create_with_a_taken_value_fails_only_that_input(portal_http: httpx.Client) -> None:
    holder = create(portal_http, "ext-bc-taken")
    inputs = [
        {"properties": {"hs_timestamp": TIME, KEY: "ext-bc-taken"}, "objectWriteTraceId": "t1"},
        {"properties": {"hs_timestamp": TIME, KEY: "ext-bc-new"}, "objectWriteTraceId": "t2"},
    ]
    response = batch(portal_http, "create", inputs)
    assert response.status_code == 207
    (error,) = response.json()["errors"]
    assert error["category"] == "CONFLICT"
    assert error["context"]["objectWriteTraceId"] == ["t1"]
    assert error["context"]["existingId"] == [holder["id"]]
    assert holders(portal_http, "ext-bc-taken") == [holder["id"]]
    assert len(holders(portal_http, "ext-bc-new")) == 1


def test_batch_create_of_one_value_twice_creates_one_record(portal_http: httpx.Client) -> None:
    item = {"properties": {"hs_timestamp": TIME, KEY: "ext-bc-twice"}}
    inputs = [{**item, "objectWriteTraceId": "a"}, {**item, "objectWriteTraceId": "b"}]
    response = batch(portal_http, "create", inputs)
    assert response.status_code == 207
    assert [r["properties"][KEY] for r in response.json()["results"]] == ["ext-bc-twice"]
    assert response.json()["errors"][0]["context"]["objectWriteTraceId"] == ["b"]
    assert len(holders(portal_http, "ext-bc-twice")) == 1


def test_batch_update_to_a_taken_value_fails_only_that_input(portal_http: httpx.Client) -> None:
    create(portal_http, "ext-bu-taken")
    one, two = create(portal_http, "ext-b1"), create(portal_http, "ext-b2")
    inputs = [
        {"id": one["id"], "properties": {KEY: "ext-bu-taken", "hs_call_title": "no"}},
        {"id": two["id"], "properties": {"hs_call_title": "fine"}, "objectWriteTraceId": "t2"},
    ]
    inputs[0]["objectWriteTraceId"] = "t1"
    response = batch(portal_http, "update", inputs)
    assert response.status_code == 207
    assert [r["id"] for r in response.json()["results"]] == [two["id"]]
    (error,) = response.json()["errors"]
    assert (error["category"], error["context"]["objectWriteTraceId"]) == ("CONFLICT", ["t1"])
    assert read(portal_http, one["id"], KEY, "hs_call_title") == {
        KEY: "ext-b1",
        "hs_call_title": None,
    }


def test_batch_upsert_with_another_taken_value_fails_only_that_input(
    portal_http: httpx.Client,
) -> None:
    create(portal_http, "ext-up-holder", second_key="second-taken")
    inputs = [
        {"id": "ext-up-a", "idProperty": KEY, "objectWriteTraceId": "a",
         "properties": {"hs_timestamp": TIME, "second_key": "second-taken"}},
        {"id": "ext-up-b", "idProperty": KEY, "objectWriteTraceId": "b",
         "properties": {"hs_timestamp": TIME}},
    ]  # fmt: skip
    response = batch(portal_http, "upsert", inputs)
    assert response.status_code == 207
    assert [r["properties"][KEY] for r in response.json()["results"]] == ["ext-up-b"]
    assert response.json()["errors"][0]["context"]["objectWriteTraceId"] == ["a"]
    assert holders(portal_http, "ext-up-a") == []


def test_releasing_a_value_lets_another_record_take_it(portal_http: httpx.Client) -> None:
    first = create(portal_http, "ext-moving")
    portal_http.patch(f"{CALLS}/{first['id']}", json={"properties": {KEY: "ext-moved"}})
    assert create(portal_http, "ext-moving")["id"] != first["id"]


def test_archiving_a_record_releases_its_value(portal_http: httpx.Client) -> None:
    first = create(portal_http, "ext-archived")
    assert portal_http.delete(f"{CALLS}/{first['id']}").status_code == 204
    assert create(portal_http, "ext-archived")["id"] != first["id"]


# --- upsert -----------------------------------------------------------------------------


def upsert_one(http: httpx.Client, value: str, **properties: str) -> dict[str, Any]:
    inputs = [{"id": value, "idProperty": KEY, "properties": properties}]
    response = batch(http, "upsert", inputs)
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    return dict(result)


def test_upsert_of_a_new_value_creates_a_record(portal_http: httpx.Client) -> None:
    created = upsert_one(portal_http, "ext-up-new", hs_timestamp=TIME, hs_call_title="v1")
    assert created["new"] is True
    assert created["properties"][KEY] == "ext-up-new"
    assert holders(portal_http, "ext-up-new") == [created["id"]]


def test_upsert_of_a_held_value_updates_its_holder(portal_http: httpx.Client) -> None:
    holder = create(portal_http, "ext-up-old")
    updated = upsert_one(portal_http, "ext-up-old", hs_call_title="v2")
    assert (updated["new"], updated["id"]) == (False, holder["id"])
    assert read(portal_http, holder["id"], "hs_call_title")["hs_call_title"] == "v2"


def test_upsert_create_without_required_property_fails(portal_http: httpx.Client) -> None:
    inputs = [{"id": "ext-no-time", "idProperty": KEY, "properties": {"hs_call_title": "x"}}]
    response = batch(portal_http, "upsert", inputs)
    required = 'Property "hs_timestamp" is required'
    body = response.json()
    prefix, _, problems = body["message"].partition(": ")
    assert (prefix, json.loads(problems)) == (
        "Property values were not valid",
        [
            {
                "isValid": False,
                "message": required,
                "error": "REQUIRED_PROPERTY",
                "name": "hs_timestamp",
                "localizedErrorMessage": required,
                "portalId": json.loads(problems)[0]["portalId"],
            }
        ],
    )
    assert_hubspot_error(
        response,
        400,
        message=body["message"],
        category="VALIDATION_ERROR",
        context={},
        errors=[
            {
                "message": required,
                "code": "REQUIRED_PROPERTY",
                "context": {"propertyName": ["hs_timestamp"]},
            }
        ],
    )
    assert holders(portal_http, "ext-no-time") == []


def test_upsert_duplicate_ids_return_400(portal_http: httpx.Client) -> None:
    item = {"id": "dup", "idProperty": KEY, "properties": {"hs_timestamp": TIME}}
    response = batch(portal_http, "upsert", [item, item])
    assert_hubspot_error(
        response,
        400,
        message="Duplicate IDs found in batch input: [dup]. IDs must be unique",
        category="VALIDATION_ERROR",
        context={"ids": ["dup"]},
        errors=[],
    )


def test_upsert_without_id_property_is_400(portal_http: httpx.Client) -> None:
    response = batch(portal_http, "upsert", [{"id": "x", "properties": {"hs_timestamp": TIME}}])
    assert_hubspot_error(
        response,
        400,
        message=(
            "Every upsert input needs the same idProperty: the name of a unique-value property."
        ),
        category="VALIDATION_ERROR",
        context={"idProperty": []},
        errors=[],
    )


# --- the official SDK -------------------------------------------------------------------


def test_sdk_upsert_reports_new_then_existing(portal_sdk: Any) -> None:
    from hubspot.crm.objects.calls import (
        BatchInputSimplePublicObjectBatchInputUpsert,
        SimplePublicObjectBatchInputUpsert,
    )

    def upsert(title: str) -> Any:
        item = SimplePublicObjectBatchInputUpsert(
            id="ext-sdk-up",
            id_property=KEY,
            properties={"hs_timestamp": TIME, "hs_call_title": title},
        )
        body = BatchInputSimplePublicObjectBatchInputUpsert(inputs=[item])
        return portal_sdk.crm.objects.calls.batch_api.upsert(body).results[0]

    first, second = upsert("one"), upsert("two")
    assert (first.new, second.new) == (True, False)
    assert second.id == first.id
    assert second.properties["hs_call_title"] == "two"


def test_sdk_batch_update_and_get_by_id_property(
    portal_sdk: Any, portal_http: httpx.Client
) -> None:
    from hubspot.crm.objects.calls import (
        BatchInputSimplePublicObjectBatchInput,
        SimplePublicObjectBatchInput,
    )

    created = create(portal_http, "ext-sdk")
    item = SimplePublicObjectBatchInput(
        id="ext-sdk", id_property=KEY, properties={"hs_call_title": "s"}
    )
    updated = portal_sdk.crm.objects.calls.batch_api.update(
        BatchInputSimplePublicObjectBatchInput(inputs=[item])
    )
    assert updated.results[0].id == created["id"]
    fetched = portal_sdk.crm.objects.calls.basic_api.get_by_id(
        "ext-sdk", id_property=KEY, properties=["hs_call_title"]
    )
    assert fetched.properties["hs_call_title"] == "s"


def test_sdk_update_by_id_property(portal_sdk: Any, portal_http: httpx.Client) -> None:
    from hubspot.crm.objects.calls import SimplePublicObjectInput

    created = create(portal_http, "ext-sdk-patch")
    updated = portal_sdk.crm.objects.calls.basic_api.update(
        "ext-sdk-patch", SimplePublicObjectInput(properties={"hs_call_title": "p"}), id_property=KEY
    )
    assert (updated.id, updated.properties["hs_call_title"]) == (created["id"], "p")


def test_sdk_create_with_a_taken_value_raises_409(
    portal_sdk: Any, portal_http: httpx.Client
) -> None:
    from hubspot.crm.objects.calls import ApiException, SimplePublicObjectInputForCreate

    holder = create(portal_http, "ext-sdk-taken")
    body = SimplePublicObjectInputForCreate(properties={"hs_timestamp": TIME, KEY: "ext-sdk-taken"})
    with pytest.raises(ApiException) as raised:
        portal_sdk.crm.objects.calls.basic_api.create(body)
    assert_sdk_error(raised.value, 409, **call_conflict(holder["id"]))


# --- two processes racing ---------------------------------------------------------------

RACER = textwrap.dedent(
    """
    import json, sys, httpx
    base, token, rounds, mode = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        print(sys.stdin.readline(), end="", flush=True)  # wait for the start signal
        for n in range(rounds):
            if mode == "create":
                body = {"properties": {"hs_timestamp": "1700000000000", "external_id": f"race-{n}"}}
                response = client.post("/crm/v3/objects/calls", json=body)
                print(response.status_code, flush=True)
            else:
                item = {"id": f"urace-{n}", "idProperty": "external_id",
                        "properties": {"hs_timestamp": "1700000000000"}}
                path = "/crm/v3/objects/calls/batch/upsert"
                response = client.post(path, json={"inputs": [item]})
                results = response.json().get("results", [])
                print(response.status_code, results[0]["new"] if results else "-", flush=True)
    """
)


def race(server: Any, http: httpx.Client, mode: str, rounds: int) -> list[list[str]]:
    """Each racer's output lines, round by round, after releasing both at once."""
    token = http.headers["Authorization"].removeprefix("Bearer ")
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, server.base_url, token, str(rounds), mode],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    for racer in racers:  # both are connected and waiting; release them together
        assert racer.stdin is not None
        racer.stdin.write("go\n")
        racer.stdin.flush()
    outputs = [r.communicate(timeout=120)[0].splitlines()[1:] for r in racers]
    assert all(r.returncode == 0 for r in racers)
    return [list(lines) for lines in zip(*outputs, strict=True)]


def test_two_processes_creating_one_value_exactly_one_wins(
    portal_http: httpx.Client, server: Any
) -> None:
    rounds = race(server, portal_http, "create", 20)
    assert len(rounds) == 20
    for n, statuses in enumerate(rounds):
        assert sorted(statuses) == ["201", "409"], n
        assert len(holders(portal_http, f"race-{n}")) == 1, n


def test_two_processes_upserting_one_value_create_it_once(
    portal_http: httpx.Client, server: Any
) -> None:
    rounds = race(server, portal_http, "upsert", 20)
    assert len(rounds) == 20
    for n, outcomes in enumerate(rounds):
        assert sorted(outcomes) == ["200 False", "200 True"], n
        assert len(holders(portal_http, f"urace-{n}")) == 1, n
