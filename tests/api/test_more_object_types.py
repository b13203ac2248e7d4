"""The commerce, sales and engagement object types (hubspot-behaviour §14) through the official
Python SDK's own groups (``client.crm.products``, ``client.crm.commerce.invoices``,
``client.crm.objects.leads``...) with its client-side validation on: create, read, update,
list, batch create/read/update/upsert/archive and search for every writable type; feedback
submissions are read-only; a lead needs a contact or company."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any, NamedTuple

import httpx
import pytest

from conftest import CALL_TIME, assert_hubspot_error, assert_sdk_error

OBJECTS = "/crm/v3/objects"


class Group(NamedTuple):
    sdk_path: str  # attribute path on the client, e.g. "crm.commerce.invoices"
    name: str  # the type's name in /crm/v3/objects/{name}
    type_id: str
    required: dict[str, str]
    text: str  # a writable string property, patched and searched


GROUPS = [
    Group("crm.products", "products", "0-7", {}, "name"),
    Group("crm.line_items", "line_items", "0-8", {}, "name"),
    Group(
        "crm.quotes",
        "quotes",
        "0-14",
        {"hs_title": "Quote", "hs_expiration_date": "2026-12-31T00:00:00.000Z"},
        "hs_title",
    ),
    Group("crm.commerce.invoices", "invoices", "0-53", {}, "hs_purchase_order_number"),
    Group("crm.objects.taxes", "taxes", "0-86", {}, "hs_label"),
    Group("crm.objects.goals", "goal_targets", "0-74", {}, "hs_goal_name"),
    Group("crm.objects.leads", "leads", "0-136", {"hs_lead_name": "Lead"}, "hs_lead_name"),
    Group(
        "crm.objects.communications",
        "communications",
        "0-18",
        {"hs_timestamp": CALL_TIME},
        "hs_communication_body",
    ),
    Group(
        "crm.objects.postal_mail",
        "postal_mail",
        "0-116",
        {"hs_timestamp": CALL_TIME},
        "hs_postal_mail_body",
    ),
]


def api(client: Any, group: Group) -> Any:
    for attribute in group.sdk_path.split("."):
        client = getattr(client, attribute)
    return client


def models(group: Group) -> ModuleType:
    return importlib.import_module("hubspot." + group.sdk_path)


@pytest.fixture(scope="module")
def contact_id(portal_http: httpx.Client) -> str:
    response = portal_http.post(f"{OBJECTS}/contacts", json={"properties": {"firstname": "Lee"}})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def unique_property(http: httpx.Client, group: Group, name: str = "external_key") -> str:
    """A custom unique-value property of the type, for upsert's ``idProperty``."""
    groups = http.get(f"/crm/v3/properties/{group.name}/groups")
    assert groups.status_code == 200, groups.text
    body = {
        "name": name,
        "label": name,
        "type": "string",
        "fieldType": "text",
        "groupName": groups.json()["results"][0]["name"],
        "hasUniqueValue": True,
    }
    created = http.post(f"/crm/v3/properties/{group.name}", json=body)
    assert created.status_code == 201, created.text
    return name


def create_input(group: Group, contact: str, text: str, batch: bool = False) -> Any:
    """The SDK's create model; a lead gets its required contact association."""
    m = models(group)
    properties = {**group.required, group.text: text}
    associations = []
    if group.name == "leads":
        spec = m.AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=578)
        associations = [
            m.PublicAssociationsForObject(to=m.PublicObjectId(id=contact), types=[spec])
        ]
    kind = m.SimplePublicObjectBatchInputForCreate if batch else m.SimplePublicObjectInputForCreate
    return kind(properties=properties, associations=associations)


@pytest.mark.parametrize("group", GROUPS, ids=lambda g: g.name)
def test_sdk_basic_create_read_update_list_archive(
    portal_sdk: Any, contact_id: str, group: Group
) -> None:
    basic, m = api(portal_sdk, group).basic_api, models(group)
    created = basic.create(create_input(group, contact_id, "first"))
    assert created.properties[group.text] == "first"
    assert created.properties["hs_object_id"] == created.id
    got = basic.get_by_id(created.id, properties=[group.text])
    assert got.properties[group.text] == "first"
    updated = basic.update(created.id, m.SimplePublicObjectInput(properties={group.text: "second"}))
    assert updated.properties[group.text] == "second"
    page = basic.get_page(limit=100, properties=[group.text])
    assert created.id in [r.id for r in page.results]
    basic.archive(created.id)
    with pytest.raises(m.ApiException) as raised:
        basic.get_by_id(created.id)
    assert raised.value.status == 404


