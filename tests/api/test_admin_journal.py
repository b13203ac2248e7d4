"""The request journal (``/_localspot/portals/{id}/journal``): what each client sent and got."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from admin_support import CALLS, AdminServer, create_calls, serve_with_admin

JOURNAL_SIZE = 5


@pytest.fixture(scope="module")
def spot(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AdminServer]:
    env = {"LOCALSPOT_JOURNAL_SIZE": str(JOURNAL_SIZE)}
    yield from serve_with_admin(backend, request, tmp_path_factory, **env)


@pytest.fixture
def portal(spot: AdminServer) -> tuple[int, httpx.Client]:
    return spot.new_portal()


def entries(spot: AdminServer, portal_id: int, **filters: Any) -> list[dict[str, Any]]:
    response = spot.admin.get(f"/_localspot/portals/{portal_id}/journal", params=filters)
    assert response.status_code == 200, response.text
    return list(response.json()["results"])


def test_journal_records_what_the_client_sent_and_got(
    spot: AdminServer, portal: tuple[int, httpx.Client]
) -> None:
    portal_id, crm = portal
    (call_id,) = create_calls(crm, 1)
    body = {"inputs": [{"id": call_id, "properties": {"hs_call_title": "journaled"}}]}
    response = crm.post(f"{CALLS}/batch/update?trace=1", json=body)
    entry = entries(spot, portal_id)[-1]
    assert entry["method"] == "POST"
    assert entry["path"] == f"{CALLS}/batch/update"
    assert entry["query"] == "trace=1"
    assert entry["status"] == 200
    assert entry["requestBody"] == body
    assert entry["responseBody"] == response.json()
    assert entry["correlationId"] == response.headers["x-hubspot-correlation-id"]
    assert entry["durationMs"] > 0


def test_journal_never_holds_the_bearer_token(
    spot: AdminServer, portal: tuple[int, httpx.Client]
) -> None:
    portal_id, crm = portal
    token = crm.headers["Authorization"].removeprefix("Bearer ")
    crm.post(CALLS, params={"hapikey": "secret-key"}, json={"properties": {"note": token}})
    dumped = spot.admin.get(f"/_localspot/portals/{portal_id}/journal").text
    assert token not in dumped
    assert "secret-key" not in dumped
    assert "[REDACTED]" in dumped


def test_journal_filters_by_path_method_and_status(
    spot: AdminServer, portal: tuple[int, httpx.Client]
) -> None:
    portal_id, crm = portal
    (call_id,) = create_calls(crm, 1)
    crm.get(f"{CALLS}/{call_id}")
    crm.get(f"{CALLS}/987654321")
    assert [e["status"] for e in entries(spot, portal_id, method="get")] == [200, 404]
    assert [e["method"] for e in entries(spot, portal_id, path="*/batch/*")] == ["POST"]
    assert [e["path"] for e in entries(spot, portal_id, status=404)] == [f"{CALLS}/987654321"]


def test_journal_keeps_the_last_n_requests(
    spot: AdminServer, portal: tuple[int, httpx.Client]
) -> None:
    portal_id, crm = portal
    for number in range(JOURNAL_SIZE + 2):
        crm.get(CALLS, params={"n": str(number)})
    kept = [e["query"] for e in entries(spot, portal_id)]
    assert kept == [f"n={n}" for n in range(2, JOURNAL_SIZE + 2)]


def test_journal_limit_returns_the_newest_entries(
    spot: AdminServer, portal: tuple[int, httpx.Client]
) -> None:
    portal_id, crm = portal
    for number in range(3):
        crm.get(CALLS, params={"n": str(number)})
    assert [e["query"] for e in entries(spot, portal_id, limit=2)] == ["n=1", "n=2"]


def test_cleared_journal_is_empty(spot: AdminServer, portal: tuple[int, httpx.Client]) -> None:
    portal_id, crm = portal
    crm.get(CALLS)
    assert spot.admin.delete(f"/_localspot/portals/{portal_id}/journal").status_code == 204
    assert entries(spot, portal_id) == []


def test_journal_records_requests_to_unknown_routes(
    spot: AdminServer, portal: tuple[int, httpx.Client]
) -> None:
    portal_id, crm = portal
    crm.get("/crm/v3/nowhere")
    (entry,) = entries(spot, portal_id)
    assert (entry["path"], entry["status"]) == ("/crm/v3/nowhere", 404)


def test_journal_records_injected_faults(
    spot: AdminServer, portal: tuple[int, httpx.Client]
) -> None:
    portal_id, crm = portal
    rule = {"status": 429, "times": 1}
    spot.admin.post(f"/_localspot/portals/{portal_id}/faults", json=rule)
    crm.get(CALLS)
    crm.get(CALLS)
    assert [e["status"] for e in entries(spot, portal_id)] == [429, 200]


def test_journal_is_kept_per_portal(spot: AdminServer, portal: tuple[int, httpx.Client]) -> None:
    portal_id, crm = portal
    other_id, other = spot.new_portal()
    crm.get(CALLS)
    other.get(CALLS, params={"other": "1"})
    assert [e["query"] for e in entries(spot, other_id)] == ["other=1"]
    assert [e["query"] for e in entries(spot, portal_id)] == [""]


def test_admin_requests_are_not_journaled(
    spot: AdminServer, portal: tuple[int, httpx.Client]
) -> None:
    portal_id, _ = portal
    spot.admin.get(f"/_localspot/portals/{portal_id}/faults")
    assert entries(spot, portal_id) == []
