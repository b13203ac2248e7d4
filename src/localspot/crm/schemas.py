"""The Schemas API's use cases (hubspot-behaviour §12): a portal's custom object types and
their association definitions. Each write is one store call (one transaction) and then
drops the portal's view from the type registry, so the next request sees the change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from localspot.clock import Clock
from localspot.crm.definitions_storage import DefinitionsStorage
from localspot.crm.errors import ResourceNotFound, ValidationError
from localspot.crm.model import ObjectType, PropertyDefinition
from localspot.crm.schema_rules import (
    SchemaChanges,
    SchemaDraft,
    changed_schema,
    has_records,
    new_schema,
    schema_exists,
    schema_not_found,
)
from localspot.crm.schemas_storage import (
    AssociationDefinition,
    CustomSchema,
    NewDefinition,
    SchemasStorage,
)
from localspot.crm.type_registry import (
    SYSTEM_PROPERTIES,
    PortalTypes,
    TypeRegistry,
    fully_qualified_name,
)

USER_DEFINED = "USER_DEFINED"


class SchemaUseCaseStorage(SchemasStorage, DefinitionsStorage, Protocol):
    """Schemas and the custom properties created with them."""


@dataclass(frozen=True, slots=True)
class SchemaContext:
    store: SchemaUseCaseStorage
    registry: TypeRegistry
    clock: Clock
    portal_id: int


@dataclass(frozen=True, slots=True)
class SchemaView:
    """A schema as the API shows it."""

    schema: CustomSchema
    fully_qualified_name: str
    properties: tuple[PropertyDefinition, ...]
    associations: tuple[AssociationDefinition, ...]


async def _fresh(ctx: SchemaContext) -> PortalTypes:
    """The schemas API always reads the database (another server process may write)."""
    ctx.registry.invalidate(ctx.portal_id)
    return await ctx.registry.view(ctx.portal_id)


def _matches(ctx: SchemaContext, schema: CustomSchema, key: str) -> bool:
    fqn = fully_qualified_name(ctx.portal_id, schema.name)
    return key.lower() in (schema.type_id, fqn.lower(), schema.name.lower())


def _lookup(
    ctx: SchemaContext, types: PortalTypes, key: str, archived: bool
) -> CustomSchema | None:
    return next(
        (s for s in types.schemas if s.archived == archived and _matches(ctx, s, key)), None
    )


def _find(ctx: SchemaContext, types: PortalTypes, key: str, archived: bool) -> CustomSchema:
    schema = _lookup(ctx, types, key, archived)
    if schema is None:
        raise schema_not_found(key)
    return schema


async def _view(ctx: SchemaContext, types: PortalTypes, schema: CustomSchema) -> SchemaView:
    custom = await ctx.store.custom_properties(ctx.portal_id, schema.type_id)
    return SchemaView(
        schema,
        fully_qualified_name(ctx.portal_id, schema.name),
        (*SYSTEM_PROPERTIES.values(), *custom),
        tuple(d for d in types.definitions if d.from_type == schema.type_id),
    )


async def list_schemas(ctx: SchemaContext, archived: bool) -> list[SchemaView]:
    types = await _fresh(ctx)
    return [await _view(ctx, types, s) for s in types.schemas if s.archived == archived]


async def get_schema(ctx: SchemaContext, key: str) -> SchemaView:
    types = await _fresh(ctx)
    return await _view(ctx, types, _find(ctx, types, key, archived=False))


async def get_schemas(ctx: SchemaContext, keys: Sequence[str]) -> list[SchemaView]:
    """The live schemas ``keys`` name (as ``get_schema`` takes them), in their order, each
    once. A key naming none is left out: HubSpot's batch read answer has no ``errors``."""
    types = await _fresh(ctx)
    found: dict[str, CustomSchema] = {}
    for key in keys:
        schema = _lookup(ctx, types, key, archived=False)
        if schema is not None:
            found.setdefault(schema.type_id, schema)
    return [await _view(ctx, types, s) for s in found.values()]


def _link_names(schema_name: str, target: ObjectType) -> tuple[str, str]:
    own, other = schema_name.lower(), target.singular.lower()
    return f"{own}_to_{other}", f"{other}_to_{own}"


