"""Teams: made and assigned through the admin API (HubSpot has no public API for them),
seen on each owner's ``teams`` in the Owners API v3, over HTTP and through the SDK."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from admin_support import AdminServer, shared_admin

from conftest import Server, assert_hubspot_error

OWNERS = "/crm/v3/owners"


@pytest.fixture(scope="module")
def spot(server: Server) -> Iterator[AdminServer]:
    yield from shared_admin(server)


def post(spot: AdminServer, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
    return spot.admin.post(f"/_localspot{path}", json=body)


def made(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def put_on(spot: AdminServer, portal_id: int, team_id: str, owner_id: str, **extra: Any) -> None:
    body = {"ownerId": int(owner_id), **extra}
    done = post(spot, f"/portals/{portal_id}/teams/{team_id}/owners", body)
    assert done.status_code == 204, done.text


@pytest.fixture(scope="module")
def sales(spot: AdminServer) -> dict[str, Any]:
    """A portal: Ann on West (primary) and East, Bob on East (asked as an additional team,
    but an owner on a team always has a primary one), Cy on no team."""
    portal_id, crm = spot.new_portal()
    owners = {
        n: made(post(spot, f"/portals/{portal_id}/owners", {"email": f"{n}@example.com"}))["id"]
        for n in ("ann", "bob", "cy")
    }
    west = made(post(spot, f"/portals/{portal_id}/teams", {"name": " West "}))
    east = made(post(spot, f"/portals/{portal_id}/teams", {"name": "East"}))
    put_on(spot, portal_id, west["id"], owners["ann"])
    put_on(spot, portal_id, east["id"], owners["ann"])
    put_on(spot, portal_id, east["id"], owners["bob"], primary=False)
    return {"portal": portal_id, "crm": crm, "owners": owners, "west": west, "east": east}


def test_created_team_has_its_shape(sales: dict[str, Any]) -> None:
    west = sales["west"]
    assert west["name"] == "West" and west["archived"] is False and west["members"] == []
    assert west["id"] == "1" and sales["east"]["id"] == "2"
    assert west["createdAt"] == west["updatedAt"]


def test_owners_api_shows_teams_primary_first(sales: dict[str, Any]) -> None:
    crm, owners = sales["crm"], sales["owners"]
    found = {o["id"]: o["teams"] for o in crm.get(OWNERS).json()["results"]}
    assert found == {
        owners["ann"]: [
            {"id": "1", "name": "West", "primary": True},
            {"id": "2", "name": "East", "primary": False},
        ],
        owners["bob"]: [{"id": "2", "name": "East", "primary": True}],
        owners["cy"]: [],
    }
    one = crm.get(f"{OWNERS}/{owners['bob']}").json()
    assert one["teams"] == [{"id": "2", "name": "East", "primary": True}]
    by_email = crm.get(OWNERS, params={"email": "ann@example.com"}).json()["results"]
    assert [t["name"] for t in by_email[0]["teams"]] == ["West", "East"]


def test_admin_list_shows_members(spot: AdminServer, sales: dict[str, Any]) -> None:
    listed = spot.admin.get(f"/_localspot/portals/{sales['portal']}/teams").json()["results"]
    owners = sales["owners"]
    assert [(t["name"], t["members"]) for t in listed] == [
        ("West", [{"ownerId": owners["ann"], "primary": True}]),
        (
            "East",
            [
                {"ownerId": owners["ann"], "primary": False},
                {"ownerId": owners["bob"], "primary": True},
            ],
        ),
    ]


def test_sdk_reads_teams_with_client_side_validation(
    spot: AdminServer, sales: dict[str, Any]
) -> None:
    import hubspot

    token = sales["crm"].headers["Authorization"].removeprefix("Bearer ")
    api = hubspot.Client.create(access_token=token, host=spot.base_url).crm.owners.owners_api
    ann = api.get_by_id(owner_id=int(sales["owners"]["ann"]))
    assert [(t.id, t.name, t.primary) for t in ann.teams] == [
        ("1", "West", True),
        ("2", "East", False),
    ]
    page = api.get_page(email="bob@example.com")
    assert [(t.name, t.primary) for t in page.results[0].teams] == [("East", True)]


def test_bad_team_input_gets_hubspot_errors(spot: AdminServer, sales: dict[str, Any]) -> None:
    portal_id = sales["portal"]
    teams = f"/portals/{portal_id}/teams"
    for name, message in (
        ("  ", "A team needs a name"),
        ("x" * 101, "A team name is at most 100 characters"),
        ("a\x00b", "A team name cannot hold control characters"),
    ):
        response = post(spot, teams, {"name": name})
        assert_hubspot_error(
            response,
            400,
            message=message,
            category="VALIDATION_ERROR",
            context={"name": [name]},
            errors=[],
        )
    assert_hubspot_error(
        post(spot, teams, {"name": "west"}),
        409,
        message="A team named west already exists",
        category="CONFLICT",
        context={"name": ["west"]},
        errors=[],
    )
    unknown_owner = post(spot, f"{teams}/1/owners", {"ownerId": 999})
    assert_hubspot_error(
        unknown_owner,
        404,
        message="Owner 999 not found",
        category="OBJECT_NOT_FOUND",
        context={"id": ["999"]},
        errors=[],
    )
    ann = int(sales["owners"]["ann"])
    for response in (
        post(spot, f"{teams}/77/owners", {"ownerId": ann}),
        post(spot, f"{teams}/77/archive"),
        spot.admin.delete(f"/_localspot{teams}/77/owners/{ann}"),
    ):
        assert_hubspot_error(
            response,
            404,
            message="Team 77 not found",
            category="OBJECT_NOT_FOUND",
            context={"id": ["77"]},
            errors=[],
        )
    assert post(spot, f"{teams}/1/owners", {"ownerId": "x"}).status_code == 400
    assert post(spot, "/portals/999999/teams", {"name": "Z"}).status_code == 404


def test_remove_owner_and_archive_team(spot: AdminServer) -> None:
    portal_id, crm = spot.new_portal()
    ann = made(post(spot, f"/portals/{portal_id}/owners", {"email": "ann@example.com"}))["id"]
    one = made(post(spot, f"/portals/{portal_id}/teams", {"name": "One"}))["id"]
    two = made(post(spot, f"/portals/{portal_id}/teams", {"name": "Two"}))["id"]
    put_on(spot, portal_id, one, ann)
    put_on(spot, portal_id, two, ann)
    gone = spot.admin.delete(f"/_localspot/portals/{portal_id}/teams/{one}/owners/{ann}")
    assert gone.status_code == 204, gone.text
    again = spot.admin.delete(f"/_localspot/portals/{portal_id}/teams/{one}/owners/{ann}")
    assert again.status_code == 404
    assert crm.get(f"{OWNERS}/{ann}").json()["teams"] == [
        {"id": two, "name": "Two", "primary": True}
    ]
    archived = post(spot, f"/portals/{portal_id}/teams/{two}/archive")
    assert archived.status_code == 204, archived.text
    assert crm.get(f"{OWNERS}/{ann}").json()["teams"] == []
    listed = spot.admin.get(f"/_localspot/portals/{portal_id}/teams").json()["results"]
    assert [(t["name"], t["archived"], t["members"]) for t in listed] == [
        ("One", False, []),
        ("Two", True, []),
    ]


def test_teams_are_portal_isolated(spot: AdminServer, sales: dict[str, Any]) -> None:
    other, crm = spot.new_portal()
    assert spot.admin.get(f"/_localspot/portals/{other}/teams").json()["results"] == []
    stranger = int(sales["owners"]["ann"])
    response = post(spot, f"/portals/{other}/teams", {"name": "West"})
    assert response.status_code == 201  # the name is only taken in the other portal
    assert post(spot, f"/portals/{other}/teams/1/owners", {"ownerId": stranger}).status_code == 404
    assert crm.get(OWNERS).json()["results"] == []


def test_snapshot_restore_and_reset_carry_teams(spot: AdminServer, sales: dict[str, Any]) -> None:
    portal_id = sales["portal"]
    snapshot = spot.admin.get(f"/_localspot/portals/{portal_id}/snapshot")
    assert snapshot.status_code == 200
    body = snapshot.json()
    assert [t["name"] for t in body["teams"]] == ["West", "East"]
    assert len(body["teamMembers"]) == 3
    copy, crm = spot.new_portal()
    headers = {"content-type": "application/json"}
    restored = spot.admin.put(
        f"/_localspot/portals/{copy}/snapshot", content=snapshot.content, headers=headers
    )
    assert restored.status_code == 204, restored.text
    assert spot.admin.get(f"/_localspot/portals/{copy}/snapshot").content == snapshot.content
    ann = crm.get(f"{OWNERS}/{sales['owners']['ann']}").json()
    assert [t["name"] for t in ann["teams"]] == ["West", "East"]
    reset = post(spot, f"/portals/{copy}/reset")
    assert reset.status_code == 204, reset.text
    assert spot.admin.get(f"/_localspot/portals/{copy}/teams").json()["results"] == []


def test_snapshot_with_a_membership_of_an_unknown_team_returns_400(spot: AdminServer) -> None:
    portal_id, _ = spot.new_portal()
    snapshot = {
        "format": "localspot-snapshot/1",
        "portal": {"name": "x"},
        "objectTypes": {},
        "owners": [{"id": 1, "userId": 2, "email": "a@b.co", "createdAt": 0, "updatedAt": 0}],
        "teamMembers": [{"ownerId": 1, "teamId": 5, "primary": True}],
    }
    response = spot.admin.put(f"/_localspot/portals/{portal_id}/snapshot", json=snapshot)
    assert_hubspot_error(
        response,
        400,
        message="Team memberships name unknown teams in the snapshot",
        category="VALIDATION_ERROR",
        context={"ids": ["5"]},
        errors=[],
    )
