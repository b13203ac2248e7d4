"""Random sequences of batch updates against a plain-dict model of HubSpot's rules.

Mixed valid and invalid values, unknown ids, clears, with and without trace ids: after every
step the status code matches the model, and at the end every stored value and every history
list equals the model's.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import Any

import httpx
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from conftest import CALL_TIME

CALLS = "/crm/v3/objects/calls"
WATCHED = ("hs_call_title", "hs_call_duration", "hs_call_direction")

valid_values = {
    "hs_call_title": st.text(string.ascii_letters + string.digits + " ", min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool),
    "hs_call_duration": st.integers(0, 10**9).map(str),
    "hs_call_direction": st.sampled_from(["INBOUND", "OUTBOUND"]),
}
invalid_values = {
    "hs_call_duration": st.sampled_from(["5,333,222", "ten", "1.2.3"]),
    "hs_call_direction": st.sampled_from(["inbound", "SIDEWAYS"]),
}


@st.composite
def update_input(draw: st.DrawFn, valid: bool) -> dict[str, str]:
    names = draw(st.lists(st.sampled_from(WATCHED), min_size=1, max_size=3, unique=True))
    values = {}
    for name in names:
        clear = draw(st.booleans()) and draw(st.booleans())
        values[name] = "" if clear else draw(valid_values[name])
    if not valid:
        name = draw(st.sampled_from(sorted(invalid_values)))
        values[name] = draw(invalid_values[name])
    return values


@dataclass
class ModelRecord:
    values: dict[str, str] = field(default_factory=dict)
    history: dict[str, list[str]] = field(default_factory=dict)

    def write(self, changes: dict[str, str]) -> None:
        for name, value in changes.items():
            if self.values.get(name, "") != value:
                self.values[name] = value
                self.history.setdefault(name, []).insert(0, value)


class BatchUpdateMachine(RuleBasedStateMachine):
    http: httpx.Client

    @initialize()
    def create_records(self) -> None:
        inputs = [
            {"properties": {"hs_timestamp": CALL_TIME, "hs_call_title": f"start {i}"}}
            for i in range(4)
        ]
        response = self.http.post(f"{CALLS}/batch/create", json={"inputs": inputs})
        assert response.status_code == 201
        self.model: dict[str, ModelRecord] = {}
        for result in response.json()["results"]:
            record = ModelRecord()
            record.write({"hs_call_title": result["properties"]["hs_call_title"]})
            self.model[result["id"]] = record

    @rule(data=st.data(), traced=st.booleans(), with_unknown=st.booleans())
    def batch_update(self, data: st.DataObject, traced: bool, with_unknown: bool) -> None:
        ids = data.draw(st.lists(st.sampled_from(sorted(self.model)), min_size=1, unique=True))
        validity = data.draw(st.lists(st.booleans(), min_size=len(ids), max_size=len(ids)))
        inputs: list[dict[str, Any]] = [
            {"id": i, "properties": data.draw(update_input(valid))}
            for i, valid in zip(ids, validity, strict=True)
        ]
        if with_unknown:
            inputs.append({"id": "999999999999", "properties": {"hs_call_title": "ghost"}})
        if traced:
            for n, item in enumerate(inputs):
                item["objectWriteTraceId"] = f"trace-{n}"
        response = self.http.post(f"{CALLS}/batch/update", json={"inputs": inputs})
        if not all(validity) and not traced:
            assert response.status_code == 400, response.text
            return
        expected = 207 if (with_unknown or not all(validity)) else 200
        assert response.status_code == expected, response.text
        for item, valid in zip(inputs, validity, strict=False):
            if valid:
                self.model[item["id"]].write(item["properties"])

    @invariant()
    def stored_records_equal_the_model(self) -> None:
        if not getattr(self, "model", None):
            return
        body = {
            "inputs": [{"id": i} for i in self.model],
            "properties": list(WATCHED),
            "propertiesWithHistory": list(WATCHED),
        }
        response = self.http.post(f"{CALLS}/batch/read", json=body)
        assert response.status_code == 200, response.text
        for result in response.json()["results"]:
            record = self.model[result["id"]]
            for name in WATCHED:
                assert result["properties"][name] == record.values.get(name), name
                stored = [v["value"] for v in result["propertiesWithHistory"][name]]
                assert stored == record.history.get(name, []), name


def test_batch_updates_match_the_model(http: httpx.Client) -> None:
    BatchUpdateMachine.http = http
    case = BatchUpdateMachine.TestCase
    case.settings = settings(
        max_examples=12,
        stateful_step_count=6,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    case().runTest()
