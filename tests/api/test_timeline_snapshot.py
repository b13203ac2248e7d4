"""Timeline events in snapshots and resets (``/_localspot/portals/{id}/snapshot`` and
``/reset``), on both databases: a reset leaves a portal none, a snapshot brings them back
exactly, and restoring into another portal leaves the first one's events alone. Events
whose template the server lacks are left out of a restore; a snapshot naming one event
twice is refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from admin_support import AdminServer, shared_admin
from test_admin_snapshot import restore, snapshot
from webhook_support import developer_http, new_app

from conftest import Server, assert_hubspot_error

EVENTS = "/integrators/timeline/v3/events"


@pytest.fixture(scope="module")
def spot(server: Server) -> Iterator[AdminServer]:
    yield from shared_admin(server)


def portal_with_events(server: Server, spot: AdminServer) -> tuple[int, httpx.Client, str]:
    portal_id, crm = spot.new_portal()
    app = new_app(server, "Snapshot timeline app", portal_id)
    with developer_http(server, app) as dev:
        template = dev.post(
            f"/integrators/timeline/v3/{app.app_id}/event-templates",
            json={
                "name": "Snap",
                "objectType": "contacts",
                "headerTemplate": "{{what}}",
                "tokens": [{"name": "what", "label": "What", "type": "string"}],
            },
        ).json()["id"]
    for n in range(2):
        made = crm.post(
            EVENTS,
            json={
                "eventTemplateId": template,
                "id": f"snap-{n}",
                "email": f"snap{n}@example.com",
                "tokens": {"what": f"thing {n}"},
                "extraData": {"n": n, "list": [1, "two"]},
                "timelineIFrame": {
                    "linkLabel": "Open",
                    "headerLabel": "Frame",
                    "url": "https://example.com/frame",
                    "width": 600,
                    "height": 400,
                },
            },
        )
        assert made.status_code == 201, made.text
    return portal_id, crm, template


def reads(crm: httpx.Client, template: str) -> list[Any]:
    return [crm.get(f"{EVENTS}/{template}/snap-{n}").json() for n in range(2)]


def test_reset_removes_the_events_and_a_snapshot_brings_them_back(
    server: Server, spot: AdminServer
) -> None:
    portal_id, crm, template = portal_with_events(server, spot)
    before = reads(crm, template)
    saved = snapshot(spot, portal_id)
    assert [e["id"] for e in json.loads(saved)["timelineEvents"]] == ["snap-0", "snap-1"]
    reset = spot.admin.post(f"/_localspot/portals/{portal_id}/reset", json={})
    assert reset.status_code == 204, reset.text
    assert [crm.get(f"{EVENTS}/{template}/snap-{n}").status_code for n in range(2)] == [404, 404]
    assert restore(spot, portal_id, saved).status_code == 204
    assert reads(crm, template) == before
    assert snapshot(spot, portal_id) == saved


def test_a_restore_into_another_portal_copies_the_events(server: Server, spot: AdminServer) -> None:
    portal_id, crm, template = portal_with_events(server, spot)
    saved = json.loads(snapshot(spot, portal_id))
    saved["objectTypes"] = {}  # the records' ids are the first portal's
    other_id, other = spot.new_portal()
    assert restore(spot, other_id, json.dumps(saved).encode()).status_code == 204
    assert reads(other, template) == reads(crm, template)
    wiped = spot.admin.post(f"/_localspot/portals/{other_id}/reset", json={})
    assert wiped.status_code == 204
    assert crm.get(f"{EVENTS}/{template}/snap-0").status_code == 200


def test_events_of_templates_the_server_lacks_are_left_out(
    server: Server, spot: AdminServer
) -> None:
    portal_id, crm, template = portal_with_events(server, spot)
    saved = json.loads(snapshot(spot, portal_id))
    saved["timelineEvents"][0]["templateId"] = 2**62
    assert restore(spot, portal_id, json.dumps(saved).encode()).status_code == 204
    assert [e["id"] for e in json.loads(snapshot(spot, portal_id))["timelineEvents"]] == ["snap-1"]


def test_a_snapshot_naming_an_event_twice_is_refused(server: Server, spot: AdminServer) -> None:
    portal_id, crm, template = portal_with_events(server, spot)
    saved = json.loads(snapshot(spot, portal_id))
    saved["timelineEvents"][1]["id"] = "snap-0"
    refused = restore(spot, portal_id, json.dumps(saved).encode())
    assert_hubspot_error(
        refused,
        400,
        message="Timeline events repeat in the snapshot",
        category="VALIDATION_ERROR",
        context={"ids": [f"({template}, 'snap-0')"]},
        errors=[],
    )
    assert crm.get(f"{EVENTS}/{template}/snap-1").status_code == 200