@pytest.mark.parametrize("group", GROUPS, ids=lambda g: g.name)
def test_sdk_batch_create_read_update_upsert_archive(
    portal_sdk: Any, portal_http: httpx.Client, contact_id: str, group: Group
) -> None:
    batch, m = api(portal_sdk, group).batch_api, models(group)
    inputs = [create_input(group, contact_id, f"b{i}", batch=True) for i in range(2)]
    created = batch.create(m.BatchInputSimplePublicObjectBatchInputForCreate(inputs=inputs))
    ids = sorted(r.id for r in created.results)
    assert len(ids) == 2
    read = batch.read(
        m.BatchReadInputSimplePublicObjectId(
            inputs=[m.SimplePublicObjectId(id=i) for i in ids], properties=[group.text]
        )
    )
    assert sorted(r.properties[group.text] for r in read.results) == ["b0", "b1"]
    updates = [m.SimplePublicObjectBatchInput(id=i, properties={group.text: "u"}) for i in ids]
    updated = batch.update(m.BatchInputSimplePublicObjectBatchInput(inputs=updates))
    assert {r.properties[group.text] for r in updated.results} == {"u"}
    key = unique_property(portal_http, group)
    creates = group.name != "leads"  # an upsert can't associate a new lead (see below)
    if not creates:
        keyed = portal_http.patch(
            f"{OBJECTS}/{group.name}/{ids[0]}", json={"properties": {key: f"k-{ids[0]}"}}
        )
        assert keyed.status_code == 200, keyed.text
    upserts = [
        m.SimplePublicObjectBatchInputUpsert(
            id=f"k-{ids[0]}", id_property=key, properties={**group.required, group.text: "up"}
        )
    ]
    upserted = batch.upsert(m.BatchInputSimplePublicObjectBatchInputUpsert(inputs=upserts))
    assert [(r.new, r.properties[group.text]) for r in upserted.results] == [(creates, "up")]
    ids = sorted({*ids, upserted.results[0].id})
    batch.archive(
        m.BatchInputSimplePublicObjectId(inputs=[m.SimplePublicObjectId(id=i) for i in ids])
    )
    gone = batch.read(
        m.BatchReadInputSimplePublicObjectId(inputs=[m.SimplePublicObjectId(id=i) for i in ids])
    )
    assert gone.results == []


@pytest.mark.parametrize("group", GROUPS, ids=lambda g: g.name)
def test_sdk_search_finds_the_record(portal_sdk: Any, contact_id: str, group: Group) -> None:
    group_api, m = api(portal_sdk, group), models(group)
    created = group_api.basic_api.create(create_input(group, contact_id, f"findme{group.name}"))
    where = m.Filter(property_name=group.text, operator="EQ", value=f"findme{group.name}")
    request = m.PublicObjectSearchRequest(
        filter_groups=[m.FilterGroup(filters=[where])], properties=[group.text]
    )
    found = group_api.search_api.do_search(request)
    assert [r.id for r in found.results] == [created.id]


@pytest.mark.parametrize("group", GROUPS, ids=lambda g: g.name)
def test_the_type_id_path_serves_the_same_type(
    portal_http: httpx.Client, contact_id: str, group: Group
) -> None:
    body: dict[str, Any] = {"properties": {**group.required, group.text: "by id"}}
    if group.name == "leads":
        body["associations"] = [
            {
                "to": {"id": contact_id},
                "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 578}],
            }
        ]
    created = portal_http.post(f"{OBJECTS}/{group.type_id}", json=body)
    assert created.status_code == 201, created.text
    got = portal_http.get(f"{OBJECTS}/{group.name}/{created.json()['id']}")
    assert got.status_code == 200, got.text


def test_sdk_reads_and_searches_feedback_submissions(portal_sdk: Any) -> None:
    group = Group(
        "crm.objects.feedback_submissions", "feedback_submissions", "0-19", {}, "hs_content"
    )
    group_api, m = api(portal_sdk, group), models(group)
    page = group_api.basic_api.get_page(limit=10)
    assert page.results == []
    read = group_api.batch_api.read(
        m.BatchReadInputSimplePublicObjectId(inputs=[m.SimplePublicObjectId(id="1")])
    )
    assert read.results == []
    found = group_api.search_api.do_search(m.PublicObjectSearchRequest(filter_groups=[]))
    assert found.total == 0


