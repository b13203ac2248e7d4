"""Association labels (the v4 schema API, hubspot-behaviour §15): a portal's own labelled
association types between two object types, created singly (the same label both ways) or
paired (``inverseLabel`` for the other direction), renamed and deleted.

Each label is two stored types, one per direction, category ``USER_DEFINED``, with type
ids from ``FIRST_DEFINED_TYPE_ID`` up (clear of HubSpot's ids). Every write drops the
portal's cached view from the type registry, so the next request sees it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TypeVar

from localspot.crm import associations as links
from localspot.crm.association_labels_storage import AssociationLabelsStorage
from localspot.crm.association_types import USER_DEFINED, AssociationType, pair_error
from localspot.crm.context import CrmContext
from localspot.crm.errors import ValidationError
from localspot.crm.model import ObjectType
from localspot.crm.schemas_storage import NewDefinition
from localspot.crm.type_registry import TypeRegistry

S = TypeVar("S")
MAX_LABEL_LENGTH = 255
MAX_LABELS_PER_PAIR = 50
"""HubSpot's catalogue: up to 50 association labels per object pair."""


def _text(field: str, value: str | None) -> str:
    if value is None or not value.strip():
        raise ValidationError(f"{field} must not be blank", context={field: [str(value)]})
    if len(value) > MAX_LABEL_LENGTH:
        raise ValidationError(
            f"{field} must be at most {MAX_LABEL_LENGTH} characters", context={field: [value]}
        )
    return value


async def _pair(
    ctx: CrmContext[S], registry: TypeRegistry, to_type_name: str
) -> tuple[CrmContext[S], ObjectType]:
    """The context over a fresh view (another server process may have written) and the
    far-end type."""
    registry.invalidate(ctx.portal_id)
    fresh = replace(ctx, types=await registry.view(ctx.portal_id))
    return fresh, links.linked_type(fresh, to_type_name)


def _labels(kinds: Sequence[AssociationType]) -> list[AssociationType]:
    return [k for k in kinds if k.category == USER_DEFINED and k.label is not None]


async def create(
    ctx: CrmContext[AssociationLabelsStorage],
    registry: TypeRegistry,
    to_type_name: str,
    label: str,
    name: str,
    inverse_label: str | None,
) -> tuple[AssociationType, AssociationType]:
    """A new label; answers its two directions (from → to first)."""
    view, to_type = await _pair(ctx, registry, to_type_name)
    label, name = _text("label", label), _text("name", name)
    if inverse_label is not None:
        inverse_label = _text("inverseLabel", inverse_label)
    existing = _labels(view.types.links.types_between(view.object_type, to_type))
    if any(k.name == name for k in existing):
        raise ValidationError(
            f"An association label named {name} already exists between"
            f" {view.object_type.error_label} and {to_type.error_label}",
            context={"name": [name]},
        )
    if len(existing) >= MAX_LABELS_PER_PAIR:
        raise ValidationError(
            f"Cannot create more than {MAX_LABELS_PER_PAIR} association labels between"
            f" {view.object_type.error_label} and {to_type.error_label}"
        )
    new = NewDefinition(
        view.object_type.type_id,
        to_type.type_id,
        name,
        name,
        label,
        USER_DEFINED,
        ctx.clock.now_ms(),
        inverse_label,
    )
    made = await ctx.store.add_definitions(ctx.portal_id, [new])
    registry.invalidate(ctx.portal_id)
    forward, inverse = made
    return _spec(forward.type_id, forward.label), _spec(inverse.type_id, inverse.label)


def _spec(type_id: int, label: str | None) -> AssociationType:
    return AssociationType("", "", type_id, "", label, False, USER_DEFINED)


def _own_label(
    ctx: CrmContext[object], to_type: ObjectType, type_id: int
) -> tuple[AssociationType, AssociationType]:
    """A label of the pair (either of its directions is named by the pair's type id) and its
    inverse; HubSpot's own types and unlabelled definitions cannot be changed."""
    kind = ctx.types.links.find(ctx.object_type, to_type, type_id)
    if kind.category != USER_DEFINED or kind.label is None:
        raise ValidationError(
            f"Association type {type_id} is {kind.category} and cannot be changed;"
            " only USER_DEFINED labels can",
            context={"associationTypeId": [str(type_id)]},
        )
    return kind, ctx.types.links.reverse(kind)


async def update(
    ctx: CrmContext[AssociationLabelsStorage],
    registry: TypeRegistry,
    to_type_name: str,
    type_id: int,
    label: str,
    inverse_label: str | None,
) -> None:
    """Rename a label. A single label (the same text both ways) is renamed both ways; a
    paired one keeps its inverse unless ``inverseLabel`` is given."""
    view, to_type = await _pair(ctx, registry, to_type_name)
    kind, inverse = _own_label(view, to_type, type_id)
    label = _text("label", label)
    renamed = {kind.type_id: label}
    if inverse_label is not None:
        renamed[inverse.type_id] = _text("inverseLabel", inverse_label)
    elif inverse.label == kind.label:
        renamed[inverse.type_id] = label
    await ctx.store.relabel(ctx.portal_id, renamed, ctx.clock.now_ms())
    registry.invalidate(ctx.portal_id)


async def remove(
    ctx: CrmContext[AssociationLabelsStorage],
    registry: TypeRegistry,
    to_type_name: str,
    type_id: int,
) -> None:
    """Delete a label (both directions); refused while any association uses it."""
    view, to_type = await _pair(ctx, registry, to_type_name)
    kind, inverse = _own_label(view, to_type, type_id)
    outcome = await ctx.store.remove_label(ctx.portal_id, {kind.type_id, inverse.type_id})
    registry.invalidate(ctx.portal_id)
    if outcome == "in_use":
        raise ValidationError(
            f"Association label {kind.label} ({type_id}) is used by existing associations;"
            " remove those associations before deleting the label",
            context={"associationTypeId": [str(type_id)]},
            sub_category="crm.associations.LABEL_IN_USE",
        )
    if outcome == "missing":
        raise pair_error(view.object_type, to_type, str(type_id))