def _targets(types: PortalTypes, names: Sequence[str]) -> list[ObjectType]:
    found: list[ObjectType] = []
    for name in dict.fromkeys(names):
        target = types.find(name)
        if target is None:
            raise ValidationError(
                f"associatedObjects names an unknown object type: {name}",
                context={"associatedObjects": [name]},
            )
        found.append(target)
    return list({t.type_id: t for t in found}.values())


async def create_schema(ctx: SchemaContext, draft: SchemaDraft) -> SchemaView:
    types = await _fresh(ctx)
    now = ctx.clock.now_ms()
    schema, properties = new_schema(draft, now)
    if types.find(draft.name) is not None or any(
        s.name.lower() == draft.name.lower() for s in types.schemas
    ):
        raise schema_exists(draft.name)
    links = [
        NewDefinition("", target.type_id, *_link_names(draft.name, target), None, USER_DEFINED, now)
        for target in _targets(types, draft.associated_objects)
    ]
    created = await ctx.store.create_schema(ctx.portal_id, schema, properties, links)
    ctx.registry.invalidate(ctx.portal_id)
    if created is None:
        raise schema_exists(draft.name)
    return await get_schema(ctx, created.type_id)


async def update_schema(ctx: SchemaContext, key: str, changes: SchemaChanges) -> SchemaView:
    types = await _fresh(ctx)
    current = _find(ctx, types, key, archived=False)
    custom = await ctx.store.custom_properties(ctx.portal_id, current.type_id)
    known = {*SYSTEM_PROPERTIES, *(d.name for d in custom)}
    updated = changed_schema(current, changes, known, ctx.clock.now_ms())
    await ctx.store.save_schema(ctx.portal_id, updated)
    ctx.registry.invalidate(ctx.portal_id)
    return await _view(ctx, types, updated)


async def archive_schema(ctx: SchemaContext, key: str, hard: bool) -> None:
    """Archive a live schema without live records; with ``hard`` (``archived=true``)
    delete an archived one for good, which frees its name."""
    types = await _fresh(ctx)
    if hard:
        schema = _find(ctx, types, key, archived=True)
        await ctx.store.purge_schema(ctx.portal_id, schema.number)
        ctx.registry.invalidate(ctx.portal_id)
        return
    schema = _find(ctx, types, key, archived=False)
    outcome = await ctx.store.archive_schema(ctx.portal_id, schema.number, ctx.clock.now_ms())
    ctx.registry.invalidate(ctx.portal_id)
    if outcome == "has_records":
        raise has_records()
    if outcome == "missing":
        raise schema_not_found(key)


async def create_association(
    ctx: SchemaContext, key: str, from_type: str, to_type: str, name: str | None
) -> AssociationDefinition:
    types = await _fresh(ctx)
    schema = _find(ctx, types, key, archived=False)
    source, target = types.find(from_type), types.find(to_type)
    if source is None or source.type_id != schema.type_id:
        raise ValidationError(
            f"fromObjectTypeId {from_type} must be this object type ({schema.type_id})",
            context={"fromObjectTypeId": [from_type]},
        )
    if target is None:
        raise ValidationError(
            f"toObjectTypeId names an unknown object type: {to_type}",
            context={"toObjectTypeId": [to_type]},
        )
    forward, inverse = _link_names(schema.name, target)
    if name is not None and not name.strip():
        raise ValidationError("name can not be empty", context={"name": [name]})
    has_default = any(k.default for k in types.links.types_between(source, target))
    label = (name or forward) if has_default else None
    new = NewDefinition(
        source.type_id,
        target.type_id,
        name or forward,
        inverse,
        label,
        USER_DEFINED,
        ctx.clock.now_ms(),
    )
    made = await ctx.store.add_definitions(ctx.portal_id, [new])
    ctx.registry.invalidate(ctx.portal_id)
    return made[0]


async def archive_association(ctx: SchemaContext, key: str, identifier: str) -> None:
    types = await _fresh(ctx)
    schema = _find(ctx, types, key, archived=False)
    wanted = int(identifier) if identifier.isascii() and identifier.isdigit() else None
    found = next(
        (
            d
            for d in types.definitions
            if wanted is not None
            and d.type_id == wanted
            and schema.type_id in (d.from_type, d.to_type)
        ),
        None,
    )
    if found is None:
        raise ResourceNotFound(
            f"No association definition {identifier} on object type {schema.type_id}",
            context={"associationIdentifier": [identifier]},
        )
    await ctx.store.remove_definition(ctx.portal_id, found.type_id)
    ctx.registry.invalidate(ctx.portal_id)
