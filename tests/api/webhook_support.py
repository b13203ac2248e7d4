"""Developer apps for the Webhooks API tests: made by the real ``localspot apps create`` on
the session's server's database, and clients that carry an app's developer API key.

The official Python SDK sends the developer API key as the ``hapikey`` query parameter when
the client is made with ``api_key=`` (its webhooks ``Configuration`` names the scheme
``developer_hapikey``); ``developer_api_key=`` is not an option of its ``Client`` and sends
no key (``test_an_sdk_client_made_with_developer_api_key_sends_no_key``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from conftest import Server, run_cli_in_process

INVALID_KEY: dict[str, Any] = {
    "message": (
        "The API key provided is invalid. View or manage your API key here:"
        " https://app.hubspot.com/l/api-key/"
    ),
    "category": "INVALID_AUTHENTICATION",
    "context": {},
    "errors": [],
    "links": {"api key": "https://app.hubspot.com/l/api-key/"},
}
"""HubSpot's 401 for a ``hapikey`` it does not know (hubspot-behaviour §17.2)."""
NO_CREDENTIALS: dict[str, Any] = {
    "message": (
        "Authentication credentials not found. This API supports both API Key and OAuth 2.0"
        " authentication and you can find more details at"
        " https://developers.hubspot.com/docs/methods/auth/oauth-overview"
    ),
    "category": "INVALID_AUTHENTICATION",
    "context": {},
    "errors": [],
}


@dataclass(frozen=True)
class DevApp:
    app_id: int
    client_secret: str
    developer_api_key: str
    portal_id: int

    @property
    def settings(self) -> str:
        return f"/webhooks/v3/{self.app_id}/settings"

    @property
    def subscriptions(self) -> str:
        return f"/webhooks/v3/{self.app_id}/subscriptions"


def new_app(server: Server, name: str = "Test app", portal_id: int | None = None) -> DevApp:
    """An app made by ``localspot apps create`` run in this process (``run_cli_in_process``:
    a second less than a new interpreter; the command itself is tested in
    tests/cli/test_apps_cli.py), installed in ``portal_id`` (default: a new portal)."""
    portal = portal_id if portal_id is not None else server.new_portal()
    made = ("apps", "create", "--name", name, "--portal", str(portal))
    shown = json.loads(run_cli_in_process(server.database_url, *made))
    assert set(shown) == {"appId", "clientSecret", "developerApiKey"}
    return DevApp(shown["appId"], shown["clientSecret"], shown["developerApiKey"], portal)


@contextmanager
def developer_http(server: Server, app: DevApp) -> Iterator[httpx.Client]:
    """An httpx client whose every request carries the app's ``hapikey``."""
    params = {"hapikey": app.developer_api_key}
    with httpx.Client(base_url=server.base_url, params=params, timeout=30) as client:
        yield client


def developer_sdk(server: Server, app: DevApp) -> Any:
    import hubspot

    return hubspot.Client.create(api_key=app.developer_api_key, host=server.base_url)


def not_found(message: str, **context: list[str]) -> dict[str, Any]:
    return {"message": message, "category": "OBJECT_NOT_FOUND", "context": context, "errors": []}


def invalid(message: str, **context: list[str]) -> dict[str, Any]:
    return {"message": message, "category": "VALIDATION_ERROR", "context": context, "errors": []}
