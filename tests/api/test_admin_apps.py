"""Developer apps through the admin API (``/_localspot/apps``): made with their secrets shown
once, listed without them, installed and uninstalled; a portal's snapshot holds the apps
installed in it, a reset uninstalls them, a restore installs those the server has, and a
deleted portal takes its installations along (never the apps)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from admin_support import AdminServer, serve_with_admin
from webhook_support import NO_CREDENTIALS

from conftest import assert_hubspot_error

APPS = "/_localspot/apps"


@pytest.fixture(scope="module")
def spot(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AdminServer]:
    yield from serve_with_admin(backend, request, tmp_path_factory)


def make_app(spot: AdminServer, **body: Any) -> dict[str, Any]:
    made = spot.admin.post(APPS, json=body)
    assert made.status_code == 201, made.text
    found: dict[str, Any] = made.json()
    return found


def portals_of(spot: AdminServer, app_id: int) -> list[int]:
    found = spot.admin.get(f"{APPS}/{app_id}")
    assert found.status_code == 200, found.text
    portal_ids: list[int] = found.json()["portalIds"]
    return portal_ids


def test_an_app_is_made_with_its_secrets_once_and_listed_without_them(
    spot: AdminServer,
) -> None:
    portal_id, _ = spot.new_portal()
    made = make_app(spot, name=" Sync ", portalId=portal_id)
    assert set(made) == {"appId", "name", "clientSecret", "developerApiKey", "portalIds"}
    assert (made["name"], made["portalIds"]) == ("Sync", [portal_id])
    listed = spot.admin.get(APPS)
    assert listed.status_code == 200
    shown = next(a for a in listed.json()["results"] if a["appId"] == made["appId"])
    assert set(shown) == {"appId", "name", "createdAt", "portalIds"}
    one = spot.admin.get(f"{APPS}/{made['appId']}")
    for text in (listed.text, one.text):
        assert made["clientSecret"] not in text and made["developerApiKey"] not in text
    with httpx.Client(base_url=spot.base_url) as client:
        path = f"/webhooks/v3/{made['appId']}/subscriptions"
        opened = client.get(path, params={"hapikey": made["developerApiKey"]})
    assert opened.status_code == 200 and opened.json() == {"results": []}


def test_an_app_without_a_portal_goes_to_the_first_portal(spot: AdminServer) -> None:
    assert make_app(spot)["portalIds"] == [1]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"name": " "}, 400),
        ({"name": "x\u0001"}, 400),
        ({"portalId": 987654}, 404),
        ({"x": 1}, 400),
    ],
)
def test_bad_apps_are_refused_and_none_is_made(
    spot: AdminServer, body: dict[str, Any], status: int
) -> None:
    before = spot.admin.get(APPS).json()
    refused = spot.admin.post(APPS, json=body)
    assert refused.status_code == status, refused.text
    assert refused.json()["status"] == "error"
    assert spot.admin.get(APPS).json() == before


def test_install_and_uninstall(spot: AdminServer) -> None:
    first, _ = spot.new_portal()
    second, _ = spot.new_portal()
    app_id = make_app(spot, portalId=first)["appId"]
    install = f"{APPS}/{app_id}/portals/{second}"
    assert spot.admin.put(install).status_code == 204
    assert spot.admin.put(install).status_code == 204  # installing again changes nothing
    assert portals_of(spot, app_id) == [first, second]
    assert spot.admin.delete(f"{APPS}/{app_id}/portals/{first}").status_code == 204
    assert portals_of(spot, app_id) == [second]
    again = spot.admin.delete(f"{APPS}/{app_id}/portals/{first}")
    assert_hubspot_error(
        again,
        404,
        message=f"App {app_id} is not installed in portal {first}",
        category="OBJECT_NOT_FOUND",
        context={"appId": [str(app_id)], "portalId": [str(first)]},
        errors=[],
    )
    missing = spot.admin.put(f"{APPS}/987654/portals/{first}")
    assert_hubspot_error(
        missing,
        404,
        message="App 987654 not found",
        category="OBJECT_NOT_FOUND",
        context={"appId": ["987654"]},
        errors=[],
    )
    assert spot.admin.put(f"{APPS}/{app_id}/portals/987654").status_code == 404
    assert spot.admin.get(f"{APPS}/987654").status_code == 404


def test_the_apps_routes_need_the_admin_token(spot: AdminServer) -> None:
    with httpx.Client(base_url=spot.base_url) as anonymous:
        refused = anonymous.post(APPS, json={})
    assert refused.status_code == 401
    assert refused.json()["category"] == NO_CREDENTIALS["category"]


def test_snapshot_reset_and_restore_carry_the_installed_apps(spot: AdminServer) -> None:
    portal_id, _ = spot.new_portal()
    kept, _ = spot.new_portal()
    first = make_app(spot, portalId=portal_id)["appId"]
    second = make_app(spot, portalId=portal_id)["appId"]
    snapshot = spot.admin.get(f"/_localspot/portals/{portal_id}/snapshot")
    assert snapshot.json()["installedApps"] == [first, second]
    reset = spot.admin.post(f"/_localspot/portals/{portal_id}/reset")
    assert reset.status_code == 204
    assert portals_of(spot, first) == [] and portals_of(spot, second) == []
    body = snapshot.json()
    body["installedApps"] = [second, 987654]  # an app this server does not have is left out
    restored = spot.admin.put(f"/_localspot/portals/{kept}/snapshot", json=body)
    assert restored.status_code == 204, restored.text
    assert portals_of(spot, first) == [] and portals_of(spot, second) == [kept]
    again = spot.admin.get(f"/_localspot/portals/{kept}/snapshot").json()
    assert again["installedApps"] == [second]


def test_a_deleted_portal_takes_its_installs_not_the_app(spot: AdminServer) -> None:
    portal_id, _ = spot.new_portal()
    made = make_app(spot, portalId=portal_id)
    assert spot.admin.delete(f"/_localspot/portals/{portal_id}").status_code == 204
    assert portals_of(spot, made["appId"]) == []
    with httpx.Client(base_url=spot.base_url) as client:
        path = f"/webhooks/v3/{made['appId']}/subscriptions"
        assert client.get(path, params={"hapikey": made["developerApiKey"]}).status_code == 200
