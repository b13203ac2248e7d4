"""Records of a custom object type through the generic engine, by each of the type's
identifiers: the SDK's basic, batch and search APIs, history, unique ``idProperty``, the
properties API, and associations to contacts read from both ends (hubspot-behaviour §12)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hubspot.crm.objects import (
    BatchInputSimplePublicObjectBatchInput,
    BatchInputSimplePublicObjectBatchInputForCreate,
    PublicObjectSearchRequest,
    SimplePublicObjectBatchInput,
    SimplePublicObjectBatchInputForCreate,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)
from schema_support import SCHEMAS, car_body, create_schema


@pytest.fixture(scope="module")
def cars(portal_http: httpx.Client) -> dict[str, Any]:
    return create_schema(portal_http, car_body("fleet_cars"))


def keys(schema: dict[str, Any]) -> list[str]:
    return [schema["id"], schema["fullyQualifiedName"], schema["name"]]


def test_basic_crud_works_by_each_identifier(portal_sdk: Any, cars: dict[str, Any]) -> None:
    api = portal_sdk.crm.objects.basic_api
    for key in keys(cars):
        made = api.create(
            object_type=key,
            simple_public_object_input_for_create=SimplePublicObjectInputForCreate(
                properties={"model": f"Model {key}", "year": "1999"}
            ),
        )
        assert made.properties["model"] == f"Model {key}"
        read = api.get_by_id(object_type=key, object_id=made.id, properties=["model", "year"])
        assert read.properties["year"] == "1999"
        api.update(
            object_type=key,
            object_id=made.id,
            simple_public_object_input=SimplePublicObjectInput(properties={"make": "Ford"}),
        )
        history = api.get_by_id(
            object_type=cars["id"], object_id=made.id, properties_with_history=["make"]
        )
        assert [h.value for h in history.properties_with_history["make"]] == ["Ford"]
        api.archive(object_type=key, object_id=made.id)


def test_a_required_property_is_enforced(portal_http: httpx.Client, cars: dict[str, Any]) -> None:
    response = portal_http.post(f"/crm/v3/objects/{cars['id']}", json={"properties": {}})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "REQUIRED_PROPERTY"


def test_batch_update_with_a_missing_id_is_a_207(portal_sdk: Any, cars: dict[str, Any]) -> None:
    batch = portal_sdk.crm.objects.batch_api
    created = batch.create(
        object_type=cars["fullyQualifiedName"],
        batch_input_simple_public_object_batch_input_for_create=BatchInputSimplePublicObjectBatchInputForCreate(
            inputs=[
                SimplePublicObjectBatchInputForCreate(properties={"model": "A", "vin": "VIN-A"}),
                SimplePublicObjectBatchInputForCreate(properties={"model": "B", "vin": "VIN-B"}),
            ]
        ),
    )
    ids = sorted(r.id for r in created.results)
    outcome = batch.update(
        object_type=cars["id"],
        batch_input_simple_public_object_batch_input=BatchInputSimplePublicObjectBatchInput(
            inputs=[
                SimplePublicObjectBatchInput(id=ids[0], properties={"make": "Audi"}),
                SimplePublicObjectBatchInput(id="999999999", properties={"make": "BMW"}),
            ]
        ),
    )
    assert outcome.status == "COMPLETE" and len(outcome.errors) == 1
    assert outcome.errors[0].category == "OBJECT_NOT_FOUND"
    assert [r.id for r in outcome.results] == [ids[0]]
    by_vin = portal_sdk.crm.objects.basic_api.get_by_id(
        object_type=cars["id"], object_id="VIN-A", id_property="vin", properties=["make"]
    )
    assert (by_vin.id, by_vin.properties["make"]) == (ids[0], "Audi")


def test_search_filters_queries_and_sorts(portal_sdk: Any, cars: dict[str, Any]) -> None:
    batch = portal_sdk.crm.objects.batch_api
    batch.create(
        object_type=cars["id"],
        batch_input_simple_public_object_batch_input_for_create=BatchInputSimplePublicObjectBatchInputForCreate(
            inputs=[
                SimplePublicObjectInputForCreate(
                    properties={"model": "Zephyr", "make": "Lincoln", "year": "1936"}
                ),
                SimplePublicObjectInputForCreate(
                    properties={"model": "Zodiac", "make": "Ford", "year": "1954"}
                ),
            ]
        ),
    )
    search = portal_sdk.crm.objects.search_api
    request = PublicObjectSearchRequest(
        filter_groups=[{"filters": [{"propertyName": "year", "operator": "GTE", "value": "1900"}]}],
        sorts=[{"propertyName": "year", "direction": "DESCENDING"}],
        properties=["model"],
        limit=10,
    )
    page = search.do_search(object_type=cars["name"], public_object_search_request=request)
    assert [r.properties["model"] for r in page.results] == ["Zodiac", "Zephyr"]
    query = PublicObjectSearchRequest(query="lincoln", properties=["model"], limit=10)
    found = search.do_search(object_type=cars["id"], public_object_search_request=query)
    assert [r.properties["model"] for r in found.results] == ["Zephyr"]


def test_the_properties_api_serves_the_custom_type(
    portal_http: httpx.Client, cars: dict[str, Any]
) -> None:
    path = f"/crm/v3/properties/{cars['fullyQualifiedName']}"
    names = {p["name"] for p in portal_http.get(path).json()["results"]}
    assert {"model", "make", "year", "vin", "hs_object_id"} <= names
    body = {"name": "color", "label": "Color", "type": "string", "fieldType": "text"}
    made = portal_http.post(path, json={**body, "groupName": "fleet_cars_information"})
    assert made.status_code == 201, made.text
    groups = portal_http.get(f"/crm/v3/properties/{cars['id']}/groups").json()["results"]
    assert [g["name"] for g in groups] == ["fleet_cars_information"]
    record = portal_http.post(
        f"/crm/v3/objects/{cars['id']}", json={"properties": {"model": "M", "color": "red"}}
    )
    assert record.json()["properties"]["color"] == "red"


def test_a_custom_record_links_to_a_contact_and_reads_from_both_ends(
    portal_http: httpx.Client, cars: dict[str, Any]
) -> None:
    (definition,) = cars["associations"]
    type_id = int(definition["id"])
    car = portal_http.post(f"/crm/v3/objects/{cars['id']}", json={"properties": {"model": "L"}})
    contact = portal_http.post("/crm/v3/objects/contacts", json={"properties": {"email": "a@b.c"}})
    car_id, contact_id = car.json()["id"], contact.json()["id"]
    spec = [{"associationCategory": "USER_DEFINED", "associationTypeId": type_id}]
    linked = portal_http.put(
        f"/crm/v4/objects/{cars['id']}/{car_id}/associations/contacts/{contact_id}", json=spec
    )
    assert linked.status_code == 201, linked.text
    forward = portal_http.get(f"/crm/v4/objects/{cars['id']}/{car_id}/associations/contacts")
    assert forward.json()["results"] == [
        {
            "toObjectId": int(contact_id),
            "associationTypes": [{"category": "USER_DEFINED", "typeId": type_id, "label": None}],
        }
    ]
    back = portal_http.get(
        f"/crm/v4/objects/contacts/{contact_id}/associations/{cars['fullyQualifiedName']}"
    )
    (result,) = back.json()["results"]
    assert result["toObjectId"] == int(car_id)
    assert result["associationTypes"][0]["typeId"] != type_id
    v3 = portal_http.get(
        f"/crm/v3/objects/contacts/{contact_id}", params={"associations": cars["id"]}
    )
    shown = v3.json()["associations"][cars["fullyQualifiedName"]]["results"]
    assert [r["id"] for r in shown] == [car_id]


def test_inline_and_default_associations_of_a_custom_record(
    portal_http: httpx.Client, cars: dict[str, Any]
) -> None:
    contact = portal_http.post("/crm/v3/objects/contacts", json={"properties": {"email": "i@b.c"}})
    contact_id = contact.json()["id"]
    type_id = int(cars["associations"][0]["id"])
    car = portal_http.post(
        f"/crm/v3/objects/{cars['id']}",
        json={
            "properties": {"model": "Inline"},
            "associations": [
                {
                    "to": {"id": contact_id},
                    "types": [
                        {"associationCategory": "USER_DEFINED", "associationTypeId": type_id}
                    ],
                }
            ],
        },
    )
    assert car.status_code == 201, car.text
    car_id = car.json()["id"]
    found = portal_http.get(f"/crm/v4/objects/contacts/{contact_id}/associations/{cars['id']}")
    assert [r["toObjectId"] for r in found.json()["results"]] == [int(car_id)]
    other = portal_http.post(f"/crm/v3/objects/{cars['id']}", json={"properties": {"model": "D"}})
    default = portal_http.put(
        f"/crm/v4/objects/{cars['id']}/{other.json()['id']}/associations/default/contacts/{contact_id}"
    )
    assert default.status_code == 200, default.text
    search = portal_http.post(
        f"/crm/v3/objects/{cars['id']}/search",
        json={
            "filterGroups": [
                {
                    "filters": [
                        {
                            "propertyName": "associations.contact",
                            "operator": "EQ",
                            "value": contact_id,
                        }
                    ]
                }
            ]
        },
    )
    assert sorted(r["id"] for r in search.json()["results"]) == sorted([car_id, other.json()["id"]])


def test_records_need_the_custom_object_scopes(server: Any, cars: dict[str, Any]) -> None:
    portal = cars["fullyQualifiedName"].removeprefix("p").split("_")[0]
    token = server.new_token("--portal", portal, "--scopes", "crm.objects.contacts.read")
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base_url, headers=headers) as client:
        response = client.get(f"/crm/v3/objects/{cars['id']}")
        schemas = client.get(f"{SCHEMAS}/{cars['id']}")
    assert response.status_code == 403
    assert response.json()["category"] == "MISSING_SCOPES"
    assert response.json()["errors"][0]["context"]["requiredGranularScopes"] == [
        "crm.objects.custom.read"
    ]
    assert schemas.status_code == 403
    assert schemas.json()["errors"][0]["context"]["requiredGranularScopes"] == [
        "crm.schemas.custom.read",
        "crm.objects.custom.sensitive.read.v2",
        "crm.objects.custom.highly_sensitive.read.v2",
        "crm.objects.custom.read",
    ]
