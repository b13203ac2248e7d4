"""/crm/v3/properties/calls/groups: property groups over HTTP and the SDK
(hubspot-behaviour §4.1)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from conftest import assert_hubspot_error, assert_sdk_error, group_not_found

PROPS = "/crm/v3/properties/calls"
GROUPS = f"{PROPS}/groups"


def create_group(http: httpx.Client, name: str, label: str = "Billing") -> dict[str, Any]:
    response = http.post(GROUPS, json={"name": name, "label": label, "displayOrder": 2})
    assert response.status_code == 201, response.text
    return dict(response.json())


def assert_error(response: httpx.Response, status: int, category: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = dict(response.json())
    assert (body["status"], body["category"]) == ("error", category)
    return body


def test_builtin_groups_are_listed(portal_http: httpx.Client) -> None:
    names = [g["name"] for g in portal_http.get(GROUPS).json()["results"]]
    assert {"call_information", "engagement"} <= set(names)


def test_create_returns_201_with_the_group(portal_http: httpx.Client) -> None:
    body = create_group(portal_http, "billing")
    assert body == {"name": "billing", "label": "Billing", "displayOrder": 2, "archived": False}


def test_created_group_is_listed_and_readable(portal_http: httpx.Client) -> None:
    body = create_group(portal_http, "listed_group")
    assert body in portal_http.get(GROUPS).json()["results"]
    assert portal_http.get(f"{GROUPS}/listed_group").json() == body


def test_creating_an_existing_group_is_409(portal_http: httpx.Client) -> None:
    create_group(portal_http, "twice_group")
    response = portal_http.post(GROUPS, json={"name": "twice_group", "label": "Again"})
    assert_error(response, 409, "OBJECT_ALREADY_EXISTS")
    assert portal_http.get(f"{GROUPS}/twice_group").json()["label"] == "Billing"


def test_creating_a_builtin_group_name_is_409(portal_http: httpx.Client) -> None:
    response = portal_http.post(GROUPS, json={"name": "call_information", "label": "Mine"})
    assert_error(response, 409, "OBJECT_ALREADY_EXISTS")


@pytest.mark.parametrize("body", [{"name": "Big Money", "label": "x"}, {"name": "no_label"}])
def test_creating_an_invalid_group_is_400(portal_http: httpx.Client, body: dict[str, str]) -> None:
    assert_error(portal_http.post(GROUPS, json=body), 400, "VALIDATION_ERROR")
    name = body["name"]
    assert_hubspot_error(portal_http.get(f"{GROUPS}/{name}"), 404, **group_not_found(name))


def test_reading_an_unknown_group_is_404(portal_http: httpx.Client) -> None:
    body = assert_error(portal_http.get(f"{GROUPS}/no_such"), 404, "OBJECT_NOT_FOUND")
    assert body["message"] == "Property group no_such does not exist"


def test_update_changes_label_and_display_order(portal_http: httpx.Client) -> None:
    create_group(portal_http, "relabelled")
    response = portal_http.patch(f"{GROUPS}/relabelled", json={"label": "Money"})
    assert response.json() == {
        "name": "relabelled",
        "label": "Money",
        "displayOrder": 2,
        "archived": False,
    }
    response = portal_http.patch(f"{GROUPS}/relabelled", json={"displayOrder": 7})
    assert (response.json()["label"], response.json()["displayOrder"]) == ("Money", 7)


def test_updating_a_builtin_group_is_400(portal_http: httpx.Client) -> None:
    response = portal_http.patch(f"{GROUPS}/call_information", json={"label": "Mine"})
    assert_error(response, 400, "VALIDATION_ERROR")


def test_updating_an_unknown_group_is_404(portal_http: httpx.Client) -> None:
    response = portal_http.patch(f"{GROUPS}/no_such", json={"label": "x"})
    assert_error(response, 404, "OBJECT_NOT_FOUND")


def test_delete_returns_204_and_the_group_is_gone(portal_http: httpx.Client) -> None:
    create_group(portal_http, "short_lived")
    assert portal_http.delete(f"{GROUPS}/short_lived").status_code == 204
    assert_hubspot_error(
        portal_http.get(f"{GROUPS}/short_lived"), 404, **group_not_found("short_lived")
    )


def test_deleting_a_builtin_group_is_400(portal_http: httpx.Client) -> None:
    assert_error(portal_http.delete(f"{GROUPS}/engagement"), 400, "VALIDATION_ERROR")


def test_deleting_an_unknown_group_is_404(portal_http: httpx.Client) -> None:
    assert_error(portal_http.delete(f"{GROUPS}/no_such"), 404, "OBJECT_NOT_FOUND")


def test_deleting_a_group_holding_live_properties_is_400(portal_http: httpx.Client) -> None:
    create_group(portal_http, "occupied")
    prop = {"name": "tenant", "label": "T", "type": "string", "fieldType": "text"}
    portal_http.post(PROPS, json={**prop, "groupName": "occupied"})
    body = assert_error(portal_http.delete(f"{GROUPS}/occupied"), 400, "VALIDATION_ERROR")
    assert body["context"]["properties"] == ["tenant"]
    portal_http.delete(f"{PROPS}/tenant")
    assert portal_http.delete(f"{GROUPS}/occupied").status_code == 204


def test_groups_of_one_portal_are_invisible_to_another(
    portal_http: httpx.Client, http: httpx.Client
) -> None:
    create_group(portal_http, "private_group")
    assert_hubspot_error(
        http.get(f"{GROUPS}/private_group"), 404, **group_not_found("private_group")
    )


def test_sdk_group_round_trip(portal_sdk: Any) -> None:
    from hubspot.crm.properties import PropertyGroupCreate, PropertyGroupUpdate

    api = portal_sdk.crm.properties.groups_api
    made = api.create("calls", PropertyGroupCreate(name="sdk_group", label="SDK", display_order=1))
    assert (made.name, made.label, made.archived) == ("sdk_group", "SDK", False)
    assert api.get_by_name("calls", "sdk_group").display_order == 1
    assert api.update("calls", "sdk_group", PropertyGroupUpdate(label="Renamed")).label == "Renamed"
    assert "sdk_group" in [g.name for g in api.get_all("calls").results]
    api.archive("calls", "sdk_group")
    assert "sdk_group" not in [g.name for g in api.get_all("calls").results]


def test_sdk_raises_api_exception_with_409_for_a_taken_group(portal_sdk: Any) -> None:
    from hubspot.crm.properties import ApiException, PropertyGroupCreate

    with pytest.raises(ApiException) as raised:
        portal_sdk.crm.properties.groups_api.create(
            "calls", PropertyGroupCreate(name="engagement", label="Taken")
        )
    assert_sdk_error(
        raised.value,
        409,
        message="Property group 'engagement' already exists.",
        category="OBJECT_ALREADY_EXISTS",
        context={"name": ["engagement"]},
        errors=[],
    )
