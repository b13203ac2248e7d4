"""``localspot apps create|install|uninstall|list`` as subprocesses, on both databases: the
last stdout line of ``create`` is the JSON of the app's id and secrets; nothing else ever
shows a secret; the developer key is stored as its digest, the client secret as given."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import localspot_command, run_cli, scratch_postgres


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'apps.db'}"
    else:
        request.getfixturevalue("postgres_url")  # skips when no PostgreSQL answers
        with scratch_postgres("apps_cli") as url:
            yield url


def run(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LOCALSPOT_DATABASE_URL": database_url}
    return subprocess.run(
        localspot_command(*args), env=env, capture_output=True, text=True, timeout=60
    )


def fails(database_url: str, *args: str) -> str:
    done = run(database_url, *args)
    assert done.returncode != 0, done.stdout
    return done.stderr


def listing(database_url: str) -> list[list[str]]:
    done = run(database_url, "apps", "list")
    assert done.returncode == 0, done.stderr
    return [line.split("\t") for line in done.stdout.splitlines()]


def test_create_prints_the_app_and_its_secrets_as_json_on_the_last_line(
    database_url: str,
) -> None:
    done = run(database_url, "apps", "create", "--name", "Sync app")
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout.splitlines()[-1])
    assert set(shown) == {"appId", "clientSecret", "developerApiKey"}
    assert shown["appId"] == 1 and shown["clientSecret"] != shown["developerApiKey"]
    assert done.stderr.splitlines()[-1] == "app 1 (Sync app) installed in portal 1"
    second = json.loads(run_cli(database_url, "apps", "create"))
    assert second["appId"] == 2
    rows = listing(database_url)
    assert [(r[0], r[1], r[3]) for r in rows] == [("1", "Sync app", "1"), ("2", "App", "1")]
    for secret in (shown["clientSecret"], shown["developerApiKey"]):
        assert secret not in run(database_url, "apps", "list").stdout


def test_install_and_uninstall_move_an_app_between_portals(database_url: str) -> None:
    app = json.loads(run_cli(database_url, "apps", "create"))["appId"]
    other = run_cli(database_url, "portals", "create", "--name", "Other")
    assert run_cli(database_url, "apps", "install", str(app), "--portal", other) == (
        f"installed in portal {other}"
    )
    assert listing(database_url)[0][3] == f"1,{other}"
    assert run_cli(database_url, "apps", "uninstall", str(app), "--portal", "1") == (
        "uninstalled from portal 1"
    )
    assert listing(database_url)[0][3] == other


def test_apps_commands_refuse_bad_input_and_make_nothing(database_url: str) -> None:
    assert "Portal 99 does not exist" in fails(database_url, "apps", "create", "--portal", "99")
    assert listing(database_url) == []
    app = json.loads(run_cli(database_url, "apps", "create"))["appId"]
    assert "App 7 not found" in fails(database_url, "apps", "install", "7")
    other = run_cli(database_url, "portals", "create")
    assert f"App {app} is not installed in portal {other}" in fails(
        database_url, "apps", "uninstall", str(app), "--portal", other
    )


def test_the_developer_key_is_stored_as_its_digest_and_the_secret_as_given(
    database_url: str,
) -> None:
    import hashlib

    import sqlalchemy

    shown = json.loads(run_cli(database_url, "apps", "create"))
    engine = sqlalchemy.create_engine(
        database_url.replace("postgresql://", "postgresql+psycopg://")
    )
    try:
        with engine.connect() as conn:
            row = conn.execute(
                sqlalchemy.text("SELECT client_secret, developer_key_hash FROM apps")
            ).one()
    finally:
        engine.dispose()
    digest = hashlib.sha256(shown["developerApiKey"].encode()).hexdigest()
    assert (row.client_secret, row.developer_key_hash) == (shown["clientSecret"], digest)
