"""Every error path answers HubSpot's ``Error`` body with a correlation id; never a 500."""

from __future__ import annotations

import uuid

import httpx
import pytest

ERROR_KEYS = {"status", "message", "correlationId", "category", "errors", "context"}


def assert_hubspot_error(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) >= ERROR_KEYS, body
    assert body["status"] == "error"
    uuid.UUID(body["correlationId"])
    assert response.headers["x-hubspot-correlation-id"] == body["correlationId"]
    assert "Traceback" not in response.text


@pytest.mark.parametrize(
    ("method", "path", "content"),
    [
        ("POST", "/crm/v3/objects/calls/batch/update", b"{not json"),
        ("POST", "/crm/v3/objects/calls/batch/update", b"[]"),
        ("POST", "/crm/v3/objects/calls/batch/update", b'{"inputs": "nope"}'),
        ("POST", "/crm/v3/objects/calls/batch/update", b'{"inputs": [{"properties": {}}]}'),
        (
            "POST",
            "/crm/v3/objects/calls/batch/update",
            b'{"inputs": [{"id": "1", "properties": []}]}',
        ),
        (
            "POST",
            "/crm/v3/objects/calls/batch/update",
            b'{"inputs": [{"id": {}, "properties": {}}]}',
        ),
        ("POST", "/crm/v3/objects/calls", b'{"properties": {"hs_timestamp": {"a": 1}}}'),
        ("POST", "/crm/v3/objects/calls/batch/read", b'{"inputs": 5}'),
        ("PATCH", "/crm/v3/objects/calls/1", b""),
        ("GET", "/crm/v3/objects/calls?limit=abc", None),
        ("GET", "/crm/v3/objects/calls?archived=maybe", None),
    ],
)
def test_bad_input_gets_400_validation_error(
    http: httpx.Client, method: str, path: str, content: bytes | None
) -> None:
    headers = {"Content-Type": "application/json"}
    response = http.request(method, path, content=content, headers=headers)
    assert_hubspot_error(response, 400)
    assert response.json()["category"] == "VALIDATION_ERROR"


def test_unknown_route_gets_404(http: httpx.Client) -> None:
    assert_hubspot_error(http.get("/crm/v3/nothing/here"), 404)


def test_unknown_object_type_gets_404(http: httpx.Client) -> None:
    assert_hubspot_error(http.get("/crm/v3/objects/spaceships"), 404)


def test_wrong_method_gets_405(http: httpx.Client) -> None:
    assert_hubspot_error(http.put("/crm/v3/objects/calls/batch/update", json={}), 405)


def test_oversized_batch_gets_400(http: httpx.Client) -> None:
    inputs = [{"id": str(i), "properties": {}} for i in range(1, 102)]
    assert_hubspot_error(
        http.post("/crm/v3/objects/calls/batch/update", json={"inputs": inputs}), 400
    )


def test_unauthenticated_gets_401_in_the_same_shape(anonymous_http: httpx.Client) -> None:
    assert_hubspot_error(anonymous_http.get("/crm/v3/objects/calls"), 401)


def test_successful_responses_carry_a_correlation_id(http: httpx.Client) -> None:
    response = http.get("/crm/v3/objects/calls")
    uuid.UUID(response.headers["x-hubspot-correlation-id"])


def test_a_value_the_database_cannot_hold_is_a_400_and_writes_nothing(
    http: httpx.Client, make_calls: object
) -> None:
    (call_id,) = make_calls(1)  # type: ignore[operator]
    inputs = [{"id": call_id, "properties": {"hs_call_title": "nul \u0000 inside"}}]
    response = http.post("/crm/v3/objects/calls/batch/update", json={"inputs": inputs})
    assert response.status_code in (200, 400)
    read = http.get(f"/crm/v3/objects/calls/{call_id}", params={"properties": "hs_call_title"})
    if response.status_code == 400:
        assert_hubspot_error(response, 400)
        assert read.json()["properties"]["hs_call_title"] == "call 0"
    else:
        assert read.json()["properties"]["hs_call_title"] == "nul \u0000 inside"


def test_an_empty_body_says_so(http: httpx.Client) -> None:
    response = http.post(
        "/crm/v3/objects/calls/batch/update",
        content=b"",
        headers={"Content-Type": "application/json"},
    )
    assert_hubspot_error(response, 400)
    assert "No content to map" in response.json()["message"]
