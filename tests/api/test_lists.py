"""Lists API v3, list definitions (hubspot-behaviour §16.1-16.2), through a real server on
both databases: the official SDK's ``lists_api`` and ``mapping_api`` for every success path,
raw HTTP for bad input with HubSpot's exact error bodies."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from list_support import (
    DYNAMIC_BRANCH,
    LISTS,
    list_not_found,
    lists_api,
    make_contacts,
    new_list,
)

from conftest import Server, assert_hubspot_error


@pytest.fixture(scope="module")
def api(portal_http: httpx.Client, server: Server) -> Any:
    return lists_api(portal_http, server)


def test_sdk_creates_reads_renames_deletes_and_restores_a_manual_list(api: Any) -> None:
    from hubspot.crm.lists import ListCreateRequest

    made = api.lists_api.create(
        ListCreateRequest(name="Newsletter", object_type_id="0-1", processing_type="MANUAL")
    ).list
    assert (made.name, made.object_type_id, made.processing_type) == (
        "Newsletter", "0-1", "MANUAL"
    )  # fmt: skip
    assert (made.processing_status, made.list_version, made.size) == ("COMPLETE", 1, 0)
    assert made.created_at == made.updated_at == made.filters_updated_at
    assert made.filter_branch is None and made.deleted_at is None
    assert api.lists_api.get_by_id(list_id=made.list_id).list == made
    assert api.lists_api.get_by_name(list_name="NEWSLETTER", object_type_id="0-1").list == made
    both = api.lists_api.get_all(list_ids=[made.list_id, "987654"]).lists
    assert [x.list_id for x in both] == [made.list_id]
    renamed = api.lists_api.update_name(list_id=made.list_id, list_name="Weekly").updated_list
    assert (renamed.name, renamed.list_version) == ("Weekly", 2)
    api.lists_api.remove(list_id=made.list_id)
    # Fetched by id, a deleted list is still answered, with deletedAt (hubspot-api-php#486);
    # by name, among several ids and in search it is left out.
    gone = api.lists_api.get_by_id(list_id=made.list_id).list
    assert gone.deleted_at is not None and gone.deleted_at == gone.updated_at
    assert (gone.name, gone.list_version, gone.size) == ("Weekly", 2, 0)
    assert api.lists_api.get_all(list_ids=[made.list_id]).lists == []
    with pytest.raises(Exception) as missing:
        api.lists_api.get_by_name(list_name="Weekly", object_type_id="0-1")
    assert missing.value.status == 404
    api.lists_api.restore(list_id=made.list_id)
    back = api.lists_api.get_by_id(list_id=made.list_id).list
    assert back.name == "Weekly" and back.deleted_at is None


def test_every_list_answer_carries_its_permissions_and_membership_settings(
    api: Any, portal_http: httpx.Client
) -> None:
    """HubSpot answers both objects for every list, empty or null when never set (its
    guide's create and rename examples; a captured read, hubspot-api-php#486)."""
    from hubspot.crm.lists import ListCreateRequest

    plain = new_list(portal_http, "Plain")
    assert plain["listPermissions"] == {"teamsWithEditAccess": [], "usersWithEditAccess": []}
    assert plain["membershipSettings"] == {"membershipTeamId": None, "includeUnassigned": None}
    kept = {
        "listPermissions": {"teamsWithEditAccess": [7], "usersWithEditAccess": [8, 9]},
        "membershipSettings": {"includeUnassigned": True},
    }
    made = new_list(portal_http, "Shared", **kept)
    settings = {"membershipTeamId": None, "includeUnassigned": True}
    assert (made["listPermissions"], made["membershipSettings"]) == (
        kept["listPermissions"], settings
    )  # fmt: skip
    for path in (f"{made['listId']}", f"{made['listId']}/update-list-name?listName=Shared2"):
        method = "GET" if "?" not in path else "PUT"
        answer = portal_http.request(method, f"{LISTS}/{path}").json()
        shown = answer.get("list") or answer["updatedList"]
        assert shown["membershipSettings"] == settings and shown["listPermissions"] == {
            "teamsWithEditAccess": [7], "usersWithEditAccess": [8, 9]
        }  # fmt: skip
    by_ids = portal_http.get(LISTS, params={"listIds": [plain["listId"]]}).json()["lists"]
    assert by_ids[0]["membershipSettings"] == {"membershipTeamId": None, "includeUnassigned": None}
    # The SDK's validating models read such an answer.
    read = api.lists_api.get_by_id(list_id=plain["listId"]).list
    assert read.name == "Plain"
    created = api.lists_api.create(
        ListCreateRequest(name="Via SDK", object_type_id="0-1", processing_type="MANUAL")
    ).list
    assert created.list_id and created.size == 0


def test_sdk_finds_a_list_whose_name_holds_a_slash_by_name(api: Any) -> None:
    from hubspot.crm.lists import ListCreateRequest

    name = "Q1/Q2 leads ü, 50% off?"
    made = api.lists_api.create(
        ListCreateRequest(name=name, object_type_id="0-1", processing_type="MANUAL")
    ).list
    assert api.lists_api.get_by_name(list_name=name, object_type_id="0-1").list == made
    with pytest.raises(Exception) as missing:
        api.lists_api.get_by_name(list_name="Q1/Q3 leads", object_type_id="0-1")
    assert missing.value.status == 404


def test_sdk_creates_a_dynamic_list_and_updates_its_filters(
    portal_http: httpx.Client, server: Server
) -> None:
    from hubspot.crm.lists import ListCreateRequest, ListFilterUpdateRequest

    # The SDK's models can't read a filter branch with validation on (compatibility.md).
    api = lists_api(portal_http, server, validate=False)
    request = ListCreateRequest(
        name="Ann", object_type_id="0-1", processing_type="DYNAMIC", filter_branch=DYNAMIC_BRANCH
    )
    made = api.lists_api.create(request).list
    assert made.to_dict()["filter_branch"]["filter_branch_type"] == "OR"
    assert portal_http.get(f"{LISTS}/{made.list_id}").json()["list"].get("filterBranch") is None
    shown = portal_http.get(f"{LISTS}/{made.list_id}", params={"includeFilters": "true"})
    assert "ann@example.com" in json.dumps(shown.json()["list"]["filterBranch"])
    changed = json.loads(json.dumps(DYNAMIC_BRANCH).replace("ann@", "bob@"))
    updated = api.lists_api.update_list_filters(
        list_id=made.list_id, list_filter_update_request=ListFilterUpdateRequest(changed)
    ).updated_list
    assert (updated.list_version, updated.processing_type) == (2, "DYNAMIC")
    body = portal_http.get(f"{LISTS}/{made.list_id}?includeFilters=true").json()["list"]
    assert "bob@example.com" in json.dumps(body["filterBranch"])
    assert "ann@example.com" not in json.dumps(body["filterBranch"])


def test_sdk_search_finds_lists_by_name_and_kind_and_pages_by_offset(
    api: Any, portal_http: httpx.Client
) -> None:
    from hubspot.crm.lists import ListSearchRequest

    for name in ("Search Alpha", "Search Beta", "search gamma"):
        new_list(portal_http, name)
    snapshot = new_list(portal_http, "Search Snap", "SNAPSHOT", filterBranch=DYNAMIC_BRANCH)
    found = api.lists_api.do_search(
        ListSearchRequest(query="SEARCH", offset=0, count=2, additional_properties=[])
    )
    assert ([x.name for x in found.lists], found.total, found.offset, found.has_more) == (
        ["Search Alpha", "Search Beta"], 4, 2, True
    )  # fmt: skip
    rest = api.lists_api.do_search(
        ListSearchRequest(query="search", offset=2, count=2, additional_properties=[])
    )
    assert ([x.name for x in rest.lists], rest.has_more) == (["search gamma", "Search Snap"], False)
    snaps = api.lists_api.do_search(
        ListSearchRequest(
            query="search",
            offset=0,
            processing_types=["SNAPSHOT"],
            additional_properties=["hs_folder_id"],
        )
    )
    assert [(x.list_id, x.additional_properties) for x in snaps.lists] == [
        (snapshot["listId"], {"hs_list_size": "0", "hs_list_reference_count": "0"})
    ]


def test_search_shows_a_lists_size_folder_and_custom_properties(
    portal_http: httpx.Client,
) -> None:
    folder = portal_http.post(f"{LISTS}/folders", json={"name": "Props"}).json()["folder"]
    made = new_list(
        portal_http,
        "Props list",
        listFolderId=int(folder["id"]),
        customProperties={"team": "west"},
    )
    ids = make_contacts(portal_http, 2, "props")
    portal_http.put(f"{LISTS}/{made['listId']}/memberships/add", json=ids)
    body = {"query": "props list", "additionalProperties": ["team", "nothing"], "sort": "-name"}
    found = portal_http.post(f"{LISTS}/search", json=body).json()["lists"]
    [hit] = found
    added = hit["additionalProperties"].pop("hs_last_record_added_at")
    assert int(added) > 0
    assert hit["additionalProperties"] == {
        "hs_list_size": "2",
        "hs_folder_name": "Props",
        "hs_list_reference_count": "0",
        "team": "west",
    }


def test_sdk_translates_legacy_ids_of_contact_lists(api: Any, portal_http: httpx.Client) -> None:
    contacts = new_list(portal_http, "Legacy contacts")
    new_list(portal_http, "Legacy companies", type_id="0-2")
    legacy = api.mapping_api.translate_legacy_list_id_to_list_id_batch(
        request_body=[str(n) for n in range(1, 30)] + ["x"]
    )
    by_list = {m.list_id: m.legacy_list_id for m in legacy.legacy_list_ids_to_ids_mapping}
    legacy_id = by_list[contacts["listId"]]
    assert "x" in legacy.missing_legacy_list_ids
    one = api.mapping_api.translate_legacy_list_id_to_list_id(legacy_list_id=legacy_id)
    assert (one.legacy_list_id, one.list_id) == (legacy_id, contacts["listId"])
    missing = portal_http.get(f"{LISTS}/idmapping", params={"legacyListId": "99999"})
    assert_hubspot_error(
        missing,
        404,
        message="No list has the legacy list id 99999",
        category="OBJECT_NOT_FOUND",
        context={"legacyListId": ["99999"]},
        errors=[],
    )
    unnamed = portal_http.get(f"{LISTS}/idmapping")
    assert_hubspot_error(
        unnamed,
        400,
        message="legacyListId is required",
        category="VALIDATION_ERROR",
        context={"legacyListId": []},
        errors=[],
    )


def test_the_dated_path_serves_the_same_lists(portal_http: httpx.Client) -> None:
    made = new_list(portal_http, "Dated")
    dated = portal_http.get(f"/crm/lists/2026-03/{made['listId']}")
    assert dated.status_code == 200, dated.text
    assert dated.json()["list"] == portal_http.get(f"{LISTS}/{made['listId']}").json()["list"]


@pytest.mark.parametrize(
    ("body", "message", "more"),
    [
        ({"name": " ", "processingType": "MANUAL"}, "List name must not be blank", {}),
        (
            {"name": "x" * 256, "processingType": "MANUAL"},
            "List name must be at most 255 characters",
            {},
        ),
        (
            {"name": "Kind", "processingType": "STATIC"},
            "processingType must be one of MANUAL, SNAPSHOT, DYNAMIC, got 'STATIC'",
            {"context": {"processingType": ["STATIC"]}},
        ),
        (
            {"name": "Manual", "processingType": "MANUAL", "filterBranch": DYNAMIC_BRANCH},
            "MANUAL lists have no filters: leave filterBranch out",
            {},
        ),
        (
            {"name": "Snap", "processingType": "SNAPSHOT"},
            "A SNAPSHOT list needs a filterBranch",
            {},
        ),
        ({"name": "Dyn", "processingType": "DYNAMIC"}, "A DYNAMIC list needs a filterBranch", {}),
    ],
)
def test_bad_list_definitions_are_refused(
    portal_http: httpx.Client, body: dict[str, Any], message: str, more: dict[str, Any]
) -> None:
    response = portal_http.post(LISTS, json={"objectTypeId": "0-1", **body})
    expected = {"message": message, "category": "VALIDATION_ERROR", "context": {}, "errors": []}
    assert_hubspot_error(response, 400, **{**expected, **more})


@pytest.mark.parametrize("type_id", ["0-53", "0-48", "contacts", "2-999999"])
def test_object_types_lists_do_not_take_are_refused(
    portal_http: httpx.Client, type_id: str
) -> None:
    body = {"name": f"Type {type_id}", "objectTypeId": type_id, "processingType": "MANUAL"}
    assert_hubspot_error(
        portal_http.post(LISTS, json=body),
        400,
        message=f"The objectTypeId {type_id} provided for the list is not valid for this portal.",
        category="VALIDATION_ERROR",
        subCategory="ListError.INVALID_OBJECT_TYPE_FOR_LIST",
        context={},
        errors=[],
    )


def test_names_are_unique_in_any_case_and_missing_fields_are_refused(
    portal_http: httpx.Client,
) -> None:
    new_list(portal_http, "Unique")
    taken = {
        "message": "A list named 'UNIQUE' already exists. List names must be unique.",
        "category": "VALIDATION_ERROR",
        "context": {"listName": ["UNIQUE"]},
        "errors": [],
    }
    body = {"name": "UNIQUE", "objectTypeId": "0-2", "processingType": "MANUAL"}
    assert_hubspot_error(portal_http.post(LISTS, json=body), 400, **taken)
    other = new_list(portal_http, "Not unique yet")
    renamed = portal_http.put(f"{LISTS}/{other['listId']}/update-list-name?listName=UNIQUE")
    assert_hubspot_error(renamed, 400, **taken)
    missing = portal_http.post(LISTS, json={"objectTypeId": "0-1", "processingType": "MANUAL"})
    assert missing.status_code == 400
    assert missing.json()["category"] == "VALIDATION_ERROR"
    unnamed = portal_http.put(f"{LISTS}/{other['listId']}/update-list-name")
    assert_hubspot_error(
        unnamed,
        400,
        message="List name must not be blank",
        category="VALIDATION_ERROR",
        context={},
        errors=[],
    )


def test_filters_of_lists_other_than_dynamic_are_not_updated(portal_http: httpx.Client) -> None:
    made = new_list(portal_http, "Manual filters")
    response = portal_http.put(
        f"{LISTS}/{made['listId']}/update-list-filters", json={"filterBranch": DYNAMIC_BRANCH}
    )
    assert_hubspot_error(
        response,
        400,
        message=f"Only the filters of DYNAMIC lists can be updated; list {made['listId']} is"
        " MANUAL",
        category="VALIDATION_ERROR",
        context={"listId": [made["listId"]], "processingType": ["MANUAL"]},
        errors=[],
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "{list}"),
        ("DELETE", "{list}"),
        ("PUT", "{list}/update-list-name?listName=x"),
        ("GET", "{list}/memberships"),
        ("PUT", "{list}/restore"),
    ],
)
@pytest.mark.parametrize("list_id", ["424242", "abc"])
def test_unknown_lists_are_404(
    portal_http: httpx.Client, method: str, path: str, list_id: str
) -> None:
    url = f"{LISTS}/" + path.format(list=list_id)
    response = portal_http.request(method, url)
    assert_hubspot_error(response, 404, **list_not_found(list_id))


