"""DYNAMIC lists follow record and association writes (hubspot-behaviour §16.7), through a
real server on both databases and the official SDK (client-side validation on): every write
path moves members in its own transaction, so the members and the size read right after a
write are already right; SNAPSHOT lists stay as they were filled; another portal's lists
never move."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from list_support import lists_api, new_list

from conftest import Server, run_cli

CONTACTS = "/crm/v3/objects/contacts"
COMPANIES = "/crm/v3/objects/companies"
DATED = "/crm/objects/2026-03/contacts"


def city_branch(city: str, prop: str = "city") -> dict[str, Any]:
    filters = [
        {
            "filterType": "PROPERTY",
            "property": prop,
            "operation": {"operationType": "STRING", "operator": "IS_EQUAL_TO", "value": city},
        }
    ]
    return {
        "filterBranchType": "OR",
        "filters": [],
        "filterBranches": [{"filterBranchType": "AND", "filters": filters, "filterBranches": []}],
    }


def firm_branch(city: str, linked_type: str = "0-2", type_number: int = 279) -> dict[str, Any]:
    """Records linked (unlabeled: contact to company 279, company to contact 280) to a
    record of ``linked_type`` in ``city``."""
    association = {
        "filterBranchType": "ASSOCIATION",
        "objectTypeId": linked_type,
        "operator": "IN_LIST",
        "associationTypeId": type_number,
        "associationCategory": "HUBSPOT_DEFINED",
        "filters": city_branch(city)["filterBranches"][0]["filters"],
        "filterBranches": [],
    }
    return {
        "filterBranchType": "OR",
        "filters": [],
        "filterBranches": [
            {"filterBranchType": "AND", "filters": [], "filterBranches": [association]}
        ],
    }


class Lists:
    """A portal's lists read through the SDK (validation on): members and sizes."""

    def __init__(self, client: httpx.Client, server: Server) -> None:
        self.client, self.api = client, lists_api(client, server)

    def dynamic(
        self, name: str, branch: dict[str, Any], kind: str = "DYNAMIC", type_id: str = "0-1"
    ) -> str:
        made = new_list(self.client, name, kind, type_id, filterBranch=branch)
        list_id: str = made["listId"]
        return list_id

    def members(self, list_id: str) -> tuple[list[str], int]:
        page = self.api.memberships_api.get_page(list_id=list_id, limit=250)
        size = self.api.lists_api.get_by_id(list_id=list_id).list.size
        return [r.record_id for r in page.results], size


@pytest.fixture(scope="module")
def lists(portal_http: httpx.Client, server: Server) -> Lists:
    return Lists(portal_http, server)


@pytest.fixture(scope="module")
def crm(portal_sdk: Any) -> Any:
    return portal_sdk.crm


def sdk_contact(crm: Any, **properties: str) -> str:
    from hubspot.crm.contacts import SimplePublicObjectInputForCreate

    made = crm.contacts.basic_api.create(SimplePublicObjectInputForCreate(properties=properties))
    return str(made.id)


def sdk_company(crm: Any, **properties: str) -> str:
    from hubspot.crm.companies import SimplePublicObjectInputForCreate

    made = crm.companies.basic_api.create(SimplePublicObjectInputForCreate(properties=properties))
    return str(made.id)


def set_city(crm: Any, contact: str, city: str) -> None:
    from hubspot.crm.contacts import SimplePublicObjectInput

    crm.contacts.basic_api.update(contact, SimplePublicObjectInput(properties={"city": city}))


def test_sdk_creates_and_updates_move_a_record_in_and_out_at_once(lists: Lists, crm: Any) -> None:
    dynamic = lists.dynamic("Single Paris", city_branch("Paris", "state"))
    snapshot = lists.dynamic("Single Paris snap", city_branch("Paris", "state"), "SNAPSHOT")
    one = sdk_contact(crm, state="Paris")
    assert (lists.members(dynamic), lists.members(snapshot)) == (([one], 1), ([], 0))
    from hubspot.crm.contacts import SimplePublicObjectInput

    crm.contacts.basic_api.update(one, SimplePublicObjectInput(properties={"state": "Rome"}))
    assert lists.members(dynamic) == ([], 0)
    crm.contacts.basic_api.update(one, SimplePublicObjectInput(properties={"state": "Paris"}))
    assert (lists.members(dynamic), lists.members(snapshot)) == (([one], 1), ([], 0))


