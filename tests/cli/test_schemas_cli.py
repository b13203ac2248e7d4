"""``localspot export``/``import`` carry a portal's custom object types, their properties,
records and association definitions, and a CSV imports records of a custom type (both
databases)."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import localspot_command, run_cli, scratch_postgres

SCHEMA = {
    "number": 1000001,
    "name": "cars",
    "singular": "Car",
    "plural": "Cars",
    "createdAt": 5,
    "updatedAt": 5,
    "primaryDisplayProperty": "model",
    "requiredProperties": ["model"],
    "searchableProperties": ["model"],
}
DEFINITIONS = [
    {
        "typeId": 1000001,
        "fromType": "2-1000001",
        "toType": "0-1",
        "name": "cars_to_contact",
        "category": "USER_DEFINED",
        "inverseTypeId": 1000002,
        "createdAt": 5,
        "updatedAt": 5,
    },
    {
        "typeId": 1000002,
        "fromType": "0-1",
        "toType": "2-1000001",
        "name": "contact_to_cars",
        "category": "USER_DEFINED",
        "inverseTypeId": 1000001,
        "createdAt": 5,
        "updatedAt": 5,
    },
]
MODEL = {
    "name": "model",
    "label": "Model",
    "type": "string",
    "fieldType": "text",
    "groupName": "cars_information",
}


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'schemas.db'}"
    else:
        request.getfixturevalue("postgres_url")  # skips when no PostgreSQL answers
        with scratch_postgres("schemas_cli") as url:
            yield url


def export(database_url: str, *args: str) -> dict[str, Any]:
    env = {**os.environ, "LOCALSPOT_DATABASE_URL": database_url}
    done = subprocess.run(
        localspot_command("export", *args), env=env, capture_output=True, timeout=60, check=True
    )
    exported: dict[str, Any] = json.loads(done.stdout)
    return exported


def test_export_and_import_carry_custom_types_and_a_csv_fills_one(
    database_url: str, tmp_path: Path
) -> None:
    run_cli(database_url, "portals", "create")
    snapshot = export(database_url)
    assert snapshot["schemas"] == [] and snapshot["associationDefinitions"] == []
    snapshot["schemas"] = [SCHEMA]
    snapshot["associationDefinitions"] = DEFINITIONS
    snapshot["objectTypes"]["2-1000001"] = {"properties": [MODEL]}
    path = tmp_path / "portal.json"
    path.write_text(json.dumps(snapshot))
    portal_id = run_cli(database_url, "import", str(path))
    csv = tmp_path / "cars.csv"
    csv.write_text("model\nModel T\nModel A\n")
    run_cli(database_url, "import", str(csv), "--portal", portal_id, "--type", "cars")
    again = export(database_url, "--portal", portal_id)
    assert [s["name"] for s in again["schemas"]] == ["cars"]
    assert [d["typeId"] for d in again["associationDefinitions"]] == [1000001, 1000002]
    records = again["objectTypes"]["2-1000001"]["records"]
    assert sorted(r["properties"]["model"] for r in records) == ["Model A", "Model T"]


def test_a_csv_for_an_unknown_custom_type_imports_nothing(
    database_url: str, tmp_path: Path
) -> None:
    portal_id = run_cli(database_url, "portals", "create")
    csv = tmp_path / "boats.csv"
    csv.write_text("model\nX\n")
    env = {**os.environ, "LOCALSPOT_DATABASE_URL": database_url}
    done = subprocess.run(
        localspot_command("import", str(csv), "--portal", portal_id, "--type", "2-1000001"),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "Unable to infer object type from: 2-1000001" in done.stderr
    assert "Traceback" not in done.stderr
