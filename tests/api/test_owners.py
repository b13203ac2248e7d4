"""The Owners API v3 (``/crm/v3/owners``) over HTTP and through the official SDK, with the
admin API making the owners (HubSpot has no API for it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from admin_support import AdminServer, shared_admin
from test_auth import missing_scopes

from conftest import Server, assert_hubspot_error, assert_sdk_error

OWNERS = "/crm/v3/owners"


@pytest.fixture(scope="module")
def spot(server: Server) -> Iterator[AdminServer]:
    yield from shared_admin(server)


def make_owner(spot: AdminServer, portal_id: int, email: str, **names: str) -> dict[str, Any]:
    response = spot.admin.post(
        f"/_localspot/portals/{portal_id}/owners", json={"email": email, **names}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture(scope="module")
def three(spot: AdminServer) -> tuple[int, httpx.Client, list[dict[str, Any]]]:
    """A portal with owners Ann, Bob (archived) and Cy."""
    portal_id, crm = spot.new_portal()
    ann = make_owner(spot, portal_id, "Ann@Example.com", firstName="Ann", lastName="Lee")
    bob = make_owner(spot, portal_id, "bob@example.com")
    cy = make_owner(spot, portal_id, "cy@example.com", firstName="Cy")
    archived = spot.admin.post(f"/_localspot/portals/{portal_id}/owners/{bob['id']}/archive")
    assert archived.status_code == 204, archived.text
    return portal_id, crm, [ann, bob, cy]


def owner_not_found(key: str) -> dict[str, Any]:
    return {
        "message": f"Owner {key} not found",
        "category": "OBJECT_NOT_FOUND",
        "context": {"id": [key]},
        "errors": [],
    }


def test_list_returns_live_owners_in_hubspots_shape(three: Any) -> None:
    _, crm, (ann, _, cy) = three
    response = crm.get(OWNERS)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body == {
        "results": [
            {
                "id": ann["id"],
                "email": "ann@example.com",
                "firstName": "Ann",
                "lastName": "Lee",
                "userId": ann["userId"],
                "userIdIncludingInactive": ann["userId"],
                "createdAt": ann["createdAt"],
                "updatedAt": ann["updatedAt"],
                "archived": False,
                "type": "PERSON",
                "teams": [],
            },
            {
                "id": cy["id"],
                "email": "cy@example.com",
                "firstName": "Cy",
                "lastName": "",
                "userId": cy["userId"],
                "userIdIncludingInactive": cy["userId"],
                "createdAt": cy["createdAt"],
                "updatedAt": cy["updatedAt"],
                "archived": False,
                "type": "PERSON",
                "teams": [],
            },
        ]
    }


def test_the_dated_path_serves_the_same_owners(three: Any) -> None:
    _, crm, (ann, _, _) = three
    dated = crm.get("/crm/owners/2026-03")
    assert dated.status_code == 200, dated.text
    assert dated.json() == crm.get(OWNERS).json()
    one = crm.get(f"/crm/owners/2026-03/{ann['id']}")
    assert one.status_code == 200
    assert one.json()["email"] == "ann@example.com"


def test_list_pages_with_limit_and_after(three: Any) -> None:
    _, crm, (ann, _, cy) = three
    first = crm.get(OWNERS, params={"limit": 1}).json()
    assert [o["id"] for o in first["results"]] == [ann["id"]]
    after = first["paging"]["next"]["after"]
    assert first["paging"]["next"]["link"].endswith(f"{OWNERS}?limit=1&after={after}")
    second = crm.get(OWNERS, params={"limit": 1, "after": after}).json()
    assert [o["id"] for o in second["results"]] == [cy["id"]]
    assert "paging" not in second


def test_list_filters_by_email_case_insensitively(three: Any) -> None:
    _, crm, (ann, _, _) = three
    body = crm.get(OWNERS, params={"email": "ANN@example.com"}).json()
    assert [o["id"] for o in body["results"]] == [ann["id"]]
    assert crm.get(OWNERS, params={"email": "nobody@example.com"}).json() == {"results": []}
    assert crm.get(OWNERS, params={"email": "ann\u0000@example.com"}).json() == {"results": []}


def test_list_archived_returns_only_archived_owners(three: Any) -> None:
    _, crm, (_, bob, _) = three
    body = crm.get(OWNERS, params={"archived": "true"}).json()
    assert [(o["id"], o["archived"]) for o in body["results"]] == [(bob["id"], True)]


def test_get_by_id_and_by_user_id(three: Any) -> None:
    _, crm, (ann, _, _) = three
    assert crm.get(f"{OWNERS}/{ann['id']}").json()["email"] == "ann@example.com"
    by_user = crm.get(f"{OWNERS}/{ann['userId']}", params={"idProperty": "userId"})
    assert by_user.json()["id"] == ann["id"]
    # a userId is not an owner id
    response = crm.get(f"{OWNERS}/{ann['userId']}")
    assert_hubspot_error(response, 404, **owner_not_found(str(ann["userId"])))


def test_get_archived_owner_needs_archived_true(three: Any) -> None:
    _, crm, (_, bob, _) = three
    assert_hubspot_error(crm.get(f"{OWNERS}/{bob['id']}"), 404, **owner_not_found(bob["id"]))
    found = crm.get(f"{OWNERS}/{bob['id']}", params={"archived": "true"})
    assert found.status_code == 200 and found.json()["archived"] is True


def test_get_unknown_or_non_numeric_owner_returns_404(three: Any) -> None:
    _, crm, _ = three
    assert_hubspot_error(crm.get(f"{OWNERS}/999"), 404, **owner_not_found("999"))
    assert_hubspot_error(crm.get(f"{OWNERS}/abc"), 404, **owner_not_found("abc"))


def test_bad_limit_after_or_id_property_return_400(three: Any) -> None:
    _, crm, _ = three
    for params in ({"limit": 0}, {"limit": 501}, {"after": "x"}):
        response = crm.get(OWNERS, params=params)
        assert response.status_code == 400, response.text
        assert response.json()["category"] == "VALIDATION_ERROR"
    response = crm.get(f"{OWNERS}/1", params={"idProperty": "email"})
    assert response.status_code == 400
    assert response.json()["message"] == "idProperty must be one of id, userId"


def test_token_without_the_owners_scope_gets_403(spot: AdminServer) -> None:
    body = {"withToken": True, "scopes": ["crm.objects.contacts.read"]}
    created = spot.admin.post("/_localspot/portals", json=body).json()
    crm = spot.crm_client(created["token"])
    for path in (OWNERS, f"{OWNERS}/1"):
        assert_hubspot_error(crm.get(path), 403, **missing_scopes("crm.objects.owners.read"))


def test_owners_are_portal_isolated(spot: AdminServer, three: Any) -> None:
    _, _, (ann, _, _) = three
    other_id, other = spot.new_portal()
    assert other.get(OWNERS).json() == {"results": []}
    assert_hubspot_error(other.get(f"{OWNERS}/{ann['id']}"), 404, **owner_not_found(ann["id"]))
    # the same email is free in another portal, and ids start from 1 there too
    mine = make_owner(spot, other_id, "ann@example.com")
    assert mine["id"] == "1"
    assert [o["id"] for o in other.get(OWNERS).json()["results"]] == ["1"]


def test_sdk_reads_owners_with_client_side_validation(spot: AdminServer, three: Any) -> None:
    import hubspot
    from hubspot.crm.owners import ApiException

    _, crm, (ann, bob, cy) = three
    token = crm.headers["Authorization"].removeprefix("Bearer ")
    client = hubspot.Client.create(access_token=token, host=spot.base_url)
    api = client.crm.owners.owners_api
    page = api.get_page(limit=1)
    assert [o.id for o in page.results] == [ann["id"]]
    assert page.results[0].user_id == ann["userId"]
    rest = api.get_page(limit=1, after=page.paging.next.after)
    assert [o.id for o in rest.results] == [cy["id"]]
    assert rest.paging is None
    assert [o.id for o in api.get_page(email="cy@example.com").results] == [cy["id"]]
    assert [o.id for o in api.get_page(archived=True).results] == [bob["id"]]
    one = api.get_by_id(owner_id=int(ann["id"]))
    assert (one.email, one.first_name, one.archived, one.teams) == (
        "ann@example.com",
        "Ann",
        False,
        [],
    )
    by_user = api.get_by_id(owner_id=ann["userId"], id_property="userId")
    assert by_user.id == ann["id"]
    with pytest.raises(ApiException) as raised:
        api.get_by_id(owner_id=999)
    assert_sdk_error(raised.value, 404, **owner_not_found("999"))


def test_admin_create_refuses_a_bad_or_taken_email(spot: AdminServer, three: Any) -> None:
    portal_id, _, _ = three
    url = f"/_localspot/portals/{portal_id}/owners"
    bad = spot.admin.post(url, json={"email": "not-an-email"})
    assert bad.status_code == 400 and bad.json()["message"] == "Invalid owner email 'not-an-email'"
    taken = spot.admin.post(url, json={"email": "ANN@example.com"})
    assert taken.status_code == 409
    assert taken.json()["message"] == "An owner with email ann@example.com already exists"
    # an archived owner's email is free again
    again = spot.admin.post(url, json={"email": "bob@example.com"})
    assert again.status_code == 201 and again.json()["id"] == "4"


def test_admin_owner_routes_on_an_unknown_portal_return_404(spot: AdminServer) -> None:
    for response in (
        spot.admin.post("/_localspot/portals/999999/owners", json={"email": "a@b.co"}),
        spot.admin.get("/_localspot/portals/999999/owners"),
        spot.admin.post("/_localspot/portals/999999/owners/1/archive"),
    ):
        assert response.status_code == 404, response.text
        assert response.json()["message"] == "Portal 999999 does not exist"


def test_admin_list_shows_archived_owners_and_archive_twice_is_404(spot: AdminServer) -> None:
    portal_id, _ = spot.new_portal()
    owner = make_owner(spot, portal_id, "dee@example.com")
    url = f"/_localspot/portals/{portal_id}/owners"
    assert spot.admin.post(f"{url}/{owner['id']}/archive").status_code == 204
    again = spot.admin.post(f"{url}/{owner['id']}/archive")
    assert again.status_code == 404 and again.json()["message"] == "Owner 1 not found"
    listed = spot.admin.get(url).json()["results"]
    assert [(o["email"], o["archived"]) for o in listed] == [("dee@example.com", True)]


def test_snapshot_restore_and_reset_carry_owners(spot: AdminServer) -> None:
    portal_id, crm = spot.new_portal()
    make_owner(spot, portal_id, "eve@example.com", firstName="Eve")
    base = f"/_localspot/portals/{portal_id}"
    saved = spot.admin.get(f"{base}/snapshot")
    assert [o["email"] for o in saved.json()["owners"]] == ["eve@example.com"]
    assert spot.admin.post(f"{base}/reset").status_code == 204
    assert crm.get(OWNERS).json() == {"results": []}
    restored = spot.admin.put(f"{base}/snapshot", content=saved.content)
    assert restored.status_code == 204, restored.text
    assert [o["firstName"] for o in crm.get(OWNERS).json()["results"]] == ["Eve"]
    assert spot.admin.get(f"{base}/snapshot").content == saved.content


def test_snapshot_without_owners_restores_with_none(spot: AdminServer) -> None:
    portal_id, crm = spot.new_portal()
    make_owner(spot, portal_id, "old@example.com")
    base = f"/_localspot/portals/{portal_id}"
    old = spot.admin.get(f"{base}/snapshot").json()
    del old["owners"]
    assert spot.admin.put(f"{base}/snapshot", json=old).status_code == 204
    assert crm.get(OWNERS).json() == {"results": []}


def test_snapshot_with_repeated_owner_ids_returns_400(spot: AdminServer) -> None:
    portal_id, _ = spot.new_portal()
    make_owner(spot, portal_id, "a@example.com")
    base = f"/_localspot/portals/{portal_id}"
    data = spot.admin.get(f"{base}/snapshot").json()
    data["owners"].append({**data["owners"][0], "email": "b@example.com", "userId": 5})
    response = spot.admin.put(f"{base}/snapshot", json=data)
    assert response.status_code == 400
    assert response.json()["message"] == "Owner ids repeat in the snapshot"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"email": "a\u0000@example.com"}, "Invalid owner email 'a\\x00@example.com'"),
        ({"email": "a@example.com", "firstName": "A\u0000"}, None),
        ({"email": "a@example.com", "lastName": "x" * 101}, None),
        ({"email": "x" * 250 + "@example.com"}, None),
        ({"firstName": "no email"}, None),
        ({"email": "a@example.com", "nickname": "A"}, None),
    ],
)
def test_admin_create_refuses_bad_fields_with_400_on_both_databases(
    spot: AdminServer, body: dict[str, Any], message: str | None
) -> None:
    portal_id, crm = spot.new_portal()
    response = spot.admin.post(f"/_localspot/portals/{portal_id}/owners", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["category"] == "VALIDATION_ERROR"
    if message is not None:
        assert response.json()["message"] == message
    assert crm.get(OWNERS).json() == {"results": []}


@pytest.mark.parametrize("params", [{"limit": "abc"}, {"archived": "maybe"}])
def test_unparseable_query_values_return_400(three: Any, params: dict[str, str]) -> None:
    _, crm, _ = three
    for path in (OWNERS, f"{OWNERS}/1"):
        if "limit" in params and path != OWNERS:
            continue
        response = crm.get(path, params=params)
        assert response.status_code == 400, response.text
        assert response.json()["category"] == "VALIDATION_ERROR"
