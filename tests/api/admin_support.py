"""A real server with a known admin token, for the admin API's test modules.

Modules that move the clock, brake the server or need settings of their own start their own
server (per backend, ``serve_with_admin``): the clock and the brake are the process's, so one
module's frozen time never reaches another module's tests. Modules whose tests only touch
portals of their own (owners, teams, snapshots and resets, fault rules: all per portal) use
the session's server instead (``shared_admin``), which saves a server start per module.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import Server, start_server, stop_server

CALLS = "/crm/v3/objects/calls"
CALL_TIME = "2026-01-15T10:30:00.000Z"


@dataclass
class AdminServer:
    server: Server
    admin: httpx.Client
    clients: list[httpx.Client] = field(default_factory=list)

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def new_portal(self) -> tuple[int, httpx.Client]:
        """A fresh portal and a CRM client holding its token."""
        created = self.admin.post("/_localspot/portals", json={"withToken": True})
        assert created.status_code == 201, created.text
        body = created.json()
        client = self.crm_client(body["token"])
        return int(body["id"]), client

    def crm_client(self, token: str) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"}
        client = httpx.Client(base_url=self.base_url, headers=headers, timeout=30)
        self.clients.append(client)
        return client

    def close(self) -> None:
        for client in self.clients:
            client.close()
        self.admin.close()


def serve_with_admin(
    backend: str,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    **env: str,
) -> Iterator[AdminServer]:
    """Body of a module-scoped fixture: ``yield from serve_with_admin(...)``."""
    if backend == "postgres":
        database_url = request.getfixturevalue("postgres_url")
    else:
        database_url = "sqlite:///" + str(Path(tmp_path_factory.mktemp("admin")) / "admin.db")
    with admin_server(database_url, **env) as running:
        yield running


@contextmanager
def admin_server(database_url: str, *extra: str, **env: str) -> Iterator[AdminServer]:
    """A server of its own on ``database_url`` (``serve`` options ``extra``), with an admin
    token."""
    admin_token = secrets.token_urlsafe(16)
    server = start_server(database_url, *extra, env={"LOCALSPOT_ADMIN_TOKEN": admin_token, **env})
    headers = {"Authorization": f"Bearer {admin_token}"}
    running = AdminServer(server, httpx.Client(base_url=server.base_url, headers=headers))
    try:
        yield running
    finally:
        running.close()
        stop_server(server)


def shared_admin(server: Server) -> Iterator[AdminServer]:
    """Body of a module-scoped fixture over the session's ``server``:
    ``yield from shared_admin(server)``. Every test works in portals of its own."""
    headers = {"Authorization": f"Bearer {server.admin_token}"}
    running = AdminServer(server, httpx.Client(base_url=server.base_url, headers=headers))
    try:
        yield running
    finally:
        running.close()


def create_calls(client: httpx.Client, n: int = 1, **properties: str) -> list[str]:
    inputs = [
        {"properties": {"hs_timestamp": CALL_TIME, "hs_call_title": f"call {i}", **properties}}
        for i in range(n)
    ]
    response = client.post(f"{CALLS}/batch/create", json={"inputs": inputs})
    assert response.status_code == 201, response.text
    return [r["id"] for r in response.json()["results"]]


def assert_hubspot_error(response: httpx.Response, status: int, category: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == "error"
    assert body["category"] == category
    assert {"message", "correlationId", "context", "errors"} <= set(body)
    assert response.headers["x-hubspot-correlation-id"] == body["correlationId"]
    return body
