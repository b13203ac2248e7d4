"""The per-portal type registry: built-in object and association types (data files) plus a
portal's custom object types and stored association definitions (database).

``PortalTypes`` is one portal's view, immutable; ``TypeRegistry`` keeps one view per portal
in memory and drops it when the portal's schemas change (a schema write, a reset, a
restore). A built-in type never needs the database: a portal's view is loaded once, on its
first request, and then served from memory.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Protocol

from localspot.crm import object_types
from localspot.crm.association_limits_storage import AssociationLimit, AssociationLimitsReadStorage
from localspot.crm.association_types import BUILTIN, AssociationCatalog, AssociationType
from localspot.crm.model import ObjectType, PropertyDefinition, PropertyGroup
from localspot.crm.schemas_storage import (
    AssociationDefinition,
    CustomSchema,
    PortalSchemas,
    SchemasReadStorage,
)

CUSTOM_READ_SCOPE = "crm.objects.custom.read"
CUSTOM_WRITE_SCOPE = "crm.objects.custom.write"
DEFAULT_PROPERTIES = ("hs_createdate", "hs_lastmodifieddate", "hs_object_id")


def _system(name: str, label: str, type_name: str, field_type: str) -> PropertyDefinition:
    return PropertyDefinition(
        name=name,
        label=label,
        type=type_name,
        field_type=field_type,
        hubspot_defined=True,
        read_only_value=True,
        read_only_definition=True,
        archivable=False,
        display_order=-1,
    )


SYSTEM_PROPERTIES: Mapping[str, PropertyDefinition] = {
    "hs_object_id": _system("hs_object_id", "Record ID", "number", "number"),
    "hs_createdate": _system("hs_createdate", "Create Date", "datetime", "date"),
    "hs_lastmodifieddate": _system("hs_lastmodifieddate", "Last Modified Date", "datetime", "date"),
}
"""The properties HubSpot gives every custom type; each holds a record column."""


def fully_qualified_name(portal_id: int, name: str) -> str:
    return f"p{portal_id}_{name}"


def information_group(schema_name: str, singular: str) -> PropertyGroup:
    return PropertyGroup(f"{schema_name.lower()}_information", f"{singular} information", 0)


def custom_object_type(portal_id: int, schema: CustomSchema) -> ObjectType:
    fqn = fully_qualified_name(portal_id, schema.name)
    return ObjectType(
        type_id=schema.type_id,
        name=fqn,
        singular=schema.name,
        error_label=fqn,
        read_scope=CUSTOM_READ_SCOPE,
        write_scope=CUSTOM_WRITE_SCOPE,
        required_on_create=schema.required_properties,
        default_properties=DEFAULT_PROPERTIES,
        search_query_properties=schema.searchable_properties,
        not_filterable=(),
        properties=SYSTEM_PROPERTIES,
        aliases=(schema.name,),
        groups=(information_group(schema.name, schema.singular),),
        custom=True,
    )


def association_kind(definition: AssociationDefinition) -> AssociationType:
    return AssociationType(
        definition.from_type,
        definition.to_type,
        definition.type_id,
        definition.name,
        definition.label,
        definition.label is None,
        definition.category,
        definition.inverse_type_id,
    )


@dataclass(frozen=True, slots=True)
class PortalTypes:
    """One portal's object and association types."""

    portal_id: int = 0
    schemas: tuple[CustomSchema, ...] = ()
    """Archived ones included."""
    definitions: tuple[AssociationDefinition, ...] = ()
    links: AssociationCatalog = BUILTIN
    _custom: Mapping[str, ObjectType] = field(default_factory=dict)
    limits: tuple[AssociationLimit, ...] = ()
    """The portal's association limits: kept here so a portal without any pays no query
    on an association write."""

    @classmethod
    def of(cls, portal_id: int, stored: PortalSchemas) -> PortalTypes:
        keys: dict[str, ObjectType] = {}
        for schema in stored.schemas:
            if schema.archived:
                continue
            custom = custom_object_type(portal_id, schema)
            for key in (custom.type_id, custom.name, schema.name):
                keys.setdefault(key.lower(), custom)
        kinds = tuple(association_kind(d) for d in stored.definitions)
        return cls(portal_id, stored.schemas, stored.definitions, BUILTIN.with_kinds(kinds), keys)

    def find(self, name_or_id: str) -> ObjectType | None:
        builtin = object_types.builtin_key(name_or_id)
        return builtin if builtin is not None else self._custom.get(name_or_id.lower())

    def resolve(self, name_or_id: str) -> ObjectType:
        """A built-in type by id, name or alias; a custom one by ``2-<n>``, its fully
        qualified name or its name; anything else is HubSpot's 404."""
        found = self.find(name_or_id)
        if found is None:
            raise object_types.unknown_type(name_or_id)
        return found

    def custom_types(self) -> tuple[ObjectType, ...]:
        return tuple({t.type_id: t for t in self._custom.values()}.values())

    def all_types(self) -> tuple[ObjectType, ...]:
        return object_types.all_types() + self.custom_types()

    def schema_of(self, object_type: ObjectType) -> CustomSchema | None:
        return next((s for s in self.schemas if s.type_id == object_type.type_id), None)


BUILTIN_TYPES = PortalTypes()
"""A portal without custom types sees exactly this."""


class TypesReadStorage(SchemasReadStorage, AssociationLimitsReadStorage, Protocol):
    """What a portal's view is loaded from."""


class TypeRegistry:
    """Per-portal views, kept in memory until the portal's schemas or association limits
    change."""

    def __init__(self, store: Callable[[], TypesReadStorage]) -> None:
        """``store`` gives the store (the app opens it when it starts)."""
        self._store = store
        self._views: dict[int, PortalTypes] = {}

    async def view(self, portal_id: int) -> PortalTypes:
        found = self._views.get(portal_id)
        if found is None:
            found = await self._load(portal_id)
        return found

    async def _load(self, portal_id: int) -> PortalTypes:
        stored = await self._store().portal_schemas(portal_id)
        view = PortalTypes.of(portal_id, stored) if stored.schemas or stored.definitions else None
        loaded = view if view is not None else PortalTypes(portal_id)
        limits = await self._store().association_limits(portal_id)
        loaded = replace(loaded, limits=tuple(limits)) if limits else loaded
        self._views[portal_id] = loaded
        return loaded

    async def resolve(self, portal_id: int, name_or_id: str) -> tuple[PortalTypes, ObjectType]:
        """The portal's view and the type; a name the view doesn't know is looked up once
        more in the database (another server process may have just created it)."""
        view = await self.view(portal_id)
        found = view.find(name_or_id)
        if found is None:
            view = await self._load(portal_id)
            found = view.resolve(name_or_id)
        return view, found

    def invalidate(self, portal_id: int | None = None) -> None:
        """Forget one portal's view (None: every portal's)."""
        if portal_id is None:
            self._views.clear()
        else:
            self._views.pop(portal_id, None)


def type_for_index(type_id: str) -> ObjectType:
    """The type whose definitions index a queued record: the built-in one, or for
    ``2-<n>`` a stand-in holding a custom type's system properties (indexing needs only
    the properties' types, and the custom ones come from the store)."""
    builtin = object_types.builtin_key(type_id)
    if builtin is not None:
        return builtin
    if not type_id.startswith("2-"):
        raise object_types.unknown_type(type_id)
    schema = CustomSchema(int(type_id[2:]), type_id, type_id, type_id, None, None, (), (), (), 0, 0)
    return custom_object_type(0, schema)