def sdk_batch_create(crm: Any, *cities: str, prefix: str) -> list[str]:
    from hubspot.crm.contacts import (
        BatchInputSimplePublicObjectBatchInputForCreate,
        SimplePublicObjectBatchInputForCreate,
    )

    inputs = [
        SimplePublicObjectBatchInputForCreate(
            properties={"city": c, "email": f"{prefix}{i}@batch.example"}
        )
        for i, c in enumerate(cities)
    ]
    made = crm.contacts.batch_api.create(
        BatchInputSimplePublicObjectBatchInputForCreate(inputs=inputs)
    )
    return sorted((r.id for r in made.results), key=int)


def test_sdk_batch_create_and_update_move_members(lists: Lists, crm: Any) -> None:
    from hubspot.crm.contacts import (
        BatchInputSimplePublicObjectBatchInput,
        SimplePublicObjectBatchInput,
    )

    dynamic = lists.dynamic("Batch Lyon", city_branch("Lyon"))
    snapshot = lists.dynamic("Batch Lyon snap", city_branch("Lyon"), "SNAPSHOT")
    ids = sdk_batch_create(crm, "Lyon", "Nice", "Lyon", prefix="lyon")
    assert lists.members(dynamic) == ([ids[0], ids[2]], 2)
    changes = [
        SimplePublicObjectBatchInput(id=ids[0], properties={"city": "Nice"}),
        SimplePublicObjectBatchInput(id=ids[1], properties={"city": "Lyon"}),
    ]
    crm.contacts.batch_api.update(BatchInputSimplePublicObjectBatchInput(inputs=changes))
    assert (lists.members(dynamic), lists.members(snapshot)) == (([ids[1], ids[2]], 2), ([], 0))


def test_sdk_batch_upsert_moves_the_updated_and_the_created_records(lists: Lists, crm: Any) -> None:
    from hubspot.crm.contacts import (
        BatchInputSimplePublicObjectBatchInputUpsert,
        SimplePublicObjectBatchInputUpsert,
    )

    dynamic = lists.dynamic("Upsert Nantes", city_branch("Nantes"))
    (held,) = sdk_batch_create(crm, "Brest", prefix="nantes")
    inputs = [
        SimplePublicObjectBatchInputUpsert(id=email, id_property="email", properties=values)
        for email, values in (
            ("nantes0@batch.example", {"city": "Nantes"}),
            ("new@nantes.example", {"city": "Nantes"}),
        )
    ]
    upserted = crm.contacts.batch_api.upsert(
        BatchInputSimplePublicObjectBatchInputUpsert(inputs=inputs)
    )
    new = next(r.id for r in upserted.results if r.new)
    assert lists.members(dynamic) == ([held, new], 2)


def test_the_dated_paths_move_members_too(lists: Lists, portal_http: httpx.Client) -> None:
    dynamic = lists.dynamic("Dated Oslo", city_branch("Oslo"))
    made = portal_http.post(DATED, json={"properties": {"city": "Oslo"}})
    assert made.status_code == 201, made.text
    one = made.json()["id"]
    assert lists.members(dynamic) == ([one], 1)
    patched = portal_http.patch(f"{DATED}/{one}", json={"properties": {"city": "Bergen"}})
    assert patched.status_code == 200, patched.text
    assert lists.members(dynamic) == ([], 0)
    body = {"inputs": [{"id": one, "properties": {"city": "Oslo"}}]}
    assert portal_http.post(f"{DATED}/batch/update", json=body).status_code == 200
    assert lists.members(dynamic) == ([one], 1)


