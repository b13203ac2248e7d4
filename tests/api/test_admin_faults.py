"""Fault injection (``/_localspot/portals/{id}/faults``): HubSpot's error bodies on demand."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from admin_support import (
    CALLS,
    AdminServer,
    assert_hubspot_error,
    create_calls,
    shared_admin,
)

from conftest import Server, assert_sdk_error
from conftest import assert_hubspot_error as assert_error_body

BATCH_UPDATE = f"{CALLS}/batch/update"
TEN_SECONDLY: dict[str, Any] = {
    "message": "You have reached your ten_secondly_rolling limit.",
    "errorType": "RATE_LIMIT",
    "policyName": "TEN_SECONDLY_ROLLING",
    "category": "RATE_LIMITS",
}
"""HubSpot's captured 429 body (hubspot-behaviour §6.4), without status and correlationId."""


@pytest.fixture(scope="module")
def spot(server: Server) -> Iterator[AdminServer]:
    yield from shared_admin(server)


@pytest.fixture
def portal(spot: AdminServer) -> tuple[int, httpx.Client]:
    return spot.new_portal()


def add_rule(spot: AdminServer, portal_id: int, **rule: Any) -> dict[str, Any]:
    response = spot.admin.post(f"/_localspot/portals/{portal_id}/faults", json=rule)
    assert response.status_code == 201, response.text
    return dict(response.json())


def rules(spot: AdminServer, portal_id: int) -> list[dict[str, Any]]:
    return list(spot.admin.get(f"/_localspot/portals/{portal_id}/faults").json()["results"])


def statuses(client: httpx.Client, n: int, path: str = CALLS) -> list[int]:
    return [client.get(path).status_code for _ in range(n)]


def test_sdk_batch_update_raises_429_then_succeeds_on_retry(
    spot: AdminServer, portal: tuple[int, httpx.Client]
) -> None:
    import hubspot
    from hubspot.crm.objects.calls import ApiException, BatchInputSimplePublicObjectBatchInput

    portal_id, crm = portal
    (call_id,) = create_calls(crm, 1)
    add_rule(spot, portal_id, method="POST", path="*/batch/update", status=429, times=1)
    token = crm.headers["Authorization"].removeprefix("Bearer ")
    sdk = hubspot.Client.create(access_token=token, host=spot.base_url)
    body = BatchInputSimplePublicObjectBatchInput(
        inputs=[{"id": call_id, "properties": {"hs_call_title": "retried"}}]
    )
    with pytest.raises(ApiException) as raised:
        sdk.crm.objects.calls.batch_api.update(body)
    assert_sdk_error(raised.value, 429, **TEN_SECONDLY)
    assert sdk.crm.objects.calls.batch_api.update(body).results[0].properties["hs_call_title"] == (
        "retried"
    )


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ("TEN_SECONDLY_ROLLING", "You have reached your ten_secondly_rolling limit."),
        ("DAILY", "You have reached your daily limit."),
        ("SECONDLY", "You have reached your secondly limit."),
    ],
)
def test_429_body_is_hubspots_for_each_policy(
    spot: AdminServer, portal: tuple[int, httpx.Client], policy: str, message: str
) -> None:
    portal_id, crm = portal
    add_rule(spot, portal_id, status=429, policy=policy)
    response = crm.get(CALLS)
    assert response.status_code == 429
    body = response.json()
    assert list(body) == [
        "status",
        "message",
        "errorType",
        "correlationId",
        "policyName",
        "category",
    ]
    correlation_id = response.headers["x-hubspot-correlation-id"]
    assert body == {
        "status": "error",
        "message": message,
        "errorType": "RATE_LIMIT",
        "correlationId": correlation_id,
        "policyName": policy,
        "category": "RATE_LIMITS",
    }


def test_423_answers_locked(spot: AdminServer, portal: tuple[int, httpx.Client]) -> None:
    portal_id, crm = portal
    add_rule(spot, portal_id, status=423)
    assert_hubspot_error(crm.get(CALLS), 423, "LOCKED")


def test_477_carries_retry_after(spot: AdminServer, portal: tuple[int, httpx.Client]) -> None:
    portal_id, crm = portal
    add_rule(spot, portal_id, status=477, retryAfter=30)
    response = crm.get(CALLS)
    assert_hubspot_error(response, 477, "MIGRATION_IN_PROGRESS")
    assert response.headers["retry-after"] == "30"


@pytest.mark.parametrize(
    ("status", "category"),
    [
        (500, "INTERNAL_ERROR"),
        (502, "BAD_GATEWAY"),
        (503, "SERVICE_UNAVAILABLE"),
        (504, "GATEWAY_TIMEOUT"),
    ],
)
def test_server_error_faults_answer_with_hubspot_error_bodies(
    spot: AdminServer, portal: tuple[int, httpx.Client], status: int, category: str
) -> None:
    portal_id, crm = portal
    add_rule(spot, portal_id, status=status)
    assert_hubspot_error(crm.get(CALLS), status, category)


def test_nth_rule_fails_only_the_nth_matching_request(
    spot: AdminServer, portal: tuple[int, httpx.Client]
) -> None:
    portal_id, crm = portal
    add_rule(spot, portal_id, status=503, nth=3)
    assert statuses(crm, 5) == [200, 200, 503, 200, 200]


