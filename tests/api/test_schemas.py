"""The Schemas API (``/crm-object-schemas/v3/schemas`` and ``/crm/v3/schemas``) over HTTP and
through the official SDK: a custom object's lifecycle, bad schemas, its association
definitions, and portal isolation (hubspot-behaviour §12)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hubspot.crm.schemas import (
    ApiException,
    AssociationDefinitionEgg,
    ObjectSchemaEgg,
    ObjectTypeDefinitionLabels,
    ObjectTypeDefinitionPatch,
    ObjectTypePropertyCreate,
)
from schema_support import ALIAS, SCHEMAS, car_body, create_schema

from conftest import assert_hubspot_error, assert_sdk_error


def check_error(response: httpx.Response, status: int, **body: Any) -> None:
    """The whole error body; ``context`` and ``errors`` empty unless given."""
    assert_hubspot_error(response, status, **{"context": {}, "errors": [], **body})


def check_sdk_error(error: Any, status: int, **body: Any) -> None:
    assert_sdk_error(error, status, **{"context": {}, "errors": [], **body})


def test_the_sdk_creates_lists_reads_updates_and_archives_a_schema(portal_sdk: Any) -> None:
    api = portal_sdk.crm.schemas.core_api
    egg = ObjectSchemaEgg(
        name="boats",
        labels=ObjectTypeDefinitionLabels(singular="Boat", plural="Boats"),
        primary_display_property="hull",
        required_properties=["hull"],
        searchable_properties=["hull"],
        properties=[
            ObjectTypePropertyCreate(name="hull", label="Hull", type="string", field_type="text"),
            ObjectTypePropertyCreate(
                name="length", label="Length", type="number", field_type="number"
            ),
        ],
        associated_objects=["CONTACT", "companies"],
    )
    created = api.create(object_schema_egg=egg)
    assert created.id.startswith("2-") and created.object_type_id == created.id
    assert created.name == "boats"
    assert created.fully_qualified_name.startswith("p") and created.fully_qualified_name.endswith(
        "_boats"
    )
    assert (created.labels.singular, created.labels.plural) == ("Boat", "Boats")
    names = {p.name for p in created.properties}
    assert {"hull", "length", "hs_object_id", "hs_createdate"} <= names
    hull = next(p for p in created.properties if p.name == "hull")
    assert hull.group_name == "boats_information"
    assert sorted(a.to_object_type_id for a in created.associations) == ["0-1", "0-2"]
    assert all(a.from_object_type_id == created.id for a in created.associations)

    listed = api.get_all()
    assert [s.id for s in listed.results] == [created.id]
    for key in (created.id, created.fully_qualified_name, "boats"):
        assert api.get_by_id(object_type=key).id == created.id

    patch = ObjectTypeDefinitionPatch(
        labels=ObjectTypeDefinitionLabels(singular="Ship", plural="Ships"),
        searchable_properties=["hull", "length"],
    )
    updated = api.update(object_type=created.id, object_type_definition_patch=patch)
    assert (updated.labels.singular, updated.searchable_properties) == ("Ship", ["hull", "length"])
    assert api.get_by_id(object_type=created.id).labels.plural == "Ships"

    api.archive(object_type=created.id)
    assert api.get_all().results == []
    assert [s.id for s in api.get_all(archived=True).results] == [created.id]
    with pytest.raises(ApiException) as caught:
        api.get_by_id(object_type=created.id)
    check_sdk_error(
        caught.value,
        404,
        message=f"Unable to infer object type from: {created.id}",
        category="OBJECT_NOT_FOUND",
    )


def test_the_alias_path_serves_the_same_schemas(portal_http: httpx.Client) -> None:
    created = create_schema(portal_http, car_body("alias_cars"))
    response = portal_http.get(f"{ALIAS}/{created['id']}")
    assert response.status_code == 200
    assert response.json()["fullyQualifiedName"] == created["fullyQualifiedName"]
    ids = [s["id"] for s in portal_http.get(ALIAS).json()["results"]]
    assert created["id"] in ids


@pytest.mark.parametrize(
    ("changes", "message", "context"),
    [
        (
            {"name": "1cars"},
            "Object type name '1cars' is invalid: it must start with a letter and contain only"
            " letters, numbers and underscores (at most 100 characters).",
            {"name": ["1cars"]},
        ),
        (
            {"name": "bad-name"},
            "Object type name 'bad-name' is invalid: it must start with a letter and contain"
            " only letters, numbers and underscores (at most 100 characters).",
            {"name": ["bad-name"]},
        ),
        (
            {"primaryDisplayProperty": "nope"},
            "primaryDisplayProperty nope is not a property of this object type",
            {"primaryDisplayProperty": ["nope"]},
        ),
        (
            {"requiredProperties": ["model", "ghost"]},
            "requiredProperties names properties this object type doesn't have: ['ghost']",
            {"requiredProperties": ["ghost"]},
        ),
        (
            {"labels": {"singular": "", "plural": "Cars"}},
            "labels.singular can not be empty",
            {"labels.singular": [""]},
        ),
        (
            {"associatedObjects": ["spaceships"]},
            "associatedObjects names an unknown object type: spaceships",
            {"associatedObjects": ["spaceships"]},
        ),
    ],
)
def test_a_bad_schema_is_refused_and_creates_nothing(
    portal_http: httpx.Client, changes: dict[str, Any], message: str, context: dict[str, Any]
) -> None:
    before = portal_http.get(SCHEMAS).json()
    response = portal_http.post(SCHEMAS, json=car_body("refused_cars", **changes))
    check_error(response, 400, message=message, category="VALIDATION_ERROR", context=context)
    assert portal_http.get(SCHEMAS).json() == before
    assert portal_http.get("/crm/v3/properties/refused_cars").status_code == 404


def test_a_bad_property_type_creates_nothing(portal_http: httpx.Client) -> None:
    body = car_body("typo_cars")
    body["properties"][2] = {"name": "year", "label": "Year", "type": "integer", "fieldType": "x"}
    response = portal_http.post(SCHEMAS, json=body)
    check_error(
        response,
        400,
        message="Invalid property type integer; expected one of: bool, date, datetime,"
        " enumeration, number, phone_number, string",
        category="VALIDATION_ERROR",
        context={"type": ["integer"]},
    )
    names = [s["name"] for s in portal_http.get(SCHEMAS).json()["results"]]
    assert "typo_cars" not in names


def test_a_taken_name_is_a_409(portal_http: httpx.Client) -> None:
    create_schema(portal_http, car_body("twin_cars"))
    response = portal_http.post(SCHEMAS, json=car_body("TWIN_CARS"))
    check_error(
        response,
        409,
        message="An object type named 'TWIN_CARS' already exists in this portal (archived"
        " object types keep their name until they are deleted with archived=true).",
        category="OBJECT_ALREADY_EXISTS",
        context={"name": ["TWIN_CARS"]},
    )


def test_archive_is_refused_while_records_exist_and_the_name_frees_after_a_hard_delete(
    portal_http: httpx.Client,
) -> None:
    created = create_schema(portal_http, car_body("old_cars"))
    path = f"/crm/v3/objects/{created['id']}"
    record = portal_http.post(path, json={"properties": {"model": "T"}})
    assert record.status_code == 201, record.text
    refused = portal_http.delete(f"{SCHEMAS}/{created['id']}")
    check_error(
        refused,
        400,
        message="Object type still has records; archive or delete every record of this type"
        " before deleting its schema.",
        category="VALIDATION_ERROR",
        subCategory="crm.schemas.OBJECT_TYPE_HAS_RECORDS",
    )
    assert portal_http.get(f"{SCHEMAS}/{created['id']}").status_code == 200
    assert portal_http.delete(f"{path}/{record.json()['id']}").status_code == 204
    assert portal_http.delete(f"{SCHEMAS}/{created['id']}").status_code == 204
    check_error(
        portal_http.get(path),
        404,
        message=f"Unable to infer object type from: {created['id']}",
        category="OBJECT_NOT_FOUND",
    )
    assert portal_http.post(SCHEMAS, json=car_body("old_cars")).status_code == 409
    hard = portal_http.delete(f"{SCHEMAS}/{created['id']}", params={"archived": "true"})
    assert hard.status_code == 204
    again = create_schema(portal_http, car_body("old_cars"))
    assert again["id"] != created["id"]


def test_association_definitions_are_created_and_removed(portal_http: httpx.Client) -> None:
    created = create_schema(portal_http, car_body("linked_cars", associatedObjects=[]))
    assert created["associations"] == []
    response = portal_http.post(
        f"{SCHEMAS}/{created['id']}/associations",
        json={"fromObjectTypeId": created["id"], "toObjectTypeId": "0-3", "name": "car_deal"},
    )
    assert response.status_code == 201, response.text
    made = response.json()
    assert (made["fromObjectTypeId"], made["toObjectTypeId"], made["name"]) == (
        created["id"],
        "0-3",
        "car_deal",
    )
    assert int(made["id"]) > 1_000_000 and made["createdAt"].endswith("Z")
    shown = portal_http.get(f"{SCHEMAS}/{created['id']}").json()["associations"]
    assert [a["id"] for a in shown] == [made["id"]]
    gone = portal_http.delete(f"{SCHEMAS}/{created['id']}/associations/{made['id']}")
    assert gone.status_code == 204
    assert portal_http.get(f"{SCHEMAS}/{created['id']}").json()["associations"] == []
    missing = portal_http.delete(f"{SCHEMAS}/{created['id']}/associations/{made['id']}")
    check_error(
        missing,
        404,
        message=f"No association definition {made['id']} on object type {created['id']}",
        category="OBJECT_NOT_FOUND",
        context={"associationIdentifier": [made["id"]]},
    )


def test_the_sdk_creates_and_archives_an_association_definition(portal_sdk: Any) -> None:
    api = portal_sdk.crm.schemas.core_api
    egg = ObjectSchemaEgg(
        name="trucks",
        labels=ObjectTypeDefinitionLabels(singular="Truck", plural="Trucks"),
        primary_display_property="plate",
        required_properties=[],
        properties=[
            ObjectTypePropertyCreate(name="plate", label="Plate", type="string", field_type="text")
        ],
        associated_objects=[],
    )
    created = api.create(object_schema_egg=egg)
    made = api.create_association(
        object_type=created.fully_qualified_name,
        association_definition_egg=AssociationDefinitionEgg(
            from_object_type_id=created.id, to_object_type_id="contacts"
        ),
    )
    assert (made.from_object_type_id, made.to_object_type_id, made.name) == (
        created.id,
        "0-1",
        "trucks_to_contact",
    )
    api.archive_association(object_type=created.id, association_identifier=made.id)
    assert api.get_by_id(object_type=created.id).associations == []


def test_another_portal_sees_neither_the_schema_nor_its_records(
    portal_http: httpx.Client, http: httpx.Client
) -> None:
    created = create_schema(portal_http, car_body("private_cars"))
    assert (
        portal_http.post(
            f"/crm/v3/objects/{created['id']}", json={"properties": {"model": "X"}}
        ).status_code
        == 201
    )
    for key in (created["id"], created["fullyQualifiedName"]):
        assert http.get(f"{SCHEMAS}/{key}").status_code == 404
        check_error(
            http.get(f"/crm/v3/objects/{key}"),
            404,
            message=f"Unable to infer object type from: {key}",
            category="OBJECT_NOT_FOUND",
        )
    assert created["id"] not in [s["id"] for s in http.get(SCHEMAS).json()["results"]]


def test_schema_routes_need_the_schema_scopes(server: Any) -> None:
    token = server.new_token("--scopes", "crm.objects.contacts.read")
    with httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        response = client.get(SCHEMAS)
        assert response.status_code == 403
        assert response.json()["category"] == "MISSING_SCOPES"
        assert client.post(SCHEMAS, json=car_body("scoped")).status_code == 403
