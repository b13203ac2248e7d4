"""Unique-value properties: idProperty everywhere, batch upsert, conflicts (§3.2-3.3, §4.3)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from typing import Any

import httpx
import pytest

CALLS = "/crm/v3/objects/calls"
TIME = "2026-01-15T10:30:00.000Z"


@pytest.fixture(scope="module", autouse=True)
def unique_property(portal_http: httpx.Client) -> None:
    body = {
        "name": "external_id",
        "label": "External id",
        "type": "string",
        "fieldType": "text",
        "groupName": "call_information",
        "hasUniqueValue": True,
    }
    assert portal_http.post("/crm/v3/properties/calls", json=body).status_code == 201


def create(http: httpx.Client, external_id: str, **more: str) -> dict[str, Any]:
    body = {"properties": {"hs_timestamp": TIME, "external_id": external_id, **more}}
    response = http.post(CALLS, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_get_and_patch_by_id_property(portal_http: httpx.Client) -> None:
    created = create(portal_http, "ext-get")
    params = {"idProperty": "external_id", "properties": "external_id"}
    got = portal_http.get(f"{CALLS}/ext-get", params=params)
    assert got.status_code == 200
    assert got.json()["id"] == created["id"]
    patched = portal_http.patch(
        f"{CALLS}/ext-get",
        params={"idProperty": "external_id"},
        json={"properties": {"hs_call_title": "by key"}},
    )
    assert patched.status_code == 200
    assert patched.json()["id"] == created["id"]


def test_unknown_unique_value_is_404(portal_http: httpx.Client) -> None:
    response = portal_http.get(f"{CALLS}/nobody", params={"idProperty": "external_id"})
    assert response.status_code == 404


def test_batch_update_and_read_by_id_property(portal_http: httpx.Client) -> None:
    created = create(portal_http, "ext-batch")
    inputs = [
        {"id": "ext-batch", "idProperty": "external_id", "properties": {"hs_call_title": "b"}}
    ]
    update = portal_http.post(f"{CALLS}/batch/update", json={"inputs": inputs})
    assert update.status_code == 200
    assert update.json()["results"][0]["id"] == created["id"]
    read = portal_http.post(
        f"{CALLS}/batch/read",
        json={
            "inputs": [{"id": "ext-batch"}],
            "idProperty": "external_id",
            "properties": ["hs_call_title"],
        },
    )
    assert read.json()["results"][0]["properties"]["hs_call_title"] == "b"


def test_id_property_must_be_unique(portal_http: httpx.Client) -> None:
    response = portal_http.get(f"{CALLS}/x", params={"idProperty": "hs_call_title"})
    assert response.status_code == 400
    assert "non-unique 0-48 property hs_call_title" in response.json()["message"]
    response = portal_http.get(f"{CALLS}/1", params={"idProperty": "hs_object_id"})
    assert response.status_code == 400


def test_taken_value_is_409_on_create_and_patch(portal_http: httpx.Client) -> None:
    holder = create(portal_http, "ext-taken")
    response = portal_http.post(
        CALLS, json={"properties": {"hs_timestamp": TIME, "external_id": "ext-taken"}}
    )
    assert response.status_code == 409
    assert response.json()["category"] == "CONFLICT"
    assert holder["id"] in response.json()["message"]
    other = create(portal_http, "ext-other")
    patched = portal_http.patch(
        f"{CALLS}/{other['id']}",
        json={"properties": {"external_id": "ext-taken", "hs_call_title": "t"}},
    )
    assert patched.status_code == 409
    read = portal_http.get(
        f"{CALLS}/{other['id']}", params={"properties": "external_id,hs_call_title"}
    )
    assert read.json()["properties"] == {
        **read.json()["properties"],
        "external_id": "ext-other",
        "hs_call_title": None,
    }


def test_taken_value_in_a_batch_fails_only_that_input(portal_http: httpx.Client) -> None:
    create(portal_http, "ext-batch-taken")
    one, two = create(portal_http, "ext-b1"), create(portal_http, "ext-b2")
    inputs = [
        {
            "id": one["id"],
            "properties": {"external_id": "ext-batch-taken"},
            "objectWriteTraceId": "t1",
        },
        {"id": two["id"], "properties": {"hs_call_title": "fine"}, "objectWriteTraceId": "t2"},
    ]
    response = portal_http.post(f"{CALLS}/batch/update", json={"inputs": inputs})
    assert response.status_code == 207
    body = response.json()
    assert [r["id"] for r in body["results"]] == [two["id"]]
    assert body["errors"][0]["category"] == "CONFLICT"
    assert body["errors"][0]["context"]["objectWriteTraceId"] == ["t1"]


def test_releasing_a_value_lets_another_record_take_it(portal_http: httpx.Client) -> None:
    first = create(portal_http, "ext-moving")
    portal_http.patch(f"{CALLS}/{first['id']}", json={"properties": {"external_id": "ext-moved"}})
    assert create(portal_http, "ext-moving")["id"] != first["id"]


def test_upsert_creates_then_updates(portal_http: httpx.Client) -> None:
    inputs = [
        {
            "id": "ext-up",
            "idProperty": "external_id",
            "properties": {"hs_timestamp": TIME, "hs_call_title": "v1"},
        }
    ]
    first = portal_http.post(f"{CALLS}/batch/upsert", json={"inputs": inputs})
    assert first.status_code == 200, first.text
    (created,) = first.json()["results"]
    assert created["new"] is True
    assert created["properties"]["external_id"] == "ext-up"
    inputs[0]["properties"] = {"hs_call_title": "v2"}
    (updated,) = portal_http.post(f"{CALLS}/batch/upsert", json={"inputs": inputs}).json()[
        "results"
    ]
    assert updated["new"] is False
    assert updated["id"] == created["id"]
    assert updated["properties"]["hs_call_title"] == "v2"


def test_upsert_create_without_required_property_fails(portal_http: httpx.Client) -> None:
    inputs = [
        {"id": "ext-no-time", "idProperty": "external_id", "properties": {"hs_call_title": "x"}}
    ]
    response = portal_http.post(f"{CALLS}/batch/upsert", json={"inputs": inputs})
    assert response.status_code == 400


def test_upsert_duplicate_ids_return_400(portal_http: httpx.Client) -> None:
    item = {"id": "dup", "idProperty": "external_id", "properties": {"hs_timestamp": TIME}}
    response = portal_http.post(f"{CALLS}/batch/upsert", json={"inputs": [item, item]})
    assert response.status_code == 400
    assert response.json()["context"]["ids"] == ["dup"]


def test_sdk_upsert_and_update_by_id_property(portal_sdk: Any) -> None:
    from hubspot.crm.objects.calls import (
        BatchInputSimplePublicObjectBatchInput,
        BatchInputSimplePublicObjectBatchInputUpsert,
        SimplePublicObjectBatchInput,
        SimplePublicObjectBatchInputUpsert,
    )

    batch = portal_sdk.crm.objects.calls.batch_api
    upserted = batch.upsert(
        BatchInputSimplePublicObjectBatchInputUpsert(
            inputs=[
                SimplePublicObjectBatchInputUpsert(
                    id="ext-sdk", id_property="external_id", properties={"hs_timestamp": TIME}
                )
            ]
        )
    )
    assert upserted.results[0].new is True
    updated = batch.update(
        BatchInputSimplePublicObjectBatchInput(
            inputs=[
                SimplePublicObjectBatchInput(
                    id="ext-sdk", id_property="external_id", properties={"hs_call_title": "s"}
                )
            ]
        )
    )
    assert updated.results[0].id == upserted.results[0].id
    fetched = portal_sdk.crm.objects.calls.basic_api.get_by_id(
        "ext-sdk", id_property="external_id", properties=["hs_call_title"]
    )
    assert fetched.properties["hs_call_title"] == "s"


RACER = textwrap.dedent(
    """
    import sys, httpx
    base, token, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
        print(sys.stdin.readline(), end="", flush=True)  # wait for the start signal
        for n in range(rounds):
            body = {"properties": {"hs_timestamp": "1700000000000", "external_id": f"race-{n}"}}
            print(client.post("/crm/v3/objects/calls", json=body).status_code, flush=True)
    """
)


def test_two_processes_racing_for_a_value_exactly_one_wins(
    portal_http: httpx.Client, server: Any
) -> None:
    token = portal_http.headers["Authorization"].removeprefix("Bearer ")
    rounds = 20
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, server.base_url, token, str(rounds)],
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
    outputs = [r.communicate(timeout=120)[0].split() for r in racers]
    statuses = [codes[1:] for codes in outputs]
    for n in range(rounds):
        assert sorted(codes[n] for codes in statuses) == ["201", "409"], n
