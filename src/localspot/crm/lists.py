"""Lists API use cases on list definitions (hubspot-behaviour §16.1-16.2): create, read,
rename, change filters, delete and restore. Each write reads what its checks need and makes
one store call (one transaction). A SNAPSHOT or DYNAMIC list is created (or given new
filters) ``PROCESSING``, with a fill in the same transaction; then ``list_fill.run`` fills
it, in the request up to its budget of records and in the background beyond
(``resume_fill``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from localspot.crm import list_conversion_rules as conversion_rules
from localspot.crm import list_fill, list_filters
from localspot.crm import list_rules as rules
from localspot.crm.definitions_storage import DefinitionsStorage
from localspot.crm.errors import HubSpotError, ResourceNotFound, ValidationError
from localspot.crm.list_fill_storage import FillClaim, ListFillStorage
from localspot.crm.list_filters import FilterTree
from localspot.crm.list_memberships_storage import ListMembershipsStorage
from localspot.crm.lists_storage import ListsStorage, NameTaken, ObjectList
from localspot.crm.model import ObjectType, PropertyDefinition
from localspot.crm.properties import load_definitions


class ListsUseCaseStorage(
    ListsStorage,
    ListMembershipsStorage,
    ListFillStorage,
    DefinitionsStorage,
    Protocol,
):
    """Lists, their members, their fills, and the definitions their filters are checked
    against."""


Ctx = rules.ListsContext[ListsUseCaseStorage]


@dataclass(frozen=True, slots=True)
class ListInput:
    name: str | None
    object_type_id: str
    processing_type: str
    filter_branch: Any = None
    """The request's ``filterBranch`` as decoded JSON (None when absent)."""
    folder_id: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def _association_types(raw: Any) -> Iterator[str]:
    """The ``objectTypeId`` of every branch nested in ``raw``."""
    if isinstance(raw, dict):
        if isinstance(raw.get("objectTypeId"), str):
            yield raw["objectTypeId"]
        for value in raw.values():
            yield from _association_types(value)
    elif isinstance(raw, list):
        for item in raw:
            yield from _association_types(item)


async def parse_filters(ctx: Ctx, object_type: ObjectType, raw: Any) -> FilterTree:
    """``raw`` checked against the type's definitions (and those of the types its
    association branches name)."""
    definitions = await load_definitions(ctx.store, ctx.portal_id, object_type)
    others: dict[str, Mapping[str, PropertyDefinition]] = {}
    for type_id in sorted(set(_association_types(raw)) - {object_type.type_id}):
        found = ctx.types.find(type_id)
        if found is not None:
            loaded = await load_definitions(ctx.store, ctx.portal_id, found)
            others[found.type_id] = loaded.by_name
    return list_filters.parse_filter_branch(
        raw, object_type.type_id, definitions.by_name, lambda t: others.get(t, {})
    )


async def _fill(ctx: Ctx, found: ObjectList, tree: FilterTree, budget: int) -> ObjectList:
    """Fill the new list (or its new filters) up to ``budget`` records here; the rest in
    the background. The list as it stands then."""
    done = await list_fill.run(
        ctx.store, ctx.clock, ctx.portal_id, found, tree, found.version, budget=budget
    )
    if not done:
        await ctx.store.release_fill(ctx.portal_id, found.id)
    now = await ctx.store.lists_of(ctx.portal_id, [found.id])
    return now[0] if now else found


async def resume_fill(ctx: Ctx, claim: FillClaim) -> None:
    """Run a fill this process has claimed to its end. Filters that can't be judged any
    more (a property they read was deleted since) end it as it stands."""
    found = await ctx.store.lists_of(ctx.portal_id, [claim.list_id])
    try:
        if not found or found[0].filter_branch is None:
            raise ValidationError(f"List {claim.list_id} has no filters to fill it by")
        object_type = rules.list_type(ctx.types, found[0].object_type)
        tree = await parse_filters(ctx, object_type, found[0].filter_branch)
    except HubSpotError:
        await ctx.store.end_fill(ctx.portal_id, claim.list_id, claim.token)
        return
    await list_fill.run(
        ctx.store, ctx.clock, ctx.portal_id, found[0], tree, claim.token, budget=None
    )


