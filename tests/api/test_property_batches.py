"""/crm/v3/properties/calls/batch/{create,read,archive} over HTTP and the SDK
(hubspot-behaviour §4.1)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

PROPS = "/crm/v3/properties/calls"


def text_property(name: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "name": name,
        "label": name.title(),
        "type": "string",
        "fieldType": "text",
        "groupName": "call_information",
    }
    return {**body, **overrides}


def batch(http: httpx.Client, action: str, body: dict[str, Any]) -> httpx.Response:
    return http.post(f"{PROPS}/batch/{action}", json=body)


def live_names(http: httpx.Client) -> set[str]:
    return {p["name"] for p in http.get(PROPS).json()["results"]}


def test_batch_create_returns_201_with_every_property(portal_http: httpx.Client) -> None:
    inputs = [text_property("batch_one"), text_property("batch_two")]
    response = batch(portal_http, "create", {"inputs": inputs})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "COMPLETE"
    assert sorted(p["name"] for p in body["results"]) == ["batch_one", "batch_two"]
    assert {"batch_one", "batch_two"} <= live_names(portal_http)


def test_batch_create_with_a_bad_input_returns_207_and_writes_the_others(
    portal_http: httpx.Client,
) -> None:
    inputs = [
        text_property("batch_good"),
        text_property("Batch Bad"),
        text_property("hs_timestamp"),
    ]
    response = batch(portal_http, "create", {"inputs": inputs})
    assert response.status_code == 207
    body = response.json()
    assert [p["name"] for p in body["results"]] == ["batch_good"]
    assert body["numErrors"] == 2
    assert [e["category"] for e in body["errors"]] == ["VALIDATION_ERROR", "OBJECT_ALREADY_EXISTS"]
    assert all(e["status"] == "error" for e in body["errors"])
    assert "Batch Bad" not in live_names(portal_http)


def test_batch_create_of_one_name_twice_creates_it_once(portal_http: httpx.Client) -> None:
    inputs = [text_property("batch_twice"), text_property("batch_twice")]
    body = batch(portal_http, "create", {"inputs": inputs}).json()
    assert [p["name"] for p in body["results"]] == ["batch_twice"]
    assert body["errors"][0]["message"] == "Property named 'batch_twice' already exists."


@pytest.mark.parametrize("count", [0, 101])
def test_batch_create_outside_1_to_100_inputs_is_400(portal_http: httpx.Client, count: int) -> None:
    inputs = [text_property(f"many_{n}") for n in range(count)]
    response = batch(portal_http, "create", {"inputs": inputs})
    assert response.status_code == 400
    assert response.json()["category"] == "VALIDATION_ERROR"
    assert "many_0" not in live_names(portal_http)


def test_batch_read_returns_200_with_builtin_and_custom(portal_http: httpx.Client) -> None:
    batch(portal_http, "create", {"inputs": [text_property("readable")]})
    body = {"inputs": [{"name": "readable"}, {"name": "hs_timestamp"}], "archived": False}
    response = batch(portal_http, "read", body)
    assert response.status_code == 200
    assert [p["name"] for p in response.json()["results"]] == ["readable", "hs_timestamp"]


def test_batch_read_of_an_unknown_name_returns_207(portal_http: httpx.Client) -> None:
    response = batch(portal_http, "read", {"inputs": [{"name": "hs_timestamp"}, {"name": "nope"}]})
    assert response.status_code == 207
    body = response.json()
    assert body["numErrors"] == 1
    assert (body["errors"][0]["category"], body["errors"][0]["context"]) == (
        "OBJECT_NOT_FOUND",
        {"name": ["nope"]},
    )


def test_batch_read_with_archived_true_reads_archived_properties(
    portal_http: httpx.Client,
) -> None:
    batch(portal_http, "create", {"inputs": [text_property("archived_read")]})
    portal_http.delete(f"{PROPS}/archived_read")
    body = {"inputs": [{"name": "archived_read"}], "archived": True}
    (found,) = batch(portal_http, "read", body).json()["results"]
    assert (found["name"], found["archived"]) == ("archived_read", True)


def test_batch_archive_returns_204_even_for_unknown_and_builtin_names(
    portal_http: httpx.Client,
) -> None:
    batch(portal_http, "create", {"inputs": [text_property("to_archive")]})
    names = [{"name": n} for n in ("to_archive", "never_existed", "hs_timestamp")]
    response = batch(portal_http, "archive", {"inputs": names})
    assert response.status_code == 204
    assert response.content == b""
    assert "to_archive" not in live_names(portal_http)
    assert "hs_timestamp" in live_names(portal_http)


def test_batch_archive_of_an_archived_name_returns_204(portal_http: httpx.Client) -> None:
    batch(portal_http, "create", {"inputs": [text_property("archived_twice")]})
    portal_http.delete(f"{PROPS}/archived_twice")
    response = batch(portal_http, "archive", {"inputs": [{"name": "archived_twice"}]})
    assert response.status_code == 204


def test_sdk_batch_create_read_and_archive(portal_sdk: Any) -> None:
    from hubspot.crm.properties import (
        BatchInputPropertyCreate,
        BatchInputPropertyName,
        BatchReadInputPropertyName,
        PropertyCreate,
        PropertyName,
    )

    api = portal_sdk.crm.properties.batch_api
    made = api.create(
        "calls",
        BatchInputPropertyCreate(
            inputs=[
                PropertyCreate(
                    name="sdk_batch",
                    label="SDK batch",
                    type="number",
                    field_type="number",
                    group_name="call_information",
                )
            ]
        ),
    )
    assert [p.name for p in made.results] == ["sdk_batch"]
    names = [PropertyName(name="sdk_batch")]
    read = api.read("calls", BatchReadInputPropertyName(inputs=names, archived=False))
    assert read.results[0].type == "number"
    api.archive("calls", BatchInputPropertyName(inputs=names))
    read = api.read("calls", BatchReadInputPropertyName(inputs=names, archived=True))
    assert read.results[0].archived is True


def test_sdk_batch_read_with_an_unknown_name_parses_the_207(portal_sdk: Any) -> None:
    from hubspot.crm.properties import BatchReadInputPropertyName, PropertyName

    names = [PropertyName(name="hs_timestamp"), PropertyName(name="nope")]
    read = portal_sdk.crm.properties.batch_api.read(
        "calls", BatchReadInputPropertyName(inputs=names, archived=False)
    )
    assert [p.name for p in read.results] == ["hs_timestamp"]
    assert read.errors[0].category == "OBJECT_NOT_FOUND"
