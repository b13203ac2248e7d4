"""schemathesis over both of our OpenAPI documents: no 5xx, every response as declared.

Runs schemathesis' own CLI against a real server, so the check is exactly what a user running
``st run`` would see: ``/openapi.json`` (the HubSpot API) with a portal's token, then
``/_localspot/openapi.json`` (the admin API) with the admin token. A config file binds path
parameters to ids that exist (records, a property, a group, a portal, a fault rule), so the
run reaches the 200 paths as well as the 400s and 404s.

The module has its own server: the admin run freezes and moves the clock, adds fault rules,
resets and deletes portals. Nothing is excluded; the HubSpot run goes first so the admin
run's faults and resets cannot reach it, and the admin run fuzzes a portal of its own.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from api.admin_support import AdminServer, create_calls, serve_with_admin
from api.list_support import DYNAMIC_BRANCH

CHECKS = [
    "not_a_server_error",
    "response_schema_conformance",
    "status_code_conformance",
    "content_type_conformance",
]
HUBSPOT_EXAMPLES = 4
"""Fuzzing examples per operation of the HubSpot document (118 operations): the coverage
phase already sends every boundary and negative case the schema defines (about 11,000
requests); 12 fuzzing examples per operation had cost as much again (about 50 s a run)."""
ADMIN_EXAMPLES = 12
SEED = 1
CONTACTS = "/crm/v3/objects/contacts"


@pytest.fixture(scope="module")
def spot(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AdminServer]:
    yield from serve_with_admin(backend, request, tmp_path_factory)


def schemathesis_command() -> list[str]:
    found = shutil.which("st", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "schemathesis.cli"]


def toml_value(value: Any) -> str:
    """JSON strings, numbers, lists and inline tables are valid TOML too."""
    if isinstance(value, dict):
        return (
            "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
        )
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return json.dumps(value)


def config_file(
    path: Path,
    token: str,
    bindings: dict[str, list[Any]],
    max_examples: int,
    hapikey: str | None = None,
) -> Path:
    """A schemathesis.toml: the checks, the seed, and existing ids bound to parameters (and,
    for the Webhooks API, an app's developer key as its ``developer_hapikey`` scheme).

    Each bound parameter takes a known value most of the time; generated values still reach
    the 400 and 404 paths.
    """
    lines = [
        f"seed = {SEED}",
        'suppress-health-check = ["all"]',
        "[checks]",
        *(f"{name}.enabled = true" for name in CHECKS),
        "[generation]",
        f"max-examples = {max_examples}",
        "[headers]",
        f"Authorization = {toml_value('Bearer ' + token)}",
        "[dictionaries]",
        *(f"known_{i} = {toml_value({'values': v})}" for i, v in enumerate(bindings.values())),
        "[parameters]",
        *(
            f"{toml_value(name)} = {toml_value({'dictionary': f'known_{i}', 'probability': 0.7})}"
            for i, name in enumerate(bindings)
        ),
    ]
    if hapikey is not None:
        lines += ["[auth.openapi.developer_hapikey]", f"api_key = {toml_value(hapikey)}"]
    path.write_text("\n".join(lines) + "\n")
    return path


def run_schemathesis(document_url: str, config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            *schemathesis_command(),
            "--config-file",
            str(config),
            "run",
            document_url,
            "--checks",
            ",".join(CHECKS),
            "--phases",
            "examples,coverage,fuzzing",
        ],
        capture_output=True,
        text=True,
        timeout=900,  # a guard against a hang only: a busy shared machine can take minutes
    )


def failures(done: subprocess.CompletedProcess[str]) -> str:
    """schemathesis' FAILURES section (each with its curl), else the end of its output."""
    out = done.stdout
    start = out.find(" FAILURES ")
    end = out.find(" WARNINGS ", start) if start >= 0 else -1
    shown = out[start:end] if start >= 0 else out[-6000:]
    return shown[:20000] + done.stderr[-2000:]


def custom_type(crm: httpx.Client) -> tuple[dict[str, Any], str]:
    """A custom object type with a record (so the run can't archive the type)."""
    schema = crm.post(
        "/crm-object-schemas/v3/schemas",
        json={
            "name": "fuzz_cars",
            "labels": {"singular": "Car", "plural": "Cars"},
            "primaryDisplayProperty": "model",
            "requiredProperties": [],
            "properties": [
                {"name": "model", "label": "Model", "type": "string", "fieldType": "text"}
            ],
            "associatedObjects": ["contacts"],
        },
    )
    assert schema.status_code == 201, schema.text
    car = crm.post(f"/crm/v3/objects/{schema.json()['id']}", json={"properties": {"model": "F"}})
    assert car.status_code == 201, car.text
    return schema.json(), car.json()["id"]


def list_data(crm: httpx.Client, contact_id: str) -> dict[str, list[str]]:
    """A list holding the contact, an empty one, a DYNAMIC one (for scheduled conversions),
    and a folder, for the Lists API routes."""
    made = []
    for name in ("Fuzz list", "Fuzz empty"):
        body = {"name": name, "objectTypeId": "0-1", "processingType": "MANUAL"}
        created = crm.post("/crm/v3/lists", json=body)
        assert created.status_code == 200, created.text
        made.append(created.json()["list"]["listId"])
    dynamic = {
        "name": "Fuzz dynamic",
        "objectTypeId": "0-1",
        "processingType": "DYNAMIC",
        "filterBranch": DYNAMIC_BRANCH,
    }
    created = crm.post("/crm/v3/lists", json=dynamic)
    assert created.status_code == 200, created.text
    added = crm.put(f"/crm/v3/lists/{made[0]}/memberships/add", json=[contact_id])
    assert added.status_code == 200, added.text
    folder = crm.post("/crm/v3/lists/folders", json={"name": "Fuzz folder"})
    assert folder.status_code == 200, folder.text
    folder_id = folder.json()["folder"]["id"]
    return {
        "path.list_id": [*made, created.json()["list"]["listId"]],
        "path.source_list_id": made,
        "path.folder_id": [folder_id, "0"],
        "path.new_parent_folder_id": ["0", folder_id],
        "path.object_type_id": ["0-1"],
        "path.record_id": [contact_id],
        "path.list_name": ["Fuzz list"],
        "query.listIds": made,
        "query.folderId": [folder_id],
        "query.legacyListId": ["1"],
    }


def job_data(crm: httpx.Client, contact_id: str) -> dict[str, list[str]]:
    """A finished import and a started export, for the Imports and Exports API routes."""
    mapping = {"columnObjectTypeId": "0-1", "columnName": "Email", "propertyName": "email"}
    request = {
        "name": "Fuzz import",
        "files": [
            {
                "fileName": "fuzz.csv",
                "fileFormat": "CSV",
                "fileImportPage": {"hasHeader": True, "columnMappings": [mapping]},
            }
        ],
    }
    started = crm.post(
        "/crm/v3/imports",
        data={"importRequest": json.dumps(request)},
        files=[("files", ("fuzz.csv", b"Email\nimported@example.com\n", "text/csv"))],
    )
    assert started.status_code == 200, started.text
    export = {
        "exportType": "VIEW",
        "exportName": "Fuzz export",
        "format": "CSV",
        "objectType": "CONTACT",
        "objectProperties": ["email"],
    }
    exported = crm.post("/crm/v3/exports/export/async", json=export)
    assert exported.status_code == 202, exported.text
    export_id = exported.json()["id"]
    return {
        "path.import_id": [started.json()["id"]],
        "path.task_id": [export_id],
        "path.export_id": [export_id],
        "body.listId": [],
    }


def hubspot_data(crm: httpx.Client) -> dict[str, list[str]]:
    """Records, a property, a group, an association and a custom object type the HubSpot
    run can find."""
    calls = create_calls(crm, 2)
    contact = crm.post(CONTACTS, json={"properties": {"email": "fuzz@example.com"}})
    assert contact.status_code == 201, contact.text
    contact_id = contact.json()["id"]
    group = crm.post("/crm/v3/properties/calls/groups", json={"name": "fuzz", "label": "Fuzz"})
    assert group.status_code == 201, group.text
    created = crm.post(
        "/crm/v3/properties/calls",
        json={
            "name": "fuzz_note",
            "label": "Fuzz note",
            "type": "string",
            "fieldType": "text",
            "groupName": "fuzz",
        },
    )
    assert created.status_code == 201, created.text
    linked = crm.put(f"/crm/v4/objects/calls/{calls[0]}/associations/default/contacts/{contact_id}")
    assert linked.status_code == 200, linked.text
    stage = {"label": "Fuzzed", "displayOrder": 0, "metadata": {"probability": 0.5}}
    pipeline = crm.post(
        "/crm/v3/pipelines/deals", json={"label": "Fuzz", "displayOrder": 1, "stages": [stage]}
    )
    assert pipeline.status_code == 201, pipeline.text
    schema, car = custom_type(crm)
    lists = list_data(crm, contact_id)
    jobs = job_data(crm, contact_id)
    jobs["body.listId"] = lists["path.list_id"]
    return {
        **lists,
        **jobs,
        "path.object_type": ["calls", "deals", schema["id"]],
        "path.schema_type": [schema["id"], schema["fullyQualifiedName"]],
        "path.association_identifier": [a["id"] for a in schema["associations"]],
        "path.pipeline_id": ["default", pipeline.json()["id"]],
        "path.stage_id": ["appointmentscheduled", pipeline.json()["stages"][0]["id"]],
        "path.object_id": [*calls, car],
        "path.to_object_type": ["contacts"],
        "path.to_object_id": [contact_id],
        "path.property_name": ["fuzz_note", "hs_call_title"],
        "path.group_name": ["fuzz"],
        "path.association_type": ["194", "call_to_contact"],
        "body.inputs[*].id": [*calls, contact_id],
        "body.inputs[*].from.id": calls,
        "body.inputs[*].to.id": [contact_id],
        "body.inputs[*].to[*].id": [contact_id],
        "body.engagementId": [int(c) for c in calls],
    }


def webhook_data(spot: AdminServer, portal_id: int) -> tuple[dict[str, list[Any]], str]:
    """An app installed in the portal, with settings and a subscription, for the Webhooks
    API routes; and its developer key."""
    made = spot.admin.post("/_localspot/apps", json={"name": "Fuzz app", "portalId": portal_id})
    assert made.status_code == 201, made.text
    app_id, key = made.json()["appId"], made.json()["developerApiKey"]
    with httpx.Client(base_url=spot.base_url, params={"hapikey": key}) as dev:
        body = {"targetUrl": "https://fuzz.example/h", "throttling": {"maxConcurrentRequests": 6}}
        assert dev.put(f"/webhooks/v3/{app_id}/settings", json=body).status_code == 200
        sub = dev.post(f"/webhooks/v3/{app_id}/subscriptions", json={"eventType": "deal.creation"})
        assert sub.status_code == 201, sub.text
        card_id = extension_data(dev, app_id)
    sub_id = int(sub.json()["id"])
    bindings = {
        "path.app_id": [app_id],
        "path.subscription_id": [sub_id],
        "path.card_id": [card_id],
        "body.inputs[*].id": [sub_id],
        "body.targetUrl": ["https://fuzz.example/h", "http://127.0.0.1:9/h"],
        "body.throttling.maxConcurrentRequests": [6, 10],
    }
    return bindings, key


def timeline_data(
    spot: AdminServer, app_id: int, key: str, crm: httpx.Client
) -> dict[str, list[Any]]:
    """An event template of the app (installed in the portal) with a token, and an event of
    the portal on a contact, for the Timeline events API routes."""
    token = {"name": "what", "label": "What", "type": "string"}
    with httpx.Client(base_url=spot.base_url, params={"hapikey": key}) as dev:
        template = dev.post(
            f"/integrators/timeline/v3/{app_id}/event-templates",
            json={"name": "Fuzz", "objectType": "contacts", "tokens": [token]},
        )
        assert template.status_code == 201, template.text
    template_id = template.json()["id"]
    event = crm.post(
        "/integrators/timeline/v3/events",
        json={"eventTemplateId": template_id, "email": "fuzz@example.com", "tokens": {}},
    )
    assert event.status_code == 201, event.text
    return {
        "path.event_template_id": [template_id],
        "path.event_id": [event.json()["id"]],
        "path.token_name": ["what"],
        "body.eventTemplateId": [template_id],
        "body.inputs[*].eventTemplateId": [template_id],
        "body.objectId": [event.json()["objectId"]],
        "body.inputs[*].objectId": [event.json()["objectId"]],
        "body.objectType": ["contacts", "deals"],
    }


def extension_data(dev: httpx.Client, app_id: int) -> str:
    """The app's calling, recording, channel connection and video conferencing settings and
    a CRM card, for the CRM extensions' routes; the card's id."""
    calling = f"/crm/v3/extensions/calling/{app_id}/settings"
    made = [
        dev.post(calling, json={"name": "Fuzz dialer", "url": "https://fuzz.example/w"}),
        dev.post(
            calling + "/recording", json={"urlToRetrieveAuthedRecording": "https://f.example"}
        ),
        dev.post(
            calling + "/channel-connection", json={"isReady": True, "url": "https://f.example"}
        ),
        dev.put(
            f"/crm/v3/extensions/videoconferencing/settings/{app_id}",
            json={"createMeetingUrl": "https://fuzz.example/m"},
        ),
    ]
    assert [answer.status_code for answer in made] == [200] * 4, [a.text for a in made]
    fetch = {
        "targetUrl": "https://fuzz.example/f",
        "objectTypes": [{"name": "contacts", "propertiesToSend": ["email"]}],
    }
    card = {
        "title": "Fuzz card",
        "fetch": fetch,
        "display": {"properties": []},
        "actions": {"baseUrls": ["https://fuzz.example"]},
    }
    created = dev.post(f"/crm/v3/extensions/cards-dev/{app_id}", json=card)
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def admin_data(spot: AdminServer) -> dict[str, list[Any]]:
    """A portal of the admin run's own, with a record, a fault rule, an owner and a team."""
    portal_id, crm = spot.new_portal()
    create_calls(crm, 1)
    owner = spot.admin.post(f"/_localspot/portals/{portal_id}/owners", json={"email": "f@z.io"})
    assert owner.status_code == 201, owner.text
    team = spot.admin.post(f"/_localspot/portals/{portal_id}/teams", json={"name": "Fuzz"})
    assert team.status_code == 201, team.text
    owner_id, team_id = int(owner.json()["id"]), int(team.json()["id"])
    joined = spot.admin.post(
        f"/_localspot/portals/{portal_id}/teams/{team_id}/owners", json={"ownerId": owner_id}
    )
    assert joined.status_code == 204, joined.text
    rule = spot.admin.post(
        f"/_localspot/portals/{portal_id}/faults", json={"status": 503, "path": "/nowhere"}
    )
    assert rule.status_code == 201, rule.text
    app = spot.admin.post("/_localspot/apps", json={"portalId": portal_id})
    assert app.status_code == 201, app.text
    return {
        "path.portal_id": [portal_id],
        "path.app_id": [app.json()["appId"]],
        "path.rule_id": [rule.json()["id"]],
        "path.owner_id": [owner_id],
        "path.team_id": [team_id],
        "body.ownerId": [owner_id],
        "body.status": [429, 503],
        "body.policy": ["DAILY"],
        "body.latencyMs": [0, 5],
        "body.format": ["localspot-snapshot/1"],
        "body.tier": ["starter"],
        "body.timezone": ["Europe/Paris"],
    }


def test_openapi_schema_describes_batch_update(spot: AdminServer) -> None:
    document = httpx.get(f"{spot.base_url}/openapi.json").json()
    operation = document["paths"]["/crm/v3/objects/{object_type}/batch/update"]["post"]
    assert {"200", "207", "400", "401"} <= set(operation["responses"])
    assert operation["security"] == [{"private_apps": []}]


def test_the_hubspot_document_holds_no_admin_route(spot: AdminServer) -> None:
    document = httpx.get(f"{spot.base_url}/openapi.json").json()
    assert not [p for p in document["paths"] if p.startswith("/_localspot")]
    assert set(document["components"]["securitySchemes"]) == {"private_apps", "developer_hapikey"}


def test_the_admin_document_uses_the_admin_token(spot: AdminServer) -> None:
    document = httpx.get(f"{spot.base_url}/_localspot/openapi.json").json()
    assert set(document["components"]["securitySchemes"]) == {"localspot_admin"}
    security = {
        path: json.dumps(operation.get("security"))
        for path, item in document["paths"].items()
        for operation in item.values()
    }
    assert security.pop("/healthz") == "null"
    assert set(security.values()) == {json.dumps([{"localspot_admin": []}])}


def test_every_route_served_is_in_one_of_the_documents(spot: AdminServer) -> None:
    documented = {
        (method.upper(), path)
        for url in ("/openapi.json", "/_localspot/openapi.json")
        for path, item in httpx.get(spot.base_url + url).json()["paths"].items()
        for method in item
    }
    assert documented == served_operations(in_schema=True)


def test_the_routes_left_out_of_the_documents_are_dated_aliases() -> None:
    """The 2025-09 and 2026-09 paths, the APIs first served at a date with them (every other
    dated path of 2026-03 stays documented, compatibility.md "Dated API versions"), and the
    association labels and limits at ``/crm/associations/v4`` (the Node SDK's paths)."""
    hidden = {path for _, path in served_operations(in_schema=False)}
    later = ("/crm/properties/", "/crm/associations/", "/crm-object-schemas/", "/deal-splits/")
    assert hidden
    assert not [
        p
        for p in hidden
        if "/2025-09" not in p
        and "/2026-09" not in p
        and not (p.startswith(later) and "/2026-03" in p)
        and not p.startswith("/crm/associations/v4/")
    ]
    v4 = sorted(p.removeprefix("/crm/associations/v4") for p in hidden if "/v4/" in p)
    documented = {path for _, path in served_operations(in_schema=True)}
    assert v4 and all(f"/crm/v4/associations{p}" in documented for p in v4)
    assert {p for p in v4 if p.endswith(("/labels", "/labels/{association_type_id}"))}
    assert "/definitions/configurations/all" in v4


def served_operations(*, in_schema: bool) -> set[tuple[str, str]]:
    """What the app routes (those its OpenAPI schema lists, or those it leaves out), read
    from the app the server runs, less the schema's own pages, an export's download link (a
    signed file address, as HubSpot's, not an operation) and the inspector's HTML pages
    (``tests/api/test_inspector_access.py`` covers each)."""
    from localspot.app import create_app
    from localspot.config import Settings

    pages = (
        "/openapi.json",
        "/_localspot/openapi.json",
        "/docs",
        "/schema",
        "/_localspot/exports/",
        "/_localspot/ui",
    )
    return {
        (method, route.path_format)
        for route in create_app(Settings()).routes
        for handler in route.route_handlers
        for method in getattr(handler, "http_methods", set()) - {"OPTIONS"}
        if not route.path_format.startswith(pages)
        and handler.resolve_include_in_schema() == in_schema
    }


def assert_every_operation_tested(done: subprocess.CompletedProcess[str], url: str) -> None:
    """schemathesis' summary counts every operation of the document as tested."""
    operations = sum(
        1
        for item in httpx.get(url).json()["paths"].values()
        for method in item
        if method in {"get", "put", "post", "patch", "delete"}
    )
    assert f"Tested: {operations}\n" in done.stdout, failures(done)


def test_every_operation_conforms_to_the_schema(spot: AdminServer, tmp_path: Path) -> None:
    portal_id, crm = spot.new_portal()
    token = str(crm.headers["Authorization"]).removeprefix("Bearer ")
    webhooks, hapikey = webhook_data(spot, portal_id)
    bindings = hubspot_data(crm)
    bindings["body.inputs[*].id"] += webhooks.pop("body.inputs[*].id")
    bindings.update(timeline_data(spot, webhooks["path.app_id"][0], hapikey, crm))
    hubspot = config_file(
        tmp_path / "hubspot.toml", token, {**bindings, **webhooks}, HUBSPOT_EXAMPLES, hapikey
    )
    done = run_schemathesis(f"{spot.base_url}/openapi.json", hubspot)
    assert done.returncode == 0, failures(done)
    assert_every_operation_tested(done, f"{spot.base_url}/openapi.json")
    admin_token = str(spot.admin.headers["Authorization"]).removeprefix("Bearer ")
    admin = config_file(tmp_path / "admin.toml", admin_token, admin_data(spot), ADMIN_EXAMPLES)
    done = run_schemathesis(f"{spot.base_url}/_localspot/openapi.json", admin)
    assert done.returncode == 0, failures(done)
    assert_every_operation_tested(done, f"{spot.base_url}/_localspot/openapi.json")
