"""Imports API v3 (hubspot-behaviour §20) through a real server on both databases: the
official SDK (client-side validation on) for the success paths, raw multipart HTTP for bad
files with HubSpot's exact error bodies. Every import is waited for by polling its state
with a deadline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from import_support import (
    column,
    csv_bytes,
    errors_of,
    finished,
    import_request,
    run_import,
    start,
    xlsx_bytes,
)

from conftest import Server, assert_hubspot_error

CONTACT, COMPANY = "0-1", "0-2"


def _sdk_import(sdk: Any, tmp_path: Path, name: str, body: bytes, request: dict[str, Any]) -> Any:
    path = tmp_path / name
    path.write_bytes(body)
    return sdk.crm.imports.core_api.create(files=str(path), import_request=json.dumps(request))


def _contacts(http: httpx.Client, *names: str) -> dict[str, dict[str, Any]]:
    """Live contacts by email, with the named properties."""
    response = http.get(
        "/crm/v3/objects/contacts", params={"limit": 100, "properties": ["email", *names]}
    )
    assert response.status_code == 200
    return {r["properties"]["email"]: r for r in response.json()["results"]}


@pytest.fixture
def http(server: Server) -> Any:
    """A fresh portal for each test: its records meet no other test's."""
    token = server.new_token("--portal", str(server.new_portal()))
    with httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30
    ) as client:
        yield client


@pytest.fixture
def sdk(http: httpx.Client, server: Server) -> Any:
    import hubspot

    token = http.headers["Authorization"].removeprefix("Bearer ")
    return hubspot.Client.create(access_token=token, host=server.base_url)


CONTACT_COLUMNS = [
    column(CONTACT, "First Name", "firstname"),
    column(CONTACT, "Email", "email", columnType="HUBSPOT_ALTERNATE_ID"),
]


def test_sdk_imports_a_csv_of_contacts_with_the_import_as_history_source(
    sdk: Any, http: httpx.Client, tmp_path: Path
) -> None:
    body = csv_bytes([["First Name", "Email"], ["Ada", "ada@example.com"], ["Bob", "bob@x.org"]])
    request = import_request([("people.csv", CONTACT_COLUMNS)], name="People")
    started = _sdk_import(sdk, tmp_path, "people.csv", body, request)
    assert (started.state, started.import_name, started.import_source) == (
        "STARTED",
        "People",
        "API",
    )
    assert started.import_request_json == request
    assert started.mapped_object_type_ids == [CONTACT]
    assert finished(http, started.id)["state"] == "DONE"
    done = sdk.crm.imports.core_api.get_by_id(started.id)
    assert done.metadata.counters == {
        "TOTAL_ROWS": 2, "CREATED_OBJECTS": 2, "UPDATED_OBJECTS": 0, "ERRORS": 0,
        "PROCESSED_ROWS": 2,
    }  # fmt: skip
    found = _contacts(http, "firstname")
    assert {e: r["properties"]["firstname"] for e, r in found.items()} == {
        "ada@example.com": "Ada",
        "bob@x.org": "Bob",
    }
    ada = sdk.crm.contacts.basic_api.get_by_id(
        found["ada@example.com"]["id"], properties_with_history=["firstname"]
    )
    (entry,) = ada.properties_with_history["firstname"]
    assert (entry.value, entry.source_type, entry.source_id) == ("Ada", "IMPORT", started.id)
    page = sdk.crm.imports.core_api.get_page(limit=10)
    assert [i.id for i in page.results] == [started.id]


def test_sdk_imports_an_xlsx_spreadsheet(sdk: Any, http: httpx.Client, tmp_path: Path) -> None:
    body = xlsx_bytes(
        [["First Name", "Email"], ["Cy", "cy@example.com"], [None, "dee@example.com"]]
    )
    request = import_request([("people.xlsx", CONTACT_COLUMNS)], file_format="SPREADSHEET")
    started = _sdk_import(sdk, tmp_path, "people.xlsx", body, request)
    assert finished(http, started.id)["state"] == "DONE"
    found = _contacts(http, "firstname")
    assert {e: r["properties"]["firstname"] for e, r in found.items()} == {
        "cy@example.com": "Cy",
        "dee@example.com": None,
    }


def _company_ids(http: httpx.Client, contact_id: str) -> list[str]:
    response = http.get(f"/crm/v4/objects/contacts/{contact_id}/associations/companies")
    assert response.status_code == 200, response.text
    return [str(r["toObjectId"]) for r in response.json()["results"]]


