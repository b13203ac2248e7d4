"""Bad input gets HubSpot's 400 (or the 404 an unknown id gets), never a 500: JSON nested
too deep on every JSON endpoint, ids and ``after`` values in digits that are not ASCII,
``displayOrder`` past int32, and NUL characters, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from admin_support import AdminServer, assert_hubspot_error, shared_admin
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Server

CONTACTS = "/crm/v3/objects/contacts"
MAX_DEPTH = 64
EXAMPLES = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
NON_ASCII_DIGITS = st.characters(categories=["Nd", "No"]).filter(lambda c: not c.isascii())


@pytest.fixture(scope="module")
def spot(server: Server) -> Iterator[AdminServer]:
    yield from shared_admin(server)


@pytest.fixture(scope="module")
def portal(spot: AdminServer) -> tuple[int, httpx.Client]:
    return spot.new_portal()


@pytest.fixture(scope="module")
def developer(
    spot: AdminServer, portal: tuple[int, httpx.Client]
) -> Iterator[tuple[str, httpx.Client]]:
    """An app of the portal's, and a Webhooks API client with its developer key."""
    made = spot.admin.post("/_localspot/apps", json={"portalId": portal[0]})
    assert made.status_code == 201, made.text
    params = {"hapikey": made.json()["developerApiKey"]}
    with httpx.Client(base_url=spot.base_url, params=params, timeout=30) as client:
        yield str(made.json()["appId"]), client


def client_for(
    path: str, spot: AdminServer, crm: httpx.Client, developer: tuple[str, httpx.Client]
) -> httpx.Client:
    if path.startswith("/_localspot"):
        return spot.admin
    return developer[1] if path in DEVELOPER_PATHS else crm


DEVELOPER_PATHS: set[str] = set()
"""The filled paths ``json_endpoints`` found that an app's developer API key opens (those of
the Webhooks API and of the paths naming an app)."""


@pytest.fixture(scope="module")
def contact_ids(portal: tuple[int, httpx.Client]) -> list[str]:
    _, crm = portal
    inputs = [{"properties": {"firstname": f"c{i}"}} for i in range(3)]
    created = crm.post(f"{CONTACTS}/batch/create", json={"inputs": inputs})
    assert created.status_code == 201, created.text
    return sorted((r["id"] for r in created.json()["results"]), key=int)


@pytest.fixture(scope="module")
def endpoints(
    spot: AdminServer, portal: tuple[int, httpx.Client], developer: tuple[str, httpx.Client]
) -> list[tuple[str, str]]:
    """``json_endpoints`` read once per module (both documents are large)."""
    return json_endpoints(spot, portal[0], developer[0])


def json_endpoints(spot: AdminServer, portal_id: int, app_id: str) -> list[tuple[str, str]]:
    """Every operation of both OpenAPI documents (the HubSpot API's and the admin API's) that
    takes a JSON body, with its path filled in."""
    values = {
        "app_id": app_id,
        "subscription_id": "1",
        "object_type": "contacts",
        "to_object_type": "companies",
        "object_id": "1",
        "to_object_id": "1",
        "property_name": "firstname",
        "group_name": "contactinformation",
        "portal_id": str(portal_id),
        "pipeline_id": "default",
        "stage_id": "appointmentscheduled",
        "team_id": "1",
        "schema_type": "2-1000001",
        "list_id": "1",
        "event_template_id": "1",
        "token_name": "what",
        "card_id": "1",
    }
    documents = [
        spot.admin.get(url).json() for url in ("/openapi.json", "/_localspot/openapi.json")
    ]
    found = []
    paths = [item for document in documents for item in document["paths"].items()]
    for path, operations in paths:
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "requestBody" not in operation:
                continue
            if "application/json" not in operation["requestBody"].get("content", {}):
                continue  # a multipart upload (imports)
            filled = re.sub(r"\{(\w+)\}", lambda m: values[m[1]], path)
            found.append((method.upper(), filled))
            if path.startswith("/webhooks") or "{app_id}" in path:
                DEVELOPER_PATHS.add(filled)
    return found


