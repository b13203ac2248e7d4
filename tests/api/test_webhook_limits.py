"""The Webhooks API's limit of 1000 subscriptions per app, in process (the app of ``localspot
serve`` on a real SQLite file, driven through its ASGI interface): the 1001st is refused and
nothing is written; deleting one makes room again."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import TestClient
from webhook_support import invalid

from conftest import NOON_UTC, assert_hubspot_error

LIMIT = 1000


@pytest.fixture(scope="module")
def spot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient[Any], int]]:
    """The app in process with a developer app installed in a portal with LIMIT custom
    contact properties; the client carries the app's developer key."""
    from localspot.app import create_app
    from localspot.clock import FixedClock
    from localspot.config import Settings
    from localspot.crm import apps
    from localspot.crm.accounts import all_scopes, hash_token
    from localspot.store.open import open_store

    url = "sqlite:///" + str(Path(tmp_path_factory.mktemp("limits")) / "localspot.db")
    token = "pat-na1-00000000-0000-4000-8000-00000000limit"

    async def register() -> apps.CreatedApp:
        store = open_store(url)
        try:
            portal = await store.create_portal("limits")
            await store.create_token(portal, hash_token(token), all_scopes(), "private_app")
            return await apps.create(store, "Limits", portal, NOON_UTC)
        finally:
            await store.close()

    made = asyncio.run(register())
    app = create_app(Settings(database_url=url, rate_limits=False), clock=FixedClock(NOON_UTC))
    with TestClient(app) as client:
        for start in range(0, LIMIT, 100):
            inputs = [
                {
                    "name": f"tier_{i}",
                    "label": f"Tier {i}",
                    "type": "string",
                    "fieldType": "text",
                    "groupName": "contactinformation",
                }
                for i in range(start, start + 100)
            ]
            done = client.post(
                "/crm/v3/properties/contacts/batch/create",
                json={"inputs": inputs},
                headers={"Authorization": f"Bearer {token}"},
            )
            assert done.status_code == 201, done.text
        client.params = {"hapikey": made.developer_api_key}
        yield client, made.app.id


def test_an_app_holds_at_most_1000_subscriptions(spot: tuple[TestClient[Any], int]) -> None:
    client, app_id = spot
    path = f"/webhooks/v3/{app_id}/subscriptions"
    for i in range(LIMIT):
        body = {"eventType": "contact.propertyChange", "propertyName": f"tier_{i}"}
        assert client.post(path, json=body).status_code == 201
    extra = client.post(path, json={"eventType": "contact.creation"})
    message = f"An app can have at most {LIMIT} webhook subscriptions"
    assert_hubspot_error(extra, 400, **invalid(message, limit=[str(LIMIT)]))  # type: ignore[arg-type]
    assert len(client.get(path).json()["results"]) == LIMIT
    assert client.delete(f"{path}/1").status_code == 204
    assert client.post(path, json={"eventType": "contact.creation"}).status_code == 201
