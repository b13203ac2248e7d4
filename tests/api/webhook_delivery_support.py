"""Apps subscribed to a real receiver, for the webhook delivery tests: an app made through
the admin API and installed in a fresh portal, its settings and active subscriptions set
through the Webhooks API, and a CRM client of the portal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from admin_support import AdminServer

OBJECTS = "/crm/v3/objects"


@dataclass
class Subscribed:
    portal_id: int
    app_id: int
    client_secret: str
    developer_key: str
    crm: httpx.Client
    admin: httpx.Client
    base_url: str
    subscriptions: dict[str, int]
    """Subscription id by event type (``type:property`` for property changes)."""

    def developer(self) -> httpx.Client:
        params = {"hapikey": self.developer_key}
        return httpx.Client(base_url=self.base_url, params=params, timeout=30)

    def deliveries(self, **params: Any) -> list[dict[str, Any]]:
        found = self.admin.get(
            f"/_localspot/portals/{self.portal_id}/webhooks/deliveries", params=params
        )
        assert found.status_code == 200, found.text
        results: list[dict[str, Any]] = found.json()["results"]
        return results

    def create(self, object_type: str, **properties: str) -> str:
        made = self.crm.post(f"{OBJECTS}/{object_type}", json={"properties": properties})
        assert made.status_code == 201, made.text
        return str(made.json()["id"])


def subscribe(
    server: AdminServer,
    target_url: str,
    *subscriptions: dict[str, Any],
    portal: tuple[int, httpx.Client] | None = None,
    max_concurrent: int = 10,
) -> Subscribed:
    portal_id, crm = portal or server.new_portal()
    made = server.admin.post("/_localspot/apps", json={"name": "hooks", "portalId": portal_id})
    assert made.status_code == 201, made.text
    app = made.json()
    found = Subscribed(
        portal_id,
        app["appId"],
        app["clientSecret"],
        app["developerApiKey"],
        crm,
        server.admin,
        server.base_url,
        {},
    )
    with found.developer() as dev:
        settings = {
            "targetUrl": target_url,
            "throttling": {"maxConcurrentRequests": max_concurrent},
        }
        configured = dev.put(f"/webhooks/v3/{found.app_id}/settings", json=settings)
        assert configured.status_code == 200, configured.text
        for body in subscriptions:
            created = dev.post(
                f"/webhooks/v3/{found.app_id}/subscriptions", json={"active": True, **body}
            )
            assert created.status_code == 201, created.text
            key = body["eventType"] + (f":{body['propertyName']}" if "propertyName" in body else "")
            found.subscriptions[key] = int(created.json()["id"])
    return found
