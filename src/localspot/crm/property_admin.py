"""The properties API's rules (hubspot-behaviour §4.1-4.3): creating, changing and archiving
custom properties and property groups of an object type, per portal.

The rules are pure functions of a draft and what already exists (``new_definition``,
``changed_definition``, ``check_new_group``...); the async use cases below them load what
exists, apply a rule and make one store call. Built-in properties and groups are data
(``object_types``): they have no stored row and can't be changed, archived or deleted.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from localspot.crm import batch_rules
from localspot.crm.context import CrmContext
from localspot.crm.definitions_storage import DefinitionsStorage, PropertyCreated
from localspot.crm.errors import Conflict, HubSpotError, ValidationError
from localspot.crm.model import ObjectType, PropertyDefinition, PropertyOption
from localspot.crm.object_types import builtin_groups

FIELD_TYPES: dict[str, frozenset[str]] = {
    "bool": frozenset({"booleancheckbox", "calculation_equation"}),
    "enumeration": frozenset(
        {"booleancheckbox", "checkbox", "radio", "select", "calculation_equation"}
    ),
    "date": frozenset({"date"}),
    "datetime": frozenset({"date"}),
    "string": frozenset(
        {"text", "textarea", "html", "phonenumber", "file", "calculation_equation"}
    ),
    "number": frozenset({"number", "calculation_equation"}),
    "phone_number": frozenset({"phonenumber"}),
}
MAX_UNIQUE_PROPERTIES = 10
MAX_NAME_LENGTH = 100
DISPLAY_ORDER_RANGE = (-(2**31), 2**31 - 1)
"""HubSpot's ``displayOrder`` is an int32 (and so is our column on PostgreSQL)."""
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
BOOL_OPTIONS = (
    PropertyOption("Yes", "true", False, "", 0),
    PropertyOption("No", "false", False, "", 1),
)


class PropertyNotFound(HubSpotError):
    """An unknown property or property group: 404 ``OBJECT_NOT_FOUND``."""

    status = 404
    category = "OBJECT_NOT_FOUND"


class PropertyExists(Conflict):
    category = "OBJECT_ALREADY_EXISTS"


@dataclass(frozen=True, slots=True)
class PropertyChanges:
    """A PATCH body: ``None`` leaves a field as it is."""

    label: str | None = None
    description: str | None = None
    group_name: str | None = None
    options: tuple[PropertyOption, ...] | None = None
    display_order: int | None = None
    hidden: bool | None = None
    form_field: bool | None = None
    type: str | None = None
    field_type: str | None = None
    has_unique_value: bool | None = None

    def given(self) -> dict[str, object]:
        """The fields the caller sent, except ``has_unique_value`` (never applied)."""
        names = (f.name for f in dataclasses.fields(self) if f.name != "has_unique_value")
        return {n: getattr(self, n) for n in names if getattr(self, n) is not None}


# --- pure rules -------------------------------------------------------------------------


def check_name(name: str, what: str = "Property") -> None:
    """HubSpot's internal names: a lower-case letter, then lower-case letters, digits and
    underscores, at most 100 characters."""
    if _NAME.match(name) and len(name) <= MAX_NAME_LENGTH:
        return
    raise ValidationError(
        f"{what} name {name!r} is invalid: it must start with a lowercase letter, contain "
        f"only lowercase letters, numbers and underscores, and be at most {MAX_NAME_LENGTH} "
        "characters long.",
        context={"name": [name]},
    )


def check_label(label: str) -> None:
    if not label.strip():
        raise ValidationError("label can not be null or empty", context={"label": [label]})


def check_display_order(value: int | None, field: str = "displayOrder") -> None:
    low, high = DISPLAY_ORDER_RANGE
    if value is not None and not low <= value <= high:
        raise ValidationError(
            f"{field} must be between {low} and {high}", context={field: [str(value)]}
        )


def check_no_nul(**texts: str | None) -> None:
    """PostgreSQL can't store U+0000, so neither database takes it in a definition."""
    for field, text in texts.items():
        if text is not None and "\x00" in text:
            raise ValidationError(
                f"{field} contains a NUL character (\\u0000)", context={field: [text]}
            )


def check_types(type_name: str, field_type: str) -> None:
    """The type ↔ fieldType table of hubspot-behaviour §4.2."""
    allowed = FIELD_TYPES.get(type_name)
    if allowed is None:
        known = ", ".join(sorted(FIELD_TYPES))
        raise ValidationError(
            f"Invalid property type {type_name}; expected one of: {known}",
            context={"type": [type_name]},
        )
    if field_type not in allowed:
        raise ValidationError(
            f"Invalid fieldType {field_type} for property type {type_name}; "
            f"valid fieldTypes are: {', '.join(sorted(allowed))}",
            context={"type": [type_name], "fieldType": [field_type]},
        )


