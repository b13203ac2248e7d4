"""A list's filter branch as text for its page: the root OR branch's alternatives, each an
AND group of filters written ``property operator value(s)``. Branches nested in a group
(association branches, ``NOT_AND``...) are one line each; any shape this does not know is
shown as compact JSON, so a stored branch always renders."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import orjson

SHOWN = frozenset({"operationType", "operator", "value", "values", "includeObjectsWithNoValueSet"})
"""Operation fields the text says in words; the others follow as JSON."""
BRANCH_FIELDS = ("objectTypeId", "operator", "associationTypeId", "associationCategory")
"""Fields of a nested branch (an association branch's) named after its type."""

Group = tuple[str, ...]
"""One alternative of the root branch: filters that must all match."""


def compact(value: Any) -> str:
    return orjson.dumps(value, default=str).decode()


def _scalar(value: Any) -> str:
    return value if isinstance(value, str) else compact(value)


def _items(raw: Mapping[str, Any], key: str) -> Sequence[Any] | None:
    """The branch's ``filters`` or ``filterBranches``; None when it is not a list."""
    found = raw.get(key, [])
    return found if isinstance(found, list) else None


def _values(operation: Mapping[str, Any]) -> str:
    if "values" in operation:
        given = operation["values"]
        if isinstance(given, list):
            return ", ".join(_scalar(v) for v in given)
        return compact(given)
    return _scalar(operation["value"]) if "value" in operation else ""


def filter_text(raw: Any) -> str:
    """``property operator value(s)``, for a property filter; JSON for any other."""
    if not isinstance(raw, Mapping):
        return compact(raw)
    name, operation = raw.get("property"), raw.get("operation")
    if not isinstance(name, str) or not isinstance(operation, Mapping):
        return compact(raw)
    parts = [name, _scalar(operation.get("operator", "?")), _values(operation)]
    rest = {k: v for k, v in operation.items() if k not in SHOWN}
    if rest:
        parts.append(compact(rest))
    if operation.get("includeObjectsWithNoValueSet") is True:
        parts.append("(or no value)")
    return " ".join(p for p in parts if p)


def branch_text(raw: Any) -> str:
    """A nested branch on one line: its type (and association), then its parts joined by
    its operator."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("filterBranchType"), str):
        return compact(raw)
    filters, branches = _items(raw, "filters"), _items(raw, "filterBranches")
    if filters is None or branches is None:
        return compact(raw)
    kind = raw["filterBranchType"]
    joiner = " OR " if kind == "OR" else " AND "
    parts = [filter_text(f) for f in filters] + [branch_text(b) for b in branches]
    named = " ".join(f"{k}={_scalar(raw[k])}" for k in BRANCH_FIELDS if k in raw)
    head = f"{kind} ({named})" if named else kind
    return f"{head} [{joiner.join(parts)}]"


def filter_groups(raw: Any) -> tuple[Group, ...]:
    """The root OR branch's alternatives: a filter right on the root is one of its own."""
    if not isinstance(raw, Mapping) or raw.get("filterBranchType") != "OR":
        return ((compact(raw),),)
    filters, branches = _items(raw, "filters"), _items(raw, "filterBranches")
    if filters is None or branches is None:
        return ((compact(raw),),)
    groups: list[Group] = [(filter_text(f),) for f in filters]
    return tuple(groups + [_group(b) for b in branches])


def _group(raw: Any) -> Group:
    """An AND branch's filters and nested branches, one text each."""
    if not isinstance(raw, Mapping) or raw.get("filterBranchType") != "AND":
        return (branch_text(raw),)
    filters, branches = _items(raw, "filters"), _items(raw, "filterBranches")
    if filters is None or branches is None:
        return (compact(raw),)
    return tuple([filter_text(f) for f in filters] + [branch_text(b) for b in branches])
