"""`localspot db upgrade` / `db current`, and serving without migrating."""

from __future__ import annotations

from pathlib import Path

from conftest import run_cli


def test_db_current_is_none_before_and_head_after_upgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert run_cli(url, "db", "current") == "none"
    assert run_cli(url, "db", "upgrade") == "0001"
    assert run_cli(url, "db", "current") == "0001"


def test_db_upgrade_twice_is_harmless(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'twice.db'}"
    run_cli(url, "db", "upgrade")
    assert run_cli(url, "db", "upgrade") == "0001"


def test_db_commands_work_on_postgres(postgres_url: str) -> None:
    assert run_cli(postgres_url, "db", "upgrade") == "0001"
    assert run_cli(postgres_url, "db", "current") == "0001"
