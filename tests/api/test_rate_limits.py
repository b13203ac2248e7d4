"""HubSpot's rate limits (hubspot-behaviour §6.4): windows, budgets, headers and 429 bodies.

Window and day boundaries are crossed by moving an injected clock (an app run in process
on a real SQLite file), never by sleeping; the multi-process cases use real servers.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import TestClient

from conftest import assert_hubspot_error, run_cli, start_server, stop_server
from localspot.app import create_app
from localspot.clock import FixedClock
from localspot.config import Settings
from localspot.crm.accounts import all_scopes, hash_token
from localspot.store.open import open_store

CALLS = "/crm/v3/objects/calls"
SEARCH = "/crm/v3/objects/calls/search"
NOON_UTC = 1_767_268_800_000  # 2026-01-01T12:00:00Z


def register(
    url: str, token: str, *, tier: str = "free", timezone: str = "UTC", kind: str = "private_app"
) -> None:
    async def go() -> None:
        store = open_store(url)
        portal = await store.create_portal("limits", tier, timezone)
        await store.create_token(portal, hash_token(token), all_scopes(), kind)
        await store.close()

    asyncio.run(go())


class InProcess:
    def __init__(self, tmp_path: Path, **limits: Any) -> None:
        self.url = f"sqlite:///{tmp_path / f'{uuid.uuid4().hex}.db'}"
        self.clock = FixedClock(NOON_UTC)
        self.settings = Settings(database_url=self.url, **limits)

    def client(self, token: str) -> TestClient[Any]:
        client = TestClient(create_app(self.settings, clock=self.clock))
        client.headers["Authorization"] = f"Bearer {token}"
        return client


@pytest.fixture
def small_window(tmp_path: Path) -> Iterator[tuple[InProcess, TestClient[Any]]]:
    app = InProcess(tmp_path, ten_secondly_limits="free=5,professional=7", search_per_second=2)
    register(app.url, "tok-free")
    with app.client("tok-free") as client:
        yield app, client


def test_exactly_max_requests_pass_then_429(
    small_window: tuple[InProcess, TestClient[Any]],
) -> None:
    _, client = small_window
    remaining = [client.get(CALLS).headers["X-HubSpot-RateLimit-Remaining"] for _ in range(5)]
    assert remaining == ["4", "3", "2", "1", "0"]
    refused = client.get(CALLS)
    assert_hubspot_error(
        refused,
        429,
        message="You have reached your ten_secondly_rolling limit.",
        errorType="RATE_LIMIT",
        policyName="TEN_SECONDLY_ROLLING",
        category="RATE_LIMITS",
        context={},  # compatibility.md "Error bodies": localspot adds these two to every body
        errors=[],
    )


def test_usage_headers_carry_the_window(small_window: tuple[InProcess, TestClient[Any]]) -> None:
    _, client = small_window
    headers = client.get(CALLS).headers
    assert headers["X-HubSpot-RateLimit-Max"] == "5"
    assert headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    assert headers["X-HubSpot-RateLimit-Daily"] == "250000"
    assert headers["X-HubSpot-RateLimit-Daily-Remaining"] == "249999"


def test_the_window_rolls(small_window: tuple[InProcess, TestClient[Any]]) -> None:
    app, client = small_window
    for _ in range(5):
        client.get(CALLS)
        app.clock.advance(1_000)
    assert client.get(CALLS).status_code == 429  # at 5 s: requests at 0-4 s fill the window
    app.clock.advance(4_999)
    assert client.get(CALLS).status_code == 429  # at 9.999 s the first is still inside
    app.clock.advance(1)
    assert client.get(CALLS).status_code == 200  # at 10 s it has left the window
    assert client.get(CALLS).status_code == 429


def test_a_refused_request_does_not_use_budget(
    small_window: tuple[InProcess, TestClient[Any]],
) -> None:
    app, client = small_window
    for _ in range(5):
        client.get(CALLS)
    for _ in range(3):
        assert client.get(CALLS).status_code == 429
    app.clock.advance(10_000)
    assert client.get(CALLS).headers["X-HubSpot-RateLimit-Remaining"] == "4"


def test_search_has_its_own_secondly_limit_and_no_headers(
    small_window: tuple[InProcess, TestClient[Any]],
) -> None:
    app, client = small_window
    for _ in range(5):
        client.get(CALLS)
    assert client.get(CALLS).status_code == 429
    first = client.post(SEARCH, json={})
    assert first.status_code == 200  # exempt from the ten-second window
    assert not [h for h in first.headers if h.lower().startswith("x-hubspot-ratelimit")]
    assert client.post(SEARCH, json={}).status_code == 200
    refused = client.post(SEARCH, json={})
    assert refused.status_code == 429
    assert refused.json()["policyName"] == "SECONDLY"
    assert refused.json()["message"] == "You have reached your secondly limit."
    app.clock.advance(1_000)
    assert client.post(SEARCH, json={}).status_code == 200


def test_tier_sets_the_window_limit(tmp_path: Path) -> None:
    app = InProcess(tmp_path, ten_secondly_limits="free=5,professional=7")
    register(app.url, "tok-pro", tier="professional")
    with app.client("tok-pro") as client:
        assert client.get(CALLS).headers["X-HubSpot-RateLimit-Max"] == "7"
        assert client.get(CALLS).headers["X-HubSpot-RateLimit-Daily"] == "625000"


def test_oauth_tokens_get_no_daily_headers(tmp_path: Path) -> None:
    app = InProcess(tmp_path)
    register(app.url, "tok-oauth", kind="oauth")
    with app.client("tok-oauth") as client:
        headers = client.get(CALLS).headers
    assert "X-HubSpot-RateLimit-Max" in headers
    assert "X-HubSpot-RateLimit-Daily" not in headers


def test_daily_budget_resets_at_midnight_in_the_portals_time_zone(tmp_path: Path) -> None:
    app = InProcess(tmp_path, daily_limits="free=3")
    register(app.url, "tok-tokyo", timezone="Asia/Tokyo")  # noon UTC is 21:00 in Tokyo
    with app.client("tok-tokyo") as client:
        for _ in range(3):
            assert client.get(CALLS).status_code == 200
            app.clock.advance(20_000)
        refused = client.get(CALLS)
        assert refused.status_code == 429
        assert refused.json()["policyName"] == "DAILY"
        assert refused.json()["message"] == "You have reached your daily limit."
        app.clock.advance(3 * 3_600_000)  # 00:01 in Tokyo, still 15:01 UTC
        assert client.get(CALLS).status_code == 200


def test_rate_limits_off_lets_everything_through(tmp_path: Path) -> None:
    app = InProcess(tmp_path, ten_secondly_limits="free=1", rate_limits=False)
    register(app.url, "tok-off")
    with app.client("tok-off") as client:
        assert all(client.get(CALLS).status_code == 200 for _ in range(5))


def limited_env(**more: str) -> dict[str, str]:
    return {"LOCALSPOT_RATE_LIMITS": "on", "LOCALSPOT_TEN_SECONDLY_LIMITS": "free=6", **more}


def test_redis_counters_are_shared_by_two_servers(postgres_url: str) -> None:
    key = uuid.uuid4().hex[:6]
    env = limited_env(LOCALSPOT_REDIS_URL="redis://127.0.0.1:6379/0")
    first = start_server(postgres_url, env=env)
    second = start_server(postgres_url, env=env)
    try:
        token = first.new_token("--portal", str(first.new_portal()))
        headers = {"Authorization": f"Bearer {token}", "X-Test": key}
        statuses = [
            httpx.get(f"{server.base_url}{CALLS}", headers=headers).status_code
            for server in (first, second) * 4
        ]
    finally:
        stop_server(first)
        stop_server(second)
    assert statuses == [200] * 6 + [429] * 2


def test_unreachable_redis_fails_open(tmp_path: Path) -> None:
    env = limited_env(LOCALSPOT_REDIS_URL="redis://127.0.0.1:1/0")
    server = start_server(f"sqlite:///{tmp_path / 'open.db'}", env=env)
    try:
        headers = {"Authorization": f"Bearer {server.token}"}
        statuses = [
            httpx.get(f"{server.base_url}{CALLS}", headers=headers).status_code for _ in range(8)
        ]
    finally:
        stop_server(server)
    assert statuses == [200] * 8


def test_python_sdk_retry_honours_429(tmp_path: Path) -> None:
    import hubspot
    from urllib3.util.retry import Retry

    env = limited_env(
        LOCALSPOT_TEN_SECONDLY_LIMITS="free=1", LOCALSPOT_TEN_SECONDLY_WINDOW_MS="300"
    )
    server = start_server(f"sqlite:///{tmp_path / 'retry.db'}", env=env)
    try:
        retry = Retry(total=6, backoff_factor=0.2, status_forcelist=[429], allowed_methods=None)
        client = hubspot.Client.create(access_token=server.token, host=server.base_url, retry=retry)
        pages = [client.crm.objects.calls.basic_api.get_page(limit=1) for _ in range(3)]
    finally:
        stop_server(server)
    assert all(page.results == [] for page in pages)


def test_revoked_token_is_401(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'revoke.db'}"
    token = run_cli(url, "tokens", "create")
    server = start_server(url)
    try:
        headers = {"Authorization": f"Bearer {token}"}
        assert httpx.get(f"{server.base_url}{CALLS}", headers=headers).status_code == 200
        assert run_cli(url, "tokens", "revoke", token) == "revoked"
        response = httpx.get(f"{server.base_url}{CALLS}", headers=headers)
    finally:
        stop_server(server)
    assert response.status_code == 401
    assert response.headers["x-hubspot-auth-failure"] == "401 Unauthorized"


def test_portals_create_takes_tier_and_time_zone(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tiers.db'}"
    portal = run_cli(
        url,
        "portals",
        "create",
        "--tier",
        "professional+limit-increase",
        "--timezone",
        "Europe/Berlin",
    )
    assert int(portal) > 0
    token = run_cli(url, "tokens", "create", "--portal", portal)
    app = InProcess(tmp_path)
    app.url = url
    app.settings = Settings(database_url=url)
    with app.client(token) as client:
        headers = client.get(CALLS).headers
    assert headers["X-HubSpot-RateLimit-Max"] == "250"
    assert headers["X-HubSpot-RateLimit-Daily"] == "1625000"


def test_expired_token_is_401_expired_authentication(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'expired.db'}"
    token = run_cli(url, "tokens", "create", "--expires-in", "60")
    server = start_server(url, env={"LOCALSPOT_ADMIN_TOKEN": "expiry-test-admin"})
    try:
        admin = {"Authorization": "Bearer expiry-test-admin"}
        moved = httpx.post(
            f"{server.base_url}/_localspot/time/advance", json={"ms": 61_000}, headers=admin
        )
        assert moved.status_code == 200, moved.text
        response = httpx.get(
            f"{server.base_url}{CALLS}", headers={"Authorization": f"Bearer {token}"}
        )
    finally:
        stop_server(server)
    assert response.status_code == 401
    assert response.json()["category"] == "EXPIRED_AUTHENTICATION"
