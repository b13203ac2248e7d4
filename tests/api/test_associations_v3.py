"""The v3 associations API (hubspot-behaviour §13): ``/crm/v3/associations/{from}/{to}/types``
and ``batch/{create,read,archive}`` over HTTP and through the official SDK, sharing the
links of the v4 and per-record routes; bad input, limits, scopes and portals."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from conftest import CALL_TIME, assert_hubspot_error, assert_sdk_error

V3 = "/crm/v3/associations"
MISSING = "918273645501"  # an id no record has
DEAL = {"dealname": "Big", "pipeline": "default", "dealstage": "appointmentscheduled"}
UNKNOWN_WIDGETS = {
    "message": "Unable to infer object type from: widgets",
    "category": "OBJECT_NOT_FOUND",
    "context": {},
    "errors": [],
}
PROPERTIES = {
    "contacts": lambda: {"firstname": "Ada", "lastname": uuid.uuid4().hex[:8]},
    "companies": lambda: {"name": f"Acme {uuid.uuid4().hex[:8]}"},
    "deals": lambda: dict(DEAL),
    "calls": lambda: {"hs_timestamp": CALL_TIME},
}


def create(http: httpx.Client, object_type: str) -> str:
    body = {"properties": PROPERTIES[object_type]()}
    response = http.post(f"/crm/v3/objects/{object_type}", json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def link(from_id: str, to_id: str, kind: str) -> dict[str, Any]:
    return {"from": {"id": from_id}, "to": {"id": to_id}, "type": kind}


def v4_linked(http: httpx.Client, from_type: str, from_id: str, to_type: str) -> list[Any]:
    """(far-end id, type ids) of one record's v4 links to ``to_type``."""
    response = http.get(f"/crm/v4/objects/{from_type}/{from_id}/associations/{to_type}")
    assert response.status_code == 200, response.text
    return [
        (str(r["toObjectId"]), sorted(t["typeId"] for t in r["associationTypes"]))
        for r in response.json()["results"]
    ]


def batch(http: httpx.Client, pair: str, action: str, inputs: list[Any]) -> httpx.Response:
    return http.post(f"{V3}/{pair}/batch/{action}", json={"inputs": inputs})


def pair_error(shown: str, from_label: str, to_label: str) -> dict[str, Any]:
    """The 400 of a type the object pair doesn't have (compatibility.md "Associations")."""
    return {
        "message": f"{shown} is not a valid association type between {from_label} and {to_label}",
        "category": "VALIDATION_ERROR",
        "subCategory": "crm.associations.INVALID_ASSOCIATION_TYPE",
        "context": {"type": [shown], "fromObjectType": [from_label], "toObjectType": [to_label]},
        "errors": [],
    }


def no_live_ends(contact_id: str, company_id: str) -> dict[str, Any]:
    return {
        "status": "error",
        "category": "VALIDATION_ERROR",
        "message": (
            f"One or more associations are invalid: no live contact {contact_id} or company"
            f" {company_id} in this portal"
        ),
        "context": {"fromObjectId": [contact_id], "toObjectId": [company_id]},
        "errors": [],
        "links": {},
    }


def no_associations(contact_id: str) -> dict[str, Any]:
    return {
        "status": "error",
        "category": "OBJECT_NOT_FOUND",
        "message": f"No company is associated with contact {contact_id}.",
        "context": {"fromObjectId": [contact_id]},
        "errors": [],
        "links": {},
        "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
    }


def envelope(response: httpx.Response, status: int) -> dict[str, Any]:
    """The batch body without its timestamps, which must be present."""
    assert response.status_code == status, response.text
    body = dict(response.json())
    assert body.pop("startedAt") <= body.pop("completedAt")
    return body


# --- types ---------------------------------------------------------------------------------


def test_types_between_contacts_and_companies(portal_http: httpx.Client) -> None:
    response = portal_http.get(f"{V3}/contacts/companies/types")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "results": [
            {"id": "279", "name": "contact_to_company_unlabeled"},
            {"id": "1", "name": "contact_to_company"},
        ]
    }


def test_types_take_type_ids_and_singular_names(portal_http: httpx.Client) -> None:
    response = portal_http.get(f"{V3}/0-48/contact/types")
    assert response.status_code == 200, response.text
    assert response.json() == {"results": [{"id": "194", "name": "call_to_contact"}]}


def test_types_of_a_pair_without_types_are_empty(portal_http: httpx.Client) -> None:
    response = portal_http.get(f"{V3}/calls/notes/types")
    assert response.status_code == 200, response.text
    assert response.json() == {"results": []}