def test_feedback_submissions_refuse_writes_with_missing_scopes(portal_http: httpx.Client) -> None:
    response = portal_http.post(f"{OBJECTS}/feedback_submissions", json={"properties": {}})
    assert_hubspot_error(
        response,
        403,
        message="This app hasn't been granted all required scopes to make this call. "
        "Read more about required scopes here: https://developers.hubspot.com/scopes.",
        category="MISSING_SCOPES",
        errors=[
            {
                "message": "One or more of the following scopes are required.",
                "context": {"requiredGranularScopes": ["crm.objects.feedback_submissions.write"]},
            }
        ],
        links={"scopes": "https://developers.hubspot.com/scopes"},
        context={},
    )
    listed = portal_http.get(f"{OBJECTS}/feedback_submissions")
    assert listed.status_code == 200, listed.text


def test_deal_with_line_items_from_products_and_a_quote(portal_sdk: Any) -> None:
    from hubspot.crm import deals, line_items, products, quotes

    product = portal_sdk.crm.products.basic_api.create(
        products.SimplePublicObjectInputForCreate(properties={"name": "Widget", "price": "25"})
    )
    deal = portal_sdk.crm.deals.basic_api.create(
        deals.SimplePublicObjectInputForCreate(properties={"dealname": "Big deal"})
    )
    to_deal = [
        line_items.PublicAssociationsForObject(
            to=line_items.PublicObjectId(id=deal.id),
            types=[
                line_items.AssociationSpec(
                    association_category="HUBSPOT_DEFINED", association_type_id=20
                )
            ],
        )
    ]
    items = [
        ({"hs_product_id": product.id, "quantity": "3"}, ("Widget", "25", "75")),
        ({"hs_product_id": product.id, "quantity": "2", "discount": "5"}, ("Widget", "25", "40")),
        (
            {"name": "Custom", "price": "10", "quantity": "4", "hs_discount_percentage": "25"},
            ("Custom", "10", "30"),
        ),
    ]
    for properties, (name, price, amount) in items:
        created = portal_sdk.crm.line_items.basic_api.create(
            line_items.SimplePublicObjectInputForCreate(properties=properties, associations=to_deal)
        )
        got = created.properties
        assert (got["name"], got["price"], got["amount"]) == (name, price, amount)
    quote = portal_sdk.crm.quotes.basic_api.create(
        quotes.SimplePublicObjectInputForCreate(
            properties={"hs_title": "Q1", "hs_expiration_date": "2026-12-31T00:00:00.000Z"},
            associations=[
                quotes.PublicAssociationsForObject(
                    to=quotes.PublicObjectId(id=deal.id),
                    types=[
                        quotes.AssociationSpec(
                            association_category="HUBSPOT_DEFINED", association_type_id=64
                        )
                    ],
                )
            ],
        )
    )
    page = portal_sdk.crm.associations.v4.basic_api.get_page("deals", deal.id, "line_items")
    assert len(page.results) == 3
    quoted = portal_sdk.crm.associations.v4.basic_api.get_page("deals", deal.id, "quotes")
    assert [str(r.to_object_id) for r in quoted.results] == [quote.id]


def test_a_lead_without_a_contact_or_company_is_refused(
    portal_sdk: Any, portal_http: httpx.Client
) -> None:
    from hubspot.crm.objects.leads import ApiException, SimplePublicObjectInputForCreate

    before = portal_http.get(f"{OBJECTS}/leads", params={"limit": 100}).json()["results"]
    with pytest.raises(ApiException) as raised:
        portal_sdk.crm.objects.leads.basic_api.create(
            SimplePublicObjectInputForCreate(properties={"hs_lead_name": "Nobody"}, associations=[])
        )
    assert_sdk_error(
        raised.value,
        400,
        message="A lead must be associated with a contact or a company when it is created.",
        category="VALIDATION_ERROR",
        context={},
        errors=[],
    )
    batch = portal_http.post(
        f"{OBJECTS}/leads/batch/create",
        json={"inputs": [{"properties": {"hs_lead_name": "Nobody"}, "associations": []}]},
    )
    assert batch.status_code == 400, batch.text
    after = portal_http.get(f"{OBJECTS}/leads", params={"limit": 100}).json()["results"]
    assert after == before


