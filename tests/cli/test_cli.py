"""The real commands as subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from conftest import localspot_command, run_cli, start_server, stop_server


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_tokens_create_prints_the_token_on_its_last_line(tmp_path: Path) -> None:
    token = run_cli(sqlite_url(tmp_path), "tokens", "create")
    assert token.startswith("pat-")
    assert len(token) > 20


def test_portals_create_prints_a_new_id_each_time(tmp_path: Path) -> None:
    first = int(run_cli(sqlite_url(tmp_path), "portals", "create", "--name", "a"))
    second = int(run_cli(sqlite_url(tmp_path), "portals", "create", "--name", "b"))
    assert second > first


def test_tokens_are_stored_hashed(tmp_path: Path) -> None:
    token = run_cli(sqlite_url(tmp_path), "tokens", "create")
    assert token.encode() not in (tmp_path / "cli.db").read_bytes()


def test_serve_answers_healthz_and_a_created_token(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    token = run_cli(url, "tokens", "create")
    server = start_server(url)
    try:
        assert httpx.get(f"{server.base_url}/healthz").json() == {"status": "ok"}
        headers = {"Authorization": f"Bearer {token}"}
        assert (
            httpx.get(f"{server.base_url}/crm/v3/objects/calls", headers=headers).status_code == 200
        )
    finally:
        stop_server(server)


def test_serve_refuses_several_workers_on_sqlite(tmp_path: Path) -> None:
    env = {**os.environ, "LOCALSPOT_DATABASE_URL": sqlite_url(tmp_path)}
    done = subprocess.run(
        localspot_command("serve", "--workers", "2"),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "PostgreSQL" in done.stderr


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "localspot", "--help"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0
    assert "serve" in done.stdout
