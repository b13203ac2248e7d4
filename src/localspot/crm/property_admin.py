"""The properties API's rules (reference §4.1-4.3): creating, changing and archiving
custom properties and property groups of an object type, per portal.

Built-in properties are data (``object_types``) and can't be changed or archived.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence
from typing import Any

from localspot.crm.context import CrmContext
from localspot.crm.errors import Conflict, HubSpotError, ResourceNotFound, ValidationError
from localspot.crm.model import PropertyDefinition, PropertyGroup, PropertyOption
from localspot.crm.object_types import builtin_groups

FIELD_TYPES: Mapping[str, frozenset[str]] = {
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
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
BOOL_OPTIONS = (
    PropertyOption("Yes", "true", False, "", 0),
    PropertyOption("No", "false", False, "", 1),
)


class PropertyNotFound(HubSpotError):
    status = 404
    category = "OBJECT_NOT_FOUND"


class PropertyExists(Conflict):
    category = "OBJECT_ALREADY_EXISTS"


def check_types(type_name: str, field_type: str) -> None:
    allowed = FIELD_TYPES.get(type_name)
    if allowed is None:
        known = ", ".join(sorted(FIELD_TYPES))
        raise ValidationError(f"Invalid property type {type_name}; expected one of: {known}")
    if field_type not in allowed:
        raise ValidationError(
            f"Invalid fieldType {field_type} for property type {type_name}; "
            f"valid fieldTypes are: {', '.join(sorted(allowed))}",
            context={"type": [type_name], "fieldType": [field_type]},
        )


def check_options(options: Sequence[PropertyOption]) -> None:
    values = [o.value for o in options]
    duplicates = sorted({v for v in values if values.count(v) > 1})
    if duplicates:
        raise ValidationError(
            f"Duplicate option values: {duplicates}", context={"values": duplicates}
        )


def _all_definitions(
    ctx: CrmContext, custom: Sequence[PropertyDefinition]
) -> dict[str, PropertyDefinition]:
    return {**ctx.object_type.properties, **{d.name: d for d in custom}}


async def _custom(ctx: CrmContext, archived: bool) -> Sequence[PropertyDefinition]:
    return await ctx.store.custom_properties(
        ctx.portal_id, ctx.object_type.type_id, archived=archived
    )


async def list_properties(ctx: CrmContext, archived: bool) -> list[PropertyDefinition]:
    custom = list(await _custom(ctx, archived))
    return custom if archived else [*ctx.object_type.properties.values(), *custom]


async def get_property(ctx: CrmContext, name: str, archived: bool = False) -> PropertyDefinition:
    found = _all_definitions(ctx, await _custom(ctx, archived)).get(name)
    if found is None or found.archived != archived:
        raise PropertyNotFound(f"Property {name} does not exist", context={"name": [name]})
    return found


async def _group_names(ctx: CrmContext) -> set[str]:
    stored = await ctx.store.property_groups(ctx.portal_id, ctx.object_type.type_id)
    return {g.name for g in (*builtin_groups(ctx.object_type), *stored)}


async def create_property(ctx: CrmContext, draft: PropertyDefinition) -> PropertyDefinition:
    """``draft`` carries what the caller sent; the rules fill in the rest."""
    if not _NAME.match(draft.name):
        raise ValidationError(
            f"Property name {draft.name!r} is invalid: it must start with a lowercase letter and "
            "contain only lowercase letters, numbers and underscores.",
            context={"name": [draft.name]},
        )
    check_types(draft.type, draft.field_type)
    options = draft.options or (BOOL_OPTIONS if draft.type == "bool" else ())
    check_options(options)
    live, archived = await _custom(ctx, False), await _custom(ctx, True)
    if draft.name in _all_definitions(ctx, [*live, *archived]):
        raise PropertyExists(
            f"Property named '{draft.name}' already exists.", context={"name": [draft.name]}
        )
    if draft.group_name not in await _group_names(ctx):
        raise ValidationError(
            f"Property group {draft.group_name} does not exist.",
            context={"groupName": [draft.group_name]},
        )
    unique_count = sum(1 for d in _all_definitions(ctx, live).values() if d.has_unique_value)
    if draft.has_unique_value and unique_count >= MAX_UNIQUE_PROPERTIES:
        raise ValidationError(
            f"An object type can have at most {MAX_UNIQUE_PROPERTIES} unique value properties.",
            context={"hasUniqueValue": ["true"]},
        )
    now = ctx.clock.now_ms()
    created = dataclasses.replace(
        draft, options=tuple(options), hubspot_defined=False, created_at=now, updated_at=now
    )
    await ctx.store.save_property(ctx.portal_id, ctx.object_type.type_id, created, create=True)
    return created


def _writable(ctx: CrmContext, name: str) -> None:
    if name in ctx.object_type.properties:
        raise ValidationError(
            f"Property {name} is defined by HubSpot and can't be changed or archived.",
            context={"name": [name]},
        )


async def update_property(
    ctx: CrmContext, name: str, changes: Mapping[str, Any]
) -> PropertyDefinition:
    _writable(ctx, name)
    current = await get_property(ctx, name)
    if "has_unique_value" in changes and changes["has_unique_value"] != current.has_unique_value:
        raise ValidationError(
            "hasUniqueValue can only be set when a property is created.",
            context={"hasUniqueValue": [str(changes["has_unique_value"]).lower()]},
        )
    updated = dataclasses.replace(
        current, **{k: v for k, v in changes.items() if k != "has_unique_value"}
    )
    check_types(updated.type, updated.field_type)
    check_options(updated.options)
    if "group_name" in changes and updated.group_name not in await _group_names(ctx):
        raise ValidationError(f"Property group {updated.group_name} does not exist.")
    updated = dataclasses.replace(updated, updated_at=ctx.clock.now_ms())
    await ctx.store.save_property(ctx.portal_id, ctx.object_type.type_id, updated)
    return updated


async def archive_property(ctx: CrmContext, name: str, *, missing_ok: bool = False) -> None:
    """Archived properties keep their stored values; reads and writes no longer see them."""
    _writable(ctx, name)
    live = {d.name: d for d in await _custom(ctx, False)}
    if name not in live:
        if missing_ok:
            return
        raise PropertyNotFound(f"Property {name} does not exist", context={"name": [name]})
    now = ctx.clock.now_ms()
    archived = dataclasses.replace(live[name], archived=True, archived_at=now, updated_at=now)
    await ctx.store.save_property(ctx.portal_id, ctx.object_type.type_id, archived)


async def list_groups(ctx: CrmContext) -> list[PropertyGroup]:
    stored = await ctx.store.property_groups(ctx.portal_id, ctx.object_type.type_id)
    return [*builtin_groups(ctx.object_type), *stored]


async def get_group(ctx: CrmContext, name: str) -> PropertyGroup:
    for group in await list_groups(ctx):
        if group.name == name:
            return group
    raise ResourceNotFound(f"Property group {name} does not exist", context={"name": [name]})


async def save_group(ctx: CrmContext, group: PropertyGroup, *, create: bool) -> PropertyGroup:
    if group.name in {g.name for g in builtin_groups(ctx.object_type)}:
        if create:
            raise PropertyExists(f"Property group '{group.name}' already exists.")
        raise ValidationError(f"Property group {group.name} is defined by HubSpot.")
    exists = group.name in {g.name for g in await list_groups(ctx)}
    if create and exists:
        raise PropertyExists(f"Property group '{group.name}' already exists.")
    if create and not _NAME.match(group.name):
        raise ValidationError(f"Property group name {group.name!r} is invalid.")
    if not create and not exists:
        raise ResourceNotFound(f"Property group {group.name} does not exist")
    await ctx.store.save_property_group(ctx.portal_id, ctx.object_type.type_id, group)
    return group


async def delete_group(ctx: CrmContext, name: str) -> None:
    await get_group(ctx, name)
    if name in {g.name for g in builtin_groups(ctx.object_type)}:
        raise ValidationError(f"Property group {name} is defined by HubSpot.")
    await ctx.store.delete_property_group(ctx.portal_id, ctx.object_type.type_id, name)
