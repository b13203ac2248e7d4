"""How much ``crm/list_filters.matches`` costs per record, against a hand-written Python
predicate deciding the same membership over the same records (the least any evaluator
could spend: it reads the values and compares them, nothing else).

Dynamic lists will call ``matches`` inside record writes and for a backfill of every record
of a type, so its cost is per record and per list. Run:

    .venv/bin/python bench/list_filters.py --records 200000
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from typing import Any

from localspot.crm import object_types
from localspot.crm.list_filters import matches, parse_filter_branch
from localspot.crm.model import PropertyDefinition, PropertyOption, Record

CONTACTS = object_types.resolve("contacts")
TIERS = ("gold", "silver", "bronze")
DEFINITIONS = {
    **CONTACTS.properties,
    "score": PropertyDefinition("score", "S", "number", "number"),
    "tier": PropertyDefinition(
        "tier", "T", "enumeration", "select", options=tuple(PropertyOption(t, t) for t in TIERS)
    ),
    "renewal": PropertyDefinition("renewal", "R", "date", "date"),
}
NAMES = ("Ann", "Bob", "john", "JOHN", "Eve", "Johnny")
DAY = 86_400_000
NOW = 1_767_225_600_000


def prop(name: str, op_type: str, operator: str, **fields: Any) -> dict[str, Any]:
    operation = {"operationType": op_type, "operator": operator, **fields}
    return {"filterType": "PROPERTY", "property": name, "operation": operation}


def tree(*groups: list[dict[str, Any]]) -> dict[str, Any]:
    branches = [{"filterBranchType": "AND", "filters": g} for g in groups]
    return {"filterBranchType": "OR", "filters": [], "filterBranches": branches}


def value(record: Record, name: str) -> str | None:
    return record.properties.get(name) or None


def baseline_one(record: Record) -> bool:
    name = value(record, "firstname")
    return name is not None and name.lower() == "john"


def baseline_three(record: Record) -> bool:
    tier, score, renewal = (value(record, n) for n in ("tier", "score", "renewal"))
    return (
        tier in ("gold", "silver")
        and score is not None
        and float(score) >= 50
        and renewal is not None
        and renewal > "2025-12-01"
    )


def baseline_or(record: Record) -> bool:
    name = value(record, "firstname")
    tier = value(record, "tier")
    return (name is not None and name.lower().startswith("jo") and tier != "bronze") or (
        value(record, "score") is None
    )


CASES: list[tuple[str, dict[str, Any], Callable[[Record], bool]]] = [
    ("one string equality", tree([prop("firstname", "STRING", "IS_EQUAL_TO", value="John")]),
     baseline_one),
    ("three ANDed filters", tree([
        prop("tier", "ENUMERATION", "IS_ANY_OF", values=["gold", "silver"]),
        prop("score", "NUMBER", "IS_GREATER_THAN_OR_EQUAL_TO", value=50),
        prop("renewal", "DATETIME", "IS_AFTER", timestamp=NOW - 31 * DAY + DAY - 1),
    ]), baseline_three),
    ("OR of two groups, NOT_ANY", {
        "filterBranchType": "OR", "filters": [],
        "filterBranches": [
            {"filterBranchType": "AND",
             "filters": [prop("firstname", "STRING", "STARTS_WITH", value="JO")],
             "filterBranches": [{"filterBranchType": "NOT_ANY", "filters": [
                 prop("tier", "ENUMERATION", "IS_ANY_OF", values=["bronze"])]}]},
            {"filterBranchType": "AND",
             "filters": [prop("score", "ALL_PROPERTY", "IS_UNKNOWN")]},
        ]}, baseline_or),
]  # fmt: skip


def records(count: int) -> list[Record]:
    rng = random.Random(7)
    made = []
    for n in range(count):
        properties = {
            "firstname": rng.choice(NAMES),
            "tier": rng.choice(TIERS),
            "renewal": f"2025-{rng.randint(10, 12)}-{rng.randint(10, 28)}",
        }
        if rng.random() < 0.8:
            properties["score"] = str(rng.randint(0, 100))
        made.append(Record(n + 1, properties, NOW, NOW))
    return made


def per_record(test: Callable[[Record], bool], rows: list[Record]) -> tuple[float, int]:
    """Best of three passes: ns per record, and how many passed."""
    best, passed = float("inf"), 0
    for _ in range(3):
        started = time.perf_counter_ns()
        passed = sum(1 for r in rows if test(r))
        best = min(best, (time.perf_counter_ns() - started) / len(rows))
    return best, passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=200_000)
    rows = records(parser.parse_args().records)
    print(f"{len(rows):,} records; ns per record, best of 3 passes")
    for label, raw, baseline in CASES:
        started = time.perf_counter_ns()
        parsed = parse_filter_branch(raw, CONTACTS.type_id, DEFINITIONS)
        parse_us = (time.perf_counter_ns() - started) / 1000
        engine, found = per_record(lambda r, t=parsed: matches(t, r, NOW), rows)  # type: ignore[misc]
        plain, expected = per_record(baseline, rows)
        assert found == expected, (label, found, expected)
        print(
            f"{label:28} matches {engine:6.0f}  baseline {plain:6.0f}  ratio {engine / plain:4.2f}"
            f"  ({found:,} members; parse {parse_us:.0f} µs)"
        )


if __name__ == "__main__":
    main()
