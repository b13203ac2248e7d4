"""/crm/v3/properties/calls: custom properties and groups (reference §4.1, §4.2)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

PROPS = "/crm/v3/properties/calls"


def new_property(**overrides: Any) -> dict[str, Any]:
    body = {
        "name": "favourite_colour",
        "label": "Favourite colour",
        "type": "enumeration",
        "fieldType": "select",
        "groupName": "call_information",
        "options": [{"label": "Red", "value": "red"}, {"label": "Blue", "value": "blue"}],
    }
    return {**body, **overrides}


def test_list_includes_builtin_properties_marked_hubspot_defined(portal_http: httpx.Client) -> None:
    results = portal_http.get(PROPS).json()["results"]
    by_name = {p["name"]: p for p in results}
    assert by_name["hs_timestamp"]["hubspotDefined"] is True
    assert by_name["hs_call_direction"]["type"] == "enumeration"
    assert by_name["hs_object_id"]["modificationMetadata"]["readOnlyValue"] is True


def test_create_returns_201_and_the_property_is_listed(portal_http: httpx.Client) -> None:
    response = portal_http.post(PROPS, json=new_property(name="created_one"))
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["hubspotDefined"] is False
    assert [o["value"] for o in body["options"]] == ["red", "blue"]
    assert body["createdAt"].endswith("Z")
    names = [p["name"] for p in portal_http.get(PROPS).json()["results"]]
    assert "created_one" in names
    assert portal_http.get(f"{PROPS}/created_one").json()["label"] == "Favourite colour"


def test_creating_an_existing_name_returns_409(portal_http: httpx.Client) -> None:
    assert portal_http.post(PROPS, json=new_property(name="twice")).status_code == 201
    response = portal_http.post(PROPS, json=new_property(name="twice"))
    assert response.status_code == 409
    assert response.json()["category"] == "OBJECT_ALREADY_EXISTS"
    assert portal_http.post(PROPS, json=new_property(name="hs_timestamp")).status_code == 409


@pytest.mark.parametrize(
    ("type_name", "field_type"),
    [
        ("number", "text"),
        ("bool", "select"),
        ("date", "text"),
        ("string", "number"),
        ("nope", "text"),
    ],
)
def test_mismatched_type_and_field_type_is_rejected(
    portal_http: httpx.Client, type_name: str, field_type: str
) -> None:
    body = new_property(name="mismatch", type=type_name, fieldType=field_type, options=[])
    response = portal_http.post(PROPS, json=body)
    assert response.status_code == 400
    assert response.json()["category"] == "VALIDATION_ERROR"


def test_invalid_name_and_unknown_group_are_rejected(portal_http: httpx.Client) -> None:
    assert portal_http.post(PROPS, json=new_property(name="Bad Name")).status_code == 400
    body = new_property(name="lost", groupName="no_such_group")
    assert portal_http.post(PROPS, json=body).status_code == 400


def test_builtin_properties_cannot_be_changed_or_archived(portal_http: httpx.Client) -> None:
    assert portal_http.patch(f"{PROPS}/hs_timestamp", json={"label": "x"}).status_code == 400
    assert portal_http.delete(f"{PROPS}/hs_call_title").status_code == 400


def test_update_changes_label_and_options(portal_http: httpx.Client) -> None:
    portal_http.post(PROPS, json=new_property(name="changing"))
    options = [{"label": "Green", "value": "green"}]
    response = portal_http.patch(f"{PROPS}/changing", json={"label": "New", "options": options})
    assert response.status_code == 200
    assert response.json()["label"] == "New"
    assert [o["value"] for o in response.json()["options"]] == ["green"]


def test_has_unique_value_can_only_be_set_at_creation(portal_http: httpx.Client) -> None:
    portal_http.post(PROPS, json=new_property(name="not_unique", type="string", fieldType="text"))
    response = portal_http.patch(f"{PROPS}/not_unique", json={"hasUniqueValue": True})
    assert response.status_code == 400


def test_at_most_ten_unique_properties(server: Any) -> None:
    token = server.new_token("--portal", str(server.new_portal()))
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base_url, headers=headers) as client:
        for n in range(10):
            body = new_property(
                name=f"key_{n}", type="string", fieldType="text", hasUniqueValue=True
            )
            assert client.post(PROPS, json=body).status_code == 201
        body = new_property(name="key_10", type="string", fieldType="text", hasUniqueValue=True)
        assert client.post(PROPS, json=body).status_code == 400


def test_archived_property_is_hidden_but_its_values_kept(portal_http: httpx.Client) -> None:
    portal_http.post(PROPS, json=new_property(name="retired", type="string", fieldType="text"))
    created = portal_http.post(
        "/crm/v3/objects/calls",
        json={"properties": {"hs_timestamp": "1700000000000", "retired": "kept"}},
    ).json()
    assert portal_http.delete(f"{PROPS}/retired").status_code == 204
    assert portal_http.get(f"{PROPS}/retired").status_code == 404
    archived = portal_http.get(f"{PROPS}/retired", params={"archived": "true"}).json()
    assert archived["archived"] is True
    read = portal_http.get(
        f"/crm/v3/objects/calls/{created['id']}", params={"properties": "retired"}
    )
    assert "retired" not in read.json()["properties"]
    write = portal_http.patch(
        f"/crm/v3/objects/calls/{created['id']}", json={"properties": {"retired": "x"}}
    )
    assert write.json()["errors"][0]["code"] == "PROPERTY_DOESNT_EXIST"
    assert portal_http.post(PROPS, json=new_property(name="retired")).status_code == 409


def test_values_are_validated_against_custom_property_types(portal_http: httpx.Client) -> None:
    portal_http.post(
        PROPS,
        json=new_property(
            name="flavours",
            fieldType="checkbox",
            options=[
                {"label": "Chocolate", "value": "chocolate"},
                {"label": "Strawberry", "value": "strawberry"},
            ],
        ),
    )
    portal_http.post(
        PROPS, json=new_property(name="score", type="number", fieldType="number", options=[])
    )
    portal_http.post(
        PROPS, json=new_property(name="renewal", type="date", fieldType="date", options=[])
    )
    good = {"flavours": "chocolate;strawberry", "score": "12.50", "renewal": "1579132800000"}
    created = portal_http.post(
        "/crm/v3/objects/calls", json={"properties": {"hs_timestamp": "1700000000000", **good}}
    )
    assert created.status_code == 201, created.text
    props = created.json()["properties"]
    assert props == {
        **props,
        "flavours": "chocolate;strawberry",
        "score": "12.5",
        "renewal": "2020-01-16",
    }
    bad = {"flavours": "vanilla", "score": "5,333,222", "renewal": "1579179660000"}
    response = portal_http.post(
        "/crm/v3/objects/calls", json={"properties": {"hs_timestamp": "1700000000000", **bad}}
    )
    assert response.status_code == 400
    codes = {e["context"]["propertyName"][0]: e["code"] for e in response.json()["errors"]}
    assert codes["flavours"] == "INVALID_OPTION"
    assert codes["renewal"] == "INVALID_DATE"
    assert codes["score"] != ""
    assert "1579179660000 is at 13:1:0.0 UTC, not midnight!" in response.json()["message"]


def test_groups_crud(portal_http: httpx.Client) -> None:
    groups = f"{PROPS}/groups"
    assert portal_http.post(groups, json={"name": "billing", "label": "Billing"}).status_code == 201
    assert portal_http.post(groups, json={"name": "billing", "label": "Billing"}).status_code == 409
    assert portal_http.get(f"{groups}/billing").json()["label"] == "Billing"
    assert (
        portal_http.patch(f"{groups}/billing", json={"label": "Money"}).json()["label"] == "Money"
    )
    assert "billing" in [g["name"] for g in portal_http.get(groups).json()["results"]]
    assert portal_http.delete(f"{groups}/billing").status_code == 204
    assert portal_http.get(f"{groups}/billing").status_code == 404


def test_batch_create_read_and_archive(portal_http: httpx.Client) -> None:
    inputs = [new_property(name="batch_a"), new_property(name="Bad Name")]
    response = portal_http.post(f"{PROPS}/batch/create", json={"inputs": inputs})
    assert response.status_code == 207
    assert [p["name"] for p in response.json()["results"]] == ["batch_a"]
    read = portal_http.post(
        f"{PROPS}/batch/read", json={"inputs": [{"name": "batch_a"}, {"name": "nope"}]}
    )
    assert read.status_code == 207
    assert read.json()["numErrors"] == 1
    archive = {"inputs": [{"name": "batch_a"}, {"name": "never_existed"}]}
    assert portal_http.post(f"{PROPS}/batch/archive", json=archive).status_code == 204
    assert portal_http.get(f"{PROPS}/batch_a").status_code == 404


def test_sdk_properties_round_trip(portal_sdk: Any) -> None:
    from hubspot.crm.properties import PropertyCreate, PropertyUpdate

    api = portal_sdk.crm.properties.core_api
    created = api.create(
        object_type="calls",
        property_create=PropertyCreate(
            name="sdk_made",
            label="SDK",
            type="string",
            field_type="text",
            group_name="call_information",
        ),
    )
    assert created.name == "sdk_made"
    assert api.get_by_name(object_type="calls", property_name="sdk_made").label == "SDK"
    updated = api.update(
        object_type="calls",
        property_name="sdk_made",
        property_update=PropertyUpdate(label="Renamed"),
    )
    assert updated.label == "Renamed"
    names = [p.name for p in api.get_all(object_type="calls").results]
    assert "sdk_made" in names
    api.archive(object_type="calls", property_name="sdk_made")
    groups = portal_sdk.crm.properties.groups_api.get_all(object_type="calls")
    assert "call_information" in [g.name for g in groups.results]
