"""A server stopped in the middle of an import (SIGKILL, on both databases): the next
start resumes the import from the position its last slice committed, and every row lands
exactly once (each slice's records and the job's position are one transaction)."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "api"))
from import_support import csv_bytes, finished, import_request, poll, start  # noqa: E402

from conftest import (  # noqa: E402
    postgres_available,
    scratch_postgres,
    start_server,
    stop_server,
)

ROWS = 30_000
COLUMNS = [
    {"columnObjectTypeId": "0-1", "columnName": "Email", "propertyName": "email"},
    {"columnObjectTypeId": "0-1", "columnName": "First", "propertyName": "firstname"},
]


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_an_import_cut_short_by_a_crash_resumes_after_a_restart(kind: str, tmp_path: Path) -> None:
    """On a database of its own: a shared server on the session's database would claim the
    import once the stopped server's hold ends, without its files (another data folder)."""
    if kind == "sqlite":
        run_cut_short(f"sqlite:///{tmp_path / 'restart.db'}", tmp_path)
        return
    if not postgres_available():
        pytest.skip("no PostgreSQL server answers on 127.0.0.1:5432")
    with scratch_postgres("localspot_restart") as url:
        run_cut_short(url, tmp_path)


def run_cut_short(url: str, tmp_path: Path) -> None:
    env = {"LOCALSPOT_DATA_DIR": str(tmp_path / "files")}
    server = start_server(url, env=env)
    token = server.new_token("--portal", str(server.new_portal()))
    headers = {"Authorization": f"Bearer {token}"}
    rows = [["Email", "First"]] + [[f"r{i}@example.com", f"n{i}"] for i in range(ROWS)]
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as http:
        started = start(http, import_request([("big.csv", COLUMNS)]), {"big.csv": csv_bytes(rows)})
        assert started.status_code == 200, started.text
        import_id = started.json()["id"]
        mid = poll(
            lambda: dict(http.get(f"/crm/v3/imports/{import_id}").json()),
            lambda job: job["metadata"]["counters"]["PROCESSED_ROWS"] > 0,
        )
    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait()
    assert mid["state"] == "PROCESSING"
    assert 0 < mid["metadata"]["counters"]["PROCESSED_ROWS"] < ROWS
    again = start_server(url, env=env)
    try:
        with httpx.Client(base_url=again.base_url, headers=headers, timeout=30) as http:
            done = finished(http, import_id)
            assert done["state"] == "DONE", done
            counters = done["metadata"]["counters"]
            assert (counters["CREATED_OBJECTS"], counters["ERRORS"]) == (ROWS, 0)
            search = {"limit": 1, "filterGroups": []}
            total = http.post("/crm/v3/objects/contacts/search", json=search).json()["total"]
            assert total == ROWS
    finally:
        stop_server(again)
        stop_server(server)
