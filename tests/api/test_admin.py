"""The admin API (``/_localspot/``): its own token, portals, reset and seeded ids."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from admin_support import (
    CALLS,
    AdminServer,
    assert_hubspot_error,
    create_calls,
    serve_with_admin,
)

SEEDED_BASE, BLOCK = 1_000_000_000, 10_000_000


@pytest.fixture(scope="module")
def spot(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AdminServer]:
    yield from serve_with_admin(backend, request, tmp_path_factory)


def add_property(client: httpx.Client, name: str, *, unique: bool = False) -> None:
    body = {
        "name": name,
        "label": name,
        "type": "string",
        "fieldType": "text",
        "groupName": "call_information",
        "hasUniqueValue": unique,
    }
    response = client.post("/crm/v3/properties/calls", json=body)
    assert response.status_code == 201, response.text


def test_admin_routes_refuse_a_portal_token(spot: AdminServer) -> None:
    _, crm = spot.new_portal()
    response = crm.post("/_localspot/portals", json={})
    assert_hubspot_error(response, 401, "INVALID_AUTHENTICATION")


def test_admin_routes_refuse_a_request_without_a_token(spot: AdminServer) -> None:
    response = httpx.get(f"{spot.base_url}/_localspot/time")
    assert_hubspot_error(response, 401, "INVALID_AUTHENTICATION")


def test_admin_token_is_refused_on_crm_routes(spot: AdminServer) -> None:
    response = spot.admin.get(CALLS)
    assert_hubspot_error(response, 401, "INVALID_AUTHENTICATION")


def test_create_portal_returns_its_id_and_a_working_token(spot: AdminServer) -> None:
    portal_id, crm = spot.new_portal()
    assert portal_id > 0
    assert crm.get(CALLS).status_code == 200


def test_create_portal_without_a_token_returns_only_the_id(spot: AdminServer) -> None:
    response = spot.admin.post("/_localspot/portals", json={"name": "bare"})
    assert response.status_code == 201
    assert set(response.json()) == {"id"}


def test_create_portal_with_an_unknown_tier_returns_400(spot: AdminServer) -> None:
    response = spot.admin.post("/_localspot/portals", json={"tier": "platinum"})
    assert_hubspot_error(response, 400, "VALIDATION_ERROR")


def test_create_portal_with_unknown_scopes_returns_400_and_creates_nothing(
    spot: AdminServer,
) -> None:
    before = spot.admin.post("/_localspot/portals", json={"name": "before"}).json()["id"]
    body = {"withToken": True, "scopes": ["crm.objects.deals.read", "nonsense.scope", "x"]}
    response = spot.admin.post("/_localspot/portals", json=body)
    error = assert_hubspot_error(response, 400, "VALIDATION_ERROR")
    assert error["message"].startswith("Unknown scopes: nonsense.scope, x; known scopes: ")
    assert error["context"] == {"scopes": ["nonsense.scope", "x"]}
    after = spot.admin.post("/_localspot/portals", json={"name": "after"}).json()["id"]
    assert after == before + 1


def test_create_portal_with_an_empty_scope_list_gives_a_token_without_scopes(
    spot: AdminServer,
) -> None:
    created = spot.admin.post("/_localspot/portals", json={"withToken": True, "scopes": []})
    assert created.status_code == 201, created.text
    crm = spot.crm_client(created.json()["token"])
    response = crm.get(CALLS)
    assert_hubspot_error(response, 403, "MISSING_SCOPES")


def test_create_portal_with_an_unknown_field_returns_400(spot: AdminServer) -> None:
    response = spot.admin.post("/_localspot/portals", json={"withTokens": True})
    assert_hubspot_error(response, 400, "VALIDATION_ERROR")


def test_deleted_portal_token_answers_401(spot: AdminServer) -> None:
    portal_id, crm = spot.new_portal()
    create_calls(crm, 2)
    assert spot.admin.delete(f"/_localspot/portals/{portal_id}").status_code == 204
    assert_hubspot_error(crm.get(CALLS), 401, "INVALID_AUTHENTICATION")


def test_delete_of_an_unknown_portal_returns_404(spot: AdminServer) -> None:
    response = spot.admin.delete("/_localspot/portals/987654321")
    body = assert_hubspot_error(response, 404, "OBJECT_NOT_FOUND")
    assert body["message"] == "Portal 987654321 does not exist"


def test_reset_removes_records_and_custom_properties(spot: AdminServer) -> None:
    portal_id, crm = spot.new_portal()
    add_property(crm, "crm_ref")
    create_calls(crm, 3, crm_ref="r1")
    assert spot.admin.post(f"/_localspot/portals/{portal_id}/reset").status_code == 204
    assert crm.get(CALLS).json()["results"] == []
    gone = crm.get("/crm/v3/properties/calls/crm_ref")
    assert_hubspot_error(gone, 404, "OBJECT_NOT_FOUND")
    assert gone.json()["context"] == {"name": ["crm_ref"]}


def test_reset_can_keep_custom_properties(spot: AdminServer) -> None:
    portal_id, crm = spot.new_portal()
    add_property(crm, "kept_ref")
    create_calls(crm, 1, kept_ref="r1")
    body = {"keepCustomProperties": True}
    assert spot.admin.post(f"/_localspot/portals/{portal_id}/reset", json=body).status_code == 204
    assert crm.get(CALLS).json()["results"] == []
    assert crm.get("/crm/v3/properties/calls/kept_ref").status_code == 200


def test_reset_releases_unique_values(spot: AdminServer) -> None:
    portal_id, crm = spot.new_portal()
    add_property(crm, "ext_id", unique=True)
    create_calls(crm, 1, ext_id="same")
    body = {"keepCustomProperties": True}
    spot.admin.post(f"/_localspot/portals/{portal_id}/reset", json=body)
    assert len(create_calls(crm, 1, ext_id="same")) == 1


def test_reset_leaves_other_portals_alone(spot: AdminServer) -> None:
    portal_id, crm = spot.new_portal()
    _, other = spot.new_portal()
    kept = create_calls(other, 2)
    create_calls(crm, 2)
    spot.admin.post(f"/_localspot/portals/{portal_id}/reset")
    assert [r["id"] for r in other.get(CALLS).json()["results"]] == kept


def test_reset_of_an_unknown_portal_returns_404(spot: AdminServer) -> None:
    response = spot.admin.post("/_localspot/portals/987654321/reset")
    assert_hubspot_error(response, 404, "OBJECT_NOT_FOUND")


def test_seeded_ids_come_from_the_seed_block(spot: AdminServer) -> None:
    portal_id, crm = spot.new_portal()
    assert spot.admin.put(f"/_localspot/portals/{portal_id}/id-seed", json={"seed": 7}).is_success
    first = SEEDED_BASE + 7 * BLOCK + 1
    assert create_calls(crm, 3) == [str(first), str(first + 1), str(first + 2)]


def test_seeded_ids_repeat_after_a_reset(spot: AdminServer) -> None:
    portal_id, crm = spot.new_portal()
    spot.admin.put(f"/_localspot/portals/{portal_id}/id-seed", json={"seed": 8})
    before = create_calls(crm, 2)
    spot.admin.post(f"/_localspot/portals/{portal_id}/reset")
    assert create_calls(crm, 2) == before


def test_seeded_ids_skip_ids_another_portal_holds(spot: AdminServer) -> None:
    first_portal, first = spot.new_portal()
    second_portal, second = spot.new_portal()
    for portal_id in (first_portal, second_portal):
        spot.admin.put(f"/_localspot/portals/{portal_id}/id-seed", json={"seed": 9})
    taken = create_calls(first, 2)
    assert set(create_calls(second, 2)).isdisjoint(taken)


def test_clearing_the_seed_returns_to_database_ids(spot: AdminServer) -> None:
    portal_id, crm = spot.new_portal()
    spot.admin.put(f"/_localspot/portals/{portal_id}/id-seed", json={"seed": 10})
    spot.admin.put(f"/_localspot/portals/{portal_id}/id-seed", json={"seed": None})
    assert int(create_calls(crm, 1)[0]) < SEEDED_BASE


def test_seed_out_of_range_returns_400(spot: AdminServer) -> None:
    portal_id, _ = spot.new_portal()
    response = spot.admin.put(f"/_localspot/portals/{portal_id}/id-seed", json={"seed": -1})
    assert_hubspot_error(response, 400, "VALIDATION_ERROR")


def test_admin_routes_are_listed_under_the_admin_tag(spot: AdminServer) -> None:
    document = httpx.get(f"{spot.base_url}/_localspot/openapi.json").json()
    admin_paths = {p: ops for p, ops in document["paths"].items() if p.startswith("/_localspot")}
    assert "/_localspot/portals/{portal_id}/faults" in admin_paths
    tags = {tag for ops in admin_paths.values() for op in ops.values() for tag in op["tags"]}
    assert tags == {"Admin"}
