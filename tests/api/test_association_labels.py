"""Association labels (hubspot-behaviour §15): created single and paired through the
official SDK, listed, used in v4 single and batch writes and inline on create, read back
with ``USER_DEFINED`` and the label from both ends, renamed and deleted; a wrong category
refused; a custom object type labelled to contacts; portal isolation."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from hubspot.crm.associations.v4 import AssociationSpec, BatchInputPublicAssociationMultiPost
from hubspot.crm.associations.v4.exceptions import ApiException as V4ApiException
from hubspot.crm.associations.v4.schema import (
    PublicAssociationDefinitionCreateRequest,
    PublicAssociationDefinitionUpdateRequest,
)
from hubspot.crm.associations.v4.schema.exceptions import ApiException

from conftest import assert_hubspot_error, assert_sdk_error

CONTACTS = "/crm/v3/objects/contacts"
COMPANIES = "/crm/v3/objects/companies"


def contact(http: httpx.Client, **extra: Any) -> str:
    body = {"properties": {"email": f"{uuid.uuid4().hex[:10]}@example.com"}, **extra}
    response = http.post(CONTACTS, json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def company(http: httpx.Client) -> str:
    response = http.post(COMPANIES, json={"properties": {"name": uuid.uuid4().hex[:8]}})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def labels_of(sdk: Any, from_type: str, to_type: str) -> dict[int, tuple[str, str | None]]:
    listed = sdk.crm.associations.v4.schema.definitions_api.get_all(from_type, to_type)
    return {r.type_id: (r.category, r.label) for r in listed.results}


def create_label(sdk: Any, name: str, label: str, inverse: str | None = None) -> list[int]:
    request = PublicAssociationDefinitionCreateRequest(
        label=label, name=name, inverse_label=inverse
    )
    made = sdk.crm.associations.v4.schema.definitions_api.create("contacts", "companies", request)
    assert all(r.category == "USER_DEFINED" for r in made.results)
    return [r.type_id for r in made.results]


def test_single_label_is_listed_both_ways_and_used_everywhere(
    portal_sdk: Any, portal_http: httpx.Client
) -> None:
    forward, backward = create_label(portal_sdk, "manager", "Manager")
    assert forward >= 1_000_001 and backward >= 1_000_001 and forward != backward
    assert labels_of(portal_sdk, "contacts", "companies")[forward] == ("USER_DEFINED", "Manager")
    assert labels_of(portal_sdk, "companies", "contacts")[backward] == ("USER_DEFINED", "Manager")
    assert labels_of(portal_sdk, "contacts", "companies")[279] == ("HUBSPOT_DEFINED", None)

    spec = AssociationSpec(association_category="USER_DEFINED", association_type_id=forward)
    person, firm = contact(portal_http), company(portal_http)
    basic = portal_sdk.crm.associations.v4.basic_api
    basic.create("contacts", person, "companies", firm, [spec])
    seen = basic.get_page("companies", firm, "contacts").results[0]
    assert str(seen.to_object_id) == person
    assert [(t.category, t.type_id, t.label) for t in seen.association_types] == [
        ("USER_DEFINED", backward, "Manager")
    ]

    # batch create and inline on create
    other = company(portal_http)
    raw = {"associationCategory": "USER_DEFINED", "associationTypeId": forward}
    batch = BatchInputPublicAssociationMultiPost(
        inputs=[{"from": {"id": person}, "to": {"id": other}, "types": [raw]}]
    )
    portal_sdk.crm.associations.v4.batch_api.create("contacts", "companies", batch)
    inline = {"to": {"id": firm}, "types": [raw]}
    third = contact(portal_http, associations=[inline])
    read = portal_http.get(f"/crm/v4/objects/contacts/{third}/associations/companies").json()
    assert read["results"][0]["associationTypes"] == [
        {"category": "USER_DEFINED", "typeId": forward, "label": "Manager"}
    ]
    both = portal_http.get(f"/crm/v4/objects/contacts/{person}/associations/companies").json()
    assert sorted(r["toObjectId"] for r in both["results"]) == sorted([int(firm), int(other)])
    shown = portal_http.get(f"{CONTACTS}/{third}", params={"associations": "companies"}).json()
    assert shown["associations"]["companies"]["results"] == [{"id": firm, "type": "manager"}]


def test_paired_label_rename_and_delete(portal_sdk: Any, portal_http: httpx.Client) -> None:
    forward, backward = create_label(portal_sdk, "boss", "Boss", "Employer")
    assert labels_of(portal_sdk, "companies", "contacts")[backward] == ("USER_DEFINED", "Employer")
    api = portal_sdk.crm.associations.v4.schema.definitions_api
    rename = PublicAssociationDefinitionUpdateRequest(association_type_id=forward, label="Chief")
    api.update("contacts", "companies", rename)
    assert labels_of(portal_sdk, "contacts", "companies")[forward] == ("USER_DEFINED", "Chief")
    assert labels_of(portal_sdk, "companies", "contacts")[backward] == ("USER_DEFINED", "Employer")

    person, firm = contact(portal_http), company(portal_http)
    spec = AssociationSpec(association_category="USER_DEFINED", association_type_id=forward)
    portal_sdk.crm.associations.v4.basic_api.create("contacts", person, "companies", firm, [spec])
    with pytest.raises(ApiException) as refused:
        api.remove("contacts", "companies", forward)
    assert_sdk_error(
        refused.value,
        400,
        message=f"Association label Chief ({forward}) is used by existing associations;"
        " remove those associations before deleting the label",
        category="VALIDATION_ERROR",
        subCategory="crm.associations.LABEL_IN_USE",
        context={"associationTypeId": [str(forward)]},
        errors=[],
    )
    assert forward in labels_of(portal_sdk, "contacts", "companies")
    portal_sdk.crm.associations.v4.basic_api.archive("contacts", person, "companies", firm)
    api.remove("contacts", "companies", forward)
    assert forward not in labels_of(portal_sdk, "contacts", "companies")
    assert backward not in labels_of(portal_sdk, "companies", "contacts")


def test_wrong_category_and_hubspot_types_are_refused(
    portal_sdk: Any, portal_http: httpx.Client
) -> None:
    person, firm = contact(portal_http), company(portal_http)
    spec = AssociationSpec(association_category="USER_DEFINED", association_type_id=279)
    with pytest.raises(V4ApiException) as refused:
        portal_sdk.crm.associations.v4.basic_api.create(
            "contacts", person, "companies", firm, [spec]
        )
    assert_sdk_error(
        refused.value,
        400,
        message="279 is not a valid association type between CONTACT and COMPANY",
        category="VALIDATION_ERROR",
        subCategory="crm.associations.INVALID_ASSOCIATION_TYPE",
        context={
            "type": ["279"],
            "fromObjectType": ["CONTACT"],
            "toObjectType": ["COMPANY"],
        },
        errors=[],
    )
    assert (
        portal_http.get(f"/crm/v4/objects/contacts/{person}/associations/companies").json()[
            "results"
        ]
        == []
    )
    response = portal_http.delete("/crm/v4/associations/contacts/companies/labels/279")
    assert_hubspot_error(
        response,
        400,
        message="Association type 279 is HUBSPOT_DEFINED and cannot be changed;"
        " only USER_DEFINED labels can",
        category="VALIDATION_ERROR",
        context={"associationTypeId": ["279"]},
        errors=[],
    )
    body = {"label": " ", "name": "x"}
    response = portal_http.post("/crm/v4/associations/contacts/companies/labels", json=body)
    assert_hubspot_error(
        response,
        400,
        message="label must not be blank",
        category="VALIDATION_ERROR",
        context={"label": [" "]},
        errors=[],
    )


def test_labels_are_portal_isolated(portal_sdk: Any, sdk: Any) -> None:
    forward, _ = create_label(portal_sdk, "isolated", "Isolated")
    assert forward not in labels_of(sdk, "contacts", "companies")


def test_custom_object_labelled_to_contacts(portal_http: httpx.Client) -> None:
    schema = {
        "name": "machine",
        "labels": {"singular": "Machine", "plural": "Machines"},
        "primaryDisplayProperty": "serial",
        "requiredProperties": ["serial"],
        "properties": [
            {"name": "serial", "label": "Serial", "type": "string", "fieldType": "text"}
        ],
        "associatedObjects": ["CONTACT"],
    }
    made = portal_http.post("/crm-object-schemas/v3/schemas", json=schema)
    assert made.status_code == 201, made.text
    type_id = made.json()["objectTypeId"]
    body = {"label": "Operator", "name": "operator", "inverseLabel": "Operated machine"}
    created = portal_http.post(f"/crm/v4/associations/{type_id}/contacts/labels", json=body)
    assert created.status_code == 200, created.text
    forward, backward = (r["typeId"] for r in created.json()["results"])
    record = portal_http.post(
        f"/crm/v3/objects/{type_id}", json={"properties": {"serial": "S-1"}}
    ).json()["id"]
    person = contact(portal_http)
    spec = [{"associationCategory": "USER_DEFINED", "associationTypeId": forward}]
    linked = portal_http.put(
        f"/crm/v4/objects/{type_id}/{record}/associations/contacts/{person}", json=spec
    )
    assert linked.status_code == 201, linked.text
    assert linked.json()["labels"] == ["Operator"]
    back = portal_http.get(f"/crm/v4/objects/contacts/{person}/associations/{type_id}").json()
    assert back["results"][0]["associationTypes"] == [
        {"category": "USER_DEFINED", "typeId": backward, "label": "Operated machine"}
    ]
