"""The official Node SDK (`@hubspot/api-client`) schedules, reads and cancels a list's
conversion to a static list through `crm.lists.listsApi` (the Python SDK has no such
methods), and drives every other method of `crm.lists` (lists, memberships, folders, legacy id
mapping) in a portal of its own on the session's server."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from test_node_sdk import node_sdk, run_node

from conftest import Server, start_server, stop_server

__all__ = ["node_sdk"]


def test_node_sdk_schedules_and_cancels_a_list_conversion(node_sdk: Path, tmp_path: Path) -> None:
    server = start_server(f"sqlite:///{tmp_path / 'node-lists.db'}")
    try:
        env = {
            **os.environ,
            "LOCALSPOT_BASE_URL": server.base_url,
            "LOCALSPOT_NODE_TOKEN": server.token,
        }
        done = subprocess.run(
            ["node", "--test", "lists.test.mjs"],
            cwd=node_sdk,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        stop_server(server)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_node_sdk_lists_memberships_folders_and_mapping(node_sdk: Path, server: Server) -> None:
    token = server.new_token("--portal", str(server.new_portal()))
    run_node(node_sdk, "lists-api.test.mjs", server, LOCALSPOT_NODE_TOKEN=token)