def with_checked_options(definition: PropertyDefinition) -> PropertyDefinition:
    """``bool`` gets true/false options when none are given; an enumeration needs options
    (unless they come from outside, ``externalOptions``); option values are distinct."""
    options = definition.options
    check_display_order(definition.display_order)
    check_no_nul(label=definition.label, description=definition.description)
    for option in options:
        check_display_order(option.display_order, "options.displayOrder")
        check_no_nul(label=option.label, value=option.value, description=option.description)
    if not options and definition.type == "bool":
        options = BOOL_OPTIONS
    external = bool(definition.extra.get("externalOptions"))
    if not options and definition.type == "enumeration" and not external:
        raise ValidationError(
            f"Enumeration property {definition.name} must have at least one option.",
            context={"options": []},
        )
    values = [o.value for o in options]
    duplicates = sorted({v for v in values if values.count(v) > 1})
    if duplicates:
        raise ValidationError(
            f"Duplicate option values: {duplicates}", context={"values": duplicates}
        )
    return dataclasses.replace(definition, options=tuple(options))


def check_group_exists(name: str, groups: Collection[str]) -> None:
    if name not in groups:
        raise ValidationError(
            f"Property group {name} does not exist.", context={"groupName": [name]}
        )


def new_definition(
    draft: PropertyDefinition,
    *,
    taken: Collection[str],
    groups: Collection[str],
    unique_count: int,
    now: int,
) -> PropertyDefinition:
    """A created custom property, or the first rule it breaks. ``taken`` holds every name
    in use (built-in, live or archived); ``unique_count`` the live unique properties."""
    check_name(draft.name)
    check_label(draft.label)
    check_types(draft.type, draft.field_type)
    checked = with_checked_options(draft)
    if draft.name in taken:
        raise property_exists(draft.name)
    check_group_exists(draft.group_name, groups)
    if draft.has_unique_value and unique_count >= MAX_UNIQUE_PROPERTIES:
        raise too_many_unique()
    return dataclasses.replace(
        checked, hubspot_defined=False, archived=False, created_at=now, updated_at=now
    )


def too_many_unique() -> ValidationError:
    return ValidationError(
        f"An object type can have at most {MAX_UNIQUE_PROPERTIES} unique value properties.",
        context={"hasUniqueValue": ["true"]},
    )


def check_changeable(object_type: ObjectType, name: str) -> None:
    if name in object_type.properties:
        raise ValidationError(
            f"Property {name} is defined by HubSpot and can't be changed or archived.",
            context={"name": [name]},
        )


def changed_definition(
    current: PropertyDefinition, changes: PropertyChanges, *, groups: Collection[str], now: int
) -> PropertyDefinition:
    """A PATCH applied to a custom property; ``hasUniqueValue`` is fixed at creation."""
    wanted = changes.has_unique_value
    if wanted is not None and wanted != current.has_unique_value:
        raise ValidationError(
            "hasUniqueValue can only be set when a property is created.",
            context={"hasUniqueValue": [str(wanted).lower()]},
        )
    updated = dataclasses.replace(current, **changes.given())  # type: ignore[arg-type]
    check_label(updated.label)
    check_types(updated.type, updated.field_type)
    updated = with_checked_options(updated)
    if changes.group_name is not None:
        check_group_exists(updated.group_name, groups)
    return dataclasses.replace(updated, updated_at=now)


def archived_definition(current: PropertyDefinition, now: int) -> PropertyDefinition:
    return dataclasses.replace(current, archived=True, archived_at=now, updated_at=now)


def property_exists(name: str) -> PropertyExists:
    return PropertyExists(f"Property named '{name}' already exists.", context={"name": [name]})


def property_not_found(name: str) -> PropertyNotFound:
    return PropertyNotFound(f"Property {name} does not exist", context={"name": [name]})


# --- use cases --------------------------------------------------------------------------


async def _custom(
    ctx: CrmContext[DefinitionsStorage], *, archived: bool
) -> Sequence[PropertyDefinition]:
    return await ctx.store.custom_properties(
        ctx.portal_id, ctx.object_type.type_id, archived=archived
    )


async def list_properties(
    ctx: CrmContext[DefinitionsStorage], archived: bool
) -> list[PropertyDefinition]:
    """Built-in and live custom properties; with ``archived`` only archived custom ones."""
    custom = list(await _custom(ctx, archived=archived))
    return custom if archived else [*ctx.object_type.properties.values(), *custom]


async def get_property(
    ctx: CrmContext[DefinitionsStorage], name: str, archived: bool = False
) -> PropertyDefinition:
    if not archived and name in ctx.object_type.properties:
        return ctx.object_type.properties[name]
    for definition in await _custom(ctx, archived=archived):
        if definition.name == name:
            return definition
    raise property_not_found(name)


async def _group_names(ctx: CrmContext[DefinitionsStorage]) -> set[str]:
    """Built-in and stored groups' names (the groups' own use cases: ``property_groups.py``)."""
    stored = await ctx.store.property_groups(ctx.portal_id, ctx.object_type.type_id)
    return {g.name for g in (*builtin_groups(ctx.object_type), *stored)}


