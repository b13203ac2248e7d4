"""Concurrent batch updates on PostgreSQL: 4 processes x 50 batches through `serve --workers 2`,
overlapping record ids, one property per process. Nothing may be lost: every record ends as
the merge of every process's last write, and history holds every change."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from typing import Any

import httpx

from conftest import start_server, stop_server

PROPERTIES = ("hs_call_title", "hs_call_body", "hs_call_from_number", "hs_call_to_number")
ROUNDS = 50
WRITER = textwrap.dedent(
    """
    import json, random, sys, httpx
    base, token, name = sys.argv[1], sys.argv[2], sys.argv[3]
    rounds, seed, ids = int(sys.argv[4]), int(sys.argv[5]), sys.argv[6:]
    rng = random.Random(seed)
    last, writes, statuses = {}, {}, []
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as c:
        for n in range(rounds):
            chosen = rng.sample(ids, 20)
            inputs = [{"id": i, "properties": {name: f"{name}-{n}"}} for i in chosen]
            response = c.post("/crm/v3/objects/calls/batch/update", json={"inputs": inputs})
            statuses.append(response.status_code)
            for i in chosen:
                last[i] = f"{name}-{n}"
                writes[i] = writes.get(i, 0) + 1
    print(json.dumps({"last": last, "writes": writes, "statuses": statuses}))
    """
)


def test_concurrent_batches_lose_nothing(postgres_url: str) -> None:
    server = start_server(postgres_url, "--workers", "2")
    try:
        token = server.new_token("--portal", str(server.new_portal()))
        headers = {"Authorization": f"Bearer {token}"}
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=60) as http:
            inputs = [{"properties": {"hs_timestamp": "1700000000000"}} for _ in range(30)]
            created = http.post("/crm/v3/objects/calls/batch/create", json={"inputs": inputs})
            ids = [r["id"] for r in created.json()["results"]]
            writers = [
                subprocess.Popen(
                    [
                        sys.executable,
                        "-c",
                        WRITER,
                        server.base_url,
                        token,
                        name,
                        str(ROUNDS),
                        str(seed),
                    ]
                    + ids,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                for seed, name in enumerate(PROPERTIES)
            ]
            reports: list[dict[str, Any]] = [
                json.loads(w.communicate(timeout=300)[0]) for w in writers
            ]
            body = {
                "inputs": [{"id": i} for i in ids],
                "properties": list(PROPERTIES),
                "propertiesWithHistory": list(PROPERTIES),
            }
            read = http.post("/crm/v3/objects/calls/batch/read", json=body).json()["results"]
    finally:
        stop_server(server)
    assert all(s == 200 for r in reports for s in r["statuses"])
    for record in read:
        for name, report in zip(PROPERTIES, reports, strict=True):
            assert record["properties"][name] == report["last"].get(record["id"]), name
            history = record["propertiesWithHistory"][name]
            assert len(history) == report["writes"].get(record["id"], 0), name