# --- create --------------------------------------------------------------------------------


def test_create_answers_201_and_the_link_shows_through_v4_and_v3_reads(
    portal_http: httpx.Client,
) -> None:
    contact, company = create(portal_http, "contacts"), create(portal_http, "companies")
    made = batch(portal_http, "contacts/companies", "create", [link(contact, company, "1")])
    assert envelope(made, 201) == {
        "status": "COMPLETE",
        "results": [link(contact, company, "contact_to_company")],
    }
    assert v4_linked(portal_http, "contacts", contact, "companies") == [(company, [1])]
    assert v4_linked(portal_http, "companies", company, "contacts") == [(contact, [2])]
    record = portal_http.get(f"/crm/v3/objects/companies/{company}?associations=contacts")
    assert record.json()["associations"]["contacts"]["results"] == [
        {"id": contact, "type": "company_to_contact"}
    ]


def test_create_by_name_of_a_call_and_a_deal(portal_http: httpx.Client) -> None:
    contact = create(portal_http, "contacts")
    call, deal = create(portal_http, "calls"), create(portal_http, "deals")
    made = batch(portal_http, "calls/contacts", "create", [link(call, contact, "call_to_contact")])
    assert envelope(made, 201)["results"] == [link(call, contact, "call_to_contact")]
    made = batch(portal_http, "deals/contacts", "create", [link(deal, contact, "deal_to_contact")])
    assert envelope(made, 201)["results"] == [link(deal, contact, "deal_to_contact")]
    assert v4_linked(portal_http, "contacts", contact, "calls") == [(call, [193])]
    assert v4_linked(portal_http, "contacts", contact, "deals") == [(deal, [4])]


def test_create_of_an_unknown_type_name_fails_whole_and_links_nothing(
    portal_http: httpx.Client,
) -> None:
    contact, company = create(portal_http, "contacts"), create(portal_http, "companies")
    inputs = [
        link(contact, company, "contact_to_company_unlabeled"),
        link(contact, company, "nope"),
    ]
    response = batch(portal_http, "contacts/companies", "create", inputs)
    assert_hubspot_error(response, 400, **pair_error("nope", "CONTACT", "COMPANY"))
    assert v4_linked(portal_http, "contacts", contact, "companies") == []


def test_create_with_a_type_of_another_pair_is_rejected(portal_http: httpx.Client) -> None:
    contact, deal = create(portal_http, "contacts"), create(portal_http, "deals")
    response = batch(
        portal_http,
        "deals/contacts",
        "create",
        [link(deal, contact, "contact_to_company_unlabeled")],
    )
    assert_hubspot_error(
        response, 400, **pair_error("contact_to_company_unlabeled", "DEAL", "CONTACT")
    )
    assert v4_linked(portal_http, "deals", deal, "contacts") == []


def test_create_with_unknown_or_archived_records_answers_207_with_the_valid_link(
    portal_http: httpx.Client,
) -> None:
    contact, company = create(portal_http, "contacts"), create(portal_http, "companies")
    gone = create(portal_http, "companies")
    assert portal_http.delete(f"/crm/v3/objects/companies/{gone}").status_code == 204
    inputs = [link(contact, c, "contact_to_company_unlabeled") for c in (company, MISSING, gone)]
    body = envelope(batch(portal_http, "contacts/companies", "create", inputs), 207)
    assert body == {
        "status": "COMPLETE",
        "results": [link(contact, company, "contact_to_company_unlabeled")],
        "numErrors": 2,
        "errors": [no_live_ends(contact, MISSING), no_live_ends(contact, gone)],
    }
    assert v4_linked(portal_http, "contacts", contact, "companies") == [(company, [279])]


def test_create_with_a_bad_id_links_nothing(portal_http: httpx.Client) -> None:
    contact, company = create(portal_http, "contacts"), create(portal_http, "companies")
    inputs = [link(contact, company, "contact_to_company_unlabeled"), link("abc", company, "1")]
    response = batch(portal_http, "contacts/companies", "create", inputs)
    assert_hubspot_error(
        response,
        400,
        message="Invalid object id abc",
        category="VALIDATION_ERROR",
        subCategory="crm.associations.INVALID_IDENTIFIER",
        context={},
        errors=[],
    )
    assert v4_linked(portal_http, "contacts", contact, "companies") == []


