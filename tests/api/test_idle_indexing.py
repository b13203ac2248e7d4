"""Search's index catches up while the server is idle (``http/idle_indexing.py``): records
written through the API are indexed without any search asking for it."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import Server, start_server, stop_server

DEADLINE_SECONDS = 20


@pytest.fixture(scope="module")
def sqlite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Path]]:
    path = Path(tmp_path_factory.mktemp("idle")) / "idle.db"
    running = start_server(f"sqlite:///{path}")
    try:
        yield running, path
    finally:
        stop_server(running)


def count(path: Path, sql: str) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute(sql).fetchone()[0])


def test_records_written_are_indexed_once_the_server_is_idle(
    sqlite_server: tuple[Server, Path],
) -> None:
    server, path = sqlite_server
    headers = {"Authorization": f"Bearer {server.token}"}
    inputs = [
        {"properties": {"hs_timestamp": "2026-01-15T10:30:00Z", "hs_call_title": f"idle {i}"}}
        for i in range(100)
    ]
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as http:
        created = http.post("/crm/v3/objects/calls/batch/create", json={"inputs": inputs})
        assert created.status_code == 201
    deadline = time.monotonic() + DEADLINE_SECONDS
    while count(path, "SELECT COUNT(*) FROM index_queue") and time.monotonic() < deadline:
        time.sleep(0.05)  # polling a condition with a deadline, not waiting a fixed time
    assert count(path, "SELECT COUNT(*) FROM index_queue") == 0
    titles = "SELECT COUNT(DISTINCT object_id) FROM property_index WHERE name = 'hs_call_title'"
    assert count(path, titles) == 100