def test_an_upsert_that_would_create_a_lead_is_refused_per_input(
    portal_http: httpx.Client, contact_id: str
) -> None:
    """An upsert carries no associations, so a lead it would create has no contact or company:
    that input is refused (207) like a create without one; an update of a lead goes through."""
    group = next(g for g in GROUPS if g.name == "leads")
    key = unique_property(portal_http, group, "lead_key")
    association = {
        "to": {"id": contact_id},
        "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 578}],
    }
    body = {"properties": {**group.required, key: "known"}, "associations": [association]}
    known = portal_http.post(f"{OBJECTS}/leads", json=body)
    assert known.status_code == 201, known.text
    before = portal_http.get(f"{OBJECTS}/leads", params={"limit": 100}).json()["results"]
    inputs = [
        {"id": "known", "idProperty": key, "properties": {"hs_lead_name": "Renamed"}},
        {"id": "fresh", "idProperty": key, "properties": {"hs_lead_name": "Nobody"},
         "objectWriteTraceId": "t-1"},
    ]  # fmt: skip
    response = portal_http.post(f"{OBJECTS}/leads/batch/upsert", json={"inputs": inputs})
    assert response.status_code == 207, response.text
    got = response.json()
    assert [(r["id"], r["new"], r["properties"]["hs_lead_name"]) for r in got["results"]] == [
        (known.json()["id"], False, "Renamed")
    ]
    assert [(e["category"], e["message"], e["context"]) for e in got["errors"]] == [
        (
            "VALIDATION_ERROR",
            "A lead must be associated with a contact or a company when it is created.",
            {"objectWriteTraceId": ["t-1"]},
        )
    ]
    after = portal_http.get(f"{OBJECTS}/leads", params={"limit": 100}).json()["results"]
    assert sorted(r["id"] for r in after) == sorted(r["id"] for r in before)


def test_line_item_amount_follows_patch_batch_update_and_upsert(
    portal_sdk: Any, portal_http: httpx.Client
) -> None:
    """``amount`` is quantity × (price − discount) after any write that changes price,
    quantity or discount, with the stored values for the ones the write leaves alone."""
    from hubspot.crm import line_items as m

    api = portal_sdk.crm.line_items
    made = [
        api.basic_api.create(
            m.SimplePublicObjectInputForCreate(
                properties={"name": f"Item {n}", "price": "10", "quantity": "2"}
            )
        )
        for n in range(3)
    ]
    assert [i.properties["amount"] for i in made] == ["20", "20", "20"]
    first, second, third = (i.id for i in made)

    def amount(item_id: str) -> str:
        return str(api.basic_api.get_by_id(item_id, properties=["amount"]).properties["amount"])

    api.basic_api.update(first, m.SimplePublicObjectInput(properties={"quantity": "5"}))
    assert amount(first) == "50"
    api.basic_api.update(first, m.SimplePublicObjectInput(properties={"discount": "4"}))
    assert amount(first) == "30"
    updates = [
        m.SimplePublicObjectBatchInput(id=second, properties={"price": "12"}),
        m.SimplePublicObjectBatchInput(id=third, properties={"hs_discount_percentage": "50"}),
    ]
    api.batch_api.update(m.BatchInputSimplePublicObjectBatchInput(inputs=updates))
    assert (amount(second), amount(third)) == ("24", "10")
    key = unique_property(portal_http, Group("", "line_items", "0-8", {}, ""), "item_key")
    keyed = m.SimplePublicObjectInput(properties={key: "item-3"})
    api.basic_api.update(third, keyed)
    upserts = [
        m.SimplePublicObjectBatchInputUpsert(
            id="item-3", id_property=key, properties={"quantity": "4"}
        ),
        m.SimplePublicObjectBatchInputUpsert(
            id="item-new", id_property=key, properties={"price": "3", "quantity": "3"}
        ),
    ]
    upserted = api.batch_api.upsert(m.BatchInputSimplePublicObjectBatchInputUpsert(inputs=upserts))
    by_new = {r.new: r.id for r in upserted.results}
    assert (amount(by_new[False]), amount(by_new[True])) == ("20", "9")
    api.basic_api.update(first, m.SimplePublicObjectInput(properties={"name": "Renamed"}))
    assert amount(first) == "30"
