"""A calling app reports a completed third-party call
(``POST /crm/v3/extensions/calling/inbound-call`` and the dated path) with a portal's token:
caller ID matches among the portal's contacts and companies, and the call record it creates,
read back through the calls API. The Python SDK 12 has no method for it (the Node SDK's is
driven by tests/api/test_node_sdk.py); raw httpx here."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from test_auth import missing_scopes
from webhook_support import invalid

from conftest import UNAUTHENTICATED, Server, assert_hubspot_error, run_cli_in_process

PATH = "/crm/v3/extensions/calling/inbound-call"
CALLER = "+16175550100"
AGENT = "+16175550999"
CALL_PROPERTIES = (
    "hs_timestamp,hs_call_direction,hs_call_status,hs_call_duration,hs_call_from_number,"
    "hs_call_to_number,hs_call_external_id,hs_call_source,hubspot_owner_id,hs_call_title"
)


def report(external_id: str, create: bool = False, **more: Any) -> dict[str, Any]:
    body = {
        "externalCallId": external_id,
        "finalCallStatus": "COMPLETED",
        "fromNumber": {"e164Number": CALLER, "phoneNumberType": "MOBILE"},
        "toNumber": {"e164Number": AGENT, "phoneNumberType": "FIXED_LINE"},
        "createEngagement": create,
        "engagementProperties": {},
        "potentialRecipientUserIds": [],
    }
    return {**body, **more}


def create(http: httpx.Client, type_name: str, **properties: str) -> int:
    made = http.post(f"/crm/v3/objects/{type_name}", json={"properties": properties})
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


@pytest.fixture(scope="module")
def portal_id(server: Server) -> int:
    return server.new_portal()


@pytest.fixture(scope="module")
def portal_http(server: Server, portal_id: int) -> Iterator[httpx.Client]:
    """The module's own portal (its id is part of every match)."""
    headers = {"Authorization": f"Bearer {server.new_token('--portal', str(portal_id))}"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def people(portal_http: httpx.Client, http: httpx.Client) -> dict[str, int]:
    """The module portal's contacts and company, and a contact of another portal with the
    caller's very number."""
    return {
        "ada": create(
            portal_http,
            "contacts",
            phone="+1 (617) 555-0100",
            email="ada@example.com",
            firstname="Ada",
            lastname="Lovelace",
        ),
        "bob": create(portal_http, "contacts", mobilephone="617.555.0100 ext. 12"),
        "carl": create(portal_http, "contacts", phone="+1 (617) 555-0199", firstname="Carl"),
        "acme": create(portal_http, "companies", phone="+1 617 555 0100", name="Acme"),
        "elsewhere": create(http, "contacts", phone=CALLER, firstname="Elsewhere"),
    }


def matches_of(people: dict[str, int], portal_id: int) -> list[dict[str, Any]]:
    def at(name: str, type_id: str) -> dict[str, Any]:
        return {"objectId": people[name], "objectTypeId": type_id, "portalId": portal_id}

    return [
        {
            "callerIdType": "CONTACT",
            "objectCoordinates": at("ada", "0-1"),
            "email": "ada@example.com",
            "firstName": "Ada",
            "lastName": "Lovelace",
        },
        {"callerIdType": "CONTACT", "objectCoordinates": at("bob", "0-1")},
        {"callerIdType": "COMPANY", "objectCoordinates": at("acme", "0-2"), "name": "Acme"},
    ]


def call_of(portal_http: httpx.Client, external_id: str) -> dict[str, Any] | None:
    body = {
        "filterGroups": [
            {
                "filters": [
                    {"propertyName": "hs_call_external_id", "operator": "EQ", "value": external_id}
                ]
            }
        ]
    }
    found = portal_http.post("/crm/v3/objects/calls/search", json=body)
    assert found.status_code == 200, found.text
    results = found.json()["results"]
    if not results:
        return None
    (one,) = results
    read = portal_http.get(
        f"/crm/v3/objects/calls/{one['id']}", params={"properties": CALL_PROPERTIES}
    )
    assert read.status_code == 200, read.text
    call: dict[str, Any] = read.json()
    return call


def test_the_callers_contacts_and_companies_match_and_no_call_is_made(
    portal_http: httpx.Client, people: dict[str, int], portal_id: int
) -> None:
    answer = portal_http.post(PATH, json=report("match-only"))
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"callerIdMatches": matches_of(people, portal_id)}
    assert call_of(portal_http, "match-only") is None


def test_a_number_nobody_has_matches_nothing(
    portal_http: httpx.Client, people: dict[str, int]
) -> None:
    body = report("nobody", fromNumber={"e164Number": "+442079460123", "phoneNumberType": "UAN"})
    answer = portal_http.post(PATH, json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"callerIdMatches": []}


def test_another_portals_contact_never_matches(http: httpx.Client, people: dict[str, int]) -> None:
    answer = http.post(PATH, json=report("their-portal"))
    assert answer.status_code == 200, answer.text
    coordinates = [m["objectCoordinates"]["objectId"] for m in answer.json()["callerIdMatches"]]
    assert people["elsewhere"] in coordinates
    assert not {people["ada"], people["bob"], people["acme"]} & set(coordinates)


