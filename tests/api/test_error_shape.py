"""Every error path answers HubSpot's ``Error`` body (hubspot-behaviour §2.5) with a
correlation id; never a 500.

The request/response cases run on the app in process (``inprocess``): a subprocess adds
nothing to them. The values a database refuses run on a real server over every backend.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient

from conftest import UNAUTHENTICATED, assert_hubspot_error

BATCH_UPDATE = "/crm/v3/objects/calls/batch/update"
NO_DETAIL: dict[str, Any] = {"context": {}, "errors": []}


MALFORMED = [
    (BATCH_UPDATE, b"{not json", "JSON is malformed: object keys must be strings (byte 1)"),
    (BATCH_UPDATE, b"[]", "Expected `object`, got `array`"),
    (BATCH_UPDATE, b'{"inputs": "nope"}', "Expected `array`, got `str`"),
    (BATCH_UPDATE, b'{"inputs": [{"properties": {}}]}', "Object missing required field `id`"),
    (
        BATCH_UPDATE,
        b'{"inputs": [{"id": "1", "properties": []}]}',
        "Expected `object`, got `array`",
    ),
    (
        BATCH_UPDATE,
        b'{"inputs": [{"id": {}, "properties": {}}]}',
        "Expected `int | str`, got `object`",
    ),
    (
        "/crm/v3/objects/calls",
        b'{"properties": {"hs_timestamp": {"a": 1}}}',
        "Expected `bool | int | float | str | null`, got `object`",
    ),
    ("/crm/v3/objects/calls/batch/read", b'{"inputs": 5}', "Expected `array`, got `int`"),
]


@pytest.mark.parametrize(("path", "content", "message"), MALFORMED)
def test_malformed_json_gets_400_invalid_input_json(
    inprocess: TestClient[Any], path: str, content: bytes, message: str
) -> None:
    headers = {"Content-Type": "application/json"}
    response = inprocess.post(path, content=content, headers=headers)
    assert_hubspot_error(
        response,
        400,
        message=f"Invalid input JSON: {message}",
        category="VALIDATION_ERROR",
        **NO_DETAIL,
    )


@pytest.mark.parametrize(
    ("path", "name", "value", "expected"),
    [
        ("/crm/v3/objects/calls", "limit", "abc", "`int`"),
        ("/crm/v3/objects/calls", "archived", "maybe", "`bool`"),
        ("/crm/v3/lists/1", "includeFilters", "yes", "`bool`"),
    ],
)
def test_a_malformed_query_parameter_gets_400_naming_it(
    inprocess: TestClient[Any], path: str, name: str, value: str, expected: str
) -> None:
    response = inprocess.get(path, params={name: value})
    assert_hubspot_error(
        response,
        400,
        message=f"Invalid query parameter {name}: Expected {expected}, got `str`",
        category="VALIDATION_ERROR",
        context={name: [value]},
        errors=[],
    )


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_an_empty_body_gets_jacksons_no_content_message(
    inprocess: TestClient[Any], method: str
) -> None:
    path = BATCH_UPDATE if method == "POST" else "/crm/v3/objects/calls/1"
    response = inprocess.request(
        method, path, content=b"", headers={"Content-Type": "application/json"}
    )
    assert_hubspot_error(
        response,
        400,
        message="Invalid input JSON on line 1, column 1: No content to map due to end-of-input",
        category="VALIDATION_ERROR",
        **NO_DETAIL,
    )


def test_an_unknown_route_gets_404_object_not_found(inprocess: TestClient[Any]) -> None:
    assert_hubspot_error(
        inprocess.get("/crm/v3/nothing/here"),
        404,
        message="Unable to route GET /crm/v3/nothing/here",
        category="OBJECT_NOT_FOUND",
        **NO_DETAIL,
    )


def test_an_unknown_object_type_gets_404_unable_to_infer(inprocess: TestClient[Any]) -> None:
    assert_hubspot_error(
        inprocess.get("/crm/v3/objects/spaceships"),
        404,
        message="Unable to infer object type from: spaceships",
        category="OBJECT_NOT_FOUND",
        **NO_DETAIL,
    )


def test_a_wrong_method_gets_405_with_an_allow_header(inprocess: TestClient[Any]) -> None:
    response = inprocess.put(BATCH_UPDATE, json={})
    assert_hubspot_error(
        response,
        405,
        message="HTTP method PUT is not supported by this resource",
        category="VALIDATION_ERROR",
        **NO_DETAIL,
    )
    assert "POST" in response.headers["allow"].split(", ")


def test_an_oversized_batch_gets_400_with_the_limit(inprocess: TestClient[Any]) -> None:
    inputs = [{"id": str(i), "properties": {}} for i in range(1, 102)]
    assert_hubspot_error(
        inprocess.post(BATCH_UPDATE, json={"inputs": inputs}),
        400,
        message=(
            "The maximum number of inputs supported in a batch request is 100."
            " Please reduce the number of items and try again"
        ),
        category="VALIDATION_ERROR",
        context={"maxInputs": ["100"], "inputs": ["101"]},
        errors=[],
    )


def test_unauthenticated_gets_401_in_the_same_shape(inprocess: TestClient[Any]) -> None:
    request = inprocess.build_request("GET", "/crm/v3/objects/calls")
    del request.headers["Authorization"]
    response = inprocess.send(request)
    assert_hubspot_error(response, 401, **UNAUTHENTICATED)
    assert response.headers["x-hubspot-auth-failure"] == "401 Unauthorized"


def test_successful_responses_carry_a_correlation_id(inprocess: TestClient[Any]) -> None:
    response = inprocess.get("/crm/v3/objects/calls")
    assert response.status_code == 200, response.text
    correlation_id = response.headers["x-hubspot-correlation-id"]
    assert str(uuid.UUID(correlation_id)) == correlation_id


# --- values a database refuses: through a real server, on every backend ------------------------

NUL_TITLE = "nul \u0000 inside"


def update_title(http: httpx.Client, call_id: str, title: str) -> httpx.Response:
    inputs = [{"id": call_id, "properties": {"hs_call_title": title}}]
    return http.post(BATCH_UPDATE, json={"inputs": inputs})


def title_of(http: httpx.Client, call_id: str) -> str:
    read = http.get(f"/crm/v3/objects/calls/{call_id}", params={"properties": "hs_call_title"})
    assert read.status_code == 200, read.text
    return str(read.json()["properties"]["hs_call_title"])


def test_a_nul_character_is_a_400_and_writes_nothing_on_every_backend(
    http: httpx.Client, make_calls: Any
) -> None:
    """PostgreSQL cannot hold a NUL; SQLite could. One rule for both: the value is refused
    as an invalid string (docs/compatibility.md), and nothing is written."""
    (call_id,) = make_calls(1)
    response = update_title(http, call_id, NUL_TITLE)
    problem = 'Property "hs_call_title" value contains a NUL character (\\u0000).'
    body = response.json()
    assert_hubspot_error(
        response,
        400,
        message=body["message"],
        category="VALIDATION_ERROR",
        context={},
        errors=[
            {
                "message": problem,
                "code": "INVALID_STRING",
                "context": {"propertyName": ["hs_call_title"]},
            }
        ],
    )
    assert body["message"].startswith("Property values were not valid: ")
    assert '"error":"INVALID_STRING","name":"hs_call_title"' in body["message"]
    assert title_of(http, call_id) == "call 0"
