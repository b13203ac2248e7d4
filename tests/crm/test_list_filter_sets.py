"""Filters judged over a set of records at once (``list_filter_sets``) decide as each
record judged alone does, whatever order an AND's parts come to run in."""

from __future__ import annotations

import random
from typing import Any

import pytest

from localspot.crm.list_filter_sets import REORDER_EVERY, Judged
from localspot.crm.list_filters import FilterTree, matches
from localspot.crm.model import Record

from .list_filter_trees import (
    AT,
    DAY,
    association,
    at,
    number,
    options,
    parse,
    prop,
    record,
    root,
    seen,
    text,
)

NAMES = ("John", "Jane", "", "JOHN", "Ada")
SCORES = ("", "5", "12.5", "n/a", "700", "-3")
TIERS = ("", "gold", "Silver", "bronze")
TAGS = ("", "gold", "gold;bronze", ";", "Silver;bronze")


def _and(*filters: dict[str, Any], branches: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    return {"filterBranchType": "AND", "filters": list(filters), "filterBranches": list(branches)}


TREE = {
    "filterBranchType": "OR",
    "filters": [],
    "filterBranches": [
        _and(
            text("STARTS_WITH", "j"),
            number("IS_GREATER_THAN", 10),
            options("tier", "IS_NONE_OF", "bronze"),
        ),
        _and(
            options("tags", "IS_ANY_OF", "bronze"),
            branches=(
                {"filterBranchType": "NOT_ANY", "filters": [number("IS_LESS_THAN", 0)]},
                {
                    "filterBranchType": "NOT_ALL",
                    "filters": [
                        prop("firstname", "ALL_PROPERTY", "IS_KNOWN"),
                        seen("ROLLING_DATE_RANGE", "IS_LESS_THAN_X_DAYS_AGO", numberOfDays=2),
                    ],
                },
            ),
        ),
        _and(
            prop("lastname", "ALL_PROPERTY", "IS_UNKNOWN"),
            prop("score", "NUMBER", "IS_NOT_EQUAL_TO", value=5, includeObjectsWithNoValueSet=True),
            prop("vip", "BOOL", "IS_EQUAL_TO", value=True),
        ),
    ],
}


def _records(rng: random.Random, count: int) -> dict[int, Record]:
    found = {}
    for i in range(1, count + 1):
        values = {
            "firstname": rng.choice(NAMES),
            "score": rng.choice(SCORES),
            "tier": rng.choice(TIERS),
            "tags": rng.choice(TAGS),
            "vip": rng.choice(("true", "false", "")),
            "seen": rng.choice(("", at(AT - DAY), at(AT - 5 * DAY), "soon")),
        }
        if rng.random() < 0.5:
            values["lastname"] = "Lee"
        found[i] = record(i, **{k: v for k, v in values.items() if v or rng.random() < 0.5})
    return found


def _one_by_one(tree: FilterTree, records: dict[int, Record], ids: set[int]) -> set[int]:
    return {i for i in ids if matches(tree, records[i], AT)}


def test_a_set_of_records_passes_as_each_record_alone_does() -> None:
    rng = random.Random(5)
    tree = parse(TREE)
    assert tree.select is not None
    records = _records(rng, 300)
    for _ in range(3 * REORDER_EVERY):  # long enough for the ANDs to reorder their parts
        ids = set(rng.sample(sorted(records), rng.randint(0, 60)))
        assert set(tree.select(records, ids, AT)) == _one_by_one(tree, records, ids)
    passing = _one_by_one(tree, records, set(records))
    assert 0 < len(passing) < len(records)  # the tree tells records apart


def test_the_set_given_is_left_as_it_was() -> None:
    tree = parse(TREE)
    assert tree.select is not None
    records = _records(random.Random(9), 40)
    ids = set(records)
    for _ in range(REORDER_EVERY + 1):
        tree.select(records, ids, AT)
    assert ids == set(records)


def test_a_tree_reading_associated_records_has_no_set_form() -> None:
    tree = parse({"filterBranchType": "OR", "filterBranches": [_and(branches=(association(),))]})
    assert tree.select is None


COMPARED = [
    *(text(op, "Jo") for op in ("IS_EQUAL_TO", "IS_NOT_EQUAL_TO", "CONTAINS")),
    *(text(op, "jO") for op in ("DOES_NOT_CONTAIN", "STARTS_WITH", "ENDS_WITH")),
    text("IS_EQUAL_TO", "jane"),
    *(
        number(op, 12.5)
        for op in (
            "IS_EQUAL_TO",
            "IS_NOT_EQUAL_TO",
            "IS_GREATER_THAN",
            "IS_GREATER_THAN_OR_EQUAL_TO",
            "IS_LESS_THAN",
            "IS_LESS_THAN_OR_EQUAL_TO",
        )
    ),
    *(
        prop("score", "NUMBER_RANGED", op, lowerBound=0, upperBound=12.5)
        for op in ("IS_BETWEEN", "IS_NOT_BETWEEN")
    ),
    *(prop("vip", "BOOL", op, value=True) for op in ("IS_EQUAL_TO", "IS_NOT_EQUAL_TO")),
    options("tier", "IS_ANY_OF", "gold", "Silver"),
    options("tier", "IS_NONE_OF", "gold"),
    seen("RANGED_DATE", "IS_BETWEEN", lowerBound=AT - 2 * DAY, upperBound=AT),
]
"""One filter of each comparison the set form writes out (``list_filter_sets.COMPARISONS``)."""


def _records_with_names(rng: random.Random, count: int) -> dict[int, Record]:
    found = _records(rng, count)
    for one in found.values():
        if rng.random() < 0.4:
            one.properties["firstname"] = rng.choice(("Jo", "jOhn", "JO", "Bojo", "jane"))
    return found


@pytest.mark.parametrize("include", [False, True])
def test_written_out_comparisons_pass_as_each_record_alone_does(include: bool) -> None:
    """Each comparison, with ``includeObjectsWithNoValueSet`` either way, over records as a
    plain mapping and as one ``Judged`` set that every filter reads its values from."""
    rng = random.Random(11)
    records = _records_with_names(rng, 200)
    trees = [
        parse(root({**f, "operation": {**f["operation"], "includeObjectsWithNoValueSet": include}}))
        for f in COMPARED
    ]
    judged = Judged(records)
    for tree in trees:
        assert tree.select is not None
        wanted = _one_by_one(tree, records, set(records))
        assert 0 < len(wanted) < len(records), tree  # the filter tells records apart
        sizes = [len(records), 150, 101, 100, 40, 0]  # over half of them: shared results
        for ids in [set(rng.sample(sorted(records), size)) for size in sizes]:
            expected = _one_by_one(tree, records, ids)
            assert set(tree.select(records, ids, AT)) == expected
            assert set(tree.select(judged, ids, AT)) == expected
    assert any(key[0] == "compared" for key in judged.maps)  # results kept for other lists
