"""Filter trees for the list filter tests: contacts with custom properties of every type,
and short builders of HubSpot's filter JSON."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from localspot.crm import object_types
from localspot.crm.errors import ValidationError
from localspot.crm.list_filters import FilterTree, matches, parse_filter_branch
from localspot.crm.model import PropertyDefinition, PropertyOption, Record

CONTACTS = object_types.resolve("contacts")
DEALS = object_types.resolve("deals")
OPTIONS = tuple(PropertyOption(v, v) for v in ("gold", "Silver", "bronze"))
CUSTOM = (
    PropertyDefinition("score", "S", "number", "number"),
    PropertyDefinition("vip", "V", "bool", "booleancheckbox"),
    PropertyDefinition("renewal", "R", "date", "date"),
    PropertyDefinition("seen", "Z", "datetime", "date"),
    PropertyDefinition("tier", "T", "enumeration", "select", options=OPTIONS),
    PropertyDefinition("tags", "G", "enumeration", "checkbox", options=OPTIONS),
)
DEFINITIONS = {**CONTACTS.properties, **{d.name: d for d in CUSTOM}}
AT = 1_767_225_600_000  # 2026-01-01T00:00:00Z (a Thursday)
DAY = 86_400_000


def ms(*parts: int) -> int:
    return int(datetime(*parts, tzinfo=UTC).timestamp() * 1000)  # type: ignore[misc]


def definitions_of(type_id: str) -> Mapping[str, PropertyDefinition]:
    return dict(DEALS.properties) if type_id == "0-3" else {}


def root(*filters: dict[str, Any], branches: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    """The usual shape: an OR branch holding one AND branch."""
    return {
        "filterBranchType": "OR",
        "filters": [],
        "filterBranches": [
            {"filterBranchType": "AND", "filters": list(filters), "filterBranches": list(branches)}
        ],
    }


def prop(name: str, op_type: str, operator: str, **fields: Any) -> dict[str, Any]:
    operation = {"operationType": op_type, "operator": operator, **fields}
    return {"filterType": "PROPERTY", "property": name, "operation": operation}


def parse(raw: Any) -> FilterTree:
    return parse_filter_branch(raw, CONTACTS.type_id, DEFINITIONS, definitions_of)


def record(record_id: int = 1, created: int = AT, **properties: str) -> Record:
    return Record(record_id, properties, created, created)


def passes(flt: dict[str, Any], now: int = AT, **properties: str) -> bool:
    """Whether a record passes ``flt``, judged alone and, the same, as a set of one (the
    way writes judge DYNAMIC lists)."""
    tree, one = parse(root(flt)), record(**properties)
    verdict = matches(tree, one, now)
    assert tree.select is not None
    assert (one.id in tree.select({one.id: one}, {one.id}, now)) is verdict
    return verdict


def refused(raw: Any) -> tuple[str, dict[str, list[str]]]:
    with pytest.raises(ValidationError) as caught:
        parse(raw)
    assert (caught.value.status, caught.value.category) == (400, "VALIDATION_ERROR")
    return caught.value.message, {k: list(v) for k, v in caught.value.context.items()}


def association(**fields: Any) -> dict[str, Any]:
    base = {
        "filterBranchType": "ASSOCIATION",
        "objectTypeId": "0-3",
        "operator": "IN_LIST",
        "associationTypeId": 4,
        "associationCategory": "HUBSPOT_DEFINED",
        "filters": [prop("amount", "NUMBER", "IS_GREATER_THAN", value=1000)],
        "filterBranches": [],
    }
    return {**base, **fields}


def text(operator: str, value: str, **fields: Any) -> dict[str, Any]:
    return prop("firstname", "STRING", operator, value=value, **fields)


def texts(operator: str, *values: str) -> dict[str, Any]:
    return prop("firstname", "MULTISTRING", operator, values=list(values))


def options(name: str, operator: str, *values: str) -> dict[str, Any]:
    return prop(name, "ENUMERATION", operator, values=list(values))


def number(operator: str, value: Any) -> dict[str, Any]:
    return prop("score", "NUMBER", operator, value=value)


def seen(op_type: str, operator: str, **fields: Any) -> dict[str, Any]:
    return prop("seen", op_type, operator, **fields)


def at(moment: int) -> str:
    return datetime.fromtimestamp(moment / 1000, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


def deal(record_id: int, amount: str) -> Record:
    return Record(record_id, {"amount": amount}, AT, AT)
