"""Single-record endpoints, list and batch create/read/archive
(hubspot-behaviour §1.1, §3.3-3.5)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from conftest import CALL_TIME, assert_hubspot_error, assert_sdk_error, object_not_found

CALLS = "/crm/v3/objects/calls"


def create_call(http: httpx.Client, **properties: Any) -> dict[str, Any]:
    response = http.post(CALLS, json={"properties": {"hs_timestamp": CALL_TIME, **properties}})
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_create_returns_201_with_written_and_system_properties(http: httpx.Client) -> None:
    created = create_call(http, hs_call_title="Intro", hs_call_status="COMPLETED")
    props = created["properties"]
    assert props["hs_call_title"] == "Intro"
    assert props["hs_call_status"] == "COMPLETED"
    assert props["hs_timestamp"] == CALL_TIME
    assert props["hs_object_id"] == created["id"]
    assert created["archived"] is False


def test_create_without_hs_timestamp_is_rejected(http: httpx.Client) -> None:
    response = http.post(CALLS, json={"properties": {"hs_call_title": "no time"}})
    assert response.status_code == 400
    body = response.json()
    assert body["category"] == "VALIDATION_ERROR"
    assert body["errors"][0]["context"] == {"propertyName": ["hs_timestamp"]}


def test_create_accepts_epoch_milliseconds_for_hs_timestamp(http: httpx.Client) -> None:
    created = create_call(http, hs_timestamp="1700000000000")
    assert created["properties"]["hs_timestamp"] == "2023-11-14T22:13:20.000Z"


def test_get_returns_default_properties_without_properties_param(http: httpx.Client) -> None:
    call_id = create_call(http, hs_call_title="t")["id"]
    body = http.get(f"{CALLS}/{call_id}").json()
    assert set(body["properties"]) == {"hs_createdate", "hs_lastmodifieddate", "hs_object_id"}


def test_get_returns_requested_properties_null_when_unset_and_skips_unknown(
    http: httpx.Client,
) -> None:
    call_id = create_call(http, hs_call_title="t")["id"]
    body = http.get(
        f"{CALLS}/{call_id}", params={"properties": "hs_call_title,hs_call_body,bogus"}
    ).json()
    assert body["properties"]["hs_call_title"] == "t"
    assert body["properties"]["hs_call_body"] is None
    assert "bogus" not in body["properties"]
    assert "hs_object_id" in body["properties"]


def test_get_accepts_repeated_properties_params(http: httpx.Client) -> None:
    call_id = create_call(http, hs_call_title="t", hs_call_body="b")["id"]
    response = http.get(f"{CALLS}/{call_id}?properties=hs_call_title&properties=hs_call_body")
    assert response.json()["properties"]["hs_call_body"] == "b"


def test_get_unknown_id_returns_404_object_not_found(http: httpx.Client) -> None:
    response = http.get(f"{CALLS}/123456789012")
    assert response.status_code == 404
    body = response.json()
    assert body["category"] == "OBJECT_NOT_FOUND"
    assert body["context"] == {"id": ["123456789012"]}
    assert body["correlationId"] == response.headers["x-hubspot-correlation-id"]


def test_patch_updates_and_returns_the_record(http: httpx.Client) -> None:
    call_id = create_call(http)["id"]
    response = http.patch(f"{CALLS}/{call_id}", json={"properties": {"hs_call_title": "patched"}})
    assert response.status_code == 200
    assert response.json()["properties"]["hs_call_title"] == "patched"


def test_patch_unknown_id_returns_404(http: httpx.Client) -> None:
    response = http.patch(f"{CALLS}/99999999999", json={"properties": {"hs_call_title": "x"}})
    assert_hubspot_error(response, 404, **object_not_found("99999999999"))


def test_patch_with_invalid_value_returns_400_and_writes_nothing(http: httpx.Client) -> None:
    call_id = create_call(http, hs_call_title="before")["id"]
    response = http.patch(
        f"{CALLS}/{call_id}",
        json={"properties": {"hs_call_title": "after", "hs_call_duration": "ten"}},
    )
    assert response.status_code == 400
    title = http.get(f"{CALLS}/{call_id}", params={"properties": "hs_call_title"}).json()
    assert title["properties"]["hs_call_title"] == "before"


def test_delete_archives_and_answers_204_even_for_unknown_ids(http: httpx.Client) -> None:
    call_id = create_call(http)["id"]
    assert http.delete(f"{CALLS}/{call_id}").status_code == 204
    assert http.get(f"{CALLS}/{call_id}").status_code == 404
    archived = http.get(f"{CALLS}/{call_id}", params={"archived": "true"}).json()
    assert archived["archived"] is True
    assert "archivedAt" in archived
    assert http.delete(f"{CALLS}/987654321987").status_code == 204


def test_list_pages_through_every_record_once(http: httpx.Client, server: Any) -> None:
    other = server.new_token("--portal", str(server.new_portal()))
    headers = {"Authorization": f"Bearer {other}"}
    with httpx.Client(base_url=server.base_url, headers=headers) as client:
        ids = [create_call(client, hs_call_title=str(i))["id"] for i in range(5)]
        seen: list[str] = []
        after = None
        while True:
            params: dict[str, Any] = {"limit": 2, **({"after": after} if after else {})}
            body = client.get(CALLS, params=params).json()
            seen += [r["id"] for r in body["results"]]
            if "paging" not in body:
                break
            after = body["paging"]["next"]["after"]
        assert seen == ids


def test_list_limit_over_100_is_rejected(http: httpx.Client) -> None:
    assert_hubspot_error(
        http.get(CALLS, params={"limit": 101}),
        400,
        message="limit must be between 1 and 100, got 101",
        category="VALIDATION_ERROR",
        context={"limit": ["101"]},
        errors=[],
    )


def test_batch_create_returns_201_and_results(http: httpx.Client) -> None:
    inputs = [{"properties": {"hs_timestamp": CALL_TIME, "hs_call_title": "a"}}]
    response = http.post(f"{CALLS}/batch/create", json={"inputs": inputs})
    assert response.status_code == 201
    assert response.json()["results"][0]["properties"]["hs_call_title"] == "a"


def test_batch_create_with_trace_ids_answers_207_for_an_invalid_input(http: httpx.Client) -> None:
    inputs = [
        {"properties": {"hs_timestamp": CALL_TIME}, "objectWriteTraceId": "ok"},
        {"properties": {"hs_call_title": "no time"}, "objectWriteTraceId": "bad"},
    ]
    response = http.post(f"{CALLS}/batch/create", json={"inputs": inputs})
    assert response.status_code == 207
    body = response.json()
    assert len(body["results"]) == 1
    assert body["errors"][0]["context"]["objectWriteTraceId"] == ["bad"]


def test_batch_read_returns_found_and_reports_missing_with_207(
    http: httpx.Client, make_calls: Any
) -> None:
    (call_id,) = make_calls(1)
    body = {"inputs": [{"id": call_id}, {"id": "77777777777"}], "properties": ["hs_call_title"]}
    response = http.post(f"{CALLS}/batch/read", json=body)
    assert response.status_code == 207
    payload = response.json()
    assert payload["results"][0]["properties"]["hs_call_title"] == "call 0"
    assert payload["errors"][0]["category"] == "OBJECT_NOT_FOUND"
    assert payload["errors"][0]["context"] == {"ids": ["77777777777"]}


def test_batch_read_with_history_returns_versions(http: httpx.Client, make_calls: Any) -> None:
    (call_id,) = make_calls(1)
    body = {"inputs": [{"id": call_id}], "propertiesWithHistory": ["hs_call_title"]}
    response = http.post(f"{CALLS}/batch/read", json=body)
    assert response.status_code == 200
    versions = response.json()["results"][0]["propertiesWithHistory"]["hs_call_title"]
    assert versions[0]["value"] == "call 0"


def test_batch_read_with_history_over_50_inputs_is_rejected(http: httpx.Client) -> None:
    body = {
        "inputs": [{"id": str(i)} for i in range(1, 52)],
        "propertiesWithHistory": ["hs_call_title"],
    }
    response = http.post(f"{CALLS}/batch/read", json=body)
    assert response.status_code == 400
    assert "property histories is 50" in response.json()["message"]


def test_batch_archive_answers_204_and_hides_records(http: httpx.Client, make_calls: Any) -> None:
    ids = make_calls(2)
    response = http.post(f"{CALLS}/batch/archive", json={"inputs": [{"id": i} for i in ids]})
    assert response.status_code == 204
    for i in ids:
        assert_hubspot_error(http.get(f"{CALLS}/{i}"), 404, **object_not_found(i))


def test_portal_never_sees_another_portals_records(http: httpx.Client, server: Any) -> None:
    call_id = create_call(http)["id"]
    other = server.new_token("--portal", str(server.new_portal()))
    headers = {"Authorization": f"Bearer {other}"}
    with httpx.Client(base_url=server.base_url, headers=headers) as client:
        assert client.get(f"{CALLS}/{call_id}").status_code == 404
        update = {"inputs": [{"id": call_id, "properties": {"hs_call_title": "stolen"}}]}
        assert client.post(f"{CALLS}/batch/update", json=update).status_code == 207
    title = http.get(f"{CALLS}/{call_id}", params={"properties": "hs_call_title"}).json()
    assert title["properties"]["hs_call_title"] is None


def test_sdk_round_trip_create_get_update_archive(sdk: Any) -> None:
    from hubspot.crm.objects.calls import SimplePublicObjectInput, SimplePublicObjectInputForCreate

    created = sdk.crm.objects.calls.basic_api.create(
        SimplePublicObjectInputForCreate(
            properties={"hs_timestamp": CALL_TIME, "hs_call_title": "sdk"}
        )
    )
    fetched = sdk.crm.objects.calls.basic_api.get_by_id(created.id, properties=["hs_call_title"])
    assert fetched.properties["hs_call_title"] == "sdk"
    sdk.crm.objects.calls.basic_api.update(
        created.id, SimplePublicObjectInput(properties={"hs_call_title": "sdk 2"})
    )
    page = sdk.crm.objects.calls.basic_api.get_page(limit=5, properties=["hs_call_title"])
    assert len(page.results) <= 5
    sdk.crm.objects.calls.basic_api.archive(created.id)
    from hubspot.crm.objects.calls import ApiException

    with pytest.raises(ApiException) as raised:
        sdk.crm.objects.calls.basic_api.get_by_id(created.id)
    assert_sdk_error(raised.value, 404, **object_not_found(created.id))


def test_sdk_batch_read_and_create(sdk: Any) -> None:
    from hubspot.crm.objects.calls import (
        BatchInputSimplePublicObjectBatchInputForCreate,
        BatchReadInputSimplePublicObjectId,
    )

    created = sdk.crm.objects.calls.batch_api.create(
        BatchInputSimplePublicObjectBatchInputForCreate(
            inputs=[
                {
                    "properties": {"hs_timestamp": CALL_TIME, "hs_call_title": "b"},
                    "associations": [],
                }
            ]
        )
    )
    read = sdk.crm.objects.calls.batch_api.read(
        BatchReadInputSimplePublicObjectId(
            inputs=[{"id": created.results[0].id}],
            properties=["hs_call_title"],
            properties_with_history=[],
        )
    )
    assert read.results[0].properties["hs_call_title"] == "b"
