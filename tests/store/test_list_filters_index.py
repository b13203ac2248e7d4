"""List filters' core guarantee, on both databases: for generated records and generated
filter trees, ``matches`` equals a plain reference evaluator written here from HubSpot's
documented semantics (hubspot-behaviour §16.9), and, whenever ``to_search_groups`` gives a
translation, the records the real search index finds with it.

Records are written with the records role and indexed as search indexes them
(``refresh_index`` with ``crm/search.py``'s entries); the groups run as a ``SearchQuery``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from localspot.crm.list_filters import matches, parse_filter_branch, to_search_groups
from localspot.crm.model import PropertyDefinition, PropertyOption, Record
from localspot.crm.properties import load_definitions
from localspot.crm.property_types import format_datetime
from localspot.crm.records_storage import NewRecord
from localspot.crm.search import index_map
from localspot.crm.search_storage import SearchQuery
from localspot.crm.storage import Store

from .conftest import AT, CALLS, Run

TYPE = CALLS.type_id
DAY = 86_400_000
NOW = AT + 40 * DAY
OPTIONS = ("A", "b", "C c")
WHENS = (AT - DAY, AT, AT + 1, AT + 3 * DAY + 5, NOW - 2 * DAY, NOW + 2 * DAY)
LONG = "x" * 650
POOLS: dict[str, tuple[str, ...]] = {
    "f_text": ("alpha", "Alpha", "beta gamma", "ALPHA beta", "gamma", LONG, "İx", ""),
    "f_num": ("-3", "0", "0.1", "1.5", "7", "100", ""),
    "f_day": ("2026-01-01", "2026-01-02", "2026-02-10", "2025-12-31", ""),
    "f_when": (*(format_datetime(w) for w in WHENS), ""),
    "f_kind": (*OPTIONS, ""),
    "f_tags": ("A", "b", "A;b", "A;C c", "b;C c;A", ""),
    "f_flag": ("true", "false", ""),
}
CUSTOM = (
    PropertyDefinition("f_text", "T", "string", "text"),
    PropertyDefinition("f_num", "N", "number", "number"),
    PropertyDefinition("f_day", "D", "date", "date"),
    PropertyDefinition("f_when", "W", "datetime", "date"),
    PropertyDefinition(
        "f_kind", "K", "enumeration", "select", options=tuple(PropertyOption(o, o) for o in OPTIONS)
    ),
    PropertyDefinition(
        "f_tags",
        "G",
        "enumeration",
        "checkbox",
        options=tuple(PropertyOption(o, o) for o in OPTIONS),
    ),
    PropertyDefinition("f_flag", "F", "bool", "booleancheckbox"),
)
TYPES = {d.name: d.type for d in CUSTOM} | {"hs_object_id": "id", "hs_createdate": "created"}


# ---- the reference: HubSpot's documented semantics, written plainly --------------------


def ref_value(record: Record, name: str) -> Any:
    """The record's value as the property's type reads it; None when it has none."""
    if name == "hs_object_id":
        return record.id
    if name == "hs_createdate":
        return record.created_at
    raw = record.properties.get(name, "")
    if raw == "":
        return None
    kind = TYPES[name]
    if kind == "number":
        return float(raw)
    if kind == "bool":
        return raw == "true"
    if kind == "date":
        return (
            datetime.combine(date.fromisoformat(raw), datetime.min.time(), UTC).timestamp() * 1000
        )
    if kind == "datetime":
        return datetime.fromisoformat(raw.replace("Z", "+00:00")).timestamp() * 1000
    if name == "f_tags":
        return set(raw.split(";"))
    if name == "f_kind":
        return {raw}
    return raw


def ref_operation(value: Any, op: dict[str, Any], now: int) -> bool:
    kind, operator = op["operationType"], op["operator"]
    if kind == "ALL_PROPERTY":
        return operator == "IS_KNOWN"
    if kind in ("STRING", "MULTISTRING"):
        wanted = [op["value"]] if kind == "STRING" else op["values"]
        hits = [ref_text(value, operator, w) for w in wanted]
        negative = operator in ("IS_NOT_EQUAL_TO", "DOES_NOT_CONTAIN", "DOES_NOT_CONTAIN_EXACTLY")
        return not any(not h for h in hits) if negative else any(hits)
    if kind in ("NUMBER", "BOOL"):
        wanted = float(op["value"])
        return {
            "IS_EQUAL_TO": value == wanted,
            "IS_NOT_EQUAL_TO": value != wanted,
            "IS_GREATER_THAN": value > wanted,
            "IS_GREATER_THAN_OR_EQUAL_TO": value >= wanted,
            "IS_LESS_THAN": value < wanted,
            "IS_LESS_THAN_OR_EQUAL_TO": value <= wanted,
        }[operator]
    if kind in ("NUMBER_RANGED", "RANGED_DATE"):
        inside = op["lowerBound"] <= value <= op["upperBound"]
        return inside if operator == "IS_BETWEEN" else not inside
    if kind == "ENUMERATION":
        return ref_options(value, operator, set(op["values"]))
    return ref_time(value, op, now)


def ref_text(value: str, operator: str, wanted: str) -> bool:
    if operator in ("CONTAINS_EXACTLY", "DOES_NOT_CONTAIN_EXACTLY"):
        return wanted in value if operator == "CONTAINS_EXACTLY" else wanted not in value
    mine, theirs = value.lower(), wanted.lower()
    return {
        "IS_EQUAL_TO": mine == theirs,
        "IS_NOT_EQUAL_TO": mine != theirs,
        "CONTAINS": theirs in mine,
        "DOES_NOT_CONTAIN": theirs not in mine,
        "STARTS_WITH": mine.startswith(theirs),
        "ENDS_WITH": mine.endswith(theirs),
    }[operator]


def ref_options(mine: set[str], operator: str, wanted: set[str]) -> bool:
    return {
        "IS_ANY_OF": bool(mine & wanted),
        "IS_NONE_OF": not mine & wanted,
        "IS_EXACTLY": mine == wanted,
        "IS_NOT_EXACTLY": mine != wanted,
        "CONTAINS_ALL": wanted <= mine,
        "DOES_NOT_CONTAIN_ALL": not wanted <= mine,
    }[operator]


def ref_time(value: float, op: dict[str, Any], now: int) -> bool:
    kind, operator = op["operationType"], op["operator"]
    if kind == "DATETIME":
        return value < op["timestamp"] if operator == "IS_BEFORE" else value > op["timestamp"]
    if kind == "TIME_POINT":
        point = op["timePoint"]
        at = datetime(point["year"], point["month"], point["day"], tzinfo=UTC).timestamp() * 1000
        inclusive = op.get("endpointBehavior") == "INCLUSIVE"
        if operator == "IS_BEFORE":
            return value <= at if inclusive else value < at
        return value >= at if inclusive else value > at
    days = op["numberOfDays"] * DAY  # ROLLING_DATE_RANGE
    return {
        "IS_LESS_THAN_X_DAYS_AGO": now - days <= value <= now,
        "IS_MORE_THAN_X_DAYS_AGO": value < now - days,
        "IS_LESS_THAN_X_DAYS_FROM_NOW": now <= value <= now + days,
        "IS_MORE_THAN_X_DAYS_FROM_NOW": value > now + days,
    }[operator]


def ref_filter(record: Record, flt: dict[str, Any], now: int) -> bool:
    if flt["filterType"] == "CONSTANT":
        return bool(flt["shouldAccept"])
    op = flt["operation"]
    value = ref_value(record, flt["property"])
    if value is None:
        return op["operator"] == "IS_UNKNOWN" or op.get("includeObjectsWithNoValueSet", False)
    return ref_operation(value, op, now)


def ref_branch(record: Record, branch: dict[str, Any], now: int) -> bool:
    results = [ref_filter(record, f, now) for f in branch.get("filters", [])]
    results += [ref_branch(record, b, now) for b in branch.get("filterBranches", [])]
    return {
        "OR": any(results),
        "AND": all(results),
        "NOT_ALL": not all(results),
        "NOT_ANY": not any(results),
    }[branch["filterBranchType"]]


# ---- generated filters -----------------------------------------------------------------


def flip_case(draw: st.DrawFn, text: str) -> str:
    return text.upper() if draw(st.booleans()) else text


EQUALITY = ["IS_EQUAL_TO", "IS_NOT_EQUAL_TO"]


@st.composite
def text_operation(draw: st.DrawFn, exact: bool) -> dict[str, Any]:
    words = st.sampled_from([*POOLS["f_text"][:-1], "ALPHA", "a", "x" * 599, "ga"])
    if exact:
        values = draw(st.lists(words, min_size=1, max_size=3))
        if draw(st.booleans()):
            return {
                "operationType": "STRING",
                "operator": draw(st.sampled_from(EQUALITY)),
                "value": values[0],
            }
        return {
            "operationType": "MULTISTRING",
            "operator": draw(st.sampled_from(EQUALITY)),
            "values": values,
        }
    if draw(st.booleans()):
        operator = draw(
            st.sampled_from(
                [
                    "IS_EQUAL_TO",
                    "IS_NOT_EQUAL_TO",
                    "CONTAINS",
                    "DOES_NOT_CONTAIN",
                    "STARTS_WITH",
                    "ENDS_WITH",
                ]
            )
        )
        return {
            "operationType": "STRING",
            "operator": operator,
            "value": flip_case(draw, draw(words)),
        }
    operator = draw(
        st.sampled_from(
            [
                "IS_EQUAL_TO",
                "IS_NOT_EQUAL_TO",
                "CONTAINS",
                "CONTAINS_EXACTLY",
                "DOES_NOT_CONTAIN",
                "DOES_NOT_CONTAIN_EXACTLY",
                "STARTS_WITH",
                "ENDS_WITH",
            ]
        )
    )
    values = draw(st.lists(words, min_size=1, max_size=3))
    return {"operationType": "MULTISTRING", "operator": operator, "values": values}


NUMBERS = st.sampled_from([-3, 0, 0.1, 1, 1.5, 7, 100, 2.5])
NUMBER_OPERATORS = [
    "IS_EQUAL_TO",
    "IS_NOT_EQUAL_TO",
    "IS_GREATER_THAN",
    "IS_GREATER_THAN_OR_EQUAL_TO",
    "IS_LESS_THAN",
    "IS_LESS_THAN_OR_EQUAL_TO",
]


@st.composite
def number_operation(draw: st.DrawFn, numbers: st.SearchStrategy[Any] = NUMBERS) -> dict[str, Any]:
    if draw(st.booleans()):
        return {
            "operationType": "NUMBER",
            "operator": draw(st.sampled_from(NUMBER_OPERATORS)),
            "value": draw(numbers),
        }
    low, high = draw(numbers), draw(numbers)
    operator = draw(st.sampled_from(["IS_BETWEEN", "IS_NOT_BETWEEN"]))
    return {
        "operationType": "NUMBER_RANGED",
        "operator": operator,
        "lowerBound": low,
        "upperBound": high,
    }


INSTANTS = st.sampled_from([*WHENS, AT - 1, AT + DAY, 1_767_139_200_000, 1_770_681_600_000])


@st.composite
def time_operation(draw: st.DrawFn, exact: bool) -> dict[str, Any]:
    choice = draw(st.integers(0, 2 if exact else 3))
    if choice == 0:
        return {
            "operationType": "DATETIME",
            "operator": draw(st.sampled_from(["IS_BEFORE", "IS_AFTER"])),
            "timestamp": draw(INSTANTS),
        }
    if choice == 1:
        low, high = draw(INSTANTS), draw(INSTANTS)
        return {
            "operationType": "RANGED_DATE",
            "operator": draw(st.sampled_from(["IS_BETWEEN", "IS_NOT_BETWEEN"])),
            "lowerBound": low,
            "upperBound": high,
        }
    if choice == 2:
        day = draw(st.sampled_from([date(2026, 1, 1), date(2026, 1, 2), date(2025, 12, 31)]))
        op: dict[str, Any] = {
            "operationType": "TIME_POINT",
            "operator": draw(st.sampled_from(["IS_BEFORE", "IS_AFTER"])),
            "timePoint": {
                "timeType": "DATE",
                "year": day.year,
                "month": day.month,
                "day": day.day,
                "zoneId": "UTC",
            },
        }
        if draw(st.booleans()):
            op["endpointBehavior"] = draw(st.sampled_from(["INCLUSIVE", "EXCLUSIVE"]))
        return op
    operator = draw(
        st.sampled_from(
            [
                "IS_LESS_THAN_X_DAYS_AGO",
                "IS_MORE_THAN_X_DAYS_AGO",
                "IS_LESS_THAN_X_DAYS_FROM_NOW",
                "IS_MORE_THAN_X_DAYS_FROM_NOW",
            ]
        )
    )
    return {
        "operationType": "ROLLING_DATE_RANGE",
        "operator": operator,
        "numberOfDays": draw(st.integers(0, 45)),
    }


@st.composite
def enumeration_operation(draw: st.DrawFn) -> dict[str, Any]:
    operator = draw(
        st.sampled_from(
            [
                "IS_ANY_OF",
                "IS_NONE_OF",
                "IS_EXACTLY",
                "IS_NOT_EXACTLY",
                "CONTAINS_ALL",
                "DOES_NOT_CONTAIN_ALL",
            ]
        )
    )
    values = draw(st.lists(st.sampled_from(OPTIONS), min_size=1, max_size=3, unique=True))
    return {"operationType": "ENUMERATION", "operator": operator, "values": values}


def operations(exact: bool) -> dict[str, st.SearchStrategy[dict[str, Any]]]:
    """Operations per property; ``exact``: only those with an index translation."""
    return {
        "f_text": text_operation(exact),
        "f_num": number_operation(),
        "f_day": time_operation(exact),
        "f_when": time_operation(exact),
        "f_kind": enumeration_operation(),
        "f_tags": enumeration_operation(),
        "f_flag": st.fixed_dictionaries(
            {
                "operationType": st.just("BOOL"),
                "operator": st.sampled_from(["IS_EQUAL_TO", "IS_NOT_EQUAL_TO"]),
                "value": st.booleans(),
            }
        ),
        "hs_object_id": number_operation(st.integers(0, 10**7)),
        "hs_createdate": time_operation(exact),
    }


@st.composite
def a_filter(draw: st.DrawFn, exact: bool) -> dict[str, Any]:
    if draw(st.integers(0, 19)) == 0:
        return {"filterType": "CONSTANT", "shouldAccept": draw(st.booleans())}
    choices = operations(exact)
    name = draw(st.sampled_from(sorted(choices)))
    if draw(st.integers(0, 5)) == 0:
        op = {
            "operationType": "ALL_PROPERTY",
            "operator": draw(st.sampled_from(["IS_KNOWN", "IS_UNKNOWN"])),
        }
    else:
        op = draw(choices[name])
    if draw(st.booleans()):
        op["includeObjectsWithNoValueSet"] = draw(st.booleans())
    return {"filterType": "PROPERTY", "property": name, "operation": op}


def nested(depth: int, exact: bool) -> st.SearchStrategy[dict[str, Any]]:
    inner = st.lists(nested(depth - 1, exact), max_size=1) if depth else st.just([])
    return st.fixed_dictionaries(
        {
            "filterBranchType": st.sampled_from(["NOT_ALL", "NOT_ANY"]),
            "filters": st.lists(a_filter(exact), min_size=1, max_size=2),
            "filterBranches": inner,
        }
    )


def tree(exact: bool) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "filterBranchType": st.just("OR"),
            "filters": st.just([]),
            "filterBranches": st.lists(
                st.fixed_dictionaries(
                    {
                        "filterBranchType": st.just("AND"),
                        "filters": st.lists(a_filter(exact), max_size=3),
                        "filterBranches": st.lists(nested(1, exact), max_size=1),
                    }
                ),
                min_size=1,
                max_size=3,
            ),
        }
    )


a_tree = st.booleans().flatmap(tree)
a_record = st.fixed_dictionaries(
    {}, optional={name: st.sampled_from(pool) for name, pool in POOLS.items()}
)


# ---- the property ----------------------------------------------------------------------


def test_matches_equals_the_reference_and_the_index_translation(
    store: Store, run: Run, portal: int
) -> None:
    run(store.create_properties(portal, TYPE, CUSTOM, max_unique=10))
    definitions = run(load_definitions(store, portal, CALLS))
    entries = lambda record: index_map(definitions, record.properties)  # noqa: E731
    translated = 0

    @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        values=st.lists(a_record, min_size=1, max_size=10),
        trees=st.lists(a_tree, min_size=1, max_size=4),
    )
    def check(values: list[dict[str, str]], trees: list[dict[str, Any]]) -> None:
        nonlocal translated
        inserted = run(store.insert_records(portal, TYPE, [NewRecord(v) for v in values], AT))
        records = list(inserted.records.values())
        try:
            run(store.refresh_index(portal, TYPE, entries))
            for raw in trees:
                tree = parse_filter_branch(raw, TYPE, definitions.by_name)
                found = {r.id for r in records if matches(tree, r, NOW)}
                assert found == {r.id for r in records if ref_branch(r, raw, NOW)}, raw
                groups = to_search_groups(tree)
                if groups is None:
                    continue
                translated += 1
                query = SearchQuery(groups, (), (), None, 1_000, 0)
                page = run(store.search(portal, TYPE, query))
                assert {r.id for r in page.records} == found, (raw, groups)
        finally:
            run(store.archive_records(portal, TYPE, [r.id for r in records], AT + 1))

    check()
    assert translated > 0