def test_the_call_is_created_with_what_the_report_implies(
    server: Server, portal_http: httpx.Client, people: dict[str, int], portal_id: int
) -> None:
    portal = str(portal_id)
    email = ("--email", "agent@example.com", "--portal", portal)
    owner_id = run_cli_in_process(server.database_url, "owners", "create", *email)
    user_id = portal_http.get(f"/crm/v3/owners/{owner_id}").json()["userId"]
    body = report(
        "call-1",
        True,
        callStartedTimestamp="2026-01-15T10:00:00Z",
        durationSeconds=95,
        userId=user_id,
        engagementProperties={"hs_call_title": "Support line"},
        potentialRecipientUserIds=[user_id],
    )
    answer = portal_http.post(PATH, json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"callerIdMatches": matches_of(people, int(portal))}
    call = call_of(portal_http, "call-1")
    assert call is not None
    assert {k: call["properties"].get(k) for k in CALL_PROPERTIES.split(",")} == {
        "hs_timestamp": "2026-01-15T10:00:00.000Z",
        "hs_call_direction": "INBOUND",
        "hs_call_status": "COMPLETED",
        "hs_call_duration": "95000",
        "hs_call_from_number": CALLER,
        "hs_call_to_number": AGENT,
        "hs_call_external_id": "call-1",
        "hs_call_source": "INTEGRATIONS_PLATFORM",
        "hubspot_owner_id": owner_id,
        "hs_call_title": "Support line",
    }
    linked = portal_http.get(f"/crm/v4/objects/calls/{call['id']}/associations/contacts")
    assert sorted(r["toObjectId"] for r in linked.json()["results"]) == [
        people["ada"],
        people["bob"],
    ]
    companies = portal_http.get(f"/crm/v4/objects/calls/{call['id']}/associations/companies")
    assert [r["toObjectId"] for r in companies.json()["results"]] == [people["acme"]]


def test_engagement_properties_win_and_a_status_calls_lack_is_left_out(
    portal_http: httpx.Client, people: dict[str, int]
) -> None:
    body = report(
        "call-2",
        True,
        finalCallStatus="HOLD",
        userId=987654,
        engagementProperties={"hs_call_direction": "OUTBOUND"},
    )
    assert portal_http.post(PATH, json=body).status_code == 200
    call = call_of(portal_http, "call-2")
    assert call is not None
    shown = call["properties"]
    assert (shown["hs_call_direction"], shown.get("hs_call_status")) == ("OUTBOUND", None)
    assert shown.get("hubspot_owner_id") is None  # no owner has that user id
    assert shown.get("hs_call_duration") is None


def test_the_dated_path_reports_calls_too(
    portal_http: httpx.Client, people: dict[str, int], portal_id: int
) -> None:
    answer = portal_http.post("/crm/extensions/calling/2026-03/inbound-call", json=report("dated"))
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"callerIdMatches": matches_of(people, portal_id)}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"fromNumber": {"e164Number": "617-555-0100", "phoneNumberType": "MOBILE"}},
            invalid(
                "fromNumber.e164Number must be an E.164 number such as +16175550100: 617-555-0100",
                **{"fromNumber.e164Number": ["617-555-0100"]},
            ),
        ),
        (
            {"externalCallId": " "},
            invalid("externalCallId must not be blank", externalCallId=[" "]),
        ),
        ({"finalCallStatus": "DONE"}, invalid("Invalid input JSON: Invalid enum value 'DONE'")),
        ({"durationSeconds": -1}, invalid("Invalid input JSON: Expected `int` >= 0")),
        (
            {"createEngagement": None},
            invalid("Invalid input JSON: Expected `bool`, got `null`"),
        ),
    ],
)
def test_bad_reports_are_refused_and_nothing_is_written(
    portal_http: httpx.Client, changes: dict[str, Any], expected: dict[str, Any]
) -> None:
    body = {**report("refused", True), **changes}
    assert_hubspot_error(portal_http.post(PATH, json=body), 400, **expected)
    assert call_of(portal_http, "refused") is None


def test_a_property_calls_lack_is_refused_and_nothing_is_written(
    portal_http: httpx.Client, portal_id: int
) -> None:
    body = report("unknown-property", True, engagementProperties={"no_such_thing": "x"})
    answer = portal_http.post(PATH, json=body)
    said = 'Property "no_such_thing" does not exist'
    entry = {
        "isValid": False,
        "message": said,
        "error": "PROPERTY_DOESNT_EXIST",
        "name": "no_such_thing",
        "localizedErrorMessage": said,
        "portalId": portal_id,
    }
    expected = {
        "message": "Property values were not valid: " + json.dumps([entry], separators=(",", ":")),
        "category": "VALIDATION_ERROR",
        "context": {},
        "errors": [
            {
                "message": said,
                "code": "PROPERTY_DOESNT_EXIST",
                "context": {"propertyName": ["no_such_thing"]},
            }
        ],
    }
    assert_hubspot_error(answer, 400, **expected)
    assert call_of(portal_http, "unknown-property") is None


def test_a_token_is_required(anonymous_http: httpx.Client) -> None:
    assert_hubspot_error(
        anonymous_http.post(PATH, json=report("anonymous")), 401, **UNAUTHENTICATED
    )


def test_a_contacts_write_scope_is_required(server: Server) -> None:
    token = server.new_token("--scopes", "crm.objects.contacts.read")
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base_url, headers=headers) as reader:
        answer = reader.post(PATH, json=report("reader"))
    scopes = ["crm.objects.contacts.write", "crm.schemas.contacts.write"]
    assert_hubspot_error(answer, 403, **missing_scopes(*scopes))