def test_create_over_2000_inputs_is_rejected(portal_http: httpx.Client) -> None:
    inputs = [link(str(i), str(i), "contact_to_company_unlabeled") for i in range(1, 2002)]
    response = batch(portal_http, "contacts/companies", "create", inputs)
    assert_hubspot_error(
        response,
        400,
        message="Batch input size 2001 exceeds the limit of 2000 inputs",
        category="VALIDATION_ERROR",
        context={},
        errors=[],
    )


def test_create_with_an_unknown_object_type_answers_404(portal_http: httpx.Client) -> None:
    response = batch(portal_http, "contacts/widgets", "create", [link("1", "2", "x")])
    assert_hubspot_error(response, 404, **UNKNOWN_WIDGETS)


# --- read ----------------------------------------------------------------------------------


def test_read_lists_each_link_by_type_and_reports_records_without_links(
    portal_http: httpx.Client,
) -> None:
    contact, lonely = create(portal_http, "contacts"), create(portal_http, "contacts")
    first, second = create(portal_http, "companies"), create(portal_http, "companies")
    inputs = [link(contact, first, "contact_to_company_unlabeled"), link(contact, second, "1")]
    assert batch(portal_http, "contacts/companies", "create", inputs).status_code == 201
    read = batch(portal_http, "contacts/companies", "read", [{"id": contact}, {"id": lonely}])
    body = envelope(read, 207)
    assert body == {
        "status": "COMPLETE",
        "results": [
            {
                "from": {"id": contact},
                "to": [
                    {"id": first, "type": "contact_to_company_unlabeled"},
                    {"id": second, "type": "contact_to_company"},
                ],
            }
        ],
        "numErrors": 1,
        "errors": [no_associations(lonely)],
    }


def test_read_of_linked_records_answers_200(portal_http: httpx.Client) -> None:
    contact, company = create(portal_http, "contacts"), create(portal_http, "companies")
    made = batch(portal_http, "companies/contacts", "create", [link(company, contact, "280")])
    assert made.status_code == 201, made.text
    read = batch(portal_http, "contacts/companies", "read", [{"id": contact}])
    assert envelope(read, 200)["results"] == [
        {"from": {"id": contact}, "to": [{"id": company, "type": "contact_to_company_unlabeled"}]}
    ]


def test_read_over_1000_inputs_is_rejected(portal_http: httpx.Client) -> None:
    inputs = [{"id": str(i)} for i in range(1, 1002)]
    response = batch(portal_http, "contacts/companies", "read", inputs)
    assert_hubspot_error(
        response,
        400,
        message="Batch input size 1001 exceeds the limit of 1000 inputs",
        category="VALIDATION_ERROR",
        context={},
        errors=[],
    )


# --- archive -------------------------------------------------------------------------------


def test_archive_answers_204_and_removes_only_that_type_both_ways(
    portal_http: httpx.Client,
) -> None:
    contact, company = create(portal_http, "contacts"), create(portal_http, "companies")
    inputs = [link(contact, company, "contact_to_company_unlabeled"), link(contact, company, "1")]
    assert batch(portal_http, "contacts/companies", "create", inputs).status_code == 201
    gone = batch(portal_http, "contacts/companies", "archive", [inputs[1]])
    assert gone.status_code == 204, gone.text
    assert gone.content == b""
    assert v4_linked(portal_http, "contacts", contact, "companies") == [(company, [279])]
    assert v4_linked(portal_http, "companies", company, "contacts") == [(contact, [280])]


def test_archive_of_pairs_that_are_not_linked_answers_204(portal_http: httpx.Client) -> None:
    contact = create(portal_http, "contacts")
    response = batch(
        portal_http,
        "contacts/companies",
        "archive",
        [link(contact, MISSING, "contact_to_company_unlabeled")],
    )
    assert response.status_code == 204, response.text


def test_archive_with_a_bad_type_removes_nothing(portal_http: httpx.Client) -> None:
    contact, company = create(portal_http, "contacts"), create(portal_http, "companies")
    good = link(contact, company, "contact_to_company_unlabeled")
    assert batch(portal_http, "contacts/companies", "create", [good]).status_code == 201
    response = batch(
        portal_http, "contacts/companies", "archive", [good, link(contact, company, "deal_x")]
    )
    assert_hubspot_error(response, 400, **pair_error("deal_x", "CONTACT", "COMPANY"))
    assert v4_linked(portal_http, "contacts", contact, "companies") == [(company, [279])]