def nested(depth: int, kinds: list[bool]) -> bytes:
    """``depth`` levels of arrays and objects (``kinds[i % len]``: True for an object)."""
    opening, closing = [], []
    for level in range(depth):
        is_object = kinds[level % len(kinds)]
        opening.append('{"a":' if is_object else "[")
        closing.append("}" if is_object else "]")
    return ("".join(opening) + "1" + "".join(reversed(closing))).encode()


def test_every_json_endpoint_is_listed(endpoints: list[tuple[str, str]]) -> None:
    assert len(endpoints) >= 30
    assert ("POST", "/_localspot/portals") in endpoints
    assert ("POST", f"{CONTACTS}/search") in endpoints


@EXAMPLES
@given(
    data=st.data(),
    depth=st.integers(MAX_DEPTH + 1, 5000),
    kinds=st.lists(st.booleans(), min_size=1, max_size=4),
)
def test_json_nested_too_deep_is_400_on_every_json_endpoint(
    spot: AdminServer,
    portal: tuple[int, httpx.Client],
    developer: tuple[str, httpx.Client],
    endpoints: list[tuple[str, str]],
    data: st.DataObject,
    depth: int,
    kinds: list[bool],
) -> None:
    _, crm = portal
    method, path = data.draw(st.sampled_from(endpoints))
    client = client_for(path, spot, crm, developer)
    headers = {"Content-Type": "application/json"}
    response = client.request(method, path, content=nested(depth, kinds), headers=headers)
    body = assert_hubspot_error(response, 400, "VALIDATION_ERROR")
    assert body["message"] == f"Invalid input JSON: nesting deeper than {MAX_DEPTH} levels"


@EXAMPLES
@given(data=st.data(), depth=st.integers(1, MAX_DEPTH))
def test_json_within_the_depth_limit_is_never_a_500(
    spot: AdminServer,
    portal: tuple[int, httpx.Client],
    developer: tuple[str, httpx.Client],
    endpoints: list[tuple[str, str]],
    data: st.DataObject,
    depth: int,
) -> None:
    _, crm = portal
    method, path = data.draw(st.sampled_from(endpoints))
    client = client_for(path, spot, crm, developer)
    headers = {"Content-Type": "application/json"}
    response = client.request(method, path, content=nested(depth, [False]), headers=headers)
    assert response.status_code < 500, response.text
    assert "nesting deeper" not in response.text


def test_deep_json_logs_no_traceback(spot: AdminServer, portal: tuple[int, httpx.Client]) -> None:
    _, crm = portal
    response = crm.post(f"{CONTACTS}/search", content=nested(3000, [True, False]))
    assert_hubspot_error(response, 400, "VALIDATION_ERROR")
    assert "Traceback" not in response.text


# --- ids are ASCII digits ----------------------------------------------------------------


def in_digits(record_id: str, zero: str) -> str:
    """``record_id`` written with another script's digits (``zero`` is its 0)."""
    return quote("".join(chr(ord(zero) + int(d)) for d in record_id))


SPELLINGS: dict[str, Callable[[str], str]] = {
    "leading space": lambda i: f"%20{i}",
    "trailing space": lambda i: f"{i}%20",
    "plus sign": lambda i: f"+{i}",
    "full-width": lambda i: in_digits(i, "\uff10"),
    "arabic-indic": lambda i: in_digits(i, "\u0660"),
    "devanagari": lambda i: in_digits(i, "\u0966"),
}


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_path_id_that_is_not_ascii_digits_finds_nothing(
    portal: tuple[int, httpx.Client], contact_ids: list[str], spelling: str
) -> None:
    _, crm = portal
    record = f"{CONTACTS}/{contact_ids[0]}"
    path = f"{CONTACTS}/{SPELLINGS[spelling](contact_ids[0])}"
    like_abc = assert_hubspot_error(crm.get(f"{CONTACTS}/abc"), 404, "OBJECT_NOT_FOUND")
    got = assert_hubspot_error(crm.get(path), 404, "OBJECT_NOT_FOUND")
    assert got["message"] == like_abc["message"]
    patched = crm.patch(path, json={"properties": {"firstname": "changed"}})
    assert_hubspot_error(patched, 404, "OBJECT_NOT_FOUND")
    assert crm.delete(path).status_code == 204
    still = crm.get(record, params={"properties": "firstname"})
    assert still.status_code == 200
    assert still.json()["properties"]["firstname"] == "c0"


