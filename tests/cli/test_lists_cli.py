"""``localspot export``/``import`` carry a portal's lists, folders and memberships (both
databases): a snapshot imported and exported again is the same, in a second database too."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import localspot_command, scratch_postgres


@pytest.fixture(params=["sqlite", "postgres"])
def database_urls(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    else:
        request.getfixturevalue("postgres_url")  # skips when no PostgreSQL answers
        with scratch_postgres("lists_cli_a") as a, scratch_postgres("lists_cli_b") as b:
            yield a, b


def command(database_url: str, *args: str) -> str:
    env = {**os.environ, "LOCALSPOT_DATABASE_URL": database_url}
    done = subprocess.run(
        localspot_command(*args), env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout


def record(record_id: int, email: str) -> dict[str, Any]:
    return {
        "id": str(record_id),
        "createdAt": 1_767_225_600_000,
        "updatedAt": 1_767_225_600_000,
        "properties": {"email": email},
    }


def a_list(list_id: int, name: str, **more: Any) -> dict[str, Any]:
    return {
        "id": list_id,
        "name": name,
        "objectTypeId": "0-1",
        "processingType": "MANUAL",
        "processingStatus": "COMPLETE",
        "version": 1,
        "createdAt": 1_767_225_600_000,
        "updatedAt": 1_767_225_600_000,
        **more,
    }


SNAPSHOT: dict[str, Any] = {
    "format": "localspot-snapshot/1",
    "portal": {"name": "Lists", "tier": "free", "timezone": "UTC"},
    "objectTypes": {"0-1": {"records": [record(7001, "a@x.io"), record(7002, "b@x.io")]}},
    "listFolders": [
        {
            "id": 4,
            "name": "Kept",
            "parentId": 0,
            "createdAt": 1,
            "updatedAt": 2,
            "contentsUpdatedAt": 3,
        }
    ],
    "lists": [
        a_list(
            2,
            "Imported",
            folderId=4,
            legacyId=9,
            lastAddedAt=5,
            members=[{"recordId": 7001, "addedAt": 5}, {"recordId": 7002, "addedAt": 6}],
        ),
        a_list(3, "Deleted", deletedAt=1_767_225_600_001),
    ],
}


def test_export_and_import_carry_lists(database_urls: tuple[str, str], tmp_path: Path) -> None:
    first, second = database_urls
    source = tmp_path / "lists.json"
    source.write_text(json.dumps(SNAPSHOT))
    portal = command(first, "import", str(source)).strip().splitlines()[-1]
    exported = command(first, "export", "--portal", portal)
    carried = json.loads(exported)
    set_values = [{k: v for k, v in x.items() if v is not None} for x in carried["lists"]]
    assert set_values == [
        {**a_list(2, "Imported", folderId=4, legacyId=9, lastAddedAt=5), "extra": {},
         "members": SNAPSHOT["lists"][0]["members"]},
        {**a_list(3, "Deleted", deletedAt=1_767_225_600_001), "extra": {}, "folderId": 0,
         "members": []},
    ]  # fmt: skip
    assert carried["listFolders"] == SNAPSHOT["listFolders"]
    again = tmp_path / "again.json"
    again.write_text(exported)
    other = command(second, "import", str(again)).strip().splitlines()[-1]
    assert command(second, "export", "--portal", other) == exported
