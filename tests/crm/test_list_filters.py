"""``matches`` per operator, with unknown values, and per branch type, association
branches included; what a tree says it reads."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from localspot.crm.list_filters import (
    FilterTree,
    matches,
    parse_filter_branch,
    to_search_groups,
)
from localspot.crm.model import Record
from localspot.crm.search_storage import Condition

from .list_filter_trees import (
    AT,
    DEFINITIONS,
    association,
    deal,
    number,
    options,
    parse,
    passes,
    prop,
    record,
    root,
    seen,
    text,
    texts,
)

# ---- matches, per operator ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("flt", "properties", "expected"),
    [
        # strings compare case-insensitively
        (text("IS_EQUAL_TO", "john"), {"firstname": "John"}, True),
        (text("IS_EQUAL_TO", "JOHN"), {"firstname": "johnny"}, False),
        (text("IS_NOT_EQUAL_TO", "john"), {"firstname": "Jane"}, True),
        (text("IS_NOT_EQUAL_TO", "john"), {"firstname": "JOHN"}, False),
        (text("CONTAINS", "OH"), {"firstname": "John"}, True),
        (text("CONTAINS", "x"), {"firstname": "John"}, False),
        (text("DOES_NOT_CONTAIN", "x"), {"firstname": "John"}, True),
        (text("DOES_NOT_CONTAIN", "J"), {"firstname": "john"}, False),
        (text("STARTS_WITH", "jO"), {"firstname": "John"}, True),
        (text("STARTS_WITH", "oh"), {"firstname": "John"}, False),
        (text("ENDS_WITH", "HN"), {"firstname": "John"}, True),
        (text("ENDS_WITH", "jo"), {"firstname": "John"}, False),
        (texts("IS_EQUAL_TO", "x", "JOHN"), {"firstname": "John"}, True),
        (texts("IS_EQUAL_TO", "x", "y"), {"firstname": "John"}, False),
        (texts("IS_NOT_EQUAL_TO", "x", "JOHN"), {"firstname": "John"}, False),
        (texts("IS_NOT_EQUAL_TO", "x", "y"), {"firstname": "John"}, True),
        (texts("CONTAINS", "q", "oh"), {"firstname": "John"}, True),
        (texts("DOES_NOT_CONTAIN", "q", "oh"), {"firstname": "John"}, False),
        (texts("DOES_NOT_CONTAIN", "q", "z"), {"firstname": "John"}, True),
        (texts("CONTAINS_EXACTLY", "OH"), {"firstname": "John"}, False),
        (texts("CONTAINS_EXACTLY", "oh"), {"firstname": "John"}, True),
        (texts("DOES_NOT_CONTAIN_EXACTLY", "OH"), {"firstname": "John"}, True),
        (texts("STARTS_WITH", "x", "j"), {"firstname": "John"}, True),
        (texts("ENDS_WITH", "x", "N"), {"firstname": "John"}, True),
        # numbers are compared as numbers; a value not readable as one is unknown
        (number("IS_EQUAL_TO", 12.5), {"score": "12.5"}, True),
        (number("IS_EQUAL_TO", "12.50"), {"score": "12.5"}, True),
        (number("IS_NOT_EQUAL_TO", 12), {"score": "12.5"}, True),
        (number("IS_GREATER_THAN", 12), {"score": "12"}, False),
        (number("IS_GREATER_THAN_OR_EQUAL_TO", 12), {"score": "12"}, True),
        (number("IS_LESS_THAN", 12), {"score": "-3"}, True),
        (number("IS_LESS_THAN_OR_EQUAL_TO", 12), {"score": "12.01"}, False),
        (number("IS_NOT_EQUAL_TO", 12), {"score": "twelve"}, False),
        (
            prop("score", "NUMBER_RANGED", "IS_BETWEEN", lowerBound=1, upperBound=3),
            {"score": "3"},
            True,
        ),
        (
            prop("score", "NUMBER_RANGED", "IS_BETWEEN", lowerBound=1, upperBound=3),
            {"score": "0.9"},
            False,
        ),
        (
            prop("score", "NUMBER_RANGED", "IS_NOT_BETWEEN", lowerBound=1, upperBound=3),
            {"score": "4"},
            True,
        ),
        (
            prop("score", "NUMBER_RANGED", "IS_NOT_BETWEEN", lowerBound=1, upperBound=3),
            {"score": "1"},
            False,
        ),
        (prop("vip", "BOOL", "IS_EQUAL_TO", value=True), {"vip": "true"}, True),
        (prop("vip", "BOOL", "IS_EQUAL_TO", value=True), {"vip": "false"}, False),
        (prop("vip", "BOOL", "IS_NOT_EQUAL_TO", value=True), {"vip": "false"}, True),
        # enumerations: options compare exactly; a multi-select is its set of options
        (options("tier", "IS_ANY_OF", "gold", "Silver"), {"tier": "Silver"}, True),
        (options("tier", "IS_ANY_OF", "silver"), {"tier": "Silver"}, False),
        (options("tier", "IS_NONE_OF", "gold"), {"tier": "Silver"}, True),
        (options("tier", "IS_EXACTLY", "gold"), {"tier": "gold"}, True),
        (options("tier", "IS_EXACTLY", "gold", "bronze"), {"tier": "gold"}, False),
        (options("tier", "IS_NOT_EXACTLY", "gold", "bronze"), {"tier": "gold"}, True),
        (options("tags", "IS_ANY_OF", "bronze"), {"tags": "gold;bronze"}, True),
        (options("tags", "IS_NONE_OF", "bronze", "Silver"), {"tags": "gold;bronze"}, False),
        (options("tags", "IS_EXACTLY", "bronze", "gold"), {"tags": "gold;bronze"}, True),
        (options("tags", "IS_EXACTLY", "gold"), {"tags": "gold;bronze"}, False),
        (options("tags", "IS_NOT_EXACTLY", "gold"), {"tags": "gold;bronze"}, True),
        (options("tags", "CONTAINS_ALL", "gold", "bronze"), {"tags": "bronze;Silver;gold"}, True),
        (options("tags", "CONTAINS_ALL", "gold", "bronze"), {"tags": "gold;Silver"}, False),
        (options("tags", "DOES_NOT_CONTAIN_ALL", "gold", "bronze"), {"tags": "gold"}, True),
        # known or not
        (prop("firstname", "ALL_PROPERTY", "IS_KNOWN"), {"firstname": "x"}, True),
        (prop("firstname", "ALL_PROPERTY", "IS_KNOWN"), {"firstname": ""}, False),
        (prop("firstname", "ALL_PROPERTY", "IS_UNKNOWN"), {"firstname": ""}, True),
        (prop("firstname", "ALL_PROPERTY", "IS_UNKNOWN"), {}, True),
        (prop("firstname", "ALL_PROPERTY", "IS_UNKNOWN"), {"firstname": "x"}, False),
        (prop("tags", "ALL_PROPERTY", "IS_KNOWN"), {"tags": ";"}, False),
        # another text property (case-insensitive), or the default when it has none
        (
            prop(
                "firstname", "COMPARATIVE_STRING", "IS_EQUAL_TO", comparisonPropertyName="lastname"
            ),
            {"firstname": "Lee", "lastname": "LEE"},
            True,
        ),
        (
            prop(
                "firstname",
                "COMPARATIVE_STRING",
                "IS_NOT_EQUAL_TO",
                comparisonPropertyName="lastname",
            ),
            {"firstname": "Lee", "lastname": "Li"},
            True,
        ),
        (
            prop(
                "firstname", "COMPARATIVE_STRING", "IS_EQUAL_TO", comparisonPropertyName="lastname"
            ),
            {"firstname": "Lee"},
            False,
        ),
        (
            prop(
                "firstname",
                "COMPARATIVE_STRING",
                "IS_EQUAL_TO",
                comparisonPropertyName="lastname",
                defaultComparisonValue="lee",
            ),
            {"firstname": "Lee"},
            True,
        ),
    ],
)
def test_each_operator_decides_on_the_records_value(
    flt: dict[str, Any], properties: dict[str, str], expected: bool
) -> None:
    assert passes(flt, **properties) is expected


UNKNOWN_CASES = [
    text("IS_EQUAL_TO", "x"),
    text("IS_NOT_EQUAL_TO", "x"),
    text("DOES_NOT_CONTAIN", "x"),
    texts("IS_NOT_EQUAL_TO", "x"),
    number("IS_NOT_EQUAL_TO", 1),
    prop("score", "NUMBER_RANGED", "IS_NOT_BETWEEN", lowerBound=1, upperBound=3),
    prop("vip", "BOOL", "IS_NOT_EQUAL_TO", value=True),
    options("tags", "IS_NONE_OF", "gold"),
    options("tier", "IS_NOT_EXACTLY", "gold"),
    prop("firstname", "ALL_PROPERTY", "IS_KNOWN"),
    prop("seen", "DATETIME", "IS_AFTER", timestamp=0),
    prop("seen", "ROLLING_DATE_RANGE", "IS_MORE_THAN_X_DAYS_AGO", numberOfDays=1),
]


@pytest.mark.parametrize("flt", UNKNOWN_CASES)
@pytest.mark.parametrize("value", [None, ""])
def test_a_record_without_a_value_passes_only_when_such_records_are_included(
    flt: dict[str, Any], value: str | None
) -> None:
    name = flt["property"]
    properties = {} if value is None else {name: value}
    assert passes(flt, **properties) is False
    included = copy.deepcopy(flt)
    included["operation"]["includeObjectsWithNoValueSet"] = True
    assert passes(included, **properties) is True


def test_values_unreadable_as_their_type_count_as_unknown() -> None:
    for name, value in (("score", "n/a"), ("vip", "maybe"), ("seen", "soon"), ("renewal", "-")):
        assert passes(prop(name, "ALL_PROPERTY", "IS_UNKNOWN"), **{name: value})


# ---- branches, associations and what a tree reads ----------------------------------------


def test_or_needs_any_and_branch_and_and_needs_every_filter() -> None:
    john, smith = (
        text("IS_EQUAL_TO", "john"),
        prop("lastname", "STRING", "IS_EQUAL_TO", value="smith"),
    )
    either_one = {
        "filterBranchType": "OR",
        "filterBranches": [
            {"filterBranchType": "AND", "filters": [john]},
            {"filterBranchType": "AND", "filters": [smith]},
        ],
    }
    both_of = root(john, smith)
    cases = [
        ({"firstname": "John"}, True, False),
        ({"firstname": "John", "lastname": "Smith"}, True, True),
        ({"lastname": "Doe"}, False, False),
    ]
    for properties, in_either, in_both in cases:
        assert matches(parse(either_one), record(**properties), AT) is in_either
        assert matches(parse(both_of), record(**properties), AT) is in_both


def test_an_and_branch_without_filters_accepts_every_record() -> None:
    assert matches(parse(root()), record(), AT)


def test_not_all_fails_records_passing_all_and_not_any_those_passing_any() -> None:
    filters = [text("IS_EQUAL_TO", "john"), prop("lastname", "ALL_PROPERTY", "IS_KNOWN")]
    not_all = parse(root(branches=({"filterBranchType": "NOT_ALL", "filters": filters},)))
    not_any = parse(root(branches=({"filterBranchType": "NOT_ANY", "filters": filters},)))
    cases = [
        ({"firstname": "John", "lastname": "x"}, False, False),
        ({"firstname": "John"}, True, False),
        ({}, True, True),
    ]
    for properties, in_not_all, in_not_any in cases:
        assert matches(not_all, record(**properties), AT) is in_not_all
        assert matches(not_any, record(**properties), AT) is in_not_any


def test_an_association_branch_passes_when_an_associated_record_passes() -> None:
    asked: list[tuple[str, int | None]] = []

    def linked(type_id: str, association_type: int | None) -> list[Record]:
        asked.append((type_id, association_type))
        return [deal(10, "500"), deal(11, "2000")] if association_type == 4 else []

    tree = parse(root(branches=(association(),)))
    assert matches(tree, record(), AT, linked)
    assert asked == [("0-3", 4)]
    assert not matches(tree, record(), AT, lambda t, a: [deal(10, "500")])
    assert not matches(tree, record(), AT, lambda t, a: [])
    outside = parse(root(branches=(association(operator="NOT_IN_LIST"),)))
    assert matches(outside, record(), AT, lambda t, a: [deal(10, "500")])
    assert not matches(outside, record(), AT, linked)


def test_an_association_branch_without_linked_records_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="linked"):
        matches(parse(root(branches=(association(),))), record(), AT)


def test_a_tree_names_the_properties_types_and_time_it_reads() -> None:
    plain = parse(root(text("IS_EQUAL_TO", "x"), number("IS_EQUAL_TO", 1)))
    assert (plain.property_names, plain.associated_types, plain.uses_time) == (
        frozenset({"firstname", "score"}),
        frozenset(),
        False,
    )
    compared = seen("COMPARATIVE_DATE", "IS_AFTER", comparisonPropertyName="renewal")
    rolling = seen("ROLLING_DATE_RANGE", "IS_LESS_THAN_X_DAYS_AGO", numberOfDays=1)
    tree = parse(root(compared, rolling, branches=(association(),)))
    assert (tree.property_names, tree.associated_types, tree.uses_time) == (
        frozenset({"seen", "renewal"}),
        frozenset({"0-3"}),
        True,
    )
    relative = {"timeType": "INDEXED", "indexReference": {"referenceType": "TODAY"}}
    assert parse(root(seen("TIME_POINT", "IS_AFTER", timePoint=relative))).uses_time
    fixed = {"timeType": "DATE", "year": 2026, "month": 1, "day": 1}
    assert not parse(root(seen("TIME_POINT", "IS_AFTER", timePoint=fixed))).uses_time


def test_a_tree_built_without_parsing_matches_nothing() -> None:
    assert not matches(FilterTree(frozenset(), frozenset(), False), record(), AT)


def test_other_object_types_read_their_own_system_columns() -> None:
    flt = prop("hs_object_id", "NUMBER", "IS_EQUAL_TO", value=5)
    definitions = {"hs_object_id": DEFINITIONS["hs_object_id"]}
    for type_id in ("2-17", "0-999"):
        tree = parse_filter_branch(root(flt), type_id, definitions)
        assert matches(tree, record(5), AT)
        assert to_search_groups(tree) == (
            (Condition("hs_object_id", "EQ", "column", (5.0,), "id"),),
        )
