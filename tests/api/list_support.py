"""What the Lists API test modules share: the official SDK's ``crm.lists`` with client-side
validation on, contacts made in batches, and HubSpot's list error bodies."""

from __future__ import annotations

from typing import Any

import httpx

from conftest import Server

CONTACTS = "/crm/v3/objects/contacts"
LISTS = "/crm/v3/lists"
DYNAMIC_BRANCH: dict[str, Any] = {
    "filterBranchType": "OR",
    "filterBranches": [
        {
            "filterBranchType": "AND",
            "filterBranches": [],
            "filters": [
                {
                    "filterType": "PROPERTY",
                    "property": "email",
                    "operation": {
                        "operationType": "STRING",
                        "operator": "IS_EQUAL_TO",
                        "value": "ann@example.com",
                    },
                }
            ],
        }
    ],
    "filters": [],
}
"""A filter branch as HubSpot's docs write one (the root OR branch, one AND branch)."""


def lists_api(client: httpx.Client, server: Server, *, validate: bool = True) -> Any:
    """The SDK's ``crm.lists`` for the client's portal; its models check every value they
    read when ``validate`` (they can't read a filter branch: see docs/compatibility.md)."""
    import hubspot

    token = str(client.headers["Authorization"]).removeprefix("Bearer ")
    sdk = hubspot.Client.create(
        access_token=token, host=server.base_url, client_side_validation=validate
    )
    return sdk.crm.lists


def make_contacts(client: httpx.Client, n: int, prefix: str = "c") -> list[str]:
    """``n`` contacts, made 100 at a time; their ids in order."""
    ids: list[str] = []
    for start in range(0, n, 100):
        inputs = [
            {"properties": {"email": f"{prefix}{i}@example.com"}}
            for i in range(start, min(n, start + 100))
        ]
        made = client.post(f"{CONTACTS}/batch/create", json={"inputs": inputs})
        assert made.status_code == 201, made.text
        ids += [r["id"] for r in made.json()["results"]]
    return ids


def new_list(
    client: httpx.Client, name: str, kind: str = "MANUAL", type_id: str = "0-1", **more: Any
) -> dict[str, Any]:
    body = {"name": name, "objectTypeId": type_id, "processingType": kind, **more}
    created = client.post(LISTS, json=body)
    assert created.status_code == 200, created.text
    found: dict[str, Any] = created.json()["list"]
    return found


def list_not_found(list_id: str) -> dict[str, Any]:
    return {
        "message": f"List {list_id} does not exist",
        "category": "OBJECT_NOT_FOUND",
        "context": {"listId": [list_id]},
        "errors": [],
    }


def dynamic_refused(list_id: str) -> dict[str, Any]:
    return {
        "message": (
            f"List {list_id} is a DYNAMIC list: its memberships follow its filters and can't"
            " be changed by hand. Only MANUAL and SNAPSHOT lists accept this request."
        ),
        "category": "VALIDATION_ERROR",
        "context": {"listId": [list_id], "processingType": ["DYNAMIC"]},
        "errors": [],
    }
