"""Filter branches (hubspot-behaviour §16.9): HubSpot's structure rules, the filter types
localspot evaluates, and each branch compiled once into a test and its index groups.

Structure: the root is an ``OR`` branch without filters whose branches are all ``AND``
branches (HubSpot enforces this so its app can draw the list); an ``AND`` branch holds
filters and ``ASSOCIATION``, ``NOT_ALL`` and ``NOT_ANY`` branches, and so do ``NOT_ALL``
and ``NOT_ANY``; an ``ASSOCIATION`` branch holds at least one filter, evaluated on the
associated records. ``NOT_ALL`` passes a record that fails any of its filters and
branches, ``NOT_ANY`` one that passes none of them. Filter types whose data localspot
doesn't keep (page views, forms, emails, ads, ...) are refused by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from localspot.crm import list_filter_sets
from localspot.crm.errors import HubSpotError
from localspot.crm.list_filter_dnf import FALSE, TRUE, Dnf, both, either, negated
from localspot.crm.list_filter_operations import BUILDERS, FAMILIES, HISTORY_OPERATORS
from localspot.crm.list_filter_sets import Select
from localspot.crm.list_filter_times import DATE_BUILDERS, DATE_FAMILY
from localspot.crm.list_filter_values import (
    Compiled,
    LinkedRecords,
    Spec,
    Test,
    family,
    invalid,
    slot_of,
    system_columns,
)
from localspot.crm.model import PropertyDefinition, Record

MAX_FILTERS = 250
"""HubSpot's app allows up to 250 filters in a list."""
MAX_DEPTH = 10
CHILDREN = {
    "OR": frozenset({"AND"}),
    "AND": frozenset({"ASSOCIATION", "NOT_ALL", "NOT_ANY"}),
    "NOT_ALL": frozenset({"ASSOCIATION", "NOT_ALL", "NOT_ANY"}),
    "NOT_ANY": frozenset({"ASSOCIATION", "NOT_ALL", "NOT_ANY"}),
    "ASSOCIATION": frozenset[str](),
}
UNSUPPORTED_BRANCHES = {
    "UNIFIED_EVENTS": "unified events",
    "RESTRICTED": "restricted filter data",
    "PROPERTY_ASSOCIATION": "property-based associations",
}
UNSUPPORTED_FILTERS = {
    "PAGE_VIEW": "page views",
    "CTA": "calls-to-action",
    "EVENT": "analytics events",
    "UNIFIED_EVENTS": "unified events",
    "FORM_SUBMISSION": "form submissions",
    "FORM_SUBMISSION_ON_PAGE": "form submissions",
    "INTEGRATION_EVENT": "integration events",
    "EMAIL_SUBSCRIPTION": "email subscriptions",
    "COMMUNICATION_SUBSCRIPTION": "communication subscriptions",
    "EMAIL_EVENT": "marketing email events",
    "SURVEY_MONKEY": "surveys",
    "SURVEY_MONKEY_VALUE": "surveys",
    "WEBINAR": "webinars",
    "PRIVACY": "privacy consents",
    "ADS_SEARCH": "ads",
    "ADS_TIME": "ads",
    "CAMPAIGN_INFLUENCED": "campaigns",
    "NUM_ASSOCIATIONS": "association counts",
    "IN_LIST": "other lists' memberships",
    "ASSOCIATION": "other lists' memberships",
    "PROPERTY_ASSOCIATION": "property-based associations",
}
HISTORY_TYPES = frozenset({"COMPARATIVE_PROPERTY_UPDATED", "ROLLING_PROPERTY_UPDATED"})
CATEGORIES = ("HUBSPOT_DEFINED", "USER_DEFINED", "INTEGRATOR_DEFINED", "WORK")
DefinitionsOf = Callable[[str], Mapping[str, PropertyDefinition]]


@dataclass(frozen=True, slots=True)
class Node:
    wire: dict[str, Any]
    test: Test
    index: Dnf | None
    select: Select | None
    """``test`` over a set of records; None when it reads associated records."""


@dataclass
class Scope:
    """What a parse has seen so far, and the object type whose properties filters name."""

    definitions: Mapping[str, PropertyDefinition]
    columns: Mapping[str, str]
    definitions_of: DefinitionsOf | None
    own: bool = True
    reads: set[str] = field(default_factory=set)
    associated: set[str] = field(default_factory=set)
    uses_time: bool = False
    filters: int = 0