def test_one_file_of_two_object_types_creates_both_and_associates_them(
    sdk: Any, http: httpx.Client, tmp_path: Path
) -> None:
    body = xlsx_bytes(
        [["Email", "Company"], ["ann@acme.com", "Acme"], ["ben@globex.com", "Globex"]]
    )
    mappings = [
        column(CONTACT, "Email", "email", associationIdentifierColumn=True),
        column(COMPANY, "Company", "name"),
    ]
    request = import_request([("both.xlsx", mappings)], file_format="SPREADSHEET")
    started = _sdk_import(sdk, tmp_path, "both.xlsx", body, request)
    job = finished(http, started.id)
    assert job["state"] == "DONE" and job["metadata"]["counters"]["CREATED_OBJECTS"] == 4
    companies = sdk.crm.companies.basic_api.get_page(properties=["name"]).results
    by_name = {c.properties["name"]: c.id for c in companies}
    found = _contacts(http)
    assert _company_ids(http, found["ann@acme.com"]["id"]) == [by_name["Acme"]]
    assert _company_ids(http, found["ben@globex.com"]["id"]) == [by_name["Globex"]]


def test_two_files_link_by_a_common_column(http: httpx.Client) -> None:
    contacts = csv_bytes([["Email", "First"], ["eve@initech.com", "Eve"]])
    companies = csv_bytes([["Name", "Contact email"], ["Initech", "eve@initech.com"]])
    request = import_request(
        [
            (
                "companies.csv",
                [
                    column(COMPANY, "Name", "name"),
                    column(
                        COMPANY,
                        "Contact email",
                        None,
                        toColumnObjectTypeId=CONTACT,
                        foreignKeyType={
                            "associationTypeId": 280,
                            "associationCategory": "HUBSPOT_DEFINED",
                        },
                    ),
                ],
            ),
            (
                "contacts.csv",
                [
                    column(CONTACT, "Email", "email", associationIdentifierColumn=True),
                    column(CONTACT, "First", "firstname"),
                ],
            ),
        ]
    )
    job = run_import(http, request, {"companies.csv": companies, "contacts.csv": contacts})
    assert job["state"] == "DONE", job
    eve = _contacts(http)["eve@initech.com"]
    (company_id,) = _company_ids(http, eve["id"])
    company = http.get(f"/crm/v3/objects/companies/{company_id}").json()
    assert company["properties"]["name"] == "Initech"


def test_rows_naming_an_existing_email_update_that_contact(http: httpx.Client) -> None:
    made = http.post(
        "/crm/v3/objects/contacts",
        json={"properties": {"email": "old@example.com", "firstname": "Old"}},
    )
    assert made.status_code == 201
    body = csv_bytes([["First Name", "Email"], ["New", "old@example.com"], ["Fay", "fay@x.io"]])
    job = run_import(http, import_request([("c.csv", CONTACT_COLUMNS)]), {"c.csv": body})
    counters = job["metadata"]["counters"]
    assert (counters["CREATED_OBJECTS"], counters["UPDATED_OBJECTS"]) == (1, 1)
    found = _contacts(http, "firstname")
    assert found["old@example.com"]["id"] == made.json()["id"]
    assert found["old@example.com"]["properties"]["firstname"] == "New"
    assert len(found) == 2


def test_rows_are_deduplicated_by_a_unique_custom_property(http: httpx.Client) -> None:
    prop = {
        "name": "company_code",
        "label": "Company code",
        "type": "string",
        "fieldType": "text",
        "groupName": "companyinformation",
        "hasUniqueValue": True,
    }
    assert http.post("/crm/v3/properties/companies", json=prop).status_code == 201
    made = http.post(
        "/crm/v3/objects/companies", json={"properties": {"name": "Before", "company_code": "C1"}}
    )
    assert made.status_code == 201
    body = csv_bytes([["Code", "Name"], ["C1", "After"], ["C2", "Second"], ["C2", "Again"]])
    mappings = [
        column(COMPANY, "Code", "company_code", columnType="HUBSPOT_ALTERNATE_ID"),
        column(COMPANY, "Name", "name"),
    ]
    job = run_import(http, import_request([("co.csv", mappings)]), {"co.csv": body})
    counters = job["metadata"]["counters"]
    assert (counters["CREATED_OBJECTS"], counters["UPDATED_OBJECTS"], counters["ERRORS"]) == (
        1,
        1,
        1,
    )
    found = http.get("/crm/v3/objects/companies", params={"properties": ["name", "company_code"]})
    names = {
        r["properties"]["company_code"]: r["properties"]["name"] for r in found.json()["results"]
    }
    assert names == {"C1": "After", "C2": "Second"}
    (error,) = errors_of(http, job["id"])
    assert (error["errorType"], error["sourceData"]["lineNumber"]) == ("DUPLICATE_ALTERNATE_ID", 4)


