"""The Pipelines API v3 (``/crm/v3/pipelines/{objectType}``) over HTTP and through the
official SDK: the default pipelines of a new portal, the pipeline and stage lifecycle,
audits, bad input and portal isolation."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from hubspot.crm.pipelines import (
    ApiException,
    PipelineInput,
    PipelinePatchInput,
    PipelineStageInput,
)

from conftest import assert_hubspot_error, assert_sdk_error

DEALS = "/crm/v3/pipelines/deals"
TICKETS = "/crm/v3/pipelines/tickets"

DEAL_STAGES = [
    ("appointmentscheduled", "Appointment Scheduled", "0.2"),
    ("qualifiedtobuy", "Qualified To Buy", "0.4"),
    ("presentationscheduled", "Presentation Scheduled", "0.6"),
    ("decisionmakerboughtin", "Decision Maker Bought-In", "0.8"),
    ("contractsent", "Contract Sent", "0.9"),
    ("closedwon", "Closed Won", "1.0"),
    ("closedlost", "Closed Lost", "0.0"),
]


def new_pipeline(
    client: httpx.Client, label: str, *stages: str, path: str = DEALS
) -> dict[str, Any]:
    meta = {"probability": 0.5} if path == DEALS else {"ticketState": "OPEN"}
    body = {
        "label": label,
        "displayOrder": 1,
        "stages": [{"label": s, "displayOrder": i, "metadata": meta} for i, s in enumerate(stages)],
    }
    response = client.post(path, json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_a_new_portal_has_the_default_deals_pipeline(portal_http: httpx.Client) -> None:
    response = portal_http.get(DEALS)
    assert response.status_code == 200
    (pipeline,) = response.json()["results"]
    assert (pipeline["id"], pipeline["label"], pipeline["displayOrder"]) == (
        "default",
        "Sales Pipeline",
        0,
    )
    assert pipeline["createdAt"] == "1970-01-01T00:00:00Z" or pipeline["createdAt"].startswith(
        "1970-01-01T00:00:00"
    )
    stages = [(s["id"], s["label"], s["metadata"]["probability"]) for s in pipeline["stages"]]
    assert stages == DEAL_STAGES
    assert pipeline["stages"][5]["metadata"]["isClosed"] == "true"
    assert {s["writePermissions"] for s in pipeline["stages"]} == {"CRM_PERMISSIONS_ENFORCEMENT"}


def test_a_new_portal_has_the_default_tickets_pipeline(portal_http: httpx.Client) -> None:
    (pipeline,) = portal_http.get("/crm/v3/pipelines/0-5").json()["results"]
    assert (pipeline["id"], pipeline["label"]) == ("0", "Support Pipeline")
    stages = [(s["id"], s["label"], s["metadata"]["ticketState"]) for s in pipeline["stages"]]
    assert stages == [
        ("1", "New", "OPEN"),
        ("2", "Waiting on contact", "OPEN"),
        ("3", "Waiting on us", "OPEN"),
        ("4", "Closed", "CLOSED"),
    ]


def test_the_sdk_reads_the_default_pipelines(portal_sdk: Any) -> None:
    (pipeline,) = portal_sdk.crm.pipelines.pipelines_api.get_all("deals").results
    assert pipeline.id == "default"
    assert [s.id for s in pipeline.stages] == [s for s, _, _ in DEAL_STAGES]
    stage = portal_sdk.crm.pipelines.pipeline_stages_api.get_by_id("deals", "default", "closedwon")
    assert stage.metadata == {"isClosed": "true", "probability": "1.0"}


def test_the_sdk_drives_a_pipeline_through_its_lifecycle(portal_sdk: Any) -> None:
    api = portal_sdk.crm.pipelines
    stages = [
        PipelineStageInput(label="Lead", display_order=0, metadata={"probability": "0.1"}),
        PipelineStageInput(label="Won", display_order=1, metadata={"probability": "1.0"}),
    ]
    created = api.pipelines_api.create(
        "deals", PipelineInput(label="Renewals", display_order=2, stages=stages)
    )
    assert created.id.isdigit() and created.label == "Renewals"
    assert [s.label for s in created.stages] == ["Lead", "Won"]
    assert all(s.id.isdigit() for s in created.stages)
    got = api.pipelines_api.get_by_id("deals", created.id)
    assert got.to_dict() == created.to_dict()
    updated = api.pipelines_api.update(
        "deals", created.id, PipelinePatchInput(label="Renewals 2026")
    )
    assert updated.label == "Renewals 2026"
    stage = api.pipeline_stages_api.create(
        "deals",
        created.id,
        PipelineStageInput(label="Lost", display_order=2, metadata={"probability": "0.0"}),
    )
    assert stage.metadata == {"probability": "0.0", "isClosed": "true"}
    listed = api.pipeline_stages_api.get_all("deals", created.id).results
    assert [s.label for s in listed] == ["Lead", "Won", "Lost"]
    replaced = api.pipeline_stages_api.replace(
        "deals",
        created.id,
        stage.id,
        PipelineStageInput(label="Lost for good", display_order=3, metadata={"probability": "0.0"}),
    )
    assert (replaced.id, replaced.label) == (stage.id, "Lost for good")
    api.pipeline_stages_api.archive("deals", created.id, stage.id)
    with pytest.raises(ApiException) as gone:
        api.pipeline_stages_api.get_by_id("deals", created.id, stage.id)
    assert_sdk_error(
        gone.value,
        404,
        message=f"Unable to find stage {stage.id} in pipeline {created.id}",
        category="OBJECT_NOT_FOUND",
        errors=[],
        context={"pipelineId": [created.id], "stageId": [stage.id]},
    )
    audit = api.pipeline_audits_api.get_audit("deals", created.id).results
    assert [a.action for a in audit] == ["UPDATE", "CREATE"]
    assert audit[1].raw_object["label"] == "Renewals"
    api.pipelines_api.archive("deals", created.id)
    names = [p.id for p in api.pipelines_api.get_all("deals").results]
    assert created.id not in names
    assert [a.action for a in api.pipeline_audits_api.get_audit("deals", created.id).results][
        0
    ] == "DELETE"


def test_a_stage_audit_lists_its_changes_newest_first(portal_http: httpx.Client) -> None:
    pipeline = new_pipeline(portal_http, "Audited", "One")
    stage_id = pipeline["stages"][0]["id"]
    path = f"{DEALS}/{pipeline['id']}/stages/{stage_id}"
    assert portal_http.patch(path, json={"label": "Uno"}).status_code == 200
    audit = portal_http.get(f"{path}/audit").json()["results"]
    assert [(a["action"], a["identifier"], a["rawObject"]["label"]) for a in audit] == [
        ("UPDATE", stage_id, "Uno"),
        ("CREATE", stage_id, "One"),
    ]
    assert {a["portalId"] for a in audit} == {audit[0]["portalId"]}


def test_replace_keeps_named_stages_and_archives_the_rest(portal_http: httpx.Client) -> None:
    pipeline = new_pipeline(portal_http, "Replaced", "A", "B")
    keep = pipeline["stages"][0]["id"]
    body = {
        "label": "Replaced!",
        "displayOrder": 5,
        "stages": [
            {"stageId": keep, "label": "A2", "displayOrder": 0, "metadata": {"probability": 0.3}},
            {"label": "C", "displayOrder": 1, "metadata": {"probability": 0.6}},
        ],
    }
    response = portal_http.put(f"{DEALS}/{pipeline['id']}", json=body)
    assert response.status_code == 200, response.text
    stages = response.json()["stages"]
    assert [s["label"] for s in stages] == ["A2", "C"]
    assert stages[0]["id"] == keep and stages[1]["id"] != pipeline["stages"][1]["id"]


@pytest.mark.parametrize(
    ("body", "message", "context"),
    [
        (
            {"label": " ", "displayOrder": 0, "stages": []},
            "Pipeline label must not be blank",
            {"label": [""]},
        ),
        (
            {"label": "P", "displayOrder": 0, "stages": []},
            "A pipeline needs at least one stage",
            {"stages": []},
        ),
        (
            {
                "label": "P",
                "displayOrder": 0,
                "stages": [{"label": "S", "displayOrder": 0, "metadata": {}}],
            },
            "Deal stages need metadata.probability, a number from 0.0 to 1.0",
            {"probability": []},
        ),
        (
            {
                "label": "P",
                "displayOrder": 0,
                "stages": [{"label": "S", "displayOrder": 0, "metadata": {"probability": 1.5}}],
            },
            "metadata.probability must be a number from 0.0 to 1.0, got 1.5",
            {"probability": ["1.5"]},
        ),
        (
            {
                "label": "Sales Pipeline",
                "displayOrder": 0,
                "stages": [{"label": "S", "displayOrder": 0, "metadata": {"probability": 1}}],
            },
            "Pipeline labels must be unique; 'Sales Pipeline' is used twice",
            {"label": ["Sales Pipeline"]},
        ),
    ],
)
def test_bad_deal_pipelines_are_refused(
    portal_http: httpx.Client, body: dict[str, Any], message: str, context: dict[str, Any]
) -> None:
    before = portal_http.get(DEALS).json()
    response = portal_http.post(DEALS, json=body)
    assert_hubspot_error(
        response, 400, message=message, category="VALIDATION_ERROR", errors=[], context=context
    )
    assert portal_http.get(DEALS).json() == before


def test_a_ticket_stage_without_a_ticket_state_is_open(portal_http: httpx.Client) -> None:
    body = {
        "label": "Stateless",
        "displayOrder": 5,
        "stages": [{"label": "S", "displayOrder": 0, "metadata": {}}],
    }
    response = portal_http.post(TICKETS, json=body)
    assert response.status_code == 201, response.text
    (stage,) = response.json()["stages"]
    assert stage["metadata"] == {"ticketState": "OPEN", "isClosed": "false"}


def test_a_ticket_stage_with_another_ticket_state_is_refused(portal_http: httpx.Client) -> None:
    before = portal_http.get(TICKETS).json()
    body = {
        "label": "T",
        "displayOrder": 0,
        "stages": [{"label": "S", "displayOrder": 0, "metadata": {"ticketState": "DONE"}}],
    }
    assert_hubspot_error(
        portal_http.post(TICKETS, json=body),
        400,
        message="metadata.ticketState must be OPEN or CLOSED",
        category="VALIDATION_ERROR",
        errors=[],
        context={"ticketState": ["DONE"]},
    )
    assert portal_http.get(TICKETS).json() == before


def test_the_dated_path_serves_the_same_pipelines(portal_http: httpx.Client) -> None:
    created = new_pipeline(portal_http, "Dated", "One")
    dated = portal_http.get(f"/crm/pipelines/2026-03/deals/{created['id']}")
    assert dated.status_code == 200
    assert dated.json() == portal_http.get(f"{DEALS}/{created['id']}").json()


def test_unknown_pipelines_and_stages_are_404(portal_http: httpx.Client) -> None:
    assert_hubspot_error(
        portal_http.get(f"{DEALS}/404404"),
        404,
        message="Unable to find pipeline 404404",
        category="OBJECT_NOT_FOUND",
        errors=[],
        context={"pipelineId": ["404404"]},
    )
    assert_hubspot_error(
        portal_http.get(f"{DEALS}/default/stages/nope"),
        404,
        message="Unable to find stage nope in pipeline default",
        category="OBJECT_NOT_FOUND",
        errors=[],
        context={"pipelineId": ["default"], "stageId": ["nope"]},
    )


def test_types_without_pipelines_are_refused(portal_http: httpx.Client) -> None:
    assert_hubspot_error(
        portal_http.get("/crm/v3/pipelines/contacts"),
        400,
        message="Object type contacts does not support pipelines",
        category="VALIDATION_ERROR",
        errors=[],
        context={"objectType": ["contacts"]},
    )


def test_archiving_a_pipeline_with_deals_is_refused_when_validated(
    portal_http: httpx.Client,
) -> None:
    pipeline = new_pipeline(portal_http, "Busy", "Open")
    stage_id = pipeline["stages"][0]["id"]
    deal = {"properties": {"dealname": "d", "pipeline": pipeline["id"], "dealstage": stage_id}}
    assert portal_http.post("/crm/v3/objects/deals", json=deal).status_code == 201
    path = f"{DEALS}/{pipeline['id']}"
    response = portal_http.delete(path, params={"validateDealStageUsagesBeforeDelete": "true"})
    assert_hubspot_error(
        response,
        400,
        message=f"The pipeline {pipeline['id']} can't be deleted: 1 records are in it. Move them "
        "first, or send the validate flag as false.",
        category="VALIDATION_ERROR",
        errors=[],
        context={"id": [pipeline["id"]], "records": ["1"]},
    )
    assert portal_http.get(path).status_code == 200
    assert portal_http.delete(path).status_code == 204
    assert portal_http.get(path).status_code == 404


def test_a_pipeline_of_one_portal_is_unknown_in_another(
    portal_http: httpx.Client, http: httpx.Client
) -> None:
    pipeline = new_pipeline(portal_http, "Private", "Only")
    assert http.get(f"{DEALS}/{pipeline['id']}").status_code == 404
    assert pipeline["id"] not in [p["id"] for p in http.get(DEALS).json()["results"]]


DEAL_OBJECTS = "/crm/v3/objects/deals"


def _stage_ids(pipeline: dict[str, Any]) -> list[str]:
    return [s["id"] for s in pipeline["stages"]]


def test_a_deal_moves_through_a_custom_pipeline_with_history(portal_http: httpx.Client) -> None:
    pipeline = new_pipeline(portal_http, "Moves", "First", "Second", "Third")
    first, second, third = _stage_ids(pipeline)
    body = {"properties": {"dealname": "mover", "pipeline": pipeline["id"], "dealstage": first}}
    deal = portal_http.post(DEAL_OBJECTS, json=body).json()
    for stage in (second, third):
        moved = portal_http.patch(
            f"{DEAL_OBJECTS}/{deal['id']}", json={"properties": {"dealstage": stage}}
        )
        assert moved.status_code == 200, moved.text
    read = portal_http.get(
        f"{DEAL_OBJECTS}/{deal['id']}", params={"propertiesWithHistory": "dealstage"}
    ).json()
    assert [h["value"] for h in read["propertiesWithHistory"]["dealstage"]] == [
        third,
        second,
        first,
    ]
    assert read["properties"]["pipeline"] == pipeline["id"]


def test_a_deal_without_a_pipeline_gets_the_default(portal_http: httpx.Client) -> None:
    created = portal_http.post(
        DEAL_OBJECTS, json={"properties": {"dealname": "plain", "dealstage": "qualifiedtobuy"}}
    ).json()
    assert created["properties"]["pipeline"] == "default"
    bare = portal_http.post(DEAL_OBJECTS, json={"properties": {"dealname": "bare"}}).json()
    assert bare["properties"]["pipeline"] == "default"


def _mismatch(stage: str, allowed: list[str], name: str = "dealstage") -> str:
    text = f"{stage} was not one of the allowed options: [{', '.join(allowed)}]"
    return (
        'Property values were not valid: [{"isValid":false,"message":"'
        + text
        + f'","error":"INVALID_OPTION","name":"{name}","localizedErrorMessage":"'
        + text
        + '","portalId":'
    )


def test_a_stage_of_another_pipeline_is_refused_on_create(portal_http: httpx.Client) -> None:
    pipeline = new_pipeline(portal_http, "Elsewhere", "Here")
    body = {"properties": {"dealname": "x", "pipeline": pipeline["id"], "dealstage": "closedwon"}}
    response = portal_http.post(DEAL_OBJECTS, json=body)
    assert response.status_code == 400
    error = response.json()
    assert error["message"].startswith(_mismatch("closedwon", _stage_ids(pipeline)))
    assert error["errors"] == [
        {
            "message": f"closedwon was not one of the allowed options: [{_stage_ids(pipeline)[0]}]",
            "code": "INVALID_OPTION",
            "context": {"propertyName": ["dealstage"]},
        }
    ]


def test_a_stage_of_another_pipeline_is_refused_on_update(portal_http: httpx.Client) -> None:
    pipeline = new_pipeline(portal_http, "Kept apart", "Mine")
    created = portal_http.post(
        DEAL_OBJECTS, json={"properties": {"dealname": "y", "dealstage": "closedwon"}}
    ).json()
    path = f"{DEAL_OBJECTS}/{created['id']}"
    moved = portal_http.patch(path, json={"properties": {"dealstage": _stage_ids(pipeline)[0]}})
    assert moved.status_code == 400
    allowed = [s for s, _, _ in DEAL_STAGES]
    assert moved.json()["message"].startswith(_mismatch(_stage_ids(pipeline)[0], allowed))
    switched = portal_http.patch(path, json={"properties": {"pipeline": pipeline["id"]}})
    assert switched.status_code == 400
    assert portal_http.get(path).json()["properties"]["dealstage"] == "closedwon"
    both = {"pipeline": pipeline["id"], "dealstage": _stage_ids(pipeline)[0]}
    assert portal_http.patch(path, json={"properties": both}).status_code == 200


def test_batches_report_mismatched_stages_per_input(portal_http: httpx.Client) -> None:
    pipeline = new_pipeline(portal_http, "Batched", "Only stage")
    good = {"dealname": "ok", "pipeline": pipeline["id"], "dealstage": _stage_ids(pipeline)[0]}
    bad = {"dealname": "bad", "pipeline": pipeline["id"], "dealstage": "closedlost"}
    inputs = [
        {"properties": good, "objectWriteTraceId": "t1"},
        {"properties": bad, "objectWriteTraceId": "t2"},
    ]
    response = portal_http.post(f"{DEAL_OBJECTS}/batch/create", json={"inputs": inputs})
    assert response.status_code == 207, response.text
    body = response.json()
    assert [r["properties"]["dealname"] for r in body["results"]] == ["ok"]
    (error,) = body["errors"]
    assert error["context"] == {"objectWriteTraceId": ["t2"]}
    assert error["message"].startswith(_mismatch("closedlost", _stage_ids(pipeline)))
    deal_id = body["results"][0]["id"]
    update = [{"id": deal_id, "properties": {"dealstage": "closedwon"}, "objectWriteTraceId": "u"}]
    updated = portal_http.post(f"{DEAL_OBJECTS}/batch/update", json={"inputs": update})
    assert updated.status_code == 207
    assert updated.json()["errors"][0]["message"].startswith(
        _mismatch("closedwon", _stage_ids(pipeline))
    )
    untraced = [{"id": deal_id, "properties": {"dealstage": "closedwon"}}]
    whole = portal_http.post(f"{DEAL_OBJECTS}/batch/update", json={"inputs": untraced})
    assert whole.status_code == 400


def test_tickets_follow_their_pipelines(portal_http: httpx.Client) -> None:
    pipeline = new_pipeline(portal_http, "Escalations", "Raised", path=TICKETS)
    tickets = "/crm/v3/objects/tickets"
    plain = portal_http.post(
        tickets, json={"properties": {"subject": "a", "hs_pipeline_stage": "1"}}
    )
    assert plain.status_code == 201, plain.text
    assert plain.json()["properties"]["hs_pipeline"] == "0"
    wrong = {"subject": "b", "hs_pipeline": pipeline["id"], "hs_pipeline_stage": "1"}
    refused = portal_http.post(tickets, json={"properties": wrong})
    assert refused.status_code == 400
    assert refused.json()["message"].startswith(
        _mismatch("1", _stage_ids(pipeline), "hs_pipeline_stage")
    )


def test_the_properties_api_lists_live_stages_as_options(portal_http: httpx.Client) -> None:
    pipeline = new_pipeline(portal_http, "Optioned", "Opt A", "Opt B")
    stage = portal_http.get("/crm/v3/properties/deals/dealstage").json()
    values = [o["value"] for o in stage["options"]]
    assert set(_stage_ids(pipeline)) <= set(values)
    assert values[:7] == [s for s, _, _ in DEAL_STAGES]
    option = next(o for o in stage["options"] if o["value"] == _stage_ids(pipeline)[1])
    assert (option["label"], option["displayOrder"]) == ("Opt B", 1)
    piped = portal_http.get("/crm/v3/properties/deals/pipeline").json()
    assert pipeline["id"] in [o["value"] for o in piped["options"]]
    ticket_stage = portal_http.get("/crm/v3/properties/tickets/hs_pipeline_stage").json()
    assert [o["value"] for o in ticket_stage["options"]][:4] == ["1", "2", "3", "4"]


def test_deals_are_found_and_sorted_by_stage(portal_http: httpx.Client) -> None:
    pipeline = new_pipeline(portal_http, "Searched", "S1")
    stage = _stage_ids(pipeline)[0]
    body = {"properties": {"dealname": "findme", "pipeline": pipeline["id"], "dealstage": stage}}
    created = portal_http.post(DEAL_OBJECTS, json=body).json()
    query = {
        "filterGroups": [
            {"filters": [{"propertyName": "dealstage", "operator": "EQ", "value": stage}]}
        ],
        "sorts": [{"propertyName": "dealstage", "direction": "ASCENDING"}],
    }
    found = portal_http.post(f"{DEAL_OBJECTS}/search", json=query).json()
    assert [r["id"] for r in found["results"]] == [created["id"]]
