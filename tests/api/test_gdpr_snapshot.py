"""A contact erased by GDPR delete (hubspot-behaviour §14.4) is gone from the portal's
snapshot (``/_localspot/portals/{id}/snapshot``) and from ``localspot export``: its record,
history, unique values and associations."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator

import pytest
from admin_support import AdminServer, shared_admin

from conftest import Server, localspot_command

OBJECTS = "/crm/v3/objects"


@pytest.fixture(scope="module")
def spot(server: Server) -> Iterator[AdminServer]:
    yield from shared_admin(server)


def export(spot: AdminServer, portal_id: int) -> bytes:
    env = {**os.environ, "LOCALSPOT_DATABASE_URL": spot.server.database_url}
    done = subprocess.run(
        localspot_command("export", "--portal", str(portal_id)),
        env=env, capture_output=True, timeout=60, check=True,
    )  # fmt: skip
    return done.stdout


def test_gdpr_deleted_contact_is_absent_from_snapshot_and_export(spot: AdminServer) -> None:
    portal_id, crm = spot.new_portal()
    ids = []
    for email in ("erase@gdpr.example", "keep@gdpr.example"):
        made = crm.post(f"{OBJECTS}/contacts", json={"properties": {"email": email}})
        assert made.status_code == 201, made.text
        ids.append(made.json()["id"])
    erased, kept = ids
    company = crm.post(f"{OBJECTS}/companies", json={"properties": {"name": "Co"}}).json()["id"]
    linked = crm.put(f"/crm/v4/objects/companies/{company}/associations/default/contacts/{erased}")
    assert linked.status_code == 200, linked.text
    before = spot.admin.get(f"/_localspot/portals/{portal_id}/snapshot").content
    assert b"erase@gdpr.example" in before and b"erase@gdpr.example" in export(spot, portal_id)
    assert any(a["to_id"] == int(erased) for a in json.loads(before)["associations"])

    gone = crm.post(f"{OBJECTS}/contacts/gdpr-delete", json={"objectId": erased})
    assert gone.status_code == 204, gone.text

    for data in (spot.admin.get(f"/_localspot/portals/{portal_id}/snapshot").content,
                 export(spot, portal_id)):  # fmt: skip
        assert b"erase@gdpr.example" not in data
        snapshot = json.loads(data)
        contacts = snapshot["objectTypes"]["0-1"]["records"]
        assert [r["id"] for r in contacts] == [kept]
        ends = [(a["from_id"], a["to_id"]) for a in snapshot["associations"]]
        assert all(int(erased) not in pair for pair in ends)