def test_bad_rows_are_reported_while_the_good_rows_land(http: httpx.Client) -> None:
    rows = [
        ["Email", "Stage", "Owner", "Born"],
        ["ok@example.com", "Lead", "", "12/31/1990"],
        ["bad-stage@example.com", "nonsense", "", ""],
        ["ragged@example.com", "lead"],
        ["owner@example.com", "", "424242", ""],
        ["date@example.com", "", "", "31/31/1990"],
    ]
    prop = {
        "name": "born_on",
        "label": "Born on",
        "type": "date",
        "fieldType": "date",
        "groupName": "contactinformation",
    }
    assert http.post("/crm/v3/properties/contacts", json=prop).status_code == 201
    mappings = [
        column(CONTACT, "Email", "email"),
        column(CONTACT, "Stage", "lifecyclestage"),
        column(CONTACT, "Owner", "hubspot_owner_id"),
        column(CONTACT, "Born", "born_on"),
    ]
    job = run_import(http, import_request([("rows.csv", mappings)]), {"rows.csv": csv_bytes(rows)})
    assert job["state"] == "DONE"
    assert job["metadata"]["counters"]["CREATED_OBJECTS"] == 1
    found = _contacts(http, "lifecyclestage", "born_on")
    assert list(found) == ["ok@example.com"]
    assert found["ok@example.com"]["properties"]["lifecyclestage"] == "lead"
    assert found["ok@example.com"]["properties"]["born_on"] == "1990-12-31"
    errors = errors_of(http, job["id"])
    assert [
        (e["errorType"], e["sourceData"]["lineNumber"], e.get("knownColumnNumber")) for e in errors
    ] == [
        ("INVALID_ENUMERATION_OPTION", 3, 1),
        ("INCORRECT_NUMBER_OF_COLUMNS", 4, None),
        ("COULD_NOT_FIND_OWNER", 5, 2),
        ("COULD_NOT_PARSE_DATE", 6, 3),
    ]
    first = errors[0]
    assert first["sourceData"]["rowData"] == ["bad-stage@example.com", "nonsense", "", ""]
    assert first["invalidValue"] == "nonsense" and first["objectTypeId"] == CONTACT
    assert "nonsense was not one of the allowed options" in first["errorMessage"]
    bare = http.get(f"/crm/v3/imports/{job['id']}/errors", params={"limit": 2}).json()
    assert [e["sourceData"]["rowData"] for e in bare["results"]] == [[], []]
    assert "errorMessage" not in bare["results"][0]
    rest = http.get(
        f"/crm/v3/imports/{job['id']}/errors", params={"after": bare["paging"]["next"]["after"]}
    ).json()
    assert [e["errorType"] for e in rest["results"]] == [
        "COULD_NOT_FIND_OWNER",
        "COULD_NOT_PARSE_DATE",
    ]
    assert "paging" not in rest


def test_sdk_reads_errors_and_cancels(sdk: Any, http: httpx.Client, tmp_path: Path) -> None:
    rows = [["First Name", "Email"]] + [[f"n{i}", f"p{i}@example.com"] for i in range(20_000)]
    started = _sdk_import(
        sdk, tmp_path, "many.csv", csv_bytes(rows), import_request([("many.csv", CONTACT_COLUMNS)])
    )
    canceled = sdk.crm.imports.core_api.cancel(started.id)
    assert canceled.status == "COMPLETE"
    job = finished(http, started.id)
    assert job["state"] == "CANCELED"
    settled = finished(http, started.id)
    total = http.post("/crm/v3/objects/contacts/search", json={"limit": 1}).json()["total"]
    assert total == settled["metadata"]["counters"].get("CREATED_OBJECTS", 0) < 20_000
    again = http.post(f"/crm/v3/imports/{started.id}/cancel")
    assert_hubspot_error(
        again,
        400,
        message=f"Import {started.id} is CANCELED: only a STARTED or PROCESSING import can be"
        " canceled",
        category="VALIDATION_ERROR",
        errors=[],
        context={"importId": [started.id], "state": ["CANCELED"]},
    )
    errors = sdk.crm.imports.public_imports_api.get_errors(started.id)
    assert errors.results == []


def test_a_dynamic_list_follows_imported_records(http: httpx.Client) -> None:
    branch = {
        "filterBranchType": "OR",
        "filterBranches": [
            {
                "filterBranchType": "AND",
                "filters": [
                    {
                        "filterType": "PROPERTY",
                        "property": "firstname",
                        "operation": {
                            "operationType": "STRING",
                            "operator": "IS_EQUAL_TO",
                            "value": "Vip",
                        },
                    }
                ],
            }
        ],
    }
    made = http.post(
        "/crm/v3/lists",
        json={
            "name": "VIPs",
            "objectTypeId": CONTACT,
            "processingType": "DYNAMIC",
            "filterBranch": branch,
        },
    )
    assert made.status_code == 200, made.text
    list_id = made.json()["list"]["listId"]
    body = csv_bytes([["First Name", "Email"], ["Vip", "v@example.com"], ["Nope", "n@example.com"]])
    assert (
        run_import(http, import_request([("l.csv", CONTACT_COLUMNS)]), {"l.csv": body})["state"]
        == "DONE"
    )
    members = http.get(f"/crm/v3/lists/{list_id}/memberships").json()["results"]
    assert [m["recordId"] for m in members] == [_contacts(http)["v@example.com"]["id"]]


