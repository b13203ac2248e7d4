"""The official Node SDK's app-level clients against the session's ``localspot serve``:
``webhooks`` (settings and subscriptions) and ``crm.timeline`` (templates and tokens with the
app's developer API key, events with the token of a portal the app is installed in)."""

from __future__ import annotations

from pathlib import Path

from test_node_sdk import node_sdk, run_node
from webhook_support import new_app

from conftest import Server

__all__ = ["node_sdk"]


def _app_env(server: Server, name: str) -> dict[str, str]:
    """A new portal, its token and an app installed there, for node's environment."""
    portal = server.new_portal()
    app = new_app(server, name, portal_id=portal)
    return {
        "LOCALSPOT_NODE_TOKEN": server.new_token("--portal", str(portal)),
        "LOCALSPOT_NODE_PORTAL": str(portal),
        "LOCALSPOT_NODE_APP": str(app.app_id),
        "LOCALSPOT_NODE_DEVELOPER_KEY": app.developer_api_key,
    }


def test_node_sdk_webhooks_settings_and_subscriptions(node_sdk: Path, server: Server) -> None:
    run_node(node_sdk, "webhooks.test.mjs", server, **_app_env(server, "Node webhooks"))


def test_node_sdk_timeline_templates_tokens_and_events(node_sdk: Path, server: Server) -> None:
    run_node(node_sdk, "timeline.test.mjs", server, **_app_env(server, "Node timeline"))
