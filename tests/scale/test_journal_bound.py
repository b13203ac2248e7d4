"""The request journal stays within its byte bounds under large bodies: per portal, for all
portals together, and in the server's memory (RSS measured against the same server before)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import Server, start_server, stop_server

CALLS = "/crm/v3/objects/calls"
PORTAL_BYTES = 1 * 2**20
ALL_BYTES = 2 * 2**20
BODY_CAP = PORTAL_BYTES // 4  # a quarter of the smaller bound (and at most 256 KiB)
BODY = 300 * 1024  # above the cap: every request body is cut
ADMIN = f"admin-{secrets.token_hex(12)}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    env = {
        "LOCALSPOT_ADMIN_TOKEN": ADMIN,
        "LOCALSPOT_JOURNAL_PORTAL_BYTES": str(PORTAL_BYTES),
        "LOCALSPOT_JOURNAL_BYTES": str(ALL_BYTES),
    }
    running = start_server(f"sqlite:///{tmp_path_factory.mktemp('journal') / 'j.db'}", env=env)
    try:
        yield running
    finally:
        stop_server(running)


def rss_kib(server: Server) -> int:
    status = Path(f"/proc/{server.process.pid}/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")))


def journal(admin: httpx.Client, portal_id: int) -> dict[str, Any]:
    response = admin.get(f"/_localspot/portals/{portal_id}/journal")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def send_large(server: Server, token: str, count: int) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=60) as client:
        for n in range(count):
            body = {"properties": {"hs_call_title": "x" * BODY}}
            client.post(CALLS, params={"n": str(n)}, json=body)


def test_large_bodies_stay_within_the_journals_byte_bounds(server: Server) -> None:
    if not Path(f"/proc/{server.process.pid}/status").exists():
        pytest.skip("RSS is read from /proc")
    admin = httpx.Client(base_url=server.base_url, headers={"Authorization": f"Bearer {ADMIN}"})
    portals = []
    for _ in range(3):
        created = admin.post("/_localspot/portals", json={"withToken": True}).json()
        portals.append((int(created["id"]), str(created["token"])))
    send_large(server, portals[0][1], 10)  # warm up: the bounds are already reached here
    before = rss_kib(server)
    for _, token in portals:
        send_large(server, token, 80)  # 3 x 80 x 300 KiB = 70 MiB of request bodies
    after = rss_kib(server)
    answers = [journal(admin, portal_id) for portal_id, _ in portals]
    admin.close()

    for answer in answers:
        assert 0 < answer["retainedBytes"] <= PORTAL_BYTES
        assert answer["retainedBytesAllPortals"] <= ALL_BYTES
        kept = [e["query"] for e in answer["results"]]
        assert kept and kept[-1] == "n=79"  # the newest stay, the oldest went
        body = answer["results"][-1]["requestBody"]
        assert body.endswith(" [truncated]") and len(body) <= BODY_CAP + len(" [truncated]")
    assert answers[-1]["retainedBytesAllPortals"] > PORTAL_BYTES  # the others count too
    assert after < before * 1.3, (before, after)  # unbounded, it went 105 -> 169 MB