def _refused(http: httpx.Client, response: httpx.Response, status: int, **body: Any) -> None:
    assert_hubspot_error(response, status, **body)
    assert http.get("/crm/v3/imports").json()["results"] == []
    assert http.post("/crm/v3/objects/contacts/search", json={"limit": 1}).json()["total"] == 0


def test_a_file_that_is_not_utf8_is_refused_whole(http: httpx.Client) -> None:
    body = "First Name,Email\nJosé,j@example.com\n".encode("latin-1")
    response = start(http, import_request([("l1.csv", CONTACT_COLUMNS)]), {"l1.csv": body})
    _refused(
        http,
        response,
        400,
        message="l1.csv: The file is not UTF-8 text: byte 0xe9 at 20",
        category="VALIDATION_ERROR",
        errors=[],
        context={"errorType": ["INVALID_FILE_TYPE"]},
    )


def test_mappings_to_missing_columns_and_unknown_properties_are_refused(
    http: httpx.Client,
) -> None:
    body = csv_bytes([["First Name", "Email"], ["A", "a@example.com"]])
    missing = [*CONTACT_COLUMNS, column(CONTACT, "Phone", "phone")]
    _refused(
        http,
        start(http, import_request([("m.csv", missing)]), {"m.csv": body}),
        400,
        message="m.csv: column 'Phone' of the columnMappings is not in the file's header",
        category="VALIDATION_ERROR",
        errors=[],
        context={"columnName": ["Phone"]},
    )
    unknown = [column(CONTACT, "First Name", "no_such_property"), column(CONTACT, "Email", "email")]
    _refused(
        http,
        start(http, import_request([("m.csv", unknown)]), {"m.csv": body}),
        400,
        message="m.csv: property 'no_such_property' does not exist on object type 0-1",
        category="VALIDATION_ERROR",
        errors=[],
        context={"propertyName": ["no_such_property"]},
    )
    _refused(
        http,
        start(http, import_request([("other.csv", CONTACT_COLUMNS)]), {"m.csv": body}),
        400,
        message="The files sent (m.csv) are not the files of the importRequest (other.csv)",
        category="VALIDATION_ERROR",
        errors=[],
        context={"fileName": ["other.csv"]},
    )
    _refused(
        http,
        start(http, None, {"m.csv": body}),
        400,
        message="The importRequest form field is required",
        category="VALIDATION_ERROR",
        errors=[],
        context={},
    )
    _refused(
        http,
        start(http, "{not json", {"m.csv": body}),
        400,
        message="importRequest is not valid JSON: Expecting property name enclosed in double"
        " quotes: line 1 column 2 (char 1)",
        category="VALIDATION_ERROR",
        errors=[],
        context={},
    )
    _refused(
        http,
        http.post("/crm/v3/imports", json={"files": []}),
        415,
        message="Content type 'application/json' not supported: send multipart/form-data",
        category="VALIDATION_ERROR",
        errors=[],
        context={"Content-Type": ["application/json"]},
    )


def test_a_broken_spreadsheet_is_refused(http: httpx.Client) -> None:
    request = import_request([("s.xlsx", CONTACT_COLUMNS)], file_format="SPREADSHEET")
    response = start(http, request, {"s.xlsx": b"PK\x03\x04 not really a zip"})
    assert response.status_code == 400
    assert response.json()["context"] == {"errorType": ["INVALID_FILE_TYPE"]}
    assert http.get("/crm/v3/imports").json()["results"] == []


def test_another_portal_sees_no_import(http: httpx.Client, server: Server) -> None:
    body = csv_bytes([["First Name", "Email"], ["A", "iso@example.com"]])
    job = run_import(http, import_request([("i.csv", CONTACT_COLUMNS)]), {"i.csv": body})
    other = server.new_token("--portal", str(server.new_portal()))
    response = httpx.get(
        f"{server.base_url}/crm/v3/imports/{job['id']}",
        headers={"Authorization": f"Bearer {other}"},
    )
    assert_hubspot_error(
        response,
        404,
        message=f"Import {job['id']} does not exist",
        category="OBJECT_NOT_FOUND",
        errors=[],
        context={"importId": [job["id"]]},
    )
