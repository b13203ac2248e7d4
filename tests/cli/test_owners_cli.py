"""``localspot owners create|list|archive`` as subprocesses, on both databases."""

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
        yield f"sqlite:///{tmp_path / 'owners.db'}"
    else:
        request.getfixturevalue("postgres_url")  # skips when no PostgreSQL answers
        with scratch_postgres("owners_cli") as url:
            yield url


def fails(database_url: str, *args: str) -> str:
    """Run a command that must fail; its stderr."""
    env = {**os.environ, "LOCALSPOT_DATABASE_URL": database_url}
    done = subprocess.run(
        localspot_command(*args), env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0, done.stdout
    return done.stderr


def test_owners_create_list_and_archive(database_url: str) -> None:
    first = run_cli(
        database_url, "owners", "create", "--email", "Ann@Example.com", "--first-name", "Ann",
        "--last-name", "Lee",
    )  # fmt: skip
    second = run_cli(database_url, "owners", "create", "--email", "bob@example.com")
    assert (first, second) == ("1", "2")
    assert run_cli(database_url, "owners", "archive", "2") == "archived"
    listing = subprocess.run(
        localspot_command("owners", "list", "--database-url", database_url),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.splitlines()
    rows = [line.split("\t")[:5] for line in listing]
    assert rows == [
        ["1", "10000001", "ann@example.com", "Ann Lee", "live"],
        ["2", "10000002", "bob@example.com", "-", "archived"],
    ]


def test_owners_create_refuses_a_taken_or_bad_email(database_url: str) -> None:
    run_cli(database_url, "owners", "create", "--email", "ann@example.com")
    taken = fails(database_url, "owners", "create", "--email", "ANN@example.com")
    assert "An owner with email ann@example.com already exists" in taken
    bad = fails(database_url, "owners", "create", "--email", "nope")
    assert "Invalid owner email 'nope'" in bad


def test_owners_commands_on_an_unknown_portal_or_owner_fail(database_url: str) -> None:
    assert "Portal 99 does not exist" in fails(
        database_url, "owners", "create", "--email", "a@b.co", "--portal", "99"
    )
    assert "Portal 99 does not exist" in fails(database_url, "owners", "list", "--portal", "99")
    run_cli(database_url, "portals", "create")
    assert "Owner 7 not found" in fails(database_url, "owners", "archive", "7")


def test_export_and_import_carry_owners(database_url: str, tmp_path: Path) -> None:
    run_cli(database_url, "owners", "create", "--email", "ann@example.com", "--first-name", "Ann")
    run_cli(database_url, "owners", "create", "--email", "bob@example.com")
    run_cli(database_url, "owners", "archive", "2")
    env = {**os.environ, "LOCALSPOT_DATABASE_URL": database_url}
    exported = subprocess.run(
        localspot_command("export"), env=env, capture_output=True, timeout=60, check=True
    ).stdout
    snapshot = tmp_path / "portal.json"
    snapshot.write_bytes(exported)
    portal_id = run_cli(database_url, "import", str(snapshot))
    listed = subprocess.run(
        localspot_command("owners", "list", "--portal", portal_id),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.splitlines()
    assert [line.split("\t")[:5] for line in listed] == [
        ["1", "10000001", "ann@example.com", "Ann", "live"],
        ["2", "10000002", "bob@example.com", "-", "archived"],
    ]
