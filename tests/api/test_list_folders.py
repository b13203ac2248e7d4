"""Lists API v3, folders (hubspot-behaviour §16.4), through a real server on both databases:
the official SDK's ``folders_api`` (client-side validation on) for every success path, raw
HTTP for bad input."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from list_support import LISTS, list_not_found, lists_api, new_list

from conftest import Server, assert_hubspot_error

FOLDERS = f"{LISTS}/folders"


@pytest.fixture(scope="module")
def api(portal_http: httpx.Client, server: Server) -> Any:
    return lists_api(portal_http, server).folders_api


def folder_not_found(folder_id: str) -> dict[str, Any]:
    return {
        "message": f"Folder {folder_id} does not exist",
        "category": "OBJECT_NOT_FOUND",
        "context": {"folderId": [folder_id]},
        "errors": [],
    }


def test_sdk_builds_a_folder_tree_and_moves_lists_into_it(
    api: Any, portal_http: httpx.Client
) -> None:
    from hubspot.crm.lists import ListFolderCreateRequest, ListMoveRequest

    # The SDK reads folder ids as numbers (HubSpot's OpenAPI file: strings, as sent here).
    top = api.create(ListFolderCreateRequest(name="Marketing")).folder
    assert (top.parent_folder_id, top.child_lists, top.child_nodes) == (0, [], [])
    inner = api.create(ListFolderCreateRequest(name="Events", parent_folder_id=str(top.id)))
    inner = inner.folder
    made = new_list(portal_http, "In a folder")
    api.move_list(ListMoveRequest(list_id=made["listId"], new_folder_id=str(inner.id)))
    tree = api.get_all(folder_id=top.id).folder
    assert (tree.name, [c.name for c in tree.child_nodes], tree.child_lists) == (
        "Marketing", ["Events"], []
    )  # fmt: skip
    assert api.get_all(folder_id=inner.id).folder.child_lists == [int(made["listId"])]
    root = api.get_all().folder
    assert (root.id, root.parent_folder_id) == (0, 0)
    assert top.id in [c.id for c in root.child_nodes]
    assert int(made["listId"]) not in root.child_lists


def test_sdk_renames_moves_and_deletes_folders(api: Any, portal_http: httpx.Client) -> None:
    from hubspot.crm.lists import ListFolderCreateRequest, ListMoveRequest

    first = api.create(ListFolderCreateRequest(name="First")).folder
    second = api.create(ListFolderCreateRequest(name="Second")).folder
    renamed = api.rename(folder_id=first.id, new_folder_name="Renamed").folder
    assert (renamed.id, renamed.name) == (first.id, "Renamed")
    moved = api.move(folder_id=str(second.id), new_parent_folder_id=str(first.id)).folder
    assert (moved.id, moved.parent_folder_id) == (second.id, first.id)
    assert [c.id for c in api.get_all(folder_id=first.id).folder.child_nodes] == [second.id]
    made = new_list(portal_http, "Keeps a folder", listFolderId=second.id)
    refused = portal_http.delete(f"{FOLDERS}/{second.id}")
    assert_hubspot_error(
        refused,
        400,
        message=f"Folder {second.id} still holds lists or folders; move or delete them first",
        category="VALIDATION_ERROR",
        context={"folderId": [str(second.id)]},
        errors=[],
    )
    api.move_list(ListMoveRequest(list_id=made["listId"], new_folder_id="0"))
    api.remove(folder_id=second.id)
    api.remove(folder_id=first.id)
    assert_hubspot_error(portal_http.get(FOLDERS, params={"folderId": first.id}), 404,
                         **folder_not_found(str(first.id)))  # fmt: skip


def test_a_folder_cannot_move_into_itself_or_below_and_the_root_stays(
    portal_http: httpx.Client,
) -> None:
    outer = portal_http.post(FOLDERS, json={"name": "Outer"}).json()["folder"]["id"]
    inner = portal_http.post(FOLDERS, json={"name": "Inner", "parentFolderId": outer})
    inner_id = inner.json()["folder"]["id"]
    for target in (outer, inner_id):
        response = portal_http.put(f"{FOLDERS}/{outer}/move/{target}")
        assert_hubspot_error(
            response,
            400,
            message=f"Folder {outer} can't move into itself or a folder inside it",
            category="VALIDATION_ERROR",
            context={"folderId": [outer], "newParentFolderId": [target]},
            errors=[],
        )
    root = {
        "message": "The root folder can't be changed",
        "category": "VALIDATION_ERROR",
        "context": {"folderId": ["0"]},
        "errors": [],
    }
    assert_hubspot_error(portal_http.delete(f"{FOLDERS}/0"), 400, **root)
    assert_hubspot_error(portal_http.put(f"{FOLDERS}/0/rename?newFolderName=x"), 400, **root)


def test_unknown_folders_and_lists_are_404(portal_http: httpx.Client) -> None:
    assert_hubspot_error(portal_http.get(FOLDERS, params={"folderId": "31337"}), 404,
                         **folder_not_found("31337"))  # fmt: skip
    created = portal_http.post(FOLDERS, json={"name": "Lost", "parentFolderId": "31337"})
    assert_hubspot_error(created, 404, **folder_not_found("31337"))
    assert_hubspot_error(portal_http.put(f"{FOLDERS}/31337/move/0"), 404,
                         **folder_not_found("31337"))  # fmt: skip
    made = new_list(portal_http, "Moving nowhere")
    moved = portal_http.put(
        f"{FOLDERS}/move-list", json={"listId": made["listId"], "newFolderId": "31337"}
    )
    assert_hubspot_error(moved, 404, **folder_not_found("31337"))
    gone = portal_http.put(f"{FOLDERS}/move-list", json={"listId": "999999", "newFolderId": "0"})
    assert_hubspot_error(gone, 404, **list_not_found("999999"))
    refused = portal_http.post(
        LISTS,
        json={"name": "Bad folder", "objectTypeId": "0-1", "processingType": "MANUAL",
              "listFolderId": 31337},
    )  # fmt: skip
    assert_hubspot_error(refused, 404, **folder_not_found("31337"))


def test_a_folder_needs_a_name(portal_http: httpx.Client) -> None:
    blank = portal_http.post(FOLDERS, json={"name": "  "})
    assert_hubspot_error(
        blank,
        400,
        message="Folder name must not be blank",
        category="VALIDATION_ERROR",
        context={},
        errors=[],
    )
    folder = portal_http.post(FOLDERS, json={"name": "Named"}).json()["folder"]["id"]
    unnamed = portal_http.put(f"{FOLDERS}/{folder}/rename")
    assert_hubspot_error(
        unnamed,
        400,
        message="Folder name must not be blank",
        category="VALIDATION_ERROR",
        context={},
        errors=[],
    )