@pytest.mark.parametrize("raw", ["%201", "%EF%BC%91"])
def test_association_path_id_that_is_not_ascii_digits_is_400(
    portal: tuple[int, httpx.Client], raw: str
) -> None:
    _, crm = portal
    response = crm.get(f"/crm/v4/objects/contacts/{raw}/associations/companies")
    body = assert_hubspot_error(response, 400, "VALIDATION_ERROR")
    assert body["subCategory"] == "crm.associations.INVALID_IDENTIFIER"


def search(crm: httpx.Client, body: dict[str, Any]) -> httpx.Response:
    return crm.post(f"{CONTACTS}/search", json=body)


def id_filter(name: str, value: str) -> dict[str, Any]:
    return {
        "filterGroups": [{"filters": [{"propertyName": name, "operator": "EQ", "value": value}]}]
    }


@EXAMPLES
@given(digits=st.text(NON_ASCII_DIGITS, min_size=1, max_size=3))
def test_unicode_digits_are_text_in_id_filters_and_after(
    portal: tuple[int, httpx.Client], contact_ids: list[str], digits: str
) -> None:
    _, crm = portal
    expected = assert_hubspot_error(
        search(crm, id_filter("hs_object_id", "abc")), 400, "VALIDATION_ERROR"
    )
    got = assert_hubspot_error(
        search(crm, id_filter("hs_object_id", digits)), 400, "VALIDATION_ERROR"
    )
    assert got["message"] == expected["message"].replace("abc", digits)
    linked = search(crm, id_filter("associations.company", digits))
    assert_hubspot_error(linked, 400, "VALIDATION_ERROR")
    after = assert_hubspot_error(search(crm, {"after": digits}), 400, "VALIDATION_ERROR")
    assert after["message"] == f"Invalid after value {digits}"
    assert after["context"] == {"after": [digits]}
    listed = crm.get(CONTACTS, params={"after": digits})
    assert_hubspot_error(listed, 400, "VALIDATION_ERROR")


@pytest.mark.parametrize("after", ["²", "①", "1" * 4301, "1" * 19])
def test_search_after_that_is_no_small_ascii_number_is_400(
    portal: tuple[int, httpx.Client], after: str
) -> None:
    _, crm = portal
    body = assert_hubspot_error(search(crm, {"after": after}), 400, "VALIDATION_ERROR")
    assert body["context"] == {"after": [after]}


