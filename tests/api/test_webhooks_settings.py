"""Webhooks API v3 settings (``/webhooks/v3/{appId}/settings`` and the dated path) through the
official SDK with the app's developer API key, raw httpx for bad input, and the developer
key's authentication: missing, unknown, a bearer token instead, another app's id."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hubspot.webhooks import ApiException, SettingsChangeRequest, ThrottlingSettings
from webhook_support import (
    INVALID_KEY,
    NO_CREDENTIALS,
    DevApp,
    developer_http,
    developer_sdk,
    invalid,
    new_app,
    not_found,
)

from conftest import Server, assert_hubspot_error, assert_sdk_error

RECEIVER = "https://receiver.example.com/hubspot"


@pytest.fixture(scope="module")
def app(server: Server) -> DevApp:
    return new_app(server, "Settings app")


@pytest.fixture(scope="module")
def other(server: Server) -> DevApp:
    return new_app(server, "Other app")


@pytest.fixture(scope="module")
def dev(server: Server, app: DevApp) -> Iterator[httpx.Client]:
    with developer_http(server, app) as client:
        yield client


def change(url: str = RECEIVER, limit: int = 10) -> dict[str, Any]:
    return {"targetUrl": url, "throttling": {"maxConcurrentRequests": limit}}


def test_settings_configure_read_and_clear_through_the_sdk(server: Server, app: DevApp) -> None:
    sdk = developer_sdk(server, app)
    settings = sdk.webhooks.settings_api
    request = SettingsChangeRequest(
        target_url=RECEIVER, throttling=ThrottlingSettings(max_concurrent_requests=10)
    )
    saved = settings.configure(app.app_id, request)
    assert (saved.target_url, saved.throttling.max_concurrent_requests) == (RECEIVER, 10)
    assert saved.created_at == saved.updated_at
    assert settings.get_all(app.app_id) == saved
    request.target_url, request.throttling.max_concurrent_requests = RECEIVER + "/v2", 7
    replaced = settings.configure(app.app_id, request)
    assert (replaced.target_url, replaced.throttling.max_concurrent_requests) == (
        RECEIVER + "/v2",
        7,
    )
    assert replaced.created_at == saved.created_at
    assert replaced.updated_at >= saved.updated_at
    settings.clear(app.app_id)
    with pytest.raises(ApiException) as missing:
        settings.get_all(app.app_id)
    body = not_found(f"No webhook settings for app {app.app_id}", appId=[str(app.app_id)])
    assert_sdk_error(missing.value, 404, **body)


def test_the_dated_path_serves_the_same_settings(dev: httpx.Client, app: DevApp) -> None:
    saved = dev.put(app.settings, json=change(limit=12))
    assert saved.status_code == 200, saved.text
    dated = dev.get(f"/webhooks/2026-03/{app.app_id}/settings")
    assert dated.status_code == 200, dated.text
    assert dated.json() == saved.json()
    assert dev.delete(f"/webhooks/2026-03/{app.app_id}/settings").status_code == 204
    assert dev.delete(app.settings).status_code == 204  # clearing nothing is no error
    assert dev.get(app.settings).status_code == 404


def test_throttling_period_is_accepted_and_not_echoed(dev: httpx.Client, app: DevApp) -> None:
    body = {"targetUrl": RECEIVER, "throttling": {"maxConcurrentRequests": 6, "period": "SECONDLY"}}
    saved = dev.put(app.settings, json=body)  # 6: the smallest limit HubSpot takes
    assert saved.status_code == 200, saved.text
    assert saved.json()["throttling"] == {"maxConcurrentRequests": 6}


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8765/hooks",
        "http://localhost:9000/h",
        "http://[::1]:9000/h",
        "http://receiver:8000/h",
        "http://10.1.2.3/h",
        "https://hooks.example.com:8443/h?x=1",
    ],
)
def test_https_or_http_to_a_local_receiver_is_accepted(
    dev: httpx.Client, app: DevApp, url: str
) -> None:
    saved = dev.put(app.settings, json=change(url))
    assert saved.status_code == 200, saved.text
    assert saved.json()["targetUrl"] == url


@pytest.mark.parametrize(
    "url", ["http://hooks.example.com/h", "http://8.8.8.8/h", "http://[2001:4860::8888]/h"]
)
def test_http_to_a_public_host_is_refused_and_nothing_changes(
    dev: httpx.Client, app: DevApp, url: str
) -> None:
    before = dev.put(app.settings, json=change())
    refused = dev.put(app.settings, json=change(url))
    message = f"The target URL must use https (http only to a local receiver): {url}"
    assert_hubspot_error(refused, 400, **invalid(message, targetUrl=[url]))
    assert dev.get(app.settings).json() == before.json()


@pytest.mark.parametrize(
    "url",
    [
        "",
        "hooks.example.com/h",
        "ftp://a.example/h",
        "https://",
        "https://a.example/x y",
        "https://a.example/\u0000",
        "https://a.example:99999/h",
    ],
)
def test_a_target_that_is_no_url_is_refused(dev: httpx.Client, app: DevApp, url: str) -> None:
    refused = dev.put(app.settings, json=change(url))
    assert_hubspot_error(refused, 400, **invalid(f"Invalid target URL: {url}", targetUrl=[url]))


@pytest.mark.parametrize(
    ("limit", "bound"),
    [(5, "greater than 5"), (-1, "greater than 5"), (2**31, "at most 2147483647")],
)
def test_concurrency_out_of_bounds_is_refused(
    dev: httpx.Client, app: DevApp, limit: int, bound: str
) -> None:
    refused = dev.put(app.settings, json=change(limit=limit))
    message = f"throttling.maxConcurrentRequests must be {bound}"
    assert_hubspot_error(refused, 400, **invalid(message, maxConcurrentRequests=[str(limit)]))


def test_settings_without_throttling_are_refused(dev: httpx.Client, app: DevApp) -> None:
    refused = dev.put(app.settings, json={"targetUrl": RECEIVER})
    assert refused.status_code == 400
    assert refused.json()["category"] == "VALIDATION_ERROR"
    assert "throttling" in refused.json()["message"]


def test_a_missing_developer_key_is_a_401(server: Server, app: DevApp) -> None:
    with httpx.Client(base_url=server.base_url) as anonymous:
        assert_hubspot_error(anonymous.get(app.settings), 401, **NO_CREDENTIALS)


def test_a_bearer_token_does_not_open_the_webhooks_api(server: Server, app: DevApp) -> None:
    headers = {"Authorization": f"Bearer {server.token}"}
    with httpx.Client(base_url=server.base_url, headers=headers) as crm:
        assert_hubspot_error(crm.get(app.settings), 401, **NO_CREDENTIALS)


def test_an_unknown_developer_key_is_hubspots_invalid_api_key(server: Server, app: DevApp) -> None:
    with httpx.Client(base_url=server.base_url) as client:
        wrong = client.get(app.settings, params={"hapikey": "0c7d3e59-0000-4000-8000-000000000000"})
    assert_hubspot_error(wrong, 401, **INVALID_KEY)


def test_another_apps_id_is_not_found(
    server: Server, dev: httpx.Client, app: DevApp, other: DevApp
) -> None:
    theirs = dev.put(other.settings, json=change())
    body = not_found(f"App {other.app_id} not found", appId=[str(other.app_id)])
    assert_hubspot_error(theirs, 404, **body)
    with pytest.raises(ApiException) as refused:
        developer_sdk(server, app).webhooks.settings_api.get_all(other.app_id)
    assert_sdk_error(refused.value, 404, **body)


def test_an_unknown_app_id_is_not_found(dev: httpx.Client) -> None:
    body = not_found("App 999999 not found", appId=["999999"])
    assert_hubspot_error(dev.get("/webhooks/v3/999999/settings"), 404, **body)


def test_an_sdk_client_made_with_developer_api_key_sends_no_key(
    server: Server, app: DevApp
) -> None:
    import hubspot

    sdk = hubspot.Client.create(developer_api_key=app.developer_api_key, host=server.base_url)
    with pytest.raises(ApiException) as refused:
        sdk.webhooks.settings_api.get_all(app.app_id)
    assert_sdk_error(refused.value, 401, **NO_CREDENTIALS)
