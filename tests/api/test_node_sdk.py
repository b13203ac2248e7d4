"""The official Node SDK (`@hubspot/api-client`) against a real ``localspot serve``.

It retries through localspot's 429s: its retry decorator keys on HubSpot's exact 429 bodies
(``policyName`` TEN_SECONDLY_ROLLING: it waits 10 s; the message ``You have reached your
secondly limit.``: 1 s). And it reaches the CRM extension calls the Python SDK lacks
(``extensions.test.mjs``)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest
from webhook_support import developer_http, new_app

from conftest import Server, start_server, stop_server

NODE_DIR = Path(__file__).resolve().parents[1] / "node"


@pytest.fixture(scope="module")
def node_sdk() -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are not installed: the Node SDK test needs them")
    if not (NODE_DIR / "node_modules" / "@hubspot" / "api-client").exists():
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund"], cwd=NODE_DIR, check=True, timeout=300
        )
    return NODE_DIR


def run_node(node_sdk: Path, test_file: str, server: Server, **env: str) -> None:
    variables = {
        **os.environ,
        "LOCALSPOT_BASE_URL": server.base_url,
        "LOCALSPOT_NODE_TOKEN": server.token,
        **env,
    }
    done = subprocess.run(
        ["node", "--test", test_file],
        cwd=node_sdk,
        env=variables,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_node_sdk_retries_after_429s(node_sdk: Path, tmp_path: Path) -> None:
    limits = {
        "LOCALSPOT_RATE_LIMITS": "on",
        "LOCALSPOT_TEN_SECONDLY_LIMITS": "free=2",
        "LOCALSPOT_TEN_SECONDLY_WINDOW_MS": "1000",
        "LOCALSPOT_SEARCH_PER_SECOND": "1",
    }
    server = start_server(f"sqlite:///{tmp_path / 'node.db'}", env=limits)
    try:
        run_node(node_sdk, "retry.test.mjs", server)
    finally:
        stop_server(server)


def _extension_fixtures(server: Server) -> dict[str, str]:
    """A portal and its token, a contact with the caller's number there, an app installed
    there and one legacy card of it."""
    portal = server.new_portal()
    token = server.new_token("--portal", str(portal))
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base_url, headers=headers) as crm:
        contact = crm.post(
            "/crm/v3/objects/contacts",
            json={
                "properties": {
                    "phone": "+1 617-555-0100",
                    "email": "node@example.com",
                    "firstname": "Node",
                }
            },
        )
        assert contact.status_code == 201, contact.text
    app = new_app(server, "Node app", portal_id=portal)
    card = {
        "title": "Node card",
        "fetch": {
            "targetUrl": "https://cards.example.com/fetch",
            "objectTypes": [{"name": "contacts", "propertiesToSend": ["email"]}],
        },
        "display": {"properties": []},
        "actions": {"baseUrls": ["https://cards.example.com/actions"]},
    }
    with developer_http(server, app) as dev:
        made = dev.post(f"/crm/v3/extensions/cards-dev/{app.app_id}", json=card)
        assert made.status_code == 201, made.text
    return {
        "LOCALSPOT_NODE_TOKEN": token,
        "LOCALSPOT_NODE_PORTAL": str(portal),
        "LOCALSPOT_NODE_CONTACT": contact.json()["id"],
        "LOCALSPOT_NODE_APP": str(app.app_id),
        "LOCALSPOT_NODE_DEVELOPER_KEY": app.developer_api_key,
        "LOCALSPOT_NODE_CARD": made.json()["id"],
    }


def test_node_sdk_reports_inbound_calls_and_migrates_card_views(
    node_sdk: Path, tmp_path: Path
) -> None:
    server = start_server(f"sqlite:///{tmp_path / 'node.db'}")
    try:
        run_node(node_sdk, "extensions.test.mjs", server, **_extension_fixtures(server))
    finally:
        stop_server(server)
