"""`localspot db upgrade` / `db current` / `db reindex`, and serving without migrating."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import run_cli, scratch_postgres

HEAD = "0020"


def test_db_current_is_none_before_and_head_after_upgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert run_cli(url, "db", "current") == "none"
    assert run_cli(url, "db", "upgrade") == HEAD
    assert run_cli(url, "db", "current") == HEAD


def test_a_database_at_0001_upgrades_to_head_and_gains_the_owners_table(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import create_engine, inspect

    from localspot.store.open import _alembic_config

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), "0001")
        assert "owners" not in inspect(engine).get_table_names()
        assert run_cli(url, "db", "current") == "0001"
        assert run_cli(url, "db", "upgrade") == HEAD
        assert "owners" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def test_the_head_read_from_the_version_files_is_alembics_head() -> None:
    """Opening a store skips alembic when the database is at ``head_revisions()``."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from localspot.store.open import head_revisions

    config = Config()
    config.set_main_option("script_location", "localspot.store:migrations")
    assert head_revisions() == set(ScriptDirectory.from_config(config).get_heads()) == {HEAD}


def test_db_upgrade_twice_is_harmless(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'twice.db'}"
    run_cli(url, "db", "upgrade")
    assert run_cli(url, "db", "upgrade") == HEAD


def test_db_commands_work_on_postgres(postgres_url: str) -> None:
    assert run_cli(postgres_url, "db", "upgrade") == HEAD
    assert run_cli(postgres_url, "db", "current") == HEAD


def _index_counts(url: str, portal: str) -> tuple[int, int]:
    """(entries in search's value index, records waiting in its queue) of one portal."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            counts = [
                conn.execute(text(f"SELECT COUNT(*) FROM {t} WHERE portal_id = :p"), {"p": portal})
                for t in ("property_index", "index_queue")
            ]
            return int(counts[0].scalar_one()), int(counts[1].scalar_one())
    finally:
        engine.dispose()


def _wipe_titles(url: str, portal: str) -> None:
    """What a change of the index's rules leaves behind: entries that no longer match."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.begin() as conn:
            conn.execute(
                text("DELETE FROM property_index WHERE portal_id = :p AND name = 'hs_call_title'"),
                {"p": portal},
            )
    finally:
        engine.dispose()


@pytest.fixture
def quiet_postgres_url(postgres_url: str) -> Iterator[str]:
    """A database of its own: the session's is shared with servers whose idle indexing
    would drain the queue this test looks at."""
    with scratch_postgres("localspot_reindex") as url:
        yield url


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_db_reindex_rebuilds_search_index_of_a_portal(
    database: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = (
        request.getfixturevalue("quiet_postgres_url")
        if database == "postgres"
        else f"sqlite:///{tmp_path / 'reindex.db'}"
    )
    run_cli(url, "db", "upgrade")
    portal = run_cli(url, "portals", "create", "--name", "reindex")
    run_cli(url, "seed", "--calls", "150", "--portal", portal)
    assert _index_counts(url, portal) == (0, 150)  # writes only queue their records
    assert run_cli(url, "db", "reindex", "--portal", portal) == "150"
    entries, queued = _index_counts(url, portal)
    assert queued == 0 and entries > 150
    _wipe_titles(url, portal)
    assert _index_counts(url, portal)[0] == entries - 150
    assert run_cli(url, "db", "reindex", "--portal", portal) == "150"
    assert _index_counts(url, portal) == (entries, 0)


def test_db_reindex_of_an_unknown_portal_fails(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'unknown.db'}"
    run_cli(url, "db", "upgrade")
    with pytest.raises(subprocess.CalledProcessError) as failed:
        run_cli(url, "db", "reindex", "--portal", "999")
    assert failed.value.returncode == 1
    assert "999" in failed.value.stderr
