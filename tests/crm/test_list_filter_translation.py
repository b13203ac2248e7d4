"""Which filters translate to search-index conditions, and into which: lower-cased
equalities, unknown values, columns, negated branches, the string prefix and the cap."""

from __future__ import annotations

from typing import Any

from localspot.crm.list_filter_dnf import MAX_GROUPS, NOTHING
from localspot.crm.list_filter_values import INDEXED_PREFIX
from localspot.crm.list_filters import to_search_groups
from localspot.crm.search_storage import Condition
from localspot.store import search_index

from .list_filter_trees import (
    AT,
    association,
    number,
    options,
    parse,
    prop,
    root,
    seen,
    text,
    texts,
)

# ---- the index translation ----------------------------------------------------------------


def groups(*filters: dict[str, Any], branches: tuple[dict[str, Any], ...] = ()) -> Any:
    return to_search_groups(parse(root(*filters, branches=branches)))


def cond(
    name: str,
    operator: str,
    kind: str,
    *values: Any,
    column: str | None = None,
    multi: bool = False,
) -> Condition:
    return Condition(name, operator, kind, values, column, multi)


def test_equalities_translate_to_lower_cased_index_values() -> None:
    assert groups(text("IS_EQUAL_TO", "John")) == ((cond("firstname", "EQ", "string", "john"),),)
    assert groups(texts("IS_EQUAL_TO", "A", "b")) == (
        (cond("firstname", "IN", "string", "a", "b"),),
    )
    assert groups(options("tier", "IS_ANY_OF", "gold", "Silver")) == (
        (cond("tier", "IN", "string", "Silver", "gold"),),
    )


def test_a_negative_operator_keeps_only_known_values_unless_unknown_ones_are_included() -> None:
    assert groups(number("IS_NOT_EQUAL_TO", 3)) == (
        (cond("score", "NEQ", "number", 3.0), cond("score", "HAS_PROPERTY", "number")),
    )
    included = prop(
        "score", "NUMBER", "IS_NOT_EQUAL_TO", value=3, includeObjectsWithNoValueSet=True
    )
    assert groups(included) == ((cond("score", "NEQ", "number", 3.0),),)
    positive = prop("score", "NUMBER", "IS_LESS_THAN", value=3, includeObjectsWithNoValueSet=True)
    assert groups(positive) == (
        (cond("score", "LT", "number", 3.0),),
        (cond("score", "NOT_HAS_PROPERTY", "number"),),
    )


def test_system_properties_translate_to_column_conditions() -> None:
    assert groups(prop("hs_object_id", "NUMBER", "IS_GREATER_THAN", value=5)) == (
        (cond("hs_object_id", "GT", "column", 5.0, column="id"),),
    )
    included = prop(
        "createdate", "DATETIME", "IS_BEFORE", timestamp=AT, includeObjectsWithNoValueSet=True
    )
    assert groups(included) == (
        (cond("createdate", "LT", "column", float(AT), column="created_at"),),
    )


def test_not_branches_translate_by_negating_each_condition() -> None:
    inner = {
        "filterBranchType": "NOT_ALL",
        "filters": [number("IS_LESS_THAN", 3), options("tags", "IS_ANY_OF", "gold")],
    }
    assert groups(branches=(inner,)) == (
        (cond("score", "GTE", "number", 3.0),),
        (cond("score", "NOT_HAS_PROPERTY", "number"),),
        (cond("tags", "NOT_IN", "string", "gold", multi=True),),
    )


def test_filters_the_index_cannot_express_exactly_have_no_translation() -> None:
    assert groups(text("CONTAINS", "x")) is None
    assert groups(text("STARTS_WITH", "x")) is None
    assert groups(text("IS_EQUAL_TO", "x" * INDEXED_PREFIX)) is None
    assert groups(text("IS_EQUAL_TO", "x" * (INDEXED_PREFIX - 1))) is not None
    assert groups(options("tags", "IS_EXACTLY", "gold")) is None
    assert groups(seen("ROLLING_DATE_RANGE", "IS_LESS_THAN_X_DAYS_AGO", numberOfDays=1)) is None
    assert groups(seen("COMPARATIVE_DATE", "IS_AFTER", comparisonPropertyName="renewal")) is None
    assert groups(branches=(association(),)) is None
    assert (
        groups(branches=({"filterBranchType": "NOT_ALL", "filters": [text("CONTAINS", "x")]},))
        is None
    )
    assert groups(options("tier", "IS_ANY_OF", "g" * INDEXED_PREFIX)) is None
    relative = {"timeType": "INDEXED", "indexReference": {"referenceType": "NOW"}}
    assert groups(seen("TIME_POINT", "IS_AFTER", timePoint=relative)) is None


def test_the_index_keeps_the_string_prefix_this_module_assumes() -> None:
    assert INDEXED_PREFIX == search_index.INDEXED_PREFIX


def test_a_tree_no_record_passes_translates_to_a_group_nothing_passes() -> None:
    assert groups({"filterType": "CONSTANT", "shouldAccept": False}) == ((NOTHING,),)
    assert groups(options("tier", "IS_EXACTLY", "gold", "bronze")) == ((NOTHING,),)
    assert groups({"filterType": "CONSTANT", "shouldAccept": True}) == ((),)
    assert groups(
        prop("firstname", "ALL_PROPERTY", "IS_KNOWN", includeObjectsWithNoValueSet=True)
    ) == ((),)


def test_a_translation_growing_past_the_cap_is_given_up() -> None:
    values = [f"v{n}" for n in range(6)]
    every = [text("IS_NOT_EQUAL_TO", v, includeObjectsWithNoValueSet=True) for v in values[:2]]
    assert groups(branches=({"filterBranchType": "NOT_ANY", "filters": every},)) is not None
    wide = {"filterBranchType": "NOT_ALL", "filters": [number("IS_LESS_THAN", n) for n in range(6)]}
    assert MAX_GROUPS < 2**6
    assert groups(branches=(wide, wide)) is None
