"""/crm/v3/properties/calls: custom properties and groups (hubspot-behaviour §4.1, §4.2)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import httpx
import pytest

from conftest import assert_hubspot_error, property_not_found

PROPS = "/crm/v3/properties/calls"
GROUPS = f"{PROPS}/groups"
CALLS = "/crm/v3/objects/calls"
TIME = "1700000000000"
PROPERTY_KEYS = {
    "name", "label", "type", "fieldType", "groupName", "description", "options", "displayOrder",
    "hasUniqueValue", "hidden", "formField", "calculated", "externalOptions", "hubspotDefined",
    "modificationMetadata", "createdAt", "updatedAt", "archived",
}  # fmt: skip


def new_property(name: str, **overrides: Any) -> dict[str, Any]:
    body = {
        "name": name,
        "label": "Favourite colour",
        "type": "enumeration",
        "fieldType": "select",
        "groupName": "call_information",
        "options": [{"label": "Red", "value": "red"}, {"label": "Blue", "value": "blue"}],
    }
    return {**body, **overrides}


def text_property(name: str, **overrides: Any) -> dict[str, Any]:
    return new_property(name, **{"type": "string", "fieldType": "text", "options": [], **overrides})


def created(http: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    response = http.post(PROPS, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def names(http: httpx.Client, **params: str) -> list[str]:
    return [p["name"] for p in http.get(PROPS, params=params).json()["results"]]


def epoch_ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


def assert_error(response: httpx.Response, status: int, category: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = dict(response.json())
    assert body["status"] == "error"
    assert body["category"] == category
    assert body["correlationId"] == response.headers["x-hubspot-correlation-id"]
    return body


# --- list and read ----------------------------------------------------------------------


def test_list_shows_builtin_properties_as_hubspot_defined(portal_http: httpx.Client) -> None:
    by_name = {p["name"]: p for p in portal_http.get(PROPS).json()["results"]}
    assert by_name["hs_timestamp"]["hubspotDefined"] is True
    assert by_name["hs_call_direction"]["type"] == "enumeration"
    assert by_name["hs_object_id"]["modificationMetadata"]["readOnlyValue"] is True
    assert by_name["hs_timestamp"]["modificationMetadata"]["archivable"] is False


def test_type_id_0_48_lists_the_same_properties_as_calls(portal_http: httpx.Client) -> None:
    assert names(portal_http) == [
        p["name"] for p in portal_http.get("/crm/v3/properties/0-48").json()["results"]
    ]


def test_unknown_object_type_is_404(portal_http: httpx.Client) -> None:
    body = assert_error(portal_http.get("/crm/v3/properties/widgets"), 404, "OBJECT_NOT_FOUND")
    assert body["message"] == "Unable to infer object type from: widgets"


def test_reading_a_builtin_property_by_name(portal_http: httpx.Client) -> None:
    body = portal_http.get(f"{PROPS}/hs_call_direction").json()
    assert [o["value"] for o in body["options"]] == ["INBOUND", "OUTBOUND"]


def test_reading_an_unknown_property_is_404(portal_http: httpx.Client) -> None:
    body = assert_error(portal_http.get(f"{PROPS}/no_such"), 404, "OBJECT_NOT_FOUND")
    assert body["context"] == {"name": ["no_such"]}


def test_properties_of_one_portal_are_invisible_to_another(
    portal_http: httpx.Client, http: httpx.Client
) -> None:
    created(portal_http, text_property("portal_private"))
    assert "portal_private" not in names(http)
    assert_hubspot_error(
        http.get(f"{PROPS}/portal_private"), 404, **property_not_found("portal_private")
    )


# --- create -----------------------------------------------------------------------------


def test_create_returns_201_with_hubspots_property_body(portal_http: httpx.Client) -> None:
    before = time.time_ns() // 1_000_000
    body = created(portal_http, new_property("full_body", description="why"))
    after = time.time_ns() // 1_000_000
    assert set(body) == PROPERTY_KEYS
    assert body["hubspotDefined"] is False
    assert body["modificationMetadata"] == {
        "archivable": True,
        "readOnlyDefinition": False,
        "readOnlyValue": False,
    }
    assert [(o["value"], o["displayOrder"]) for o in body["options"]] == [("red", 0), ("blue", 1)]
    assert body["createdAt"] == body["updatedAt"]
    assert before - 1 <= epoch_ms(body["createdAt"]) <= after + 1


def test_created_property_is_listed_and_readable(portal_http: httpx.Client) -> None:
    body = created(portal_http, new_property("listed_one"))
    assert "listed_one" in names(portal_http)
    assert portal_http.get(f"{PROPS}/listed_one").json() == body


@pytest.mark.parametrize("missing", ["name", "label", "type", "fieldType", "groupName"])
def test_create_without_a_required_field_is_400(portal_http: httpx.Client, missing: str) -> None:
    body = text_property(f"lacks_{missing.lower()}")
    del body[missing]
    assert_error(portal_http.post(PROPS, json=body), 400, "VALIDATION_ERROR")


@pytest.mark.parametrize("name", ["Bad Name", "1st_call", "_hidden", "dash-ed", "x" * 101])
def test_create_with_an_invalid_name_is_400_and_writes_nothing(
    portal_http: httpx.Client, name: str
) -> None:
    body = assert_error(portal_http.post(PROPS, json=text_property(name)), 400, "VALIDATION_ERROR")
    assert "must start with a lowercase letter" in body["message"]
    assert name not in names(portal_http)


@pytest.mark.parametrize(
    ("type_name", "field_type"),
    [("number", "text"), ("bool", "select"), ("date", "text"), ("string", "number"),
     ("phone_number", "text"), ("datetime", "number"), ("nope", "text")],
)  # fmt: skip
def test_create_with_a_mismatched_type_and_field_type_is_400(
    portal_http: httpx.Client, type_name: str, field_type: str
) -> None:
    body = new_property("mismatch", type=type_name, fieldType=field_type, options=[])
    assert_error(portal_http.post(PROPS, json=body), 400, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    ("type_name", "field_type"),
    [("bool", "booleancheckbox"), ("enumeration", "radio"), ("enumeration", "checkbox"),
     ("date", "date"), ("datetime", "date"), ("string", "textarea"), ("string", "html"),
     ("number", "number"), ("phone_number", "phonenumber")],
)  # fmt: skip
def test_create_accepts_documented_type_and_field_type_pairs(
    portal_http: httpx.Client, type_name: str, field_type: str
) -> None:
    name = f"pair_{type_name}_{field_type}"
    body = created(portal_http, new_property(name, type=type_name, fieldType=field_type))
    assert (body["type"], body["fieldType"]) == (type_name, field_type)


def test_enumeration_without_options_is_400(portal_http: httpx.Client) -> None:
    body = new_property("no_options", options=[])
    assert_error(portal_http.post(PROPS, json=body), 400, "VALIDATION_ERROR")


def test_bool_without_options_gets_true_and_false(portal_http: httpx.Client) -> None:
    body = new_property("yes_no", type="bool", fieldType="booleancheckbox", options=[])
    assert [o["value"] for o in created(portal_http, body)["options"]] == ["true", "false"]


def test_duplicate_option_values_are_400(portal_http: httpx.Client) -> None:
    options = [{"label": "Red", "value": "red"}, {"label": "Rouge", "value": "red"}]
    body = new_property("twice_red", options=options)
    assert_error(portal_http.post(PROPS, json=body), 400, "VALIDATION_ERROR")


def test_creating_an_existing_custom_name_is_409(portal_http: httpx.Client) -> None:
    created(portal_http, new_property("twice"))
    body = assert_error(
        portal_http.post(PROPS, json=new_property("twice")), 409, "OBJECT_ALREADY_EXISTS"
    )
    assert body["message"] == "Property named 'twice' already exists."


def test_creating_a_builtin_name_is_409(portal_http: httpx.Client) -> None:
    response = portal_http.post(PROPS, json=text_property("hs_call_title"))
    assert_error(response, 409, "OBJECT_ALREADY_EXISTS")


def test_creating_an_archived_name_is_409(portal_http: httpx.Client) -> None:
    created(portal_http, text_property("gone_once"))
    portal_http.delete(f"{PROPS}/gone_once")
    response = portal_http.post(PROPS, json=text_property("gone_once"))
    assert_error(response, 409, "OBJECT_ALREADY_EXISTS")


def test_create_in_an_unknown_group_is_400(portal_http: httpx.Client) -> None:
    body = assert_error(
        portal_http.post(PROPS, json=text_property("lost", groupName="no_such_group")),
        400,
        "VALIDATION_ERROR",
    )
    assert body["context"] == {"groupName": ["no_such_group"]}


def test_create_in_a_custom_group(portal_http: httpx.Client) -> None:
    portal_http.post(GROUPS, json={"name": "for_props", "label": "For props"})
    assert created(portal_http, text_property("grouped", groupName="for_props"))["groupName"] == (
        "for_props"
    )


def test_an_eleventh_unique_property_is_400(server: Any) -> None:
    token = server.new_token("--portal", str(server.new_portal()))
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base_url, headers=headers) as client:
        for n in range(10):
            created(client, text_property(f"key_{n}", hasUniqueValue=True))
        response = client.post(PROPS, json=text_property("key_10", hasUniqueValue=True))
        body = assert_error(response, 400, "VALIDATION_ERROR")
        assert "at most 10 unique value properties" in body["message"]
        assert created(client, text_property("not_a_key"))["hasUniqueValue"] is False


def test_concurrent_creates_never_pass_ten_unique_properties(server: Any) -> None:
    """Nine unique properties, then eight creates of a tenth in flight at once (released by
    a barrier): exactly one takes the last place, the others get the limit's 400."""
    token = server.new_token("--portal", str(server.new_portal()))
    headers = {"Authorization": f"Bearer {token}"}
    barrier = threading.Barrier(8, timeout=30)
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as client:
        for n in range(9):
            created(client, text_property(f"key_{n}", hasUniqueValue=True))

        def attempt(n: int) -> int:
            barrier.wait()
            body = text_property(f"contested_key_{n}", hasUniqueValue=True)
            return client.post(PROPS, json=body).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = sorted(pool.map(attempt, range(8)))
        unique = [p for p in client.get(PROPS).json()["results"] if p["hasUniqueValue"]]
    assert statuses == [201] + [400] * 7
    assert len([p for p in unique if not p["hubspotDefined"]]) == 10