def test_fraction_rule_with_a_seed_fails_the_same_requests_each_time(
    spot: AdminServer, portal: tuple[int, httpx.Client]
) -> None:
    portal_id, crm = portal
    add_rule(spot, portal_id, status=500, fraction=0.5, seed=11)
    first = statuses(crm, 20)
    spot.admin.delete(f"/_localspot/portals/{portal_id}/faults")
    add_rule(spot, portal_id, status=500, fraction=0.5, seed=11)
    assert statuses(crm, 20) == first
    assert 200 in first and 500 in first


def test_body_rule_matches_only_bodies_containing_its_text(
    spot: AdminServer, portal: tuple[int, httpx.Client]
) -> None:
    portal_id, crm = portal
    (call_id,) = create_calls(crm, 1)
    add_rule(spot, portal_id, status=500, bodyContains="poison")
    for title, expected in (("fine", 200), ("poison pill", 500)):
        body = {"inputs": [{"id": call_id, "properties": {"hs_call_title": title}}]}
        assert crm.post(BATCH_UPDATE, json=body).status_code == expected


def test_rule_needs_both_method_and_path_to_match(
    spot: AdminServer, portal: tuple[int, httpx.Client]
) -> None:
    portal_id, crm = portal
    add_rule(spot, portal_id, status=502, method="post", path="/crm/v3/objects/calls/batch/*")
    assert crm.get(CALLS).status_code == 200
    assert crm.get(f"{CALLS}/batch/read").status_code == 405  # the path, not the method
    batch = {"inputs": [{"id": "1"}]}
    assert_error_body(
        crm.post(f"{CALLS}/batch/read", json=batch),
        502,
        message="Bad Gateway",
        category="BAD_GATEWAY",
        context={},
        errors=[],
    )


def test_faulted_write_changes_nothing(spot: AdminServer, portal: tuple[int, httpx.Client]) -> None:
    portal_id, crm = portal
    (call_id,) = create_calls(crm, 1)
    add_rule(spot, portal_id, status=429, path="*/batch/update")
    body = {"inputs": [{"id": call_id, "properties": {"hs_call_title": "lost"}}]}
    assert crm.post(BATCH_UPDATE, json=body).status_code == 429
    assert crm.get(f"{CALLS}/{call_id}?properties=hs_call_title").json()["properties"][
        "hs_call_title"
    ] == ("call 0")


def test_rule_expires_after_its_count(spot: AdminServer, portal: tuple[int, httpx.Client]) -> None:
    portal_id, crm = portal
    add_rule(spot, portal_id, status=429, times=2)
    assert statuses(crm, 3) == [429, 429, 200]
    assert rules(spot, portal_id) == []


def test_latency_rule_delays_the_answer(
    spot: AdminServer, portal: tuple[int, httpx.Client]
) -> None:
    portal_id, crm = portal
    add_rule(spot, portal_id, latencyMs=300, times=1)
    started = time.perf_counter()
    assert crm.get(CALLS).status_code == 200
    assert time.perf_counter() - started >= 0.3


def test_rules_are_listed_in_order_and_deleted_by_id(
    spot: AdminServer, portal: tuple[int, httpx.Client]
) -> None:
    portal_id, crm = portal
    first = add_rule(spot, portal_id, status=500, path="/nothing")
    second = add_rule(spot, portal_id, status=503, path="/nothing/else")
    assert [r["id"] for r in rules(spot, portal_id)] == [first["id"], second["id"]]
    deleted = spot.admin.delete(f"/_localspot/portals/{portal_id}/faults/{first['id']}")
    assert deleted.status_code == 204
    assert [r["id"] for r in rules(spot, portal_id)] == [second["id"]]


def test_listed_rules_count_matches_and_firings(
    spot: AdminServer, portal: tuple[int, httpx.Client]
) -> None:
    portal_id, crm = portal
    add_rule(spot, portal_id, status=500, nth=4)
    statuses(crm, 2)
    (rule,) = rules(spot, portal_id)
    assert (rule["matched"], rule["fired"]) == (2, 0)


def test_deleting_an_unknown_rule_returns_404(
    spot: AdminServer, portal: tuple[int, httpx.Client]
) -> None:
    portal_id, _ = portal
    response = spot.admin.delete(f"/_localspot/portals/{portal_id}/faults/999999")
    assert_hubspot_error(response, 404, "OBJECT_NOT_FOUND")


@pytest.mark.parametrize(
    "rule",
    [
        {"status": 418},
        {"path": "*"},
        {"status": 429, "policy": "HOURLY"},
        {"status": 500, "fraction": 1.5},
        {"status": 500, "nth": 0},
        {"status": 500, "latency": 10},
    ],
)
def test_invalid_rule_returns_400(
    spot: AdminServer, portal: tuple[int, httpx.Client], rule: dict[str, Any]
) -> None:
    portal_id, _ = portal
    response = spot.admin.post(f"/_localspot/portals/{portal_id}/faults", json=rule)
    assert_hubspot_error(response, 400, "VALIDATION_ERROR")


def test_rules_apply_only_to_their_portal(
    spot: AdminServer, portal: tuple[int, httpx.Client]
) -> None:
    portal_id, _ = portal
    _, other = spot.new_portal()
    add_rule(spot, portal_id, status=500)
    assert other.get(CALLS).status_code == 200


def test_rule_for_an_unknown_portal_returns_404(spot: AdminServer) -> None:
    response = spot.admin.post("/_localspot/portals/987654321/faults", json={"status": 500})
    assert_hubspot_error(response, 404, "OBJECT_NOT_FOUND")
