"""Property filter operations on text, numbers, flags and enumerations (dates and times are
``crm/list_filter_times.py``): each reads its fields once and compiles to a ``Compiled``.

Semantics (hubspot-behaviour §16.9): a record without a value passes exactly when
``includeObjectsWithNoValueSet`` is true (default false), whatever the operator, except
``IS_UNKNOWN``, which such records always pass. Text compares case-insensitively (both
sides lower-cased, as search's index holds text), except ``CONTAINS_EXACTLY`` and
``DOES_NOT_CONTAIN_EXACTLY``; enumeration options compare exactly. ``MULTISTRING``
operators pass when any of ``values`` does (the negative ones when none does).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from localspot.crm.list_filter_dnf import FALSE, TRUE, Dnf, both, either, negated, single
from localspot.crm.list_filter_values import (
    INDEXED_PREFIX,
    Compiled,
    Spec,
    as_bool,
    as_number,
    as_string,
    as_strings,
    family,
    slot_of,
)
from localspot.crm.model import Record
from localspot.crm.search import is_multi

Builder = Callable[[Spec], Compiled]

_NUMBER_TESTS: dict[str, tuple[str, str, Callable[[float], Callable[[float], bool]]]] = {
    "IS_EQUAL_TO": ("EQ", "eq", lambda x: lambda v: v == x),
    "IS_NOT_EQUAL_TO": ("NEQ", "ne", lambda x: lambda v: v != x),
    "IS_GREATER_THAN": ("GT", "gt", lambda x: lambda v: v > x),
    "IS_GREATER_THAN_OR_EQUAL_TO": ("GTE", "ge", lambda x: lambda v: v >= x),
    "IS_LESS_THAN": ("LT", "lt", lambda x: lambda v: v < x),
    "IS_LESS_THAN_OR_EQUAL_TO": ("LTE", "le", lambda x: lambda v: v <= x),
}
"""Operator → (its index operator, its ``list_filter_sets.COMPARISONS`` name, the test of
a value against a number)."""
_STRING_TESTS: dict[str, tuple[str, Callable[[str], Callable[[str], bool]]]] = {
    "IS_EQUAL_TO": ("eq", lambda x: lambda v: v.lower() == x),
    "IS_NOT_EQUAL_TO": ("ne", lambda x: lambda v: v.lower() != x),
    "CONTAINS": ("contains", lambda x: lambda v: x in v.lower()),
    "DOES_NOT_CONTAIN": ("lacks", lambda x: lambda v: x not in v.lower()),
    "STARTS_WITH": ("starts", lambda x: lambda v: v.lower().startswith(x)),
    "ENDS_WITH": ("ends", lambda x: lambda v: v.lower().endswith(x)),
}
"""Operator → (the same test in ``list_filter_sets.COMPARISONS``, on the lower-cased value;
the test of a value against a lower-cased string)."""
_TEXT_TESTS: dict[str, Callable[[str, str], bool]] = {
    "IS_EQUAL_TO": lambda v, x: v == x,
    "IS_NOT_EQUAL_TO": lambda v, x: v != x,
    "CONTAINS": lambda v, x: x in v,
    "DOES_NOT_CONTAIN": lambda v, x: x not in v,
    "STARTS_WITH": lambda v, x: v.startswith(x),
    "ENDS_WITH": lambda v, x: v.endswith(x),
}
_NEGATIVE = frozenset({"IS_NOT_EQUAL_TO", "DOES_NOT_CONTAIN", "DOES_NOT_CONTAIN_EXACTLY"})


def _exact_text(values: tuple[str, ...]) -> bool:
    """Whether the index compares these (lower-cased) values exactly: shorter than the
    prefix it keeps."""
    return all(len(v) < INDEXED_PREFIX for v in values)


def all_property(spec: Spec) -> Compiled:
    """``IS_KNOWN`` / ``IS_UNKNOWN``; unknown values always pass ``IS_UNKNOWN``."""
    known = spec.operator == "IS_KNOWN"
    if known:
        return spec.on_value(lambda v: True, TRUE)
    read = spec.slot.read
    wire = spec.wire()

    def test(record: Record, now: int, linked: object) -> bool:
        return read(record) is None

    missing = single(spec.slot.condition("NOT_HAS_PROPERTY"))
    return Compiled(wire, test, missing, frozenset((spec.slot.name,)))


def string(spec: Spec) -> Compiled:
    value = spec.get("value", as_string)
    wanted = value.lower()
    index: Dnf | None = None
    if spec.operator in ("IS_EQUAL_TO", "IS_NOT_EQUAL_TO") and _exact_text((wanted,)):
        op = "EQ" if spec.operator == "IS_EQUAL_TO" else "NEQ"
        index = single(spec.slot.condition(op, wanted))
    comparison, test_of = _STRING_TESTS[spec.operator]
    compare = (comparison, wanted)
    return spec.on_value(test_of(wanted), index, compare=compare, lowered=True, value=value)


_MULTI_BASE = {
    "IS_EQUAL_TO": "IS_EQUAL_TO",
    "IS_NOT_EQUAL_TO": "IS_EQUAL_TO",
    "CONTAINS": "CONTAINS",
    "DOES_NOT_CONTAIN": "CONTAINS",
    "CONTAINS_EXACTLY": "CONTAINS",
    "DOES_NOT_CONTAIN_EXACTLY": "CONTAINS",
    "STARTS_WITH": "STARTS_WITH",
    "ENDS_WITH": "ENDS_WITH",
}


def multistring(spec: Spec) -> Compiled:
    values = spec.get("values", as_strings)
    op = spec.operator
    exact = op in ("CONTAINS_EXACTLY", "DOES_NOT_CONTAIN_EXACTLY")
    wanted = values if exact else tuple(dict.fromkeys(v.lower() for v in values))
    check, negative = _TEXT_TESTS[_MULTI_BASE[op]], op in _NEGATIVE

    def passes(value: str) -> bool:
        text = value if exact else value.lower()
        for w in wanted:
            if check(text, w):
                return not negative
        return negative

    index: Dnf | None = None
    if op in ("IS_EQUAL_TO", "IS_NOT_EQUAL_TO") and _exact_text(wanted):
        index = single(spec.slot.condition("NOT_IN" if negative else "IN", *wanted))
    return spec.on_value(passes, index, values=list(values))


def comparative_string(spec: Spec) -> Compiled:
    """The value against another text property's (or ``defaultComparisonValue`` when that
    one is unknown); case-insensitive like every text comparison."""
    name = spec.raw.get("comparisonPropertyName")
    other = slot_of(spec.definitions, spec.columns, name, "comparisonPropertyName")
    if family(other.definition) != "text":
        raise spec.bad(f"comparisonPropertyName {other.name} is not a text property")
    default = spec.get("defaultComparisonValue", as_string, "")
    fallback = default.lower() or None
    equal = spec.operator == "IS_EQUAL_TO"

    def passes(value: str, record: Record, now: int) -> bool:
        found = other.read(record)
        theirs = found.lower() if found is not None else fallback
        return theirs is not None and (value.lower() == theirs) == equal

    fields: dict[str, Any] = {"comparisonPropertyName": other.name}
    if default:
        fields["defaultComparisonValue"] = default
    return spec.compiled(passes, None, reads=(other.name,), **fields)


def number(spec: Spec) -> Compiled:
    given = spec.get("value", as_number)
    wanted = float(given)
    op, comparison, test_of = _NUMBER_TESTS[spec.operator]
    index = single(spec.slot.condition(op, wanted))
    return spec.on_value(test_of(wanted), index, compare=(comparison, wanted), value=given)


def ranged(spec: Spec, parse: Callable[[Spec, str, Any], Any], **extra: Any) -> Compiled:
    """``IS_BETWEEN`` (both bounds included) / ``IS_NOT_BETWEEN`` on numbers or instants."""
    lower, upper = spec.get("lowerBound", parse), spec.get("upperBound", parse)
    low, high = float(lower), float(upper)
    inside = single(spec.slot.condition("BETWEEN", low, high))
    bounds = {"lowerBound": lower, "upperBound": upper, **extra}
    if spec.operator == "IS_BETWEEN":
        check = lambda v: low <= v <= high  # noqa: E731
        return spec.on_value(check, inside, compare=("between", (low, high)), **bounds)
    outside = either(
        single(spec.slot.condition("LT", low)), single(spec.slot.condition("GT", high))
    )
    check = lambda v: not low <= v <= high  # noqa: E731
    return spec.on_value(check, outside, compare=("outside", (low, high)), **bounds)


def number_ranged(spec: Spec) -> Compiled:
    return ranged(spec, as_number)


def boolean(spec: Spec) -> Compiled:
    value = spec.get("value", as_bool)
    wanted = 1.0 if value else 0.0
    equal = spec.operator == "IS_EQUAL_TO"
    index = single(spec.slot.condition("EQ" if equal else "NEQ", wanted))
    check = (lambda v: v == wanted) if equal else (lambda v: v != wanted)
    return spec.on_value(check, index, compare=("eq" if equal else "ne", wanted), value=value)


def enumeration(spec: Spec) -> Compiled:
    """On the record's set of options ``S`` and the filter's ``V``: any of (S∩V≠∅), none of,
    exactly (S=V), not exactly, contains all (V⊆S), does not contain all."""
    values = spec.get("values", as_strings)
    wanted = frozenset(values)
    op = spec.operator
    index = _enumeration_index(spec, wanted)
    if not is_multi(spec.slot.definition):  # its value is one option (a string)
        only = next(iter(wanted)) if len(wanted) == 1 else None
        one: dict[str, Callable[[str], bool]] = {
            "IS_ANY_OF": lambda v: v in wanted,
            "IS_NONE_OF": lambda v: v not in wanted,
            "IS_EXACTLY": lambda v: v == only,
            "IS_NOT_EXACTLY": lambda v: v != only,
            "CONTAINS_ALL": lambda v: v == only,
            "DOES_NOT_CONTAIN_ALL": lambda v: v != only,
        }
        compare = {"IS_ANY_OF": ("in", wanted), "IS_NONE_OF": ("not_in", wanted)}.get(op)
        return spec.on_value(one[op], index, compare=compare, values=list(values))
    tests: dict[str, Callable[[frozenset[str]], bool]] = {
        "IS_ANY_OF": lambda s: not s.isdisjoint(wanted),
        "IS_NONE_OF": lambda s: s.isdisjoint(wanted),
        "IS_EXACTLY": lambda s: s == wanted,
        "IS_NOT_EXACTLY": lambda s: s != wanted,
        "CONTAINS_ALL": lambda s: wanted <= s,
        "DOES_NOT_CONTAIN_ALL": lambda s: not wanted <= s,
    }
    return spec.on_value(tests[op], index, values=list(values))


def _enumeration_index(spec: Spec, wanted: frozenset[str]) -> Dnf | None:
    if not _exact_text(tuple(wanted)):
        return None
    ordered = sorted(wanted)
    condition = spec.slot.condition
    positive: dict[str, Dnf | None] = {
        "IS_ANY_OF": single(condition("IN", *ordered)),
        "CONTAINS_ALL": both(*(single(condition("EQ", v)) for v in ordered)),
    }
    if not is_multi(spec.slot.definition):  # one option: exactly V only when V is one
        exactly = single(condition("EQ", ordered[0])) if len(ordered) == 1 else FALSE
        positive["IS_EXACTLY"] = exactly
    op = spec.operator
    if op in positive:
        return positive[op]
    positive_of = {
        "IS_NONE_OF": "IS_ANY_OF",
        "IS_NOT_EXACTLY": "IS_EXACTLY",
        "DOES_NOT_CONTAIN_ALL": "CONTAINS_ALL",
    }
    base = positive.get(positive_of.get(op, ""))  # multi-select "exactly": none
    return None if base is None else negated(base)


BUILDERS: dict[str, tuple[Builder, frozenset[str]]] = {
    "ALL_PROPERTY": (all_property, frozenset({"IS_KNOWN", "IS_UNKNOWN"})),
    "STRING": (string, frozenset(_TEXT_TESTS)),
    "MULTISTRING": (
        multistring,
        frozenset({*_TEXT_TESTS, "CONTAINS_EXACTLY", "DOES_NOT_CONTAIN_EXACTLY"}),
    ),
    "COMPARATIVE_STRING": (comparative_string, frozenset({"IS_EQUAL_TO", "IS_NOT_EQUAL_TO"})),
    "NUMBER": (number, frozenset(_NUMBER_TESTS)),
    "NUMBER_RANGED": (number_ranged, frozenset({"IS_BETWEEN", "IS_NOT_BETWEEN"})),
    "BOOL": (boolean, frozenset({"IS_EQUAL_TO", "IS_NOT_EQUAL_TO"})),
    "ENUMERATION": (
        enumeration,
        frozenset(
            {
                "IS_ANY_OF",
                "IS_NONE_OF",
                "IS_EXACTLY",
                "IS_NOT_EXACTLY",
                "CONTAINS_ALL",
                "DOES_NOT_CONTAIN_ALL",
            }
        ),  # fmt: skip
    ),
}
FAMILIES = {
    "text": frozenset({"ALL_PROPERTY", "STRING", "MULTISTRING", "COMPARATIVE_STRING"}),
    "number": frozenset({"ALL_PROPERTY", "NUMBER", "NUMBER_RANGED"}),
    "bool": frozenset({"ALL_PROPERTY", "BOOL"}),
    "enumeration": frozenset({"ALL_PROPERTY", "ENUMERATION"}),
}
HISTORY_OPERATORS = frozenset(
    {
        "HAS_EVER_BEEN_EQUAL_TO", "HAS_NEVER_BEEN_EQUAL_TO", "HAS_EVER_CONTAINED",
        "HAS_NEVER_CONTAINED", "HAS_EVER_BEEN_ANY_OF", "HAS_NEVER_BEEN_ANY_OF",
        "HAS_EVER_BEEN_EXACTLY", "HAS_NEVER_BEEN_EXACTLY", "HAS_EVER_CONTAINED_ALL",
        "HAS_NEVER_CONTAINED_ALL",
    }
)  # fmt: skip
"""Operators on a property's past values: refused (list filters read current values)."""
