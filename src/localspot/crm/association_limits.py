"""Association limit configurations (the v4 schema API, hubspot-behaviour §15): for an
association type between two object types, the most records of the far type one record
may be linked to by it (``maxToObjectIds``). Batch create, update and purge; list all or
one pair's.

A portal's limits live in its cached type view (``PortalTypes.limits``); every write drops
the view from the registry, so the next request sees it. Enforcement on association writes
is ``association_limit_checks``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from localspot.crm import association_limit_checks
from localspot.crm import associations as links
from localspot.crm.association_limits_storage import AssociationLimit, AssociationLimitsStorage
from localspot.crm.association_types import CATEGORIES, pair_error
from localspot.crm.context import CrmContext
from localspot.crm.errors import HubSpotError, ValidationError
from localspot.crm.model import InputError, ObjectType
from localspot.crm.type_registry import PortalTypes, TypeRegistry

S = TypeVar("S")
MIN_LIMIT = 1
MAX_LIMIT = 10_000
"""HubSpot's settings accept a custom limit from 1 up to 10,000."""
MAX_BATCH = 100


@dataclass(frozen=True, slots=True)
class LimitInput:
    """One input of a batch create or update (``category``, ``typeId``, ``maxToObjectIds``)."""

    category: str
    type_id: int
    max_to_object_ids: int


@dataclass(frozen=True, slots=True)
class Configuration:
    """A ``PublicAssociationDefinitionUserConfiguration``."""

    category: str
    type_id: int
    label: str | None
    max_to_object_ids: int


def _label(types: PortalTypes, limit: AssociationLimit) -> str | None:
    return next(
        (
            k.label
            for k in types.links.kinds
            if (k.from_type, k.to_type, k.type_id)
            == (limit.from_type, limit.to_type, limit.type_id)
        ),
        None,
    )


def _shown(types: PortalTypes, limit: AssociationLimit) -> Configuration:
    return Configuration(
        limit.category, limit.type_id, _label(types, limit), limit.max_to_object_ids
    )


def all_configurations(types: PortalTypes) -> list[Configuration]:
    return [_shown(types, limit) for limit in types.limits]


def pair_configurations(ctx: CrmContext[object], to_type_name: str) -> list[Configuration]:
    to_type = links.linked_type(ctx, to_type_name)
    pair = (ctx.object_type.type_id, to_type.type_id)
    return [_shown(ctx.types, x) for x in ctx.types.limits if (x.from_type, x.to_type) == pair]


async def _fresh(
    ctx: CrmContext[S], registry: TypeRegistry, to_type_name: str
) -> tuple[CrmContext[S], ObjectType]:
    """A context over a fresh view (another server process may have written)."""
    registry.invalidate(ctx.portal_id)
    fresh = replace(ctx, types=await registry.view(ctx.portal_id))
    return fresh, links.linked_type(fresh, to_type_name)


def _checked(
    ctx: CrmContext[object], to_type: ObjectType, item: LimitInput, *, exists: bool | None
) -> AssociationLimit:
    """The limit an input asks for; ``exists`` is whether one must (update) or must not
    (create) be configured already."""
    shown = str(item.type_id)
    if item.category not in CATEGORIES:
        raise ValidationError(
            f"Invalid association category {item.category}", context={"category": [item.category]}
        )
    kind = ctx.types.links.find(ctx.object_type, to_type, item.type_id)
    if kind.category != item.category:
        raise pair_error(ctx.object_type, to_type, shown)
    if not MIN_LIMIT <= item.max_to_object_ids <= MAX_LIMIT:
        raise ValidationError(
            f"maxToObjectIds must be between {MIN_LIMIT} and {MAX_LIMIT};"
            f" got {item.max_to_object_ids}",
            context={"maxToObjectIds": [str(item.max_to_object_ids)], "typeId": [shown]},
        )
    current = _current(ctx.types, ctx.object_type, to_type, item.type_id)
    if exists is False and current is not None:
        raise ValidationError(
            f"An association limit for type {shown} between {ctx.object_type.error_label}"
            f" and {to_type.error_label} already exists; update it instead",
            context={"typeId": [shown]},
        )
    if exists is True and current is None:
        raise ValidationError(
            f"No association limit for type {shown} between {ctx.object_type.error_label}"
            f" and {to_type.error_label}; create it first",
            context={"typeId": [shown]},
        )
    now = ctx.clock.now_ms()
    created = current.created_at if current is not None else now
    return AssociationLimit(
        kind.from_type, kind.to_type, kind.type_id, kind.category, item.max_to_object_ids,
        created, now,
    )  # fmt: skip


def _current(
    types: PortalTypes, from_type: ObjectType, to_type: ObjectType, type_id: int
) -> AssociationLimit | None:
    key = (from_type.type_id, to_type.type_id, type_id)
    return next((x for x in types.limits if (x.from_type, x.to_type, x.type_id) == key), None)


async def save(
    ctx: CrmContext[AssociationLimitsStorage],
    registry: TypeRegistry,
    to_type_name: str,
    inputs: Sequence[LimitInput],
    *,
    update: bool,
) -> tuple[list[Configuration], list[InputError]]:
    """Batch create (``update`` False) or update: inputs that fail become 207 errors, the
    others are written together."""
    view, to_type = await _fresh(ctx, registry, to_type_name)
    links.check_batch_size(len(inputs), MAX_BATCH)
    kept: dict[int, AssociationLimit] = {}
    errors: list[InputError] = []
    for item in inputs:
        try:
            limit = _checked(view, to_type, item, exists=update)
        except HubSpotError as error:
            errors.append(association_limit_checks.input_error(error))
            continue
        kept[limit.type_id] = limit
    if kept:
        await ctx.store.save_limits(ctx.portal_id, list(kept.values()))
        registry.invalidate(ctx.portal_id)
    return [_shown(view.types, x) for x in kept.values()], errors


async def purge(
    ctx: CrmContext[AssociationLimitsStorage],
    registry: TypeRegistry,
    to_type_name: str,
    specs: Sequence[tuple[str, int]],
) -> None:
    """Remove the pair's limits of these (category, type id); every spec is checked first,
    so a bad one removes nothing. A type without a limit is no error."""
    view, to_type = await _fresh(ctx, registry, to_type_name)
    links.check_batch_size(len(specs), MAX_BATCH)
    type_ids = []
    for category, type_id in specs:
        kind = view.types.links.find(view.object_type, to_type, type_id)
        if kind.category != category:
            raise pair_error(view.object_type, to_type, str(type_id))
        type_ids.append(type_id)
    await ctx.store.remove_limits(
        ctx.portal_id, view.object_type.type_id, to_type.type_id, type_ids
    )
    registry.invalidate(ctx.portal_id)
