"""Custom object types in snapshots and reset (``/_localspot/portals/{id}/snapshot`` and
``/reset``), and across a server restart, on both databases."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from admin_support import AdminServer, serve_with_admin
from schema_support import SCHEMAS, car_body, create_schema
from test_admin_snapshot import restore, snapshot

from conftest import start_server, stop_server


@pytest.fixture(scope="module")
def spot(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AdminServer]:
    yield from serve_with_admin(backend, request, tmp_path_factory)


def linked_car(crm: httpx.Client, schema: dict[str, object]) -> tuple[str, str]:
    car = crm.post(f"/crm/v3/objects/{schema['id']}", json={"properties": {"model": "S"}})
    contact = crm.post("/crm/v3/objects/contacts", json={"properties": {"email": "s@n.p"}})
    car_id, contact_id = car.json()["id"], contact.json()["id"]
    path = f"/crm/v4/objects/{schema['id']}/{car_id}/associations/default/contacts/{contact_id}"
    assert crm.put(path).status_code == 200
    return car_id, contact_id


def test_a_snapshot_brings_back_schemas_records_and_links_after_a_reset(
    spot: AdminServer,
) -> None:
    portal_id, crm = spot.new_portal()
    schema = create_schema(crm, car_body("snap_cars"))
    car_id, contact_id = linked_car(crm, schema)
    data = snapshot(spot, portal_id)
    body = json.loads(data)
    assert [s["name"] for s in body["schemas"]] == ["snap_cars"]
    assert len(body["associationDefinitions"]) == 2
    assert spot.admin.post(f"/_localspot/portals/{portal_id}/reset").status_code == 204
    assert crm.get(SCHEMAS).json()["results"] == []
    assert crm.get(f"/crm/v3/objects/{schema['id']}").status_code == 404
    assert restore(spot, portal_id, data).status_code == 204
    assert crm.get(f"{SCHEMAS}/{schema['id']}").json() == schema
    links = crm.get(f"/crm/v4/objects/contacts/{contact_id}/associations/{schema['id']}")
    assert [r["toObjectId"] for r in links.json()["results"]] == [int(car_id)]
    assert snapshot(spot, portal_id) == data


def test_a_reset_keeping_custom_properties_keeps_custom_types(spot: AdminServer) -> None:
    portal_id, crm = spot.new_portal()
    schema = create_schema(crm, car_body("kept_cars"))
    linked_car(crm, schema)
    reset = spot.admin.post(
        f"/_localspot/portals/{portal_id}/reset", json={"keepCustomProperties": True}
    )
    assert reset.status_code == 204
    assert crm.get(f"{SCHEMAS}/{schema['id']}").json() == schema
    assert crm.get(f"/crm/v3/objects/{schema['id']}").json()["results"] == []


def test_a_snapshot_without_schemas_restores_none(spot: AdminServer) -> None:
    portal_id, crm = spot.new_portal()
    old = json.loads(snapshot(spot, portal_id))
    del old["schemas"], old["associationDefinitions"]
    create_schema(crm, car_body("dropped_cars"))
    assert restore(spot, portal_id, json.dumps(old).encode()).status_code == 204
    assert crm.get(SCHEMAS).json()["results"] == []


def test_custom_types_survive_a_restart(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if backend == "postgres":
        url = request.getfixturevalue("postgres_url")
    else:
        url = f"sqlite:///{tmp_path / 'restart.db'}"
    first = start_server(url)
    try:
        headers = {"Authorization": f"Bearer {first.token}"}
        with httpx.Client(base_url=first.base_url, headers=headers, timeout=30) as crm:
            schema = create_schema(crm, car_body("restart_cars"))
            car_id, _ = linked_car(crm, schema)
    finally:
        stop_server(first)
    second = start_server(url)
    try:
        headers = {"Authorization": f"Bearer {second.token}"}
        with httpx.Client(base_url=second.base_url, headers=headers, timeout=30) as crm:
            assert crm.get(f"{SCHEMAS}/{schema['fullyQualifiedName']}").json() == schema
            path = f"/crm/v3/objects/{schema['id']}/{car_id}"
            read = crm.get(path, params={"properties": "model"})
            assert read.json()["properties"]["model"] == "S"
    finally:
        stop_server(second)


def test_a_snapshot_with_repeated_schemas_is_refused_and_changes_nothing(
    spot: AdminServer,
) -> None:
    portal_id, crm = spot.new_portal()
    create_schema(crm, car_body("twice_cars"))
    data = snapshot(spot, portal_id)
    body = json.loads(data)
    body["schemas"].append({**body["schemas"][0], "name": "other_cars"})
    response = restore(spot, portal_id, json.dumps(body).encode())
    assert response.status_code == 400
    assert response.json()["message"] == "Schema numbers repeat in the snapshot"
    assert snapshot(spot, portal_id) == data
