"""Pipelines in snapshots and reset (``/_localspot/portals/{id}/snapshot`` and ``/reset``),
and across a server restart, on both databases."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from admin_support import AdminServer, serve_with_admin
from test_admin_snapshot import restore, snapshot

from conftest import start_server, stop_server

DEALS = "/crm/v3/pipelines/deals"
PIPELINE = {
    "label": "Snapshotted",
    "displayOrder": 3,
    "stages": [{"label": "Only", "displayOrder": 0, "metadata": {"probability": 0.4}}],
}


@pytest.fixture(scope="module")
def spot(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AdminServer]:
    yield from serve_with_admin(backend, request, tmp_path_factory)


def test_reset_restores_the_defaults_and_a_snapshot_brings_pipelines_back(
    spot: AdminServer,
) -> None:
    portal_id, crm = spot.new_portal()
    created = crm.post(DEALS, json=PIPELINE).json()
    before = crm.get(DEALS).json()
    data = snapshot(spot, portal_id)
    assert created["id"] in [p["id"] for p in json.loads(data)["pipelines"]]
    assert spot.admin.post(f"/_localspot/portals/{portal_id}/reset").status_code == 204
    assert [p["id"] for p in crm.get(DEALS).json()["results"]] == ["default"]
    assert restore(spot, portal_id, data).status_code == 204
    assert crm.get(DEALS).json() == before
    assert snapshot(spot, portal_id) == data


def test_a_snapshot_without_pipelines_restores_the_defaults(spot: AdminServer) -> None:
    portal_id, crm = spot.new_portal()
    old = json.loads(snapshot(spot, portal_id))
    del old["pipelines"]
    assert crm.post(DEALS, json=PIPELINE).status_code == 201
    assert restore(spot, portal_id, json.dumps(old).encode()).status_code == 204
    assert [p["id"] for p in crm.get(DEALS).json()["results"]] == ["default"]


def test_pipelines_survive_a_restart(
    backend: str, request: pytest.FixtureRequest, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    if backend == "postgres":
        url = request.getfixturevalue("postgres_url")
    else:
        url = f"sqlite:///{tmp_path / 'restart.db'}"
    first = start_server(url)
    try:
        headers = {"Authorization": f"Bearer {first.token}"}
        with httpx.Client(base_url=first.base_url, headers=headers, timeout=30) as crm:
            created = crm.post(DEALS, json={**PIPELINE, "label": "Restarted"}).json()
    finally:
        stop_server(first)
    second = start_server(url)
    try:
        headers = {"Authorization": f"Bearer {second.token}"}
        with httpx.Client(base_url=second.base_url, headers=headers, timeout=30) as crm:
            assert crm.get(f"{DEALS}/{created['id']}").json()["label"] == "Restarted"
    finally:
        stop_server(second)
