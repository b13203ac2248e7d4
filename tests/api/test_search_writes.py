"""Search follows every write at once: creates, updates, clears and archives (own portal)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from conftest import assert_hubspot_error

SEARCH = "/crm/v3/objects/calls/search"
BASE = 1_767_225_600_000  # 2026-01-01T00:00:00Z


@pytest.fixture(scope="module", autouse=True)
def custom_properties(portal_http: httpx.Client) -> None:
    for name, kind, field_type in (("score", "number", "number"), ("nickname", "string", "text")):
        body = {"name": name, "label": name, "type": kind, "fieldType": field_type}
        response = portal_http.post(
            "/crm/v3/properties/calls", json={"groupName": "call_information", **body}
        )
        assert response.status_code == 201, response.text


def f(name: str, operator: str, value: str | None = None) -> dict[str, Any]:
    return {"propertyName": name, "operator": operator, **({"value": value} if value else {})}


def ids(http: httpx.Client, flt: dict[str, Any] | None = None, **body: Any) -> list[str]:
    request = {"filterGroups": [{"filters": [flt]}] if flt else [], "limit": 100, **body}
    response = http.post(SEARCH, json=request)
    assert response.status_code == 200, response.text
    return [r["id"] for r in response.json()["results"]]


def create(http: httpx.Client, **properties: str) -> str:
    body = {"properties": {"hs_timestamp": str(BASE), **properties}}
    response = http.post("/crm/v3/objects/calls", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def patch(http: httpx.Client, record_id: str, **properties: str) -> None:
    body = {"properties": properties}
    response = http.patch(f"/crm/v3/objects/calls/{record_id}", json=body)
    assert response.status_code == 200, response.text


def test_a_new_record_is_found_at_once(portal_http: httpx.Client) -> None:
    created = create(portal_http, hs_call_title="Brand new call")
    assert ids(portal_http, f("hs_call_title", "CONTAINS_TOKEN", "brand")) == [created]


def test_an_update_replaces_the_old_values(portal_http: httpx.Client) -> None:
    created = create(portal_http, score="555", nickname="old name")
    patch(portal_http, created, score="556", nickname="new name")
    assert ids(portal_http, f("score", "EQ", "555")) == []
    assert ids(portal_http, f("score", "EQ", "556")) == [created]
    assert ids(portal_http, f("nickname", "EQ", "NEW NAME")) == [created]
    assert ids(portal_http, f("nickname", "CONTAINS_TOKEN", "old")) == []


def test_a_cleared_value_no_longer_counts_as_present(portal_http: httpx.Client) -> None:
    created = create(portal_http, score="601")
    patch(portal_http, created, score="")
    assert created in ids(portal_http, f("score", "NOT_HAS_PROPERTY"))
    assert created not in ids(portal_http, f("score", "HAS_PROPERTY"))
    patch(portal_http, created, score="602")
    assert ids(portal_http, f("score", "EQ", "602")) == [created]


def test_an_updated_body_changes_what_query_finds(portal_http: httpx.Client) -> None:
    created = create(portal_http, hs_call_body="<p>first draft</p>")
    patch(portal_http, created, hs_call_body="<p>second <i>version</i></p>")
    assert ids(portal_http, query="version") == [created]
    assert ids(portal_http, query="draft") == []


def test_archiving_takes_a_record_out_of_every_search(portal_http: httpx.Client) -> None:
    created = create(portal_http, score="777", nickname="gone soon")
    searches = [
        f("score", "EQ", "777"),
        f("nickname", "CONTAINS_TOKEN", "soon"),
        f("hs_object_id", "EQ", created),
    ]
    assert [ids(portal_http, s) for s in searches] == [[created]] * 3
    assert portal_http.delete(f"/crm/v3/objects/calls/{created}").status_code == 204
    assert [ids(portal_http, s) for s in searches] == [[]] * 3


def test_a_failed_batch_leaves_search_unchanged(portal_http: httpx.Client) -> None:
    inputs = [
        {"properties": {"hs_timestamp": str(BASE), "nickname": "never written"}},
        {"properties": {"hs_timestamp": str(BASE), "score": "not a number"}},
    ]
    response = portal_http.post("/crm/v3/objects/calls/batch/create", json={"inputs": inputs})
    problem = "not a number was not a valid number."
    assert_hubspot_error(
        response,
        400,
        message=response.json()["message"],
        category="VALIDATION_ERROR",
        context={},
        errors=[
            {"message": problem, "code": "INVALID_INTEGER", "context": {"propertyName": ["score"]}}
        ],
    )
    assert response.json()["message"].startswith(
        'Property values were not valid: [{"isValid":false,"message":"not a number was not a'
        ' valid number.","error":"INVALID_INTEGER","name":"score",'
    )
    assert ids(portal_http, f("nickname", "CONTAINS_TOKEN", "never")) == []
