"""Exports API v3 (hubspot-behaviour §21) through a real server on both databases: the
official SDK starts exports and reads their status; the file is downloaded from the link
without a token and compared with the records. Link expiry is shown in process, where the
test moves the app's clock."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from import_support import csv_rows, export_done, xlsx_rows

from conftest import Server, assert_hubspot_error


@pytest.fixture
def http(server: Server) -> Any:
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


def _contacts(http: httpx.Client, rows: list[dict[str, str]]) -> list[str]:
    response = http.post(
        "/crm/v3/objects/contacts/batch/create",
        json={"inputs": [{"properties": p} for p in rows]},
    )
    assert response.status_code == 201, response.text
    return sorted((r["id"] for r in response.json()["results"]), key=int)


def _download(url: str) -> httpx.Response:
    return httpx.get(url, timeout=30)  # no token: the link is the credential


def _view_request(**extra: Any) -> Any:
    from hubspot.crm.exports import PublicExportViewRequest

    fields = {
        "export_type": "VIEW",
        "export_name": "Leads",
        "format": "CSV",
        "language": "EN",
        "object_type": "CONTACT",
        "object_properties": ["email", "lifecyclestage"],
        "export_internal_values_options": ["NAMES"],
        "override_associated_objects_per_definition_per_row_limit": False,
        **extra,
    }
    return PublicExportViewRequest(**fields)


def test_sdk_exports_a_filtered_view_as_csv(sdk: Any, http: httpx.Client) -> None:
    from hubspot.crm.exports import Filter, PublicCrmSearchRequest

    ids = _contacts(
        http,
        [
            {"email": "a@example.com", "lifecyclestage": "lead"},
            {"email": "b@example.com", "lifecyclestage": "customer"},
            {"email": "c@example.com", "lifecyclestage": "lead"},
        ],
    )
    search = PublicCrmSearchRequest(
        query="",
        filters=[Filter(property_name="lifecyclestage", operator="EQ", value="lead")],
        sorts=[],
    )
    task = sdk.crm.exports.public_exports_api.start(_view_request(public_crm_search_request=search))
    assert task.id and task.links["status"].endswith(f"/tasks/{task.id}/status")
    assert export_done(http, task.id)["status"] == "COMPLETE"
    status = sdk.crm.exports.public_exports_api.get_status(task.id)
    assert status.status == "COMPLETE" and status.result
    got = _download(status.result)
    assert got.status_code == 200
    assert got.headers["content-disposition"].endswith('filename="Leads.csv"')
    assert csv_rows(got.content) == [
        ["Record ID", "email", "lifecyclestage"],
        [ids[0], "a@example.com", "Lead"],
        [ids[2], "c@example.com", "Lead"],
    ]
    details = http.get(f"/crm/v3/exports/export/{task.id}").json()
    assert (details["exportState"], details["recordCount"]) == ("DONE", 2)


def test_sdk_exports_a_list_as_xlsx_with_associated_companies(sdk: Any, http: httpx.Client) -> None:
    from hubspot.crm.exports import PublicExportListRequest

    ids = _contacts(http, [{"email": f"m{i}@example.com", "firstname": f"M{i}"} for i in range(3)])
    company = http.post("/crm/v3/objects/companies", json={"properties": {"name": "Acme"}})
    company_id = company.json()["id"]
    linked = http.put(
        f"/crm/v4/objects/contacts/{ids[1]}/associations/default/companies/{company_id}"
    )
    assert linked.status_code == 200, linked.text
    made = http.post(
        "/crm/v3/lists", json={"name": "Few", "objectTypeId": "0-1", "processingType": "MANUAL"}
    )
    list_id = made.json()["list"]["listId"]
    added = http.put(f"/crm/v3/lists/{list_id}/memberships/add", json=[ids[1], ids[2]])
    assert added.status_code == 200, added.text
    request = PublicExportListRequest(
        export_type="LIST",
        export_name="Members",
        format="XLSX",
        language="EN",
        object_type="CONTACT",
        object_properties=["firstname", "email"],
        associated_object_type="COMPANY",
        export_internal_values_options=["VALUES"],
        override_associated_objects_per_definition_per_row_limit=False,
        list_id=list_id,
    )
    task = sdk.crm.exports.public_exports_api.start(request)
    status = export_done(http, task.id)
    assert status["status"] == "COMPLETE"
    rows = xlsx_rows(_download(status["result"]).content)
    assert rows == [
        ["Record ID", "First Name", "Email", "Associated Company IDs"],
        [ids[1], "M1", "m1@example.com", company_id],
        [ids[2], "M2", "m2@example.com", ""],
    ]


def test_a_view_without_filters_exports_every_live_record(http: httpx.Client) -> None:
    ids = _contacts(http, [{"email": f"all{i}@example.com"} for i in range(5)])
    archived = http.delete(f"/crm/v3/objects/contacts/{ids[0]}")
    assert archived.status_code == 204
    body = {
        "exportType": "VIEW",
        "exportName": "All",
        "format": "CSV",
        "objectType": "0-1",
        "objectProperties": ["email"],
        "exportInternalValuesOptions": ["NAMES"],
    }
    started = http.post("/crm/v3/exports/export/async", json=body)
    assert started.status_code == 202, started.text
    status = export_done(http, started.json()["id"])
    rows = csv_rows(_download(status["result"]).content)
    assert (
        rows
        == [["Record ID", "email"]] + [[i, f"all{n}@example.com"] for n, i in enumerate(ids)][1:]
    )


def test_a_filtered_view_of_several_pages_exports_every_match_in_id_order(
    http: httpx.Client,
) -> None:
    """More matches than one page of the export (1,000), between records that don't match
    and records archived after they were written."""
    ids: list[str] = []
    for batch in range(23):
        stages = ["lead" if (batch * 100 + i) % 3 else "customer" for i in range(100)]
        made = _contacts(
            http,
            [
                {"email": f"p{batch}-{i}@example.com", "lifecyclestage": s}
                for i, s in enumerate(stages)
            ],
        )
        ids += made
    archived = ids[10:2000:97]
    gone = http.post(
        "/crm/v3/objects/contacts/batch/archive", json={"inputs": [{"id": i} for i in archived]}
    )
    assert gone.status_code == 204
    body = {
        "exportType": "VIEW",
        "exportName": "Leads",
        "format": "CSV",
        "objectType": "0-1",
        "objectProperties": ["lifecyclestage"],
        "exportInternalValuesOptions": ["NAMES"],
        "publicCrmSearchRequest": {
            "filterGroups": [
                {"filters": [{"propertyName": "lifecyclestage", "operator": "EQ", "value": "lead"}]}
            ]
        },
    }
    started = http.post("/crm/v3/exports/export/async", json=body)
    assert started.status_code == 202, started.text
    status = export_done(http, started.json()["id"])
    rows = csv_rows(_download(status["result"]).content)
    gone_ids = set(archived)
    leads = [i for n, i in enumerate(ids) if n % 3 and i not in gone_ids]
    assert len(leads) > 1000
    assert rows == [["Record ID", "lifecyclestage"]] + [[i, "Lead"] for i in leads]


def test_bad_export_requests_get_hubspot_errors(http: httpx.Client) -> None:
    base = {
        "exportName": "x",
        "format": "CSV",
        "objectType": "CONTACT",
        "objectProperties": ["email"],
    }
    unknown = http.post(
        "/crm/v3/exports/export/async",
        json={**base, "exportType": "VIEW", "objectProperties": ["nope"]},
    )
    assert_hubspot_error(
        unknown,
        400,
        message="objectProperties: nope do not exist on object type 0-1",
        category="VALIDATION_ERROR",
        errors=[],
        context={"objectProperties": ["nope"]},
    )
    xls = http.post(
        "/crm/v3/exports/export/async", json={**base, "exportType": "VIEW", "format": "XLS"}
    )
    assert_hubspot_error(
        xls,
        400,
        message="format 'XLS' is not supported: use CSV or XLSX",
        category="VALIDATION_ERROR",
        errors=[],
        context={"format": ["XLS"]},
    )
    no_list = http.post(
        "/crm/v3/exports/export/async", json={**base, "exportType": "LIST", "listId": "999999"}
    )
    assert_hubspot_error(
        no_list,
        404,
        message="List 999999 of object type 0-1 does not exist",
        category="OBJECT_NOT_FOUND",
        errors=[],
        context={"listId": ["999999"]},
    )
    f = {"propertyName": "email", "operator": "HAS_PROPERTY"}
    many = http.post(
        "/crm/v3/exports/export/async",
        json={
            **base,
            "exportType": "VIEW",
            "publicCrmSearchRequest": {"filterGroups": [{"filters": [f]}] * 4},
        },
    )
    assert_hubspot_error(
        many,
        400,
        message="An export takes at most 3 filter groups of 3 filters each",
        category="VALIDATION_ERROR",
        errors=[],
        context={},
    )
    missing = http.get("/crm/v3/exports/export/async/tasks/424242/status")
    assert_hubspot_error(
        missing,
        404,
        message="Export 424242 does not exist",
        category="OBJECT_NOT_FOUND",
        errors=[],
        context={"exportId": ["424242"]},
    )


def test_a_download_link_expires_after_five_minutes(inprocess: Any) -> None:
    from import_support import poll

    made = inprocess.post("/crm/v3/objects/contacts", json={"properties": {"email": "t@x.io"}})
    assert made.status_code == 201
    body = {
        "exportType": "VIEW",
        "exportName": "Timed",
        "format": "CSV",
        "objectType": "CONTACT",
        "objectProperties": ["email"],
    }
    task = inprocess.post("/crm/v3/exports/export/async", json=body).json()["id"]

    def read() -> dict[str, Any]:
        return dict(inprocess.get(f"/crm/v3/exports/export/async/tasks/{task}/status").json())

    status = poll(read, lambda s: s["status"] == "COMPLETE")
    path = status["result"].removeprefix(str(inprocess.base_url).rstrip("/"))
    assert inprocess.get(path, headers={"Authorization": ""}).status_code == 200
    clock = inprocess.app.state.clock
    clock.advance(5 * 60_000 + 1)
    expired = inprocess.get(path, headers={"Authorization": ""})
    assert expired.status_code == 403
    assert expired.json()["message"] == (
        "This link has expired: read the export's status for a new one"
    )
    fresh = read()["result"].removeprefix(str(inprocess.base_url).rstrip("/"))
    assert inprocess.get(fresh, headers={"Authorization": ""}).status_code == 200
    forged = inprocess.get(path.replace("signature=", "signature=0"), headers={"Authorization": ""})
    assert forged.status_code == 403