def test_a_batch_counts_its_own_unique_properties_toward_ten(server: Any) -> None:
    token = server.new_token("--portal", str(server.new_portal()))
    headers = {"Authorization": f"Bearer {token}"}
    inputs = [text_property(f"batch_key_{n}", hasUniqueValue=True) for n in range(12)]
    with httpx.Client(base_url=server.base_url, headers=headers) as client:
        response = client.post(f"{PROPS}/batch/create", json={"inputs": inputs})
        live = client.get(PROPS).json()["results"]
    assert response.status_code == 207, response.text
    body = response.json()
    assert [p["name"] for p in body["results"]] == [f"batch_key_{n}" for n in range(10)]
    assert [e["category"] for e in body["errors"]] == ["VALIDATION_ERROR"] * 2
    assert all("at most 10 unique value properties" in e["message"] for e in body["errors"])
    assert len([p for p in live if p["hasUniqueValue"] and not p["hubspotDefined"]]) == 10


def test_concurrent_batches_never_pass_ten_unique_properties(server: Any) -> None:
    """Two batches of six unique properties in flight at once (released by a barrier): each
    batch is one transaction counting under the same lock, so ten are created, not twelve."""
    token = server.new_token("--portal", str(server.new_portal()))
    headers = {"Authorization": f"Bearer {token}"}
    barrier = threading.Barrier(2, timeout=30)
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as client:

        def attempt(k: int) -> int:
            inputs = [text_property(f"b{k}_key_{n}", hasUniqueValue=True) for n in range(6)]
            barrier.wait()
            return client.post(f"{PROPS}/batch/create", json={"inputs": inputs}).status_code

        with ThreadPoolExecutor(max_workers=2) as pool:
            statuses = sorted(pool.map(attempt, range(2)))
        unique = [p for p in client.get(PROPS).json()["results"] if p["hasUniqueValue"]]
    assert statuses == [201, 207]
    assert len([p for p in unique if not p["hubspotDefined"]]) == 10


