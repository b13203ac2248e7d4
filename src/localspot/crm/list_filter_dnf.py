"""Search-index conditions combined with AND, OR and NOT, kept as ORed groups of ANDed
conditions (disjunctive normal form), the shape ``SearchQuery.groups`` takes.

A list filter translates to such groups only when the translation is exact: every
combinator here keeps exactness, because a condition's negation is written with the
index's own complement operators (``NEQ`` is exactly the records ``EQ`` does not match,
records without a value included, ``crm/search_storage.py``). Growth is capped: a
combination past ``MAX_GROUPS`` groups or ``MAX_CONDITIONS`` conditions in a group gives
None (the caller then evaluates records one by one instead).

``TRUE`` is one empty group (every record); ``FALSE`` is no group at all. A search with
no group matches everything, so ``to_search`` turns ``FALSE`` into a group holding
``NOTHING``, a condition no record passes.
"""

from __future__ import annotations

from collections.abc import Iterable

from localspot.crm.search_storage import Condition

Group = tuple[Condition, ...]
Dnf = tuple[Group, ...]

MAX_GROUPS = 32
MAX_CONDITIONS = 32

TRUE: Dnf = ((),)
FALSE: Dnf = ()
NOTHING = Condition("hs_object_id", "NOT_HAS_PROPERTY", "column", (), "id")
"""A record column is always known, so this column condition matches no record."""

_SWAP = {
    "EQ": "NEQ",
    "NEQ": "EQ",
    "IN": "NOT_IN",
    "NOT_IN": "IN",
    "HAS_PROPERTY": "NOT_HAS_PROPERTY",
    "NOT_HAS_PROPERTY": "HAS_PROPERTY",
}
_POSITIVE = frozenset({"EQ", "IN", "LT", "LTE", "GT", "GTE", "BETWEEN"})
"""Operators only records with a value pass (so such a condition implies HAS_PROPERTY)."""
_OPPOSITE = {"LT": "GTE", "LTE": "GT", "GT": "LTE", "GTE": "LT"}


def single(condition: Condition) -> Dnf:
    return _group((condition,))


def _with(condition: Condition, operator: str, values: tuple[float | str, ...]) -> Condition:
    return Condition(
        condition.name, operator, condition.kind, values, condition.column, condition.multi
    )


def unknown(condition: Condition) -> Condition:
    """The records without a value of the condition's property."""
    return _with(condition, "NOT_HAS_PROPERTY", ())


def _group(conditions: Iterable[Condition]) -> Dnf:
    """One group, simplified: a column is always known (``HAS_PROPERTY`` on it is true,
    ``NOT_HAS_PROPERTY`` false); repeated conditions are dropped."""
    kept: list[Condition] = []
    for condition in conditions:
        if condition.kind == "column" and condition.operator == "HAS_PROPERTY":
            continue
        if condition.kind == "column" and condition.operator == "NOT_HAS_PROPERTY":
            return FALSE
        if _contradicts(condition, kept):
            return FALSE
        if condition not in kept:
            kept.append(condition)
    valued = {c.name for c in kept if c.operator in _POSITIVE}
    return (tuple(c for c in kept if not (c.operator == "HAS_PROPERTY" and c.name in valued)),)


def _contradicts(condition: Condition, kept: list[Condition]) -> bool:
    """A property both known and unknown."""
    opposite = _SWAP.get(condition.operator)
    return condition.operator in ("HAS_PROPERTY", "NOT_HAS_PROPERTY") and any(
        c.name == condition.name and c.operator == opposite for c in kept
    )


def either(*parts: Dnf | None) -> Dnf | None:
    """OR: the groups of all parts (None when a part is None or the result too large)."""
    groups: list[Group] = []
    for part in parts:
        if part is None:
            return None
        for group in part:
            if not group:
                return TRUE
            if group not in groups:
                groups.append(group)
    if _known_or_not(groups):
        return TRUE
    return tuple(groups) if len(groups) <= MAX_GROUPS else None


def _known_or_not(groups: list[Group]) -> bool:
    """Whether two of the groups are a property known and the same property unknown."""
    alone = {(g[0].name, g[0].operator) for g in groups if len(g) == 1}
    return any((name, "NOT_HAS_PROPERTY") in alone for name, op in alone if op == "HAS_PROPERTY")


def both(*parts: Dnf | None) -> Dnf | None:
    """AND: every combination of one group of each part, distributed."""
    result: Dnf = TRUE
    for part in parts:
        if part is None:
            return None
        combined: list[Group] = []
        for left in result:
            for right in part:
                for group in _group((*left, *right)):  # none when it can't hold
                    if group not in combined:
                        combined.append(group)
        if len(combined) > MAX_GROUPS or any(len(g) > MAX_CONDITIONS for g in combined):
            return None
        result = tuple(combined)
    return result


def negated_condition(condition: Condition) -> Dnf:
    """The records ``condition`` does not match, exactly (records without a value too)."""
    op, values = condition.operator, condition.values
    column = condition.kind == "column"
    if op in _SWAP:
        return single(_with(condition, _SWAP[op], values))
    missing: Dnf = () if column else ((unknown(condition),),)
    if op in _OPPOSITE:
        return ((_with(condition, _OPPOSITE[op], values),), *missing)
    if op == "BETWEEN":
        low, high = values
        return ((_with(condition, "LT", (low,)),), (_with(condition, "GT", (high,)),), *missing)
    raise ValueError(f"no negation for operator {op}")


def negated(dnf: Dnf | None) -> Dnf | None:
    """NOT of ORed groups: the AND, over the groups, of the OR of their negated conditions."""
    if dnf is None:
        return None
    return both(*(either(*(negated_condition(c) for c in group)) for group in dnf))


def to_search(dnf: Dnf) -> tuple[Group, ...]:
    """The groups as a search runs them: ``FALSE`` becomes one group no record passes."""
    return dnf if dnf else ((NOTHING,),)
