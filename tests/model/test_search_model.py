"""Search equals a plain Python filter, sort and slice over the same 50 records, for generated
requests: every operator on numbers, enumerations, strings, flags and dates, AND/OR groups,
one sort either way, and any page."""

from __future__ import annotations

import random
import re
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

KINDS = ("alpha", "beta", "Gamma")
POOLS: dict[str, tuple[str, ...]] = {
    "num": ("-3", "0", "1.5", "7", "100"),
    "kind": KINDS,
    "label": ("red", "Green", "blue sky", "sky-blue", "Red Green"),
    "flag": ("true", "false"),
    "day": ("2026-01-01", "2026-01-02", "2026-02-10"),
}
DEFINITIONS = [
    {"name": "num", "label": "N", "type": "number", "fieldType": "number"},
    {"name": "kind", "label": "K", "type": "enumeration", "fieldType": "select",
     "options": [{"label": k, "value": k} for k in KINDS]},
    {"name": "label", "label": "L", "type": "string", "fieldType": "text"},
    {"name": "flag", "label": "F", "type": "bool", "fieldType": "booleancheckbox"},
    {"name": "day", "label": "D", "type": "date", "fieldType": "date"},
]  # fmt: skip
ORDERED = ("num", "label", "day")
Records = dict[str, dict[str, str]]


@pytest.fixture(scope="module")
def records(portal_http: httpx.Client) -> Records:
    for definition in DEFINITIONS:
        body = {"groupName": "call_information", **definition}
        assert portal_http.post("/crm/v3/properties/calls", json=body).status_code == 201
    rng = random.Random(5)
    values = [
        {name: rng.choice(pool) for name, pool in POOLS.items() if rng.random() > 0.2}
        for _ in range(50)
    ]
    inputs = [{"properties": {"hs_timestamp": "1700000000000", **v}} for v in values]
    response = portal_http.post("/crm/v3/objects/calls/batch/create", json={"inputs": inputs})
    assert response.status_code == 201
    return {r["id"]: v for r, v in zip(response.json()["results"], values, strict=True)}


def key(name: str, value: str) -> Any:
    """The reference's comparable form: numbers, flags as numbers, strings case-folded."""
    if name == "num":
        return float(value)
    if name == "flag":
        return value.lower() == "true"
    return value if name in ("kind", "day") else value.lower()


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def contains(value: str, pattern: str) -> bool:
    wanted = [w for w in re.findall(r"[\w*]+", pattern.lower()) if w.strip("*")]
    regexes = [re.compile(re.escape(w).replace(r"\*", ".*")) for w in wanted]
    return all(any(r.fullmatch(word) for word in words(value)) for r in regexes)


def positive(record: dict[str, str], flt: dict[str, Any]) -> bool:
    name, op = flt["propertyName"], flt["operator"].removeprefix("NOT_")
    op = "EQ" if op == "NEQ" else op
    if name not in record:
        return False
    if op == "HAS_PROPERTY":
        return True
    if op == "CONTAINS_TOKEN":
        return contains(record[name], flt["value"])
    if op == "IN":  # strings: the values as given (HubSpot wants them lower case)
        mine = record[name].lower() if name == "label" else key(name, record[name])
        return mine in {v if name == "label" else key(name, v) for v in flt["values"]}
    left, right = key(name, record[name]), key(name, flt["value"])
    if op == "BETWEEN":
        return bool(right <= left <= key(name, flt["highValue"]))
    return bool({"EQ": left == right, "LT": left < right, "LTE": left <= right,
                 "GT": left > right, "GTE": left >= right}[op])  # fmt: skip


def matches(record: dict[str, str], flt: dict[str, Any]) -> bool:
    negated = flt["operator"] in ("NEQ", "NOT_IN", "NOT_HAS_PROPERTY", "NOT_CONTAINS_TOKEN")
    return positive(record, flt) != negated


@st.composite
def a_filter(draw: st.DrawFn) -> dict[str, Any]:
    name = draw(st.sampled_from(list(POOLS)))
    pool = POOLS[name]
    ops = ["EQ", "NEQ", "IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY"]
    ops += ["LT", "LTE", "GT", "GTE", "BETWEEN"] if name in ORDERED else []
    ops += ["CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"] if name == "label" else []
    op = draw(st.sampled_from(ops))
    flt: dict[str, Any] = {"propertyName": name, "operator": op}
    if op in ("IN", "NOT_IN"):
        chosen = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
        flt["values"] = [
            v.lower() if name == "label" and draw(st.booleans()) else v for v in chosen
        ]
    elif op in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        flt["value"] = draw(st.sampled_from(["red", "BLUE", "sky", "gr*", "*ee*", "blue sky"]))
    elif op not in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
        low, high = sorted(draw(st.lists(st.sampled_from(pool), min_size=2, max_size=2)),
                           key=lambda v: key(name, v))  # fmt: skip
        flt["value"] = low.upper() if name == "label" and draw(st.booleans()) else low
        if op == "BETWEEN":
            flt["highValue"] = high
    return flt


def expected_order(records: Records, ids: list[str], sort: tuple[str, bool] | None) -> list[str]:
    """Sorted by the property (missing values last), ties and the rest by id."""
    if sort is None:
        return sorted(ids, key=int)
    name, descending = sort
    valued = [i for i in ids if name in records[i]]
    rest = sorted((i for i in ids if name not in records[i]), key=int, reverse=descending)
    ordered = sorted(
        valued, key=lambda i: (key(name, records[i][name]), int(i)), reverse=descending
    )
    return ordered + rest


groups_strategy = st.lists(st.lists(a_filter(), min_size=1, max_size=3), min_size=0, max_size=3)
sort_strategy = st.none() | st.tuples(st.sampled_from(ORDERED), st.booleans())


def test_search_matches_a_python_filter_sort_and_slice(
    portal_http: httpx.Client, records: Records
) -> None:
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        groups=groups_strategy,
        sort=sort_strategy,
        limit=st.integers(1, 60),
        after=st.integers(0, 55),
    )
    def check(
        groups: list[list[dict[str, Any]]], sort: tuple[str, bool] | None, limit: int, after: int
    ) -> None:
        body: dict[str, Any] = {
            "filterGroups": [{"filters": g} for g in groups],
            "limit": limit,
            "after": str(after),
        }
        if sort:
            body["sorts"] = [("-" if sort[1] else "") + sort[0]]
        response = portal_http.post("/crm/v3/objects/calls/search", json=body)
        assert response.status_code == 200, response.text
        hits = [
            i
            for i, rec in records.items()
            if not groups or any(all(matches(rec, f) for f in g) for g in groups)
        ]
        assert response.json()["total"] == len(hits)
        page = [r["id"] for r in response.json()["results"]]
        assert page == expected_order(records, hits, sort)[after : after + limit]

    check()
