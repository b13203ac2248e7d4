"""The official Node SDK (`@hubspot/api-client`) retries through localspot's 429s.

Its retry decorator keys on HubSpot's exact 429 bodies: ``policyName`` TEN_SECONDLY_ROLLING
(it waits 10 s) and the message ``You have reached your secondly limit.`` (1 s)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import start_server, stop_server

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


def test_node_sdk_retries_after_429s(node_sdk: Path, tmp_path: Path) -> None:
    limits = {
        "LOCALSPOT_RATE_LIMITS": "on",
        "LOCALSPOT_TEN_SECONDLY_LIMITS": "free=2",
        "LOCALSPOT_TEN_SECONDLY_WINDOW_MS": "1000",
        "LOCALSPOT_SEARCH_PER_SECOND": "1",
    }
    server = start_server(f"sqlite:///{tmp_path / 'node.db'}", env=limits)
    try:
        env = {
            **os.environ,
            "LOCALSPOT_BASE_URL": server.base_url,
            "LOCALSPOT_NODE_TOKEN": server.token,
        }
        done = subprocess.run(
            ["node", "--test", "retry.test.mjs"],
            cwd=node_sdk,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        stop_server(server)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
