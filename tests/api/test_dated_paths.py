"""HubSpot's dated API paths (``2025-09``, ``2026-03``, ``2026-09``) against a real server:
every API family answers at each version as at its v3/v4 path (same controllers, same bodies,
same auth), the Webhooks API at ``/webhooks/2026-03`` but ``/app-webhooks/{v}`` at the other
two, and ``/openapi.json`` lists only the ``2026-03`` ones."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from list_support import new_list
from webhook_support import DevApp, developer_http, new_app

from conftest import Server, assert_hubspot_error
from localspot.app import DATED_VERSIONS, upload_caps
from localspot.config import Settings

VERSIONS = ("2025-09", "2026-03", "2026-09")
WEBHOOKS = {
    "2025-09": "/app-webhooks/2025-09",
    "2026-03": "/webhooks/2026-03",
    "2026-09": "/app-webhooks/2026-09",
}
"""Where HubSpot's spec files put the Webhooks API at each version."""
WRONG_WEBHOOKS = {
    "2025-09": "/webhooks/2025-09",
    "2026-03": "/app-webhooks/2026-03",
    "2026-09": "/webhooks/2026-09",
}
TIMES = ("startedAt", "completedAt")


@pytest.fixture(scope="module")
def app(server: Server) -> DevApp:
    return new_app(server, "Dated paths app")


@pytest.fixture(scope="module")
def dev(server: Server, app: DevApp) -> Iterator[httpx.Client]:
    with developer_http(server, app) as client:
        yield client


def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def contact(client: httpx.Client, path: str) -> str:
    email = f"dated-{uuid.uuid4().hex[:12]}@example.com"
    made = ok(client.post(path, json={"properties": {"email": email}}), 201)
    assert made["properties"]["email"] == email
    return str(made["id"])


def without_times(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k not in TIMES}


def test_the_versions_served_are_hubspots() -> None:
    assert DATED_VERSIONS == VERSIONS


@pytest.mark.parametrize("version", VERSIONS)
def test_a_contact_made_at_a_dated_path_reads_the_same_at_v3(
    portal_http: httpx.Client, version: str
) -> None:
    dated = f"/crm/objects/{version}/contacts"
    made = contact(portal_http, dated)
    v3 = ok(portal_http.get(f"/crm/v3/objects/contacts/{made}"))
    assert ok(portal_http.get(f"{dated}/{made}")) == v3
    patched = portal_http.patch(f"{dated}/{made}", json={"properties": {"firstname": "Ada"}})
    assert ok(patched)["properties"]["firstname"] == "Ada"
    after = ok(
        portal_http.get(f"/crm/v3/objects/contacts/{made}", params={"properties": "firstname"})
    )
    assert after["properties"]["firstname"] == "Ada"
    batch = {"inputs": [{"id": made}], "properties": ["email"]}
    read = ok(portal_http.post(f"{dated}/batch/read", json=batch))
    assert [r["id"] for r in read["results"]] == [made]
    search = {
        "filterGroups": [
            {"filters": [{"propertyName": "hs_object_id", "operator": "EQ", "value": made}]}
        ]
    }
    found = ok(portal_http.post(f"{dated}/search", json=search))
    assert [r["id"] for r in found["results"]] == [made]


@pytest.mark.parametrize("version", VERSIONS)
def test_a_dated_path_takes_the_same_credentials(
    anonymous_http: httpx.Client, version: str
) -> None:
    v3 = anonymous_http.get("/crm/v3/objects/contacts")
    dated = anonymous_http.get(f"/crm/objects/{version}/contacts")
    assert v3.status_code == dated.status_code == 401
    assert {**dated.json(), "correlationId": ""} == {**v3.json(), "correlationId": ""}


@pytest.mark.parametrize("version", VERSIONS)
def test_a_list_made_at_a_dated_path_reads_back_at_v3(
    portal_http: httpx.Client, version: str
) -> None:
    made = ok(
        portal_http.post(
            f"/crm/lists/{version}",
            json={"name": f"Dated {version}", "objectTypeId": "0-1", "processingType": "MANUAL"},
        )
    )["list"]
    v3 = ok(portal_http.get(f"/crm/v3/lists/{made['listId']}"))["list"]
    assert v3 == made
    assert ok(portal_http.get(f"/crm/lists/{version}/{made['listId']}"))["list"] == v3
    other = new_list(portal_http, f"Made at v3 for {version}")
    dated = ok(portal_http.get(f"/crm/lists/{version}/{other['listId']}"))["list"]
    assert dated["name"] == f"Made at v3 for {version}"