def test_archive_over_2000_inputs_is_rejected(portal_http: httpx.Client) -> None:
    inputs = [link(str(i), str(i), "contact_to_company_unlabeled") for i in range(1, 2002)]
    response = batch(portal_http, "contacts/companies", "archive", inputs)
    assert_hubspot_error(
        response,
        400,
        message="Batch input size 2001 exceeds the limit of 2000 inputs",
        category="VALIDATION_ERROR",
        context={},
        errors=[],
    )


# --- links made elsewhere, scopes, portals -------------------------------------------------


def test_a_v4_link_reads_through_v3_and_v3_archive_removes_it(portal_http: httpx.Client) -> None:
    contact, call = create(portal_http, "contacts"), create(portal_http, "calls")
    put = portal_http.put(f"/crm/v4/objects/calls/{call}/associations/default/contacts/{contact}")
    assert put.status_code == 200, put.text
    read = batch(portal_http, "contacts/calls", "read", [{"id": contact}])
    assert envelope(read, 200)["results"] == [
        {"from": {"id": contact}, "to": [{"id": call, "type": "contact_to_call"}]}
    ]
    gone = batch(portal_http, "contacts/calls", "archive", [link(contact, call, "193")])
    assert gone.status_code == 204, gone.text
    assert v4_linked(portal_http, "calls", call, "contacts") == []


def test_writes_need_the_from_types_write_scope(server: Any) -> None:
    token = server.new_token("--scopes", "crm.objects.contacts.read,crm.objects.companies.read")
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as reader:
        assert reader.get(f"{V3}/contacts/companies/types").status_code == 200
        response = batch(reader, "contacts/companies", "create", [link("1", "2", "1")])
    assert_hubspot_error(
        response,
        403,
        message=(
            "This app hasn't been granted all required scopes to make this call. Read more"
            " about required scopes here: https://developers.hubspot.com/scopes."
        ),
        category="MISSING_SCOPES",
        context={},
        errors=[
            {
                "message": "One or more of the following scopes are required.",
                "context": {"requiredGranularScopes": ["crm.objects.contacts.write"]},
            }
        ],
        links={"scopes": "https://developers.hubspot.com/scopes"},
    )


@pytest.fixture(scope="module")
def other_http(server: Any) -> Iterator[httpx.Client]:
    token = server.new_token("--portal", str(server.new_portal()))
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as client:
        yield client


def test_a_portal_can_neither_link_nor_read_another_portals_records(
    portal_http: httpx.Client, other_http: httpx.Client
) -> None:
    contact, company = create(portal_http, "contacts"), create(portal_http, "companies")
    good = link(contact, company, "contact_to_company_unlabeled")
    assert batch(portal_http, "contacts/companies", "create", [good]).status_code == 201
    theirs = create(other_http, "contacts")
    made = batch(other_http, "contacts/companies", "create", [link(theirs, company, "1")])
    assert envelope(made, 207)["errors"] == [no_live_ends(theirs, company)]
    read = batch(other_http, "contacts/companies", "read", [{"id": contact}])
    assert envelope(read, 207)["errors"] == [no_associations(contact)]
    gone = batch(other_http, "contacts/companies", "archive", [good])
    assert gone.status_code == 204, gone.text
    assert v4_linked(portal_http, "contacts", contact, "companies") == [(company, [279])]


# --- the official SDK ----------------------------------------------------------------------


def sdk_inputs(*triples: tuple[str, str, str]) -> Any:
    from hubspot.crm.associations import (
        BatchInputPublicAssociation,
        PublicAssociation,
        PublicObjectId,
    )

    return BatchInputPublicAssociation(
        inputs=[
            PublicAssociation(_from=PublicObjectId(id=f), to=PublicObjectId(id=t), type=kind)
            for f, t, kind in triples
        ]
    )


def sdk_read(portal_sdk: Any, pair: tuple[str, str], *ids: str) -> Any:
    from hubspot.crm.associations import BatchInputPublicObjectId, PublicObjectId

    return portal_sdk.crm.associations.batch_api.read(
        *pair,
        batch_input_public_object_id=BatchInputPublicObjectId(
            inputs=[PublicObjectId(id=i) for i in ids]
        ),
    )


def test_sdk_types_get_all(portal_sdk: Any) -> None:
    types = portal_sdk.crm.associations.schema.types_api.get_all("contacts", "companies")
    assert [(t.id, t.name) for t in types.results] == [
        ("279", "contact_to_company_unlabeled"),
        ("1", "contact_to_company"),
    ]


