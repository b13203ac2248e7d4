"""Association limits and labels in snapshots and reset (``/_localspot/portals/{id}``), on
both databases: a snapshot brings them back after a reset; a reset removes limits."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from admin_support import AdminServer, shared_admin
from test_admin_snapshot import restore, snapshot

from conftest import Server

CONFIGS = "/crm/v4/associations/definitions/configurations"
LABELS = "/crm/v4/associations/contacts/companies/labels"


@pytest.fixture(scope="module")
def spot(server: Server) -> Iterator[AdminServer]:
    yield from shared_admin(server)


def test_limits_and_labels_survive_a_snapshot_and_a_reset_removes_them(
    spot: AdminServer,
) -> None:
    portal_id, crm = spot.new_portal()
    made = crm.post(LABELS, json={"label": "Boss", "name": "boss"})
    assert made.status_code == 200, made.text
    label_id = made.json()["results"][0]["typeId"]
    items = [
        {"category": "HUBSPOT_DEFINED", "typeId": 279, "maxToObjectIds": 2},
        {"category": "USER_DEFINED", "typeId": label_id, "maxToObjectIds": 1},
    ]
    created = crm.post(f"{CONFIGS}/contacts/companies/batch/create", json={"inputs": items})
    assert created.status_code == 201, created.text
    listed = crm.get(f"{CONFIGS}/all").json()
    labels = crm.get(LABELS).json()
    data = snapshot(spot, portal_id)
    assert len(json.loads(data)["associationLimits"]) == 2
    assert spot.admin.post(f"/_localspot/portals/{portal_id}/reset").status_code == 204
    assert crm.get(f"{CONFIGS}/all").json() == {"results": []}
    assert label_id not in [r["typeId"] for r in crm.get(LABELS).json()["results"]]
    assert restore(spot, portal_id, data).status_code == 204
    assert crm.get(f"{CONFIGS}/all").json() == listed
    assert crm.get(LABELS).json() == labels
    assert snapshot(spot, portal_id) == data


def test_a_snapshot_without_limits_still_restores(spot: AdminServer) -> None:
    portal_id, crm = spot.new_portal()
    item = {"category": "HUBSPOT_DEFINED", "typeId": 279, "maxToObjectIds": 2}
    crm.post(f"{CONFIGS}/contacts/companies/batch/create", json={"inputs": [item]})
    body = json.loads(snapshot(spot, portal_id))
    del body["associationLimits"]
    assert restore(spot, portal_id, json.dumps(body).encode()).status_code == 204
    assert crm.get(f"{CONFIGS}/all").json() == {"results": []}


def test_a_reset_keeping_custom_properties_keeps_labels_but_removes_limits(
    spot: AdminServer,
) -> None:
    portal_id, crm = spot.new_portal()
    made = crm.post(LABELS, json={"label": "Aide", "name": "aide"})
    label_id = made.json()["results"][0]["typeId"]
    item = {"category": "USER_DEFINED", "typeId": label_id, "maxToObjectIds": 3}
    crm.post(f"{CONFIGS}/contacts/companies/batch/create", json={"inputs": [item]})
    reset = spot.admin.post(
        f"/_localspot/portals/{portal_id}/reset", json={"keepCustomProperties": True}
    )
    assert reset.status_code == 204
    assert label_id in [r["typeId"] for r in crm.get(LABELS).json()["results"]]
    assert crm.get(f"{CONFIGS}/all").json() == {"results": []}