async def _checked_tree(ctx: Ctx, object_type: ObjectType, data: ListInput) -> FilterTree | None:
    kind = rules.processing_type(data.processing_type)
    if kind == rules.MANUAL:
        if data.filter_branch is not None:
            raise ValidationError("MANUAL lists have no filters: leave filterBranch out")
        return None
    if data.filter_branch is None:
        raise ValidationError(f"A {kind} list needs a filterBranch")
    return await parse_filters(ctx, object_type, data.filter_branch)


async def check_folder(ctx: Ctx, folder_id: int) -> int:
    if folder_id and folder_id not in {f.id for f in await ctx.store.folders_of(ctx.portal_id)}:
        raise rules.folder_not_found(str(folder_id))
    return folder_id


async def create_list(
    ctx: Ctx, data: ListInput, *, inline_records: int = list_fill.INLINE_RECORDS
) -> ObjectList:
    """A SNAPSHOT or DYNAMIC list is filled here up to ``inline_records`` records judged;
    beyond, it answers ``PROCESSING`` and the background filler goes on."""
    name = rules.checked_name(data.name)
    object_type = rules.list_type(ctx.types, data.object_type_id)
    tree = await _checked_tree(ctx, object_type, data)
    folder_id = await check_folder(ctx, rules.parse_folder_id(data.folder_id))
    now = ctx.clock.now_ms()
    new = ObjectList(
        id=0,
        name=name,
        object_type=object_type.type_id,
        processing_type=data.processing_type,
        created_at=now,
        updated_at=now,
        processing_status=rules.COMPLETE if tree is None else rules.PROCESSING,
        filter_branch=tree.to_wire() if tree is not None else None,
        filters_updated_at=now,
        folder_id=folder_id,
        extra=dict(data.extra),
    )
    legacy = object_type.type_id == rules.LEGACY_TYPE
    created = await ctx.store.create_list(ctx.portal_id, new, (), with_legacy_id=legacy)
    if isinstance(created, NameTaken):
        raise rules.name_taken(name)
    return created if tree is None else await _fill(ctx, created, tree, inline_records)


async def _find(ctx: Ctx, raw_id: str, *, deleted: bool = False) -> ObjectList:
    """The list ``raw_id`` names: a live one (or a deleted one, with ``deleted``), converted
    first when a scheduled conversion is due."""
    found = await ctx.store.lists_of(ctx.portal_id, [rules.parse_list_id(raw_id)])
    if not found or (found[0].deleted_at is not None) != deleted:
        raise rules.list_not_found(raw_id)
    return await converted_if_due(ctx, found[0])


async def converted_if_due(ctx: Ctx, found: ObjectList) -> ObjectList:
    """``found``, converted to a static list when its scheduled conversion is due (the
    background filler converts lists nobody reads, ``http/list_fills.py``)."""
    due = conversion_rules.due_at(found)
    if due is None or due > ctx.clock.now_ms():
        return found
    return await save(ctx, conversion_rules.converted(found, due))


async def get_list(ctx: Ctx, raw_id: str) -> ObjectList:
    return await _find(ctx, raw_id)


async def fetch_list(ctx: Ctx, raw_id: str) -> ObjectList:
    """``GET /{listId}``: a deleted list too while it can be restored, with its
    ``deletedAt``, as HubSpot answers it; every other request leaves deleted lists out."""
    found = await ctx.store.lists_of(ctx.portal_id, [rules.parse_list_id(raw_id)])
    if not found:
        raise rules.list_not_found(raw_id)
    deleted_at = found[0].deleted_at
    if deleted_at is None:
        return await converted_if_due(ctx, found[0])
    if ctx.clock.now_ms() - deleted_at > rules.RESTORE_WINDOW_MS:
        raise rules.list_not_found(raw_id)
    return found[0]


