"""``localspot export``/``import`` carry a portal's pipelines (both databases)."""

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
        yield f"sqlite:///{tmp_path / 'pipelines.db'}"
    else:
        request.getfixturevalue("postgres_url")  # skips when no PostgreSQL answers
        with scratch_postgres("pipelines_cli") as url:
            yield url


def export(database_url: str, *args: str) -> dict[str, object]:
    env = {**os.environ, "LOCALSPOT_DATABASE_URL": database_url}
    done = subprocess.run(
        localspot_command("export", *args), env=env, capture_output=True, timeout=60, check=True
    )
    exported: dict[str, object] = json.loads(done.stdout)
    return exported


def test_export_and_import_carry_pipelines(database_url: str, tmp_path: Path) -> None:
    run_cli(database_url, "portals", "create")
    snapshot = export(database_url)
    pipelines = snapshot["pipelines"]
    assert isinstance(pipelines, list)
    assert sorted((p["objectType"], p["id"]) for p in pipelines) == [
        ("0-3", "default"),
        ("0-5", "0"),
    ]
    stage = {
        "id": "10000002",
        "label": "Imported",
        "displayOrder": 0,
        "createdAt": 5,
        "updatedAt": 5,
        "metadata": {"probability": "0.5", "isClosed": "false"},
    }
    custom = {
        "objectType": "0-3",
        "id": "10000001",
        "label": "Carried",
        "displayOrder": 1,
        "createdAt": 5,
        "updatedAt": 5,
        "stages": [stage],
    }
    snapshot["pipelines"] = [*pipelines, custom]
    path = tmp_path / "portal.json"
    path.write_text(json.dumps(snapshot))
    portal_id = run_cli(database_url, "import", str(path))
    again = export(database_url, "--portal", portal_id)
    carried = [p for p in again["pipelines"] if p["id"] == "10000001"]  # type: ignore[union-attr]
    assert carried == [
        {
            **custom,
            "archived": False,
            "archivedAt": None,
            "stages": [
                {
                    **stage,
                    "archived": False,
                    "archivedAt": None,
                    "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
                }
            ],
        }
    ]
