"""schemathesis against our own /openapi.json: no 5xx, every response matches its schema.

Runs schemathesis' own CLI against the real server, so the check is exactly what a user
running ``st run`` would see.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

CHECKS = ",".join(
    [
        "not_a_server_error",
        "response_schema_conformance",
        "status_code_conformance",
        "content_type_conformance",
    ]
)


def schemathesis_command() -> list[str]:
    found = shutil.which("st", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "schemathesis.cli"]


def test_openapi_schema_describes_batch_update(http: httpx.Client) -> None:
    document = http.get("/openapi.json").json()
    operation = document["paths"]["/crm/v3/objects/{object_type}/batch/update"]["post"]
    assert {"200", "207", "400", "401"} <= set(operation["responses"])


def test_every_operation_conforms_to_the_schema(server: Any) -> None:
    done = subprocess.run(
        [
            *schemathesis_command(),
            "run",
            f"{server.base_url}/openapi.json",
            "--header",
            f"Authorization: Bearer {server.token}",
            "--checks",
            CHECKS,
            "--max-examples",
            "12",
            "--seed",
            "1",
            "--phases",
            "examples,coverage,fuzzing",
            "--suppress-health-check",
            "all",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
