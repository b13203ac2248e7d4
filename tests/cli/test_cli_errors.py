"""The operator's commands refuse bad input with one clear line and a non-zero exit (never a
traceback), and ``tokens create`` mints exactly the scopes and lifetime asked for."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import httpx
import pytest

from conftest import localspot_command, run_cli, start_server, stop_server

CALLS = "/crm/v3/objects/calls"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    database = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'cli.db'}"
    run_cli(database, "db", "upgrade")
    return database


def run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LOCALSPOT_DATABASE_URL": url}
    return subprocess.run(
        localspot_command(*args), env=env, capture_output=True, text=True, timeout=60
    )


REFUSED = [
    (("tokens", "create", "--portal", "999"), 1, "Error: Portal 999 does not exist"),
    (
        ("tokens", "create", "--scopes", "crm.objects.deals.read,nonsense.scope,other"),
        2,
        "Error: Unknown scopes: nonsense.scope, other; known scopes: ",
    ),
    (("tokens", "create", "--expires-in", "-5"), 2, "Error: A token's lifetime must be at least"),
    (("tokens", "create", "--kind", "robot"), 2, "Error: Unknown token kind 'robot'"),
    (("portals", "create", "--tier", "platinum"), 2, "Error: Unknown tier 'platinum'"),
    (("export", "--portal", "999"), 1, "Portal 999 does not exist"),
    (("db", "current", "--database-url", "bogus://x"), 1, "Error: invalid database URL: "),
    (
        ("portals", "create", "--database-url", "sqlite:////no/such/directory/x.db"),
        1,
        "Error: database error: unable to open database file",
    ),
    (
        ("db", "upgrade", "--database-url", "postgresql://postgres@127.0.0.1:1/none"),
        1,
        "Error: database error: connection failed",
    ),
]


@pytest.mark.parametrize(
    ("args", "code", "line"), REFUSED, ids=[" ".join(a) for a, _, _ in REFUSED]
)
def test_bad_input_is_one_line_and_a_non_zero_exit(
    url: str, args: tuple[str, ...], code: int, line: str
) -> None:
    done = run(url, *args)
    assert done.returncode == code, done.stderr
    assert done.stdout == ""
    (only,) = done.stderr.splitlines()
    assert only.startswith(line), only


def test_an_unreadable_csv_is_one_line(url: str, tmp_path: Path) -> None:
    rows = tmp_path / "calls.csv"
    rows.write_bytes(b"\xff\xfe\x00hs_timestamp\n")
    done = run(url, "import", str(rows))
    assert done.returncode == 1
    (only,) = done.stderr.splitlines()
    assert only.startswith("Error: ") and "codec can't decode" in only


def test_negative_seed_counts_are_refused(url: str) -> None:
    done = run(url, "seed", "--calls", "-5")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "--calls" in done.stderr


def test_tokens_get_exactly_the_scopes_asked_for(url: str) -> None:
    """``--scopes ""`` is an explicit empty list: a token with no scope at all (403 on every
    scoped route), where leaving ``--scopes`` out gives every scope."""
    no_scopes = run(url, "tokens", "create", "--scopes", "")
    assert no_scopes.returncode == 0, no_scopes.stderr
    assert "scopes: (none)" in no_scopes.stderr
    deals_only = run_cli(url, "tokens", "create", "--scopes", "crm.objects.deals.read")
    every = run_cli(url, "tokens", "create")
    server = start_server(url)
    try:

        def status(token: str, path: str) -> int:
            headers = {"Authorization": f"Bearer {token}"}
            return httpx.get(f"{server.base_url}{path}", headers=headers).status_code

        assert status(no_scopes.stdout.strip(), CALLS) == 403
        assert status(no_scopes.stdout.strip(), "/crm/v3/objects/deals") == 403
        assert status(deals_only, CALLS) == 403
        assert status(deals_only, "/crm/v3/objects/deals") == 200
        assert status(every, CALLS) == 200
    finally:
        stop_server(server)


SERVE_REFUSED = [
    (("--port", "99999"), 2, "Error: --port must be between 0 and 65535, not 99999"),
    (("--workers", "0"), 2, "Error: --workers must be at least 1, not 0"),
    (
        ("--workers", "2"),
        2,
        "Error: SQLite runs in one server process (one writer); use PostgreSQL for --workers > 1.",
    ),
]


@pytest.mark.parametrize(
    ("args", "code", "line"), SERVE_REFUSED, ids=[" ".join(a) for a, _, _ in SERVE_REFUSED]
)
def test_serve_with_a_bad_option_is_one_line_and_a_non_zero_exit(
    url: str, args: tuple[str, ...], code: int, line: str
) -> None:
    done = run(url, "serve", *args)
    assert done.returncode == code, done.stderr
    assert done.stdout == ""
    assert done.stderr.splitlines() == [line]


def test_serve_on_a_port_in_use_is_one_line_and_exit_1(url: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run(url, "serve", "--port", str(port))
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use"
    ]


def test_serve_on_an_unresolvable_host_is_one_line_and_exit_1(url: str) -> None:
    done = run(url, "serve", "--host", "no-such-host.invalid", "--port", "0")
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    (only,) = done.stderr.splitlines()
    assert only.startswith("Error: cannot listen on no-such-host.invalid:0: "), only


@pytest.mark.parametrize(
    ("make", "line"),
    [
        ("beside-a-file", "Error: database error: unable to open database file"),
        ("not-a-database", "Error: database error: file is not a database"),
    ],
)
def test_serve_on_an_unreadable_database_is_one_line_and_exit_1(
    tmp_path: Path, make: str, line: str
) -> None:
    plain = tmp_path / "plain.txt"
    plain.write_text("not a database\n")
    path = plain / "x.db" if make == "beside-a-file" else plain
    done = run(f"sqlite:///{path}", "serve", "--port", "0")
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert done.stderr.splitlines() == [line]