# --- update -----------------------------------------------------------------------------


def test_update_changes_the_named_fields_and_keeps_the_rest(portal_http: httpx.Client) -> None:
    original = created(portal_http, new_property("changing", description="kept"))
    change = {
        "label": "New",
        "options": [{"label": "Green", "value": "green"}],
        "displayOrder": 3,
        "hidden": True,
        "formField": False,
    }
    response = portal_http.patch(f"{PROPS}/changing", json=change)
    assert response.status_code == 200, response.text
    body = response.json()
    assert {k: body[k] for k in change if k != "options"} == {
        k: v for k, v in change.items() if k != "options"
    }
    assert [o["value"] for o in body["options"]] == ["green"]
    assert body["description"] == "kept"
    assert body["createdAt"] == original["createdAt"]
    assert epoch_ms(body["updatedAt"]) >= epoch_ms(original["updatedAt"])
    assert portal_http.get(f"{PROPS}/changing").json() == body


def test_update_moves_a_property_to_another_group(portal_http: httpx.Client) -> None:
    created(portal_http, text_property("moving"))
    response = portal_http.patch(f"{PROPS}/moving", json={"groupName": "engagement"})
    assert response.json()["groupName"] == "engagement"


def test_update_to_an_unknown_group_is_400(portal_http: httpx.Client) -> None:
    created(portal_http, text_property("staying"))
    response = portal_http.patch(f"{PROPS}/staying", json={"groupName": "no_such_group"})
    assert_error(response, 400, "VALIDATION_ERROR")
    assert portal_http.get(f"{PROPS}/staying").json()["groupName"] == "call_information"