def test_a_live_list_is_not_restored_and_a_deleted_one_not_renamed(
    portal_http: httpx.Client,
) -> None:
    made = new_list(portal_http, "Live")
    assert_hubspot_error(
        portal_http.put(f"{LISTS}/{made['listId']}/restore"),
        400,
        message=f"List {made['listId']} is not deleted",
        category="VALIDATION_ERROR",
        context={"listId": [made["listId"]]},
        errors=[],
    )
    assert portal_http.delete(f"{LISTS}/{made['listId']}").status_code == 204
    shown = portal_http.get(f"{LISTS}/{made['listId']}")
    assert shown.status_code == 200 and "deletedAt" in shown.json()["list"], shown.text
    renamed = portal_http.put(f"{LISTS}/{made['listId']}/update-list-name?listName=Back")
    assert_hubspot_error(renamed, 404, **list_not_found(made["listId"]))
    assert portal_http.delete(f"{LISTS}/{made['listId']}").status_code == 404


def test_a_token_without_the_lists_scopes_is_refused(server: Server) -> None:
    token = server.new_token("--portal", str(server.new_portal()), "--scopes", "crm.lists.read")
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base_url, headers=headers) as reader:
        assert reader.get(LISTS, params={"listIds": "1"}).status_code == 200
        body = {"name": "No", "objectTypeId": "0-1", "processingType": "MANUAL"}
        refused = reader.post(LISTS, json=body)
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["context"] == {
        "requiredGranularScopes": ["crm.lists.write", "cms.membership.access_groups.write"]
    }


def test_another_portal_sees_none_of_the_lists(portal_http: httpx.Client, server: Server) -> None:
    made = new_list(portal_http, "Private")
    token = server.new_token("--portal", str(server.new_portal()))
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base_url, headers=headers) as other:
        assert_hubspot_error(other.get(f"{LISTS}/{made['listId']}"), 404,
                             **list_not_found(made["listId"]))  # fmt: skip
        assert other.post(f"{LISTS}/search", json={}).json()["total"] == 0
        assert new_list(other, "Private")["listId"] == "1"  # names and ids are per portal
    assert portal_http.get(f"{LISTS}/{made['listId']}").json()["list"]["name"] == "Private"
