"""Time control (``/_localspot/time``): records, history and rate limits follow the server's
clock, which a test freezes and moves instead of waiting."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from admin_support import CALLS, AdminServer, assert_hubspot_error, create_calls, serve_with_admin

T0 = "2025-03-01T12:00:00.000Z"
T0_MS = 1_740_830_400_000


@pytest.fixture(scope="module")
def spot(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AdminServer]:
    env = {"LOCALSPOT_RATE_LIMITS": "on"}
    yield from serve_with_admin(backend, request, tmp_path_factory, **env)


@pytest.fixture(autouse=True)
def real_time_afterwards(spot: AdminServer) -> Iterator[None]:
    yield
    assert spot.admin.post("/_localspot/time/reset").status_code == 200


def move(spot: AdminServer, action: str, **body: Any) -> dict[str, Any]:
    response = spot.admin.post(f"/_localspot/time/{action}", json=body)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_frozen_time_sets_created_and_updated_timestamps(spot: AdminServer) -> None:
    _, crm = spot.new_portal()
    move(spot, "freeze", at=T0)
    (call_id,) = create_calls(crm, 1)
    record = crm.get(f"{CALLS}/{call_id}").json()
    assert (record["createdAt"], record["updatedAt"]) == (T0, T0)
    assert record["properties"]["hs_createdate"] == T0


def test_advanced_time_shows_in_updates_and_history(spot: AdminServer) -> None:
    _, crm = spot.new_portal()
    move(spot, "freeze", at=T0_MS)
    (call_id,) = create_calls(crm, 1)
    move(spot, "advance", ms=90_000)
    body = {"inputs": [{"id": call_id, "properties": {"hs_call_title": "later"}}]}
    assert crm.post(f"{CALLS}/batch/update", json=body).json()["results"][0]["updatedAt"] == (
        "2025-03-01T12:01:30.000Z"
    )
    record = crm.get(f"{CALLS}/{call_id}", params={"propertiesWithHistory": "hs_call_title"})
    history = record.json()["propertiesWithHistory"]["hs_call_title"]
    assert [h["timestamp"] for h in history] == ["2025-03-01T12:01:30.000Z", T0]


def test_time_state_reports_the_frozen_instant(spot: AdminServer) -> None:
    state = move(spot, "freeze", at=T0)
    assert (state["now"], state["nowMs"], state["frozen"]) == (T0, T0_MS, True)
    again = spot.admin.get("/_localspot/time").json()
    assert (again["now"], again["frozen"]) == (T0, True)


def test_reset_returns_to_the_system_clock(spot: AdminServer) -> None:
    move(spot, "freeze", at=T0)
    state = move(spot, "reset")
    assert state["frozen"] is False
    assert abs(state["nowMs"] - time.time() * 1000) < 60_000


def test_unfreeze_runs_on_from_the_frozen_instant(spot: AdminServer) -> None:
    move(spot, "freeze", at=T0_MS)
    state = move(spot, "unfreeze")
    assert state["frozen"] is False
    assert T0_MS <= state["nowMs"] < T0_MS + 60_000


def test_advance_moves_a_running_clock(spot: AdminServer) -> None:
    state = move(spot, "advance", ms=86_400_000)
    assert state["frozen"] is False
    assert abs(state["offsetMs"] - 86_400_000) < 1_000


def test_freeze_at_an_invalid_instant_returns_400(spot: AdminServer) -> None:
    response = spot.admin.post("/_localspot/time/freeze", json={"at": "next tuesday"})
    assert_hubspot_error(response, 400, "VALIDATION_ERROR")


def remaining(client: httpx.Client, header: str = "X-HubSpot-RateLimit-Remaining") -> int:
    response = client.get(CALLS)
    assert response.status_code == 200, response.text
    return int(response.headers[header])


def test_rate_limit_window_follows_the_frozen_clock(spot: AdminServer) -> None:
    _, crm = spot.new_portal()
    move(spot, "freeze", at=T0_MS)
    assert [remaining(crm) for _ in range(3)] == [99, 98, 97]
    move(spot, "advance", ms=10_000)
    assert remaining(crm) == 99


def test_daily_budget_starts_again_at_the_clocks_midnight(spot: AdminServer) -> None:
    _, crm = spot.new_portal()
    move(spot, "freeze", at="2025-03-01T23:59:59.000Z")
    daily = "X-HubSpot-RateLimit-Daily-Remaining"
    first, second = remaining(crm, daily), remaining(crm, daily)
    move(spot, "advance", ms=2_000)
    assert (first - second, remaining(crm, daily)) == (1, first)
