"""The properties API through the official SDK's core API, and its scopes
(hubspot-behaviour §4.1, §6)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from conftest import assert_sdk_error, property_not_found

PROPS = "/crm/v3/properties/calls"
READ_SCOPE = "crm.schemas.contacts.read"
WRITE_SCOPE = "crm.schemas.contacts.write"


def sdk_create(sdk: Any, name: str, **fields: Any) -> Any:
    from hubspot.crm.properties import PropertyCreate

    body = {"label": "SDK", "type": "string", "field_type": "text", **fields}
    return sdk.crm.properties.core_api.create(
        object_type="calls",
        property_create=PropertyCreate(name=name, group_name="call_information", **body),
    )


def test_sdk_create_and_get_by_name(portal_sdk: Any) -> None:
    made = sdk_create(portal_sdk, "sdk_made")
    assert (made.name, made.hubspot_defined, made.created_at is not None) == (
        "sdk_made",
        False,
        True,
    )
    found = portal_sdk.crm.properties.core_api.get_by_name("calls", "sdk_made")
    assert found.to_dict() == made.to_dict()


def test_sdk_create_enumeration_with_options(portal_sdk: Any) -> None:
    from hubspot.crm.properties import OptionInput

    options = [OptionInput(label="Hot", value="hot", hidden=False, display_order=0)]
    made = sdk_create(
        portal_sdk, "sdk_temp", type="enumeration", field_type="radio", options=options
    )
    assert [(o.value, o.display_order) for o in made.options] == [("hot", 0)]


def test_sdk_update(portal_sdk: Any) -> None:
    from hubspot.crm.properties import PropertyUpdate

    sdk_create(portal_sdk, "sdk_updated")
    updated = portal_sdk.crm.properties.core_api.update(
        "calls", "sdk_updated", PropertyUpdate(label="Renamed", description="Why")
    )
    assert (updated.label, updated.description) == ("Renamed", "Why")


def test_sdk_get_all_lists_builtin_and_custom(portal_sdk: Any) -> None:
    sdk_create(portal_sdk, "sdk_listed")
    names = [p.name for p in portal_sdk.crm.properties.core_api.get_all("calls").results]
    assert {"hs_timestamp", "sdk_listed"} <= set(names)


def test_sdk_archive_then_get_all_archived(portal_sdk: Any) -> None:
    api = portal_sdk.crm.properties.core_api
    sdk_create(portal_sdk, "sdk_archived")
    api.archive("calls", "sdk_archived")
    (found,) = [p for p in api.get_all("calls", archived=True).results if p.name == "sdk_archived"]
    assert found.archived is True
    assert found.archived_at is not None


def test_sdk_raises_api_exception_with_409_for_a_taken_name(portal_sdk: Any) -> None:
    from hubspot.crm.properties import ApiException

    with pytest.raises(ApiException) as raised:
        sdk_create(portal_sdk, "hs_timestamp")
    assert_sdk_error(
        raised.value,
        409,
        message="Property named 'hs_timestamp' already exists.",
        category="OBJECT_ALREADY_EXISTS",
        context={"name": ["hs_timestamp"]},
        errors=[],
    )


def test_sdk_raises_api_exception_with_404_for_an_unknown_name(portal_sdk: Any) -> None:
    from hubspot.crm.properties import ApiException

    with pytest.raises(ApiException) as raised:
        portal_sdk.crm.properties.core_api.get_by_name("calls", "no_such")
    assert_sdk_error(raised.value, 404, **property_not_found("no_such"))


@pytest.fixture(scope="module")
def read_only(server: Any) -> Iterator[httpx.Client]:
    token = server.new_token("--scopes", READ_SCOPE)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base_url, headers=headers) as client:
        yield client


@pytest.fixture(scope="module")
def objects_only(server: Any) -> Iterator[httpx.Client]:
    token = server.new_token("--scopes", "crm.objects.contacts.read,crm.objects.contacts.write")
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base_url, headers=headers) as client:
        yield client


def test_reading_properties_needs_the_schemas_read_scope(objects_only: httpx.Client) -> None:
    response = objects_only.get(PROPS)
    assert response.status_code == 403
    body = response.json()
    assert body["category"] == "MISSING_SCOPES"
    assert body["errors"][0]["context"]["requiredGranularScopes"] == [READ_SCOPE]


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", PROPS), ("PATCH", f"{PROPS}/x"), ("DELETE", f"{PROPS}/x"),
     ("POST", f"{PROPS}/batch/create"), ("POST", f"{PROPS}/batch/archive"),
     ("POST", f"{PROPS}/groups"), ("PATCH", f"{PROPS}/groups/x"),
     ("DELETE", f"{PROPS}/groups/x")],
)  # fmt: skip
def test_writing_properties_needs_the_schemas_write_scope(
    read_only: httpx.Client, method: str, path: str
) -> None:
    response = read_only.request(method, path, json={"inputs": []})
    assert response.status_code == 403
    assert response.json()["errors"][0]["context"]["requiredGranularScopes"] == [WRITE_SCOPE]


def test_the_read_scope_is_enough_to_read(read_only: httpx.Client) -> None:
    assert read_only.get(f"{PROPS}/hs_timestamp").status_code == 200
    batch_read = read_only.post(f"{PROPS}/batch/read", json={"inputs": [{"name": "hs_timestamp"}]})
    assert batch_read.status_code == 200


def test_properties_need_a_token(anonymous_http: httpx.Client) -> None:
    response = anonymous_http.get(PROPS)
    assert response.status_code == 401
    assert response.json()["category"] == "INVALID_AUTHENTICATION"
