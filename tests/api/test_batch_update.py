"""POST /crm/v3/objects/calls/batch/update against a real server (hubspot-behaviour §3.2, §9)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from conftest import assert_sdk_error

URL = "/crm/v3/objects/calls/batch/update"
ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def read_call(http: httpx.Client, call_id: str, *names: str) -> dict[str, Any]:
    params = {"properties": ",".join(names)} if names else {}
    response = http.get(f"/crm/v3/objects/calls/{call_id}", params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def history(http: httpx.Client, call_id: str, name: str) -> list[dict[str, Any]]:
    response = http.get(f"/crm/v3/objects/calls/{call_id}", params={"propertiesWithHistory": name})
    assert response.status_code == 200, response.text
    return list(response.json()["propertiesWithHistory"][name])


def test_batch_update_answers_200_complete_with_timestamps(
    http: httpx.Client, make_calls: Any
) -> None:
    (call_id,) = make_calls(1)
    response = http.post(
        URL, json={"inputs": [{"id": call_id, "properties": {"hs_call_title": "new"}}]}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "COMPLETE"
    for key in ("requestedAt", "startedAt", "completedAt"):
        assert ISO_MS.match(body[key]), key
    assert "errors" not in body and "numErrors" not in body


def test_batch_update_result_shows_written_and_default_properties(
    http: httpx.Client, make_calls: Any
) -> None:
    (call_id,) = make_calls(1)
    inputs = [
        {"id": call_id, "properties": {"hs_call_title": "Follow-up", "hs_call_duration": 3000}}
    ]
    (result,) = http.post(URL, json={"inputs": inputs}).json()["results"]
    assert result["id"] == call_id
    assert result["archived"] is False
    props = result["properties"]
    assert props["hs_call_title"] == "Follow-up"
    assert props["hs_call_duration"] == "3000"
    assert props["hs_object_id"] == call_id
    assert props["hs_lastmodifieddate"] == result["updatedAt"]
    assert props["hs_createdate"] == result["createdAt"]


def test_batch_update_writes_values_that_a_later_read_returns(
    http: httpx.Client, make_calls: Any
) -> None:
    ids = make_calls(3)
    inputs = [
        {"id": i, "properties": {"hs_call_direction": "INBOUND", "hs_call_body": f"b{i}"}}
        for i in ids
    ]
    assert http.post(URL, json={"inputs": inputs}).status_code == 200
    for call_id in ids:
        props = read_call(http, call_id, "hs_call_direction", "hs_call_body")["properties"]
        assert props["hs_call_direction"] == "INBOUND"
        assert props["hs_call_body"] == f"b{call_id}"


def test_batch_update_moves_updated_at_but_not_created_at(
    http: httpx.Client, make_calls: Any
) -> None:
    (call_id,) = make_calls(1)
    before = read_call(http, call_id)
    (result,) = http.post(
        URL, json={"inputs": [{"id": call_id, "properties": {"hs_call_title": "x"}}]}
    ).json()["results"]
    assert result["createdAt"] == before["createdAt"]
    assert result["updatedAt"] >= before["updatedAt"]


def test_unknown_id_returns_207_with_object_not_found_and_writes_the_rest(
    http: httpx.Client, make_calls: Any
) -> None:
    (call_id,) = make_calls(1)
    inputs = [
        {"id": call_id, "properties": {"hs_call_title": "kept"}},
        {"id": "999999999", "properties": {"hs_call_title": "lost"}},
    ]
    response = http.post(URL, json={"inputs": inputs})
    assert response.status_code == 207
    body = response.json()
    assert body["status"] == "COMPLETE"
    assert [r["id"] for r in body["results"]] == [call_id]
    assert body["numErrors"] == 1
    (error,) = body["errors"]
    assert error["status"] == "error"
    assert error["category"] == "OBJECT_NOT_FOUND"
    assert error["context"] == {"ids": ["999999999"]}
    assert error["message"] == (
        "Could not get some CALL objects, they may be deleted or not exist. "
        "Check that ids are valid."
    )
    assert read_call(http, call_id, "hs_call_title")["properties"]["hs_call_title"] == "kept"


def test_unknown_id_with_trace_id_reports_the_trace_id(http: httpx.Client) -> None:
    inputs = [
        {"id": "999999998", "properties": {"hs_call_title": "x"}, "objectWriteTraceId": "t-1"}
    ]
    response = http.post(URL, json={"inputs": inputs})
    assert response.status_code == 207
    (error,) = response.json()["errors"]
    assert error["context"] == {"ids": ["999999998"], "objectWriteTraceId": ["t-1"]}


def test_archived_id_is_not_found(http: httpx.Client, make_calls: Any) -> None:
    (call_id,) = make_calls(1)
    assert http.delete(f"/crm/v3/objects/calls/{call_id}").status_code == 204
    response = http.post(
        URL, json={"inputs": [{"id": call_id, "properties": {"hs_call_title": "x"}}]}
    )
    assert response.status_code == 207
    assert response.json()["errors"][0]["context"]["ids"] == [call_id]
    assert response.json()["results"] == []


def test_all_inputs_failing_still_answers_207_with_empty_results(http: httpx.Client) -> None:
    inputs = [{"id": str(990000 + i), "properties": {"hs_call_title": "x"}} for i in range(3)]
    body = http.post(URL, json={"inputs": inputs}).json()
    assert body["results"] == []
    assert body["numErrors"] == len(body["errors"]) == 1
    assert sorted(body["errors"][0]["context"]["ids"]) == sorted(i["id"] for i in inputs)


def test_duplicate_ids_return_400_and_write_nothing(http: httpx.Client, make_calls: Any) -> None:
    (call_id,) = make_calls(1)
    inputs = [
        {"id": call_id, "properties": {"hs_call_title": "one"}},
        {"id": call_id, "properties": {"hs_call_title": "two"}},
    ]
    response = http.post(URL, json={"inputs": inputs})
    assert response.status_code == 400
    body = response.json()
    assert body["category"] == "VALIDATION_ERROR"
    assert body["message"] == f"Duplicate IDs found in batch input: [{call_id}]. IDs must be unique"
    assert body["context"] == {"ids": [call_id]}
    assert read_call(http, call_id, "hs_call_title")["properties"]["hs_call_title"] == "call 0"


def test_more_than_100_inputs_return_400_and_write_nothing(
    http: httpx.Client, make_calls: Any
) -> None:
    (call_id,) = make_calls(1)
    inputs = [{"id": call_id, "properties": {"hs_call_title": "x"}}] + [
        {"id": str(800000 + i), "properties": {"hs_call_title": "x"}} for i in range(100)
    ]
    response = http.post(URL, json={"inputs": inputs})
    assert response.status_code == 400
    assert response.json()["category"] == "VALIDATION_ERROR"
    assert "100" in response.json()["message"]
    assert read_call(http, call_id, "hs_call_title")["properties"]["hs_call_title"] == "call 0"


def test_exactly_100_inputs_are_accepted(http: httpx.Client, make_calls: Any) -> None:
    ids = make_calls(100)
    inputs = [{"id": i, "properties": {"hs_call_duration": "1"}} for i in ids]
    response = http.post(URL, json={"inputs": inputs})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 100


def test_empty_inputs_return_400(http: httpx.Client) -> None:
    response = http.post(URL, json={"inputs": []})
    assert response.status_code == 400
    assert response.json()["category"] == "VALIDATION_ERROR"


def test_invalid_value_without_trace_ids_fails_whole_request(
    http: httpx.Client, make_calls: Any
) -> None:
    first, second = make_calls(2)
    inputs = [
        {"id": first, "properties": {"hs_call_title": "fine"}},
        {"id": second, "properties": {"hs_call_duration": "5,333,222", "nope": "x"}},
    ]
    response = http.post(URL, json={"inputs": inputs})
    assert response.status_code == 400
    body = response.json()
    assert body["category"] == "VALIDATION_ERROR"
    assert body["message"].startswith("Property values were not valid: [")
    codes = {e["code"] for e in body["errors"]}
    assert "PROPERTY_DOESNT_EXIST" in codes
    assert {"nope"} <= {e["context"]["propertyName"][0] for e in body["errors"]}
    assert read_call(http, first, "hs_call_title")["properties"]["hs_call_title"] == "call 0"


def test_invalid_value_with_trace_id_fails_only_that_input(
    http: httpx.Client, make_calls: Any
) -> None:
    good, bad = make_calls(2)
    inputs = [
        {"id": good, "properties": {"hs_call_title": "written"}, "objectWriteTraceId": "good"},
        {"id": bad, "properties": {"hs_call_direction": "SIDEWAYS"}, "objectWriteTraceId": "bad"},
    ]
    response = http.post(URL, json={"inputs": inputs})
    assert response.status_code == 207
    body = response.json()
    assert [r["id"] for r in body["results"]] == [good]
    (error,) = body["errors"]
    assert error["category"] == "VALIDATION_ERROR"
    assert error["context"]["objectWriteTraceId"] == ["bad"]
    assert error["errors"][0]["code"] == "INVALID_OPTION"
    assert error["message"].startswith("Property values were not valid: ")
    assert read_call(http, bad, "hs_call_direction")["properties"]["hs_call_direction"] is None


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("hs_object_id", "READ_ONLY_VALUE"),
        ("hs_createdate", "READ_ONLY_VALUE"),
        ("no_such_thing", "PROPERTY_DOESNT_EXIST"),
    ],
)
def test_unwritable_property_is_reported_by_code(
    http: httpx.Client, make_calls: Any, name: str, code: str
) -> None:
    (call_id,) = make_calls(1)
    response = http.post(URL, json={"inputs": [{"id": call_id, "properties": {name: "1"}}]})
    assert response.status_code == 400
    (detail,) = response.json()["errors"]
    assert detail["code"] == code
    assert detail["context"] == {"propertyName": [name]}


def test_empty_string_clears_a_value(http: httpx.Client, make_calls: Any) -> None:
    (call_id,) = make_calls(1)
    response = http.post(
        URL, json={"inputs": [{"id": call_id, "properties": {"hs_call_title": ""}}]}
    )
    assert response.status_code == 200
    assert read_call(http, call_id, "hs_call_title")["properties"]["hs_call_title"] == ""
    assert history(http, call_id, "hs_call_title")[0]["value"] == ""


def test_each_change_appends_history_newest_first_with_trace_id(
    http: httpx.Client, make_calls: Any
) -> None:
    (call_id,) = make_calls(1)
    for n, trace in ((1, "first"), (2, "second")):
        inputs = [
            {"id": call_id, "properties": {"hs_call_title": f"v{n}"}, "objectWriteTraceId": trace}
        ]
        assert http.post(URL, json={"inputs": inputs}).status_code == 200
    entries = history(http, call_id, "hs_call_title")
    assert [e["value"] for e in entries] == ["v2", "v1", "call 0"]
    assert [e.get("sourceId") for e in entries[:2]] == ["second", "first"]
    assert {e["sourceType"] for e in entries} == {"API"}
    assert all(ISO_MS.match(e["timestamp"]) for e in entries)


def test_unchanged_value_appends_no_history(http: httpx.Client, make_calls: Any) -> None:
    (call_id,) = make_calls(1)
    inputs = [{"id": call_id, "properties": {"hs_call_title": "call 0"}}]
    assert http.post(URL, json={"inputs": inputs}).status_code == 200
    assert [e["value"] for e in history(http, call_id, "hs_call_title")] == ["call 0"]


def test_json_numbers_are_accepted_for_ids_and_values(http: httpx.Client, make_calls: Any) -> None:
    (call_id,) = make_calls(1)
    inputs = [
        {"id": int(call_id), "properties": {"hs_call_duration": 42, "hs_call_has_voicemail": True}}
    ]
    response = http.post(URL, json={"inputs": inputs})
    assert response.status_code == 200, response.text
    props = response.json()["results"][0]["properties"]
    assert props["hs_call_duration"] == "42"
    assert props["hs_call_has_voicemail"] == "true"


def test_datetime_values_are_normalised_to_iso(http: httpx.Client, make_calls: Any) -> None:
    (call_id,) = make_calls(1)
    inputs = [{"id": call_id, "properties": {"hs_timestamp": "1700000000000"}}]
    (result,) = http.post(URL, json={"inputs": inputs}).json()["results"]
    assert result["properties"]["hs_timestamp"] == "2023-11-14T22:13:20.000Z"


def test_id_property_that_is_not_unique_returns_400(http: httpx.Client, make_calls: Any) -> None:
    (call_id,) = make_calls(1)
    inputs = [{"id": "x", "idProperty": "hs_call_title", "properties": {"hs_call_body": "b"}}]
    response = http.post(URL, json={"inputs": inputs})
    assert response.status_code == 400
    message = response.json()["message"]
    assert message.startswith(
        "Unable to perform update/upsert by non-unique 0-48 property hs_call_title"
    )


@pytest.mark.parametrize(
    "path", ["/crm/v3/objects/0-48/batch/update", "/crm/objects/2026-03/calls/batch/update"]
)
def test_batch_update_is_served_at_every_alias(
    http: httpx.Client, make_calls: Any, path: str
) -> None:
    (call_id,) = make_calls(1)
    response = http.post(
        path, json={"inputs": [{"id": call_id, "properties": {"hs_call_title": path}}]}
    )
    assert response.status_code == 200
    assert response.json()["results"][0]["properties"]["hs_call_title"] == path


def test_sdk_batch_update_returns_results(sdk: Any, make_calls: Any) -> None:
    from hubspot.crm.objects.calls import BatchInputSimplePublicObjectBatchInput

    (call_id,) = make_calls(1)
    body = BatchInputSimplePublicObjectBatchInput(
        inputs=[{"id": call_id, "properties": {"hs_call_title": "via sdk"}}]
    )
    response = sdk.crm.objects.calls.batch_api.update(body)
    assert response.status == "COMPLETE"
    assert response.results[0].properties["hs_call_title"] == "via sdk"


def test_sdk_deserialises_a_207(sdk: Any, make_calls: Any) -> None:
    from hubspot.crm.objects.calls import BatchInputSimplePublicObjectBatchInput

    (call_id,) = make_calls(1)
    body = BatchInputSimplePublicObjectBatchInput(
        inputs=[
            {"id": call_id, "properties": {"hs_call_title": "ok"}},
            {
                "id": "987654321",
                "properties": {"hs_call_title": "missing"},
                "objectWriteTraceId": "m",
            },
        ]
    )
    response = sdk.crm.objects.calls.batch_api.update(body)
    assert response.num_errors == 1
    assert response.errors[0].category == "OBJECT_NOT_FOUND"
    assert response.errors[0].context["objectWriteTraceId"] == ["m"]
    assert [r.id for r in response.results] == [call_id]


def test_sdk_raises_api_exception_with_hubspot_body_on_400(sdk: Any, make_calls: Any) -> None:
    from hubspot.crm.objects.calls import ApiException, BatchInputSimplePublicObjectBatchInput

    (call_id,) = make_calls(1)
    body = BatchInputSimplePublicObjectBatchInput(
        inputs=[{"id": call_id, "properties": {}}, {"id": call_id, "properties": {}}]
    )
    with pytest.raises(ApiException) as raised:
        sdk.crm.objects.calls.batch_api.update(body)
    assert_sdk_error(
        raised.value,
        400,
        message=f"Duplicate IDs found in batch input: [{call_id}]. IDs must be unique",
        category="VALIDATION_ERROR",
        context={"ids": [call_id]},
        errors=[],
    )