def test_merged_archived_and_erased_records_move_their_lists(lists: Lists, crm: Any) -> None:
    from hubspot.crm.contacts import PublicGdprDeleteInput, PublicMergeInput

    dynamic = lists.dynamic("Merge Riga", city_branch("Riga"))
    primary, other = sdk_contact(crm), sdk_contact(crm, city="Riga")
    assert lists.members(dynamic) == ([other], 1)
    crm.contacts.basic_api.merge(
        PublicMergeInput(primary_object_id=primary, object_id_to_merge=other)
    )
    assert lists.members(dynamic) == ([primary], 1)  # the merged record has Riga now
    kept, erased = sdk_contact(crm, city="Riga"), sdk_contact(crm, city="Riga")
    assert lists.members(dynamic) == ([primary, kept, erased], 3)
    crm.contacts.basic_api.archive(primary)
    crm.contacts.basic_api.purge(PublicGdprDeleteInput(object_id=erased))
    assert lists.members(dynamic) == ([kept], 1)


def test_a_csv_import_moves_members(server: Server, tmp_path: Path) -> None:
    portal = server.new_portal()
    token = server.new_token("--portal", str(portal))
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as client:
        mine = Lists(client, server)
        dynamic = mine.dynamic("Imported Kyiv", city_branch("Kyiv"))
        snapshot = mine.dynamic("Imported Kyiv snap", city_branch("Kyiv"), "SNAPSHOT")
        csv = tmp_path / "people.csv"
        csv.write_text(
            "email,city\na@kyiv.example,Kyiv\nb@lviv.example,Lviv\nc@kyiv.example,Kyiv\n"
        )
        run_cli(
            server.database_url, "import", str(csv), "--type", "contacts", "--portal", str(portal)
        )
        found = client.post(
            f"{CONTACTS}/search",
            json={
                "filterGroups": [
                    {"filters": [{"propertyName": "city", "operator": "EQ", "value": "Kyiv"}]}
                ]
            },
        ).json()
        kyiv = sorted((r["id"] for r in found["results"]), key=int)
        assert len(kyiv) == 2
        assert (mine.members(dynamic), mine.members(snapshot)) == ((kyiv, 2), ([], 0))


def test_links_and_the_linked_companies_move_an_association_list(
    lists: Lists, crm: Any, portal_http: httpx.Client
) -> None:
    from hubspot.crm.companies import SimplePublicObjectInput

    dynamic = lists.dynamic("Linked to Paris firms", firm_branch("Paris"))
    person, firm = sdk_contact(crm), sdk_company(crm, city="Paris")
    basic = crm.associations.v4.basic_api
    basic.create_default(
        from_object_type="contacts",
        from_object_id=person,
        to_object_type="companies",
        to_object_id=firm,
    )
    assert lists.members(dynamic) == ([person], 1)
    crm.companies.basic_api.update(firm, SimplePublicObjectInput(properties={"city": "Rome"}))
    assert lists.members(dynamic) == ([], 0)
    crm.companies.basic_api.update(firm, SimplePublicObjectInput(properties={"city": "Paris"}))
    assert lists.members(dynamic) == ([person], 1)
    basic.archive(
        object_type="companies", object_id=firm, to_object_type="contacts", to_object_id=person
    )
    assert lists.members(dynamic) == ([], 0)
    link = {"from": {"id": person}, "to": {"id": firm}, "type": "contact_to_company_unlabeled"}
    v3 = "/crm/v3/associations/contacts/companies/batch"
    assert portal_http.post(f"{v3}/create", json={"inputs": [link]}).status_code == 201
    assert lists.members(dynamic) == ([person], 1)
    assert portal_http.post(f"{v3}/archive", json={"inputs": [link]}).status_code == 204
    assert lists.members(dynamic) == ([], 0)