def test_search_after_as_a_huge_json_number_is_400(portal: tuple[int, httpx.Client]) -> None:
    _, crm = portal
    response = crm.post(
        f"{CONTACTS}/search",
        content=b'{"after": ' + b"1" * 4301 + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert_hubspot_error(response, 400, "VALIDATION_ERROR")


def test_ascii_id_filter_still_matches(
    portal: tuple[int, httpx.Client], contact_ids: list[str]
) -> None:
    _, crm = portal
    found = search(crm, id_filter("hs_object_id", contact_ids[1]))
    assert [r["id"] for r in found.json()["results"]] == [contact_ids[1]]


# --- integers past their column ----------------------------------------------------------


@pytest.mark.parametrize("order", [2**31, -(2**31) - 1, 2**63, 10**30])
def test_display_order_past_int32_is_400_and_writes_nothing(
    portal: tuple[int, httpx.Client], order: int
) -> None:
    _, crm = portal
    groups = "/crm/v3/properties/contacts/groups"
    name = f"g{abs(order) % 1000}"
    created = crm.post(groups, json={"name": name, "label": "G", "displayOrder": order})
    body = assert_hubspot_error(created, 400, "VALIDATION_ERROR")
    assert body["message"] == "displayOrder must be between -2147483648 and 2147483647"
    assert crm.get(f"{groups}/{name}").status_code == 404
    patched = crm.patch(f"{groups}/contactinformation", json={"displayOrder": order})
    assert_hubspot_error(patched, 400, "VALIDATION_ERROR")
    prop = {
        "name": f"p{abs(order) % 1000}",
        "label": "P",
        "type": "enumeration",
        "fieldType": "select",
        "groupName": "contactinformation",
        "options": [{"label": "A", "value": "a", "displayOrder": order}],
    }
    assert_hubspot_error(
        crm.post("/crm/v3/properties/contacts", json=prop), 400, "VALIDATION_ERROR"
    )
    prop["options"] = [{"label": "A", "value": "a"}]
    assert_hubspot_error(
        crm.post("/crm/v3/properties/contacts", json={**prop, "displayOrder": order}),
        400,
        "VALIDATION_ERROR",
    )
    assert crm.get(f"/crm/v3/properties/contacts/{prop['name']}").status_code == 404


def test_display_order_at_int32_bounds_is_kept(portal: tuple[int, httpx.Client]) -> None:
    _, crm = portal
    groups = "/crm/v3/properties/contacts/groups"
    for name, order in (("gmax", 2**31 - 1), ("gmin", -(2**31))):
        created = crm.post(groups, json={"name": name, "label": "G", "displayOrder": order})
        assert created.status_code == 201, created.text
        assert crm.get(f"{groups}/{name}").json()["displayOrder"] == order


def test_clock_advance_past_year_9999_is_400(spot: AdminServer) -> None:
    response = spot.admin.post("/_localspot/time/advance", json={"ms": 10**30})
    assert_hubspot_error(response, 400, "VALIDATION_ERROR")
    assert spot.admin.get("/_localspot/time").status_code == 200


# --- NUL characters: one rule for both databases ------------------------------------------


def test_nul_in_a_property_value_is_400_naming_the_property(
    portal: tuple[int, httpx.Client], contact_ids: list[str]
) -> None:
    _, crm = portal
    before = crm.get(CONTACTS, params={"limit": 100}).json()["results"]
    created = crm.post(CONTACTS, json={"properties": {"firstname": "a\u0000b"}})
    body = assert_hubspot_error(created, 400, "VALIDATION_ERROR")
    assert body["errors"][0]["code"] == "INVALID_STRING"
    assert body["errors"][0]["context"] == {"propertyName": ["firstname"]}
    batch = crm.post(
        f"{CONTACTS}/batch/create",
        json={"inputs": [{"properties": {"firstname": "ok"}}, {"properties": {"lastname": "\0"}}]},
    )
    assert_hubspot_error(batch, 400, "VALIDATION_ERROR")
    patched = crm.patch(f"{CONTACTS}/{contact_ids[2]}", json={"properties": {"firstname": "\0"}})
    assert_hubspot_error(patched, 400, "VALIDATION_ERROR")
    assert crm.get(CONTACTS, params={"limit": 100}).json()["results"] == before


def test_nul_in_definitions_and_lookups(portal: tuple[int, httpx.Client]) -> None:
    _, crm = portal
    prop = {
        "name": "nul_label",
        "label": "a\u0000",
        "type": "string",
        "fieldType": "text",
        "groupName": "contactinformation",
    }
    body = assert_hubspot_error(
        crm.post("/crm/v3/properties/contacts", json=prop), 400, "VALIDATION_ERROR"
    )
    assert body["context"] == {"label": ["a\u0000"]}
    group = {"name": "nul_group", "label": "\u0000"}
    assert_hubspot_error(
        crm.post("/crm/v3/properties/contacts/groups", json=group), 400, "VALIDATION_ERROR"
    )
    filtered = search(crm, id_filter("firstname", "a\u0000"))
    assert_hubspot_error(filtered, 400, "VALIDATION_ERROR")
    by_email = crm.get(f"{CONTACTS}/a%00b", params={"idProperty": "email"})
    assert_hubspot_error(by_email, 404, "OBJECT_NOT_FOUND")
