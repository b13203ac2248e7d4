"""Migrating a legacy CRM card to an app card in views
(``POST /crm/v3/extensions/cards-dev/{appId}/views/migrate`` and the dated path) with the
app's developer API key. The Python SDK 12 has no method for it (the Node SDK's is driven by
tests/api/test_node_sdk.py); raw httpx for the rest."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from test_crm_cards import card_body
from webhook_support import (
    INVALID_KEY,
    NO_CREDENTIALS,
    DevApp,
    developer_http,
    invalid,
    new_app,
    not_found,
)

from conftest import Server, assert_hubspot_error, run_cli_in_process


@pytest.fixture()
def app(server: Server) -> DevApp:
    """An app of its own per test: migrations are kept per app."""
    return new_app(server, "Migrating app")


@pytest.fixture()
def dev(server: Server, app: DevApp) -> Iterator[httpx.Client]:
    with developer_http(server, app) as client:
        yield client


def migrate_path(app: DevApp, base: str = "/crm/v3/extensions/cards-dev") -> str:
    return f"{base}/{app.app_id}/views/migrate"


def new_card(dev: httpx.Client, app: DevApp) -> int:
    created = dev.post(f"/crm/v3/extensions/cards-dev/{app.app_id}", json=card_body())
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def migration(legacy: int, app_card: int, allow: bool = False, **more: Any) -> dict[str, Any]:
    body = {"legacyCrmCardId": legacy, "appCardId": app_card, "allowDuplicateAppCardIds": allow}
    return {**body, **more}


def done(legacy: int, app_card: int, portals: int, at: int) -> dict[str, Any]:
    plural = "" if portals == 1 else "s"
    return {
        "message": f"Card {legacy} is replaced by app card {app_card} in the views of"
        f" {portals} portal{plural}",
        "startedAt": at,
        "endedAt": at,
        "totalPortalCount": portals,
        "remainingPortalCount": 0,
    }


def test_a_legacy_card_is_migrated_in_every_installed_portal(
    server: Server, dev: httpx.Client, app: DevApp
) -> None:
    install = ("apps", "install", str(app.app_id), "--portal", str(server.new_portal()))
    run_cli_in_process(server.database_url, *install)
    card = new_card(dev, app)
    answer = dev.post(migrate_path(app), json=migration(card, 7001, helpdeskAppCardId=7002))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body == done(card, 7001, 2, body["startedAt"])
    assert isinstance(body["startedAt"], int) and body["startedAt"] > 1_700_000_000_000


def test_the_dated_path_migrates_too(dev: httpx.Client, app: DevApp) -> None:
    card = new_card(dev, app)
    base = "/crm/extensions/cards-dev/2026-03"
    answer = dev.post(migrate_path(app, base), json=migration(card, 42))
    assert answer.status_code == 200, answer.text
    assert answer.json() == done(card, 42, 1, answer.json()["startedAt"])


def test_a_card_is_migrated_once(dev: httpx.Client, app: DevApp) -> None:
    card = new_card(dev, app)
    assert dev.post(migrate_path(app), json=migration(card, 9)).status_code == 200
    again = dev.post(migrate_path(app), json=migration(card, 10, allow=True))
    body = {
        "message": f"Card {card} was migrated to app card 9 already",
        "category": "CONFLICT",
        "context": {"legacyCrmCardId": [str(card)]},
        "errors": [],
    }
    assert_hubspot_error(again, 409, **body)


def test_an_app_card_replaces_a_second_card_only_when_allowed(
    dev: httpx.Client, app: DevApp
) -> None:
    first, second = new_card(dev, app), new_card(dev, app)
    assert dev.post(migrate_path(app), json=migration(first, 55)).status_code == 200
    refused = dev.post(migrate_path(app), json=migration(second, 55))
    message = (
        f"App card 55 replaces card {first} already; set allowDuplicateAppCardIds to true to"
        " let it replace more than one card"
    )
    assert_hubspot_error(refused, 400, **invalid(message, appCardId=["55"]))
    allowed = dev.post(migrate_path(app), json=migration(second, 55, allow=True))
    assert allowed.status_code == 200, allowed.text


@pytest.mark.parametrize("legacy", [987654321, 2**63 - 1])
def test_a_card_the_app_lacks_is_not_found(dev: httpx.Client, app: DevApp, legacy: int) -> None:
    answer = dev.post(migrate_path(app), json=migration(legacy, 1))
    body = not_found(f"Card {legacy} not found", cardId=[str(legacy)])
    assert_hubspot_error(answer, 404, **body)


def test_another_apps_card_is_not_found(server: Server, dev: httpx.Client, app: DevApp) -> None:
    other = new_app(server, "Other migrating app")
    with developer_http(server, other) as theirs:
        card = new_card(theirs, other)
    answer = dev.post(migrate_path(app), json=migration(card, 1))
    assert_hubspot_error(answer, 404, **not_found(f"Card {card} not found", cardId=[str(card)]))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"legacyCrmCardId": 1, "appCardId": 2},
            "Invalid input JSON: Object missing required field `allowDuplicateAppCardIds`",
        ),
        (migration(1, 0), "Invalid input JSON: Expected `int` >= 1"),
        (
            migration(1, 2, helpdeskAppCardId="x"),
            "Invalid input JSON: Expected `int | null`, got `str`",
        ),
    ],
)
def test_bad_input_is_refused(
    dev: httpx.Client, app: DevApp, body: dict[str, Any], message: str
) -> None:
    assert_hubspot_error(dev.post(migrate_path(app), json=body), 400, **invalid(message))


def test_another_apps_id_is_not_found(server: Server, dev: httpx.Client) -> None:
    other = new_app(server, "Someone else's app")
    answer = dev.post(migrate_path(other), json=migration(1, 2))
    body = not_found(f"App {other.app_id} not found", appId=[str(other.app_id)])
    assert_hubspot_error(answer, 404, **body)


def test_the_developer_key_is_required(server: Server, app: DevApp) -> None:
    with httpx.Client(base_url=server.base_url) as anonymous:
        missing = anonymous.post(migrate_path(app), json=migration(1, 2))
        wrong = anonymous.post(
            migrate_path(app), params={"hapikey": "not-a-key"}, json=migration(1, 2)
        )
        bearer = anonymous.post(
            migrate_path(app),
            headers={"Authorization": f"Bearer {server.token}"},
            json=migration(1, 2),
        )
    assert_hubspot_error(missing, 401, **NO_CREDENTIALS)
    assert_hubspot_error(wrong, 401, **INVALID_KEY)
    assert_hubspot_error(bearer, 401, **NO_CREDENTIALS)