def test_sdk_batch_links_and_inline_associations_move_an_association_list(
    lists: Lists, crm: Any
) -> None:
    from hubspot.crm.associations.v4 import (
        AssociationSpec,
        BatchInputPublicAssociationMultiPost,
        PublicAssociationMultiPost,
        PublicObjectId,
    )
    from hubspot.crm.contacts import AssociationSpec as ContactSpec
    from hubspot.crm.contacts import PublicAssociationsForObject, SimplePublicObjectInputForCreate
    from hubspot.crm.contacts import PublicObjectId as ContactId

    dynamic = lists.dynamic("Batch linked to Lima firms", firm_branch("Lima"))
    person, firm = sdk_contact(crm), sdk_company(crm, city="Lima")
    spec = AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=279)
    crm.associations.v4.batch_api.create(
        from_object_type="contacts",
        to_object_type="companies",
        batch_input_public_association_multi_post=BatchInputPublicAssociationMultiPost(
            inputs=[
                PublicAssociationMultiPost(
                    _from=PublicObjectId(id=person), to=PublicObjectId(id=firm), types=[spec]
                )
            ]
        ),
    )
    assert lists.members(dynamic) == ([person], 1)
    inline = PublicAssociationsForObject(
        to=ContactId(id=firm),
        types=[ContactSpec(association_category="HUBSPOT_DEFINED", association_type_id=279)],
    )
    made = crm.contacts.basic_api.create(
        SimplePublicObjectInputForCreate(properties={}, associations=[inline])
    )
    assert lists.members(dynamic) == ([person, made.id], 2)


def test_merged_and_archived_companies_move_an_association_list(lists: Lists, crm: Any) -> None:
    from hubspot.crm.companies import PublicMergeInput

    dynamic = lists.dynamic("Linked to Quito firms", firm_branch("Quito"))
    people = [sdk_contact(crm) for _ in range(2)]
    quito, elsewhere = sdk_company(crm, city="Quito"), sdk_company(crm, city="Cusco")
    for person, firm in ((people[0], elsewhere), (people[1], quito)):
        crm.associations.v4.basic_api.create_default(
            from_object_type="contacts",
            from_object_id=person,
            to_object_type="companies",
            to_object_id=firm,
        )
    assert lists.members(dynamic) == ([people[1]], 1)
    crm.companies.basic_api.merge(
        PublicMergeInput(primary_object_id=quito, object_id_to_merge=elsewhere)
    )
    assert lists.members(dynamic) == (people, 2)  # the link moved to the Quito company
    crm.companies.basic_api.archive(quito)
    assert lists.members(dynamic) == ([], 0)


def test_an_erased_contact_moves_a_company_list(lists: Lists, crm: Any) -> None:
    from hubspot.crm.contacts import PublicGdprDeleteInput

    branch = firm_branch("Lima", "0-1", 280)
    dynamic = lists.dynamic("Linked to Lima people", branch, type_id="0-2")
    firm, person = sdk_company(crm), sdk_contact(crm, city="Lima")
    crm.associations.v4.basic_api.create_default(
        from_object_type="contacts",
        from_object_id=person,
        to_object_type="companies",
        to_object_id=firm,
    )
    assert lists.members(dynamic) == ([firm], 1)
    crm.contacts.basic_api.purge(PublicGdprDeleteInput(object_id=person))
    assert lists.members(dynamic) == ([], 0)


@pytest.fixture(scope="module")
def neighbour(server: Server) -> Iterator[httpx.Client]:
    token = server.new_token("--portal", str(server.new_portal()))
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as client:
        yield client


def test_a_write_in_one_portal_never_moves_another_portals_lists(
    lists: Lists, portal_http: httpx.Client, neighbour: httpx.Client, server: Server
) -> None:
    theirs = Lists(neighbour, server)
    mine_id = lists.dynamic("Portal Tallinn", city_branch("Tallinn"))
    theirs_id = theirs.dynamic("Portal Tallinn", city_branch("Tallinn"))
    made = portal_http.post(CONTACTS, json={"properties": {"city": "Tallinn"}}).json()["id"]
    assert (lists.members(mine_id), theirs.members(theirs_id)) == (([made], 1), ([], 0))
    there = neighbour.post(CONTACTS, json={"properties": {"city": "Tallinn"}}).json()["id"]
    assert (lists.members(mine_id), theirs.members(theirs_id)) == (([made], 1), ([there], 1))
    body = json.dumps({"properties": {"city": "Tartu"}})
    portal_http.patch(
        f"{CONTACTS}/{made}", content=body, headers={"content-type": "application/json"}
    )
    assert (lists.members(mine_id), theirs.members(theirs_id)) == (([], 0), ([there], 1))
