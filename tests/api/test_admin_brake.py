"""The admin token can't be guessed at speed: wrong tokens from a client lock it out (429)
for a while; a client using the right token is never slowed."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from admin_support import AdminServer, assert_hubspot_error, serve_with_admin

from localspot.http.admin_brake import (
    LOCKOUT_S,
    MAX_FAILURES,
    WINDOW_S,
    AdminBrake,
    AdminLockedOut,
)

PORTALS = "/_localspot/portals"


@pytest.fixture(scope="module")
def spot(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AdminServer]:
    """Its own server: a lockout covers every admin request from 127.0.0.1 (so the test
    that locks it out comes last)."""
    yield from serve_with_admin(backend, request, tmp_path_factory)


def guess(spot: AdminServer, token: str = "wrong-guess") -> httpx.Response:
    return httpx.post(
        spot.base_url + PORTALS, json={}, headers={"Authorization": f"Bearer {token}"}
    )


def test_the_right_token_is_never_slowed_and_clears_the_count(spot: AdminServer) -> None:
    for _ in range(3):
        for _ in range(MAX_FAILURES - 1):
            assert guess(spot).status_code == 401
        assert spot.admin.post(PORTALS, json={}).status_code == 201
    for _ in range(50):
        assert spot.admin.get("/_localspot/time").status_code == 200


def test_a_missing_token_is_not_a_guess(spot: AdminServer) -> None:
    for _ in range(MAX_FAILURES * 2):
        assert httpx.get(spot.base_url + "/_localspot/time").status_code == 401
    assert spot.admin.get("/_localspot/time").status_code == 200


class Ticks:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_lockout_ends_and_old_failures_expire() -> None:
    ticks = Ticks()
    brake = AdminBrake(now=ticks)
    for _ in range(MAX_FAILURES - 1):
        brake.failed("a")
    ticks.now += WINDOW_S + 1  # those failures leave the window
    brake.failed("a")
    brake.check("a")
    for _ in range(MAX_FAILURES - 1):
        brake.failed("a")
    with pytest.raises(AdminLockedOut):
        brake.check("a")
    brake.check("b")  # another client is not affected
    ticks.now += LOCKOUT_S
    brake.check("a")


def test_wrong_admin_tokens_lock_the_client_out(spot: AdminServer) -> None:
    for _ in range(MAX_FAILURES):
        assert_hubspot_error(guess(spot), 401, "INVALID_AUTHENTICATION")
    locked = guess(spot)
    body = assert_hubspot_error(locked, 429, "RATE_LIMITS")
    assert body["message"].startswith("Too many wrong admin tokens from this client")
    assert 1 <= int(locked.headers["retry-after"]) <= LOCKOUT_S
    # Answering the right token now would tell a guesser it was right.
    assert_hubspot_error(spot.admin.post(PORTALS, json={}), 429, "RATE_LIMITS")
