"""SIGKILL during a load: after a restart every batch is all-or-nothing, and every batch the
server acknowledged is there (SQLite's WAL with synchronous=NORMAL survives a process crash)."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import httpx
import pytest

from conftest import Server, start_server, stop_server

RECORDS = 40
ACKNOWLEDGED_BEFORE_KILL = 15


def load_until_killed(
    server: Server, token: str, ids: list[str], acked: list[int], ready: threading.Event
) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as http:
        for k in range(400):
            inputs = [{"id": i, "properties": {"hs_call_body": f"batch-{k}"}} for i in ids]
            try:
                response = http.post("/crm/v3/objects/calls/batch/update", json={"inputs": inputs})
            except httpx.HTTPError:
                return
            if response.status_code == 200:
                acked.append(k)
            if len(acked) == ACKNOWLEDGED_BEFORE_KILL:
                ready.set()
    ready.set()


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_sigkill_leaves_whole_batches_only(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'crash.db'}"
        if kind == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    server = start_server(url)
    token = server.new_token("--portal", str(server.new_portal()))
    headers = {"Authorization": f"Bearer {token}"}
    inputs = [{"properties": {"hs_timestamp": "1700000000000"}} for _ in range(RECORDS)]
    created = httpx.post(
        f"{server.base_url}/crm/v3/objects/calls/batch/create",
        json={"inputs": inputs},
        headers=headers,
    )
    ids = [r["id"] for r in created.json()["results"]]
    acked: list[int] = []
    ready = threading.Event()
    loader = threading.Thread(target=load_until_killed, args=(server, token, ids, acked, ready))
    loader.start()
    assert ready.wait(timeout=120)
    os.kill(server.process.pid, signal.SIGKILL)  # mid-load: the next batch is in flight
    loader.join(timeout=60)
    stop_server(server)
    restarted = start_server(url)
    try:
        body = {"inputs": [{"id": i} for i in ids], "propertiesWithHistory": ["hs_call_body"]}
        response = httpx.post(
            f"{restarted.base_url}/crm/v3/objects/calls/batch/read", json=body, headers=headers
        )
        results = response.json()["results"]
    finally:
        stop_server(restarted)
    seen = [[v["value"] for v in r["propertiesWithHistory"]["hs_call_body"]] for r in results]
    markers = {m for values in seen for m in values}
    for marker in markers:
        assert all(marker in values for values in seen), f"{marker} is only partly written"
    assert {f"batch-{k}" for k in acked} <= markers
