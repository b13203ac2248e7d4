"""Property groups of an object type, per portal (hubspot-behaviour §4.1): their rules and
use cases. Built-in groups are data (``object_types``): they can't be changed or deleted;
a group that still holds live properties can't be deleted either.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence

from localspot.crm.context import CrmContext
from localspot.crm.definitions_storage import DefinitionsStorage
from localspot.crm.errors import ValidationError
from localspot.crm.model import ObjectType, PropertyDefinition, PropertyGroup
from localspot.crm.object_types import builtin_groups
from localspot.crm.property_admin import (
    PropertyExists,
    PropertyNotFound,
    check_display_order,
    check_label,
    check_name,
    check_no_nul,
)


def group_not_found(name: str) -> PropertyNotFound:
    return PropertyNotFound(f"Property group {name} does not exist", context={"name": [name]})


def check_new_group(group: PropertyGroup, existing: Collection[str]) -> None:
    check_name(group.name, "Property group")
    check_label(group.label)
    check_no_nul(label=group.label)
    check_display_order(group.display_order)
    if group.name in existing:
        raise PropertyExists(
            f"Property group '{group.name}' already exists.", context={"name": [group.name]}
        )


def check_group_changeable(object_type: ObjectType, name: str) -> None:
    if name in {g.name for g in builtin_groups(object_type)}:
        raise ValidationError(
            f"Property group {name} is defined by HubSpot and can't be changed or deleted.",
            context={"name": [name]},
        )


def check_group_empty(name: str, live: Sequence[PropertyDefinition]) -> None:
    members = sorted(d.name for d in live if d.group_name == name)
    if members:
        raise ValidationError(
            f"Property group {name} still holds properties {members}; move or archive them first.",
            context={"name": [name], "properties": members},
        )


async def list_groups(ctx: CrmContext[DefinitionsStorage]) -> list[PropertyGroup]:
    stored = await ctx.store.property_groups(ctx.portal_id, ctx.object_type.type_id)
    return [*builtin_groups(ctx.object_type), *stored]


async def get_group(ctx: CrmContext[DefinitionsStorage], name: str) -> PropertyGroup:
    for group in await list_groups(ctx):
        if group.name == name:
            return group
    raise group_not_found(name)


async def create_group(ctx: CrmContext[DefinitionsStorage], group: PropertyGroup) -> PropertyGroup:
    check_new_group(group, {g.name for g in await list_groups(ctx)})
    await ctx.store.save_property_group(ctx.portal_id, ctx.object_type.type_id, group)
    return group


async def update_group(
    ctx: CrmContext[DefinitionsStorage], name: str, label: str | None, display_order: int | None
) -> PropertyGroup:
    current = await get_group(ctx, name)
    check_group_changeable(ctx.object_type, name)
    updated = dataclasses.replace(
        current,
        label=current.label if label is None else label,
        display_order=current.display_order if display_order is None else display_order,
    )
    check_label(updated.label)
    check_no_nul(label=updated.label)
    check_display_order(updated.display_order)
    await ctx.store.save_property_group(ctx.portal_id, ctx.object_type.type_id, updated)
    return updated


async def delete_group(ctx: CrmContext[DefinitionsStorage], name: str) -> None:
    await get_group(ctx, name)
    check_group_changeable(ctx.object_type, name)
    live = await ctx.store.custom_properties(ctx.portal_id, ctx.object_type.type_id)
    check_group_empty(name, live)
    await ctx.store.delete_property_group(ctx.portal_id, ctx.object_type.type_id, name)
