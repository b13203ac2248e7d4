"""``localspot teams ...`` and ``owners create --team`` as subprocesses, on both databases."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import localspot_command, run_cli, scratch_postgres


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'teams.db'}"
    else:
        request.getfixturevalue("postgres_url")  # skips when no PostgreSQL answers
        with scratch_postgres("teams_cli") as url:
            yield url


def fails(database_url: str, *args: str) -> str:
    env = {**os.environ, "LOCALSPOT_DATABASE_URL": database_url}
    done = subprocess.run(
        localspot_command(*args), env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0, done.stdout
    return done.stderr


def rows(database_url: str, *portal: str) -> list[list[str]]:
    env = {**os.environ, "LOCALSPOT_DATABASE_URL": database_url}
    listing = subprocess.run(
        localspot_command("teams", "list", *portal),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.splitlines()
    return [[line.split("\t")[i] for i in (0, 1, 2, 4)] for line in listing]


def test_teams_create_add_owners_list_and_archive(database_url: str) -> None:
    assert run_cli(database_url, "teams", "create", "--name", "West") == "1"
    assert run_cli(database_url, "teams", "create", "--name", "East") == "2"
    owner = run_cli(database_url, "owners", "create", "--email", "a@x.io", "--team", "1")
    assert owner == "1"
    run_cli(database_url, "owners", "create", "--email", "b@x.io")
    assert run_cli(database_url, "teams", "add-owner", "2", "1") == "added"
    assert run_cli(database_url, "teams", "add-owner", "2", "2", "--not-primary") == "added"
    assert run_cli(database_url, "teams", "add-owner", "2", "1", "--primary") == "added"
    assert rows(database_url) == [["1", "West", "live", "1"], ["2", "East", "live", "1*,2*"]]
    assert run_cli(database_url, "teams", "remove-owner", "2", "1") == "removed"
    assert rows(database_url) == [["1", "West", "live", "1*"], ["2", "East", "live", "2*"]]
    assert run_cli(database_url, "teams", "archive", "1") == "archived"
    assert rows(database_url) == [["1", "West", "archived", "-"], ["2", "East", "live", "2*"]]


def test_teams_commands_refuse_bad_input(database_url: str) -> None:
    run_cli(database_url, "teams", "create", "--name", "West")
    assert "A team named west already exists" in fails(
        database_url, "teams", "create", "--name", "west"
    )
    assert "A team needs a name" in fails(database_url, "teams", "create", "--name", " ")
    assert "Team 9 not found" in fails(database_url, "teams", "archive", "9")
    assert "Owner 4 not found" in fails(database_url, "teams", "add-owner", "1", "4")
    assert "Team 9 not found" in fails(
        database_url, "owners", "create", "--email", "a@x.io", "--team", "9"
    )
    env = {**os.environ, "LOCALSPOT_DATABASE_URL": database_url}
    owners = subprocess.run(
        localspot_command("owners", "list"), env=env, capture_output=True, text=True, check=True
    )
    assert owners.stdout == ""  # the refused --team made no owner
    assert "Portal 99 does not exist" in fails(database_url, "teams", "list", "--portal", "99")


def test_export_and_import_carry_teams(database_url: str, tmp_path: Path) -> None:
    run_cli(database_url, "teams", "create", "--name", "West")
    run_cli(database_url, "teams", "create", "--name", "Gone")
    run_cli(database_url, "owners", "create", "--email", "a@x.io", "--team", "1")
    run_cli(database_url, "teams", "archive", "2")
    env = {**os.environ, "LOCALSPOT_DATABASE_URL": database_url}
    exported = subprocess.run(
        localspot_command("export"), env=env, capture_output=True, timeout=60, check=True
    ).stdout
    snapshot = tmp_path / "portal.json"
    snapshot.write_bytes(exported)
    portal_id = run_cli(database_url, "import", str(snapshot))
    assert rows(database_url, "--portal", portal_id) == [
        ["1", "West", "live", "1*"],
        ["2", "Gone", "archived", "-"],
    ]


def test_csv_import_refuses_owner_ids_that_are_not_live_owners(
    database_url: str, tmp_path: Path
) -> None:
    run_cli(database_url, "owners", "create", "--email", "a@x.io")
    run_cli(database_url, "owners", "create", "--email", "b@x.io")
    run_cli(database_url, "owners", "archive", "2")
    rows = tmp_path / "calls.csv"
    rows.write_text(
        "hs_timestamp,hubspot_owner_id\n"
        "2026-01-01T10:00:00Z,1\n"
        "2026-01-01T10:00:00Z,2\n"
        "2026-01-01T10:00:00Z,77\n"
    )
    problems = [line for line in fails(database_url, "import", str(rows)).splitlines()]
    assert [line for line in problems if line.startswith("row ")] == [
        "row 3: COULD_NOT_FIND_OWNER: 2 is not a valid owner id",
        "row 4: COULD_NOT_FIND_OWNER: 77 is not a valid owner id",
    ]  # the Imports API's error types; the valid row 2 was written
    rows.write_text("hs_timestamp,hubspot_owner_id\n2026-01-01T10:00:00Z,1\n")
    env = {**os.environ, "LOCALSPOT_DATABASE_URL": database_url}
    done = subprocess.run(
        localspot_command("import", str(rows)), env=env, capture_output=True, text=True, check=True
    )
    assert "imported 1 calls" in done.stderr