def test_update_may_retype_to_a_valid_pair(portal_http: httpx.Client) -> None:
    created(portal_http, text_property("retyped"))
    response = portal_http.patch(f"{PROPS}/retyped", json={"type": "number", "fieldType": "number"})
    assert (response.json()["type"], response.json()["fieldType"]) == ("number", "number")


def test_update_to_a_mismatched_pair_is_400_and_changes_nothing(portal_http: httpx.Client) -> None:
    created(portal_http, text_property("typed"))
    response = portal_http.patch(f"{PROPS}/typed", json={"type": "number", "label": "x"})
    assert_error(response, 400, "VALIDATION_ERROR")
    unchanged = portal_http.get(f"{PROPS}/typed").json()
    assert (unchanged["type"], unchanged["label"]) == ("string", "Favourite colour")


@pytest.mark.parametrize("unique", [True, False])
def test_changing_has_unique_value_by_patch_is_400(portal_http: httpx.Client, unique: bool) -> None:
    name = f"fixed_uniqueness_{unique}".lower()
    created(portal_http, text_property(name, hasUniqueValue=not unique))
    response = portal_http.patch(f"{PROPS}/{name}", json={"hasUniqueValue": unique})
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert body["message"] == "hasUniqueValue can only be set when a property is created."
    assert portal_http.get(f"{PROPS}/{name}").json()["hasUniqueValue"] is (not unique)


def test_builtin_properties_cannot_be_changed(portal_http: httpx.Client) -> None:
    response = portal_http.patch(f"{PROPS}/hs_timestamp", json={"label": "x"})
    body = assert_error(response, 400, "VALIDATION_ERROR")
    assert (
        body["message"]
        == "Property hs_timestamp is defined by HubSpot and can't be changed or archived."
    )


def test_updating_an_unknown_property_is_404(portal_http: httpx.Client) -> None:
    response = portal_http.patch(f"{PROPS}/no_such", json={"label": "x"})
    assert_error(response, 404, "OBJECT_NOT_FOUND")


# --- archive ----------------------------------------------------------------------------


def test_archive_returns_204_and_hides_the_property(portal_http: httpx.Client) -> None:
    created(portal_http, text_property("retiring"))
    assert portal_http.delete(f"{PROPS}/retiring").status_code == 204
    assert_hubspot_error(
        portal_http.get(f"{PROPS}/retiring"), 404, **property_not_found("retiring")
    )
    assert "retiring" not in names(portal_http)