@pytest.mark.parametrize(
    ("pair", "kind", "v4_type"),
    [
        (("contacts", "companies"), "contact_to_company_unlabeled", 279),
        (("calls", "contacts"), "call_to_contact", 194),
        (("deals", "contacts"), "deal_to_contact", 3),
    ],
)
def test_sdk_batch_create_read_and_archive(
    portal_sdk: Any, portal_http: httpx.Client, pair: tuple[str, str], kind: str, v4_type: int
) -> None:
    from hubspot.crm.associations import BatchResponsePublicAssociation

    from_id, to_id = create(portal_http, pair[0]), create(portal_http, pair[1])
    api = portal_sdk.crm.associations.batch_api
    made = api.create(*pair, batch_input_public_association=sdk_inputs((from_id, to_id, kind)))
    assert isinstance(made, BatchResponsePublicAssociation)
    assert made.status == "COMPLETE"
    assert [(r._from.id, r.to.id, r.type) for r in made.results] == [(from_id, to_id, kind)]
    read = sdk_read(portal_sdk, pair, from_id)
    assert [(r._from.id, [(t.id, t.type) for t in r.to]) for r in read.results] == [
        (from_id, [(to_id, kind)])
    ]
    page = portal_sdk.crm.associations.v4.basic_api.get_page(
        object_type=pair[0], object_id=from_id, to_object_type=pair[1]
    )
    assert [(r.to_object_id, [t.type_id for t in r.association_types]) for r in page.results] == [
        (to_id, [v4_type])
    ]
    api.archive(*pair, batch_input_public_association=sdk_inputs((from_id, to_id, kind)))
    assert v4_linked(portal_http, pair[0], from_id, pair[1]) == []


def test_sdk_partial_create_and_read_return_the_errors_models(
    portal_sdk: Any, portal_http: httpx.Client
) -> None:
    from hubspot.crm.associations import (
        BatchResponsePublicAssociationMultiWithErrors,
        BatchResponsePublicAssociationWithErrors,
    )

    contact, company = create(portal_http, "contacts"), create(portal_http, "companies")
    made = portal_sdk.crm.associations.batch_api.create(
        "contacts",
        "companies",
        batch_input_public_association=sdk_inputs((contact, company, "1"), (contact, MISSING, "1")),
    )
    assert isinstance(made, BatchResponsePublicAssociationWithErrors)
    assert made.num_errors == 1
    assert [(r._from.id, r.to.id) for r in made.results] == [(contact, company)]
    read = sdk_read(portal_sdk, ("contacts", "companies"), contact, MISSING)
    assert isinstance(read, BatchResponsePublicAssociationMultiWithErrors)
    assert [e.message for e in read.errors] == [f"No company is associated with contact {MISSING}."]


def test_sdk_unknown_type_raises_the_400(portal_sdk: Any, portal_http: httpx.Client) -> None:
    from hubspot.crm.associations.exceptions import ApiException

    contact, company = create(portal_http, "contacts"), create(portal_http, "companies")
    with pytest.raises(ApiException) as raised:
        portal_sdk.crm.associations.batch_api.create(
            "contacts",
            "companies",
            batch_input_public_association=sdk_inputs((contact, company, "nope")),
        )
    assert_sdk_error(raised.value, 400, **pair_error("nope", "CONTACT", "COMPANY"))
    assert v4_linked(portal_http, "contacts", contact, "companies") == []


# --- v4 labels (read only) -----------------------------------------------------------------


def test_v4_labels_list_the_pairs_types(portal_http: httpx.Client) -> None:
    response = portal_http.get("/crm/v4/associations/contacts/companies/labels")
    assert response.status_code == 200, response.text
    assert response.json() == {
        "results": [
            {"category": "HUBSPOT_DEFINED", "typeId": 279, "label": None},
            {"category": "HUBSPOT_DEFINED", "typeId": 1, "label": "Primary"},
        ]
    }


def test_v4_labels_of_an_unknown_object_type_answer_404(portal_http: httpx.Client) -> None:
    response = portal_http.get("/crm/v4/associations/contacts/widgets/labels")
    assert_hubspot_error(response, 404, **UNKNOWN_WIDGETS)


def test_sdk_v4_definitions_get_all(portal_sdk: Any) -> None:
    got = portal_sdk.crm.associations.v4.schema.definitions_api.get_all("calls", "contacts")
    assert [(t.category, t.type_id, t.label) for t in got.results] == [
        ("HUBSPOT_DEFINED", 194, None)
    ]
