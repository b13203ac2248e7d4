"""The schemas role: a portal's custom object types and its stored association definitions.

A custom type is ``2-<number>``, numbered per portal; an association definition is a pair of
rows (one per direction, each naming the other as its inverse) with type ids from
``FIRST_DEFINED_TYPE_ID`` up, clear of HubSpot-defined ids. The rules every role keeps are in
``crm/storage.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from localspot.crm.model import PropertyDefinition

FIRST_TYPE_NUMBER = 1_000_001
"""A portal's first custom type is ``2-1000001``."""
FIRST_DEFINED_TYPE_ID = 1_000_001
"""Stored association type ids start here (HubSpot-defined ones are in the hundreds)."""


@dataclass(frozen=True, slots=True)
class CustomSchema:
    number: int
    """The ``n`` of ``2-n``; 0 until the store gives a new schema its number."""
    name: str
    singular: str
    plural: str
    description: str | None
    primary_display_property: str | None
    secondary_display_properties: tuple[str, ...]
    searchable_properties: tuple[str, ...]
    required_properties: tuple[str, ...]
    created_at: int
    updated_at: int
    archived: bool = False
    archived_at: int | None = None

    @property
    def type_id(self) -> str:
        return f"2-{self.number}"


@dataclass(frozen=True, slots=True)
class AssociationDefinition:
    """One direction of a stored association type."""

    type_id: int
    from_type: str
    to_type: str
    name: str
    label: str | None
    """None for the pair's default (unlabelled) type."""
    category: str
    inverse_type_id: int
    created_at: int
    updated_at: int


@dataclass(frozen=True, slots=True)
class NewDefinition:
    """A definition to store: the store gives both directions their type ids."""

    from_type: str
    to_type: str
    name: str
    inverse_name: str
    label: str | None
    category: str
    at: int
    inverse_label: str | None = None
    """The other direction's label when it differs (a paired label)."""


@dataclass(frozen=True, slots=True)
class PortalSchemas:
    schemas: tuple[CustomSchema, ...] = ()
    """Archived ones included."""
    definitions: tuple[AssociationDefinition, ...] = ()


ArchiveOutcome = Literal["archived", "has_records", "missing"]


class SchemasReadStorage(Protocol):
    async def portal_schemas(self, portal_id: int) -> PortalSchemas: ...


class SchemasStorage(SchemasReadStorage, Protocol):
    async def create_schema(
        self,
        portal_id: int,
        schema: CustomSchema,
        properties: Sequence[PropertyDefinition],
        links: Sequence[NewDefinition],
    ) -> CustomSchema | None:
        """Number the schema and write it, its properties and its association
        definitions (``from_type`` "" means the new type), in one transaction; None when
        the portal already has a schema of that name (archived ones too)."""
        ...

    async def save_schema(self, portal_id: int, schema: CustomSchema) -> None: ...

    async def archive_schema(self, portal_id: int, number: int, at: int) -> ArchiveOutcome:
        """Archive a live schema unless live records of its type exist (checked in the
        same transaction)."""
        ...

    async def purge_schema(self, portal_id: int, number: int) -> bool:
        """Remove an archived schema for good, with its properties, groups, records and
        association definitions and links; False when there is no such archived schema."""
        ...

    async def add_definitions(
        self, portal_id: int, definitions: Sequence[NewDefinition]
    ) -> list[AssociationDefinition]:
        """Both directions of each, forward one first; in one transaction."""
        ...

    async def remove_definition(self, portal_id: int, type_id: int) -> bool:
        """A definition's two directions and every link of either; False if unknown."""
        ...
