"""Checking a whole property map against an object type's definitions.

Per value the rules live in ``property_types``; here live the rules about names (does the
property exist, may it be written, is it required) and HubSpot's way of reporting them:
``Property values were not valid: [...]`` followed by a compact JSON array.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from localspot.crm.definitions_storage import DefinitionsStorage
from localspot.crm.errors import ErrorDetail, ValidationError
from localspot.crm.model import ObjectType, PropertyDefinition, PropertyProblem
from localspot.crm.property_types import rule_for

_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True, slots=True)
class Definitions:
    """Every live property of one object type in one portal: built-ins and custom ones."""

    object_type: ObjectType
    by_name: Mapping[str, PropertyDefinition]
    checks: dict[str, ValueCheck] = field(default_factory=dict, compare=False, repr=False)
    """Each name's ``ValueCheck``, made the first time a value of that name is checked."""

    def unique_names(self) -> frozenset[str]:
        return frozenset(n for n, d in self.by_name.items() if d.has_unique_value)

    def check_for(self, name: str) -> ValueCheck:
        check = self.checks.get(name)
        if check is None:
            check = self.checks[name] = _value_check(self.by_name.get(name), name)
        return check


ValueCheck = Callable[[str], "PropertyProblem | str"]
"""One name's rule: a value's normalised form, ``""`` for ``""`` (it clears), or why the
value (or the name) is refused."""


def merged_definitions(
    object_type: ObjectType, custom: Iterable[PropertyDefinition]
) -> Definitions:
    by_name = dict(object_type.properties)
    by_name.update((d.name, d) for d in custom if not d.archived)
    return Definitions(object_type, by_name)


def _value_check(definition: PropertyDefinition | None, name: str) -> ValueCheck:
    """Decided once per name (batches and imports check the same few names again and again):
    a name that can't be written is refused whatever its value."""
    if definition is None:
        missing = PropertyProblem(
            name, "PROPERTY_DOESNT_EXIST", f'Property "{name}" does not exist'
        )
        return lambda raw: missing
    if definition.read_only_value or definition.calculated:
        message = f'"{name}" is a calculated property; its value cannot be set.'
        read_only = PropertyProblem(name, "READ_ONLY_VALUE", message)
        return lambda raw: read_only
    if definition.type == "enumeration" and definition.extra.get("externalOptions"):
        return lambda raw: raw
    rule = rule_for(definition)
    return lambda raw: rule(raw) if raw != "" else ""


def check_values(
    definitions: Definitions, values: Mapping[str, str]
) -> tuple[dict[str, str], tuple[PropertyProblem, ...]]:
    """Normalise every value; ``""`` stays ``""`` (it clears). Problems list every bad name."""
    normalised: dict[str, str] = {}
    problems: list[PropertyProblem] = []
    checks = definitions.checks
    for name, raw in values.items():
        check = checks.get(name) or definitions.check_for(name)
        outcome = check(raw)
        if isinstance(outcome, PropertyProblem):
            problems.append(outcome)
        else:
            normalised[name] = outcome
    for target, source in definitions.object_type.derived.items():
        if source in normalised:
            normalised[target] = text_preview(normalised[source])
    return normalised, tuple(problems)


def names_set(maps: Iterable[Mapping[str, str]]) -> set[str]:
    """Every name any of ``maps`` sets: one pass over the batch, its keys merged in C, so the
    checks that only concern a few property names can skip a batch that names none of them."""
    return set().union(*maps)


def text_preview(value: str, length: int = 1024) -> str:
    """HubSpot's ``hs_body_preview``: the notes as plain text, tags dropped, shortened."""
    text = " ".join(html.unescape(_TAG.sub(" ", value)).split())
    return text[:length]


def missing_required(
    definitions: Definitions, values: Mapping[str, str], problems: Iterable[PropertyProblem]
) -> tuple[PropertyProblem, ...]:
    """Required names with no value; a name that already has a problem (say an unknown
    pipeline stage) is reported for that problem only, as HubSpot does."""
    required = definitions.object_type.required_on_create
    if not required:
        return ()
    reported = {p.name for p in problems}
    return tuple(
        PropertyProblem(name, "REQUIRED_PROPERTY", f'Property "{name}" is required')
        for name in required
        if values.get(name, "") == "" and name not in reported
    )


def invalid_values_message(problems: Iterable[PropertyProblem], portal_id: int) -> str:
    """HubSpot's ``Property values were not valid: [...]`` text, byte for byte in its format."""
    entries = [
        {
            "isValid": False,
            "message": p.message,
            "error": p.code,
            "name": p.name,
            "localizedErrorMessage": p.message,
            "portalId": portal_id,
        }
        for p in problems
    ]
    return "Property values were not valid: " + json.dumps(entries, separators=(",", ":"))


def problem_details(problems: Iterable[PropertyProblem]) -> tuple[ErrorDetail, ...]:
    return tuple(
        ErrorDetail(message=p.message, code=p.code, context={"propertyName": [p.name]})
        for p in problems
    )


def invalid_values_error(problems: tuple[PropertyProblem, ...], portal_id: int) -> ValidationError:
    return ValidationError(
        invalid_values_message(problems, portal_id), details=problem_details(problems)
    )


async def load_definitions(
    store: DefinitionsStorage, portal_id: int, object_type: ObjectType
) -> Definitions:
    custom = await store.custom_properties(portal_id, object_type.type_id)
    return merged_definitions(object_type, custom)


def returned_names(object_type: ObjectType, written: Iterable[str]) -> tuple[str, ...]:
    """What a write's result shows: the type's defaults, then the names the input wrote."""
    names = dict.fromkeys(object_type.default_properties)
    names.update(dict.fromkeys(written))
    return tuple(names)
