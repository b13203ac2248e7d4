"""``localspot export``, ``import``, ``seed`` and the admin token ``serve`` prints, run as the
real commands."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import free_port, localspot_command, postgres_available, scratch_postgres
from localspot.testing import serving

NOW = "2026-02-01T00:00:00Z"
GOOD_ROWS = "hs_timestamp,hs_call_title,hs_call_duration\n2026-01-01T10:00:00Z,first,1500\n"


def run(
    url: str, *args: str, check: bool = True, data_dir: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LOCALSPOT_DATABASE_URL": url}
    if data_dir is not None:
        env["LOCALSPOT_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        localspot_command(*args), env=env, capture_output=True, text=True, timeout=120, check=check
    )


def database(tmp_path: Path, name: str) -> str:
    return f"sqlite:///{tmp_path / name}"


@contextmanager
def fresh_database(kind: str, tmp_path: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield database(tmp_path, "fresh.db")
        return
    if not postgres_available():
        pytest.skip("no PostgreSQL server answers on 127.0.0.1:5432")
    with scratch_postgres("localspot_cli") as url:
        yield url


def export(url: str, *args: str) -> str:
    return run(url, "export", *args).stdout


def records(snapshot: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(snapshot)["objectTypes"].get("0-48", {})
    return list(found.get("records", [])) if found else []


def test_export_then_import_into_a_fresh_database_is_byte_identical(tmp_path: Path) -> None:
    source, target = database(tmp_path, "a.db"), database(tmp_path, "b.db")
    run(source, "seed", "--calls", "30", "--now", NOW)
    exported = tmp_path / "portal.json"
    exported.write_text(export(source))
    portal_id = run(target, "import", str(exported)).stdout.strip().splitlines()[-1]
    assert export(target, "--portal", portal_id) == exported.read_text()


def test_csv_import_writes_every_row(tmp_path: Path) -> None:
    url, rows = database(tmp_path, "c.db"), tmp_path / "calls.csv"
    rows.write_text(GOOD_ROWS + "2026-01-02T11:00:00Z,second,\n")
    done = run(url, "import", str(rows))
    assert "imported 2 calls into portal 1 (import 1)" in done.stderr
    assert done.stdout.strip() == "1"
    titles = [r["properties"]["hs_call_title"] for r in records(export(url))]
    assert titles == ["first", "second"]


def test_csv_import_writes_the_valid_rows_and_reports_each_failed_row(tmp_path: Path) -> None:
    url, rows = database(tmp_path, "d.db"), tmp_path / "bad.csv"
    rows.write_text(
        GOOD_ROWS
        + ",no time,10\n"
        + "2026-01-01T10:00:00Z,bad number,ten\n"
        + "2026-01-01T10:00:00Z,short row\n"
    )
    done = run(url, "import", str(rows), check=False)
    assert done.returncode == 1
    assert done.stdout == ""
    problems = [line for line in done.stderr.splitlines() if line.startswith("row ")]
    assert problems == [
        'row 3: MISSING_REQUIRED_PROPERTY: Property "hs_timestamp" is required',
        "row 4: COULD_NOT_PARSE_NUMBER: ten was not a valid number.",
        "row 5: INCORRECT_NUMBER_OF_COLUMNS: The row has 2 columns; the file has 3",
    ]
    assert done.stderr.splitlines()[-2:] == [
        "imported 1 calls into portal 1 (import 1)",
        "3 of 4 rows failed (3 errors)",
    ]
    assert [r["properties"]["hs_call_title"] for r in records(export(url))] == ["first"]


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_a_csv_larger_than_a_slice_streams_and_reports_failures_by_line(
    kind: str, tmp_path: Path
) -> None:
    """5,000 rows: three slices of the import; rows 2,500 and 4,999 of the data fail."""
    rows = tmp_path / "many.csv"
    lines = ["hs_timestamp,hs_call_title,hs_call_duration"]
    lines += [
        f"2026-01-01T10:00:00Z,call {i},{'ten' if i in (2500, 4999) else i}" for i in range(1, 5001)
    ]
    rows.write_text("\n".join(lines) + "\n")
    with fresh_database(kind, tmp_path) as url:
        done = run(url, "import", str(rows), check=False, data_dir=tmp_path / "files")
        exported = records(export(url))
    assert done.returncode == 1
    assert [line for line in done.stderr.splitlines() if line.startswith("row ")] == [
        "row 2501: COULD_NOT_PARSE_NUMBER: ten was not a valid number.",
        "row 5000: COULD_NOT_PARSE_NUMBER: ten was not a valid number.",
    ]
    assert done.stderr.splitlines()[-1] == "2 of 5000 rows failed (2 errors)"
    titles = {r["properties"]["hs_call_title"] for r in exported}
    assert len(titles) == 4998 and "call 2500" not in titles and "call 5000" in titles


def test_csv_import_refuses_a_header_naming_an_unknown_property(tmp_path: Path) -> None:
    url, rows = database(tmp_path, "e.db"), tmp_path / "header.csv"
    rows.write_text("hs_timestamp,colour\n2026-01-01T10:00:00Z,blue\n")
    done = run(url, "import", str(rows), check=False)
    assert done.returncode == 1
    assert 'header: PROPERTY_DOESNT_EXIST colour: Property "colour" does not exist' in done.stderr
    assert records(export(url)) == []


def test_seed_makes_the_same_records_for_the_same_seed_and_instant(tmp_path: Path) -> None:
    first, second = database(tmp_path, "f.db"), database(tmp_path, "g.db")
    for url in (first, second):
        run(url, "seed", "--calls", "40", "--seed", "7", "--now", NOW)
    made = [[r["properties"] for r in records(export(url))] for url in (first, second)]
    assert made[0] == made[1]
    assert len(made[0]) == 40


def test_seeded_calls_fall_in_the_year_before_the_instant(tmp_path: Path) -> None:
    url = database(tmp_path, "h.db")
    run(url, "seed", "--calls", "1200", "--now", NOW)
    times = [r["properties"]["hs_timestamp"] for r in records(export(url))]
    assert len(times) == 1200
    assert "2025-02-01T00:00:00.000Z" <= min(times) <= max(times) <= "2026-02-01T00:00:00.000Z"


def test_seeded_calls_are_associated_with_seeded_contacts(tmp_path: Path) -> None:
    url = database(tmp_path, "i.db")
    run(url, "seed", "--calls", "30", "--contacts", "5", "--now", NOW)
    snapshot = json.loads(export(url))
    contacts = {r["id"] for r in snapshot["objectTypes"]["0-1"]["records"]}
    calls = records(json.dumps(snapshot))
    assert len(contacts) == 5 and len(calls) == 30
    links = snapshot["associations"]
    named = {
        (str(c["id"]), c["properties"]["hs_call_callee_object_id"])
        for c in calls
        if c["properties"].get("hs_call_callee_object_id")
    }
    assert named, "seeded calls name a contact"
    forward = {(str(a["from_id"]), str(a["to_id"])) for a in links if a["type_id"] == 194}
    backward = {(str(a["to_id"]), str(a["from_id"])) for a in links if a["type_id"] == 193}
    assert forward == backward == named
    assert {contact for _, contact in named} <= contacts


def test_serve_prints_a_generated_admin_token_that_opens_the_admin_api(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "LOCALSPOT_DATABASE_URL": database(tmp_path, "j.db")}
    env.pop("LOCALSPOT_ADMIN_TOKEN", None)
    process = subprocess.Popen(
        localspot_command("serve", "--port", str(port)),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        token = process.stdout.readline().strip().rsplit(" ", 1)[-1]
        log: list[str] = []
        for line in process.stderr:  # uvicorn's own log says when it serves
            log.append(line)
            if serving(log):
                break
        headers = {"Authorization": f"Bearer {token}"}
        response = httpx.get(f"http://127.0.0.1:{port}/_localspot/time", headers=headers)
        assert response.status_code == 200
    finally:
        process.terminate()
        process.communicate(timeout=20)


def test_importing_a_snapshot_with_a_nul_character_creates_no_portal(tmp_path: Path) -> None:
    source, target = database(tmp_path, "nul-a.db"), database(tmp_path, "nul-b.db")
    run(source, "seed", "--calls", "2", "--now", NOW)
    snapshot = json.loads(export(source))
    record = snapshot["objectTypes"]["0-48"]["records"][0]
    record["properties"]["hs_call_title"] = "a\u0000b"
    exported = tmp_path / "nul.json"
    exported.write_text(json.dumps(snapshot))
    done = run(target, "import", str(exported), check=False)
    assert done.returncode == 1, done.stderr
    (line,) = done.stderr.splitlines()
    where = f"record {record['id']}"
    assert line == f"{exported}: Invalid snapshot: {where} contains a NUL character (\\u0000)"
    with sqlite3.connect(tmp_path / "nul-b.db") as conn:
        assert conn.execute("SELECT count(*) FROM portals").fetchone() == (0,)
