"""Helpers of the Imports and Exports API tests: building files and requests, starting an
import over raw HTTP, and waiting for a job to finish (polled with a deadline)."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx
import openpyxl

FINISHED = ("DONE", "FAILED", "CANCELED")
DEADLINE_S = 60.0


def csv_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


def xlsx_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def column(type_id: str, name: str, prop: str | None, **extra: Any) -> dict[str, Any]:
    return {"columnObjectTypeId": type_id, "columnName": name, "propertyName": prop, **extra}


def import_request(
    files: Sequence[tuple[str, Sequence[dict[str, Any]]]],
    *,
    file_format: str = "CSV",
    name: str = "test import",
    **extra: Any,
) -> dict[str, Any]:
    """``files``: (file name, column mappings) of each file."""
    return {
        "name": name,
        "files": [
            {
                "fileName": file_name,
                "fileFormat": file_format,
                "fileImportPage": {"hasHeader": True, "columnMappings": list(mappings)},
            }
            for file_name, mappings in files
        ],
        **extra,
    }


def start(
    http: httpx.Client, request: dict[str, Any] | str | None, files: dict[str, bytes]
) -> httpx.Response:
    data = (
        {}
        if request is None
        else {"importRequest": request if isinstance(request, str) else json.dumps(request)}
    )
    parts = [("files", (name, body, "application/octet-stream")) for name, body in files.items()]
    return http.post("/crm/v3/imports", data=data, files=parts or None)


def poll(
    read: Callable[[], dict[str, Any]], done: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """Read until ``done`` holds, within the deadline."""
    deadline = time.monotonic() + DEADLINE_S
    while True:
        found = read()
        if done(found):
            return found
        assert time.monotonic() < deadline, f"still waiting: {found}"
        time.sleep(0.02)


def finished(http: httpx.Client, import_id: str) -> dict[str, Any]:
    def read() -> dict[str, Any]:
        response = http.get(f"/crm/v3/imports/{import_id}")
        assert response.status_code == 200, response.text
        return dict(response.json())

    return poll(read, lambda job: job["state"] in FINISHED)


def run_import(
    http: httpx.Client, request: dict[str, Any], files: dict[str, bytes]
) -> dict[str, Any]:
    response = start(http, request, files)
    assert response.status_code == 200, response.text
    return finished(http, response.json()["id"])


def errors_of(http: httpx.Client, import_id: str) -> list[dict[str, Any]]:
    response = http.get(
        f"/crm/v3/imports/{import_id}/errors",
        params={"includeErrorMessage": "true", "includeRowData": "true", "limit": 1000},
    )
    assert response.status_code == 200, response.text
    return list(response.json()["results"])


def export_done(http: httpx.Client, task_id: str) -> dict[str, Any]:
    def read() -> dict[str, Any]:
        response = http.get(f"/crm/v3/exports/export/async/tasks/{task_id}/status")
        assert response.status_code == 200, response.text
        return dict(response.json())

    return poll(read, lambda status: status["status"] in ("COMPLETE", "CANCELED"))


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode())))


def xlsx_rows(body: bytes) -> list[list[str]]:
    book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    rows = [
        ["" if v is None else str(v) for v in row]
        for row in book.active.iter_rows(values_only=True)
    ]
    book.close()
    return rows