def test_archived_property_is_read_and_listed_with_archived_true(
    portal_http: httpx.Client,
) -> None:
    created(portal_http, text_property("in_the_attic"))
    portal_http.delete(f"{PROPS}/in_the_attic")
    body = portal_http.get(f"{PROPS}/in_the_attic", params={"archived": "true"}).json()
    assert (body["archived"], "archivedAt" in body) == (True, True)
    archived_names = names(portal_http, archived="true")
    assert "in_the_attic" in archived_names
    assert "hs_timestamp" not in archived_names


def test_builtin_properties_cannot_be_archived(portal_http: httpx.Client) -> None:
    assert_error(portal_http.delete(f"{PROPS}/hs_call_title"), 400, "VALIDATION_ERROR")


def test_archiving_an_unknown_property_is_404(portal_http: httpx.Client) -> None:
    assert_error(portal_http.delete(f"{PROPS}/no_such"), 404, "OBJECT_NOT_FOUND")


def test_archived_property_is_left_out_of_record_reads(portal_http: httpx.Client) -> None:
    created(portal_http, text_property("unseen"))
    call = portal_http.post(CALLS, json={"properties": {"hs_timestamp": TIME, "unseen": "v"}})
    portal_http.delete(f"{PROPS}/unseen")
    read = portal_http.get(f"{CALLS}/{call.json()['id']}", params={"properties": "unseen"})
    assert "unseen" not in read.json()["properties"]


def test_writing_an_archived_property_is_property_doesnt_exist(portal_http: httpx.Client) -> None:
    created(portal_http, text_property("unwritable"))
    portal_http.delete(f"{PROPS}/unwritable")
    response = portal_http.post(
        CALLS, json={"properties": {"hs_timestamp": TIME, "unwritable": "x"}}
    )
    assert assert_error(response, 400, "VALIDATION_ERROR")["errors"][0]["code"] == (
        "PROPERTY_DOESNT_EXIST"
    )


# --- values of custom properties --------------------------------------------------------


@pytest.fixture(scope="module")
def typed_properties(portal_http: httpx.Client) -> None:
    options = [{"label": "Choc", "value": "chocolate"}, {"label": "Straw", "value": "strawberry"}]
    created(portal_http, new_property("flavours", fieldType="checkbox", options=options))
    created(portal_http, text_property("score", type="number", fieldType="number"))
    created(portal_http, text_property("renewal", type="date", fieldType="date"))


@pytest.mark.usefixtures("typed_properties")
def test_values_of_custom_properties_are_normalised(portal_http: httpx.Client) -> None:
    good = {"flavours": "chocolate;strawberry", "score": "12.50", "renewal": "1579132800000"}
    response = portal_http.post(CALLS, json={"properties": {"hs_timestamp": TIME, **good}})
    assert response.status_code == 201, response.text
    props = response.json()["properties"]
    assert (props["flavours"], props["score"], props["renewal"]) == (
        "chocolate;strawberry",
        "12.5",
        "2020-01-16",
    )


@pytest.mark.usefixtures("typed_properties")
@pytest.mark.parametrize(
    ("name", "value", "code"),
    [("flavours", "vanilla", "INVALID_OPTION"), ("renewal", "1579179660000", "INVALID_DATE"),
     ("score", "5,333,222", None)],
)  # fmt: skip
def test_invalid_values_of_custom_properties_are_400(
    portal_http: httpx.Client, name: str, value: str, code: str | None
) -> None:
    response = portal_http.post(CALLS, json={"properties": {"hs_timestamp": TIME, name: value}})
    (error,) = assert_error(response, 400, "VALIDATION_ERROR")["errors"]
    assert error["context"] == {"propertyName": [name]}
    assert error["code"] == code or code is None


def test_concurrent_creates_of_one_name_give_one_201_and_one_409(
    portal_http: httpx.Client,
) -> None:
    """Two requests in flight at once (released by a barrier), ten rounds: never a 500."""
    barrier = threading.Barrier(2, timeout=30)

    def attempt(name: str) -> int:
        barrier.wait()
        return portal_http.post(PROPS, json=text_property(name)).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        for n in range(10):
            statuses = sorted(pool.map(attempt, [f"contested_{n}"] * 2))
            assert statuses == [201, 409], n