@pytest.mark.parametrize("version", VERSIONS)
def test_owners_pipelines_properties_and_schemas_read_the_same(
    portal_http: httpx.Client, version: str
) -> None:
    pairs = [
        ("/crm/v3/owners", f"/crm/owners/{version}"),
        ("/crm/v3/pipelines/deals", f"/crm/pipelines/{version}/deals"),
        ("/crm/v3/properties/contacts/email", f"/crm/properties/{version}/contacts/email"),
        ("/crm/v3/properties/contacts/groups", f"/crm/properties/{version}/contacts/groups"),
        ("/crm-object-schemas/v3/schemas", f"/crm-object-schemas/{version}/schemas"),
        ("/crm/v3/imports", f"/crm/imports/{version}"),
    ]
    for v3, dated in pairs:
        assert ok(portal_http.get(dated)) == ok(portal_http.get(v3)), dated
    email = ok(portal_http.get(f"/crm/properties/{version}/contacts/email"))
    assert email["name"] == "email"


@pytest.mark.parametrize("version", VERSIONS)
def test_associations_at_the_dated_object_and_association_paths(
    portal_http: httpx.Client, version: str
) -> None:
    person = contact(portal_http, "/crm/v3/objects/contacts")
    company = ok(
        portal_http.post("/crm/v3/objects/companies", json={"properties": {"name": "Dated"}}),
        201,
    )["id"]
    linked = portal_http.put(
        f"/crm/objects/{version}/contacts/{person}/associations/default/companies/{company}"
    )
    assert linked.status_code == 200, linked.text
    v4 = ok(portal_http.get(f"/crm/v4/objects/contacts/{person}/associations/companies"))
    assert [r["toObjectId"] for r in v4["results"]] == [int(company)]
    dated_read = portal_http.get(f"/crm/objects/{version}/contacts/{person}/associations/companies")
    assert ok(dated_read) == v4
    body = {"inputs": [{"id": person}]}
    batch = ok(
        portal_http.post(f"/crm/associations/{version}/contacts/companies/batch/read", json=body)
    )
    v4_batch = ok(portal_http.post("/crm/v4/associations/contacts/companies/batch/read", json=body))
    assert without_times(batch) == without_times(v4_batch)
    assert [t["toObjectId"] for t in batch["results"][0]["to"]] == [int(company)]
    labels = ok(portal_http.get(f"/crm/associations/{version}/contacts/companies/labels"))
    assert labels == ok(portal_http.get("/crm/v4/associations/contacts/companies/labels"))
    limits = f"/crm/associations/{version}/definitions/configurations/all"
    assert ok(portal_http.get(limits)) == ok(
        portal_http.get("/crm/v4/associations/definitions/configurations/all")
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_deal_splits_at_the_dated_path_name_no_object_type(
    portal_http: httpx.Client, version: str
) -> None:
    deal = ok(
        portal_http.post("/crm/v3/objects/deals", json={"properties": {"dealname": "Dated"}}),
        201,
    )["id"]
    body = {"inputs": [{"id": deal}]}
    dated = ok(portal_http.post(f"/deal-splits/{version}/batch/read", json=body))
    v3 = ok(portal_http.post("/crm/v3/objects/deals/splits/batch/read", json=body))
    assert without_times(dated) == without_times(v3)
    assert dated["results"] == [{"id": deal, "splits": []}]


@pytest.mark.parametrize("version", VERSIONS)
def test_an_export_started_at_a_dated_path_links_its_status_there(
    server: Server, portal_http: httpx.Client, version: str
) -> None:
    body = {
        "exportType": "VIEW",
        "exportName": f"Dated {version}",
        "format": "CSV",
        "objectType": "0-1",
        "objectProperties": ["email"],
    }
    started = ok(portal_http.post(f"/crm/exports/{version}/export/async", json=body), 202)
    status = started["links"]["status"]
    assert status == (
        f"{server.base_url}/crm/exports/{version}/export/async/tasks/{started['id']}/status"
    )
    states = {"PENDING", "PROCESSING", "COMPLETE"}
    assert ok(portal_http.get(status))["status"] in states
    v3 = f"/crm/v3/exports/export/async/tasks/{started['id']}/status"
    assert ok(portal_http.get(v3))["status"] in states
    unknown = portal_http.get(f"/crm/exports/{version}/export/async/tasks/999999999/status")
    v3_unknown = portal_http.get("/crm/v3/exports/export/async/tasks/999999999/status")
    assert unknown.status_code == v3_unknown.status_code == 404
    assert {**unknown.json(), "correlationId": ""} == {**v3_unknown.json(), "correlationId": ""}


@pytest.mark.parametrize("version", VERSIONS)
def test_extension_settings_at_a_dated_path(
    server: Server, dev: httpx.Client, app: DevApp, version: str
) -> None:
    create = f"https://video.example.com/{version}/create"
    video = f"/crm/extensions/videoconferencing/{version}/settings/{app.app_id}"
    assert ok(dev.put(video, json={"createMeetingUrl": create}))["createMeetingUrl"] == create
    v3 = ok(dev.get(f"/crm/v3/extensions/videoconferencing/settings/{app.app_id}"))
    assert v3["createMeetingUrl"] == create
    assert ok(dev.get(video)) == v3
    cards = ok(dev.get(f"/crm/extensions/cards-dev/{version}/{app.app_id}"))
    assert cards == ok(dev.get(f"/crm/v3/extensions/cards-dev/{app.app_id}"))
    sample = httpx.get(f"{server.base_url}/crm/extensions/cards-dev/{version}/sample-response")
    assert ok(sample) == ok(
        httpx.get(f"{server.base_url}/crm/v3/extensions/cards-dev/sample-response")
    )
    calling = dev.get(f"/crm/extensions/calling/{version}/{app.app_id}/settings")
    v3_calling = dev.get(f"/crm/v3/extensions/calling/{app.app_id}/settings")
    assert calling.status_code == v3_calling.status_code
    assert {**calling.json(), "correlationId": ""} == {**v3_calling.json(), "correlationId": ""}


@pytest.mark.parametrize("version", VERSIONS)
def test_webhook_settings_at_each_versions_prefix(
    dev: httpx.Client, app: DevApp, version: str
) -> None:
    url = f"https://127.0.0.1:9000/{version}"
    settings = f"{WEBHOOKS[version]}/{app.app_id}/settings"
    body = {"targetUrl": url, "throttling": {"maxConcurrentRequests": 10}}
    saved = ok(dev.put(settings, json=body))
    assert saved["targetUrl"] == url
    assert ok(dev.get(app.settings)) == saved
    assert ok(dev.get(settings)) == saved
    subscriptions = ok(dev.get(f"{WEBHOOKS[version]}/{app.app_id}/subscriptions"))
    assert subscriptions == ok(dev.get(app.subscriptions))


@pytest.mark.parametrize("version", VERSIONS)
def test_the_other_webhooks_prefix_is_no_route_at_that_version(
    dev: httpx.Client, app: DevApp, version: str
) -> None:
    wrong = f"{WRONG_WEBHOOKS[version]}/{app.app_id}/settings"
    assert_hubspot_error(
        dev.get(wrong),
        404,
        message=f"Unable to route GET {wrong}",
        category="OBJECT_NOT_FOUND",
        context={},
        errors=[],
    )


@pytest.mark.parametrize("version", VERSIONS)
def test_a_dated_webhooks_path_takes_only_the_apps_key(
    server: Server, app: DevApp, version: str
) -> None:
    settings = f"{server.base_url}{WEBHOOKS[version]}/{app.app_id}/settings"
    refused = httpx.get(settings, params={"hapikey": "not-a-key"})
    v3 = httpx.get(f"{server.base_url}{app.settings}", params={"hapikey": "not-a-key"})
    assert refused.status_code == v3.status_code == 401
    assert {**refused.json(), "correlationId": ""} == {**v3.json(), "correlationId": ""}


def test_timeline_is_not_served_at_a_date(dev: httpx.Client, app: DevApp) -> None:
    for version in VERSIONS:
        path = f"/integrators/timeline/{version}/{app.app_id}/event-templates"
        assert dev.get(path).status_code == 404, path


def test_the_schema_lists_only_the_2026_03_dated_paths(server: Server) -> None:
    paths = list(httpx.get(f"{server.base_url}/openapi.json").json()["paths"])
    assert not [p for p in paths if "2025-09" in p or "2026-09" in p]
    assert "/crm/objects/2026-03/{object_type}" in paths
    assert "/webhooks/2026-03/{app_id}/settings" in paths
    assert not [p for p in paths if p.startswith("/app-webhooks")]


def test_an_import_upload_may_be_large_at_every_dated_path() -> None:
    capped = {pattern for _, pattern, _ in upload_caps(Settings())}
    for version in VERSIONS:
        assert f"/crm/imports/{version}" in capped
        assert f"/crm/imports/{version}/" in capped
