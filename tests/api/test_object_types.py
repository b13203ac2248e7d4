"""Object types beyond calls through the generic ``/crm/v3/objects/{objectType}`` endpoints
(hubspot-behaviour §1.1: a name such as ``contacts`` or a type id such as ``0-1`` in the path):
contacts, companies, deals, tickets, notes, emails, meetings and tasks. Single-record CRUD,
list, batch update, search and archive per type; each type's default properties; contacts'
unique ``email`` (409 CONFLICT, ``idProperty=email``); the same through the official SDK."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, NamedTuple

import httpx
import pytest

from conftest import CALL_TIME, assert_hubspot_error, assert_sdk_error, object_not_found

OBJECTS = "/crm/v3/objects"


class Kind(NamedTuple):
    name: str
    type_id: str
    required: dict[str, str]  # what a create needs (HubSpot's required properties)
    text: str  # a writable string property used to patch, update and search
    created: str  # the property holding the creation time
    modified: str  # the property holding the last-modification time


CONTACTS = Kind("contacts", "0-1", {}, "firstname", "createdate", "lastmodifieddate")
COMPANIES = Kind("companies", "0-2", {}, "name", "createdate", "hs_lastmodifieddate")
DEALS = Kind(
    "deals",
    "0-3",
    {"dealname": "Deal", "pipeline": "default", "dealstage": "appointmentscheduled"},
    "dealname",
    "createdate",
    "hs_lastmodifieddate",
)
TICKETS = Kind(
    "tickets",
    "0-5",
    {"subject": "Ticket", "hs_pipeline": "0", "hs_pipeline_stage": "1"},
    "subject",
    "createdate",
    "hs_lastmodifieddate",
)
NOTES = Kind(
    "notes", "0-46", {"hs_timestamp": CALL_TIME}, "hs_note_body", "hs_createdate",
    "hs_lastmodifieddate",
)  # fmt: skip
EMAILS = Kind(
    "emails", "0-49", {"hs_timestamp": CALL_TIME, "hs_email_direction": "EMAIL"},
    "hs_email_subject", "hs_createdate", "hs_lastmodifieddate",
)  # fmt: skip
MEETINGS = Kind(
    "meetings", "0-47", {"hs_timestamp": CALL_TIME}, "hs_meeting_title", "hs_createdate",
    "hs_lastmodifieddate",
)  # fmt: skip
TASKS = Kind(
    "tasks", "0-27", {"hs_timestamp": CALL_TIME}, "hs_task_subject", "hs_createdate",
    "hs_lastmodifieddate",
)  # fmt: skip
KINDS = [CONTACTS, COMPANIES, DEALS, TICKETS, NOTES, EMAILS, MEETINGS, TASKS]

ENGAGEMENT_DEFAULTS = {"hs_createdate", "hs_lastmodifieddate", "hs_object_id"}
# Every writable property a type returns by default, set, so the default set is exactly known.
DEFAULTS: list[tuple[Kind, dict[str, str], set[str]]] = [
    (
        CONTACTS,
        {"email": "defaults@example.com", "firstname": "Ada", "lastname": "Lovelace"},
        {"createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"},
    ),
    (
        COMPANIES,
        {"name": "Acme", "domain": "acme.example"},
        {"createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"},
    ),
    (
        DEALS,
        {"amount": "1500", "closedate": "2026-03-01T00:00:00.000Z"},
        {
            "amount",
            "closedate",
            "createdate",
            "dealname",
            "dealstage",
            "hs_lastmodifieddate",
            "hs_object_id",
            "pipeline",
        },
    ),
    (
        TICKETS,
        {"content": "Broken", "hs_ticket_category": "PRODUCT_ISSUE", "hs_ticket_priority": "HIGH"},
        {
            "content",
            "createdate",
            "hs_lastmodifieddate",
            "hs_object_id",
            "hs_pipeline",
            "hs_pipeline_stage",
            "hs_ticket_category",
            "hs_ticket_priority",
            "subject",
        },
    ),
    (NOTES, {"hs_note_body": "Note"}, ENGAGEMENT_DEFAULTS),
    (EMAILS, {"hs_email_subject": "Hello"}, ENGAGEMENT_DEFAULTS),
    (MEETINGS, {"hs_meeting_title": "Kick-off"}, ENGAGEMENT_DEFAULTS),
    (TASKS, {"hs_task_subject": "Follow up"}, ENGAGEMENT_DEFAULTS),
]

by_kind = pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)


def kind_id(value: Any) -> str | None:
    if isinstance(value, Kind):
        return value.name
    return value if isinstance(value, str) else None


def unique(prefix: str = "v") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def instant(value: str) -> datetime:
    return datetime.fromisoformat(value)


def create(http: httpx.Client, kind: Kind, path: str | None = None, **props: str) -> dict[str, Any]:
    """Create a record of ``kind`` (through its name path unless ``path`` says otherwise)."""
    body = {"properties": {**kind.required, **props}}
    response = http.post(f"{OBJECTS}/{path or kind.name}", json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


def read(http: httpx.Client, kind: Kind, record_id: str, **params: Any) -> dict[str, Any]:
    response = http.get(f"{OBJECTS}/{kind.name}/{record_id}", params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def list_all(http: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every live record the list endpoint at ``path`` pages through."""
    records: list[dict[str, Any]] = []
    after: str | None = None
    while True:
        query = {"limit": 100, **params, **({"after": after} if after else {})}
        response = http.get(path, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        records += page["results"]
        if "paging" not in page:
            return records
        after = page["paging"]["next"]["after"]


def contact_input(email: str) -> dict[str, Any]:
    return {"properties": {"email": email, "firstname": "Grace"}}


@contextmanager
def other_portal(server: Any) -> Iterator[httpx.Client]:
    token = server.new_token("--portal", str(server.new_portal()))
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as client:
        yield client


# --- CRUD, list, batch update, search and archive for every type ----------------------------


@by_kind
def test_create_answers_201_with_the_written_properties(
    portal_http: httpx.Client, kind: Kind
) -> None:
    value = unique()
    created = create(portal_http, kind, **{kind.text: value})
    assert created["properties"][kind.text] == value
    assert created["properties"]["hs_object_id"] == created["id"]
    assert created["archived"] is False
    assert instant(created["createdAt"]) <= instant(created["updatedAt"])


@by_kind
def test_get_by_name_and_by_type_id_path_return_the_same_record(
    portal_http: httpx.Client, kind: Kind
) -> None:
    value = unique()
    record_id = create(portal_http, kind, **{kind.text: value})["id"]
    for path in (kind.name, kind.type_id):
        response = portal_http.get(
            f"{OBJECTS}/{path}/{record_id}", params={"properties": kind.text}
        )
        assert response.status_code == 200, (path, response.text)
        assert (response.json()["id"], response.json()["properties"][kind.text]) == (
            record_id,
            value,
        )


@by_kind
def test_create_through_the_type_id_path(portal_http: httpx.Client, kind: Kind) -> None:
    value = unique()
    record_id = create(portal_http, kind, kind.type_id, **{kind.text: value})["id"]
    assert (
        read(portal_http, kind, record_id, properties=kind.text)["properties"][kind.text] == value
    )


@by_kind
def test_patch_updates_only_the_given_property(portal_http: httpx.Client, kind: Kind) -> None:
    record_id = create(portal_http, kind, **{kind.text: unique("before")})["id"]
    value = unique("after")
    response = portal_http.patch(
        f"{OBJECTS}/{kind.type_id}/{record_id}", json={"properties": {kind.text: value}}
    )
    assert response.status_code == 200, response.text
    assert response.json()["id"] == record_id
    assert response.json()["properties"][kind.text] == value
    names = ",".join([kind.text, *kind.required])
    properties = read(portal_http, kind, record_id, properties=names)["properties"]
    assert {name: properties[name] for name in [kind.text, *kind.required]} == {
        **kind.required,
        kind.text: value,
    }


@by_kind
def test_list_pages_include_the_record(portal_http: httpx.Client, kind: Kind) -> None:
    value = unique()
    record_id = create(portal_http, kind, **{kind.text: value})["id"]
    records = list_all(portal_http, f"{OBJECTS}/{kind.type_id}", properties=kind.text)
    matching = [r for r in records if r["id"] == record_id]
    assert len(matching) == 1
    assert matching[0]["properties"][kind.text] == value
    assert len({r["id"] for r in records}) == len(records)


@by_kind
def test_batch_update_answers_200_with_the_updated_records(
    portal_http: httpx.Client, kind: Kind
) -> None:
    ids = [create(portal_http, kind, **{kind.text: unique()})["id"] for _ in range(2)]
    values = {record_id: unique("batch") for record_id in ids}
    inputs = [{"id": i, "properties": {kind.text: v}} for i, v in values.items()]
    response = portal_http.post(f"{OBJECTS}/{kind.type_id}/batch/update", json={"inputs": inputs})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "COMPLETE"
    assert {r["id"]: r["properties"][kind.text] for r in body["results"]} == values
    for record_id, value in values.items():
        assert (
            read(portal_http, kind, record_id, properties=kind.text)["properties"][kind.text]
            == value
        )


@by_kind
def test_search_finds_the_record_by_property(portal_http: httpx.Client, kind: Kind) -> None:
    value = unique("search")
    record_id = create(portal_http, kind, **{kind.text: value})["id"]
    create(portal_http, kind, **{kind.text: unique("other")})
    request = {
        "filterGroups": [
            {"filters": [{"propertyName": kind.text, "operator": "EQ", "value": value}]}
        ],
        "properties": [kind.text],
    }
    response = portal_http.post(f"{OBJECTS}/{kind.name}/search", json=request)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == 1
    assert [(r["id"], r["properties"][kind.text]) for r in body["results"]] == [(record_id, value)]


@by_kind
def test_archive_answers_204_and_hides_the_record(portal_http: httpx.Client, kind: Kind) -> None:
    record_id = create(portal_http, kind, **{kind.text: unique()})["id"]
    assert portal_http.delete(f"{OBJECTS}/{kind.type_id}/{record_id}").status_code == 204
    missing = portal_http.get(f"{OBJECTS}/{kind.name}/{record_id}")
    assert missing.status_code == 404
    assert missing.json()["category"] == "OBJECT_NOT_FOUND"
    archived = read(portal_http, kind, record_id, archived="true")
    assert archived["archived"] is True
    assert record_id not in {r["id"] for r in list_all(portal_http, f"{OBJECTS}/{kind.name}")}


# --- properties every type returns ----------------------------------------------------------


@pytest.mark.parametrize(("kind", "props", "expected"), DEFAULTS, ids=kind_id)
def test_get_without_properties_returns_the_types_default_properties(
    portal_http: httpx.Client, kind: Kind, props: dict[str, str], expected: set[str]
) -> None:
    record_id = create(portal_http, kind, **props)["id"]
    properties = read(portal_http, kind, record_id)["properties"]
    assert set(properties) == expected
    assert properties["hs_object_id"] == record_id
    written = {k: v for k, v in {**kind.required, **props}.items() if k in expected}
    if "closedate" in written:  # a datetime: compare instants, not spellings
        assert instant(properties["closedate"]) == instant(written.pop("closedate"))
    assert {name: properties[name] for name in written} == written


@by_kind
def test_created_and_modified_properties_hold_the_record_times(
    portal_http: httpx.Client, kind: Kind
) -> None:
    record_id = create(portal_http, kind, **{kind.text: unique()})["id"]
    names = f"{kind.created},{kind.modified}"
    first = read(portal_http, kind, record_id, properties=names)
    assert instant(first["properties"][kind.created]) == instant(first["createdAt"])
    assert instant(first["properties"][kind.modified]) == instant(first["updatedAt"])
    patched = portal_http.patch(
        f"{OBJECTS}/{kind.name}/{record_id}", json={"properties": {kind.text: unique()}}
    )
    assert patched.status_code == 200, patched.text
    later = read(portal_http, kind, record_id, properties=names)
    assert instant(later["properties"][kind.created]) == instant(first["createdAt"])
    assert instant(later["properties"][kind.modified]) == instant(later["updatedAt"])
    assert instant(later["updatedAt"]) >= instant(first["updatedAt"])


@pytest.mark.parametrize(
    ("kind", "missing"),
    [(DEALS, "dealname"), (TICKETS, "subject"), (TICKETS, "hs_pipeline_stage"),
     (NOTES, "hs_timestamp"), (TASKS, "hs_timestamp")],
    ids=kind_id,
)  # fmt: skip
def test_create_without_a_required_property_is_rejected(
    portal_http: httpx.Client, kind: Kind, missing: str
) -> None:
    before = {r["id"] for r in list_all(portal_http, f"{OBJECTS}/{kind.name}")}
    props = {k: v for k, v in kind.required.items() if k != missing}
    response = portal_http.post(f"{OBJECTS}/{kind.name}", json={"properties": props})
    assert response.status_code == 400
    assert response.json()["category"] == "VALIDATION_ERROR"
    assert missing in response.text
    assert {r["id"] for r in list_all(portal_http, f"{OBJECTS}/{kind.name}")} == before


@pytest.mark.parametrize(
    ("name", "allowed"), [("hs_pipeline_stage", "[1, 2, 3, 4]"), ("hs_pipeline", "[0]")]
)
def test_an_unknown_pipeline_or_stage_is_only_invalid_option(
    portal_http: httpx.Client, name: str, allowed: str
) -> None:
    """An unknown option of a required property is that one problem, not also 'required'."""
    props = {**TICKETS.required, name: "nope"}
    response = portal_http.post(f"{OBJECTS}/tickets", json={"properties": props})
    assert response.status_code == 400, response.text
    body = response.json()
    message = f"nope was not one of the allowed options: {allowed}"
    assert body["errors"] == [
        {"message": message, "code": "INVALID_OPTION", "context": {"propertyName": [name]}}
    ]
    entries = json.loads(body["message"].removeprefix("Property values were not valid: "))
    assert [(e["error"], e["name"]) for e in entries] == [("INVALID_OPTION", name)]


# --- contacts: email is unique ----------------------------------------------------------------


def test_second_contact_with_an_existing_email_is_409_conflict(portal_http: httpx.Client) -> None:
    email = f"{unique('dup')}@example.com"
    first = portal_http.post(f"{OBJECTS}/contacts", json=contact_input(email))
    assert first.status_code == 201, first.text
    existing = first.json()["id"]
    again = portal_http.post(f"{OBJECTS}/contacts", json=contact_input(email))
    assert again.status_code == 409
    body = again.json()
    assert body["category"] == "CONFLICT"
    assert f"Contact already exists. Existing ID: {existing}" in body["message"]
    flt = {"propertyName": "email", "operator": "EQ", "value": email}
    found = portal_http.post(
        f"{OBJECTS}/contacts/search", json={"filterGroups": [{"filters": [flt]}]}
    ).json()
    assert [r["id"] for r in found["results"]] == [existing]


def test_contact_is_readable_by_email_id_property(portal_http: httpx.Client) -> None:
    email = f"{unique('byemail')}@example.com"
    created = create(portal_http, CONTACTS, email=email, firstname="Ida")
    response = portal_http.get(
        f"{OBJECTS}/contacts/{email}", params={"idProperty": "email", "properties": "firstname"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["id"] == created["id"]
    assert response.json()["properties"]["firstname"] == "Ida"
    nobody = f"{unique('nobody')}@example.com"
    unknown = portal_http.get(f"{OBJECTS}/contacts/{nobody}", params={"idProperty": "email"})
    assert_hubspot_error(unknown, 404, **object_not_found(nobody))


def test_email_uniqueness_and_records_are_per_portal(
    portal_http: httpx.Client, server: Any
) -> None:
    email = f"{unique('shared')}@example.com"
    mine = create(portal_http, CONTACTS, email=email)["id"]
    with other_portal(server) as other:
        theirs = other.post(f"{OBJECTS}/contacts", json=contact_input(email))
        assert theirs.status_code == 201, theirs.text
        assert theirs.json()["id"] != mine
        for path in (f"{OBJECTS}/contacts/{mine}", f"{OBJECTS}/0-1/{mine}"):
            assert_hubspot_error(other.get(path), 404, **object_not_found(mine))
    assert read(portal_http, CONTACTS, mine, properties="email")["properties"]["email"] == email


# --- the official SDK -------------------------------------------------------------------------


def test_sdk_creates_and_reads_contacts_and_companies(portal_sdk: Any) -> None:
    from hubspot.crm.companies import SimplePublicObjectInputForCreate as CompanyInput
    from hubspot.crm.contacts import SimplePublicObjectInputForCreate as ContactInput

    email = f"{unique('sdk')}@example.com"
    contact = portal_sdk.crm.contacts.basic_api.create(
        simple_public_object_input_for_create=ContactInput(
            properties={"email": email, "firstname": "Sdk"}
        )
    )
    assert (contact.properties["email"], contact.archived) == (email, False)
    company = portal_sdk.crm.companies.basic_api.create(
        simple_public_object_input_for_create=CompanyInput(
            properties={"name": "Sdk Inc", "domain": "sdk.example"}
        )
    )
    assert company.properties["name"] == "Sdk Inc"
    got_contact = portal_sdk.crm.contacts.basic_api.get_by_id(contact.id)
    assert (got_contact.id, got_contact.properties["email"]) == (contact.id, email)
    got_company = portal_sdk.crm.companies.basic_api.get_by_id(company.id)
    assert (got_company.properties["domain"], got_company.properties["name"]) == (
        "sdk.example",
        "Sdk Inc",
    )


def test_sdk_duplicate_contact_email_raises_api_exception_409(portal_sdk: Any) -> None:
    from hubspot.crm.contacts import ApiException
    from hubspot.crm.contacts import SimplePublicObjectInputForCreate as ContactInput

    email = f"{unique('sdkdup')}@example.com"
    body = ContactInput(properties={"email": email})
    existing = portal_sdk.crm.contacts.basic_api.create(simple_public_object_input_for_create=body)
    with pytest.raises(ApiException) as raised:
        portal_sdk.crm.contacts.basic_api.create(simple_public_object_input_for_create=body)
    assert_sdk_error(
        raised.value,
        409,
        message=f"Contact already exists. Existing ID: {existing.id}",
        category="CONFLICT",
        context={},
        errors=[],
    )