async def create_property(
    ctx: CrmContext[DefinitionsStorage], draft: PropertyDefinition
) -> PropertyDefinition:
    """``draft`` carries what the caller sent; the rules fill in the rest."""
    (outcome,) = await _create_all(ctx, [draft])
    if isinstance(outcome, HubSpotError):
        raise outcome
    return outcome


async def batch_create(
    ctx: CrmContext[DefinitionsStorage], drafts: Sequence[PropertyDefinition]
) -> list[PropertyDefinition | HubSpotError]:
    """Each input succeeds or fails on its own (a 207 lists the failures), and the valid
    ones are written together or not at all; at most ``max_batch_inputs`` inputs."""
    batch_rules.check_batch_size(len(drafts), ctx.max_batch_inputs)
    return await _create_all(ctx, drafts)


async def _create_all(
    ctx: CrmContext[DefinitionsStorage], drafts: Sequence[PropertyDefinition]
) -> list[PropertyDefinition | HubSpotError]:
    """The rules judge each draft against what exists and the drafts before it; then one
    store call writes the valid ones, in one transaction."""
    live, archived = await _custom(ctx, archived=False), await _custom(ctx, archived=True)
    builtin = ctx.object_type.properties.values()
    taken = {d.name for d in (*builtin, *live, *archived)}
    groups = await _group_names(ctx)
    unique_count = sum(1 for d in (*builtin, *live) if d.has_unique_value)
    now = ctx.clock.now_ms()
    planned: list[PropertyDefinition | HubSpotError] = []
    for draft in drafts:
        try:
            created = new_definition(
                draft, taken=taken, groups=groups, unique_count=unique_count, now=now
            )
        except HubSpotError as error:
            planned.append(error)
            continue
        taken.add(created.name)
        unique_count += created.has_unique_value
        planned.append(created)
    valid = [p for p in planned if isinstance(p, PropertyDefinition)]
    if not valid:
        return planned
    builtin_unique = sum(1 for d in builtin if d.has_unique_value)
    outcomes = iter(
        await ctx.store.create_properties(
            ctx.portal_id,
            ctx.object_type.type_id,
            valid,
            max_unique=MAX_UNIQUE_PROPERTIES - builtin_unique,
        )
    )
    return [p if isinstance(p, HubSpotError) else _stored(p, next(outcomes)) for p in planned]


def _stored(
    definition: PropertyDefinition, outcome: PropertyCreated
) -> PropertyDefinition | HubSpotError:
    """What the store found when it wrote: another request may have created the name or
    taken the last unique-value place since the rules looked."""
    if outcome == "name_taken":
        return property_exists(definition.name)
    if outcome == "too_many_unique":
        return too_many_unique()
    return definition


async def batch_read(
    ctx: CrmContext[DefinitionsStorage], names: Sequence[str], archived: bool
) -> tuple[list[PropertyDefinition], list[str]]:
    """(the definitions found in input order, the names not found)."""
    batch_rules.check_batch_size(len(names), ctx.max_batch_inputs)
    known = {d.name: d for d in await list_properties(ctx, archived)}
    wanted = list(dict.fromkeys(names))
    return [known[n] for n in wanted if n in known], [n for n in wanted if n not in known]


async def update_property(
    ctx: CrmContext[DefinitionsStorage], name: str, changes: PropertyChanges
) -> PropertyDefinition:
    check_changeable(ctx.object_type, name)
    current = await get_property(ctx, name)
    groups = await _group_names(ctx) if changes.group_name is not None else set()
    updated = changed_definition(current, changes, groups=groups, now=ctx.clock.now_ms())
    await ctx.store.save_properties(ctx.portal_id, ctx.object_type.type_id, [updated])
    return updated


async def archive_property(ctx: CrmContext[DefinitionsStorage], name: str) -> None:
    """Archived properties keep their stored values; reads and writes no longer see them."""
    check_changeable(ctx.object_type, name)
    current = await get_property(ctx, name)
    archived = archived_definition(current, ctx.clock.now_ms())
    await ctx.store.save_properties(ctx.portal_id, ctx.object_type.type_id, [archived])


async def archive_properties(ctx: CrmContext[DefinitionsStorage], names: Sequence[str]) -> None:
    """Batch archive: unknown, already archived and built-in names are skipped (HubSpot
    answers 204 for them all)."""
    batch_rules.check_batch_size(len(names), ctx.max_batch_inputs)
    live = {d.name: d for d in await _custom(ctx, archived=False)}
    now = ctx.clock.now_ms()
    archived = [archived_definition(live[n], now) for n in dict.fromkeys(names) if n in live]
    if archived:  # one transaction: all of them or, should it fail, none
        await ctx.store.save_properties(ctx.portal_id, ctx.object_type.type_id, archived)