def _listed(raw: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise invalid(f"{key} of a filter branch of type {where} must be an array")
    return value


def branch(raw: Any, scope: Scope, depth: int = 0, parent: str | None = None) -> Node:
    if not isinstance(raw, Mapping):
        raise invalid("A filter branch must be a JSON object")
    kind = raw.get("filterBranchType")
    if kind in UNSUPPORTED_BRANCHES:
        raise invalid(
            f"localspot does not support {kind} filter branches: it keeps no"
            f" {UNSUPPORTED_BRANCHES[kind]}",
            filterBranchType=kind,
        )
    if kind not in CHILDREN:
        raise invalid(f"Unknown filterBranchType {kind}", filterBranchType=str(kind))
    if parent is not None and kind not in CHILDREN[parent]:
        raise invalid(
            f"A filter branch of type {parent} cannot contain {kind} filter branches",
            filterBranchType=kind,
        )
    if depth > MAX_DEPTH:
        raise invalid(f"Filter branches can be nested at most {MAX_DEPTH} deep")
    filters, branches = _listed(raw, "filters", kind), _listed(raw, "filterBranches", kind)
    _check_shape(kind, filters, branches)
    if kind == "ASSOCIATION":
        return _association(raw, filters, scope, depth)
    compiled = [_filter(f, scope) for f in filters]
    nested = [branch(b, scope, depth + 1, kind) for b in branches]
    return _combine(kind, compiled, nested)


def _check_shape(kind: str, filters: list[Any], branches: list[Any]) -> None:
    if kind == "OR" and filters:
        raise invalid("An OR filter branch cannot have filters: put them in an AND filter branch")
    if kind == "OR" and not branches:
        raise invalid("An OR filter branch needs at least one AND filter branch")
    if kind == "ASSOCIATION" and not filters:
        raise invalid("An ASSOCIATION filter branch needs at least one filter")
    if kind == "ASSOCIATION" and branches:
        raise invalid(
            "localspot does not support filter branches inside an ASSOCIATION filter branch",
            filterBranchType="ASSOCIATION",
        )


def _wire(kind: str, parts: Sequence[Compiled | Node], extra: Mapping[str, Any]) -> dict[str, Any]:
    body = {
        "filterBranchOperator": "AND" if kind == "ASSOCIATION" else kind,
        "filterBranchType": kind,
        "filterBranches": [p.wire for p in parts if isinstance(p, Node)],
        "filters": [p.wire for p in parts if isinstance(p, Compiled)],
        **extra,
    }
    return {key: body[key] for key in sorted(body)}


def _every(tests: Sequence[Test]) -> Test:
    """All of ``tests``: a plain loop (``all`` over a generator cost a third of a
    ``matches`` call, bench/list_filters.py)."""
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        first, second = tests
        return lambda record, now, linked: (
            first(record, now, linked) and second(record, now, linked)
        )

    def test(record: Record, now: int, linked: LinkedRecords | None) -> bool:
        for each in tests:  # noqa: SIM110
            if not each(record, now, linked):
                return False
        return True

    return test


def _some(tests: Sequence[Test]) -> Test:
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        first, second = tests
        return lambda record, now, linked: first(record, now, linked) or second(record, now, linked)

    def test(record: Record, now: int, linked: LinkedRecords | None) -> bool:
        for each in tests:  # noqa: SIM110
            if each(record, now, linked):
                return True
        return False

    return test


def _not(inner: Test) -> Test:
    return lambda record, now, linked: not inner(record, now, linked)


def _combine(kind: str, filters: list[Compiled], branches: list[Node]) -> Node:
    parts: list[Compiled | Node] = [*filters, *branches]
    tests = [p.test for p in parts]
    indexes = [p.index for p in parts]
    wire = _wire(kind, parts, {})
    selects = [f.selects() for f in filters] + [b.select for b in branches if b.select]
    whole = len(selects) == len(parts)  # no part reads associated records
    if kind == "OR":
        select = list_filter_sets.some(selects) if whole else None
        return Node(wire, _some(tests), either(*indexes), select)
    select = list_filter_sets.every(selects) if whole else None
    if kind == "AND":
        return Node(wire, _every(tests), both(*indexes), select)
    if kind == "NOT_ALL":
        select = None if select is None else list_filter_sets.negated(select)
        return Node(wire, _not(_every(tests)), negated(both(*indexes)), select)
    select = list_filter_sets.negated(list_filter_sets.some(selects)) if whole else None
    return Node(wire, _not(_some(tests)), negated(either(*indexes)), select)


def _text(raw: Mapping[str, Any], key: str, where: str, allowed: Sequence[str] = ()) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or (allowed and value not in allowed):
        choices = f": one of {', '.join(allowed)}" if allowed else ""
        raise invalid(f"{where} needs {key}{choices}", **{key: str(value)})
    return value


def _associated(scope: Scope, type_id: str) -> Mapping[str, PropertyDefinition]:
    found: Mapping[str, PropertyDefinition] = {}
    if scope.definitions_of is not None:
        try:
            found = scope.definitions_of(type_id)
        except HubSpotError:
            found = {}
    if not found:
        raise invalid(
            f"ASSOCIATION filter branch: unknown objectTypeId {type_id}", objectTypeId=type_id
        )
    return found


def _association(raw: Mapping[str, Any], filters: list[Any], scope: Scope, depth: int) -> Node:
    where = "An ASSOCIATION filter branch"
    type_id = _text(raw, "objectTypeId", where)
    operator = _text(raw, "operator", where, ("IN_LIST", "NOT_IN_LIST"))
    category = _text(raw, "associationCategory", where, CATEGORIES)
    type_number = raw.get("associationTypeId")
    if isinstance(type_number, bool) or not isinstance(type_number, int):
        raise invalid(f"{where} needs associationTypeId: an integer")
    inner = Scope(_associated(scope, type_id), system_columns(type_id), None, own=False)
    compiled = [_filter(f, inner) for f in filters]
    scope.filters += inner.filters
    scope.uses_time = scope.uses_time or inner.uses_time
    scope.associated.add(type_id)
    test = _every([c.test for c in compiled])
    wanted = operator == "IN_LIST"

    def passes(record: Record, now: int, linked: LinkedRecords | None) -> bool:
        if linked is None:
            raise ValueError("this list filter reads associated records: pass `linked`")
        found = any(test(other, now, None) for other in linked(type_id, type_number))
        return found == wanted

    extra = {
        "associationCategory": category,
        "associationTypeId": type_number,
        "objectTypeId": type_id,
        "operator": operator,
    }
    return Node(_wire("ASSOCIATION", compiled, extra), passes, None, None)


def _filter(raw: Any, scope: Scope) -> Compiled:
    scope.filters += 1
    if scope.filters > MAX_FILTERS:
        raise invalid(f"A list's filters can hold at most {MAX_FILTERS} filters")
    if not isinstance(raw, Mapping):
        raise invalid("A filter must be a JSON object")
    kind = raw.get("filterType")
    if kind == "PROPERTY":
        return _property(raw, scope)
    if kind == "CONSTANT":
        return _constant(raw)
    if kind in UNSUPPORTED_FILTERS:
        raise invalid(
            f"localspot does not support {kind} filters: it keeps no {UNSUPPORTED_FILTERS[kind]}",
            filterType=kind,
        )
    raise invalid(f"Unknown filterType {kind}", filterType=str(kind))


def _constant(raw: Mapping[str, Any]) -> Compiled:
    accept = raw.get("shouldAccept")
    if not isinstance(accept, bool):
        raise invalid("A CONSTANT filter needs shouldAccept: true or false")
    wire: dict[str, Any] = {"filterType": "CONSTANT", "shouldAccept": accept}
    if isinstance(raw.get("source"), str):
        wire["source"] = raw["source"]
    test: Test = (lambda r, n, l: True) if accept else (lambda r, n, l: False)  # noqa: E741
    return Compiled(wire, test, TRUE if accept else FALSE, frozenset())


def _property(raw: Mapping[str, Any], scope: Scope) -> Compiled:
    slot = slot_of(scope.definitions, scope.columns, raw.get("property"))
    operation = raw.get("operation")
    if not isinstance(operation, Mapping):
        raise invalid(f"The filter on {slot.name} needs an operation", propertyName=slot.name)
    op_type, operator = operation.get("operationType"), operation.get("operator")
    if not isinstance(op_type, str) or not isinstance(operator, str):
        raise invalid(
            f"The operation on {slot.name} needs operationType and operator",
            propertyName=slot.name,
        )
    builder, operators = _builder(op_type, slot.name, slot.definition)
    if operator in HISTORY_OPERATORS:
        raise invalid(
            f"localspot does not support operator {operator}: list filters read current"
            " values, not property history",
            propertyName=slot.name,
            operator=operator,
        )
    if operator not in operators:
        raise invalid(
            f"Operator {operator} is not valid for {op_type} operations",
            propertyName=slot.name,
            operator=operator,
        )
    spec = Spec(operation, op_type, operator, False, slot, scope.definitions, scope.columns)
    include = spec.get("includeObjectsWithNoValueSet", _flag, False)
    compiled = builder(replace(spec, include=include))
    if scope.own:
        scope.reads |= compiled.reads
    scope.uses_time = scope.uses_time or compiled.uses_time
    wire = {"filterType": "PROPERTY", "operation": compiled.wire, "property": slot.name}
    return replace(compiled, wire=wire)


def _flag(spec: Spec, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise spec.bad(f"{key} must be true or false")
    return value


def _builder(
    op_type: str, name: str, definition: PropertyDefinition
) -> tuple[Callable[[Spec], Compiled], frozenset[str]]:
    if op_type in HISTORY_TYPES:
        raise invalid(
            f"localspot does not support {op_type} operations: they need the times properties"
            " were updated",
            propertyName=name,
        )
    builders = {**BUILDERS, **DATE_BUILDERS}
    if op_type not in builders:
        raise invalid(f"Unknown operationType {op_type}", propertyName=name)
    kind = family(definition)
    allowed = DATE_FAMILY if kind == "date" else FAMILIES[kind]
    if op_type not in allowed:
        raise invalid(
            f"Operation type {op_type} cannot be used on property {name} of type {definition.type}",
            propertyName=name,
        )
    return builders[op_type]
