"""Association limits (hubspot-behaviour §15): configured through the official SDK (created,
listed all and per pair, updated, purged), per-input 207 errors, and enforced on every
association write: v4 single and batch, inline on create, v3 batch; portal isolation."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from hubspot.crm.associations.v4.schema import (
    BatchInputPublicAssociationDefinitionConfigurationCreateRequest,
    BatchInputPublicAssociationDefinitionConfigurationUpdateRequest,
    BatchInputPublicAssociationSpec,
    PublicAssociationDefinitionConfigurationCreateRequest,
    PublicAssociationDefinitionConfigurationUpdateRequest,
    PublicAssociationSpec,
)

from conftest import assert_hubspot_error

CONTACTS = "/crm/v3/objects/contacts"
COMPANIES = "/crm/v3/objects/companies"
CONFIGS = "/crm/v4/associations/definitions/configurations"
DEFAULT = 279  # contact_to_company_unlabeled
SUB = "crm.associations.ASSOCIATION_LIMIT_EXCEEDED"


def contact(http: httpx.Client, **extra: Any) -> str:
    body = {"properties": {"email": f"{uuid.uuid4().hex[:10]}@example.com"}, **extra}
    response = http.post(CONTACTS, json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def company(http: httpx.Client) -> str:
    response = http.post(COMPANIES, json={"properties": {"name": uuid.uuid4().hex[:8]}})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def configure(http: httpx.Client, maximum: int, type_id: int = DEFAULT) -> None:
    body = {
        "inputs": [{"category": "HUBSPOT_DEFINED", "typeId": type_id, "maxToObjectIds": maximum}]
    }
    response = http.post(f"{CONFIGS}/contacts/companies/batch/create", json=body)
    assert response.status_code == 201, response.text


def purge(http: httpx.Client, type_id: int = DEFAULT) -> None:
    body = {"inputs": [{"category": "HUBSPOT_DEFINED", "typeId": type_id}]}
    response = http.post(f"{CONFIGS}/contacts/companies/batch/purge", json=body)
    assert response.status_code == 204, response.text


def exceeded(contact_id: str) -> dict[str, Any]:
    return {
        "message": f"Association limit exceeded: contact {contact_id} can be associated with"
        f" at most 1 company record(s) by association type {DEFAULT}",
        "category": "VALIDATION_ERROR",
        "subCategory": SUB,
        "context": {
            "fromObjectType": ["CONTACT"],
            "toObjectType": ["COMPANY"],
            "associationTypeId": [str(DEFAULT)],
            "maxToObjectIds": ["1"],
        },
        "errors": [],
    }


def company_ids(http: httpx.Client, contact_id: str) -> list[int]:
    found = http.get(f"/crm/v4/objects/contacts/{contact_id}/associations/companies")
    assert found.status_code == 200, found.text
    return [r["toObjectId"] for r in found.json()["results"]]


def test_configurations_through_the_sdk(portal_sdk: Any) -> None:
    api = portal_sdk.crm.associations.v4.schema.definition_configurations_api
    create = BatchInputPublicAssociationDefinitionConfigurationCreateRequest(
        inputs=[
            PublicAssociationDefinitionConfigurationCreateRequest(
                category="HUBSPOT_DEFINED", type_id=1, max_to_object_ids=3
            )
        ]
    )
    made = api.batch_create("contacts", "companies", create)
    assert made.status == "COMPLETE"
    assert [
        (r.category, r.type_id, r.label, r.user_enforced_max_to_object_ids) for r in made.results
    ] == [("HUBSPOT_DEFINED", 1, "Primary", 3)]
    pair = api.get_all_between_two_object_types("contacts", "companies")
    assert [(r.type_id, r.user_enforced_max_to_object_ids) for r in pair.results] == [(1, 3)]
    assert api.get_all_between_two_object_types("companies", "contacts").results == []
    assert [(r.type_id, r.label) for r in api.get_all().results] == [(1, "Primary")]
    update = BatchInputPublicAssociationDefinitionConfigurationUpdateRequest(
        inputs=[
            PublicAssociationDefinitionConfigurationUpdateRequest(
                category="HUBSPOT_DEFINED", type_id=1, max_to_object_ids=5
            )
        ]
    )
    updated = api.batch_update("contacts", "companies", update)
    assert [(r.type_id, r.user_enforced_max_to_object_ids) for r in updated.results] == [(1, 5)]
    assert api.get_all().results[0].user_enforced_max_to_object_ids == 5
    specs = BatchInputPublicAssociationSpec(
        inputs=[PublicAssociationSpec(category="HUBSPOT_DEFINED", type_id=1)]
    )
    assert api.batch_remove("contacts", "companies", specs) is None
    assert api.get_all().results == []


@pytest.mark.parametrize(
    ("item", "message", "context"),
    [
        (
            {"category": "HUBSPOT_DEFINED", "typeId": 2, "maxToObjectIds": 1},
            "2 is not a valid association type between CONTACT and COMPANY",
            {"type": ["2"], "fromObjectType": ["CONTACT"], "toObjectType": ["COMPANY"]},
        ),
        (
            {"category": "HUBSPOT_DEFINED", "typeId": DEFAULT, "maxToObjectIds": 0},
            "maxToObjectIds must be between 1 and 10000; got 0",
            {"maxToObjectIds": ["0"], "typeId": [str(DEFAULT)]},
        ),
        (
            {"category": "HUBSPOT_DEFINED", "typeId": DEFAULT, "maxToObjectIds": 10_001},
            "maxToObjectIds must be between 1 and 10000; got 10001",
            {"maxToObjectIds": ["10001"], "typeId": [str(DEFAULT)]},
        ),
    ],
)
def test_a_bad_input_is_a_207_error_and_the_good_one_is_written(
    fresh: Callable[[], httpx.Client],
    item: dict[str, Any],
    message: str,
    context: dict[str, list[str]],
) -> None:
    http = fresh()
    good = {"category": "HUBSPOT_DEFINED", "typeId": 1, "maxToObjectIds": 2}
    response = http.post(
        f"{CONFIGS}/contacts/companies/batch/create", json={"inputs": [good, item]}
    )
    assert response.status_code == 207, response.text
    body = response.json()
    assert body["numErrors"] == 1
    assert [r["typeId"] for r in body["results"]] == [1]
    error = body["errors"][0]
    assert (error["message"], error["context"], error["category"]) == (
        message,
        context,
        "VALIDATION_ERROR",
    )
    listed = http.get(f"{CONFIGS}/all").json()["results"]
    assert [(r["typeId"], r["userEnforcedMaxToObjectIds"]) for r in listed] == [(1, 2)]


@pytest.fixture
def fresh(server: Any) -> Iterator[Callable[[], httpx.Client]]:
    """Clients of new portals, closed after the test."""
    made: list[httpx.Client] = []

    def new() -> httpx.Client:
        made.append(fresh_portal(server))
        return made[-1]

    yield new
    for client in made:
        client.close()


def fresh_portal(server: Any) -> httpx.Client:
    token = server.new_token("--portal", str(server.new_portal()))
    return httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    )


def test_creating_an_existing_one_and_updating_a_missing_one_are_207_errors(
    portal_http: httpx.Client,
) -> None:
    http = portal_http
    item = {"category": "HUBSPOT_DEFINED", "typeId": 280, "maxToObjectIds": 4}
    assert (
        http.post(f"{CONFIGS}/companies/contacts/batch/create", json={"inputs": [item]}).status_code
        == 201
    )
    again = http.post(f"{CONFIGS}/companies/contacts/batch/create", json={"inputs": [item]})
    assert again.status_code == 207
    assert again.json()["errors"][0]["message"] == (
        "An association limit for type 280 between COMPANY and CONTACT already exists;"
        " update it instead"
    )
    missing = {"category": "HUBSPOT_DEFINED", "typeId": 2, "maxToObjectIds": 4}
    update = http.post(f"{CONFIGS}/companies/contacts/batch/update", json={"inputs": [missing]})
    assert update.status_code == 207
    assert update.json()["results"] == []
    assert update.json()["errors"][0]["message"] == (
        "No association limit for type 2 between COMPANY and CONTACT; create it first"
    )
    purge_body = {"inputs": [{"category": "HUBSPOT_DEFINED", "typeId": 280}]}
    assert (
        http.post(f"{CONFIGS}/companies/contacts/batch/purge", json=purge_body).status_code == 204
    )
    bad = http.post(
        f"{CONFIGS}/companies/contacts/batch/purge",
        json={"inputs": [{"category": "HUBSPOT_DEFINED", "typeId": 9}]},
    )
    assert_hubspot_error(
        bad,
        400,
        message="9 is not a valid association type between COMPANY and CONTACT",
        category="VALIDATION_ERROR",
        subCategory="crm.associations.INVALID_ASSOCIATION_TYPE",
        context={"type": ["9"], "fromObjectType": ["COMPANY"], "toObjectType": ["CONTACT"]},
        errors=[],
    )


def test_a_limit_is_enforced_on_every_write_until_purged(
    fresh: Callable[[], httpx.Client],
) -> None:
    http = fresh()
    configure(http, 1)
    person, first, second, third = contact(http), company(http), company(http), company(http)
    single = f"/crm/v4/objects/contacts/{person}/associations/default/companies"
    assert http.put(f"{single}/{first}").status_code == 200
    assert http.put(f"{single}/{first}").status_code == 200  # the same link again is no new one
    assert_hubspot_error(http.put(f"{single}/{second}"), 400, **exceeded(person))
    assert company_ids(http, person) == [int(first)]
    # v4 batch: the other contact's input is written, this one's refused
    other = contact(http)
    batch = http.post(
        "/crm/v4/associations/contacts/companies/batch/associate/default",
        json={
            "inputs": [
                {"from": {"id": person}, "to": {"id": second}},
                {"from": {"id": other}, "to": {"id": second}},
                {"from": {"id": other}, "to": {"id": third}},
            ]
        },
    )
    assert batch.status_code == 207, batch.text
    errors = batch.json()["errors"]
    assert [e["message"] for e in errors] == [
        exceeded(person)["message"],
        exceeded(other)["message"],
    ]
    assert errors[0]["subCategory"] == SUB
    assert company_ids(http, person) == [int(first)]
    assert company_ids(http, other) == [int(second)]
    # inline on create
    inline = {
        "to": {"id": first},
        "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": DEFAULT}],
    }
    two = {"to": {"id": second}, "types": inline["types"]}
    before = http.get(CONTACTS, params={"limit": 100}).json()["results"]
    refused = http.post(
        CONTACTS, json={"properties": {"email": "in@line.x"}, "associations": [inline, two]}
    )
    assert refused.status_code == 400, refused.text
    assert refused.json()["message"] == (
        f"Association limit exceeded: a new contact can be associated with at most 1"
        f" company record(s) by association type {DEFAULT}"
    )
    assert http.get(CONTACTS, params={"limit": 100}).json()["results"] == before
    assert (
        http.post(
            CONTACTS, json={"properties": {"email": "one@line.x"}, "associations": [inline]}
        ).status_code
        == 201
    )
    # v3 batch
    v3 = http.post(
        "/crm/v3/associations/contacts/companies/batch/create",
        json={
            "inputs": [
                {
                    "from": {"id": person},
                    "to": {"id": third},
                    "type": "contact_to_company_unlabeled",
                }
            ]
        },
    )
    assert v3.status_code == 207, v3.text
    assert v3.json()["errors"][0]["message"] == exceeded(person)["message"]
    v3_put = http.put(f"/crm/v3/objects/contacts/{person}/associations/companies/{third}/{DEFAULT}")
    assert_hubspot_error(v3_put, 400, **exceeded(person))
    assert company_ids(http, person) == [int(first)]
    purge(http)
    assert http.put(f"{single}/{second}").status_code == 200
    assert company_ids(http, person) == [int(first), int(second)]


def test_limits_are_per_portal(fresh: Callable[[], httpx.Client]) -> None:
    limited, free = fresh(), fresh()
    configure(limited, 1)
    assert free.get(f"{CONFIGS}/all").json() == {"results": []}
    person, one, two = contact(free), company(free), company(free)
    single = f"/crm/v4/objects/contacts/{person}/associations/default/companies"
    assert free.put(f"{single}/{one}").status_code == 200
    assert free.put(f"{single}/{two}").status_code == 200
    assert len(limited.get(f"{CONFIGS}/all").json()["results"]) == 1