def split_ids(raw: Sequence[str]) -> list[str]:
    """``listIds=1&listIds=2`` and ``listIds=1,2`` mean the same."""
    return [part.strip() for value in raw for part in value.split(",") if part.strip()]


async def get_lists(ctx: Ctx, raw_ids: Sequence[str]) -> list[ObjectList]:
    """The live lists among ``raw_ids``, by id; unknown ids are left out."""
    wanted = split_ids(raw_ids)
    bad = [text for text in wanted if text not in rules.numeric_ids([text])]
    if bad:
        raise ValidationError(f"Invalid list id '{bad[0]}'", context={"listIds": bad})
    ids = set(rules.numeric_ids(wanted).values())
    found = await ctx.store.lists_of(ctx.portal_id, ids) if ids else []
    return [await converted_if_due(ctx, x) for x in found if x.deleted_at is None]


async def get_by_name(ctx: Ctx, raw_type: str, name: str) -> ObjectList:
    """The live list of the type with that name, in any case."""
    type_id = rules.list_type(ctx.types, raw_type).type_id
    for found in await ctx.store.lists_of(ctx.portal_id):
        live = found.deleted_at is None and found.object_type == type_id
        if live and found.name.lower() == name.lower():
            return await converted_if_due(ctx, found)
    raise ResourceNotFound(
        f"No list of object type {type_id} is named '{name}'", context={"listName": [name]}
    )


async def save(ctx: Ctx, changed: ObjectList, *, refill: bool = False) -> ObjectList:
    saved = await ctx.store.save_list(ctx.portal_id, changed, refill=refill)
    if saved is None:
        raise rules.list_not_found(str(changed.id))
    if isinstance(saved, NameTaken):
        raise rules.name_taken(changed.name)
    return saved


async def delete_list(ctx: Ctx, raw_id: str) -> None:
    found = await _find(ctx, raw_id)
    now = ctx.clock.now_ms()
    await save(ctx, dataclasses.replace(found, deleted_at=now, updated_at=now))


async def restore_list(ctx: Ctx, raw_id: str) -> None:
    """A list deleted less than 90 days ago comes back (with its members)."""
    found = await ctx.store.lists_of(ctx.portal_id, [rules.parse_list_id(raw_id)])
    if not found:
        raise rules.list_not_found(raw_id)
    deleted_at, now = found[0].deleted_at, ctx.clock.now_ms()
    if deleted_at is None:
        raise ValidationError(f"List {raw_id} is not deleted", context={"listId": [raw_id]})
    if now - deleted_at > rules.RESTORE_WINDOW_MS:
        raise rules.list_not_found(raw_id)
    await save(ctx, dataclasses.replace(found[0], deleted_at=None, updated_at=now))


async def rename_list(ctx: Ctx, raw_id: str, name: str | None) -> ObjectList:
    found = await _find(ctx, raw_id)
    checked = rules.checked_name(name)
    now = ctx.clock.now_ms()
    changed = dataclasses.replace(found, name=checked, version=found.version + 1, updated_at=now)
    return await save(ctx, changed)


async def update_filters(
    ctx: Ctx, raw_id: str, raw_branch: Any, *, inline_records: int = list_fill.INLINE_RECORDS
) -> ObjectList:
    """A DYNAMIC list's new filters; it is filled afresh (as ``create_list``): members that
    stay keep their time of joining."""
    found = await _find(ctx, raw_id)
    if found.processing_type != rules.DYNAMIC:
        raise ValidationError(
            f"Only the filters of DYNAMIC lists can be updated; list {raw_id} is"
            f" {found.processing_type}",
            context={"listId": [raw_id], "processingType": [found.processing_type]},
        )
    object_type = rules.list_type(ctx.types, found.object_type)
    tree = await parse_filters(ctx, object_type, raw_branch)
    now = ctx.clock.now_ms()
    changed = dataclasses.replace(
        found,
        filter_branch=tree.to_wire(),
        filters_updated_at=now,
        version=found.version + 1,
        updated_at=now,
        processing_status=rules.PROCESSING,
    )
    return await _fill(ctx, await save(ctx, changed, refill=True), tree, inline_records)
