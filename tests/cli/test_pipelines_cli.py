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
    carried = [p for p in again["pipelines"] if p["id"] == "10000001"]
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


def _portal_with_a_second_pipeline(database_url: str, tmp_path: Path) -> str:
    run_cli(database_url, "portals", "create")
    snapshot = export(database_url)
    stage = {"id": "10000002", "label": "Signed", "displayOrder": 0, "createdAt": 5}
    stage |= {"updatedAt": 5, "metadata": {"probability": "1.0", "isClosed": "true"}}
    second = {"objectType": "0-3", "id": "10000001", "label": "Renewals", "displayOrder": 1}
    second |= {"createdAt": 5, "updatedAt": 5, "stages": [stage]}
    snapshot["pipelines"] = [*snapshot["pipelines"], second]
    path = tmp_path / "portal.json"
    path.write_text(json.dumps(snapshot))
    return run_cli(database_url, "import", str(path))


def test_csv_import_checks_deals_against_the_portals_pipelines(
    database_url: str, tmp_path: Path
) -> None:
    portal_id = _portal_with_a_second_pipeline(database_url, tmp_path)
    rows = tmp_path / "deals.csv"
    rows.write_text("dealname,pipeline,dealstage\nA,default,10000002\nB,,10000002\n")
    env = {**os.environ, "LOCALSPOT_DATABASE_URL": database_url}
    command = localspot_command("import", str(rows), "--type", "deals", "--portal", portal_id)
    refused = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1
    allowed = ", ".join(
        ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled"]
        + ["decisionmakerboughtin", "contractsent", "closedwon", "closedlost"]
    )
    expected = (  # the Imports API's error type
        f"INVALID_ENUMERATION_OPTION: 10000002 was not one of the allowed options: [{allowed}]"
    )
    assert [line for line in refused.stderr.splitlines() if line.startswith("row ")] == [
        f"row 2: {expected}",
        f"row 3: {expected}",
    ]
    assert export(database_url, "--portal", portal_id)["objectTypes"].get("0-3") is None
    rows.write_text("dealname,pipeline,dealstage\nA,10000001,10000002\nB,,closedwon\n")
    subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=True)
    deals = export(database_url, "--portal", portal_id)["objectTypes"]["0-3"]["records"]
    assert sorted((d["properties"]["pipeline"], d["properties"]["dealstage"]) for d in deals) == [
        ("10000001", "10000002"),
        ("default", "closedwon"),
    ]
