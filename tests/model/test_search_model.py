"""Search results equal a plain Python filter over the same records, for generated filters."""

from __future__ import annotations

import random
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

KINDS = ("alpha", "beta", "Gamma")
LABELS = ("red", "Green", "blue sky")
NUMBERS = ("-3", "0", "1.5", "7", "100")


@pytest.fixture(scope="module")
def records(portal_http: httpx.Client) -> dict[str, dict[str, str]]:
    definitions = [
        {"name": "num", "label": "N", "type": "number", "fieldType": "number"},
        {
            "name": "kind",
            "label": "K",
            "type": "enumeration",
            "fieldType": "select",
            "options": [{"label": k, "value": k} for k in KINDS],
        },
        {"name": "label", "label": "L", "type": "string", "fieldType": "text"},
    ]
    for definition in definitions:
        body = {"groupName": "call_information", **definition}
        assert portal_http.post("/crm/v3/properties/calls", json=body).status_code == 201
    rng = random.Random(5)
    values = []
    for _ in range(40):
        item = {"num": rng.choice(NUMBERS), "kind": rng.choice(KINDS), "label": rng.choice(LABELS)}
        values.append({k: v for k, v in item.items() if rng.random() > 0.2})
    inputs = [{"properties": {"hs_timestamp": "1700000000000", **v}} for v in values]
    response = portal_http.post("/crm/v3/objects/calls/batch/create", json={"inputs": inputs})
    assert response.status_code == 201
    return {r["id"]: v for r, v in zip(response.json()["results"], values, strict=True)}


def matches(record: dict[str, str], flt: dict[str, Any]) -> bool:
    name, op = flt["propertyName"], flt["operator"]
    present = name in record
    if op == "HAS_PROPERTY":
        return present
    if op == "NOT_HAS_PROPERTY":
        return not present

    def norm(v: str) -> Any:
        return float(v) if name == "num" else (v if name == "kind" else v.lower())

    if op in ("IN", "NOT_IN"):
        inside = present and norm(record[name]) in {norm(v) for v in flt["values"]}
        return inside if op == "IN" else not inside
    if op == "NEQ":
        return not (present and norm(record[name]) == norm(flt["value"]))
    if not present:
        return False
    left, right = norm(record[name]), norm(flt["value"])
    return {"EQ": left == right, "LT": left < right, "GT": left > right}[op]


@st.composite
def a_filter(draw: st.DrawFn) -> dict[str, Any]:
    name = draw(st.sampled_from(["num", "kind", "label"]))
    pool = {"num": NUMBERS, "kind": KINDS, "label": LABELS}[name]
    ops = ["EQ", "NEQ", "IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY"]
    op = draw(st.sampled_from([*ops, "LT", "GT"] if name == "num" else ops))
    flt: dict[str, Any] = {"propertyName": name, "operator": op}
    if op in ("IN", "NOT_IN"):
        chosen = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
        flt["values"] = [v.lower() if name == "label" else v for v in chosen]
    elif op not in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
        value = draw(st.sampled_from(pool))
        flt["value"] = value.upper() if name == "label" and draw(st.booleans()) else value
    return flt


groups_strategy = st.lists(st.lists(a_filter(), min_size=1, max_size=3), min_size=1, max_size=3)


def test_search_matches_a_python_filter(
    portal_http: httpx.Client, records: dict[str, dict[str, str]]
) -> None:
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(groups=groups_strategy)
    def check(groups: list[list[dict[str, Any]]]) -> None:
        body = {"filterGroups": [{"filters": g} for g in groups], "limit": 200}
        response = portal_http.post("/crm/v3/objects/calls/search", json=body)
        assert response.status_code == 200, response.text
        got = [r["id"] for r in response.json()["results"]]
        expected = [
            i for i, rec in records.items() if any(all(matches(rec, f) for f in g) for g in groups)
        ]
        assert got == expected
        assert response.json()["total"] == len(expected)

    check()
