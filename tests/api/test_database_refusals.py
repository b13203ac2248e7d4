"""Writes the database refuses part-way are rolled back whole: a trigger refuses the last row
of a write, and nothing of the write may be left (the answer is a 500 in HubSpot's shape).
Property batches and a portal with its token each run in one transaction."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from admin_support import AdminServer, assert_hubspot_error, serve_with_admin
from database_refusals import refusing

PROPS = "/crm/v3/properties/calls"
REFUSED = "refused_name"


@pytest.fixture(scope="module")
def spot(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AdminServer]:
    yield from serve_with_admin(backend, request, tmp_path_factory)


def text_property(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "label": name,
        "type": "string",
        "fieldType": "text",
        "groupName": "call_information",
    }


def custom_names(crm: httpx.Client, *, archived: bool) -> list[str]:
    response = crm.get(PROPS, params={"archived": str(archived).lower()})
    assert response.status_code == 200, response.text
    return sorted(p["name"] for p in response.json()["results"] if not p["hubspotDefined"])


def test_property_batch_create_refused_at_its_last_input_creates_nothing(
    spot: AdminServer,
) -> None:
    _, crm = spot.new_portal()
    inputs = [text_property("first_made"), text_property("second_made"), text_property(REFUSED)]
    with refusing(spot.server.database_url, "properties", "name", REFUSED):
        response = crm.post(f"{PROPS}/batch/create", json={"inputs": inputs})
    assert_hubspot_error(response, 500, "INTERNAL_ERROR")
    assert custom_names(crm, archived=False) == []
    assert custom_names(crm, archived=True) == []


def test_property_batch_archive_refused_at_its_last_input_archives_nothing(
    spot: AdminServer,
) -> None:
    _, crm = spot.new_portal()
    names = ["kept_one", "kept_two", REFUSED]
    created = crm.post(f"{PROPS}/batch/create", json={"inputs": [text_property(n) for n in names]})
    assert created.status_code == 201, created.text
    with refusing(spot.server.database_url, "properties", "name", REFUSED):
        response = crm.post(f"{PROPS}/batch/archive", json={"inputs": [{"name": n} for n in names]})
    assert_hubspot_error(response, 500, "INTERNAL_ERROR")
    assert custom_names(crm, archived=False) == sorted(names)
    assert custom_names(crm, archived=True) == []


def portal_names(database_url: str) -> list[str]:
    """Every portal's name, read from the database itself."""
    statement = "SELECT name FROM portals ORDER BY id"
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            return [str(row[0]) for row in conn.execute(statement)]
    import psycopg

    with psycopg.connect(database_url) as conn:
        return [str(row[0]) for row in conn.execute(statement)]


def test_portal_create_whose_token_is_refused_leaves_no_portal(spot: AdminServer) -> None:
    scope = "crm.objects.deals.read"
    before = portal_names(spot.server.database_url)
    body = {"name": "portal without its token", "withToken": True, "scopes": [scope]}
    with refusing(spot.server.database_url, "tokens", "scopes", scope):
        response = spot.admin.post("/_localspot/portals", json=body)
    assert_hubspot_error(response, 500, "INTERNAL_ERROR")
    assert portal_names(spot.server.database_url) == before


def test_portal_create_with_a_token_still_answers_201_with_a_working_token(
    spot: AdminServer,
) -> None:
    body = {
        "name": "portal with its token",
        "withToken": True,
        "scopes": ["crm.objects.deals.read"],
    }
    response = spot.admin.post("/_localspot/portals", json=body)
    assert response.status_code == 201, response.text
    created = response.json()
    assert set(created) == {"id", "token"}
    crm = spot.crm_client(created["token"])
    assert crm.get("/crm/v3/objects/deals").status_code == 200
    assert crm.get("/crm/v3/objects/calls").status_code == 403
    assert portal_names(spot.server.database_url)[-1] == body["name"]


def test_portal_name_with_a_nul_character_returns_400_and_creates_nothing(
    spot: AdminServer,
) -> None:
    before = portal_names(spot.server.database_url)
    body = {"name": "nul\u0000portal", "withToken": True}
    response = spot.admin.post("/_localspot/portals", json=body)
    error = assert_hubspot_error(response, 400, "VALIDATION_ERROR")
    assert error["message"] == "name contains a NUL character (\\u0000)"
    assert portal_names(spot.server.database_url) == before
