"""The domain's value types: plain frozen dataclasses, no I/O.

Times are epoch milliseconds (UTC) everywhere inside the domain and the store;
only the wire layer turns them into ISO-8601 strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

PROPERTY_TYPES = ("bool", "date", "datetime", "enumeration", "number", "phone_number", "string")


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the portal a token belongs to and what it may do."""

    portal_id: int
    scopes: frozenset[str]
    token_kind: str = "private_app"
    tier: str = "free"
    timezone: str = "UTC"
    token_hash: str = ""


@dataclass(frozen=True, slots=True)
class PropertyOption:
    label: str
    value: str
    hidden: bool = False
    description: str = ""
    display_order: int = -1


@dataclass(frozen=True, slots=True)
class PropertyDefinition:
    """One property of an object type, built-in (hubspot_defined) or custom."""

    name: str
    label: str
    type: str
    field_type: str
    group_name: str = ""
    description: str = ""
    options: tuple[PropertyOption, ...] = ()
    display_order: int = -1
    has_unique_value: bool = False
    hidden: bool = False
    form_field: bool = True
    calculated: bool = False
    hubspot_defined: bool = False
    read_only_value: bool = False
    read_only_definition: bool = False
    archivable: bool = True
    archived: bool = False
    created_at: int | None = None
    updated_at: int | None = None
    archived_at: int | None = None
    extra: Mapping[str, object] = field(default_factory=dict)
    """Descriptive fields we store and return but never interpret (display hints...)."""


@dataclass(frozen=True, slots=True)
class PropertyGroup:
    name: str
    label: str
    display_order: int = -1
    archived: bool = False


@dataclass(frozen=True, slots=True)
class ObjectType:
    """A CRM object type: the data that makes the generic engine serve it."""

    type_id: str
    name: str
    singular: str
    error_label: str
    """The upper-case token HubSpot puts in messages, e.g. ``CALL``."""
    read_scope: str
    write_scope: str
    required_on_create: tuple[str, ...]
    default_properties: tuple[str, ...]
    search_query_properties: tuple[str, ...]
    not_filterable: tuple[str, ...]
    properties: Mapping[str, PropertyDefinition]
    aliases: tuple[str, ...] = ()
    derived: Mapping[str, str] = field(default_factory=dict)
    """Read-only property → the property whose plain-text preview it holds."""
    created_property: str = "hs_createdate"
    modified_property: str = "hs_lastmodifieddate"
    writable: bool = True
    """False for types HubSpot only lets apps read (feedback submissions): no token can hold
    their write scope."""
    groups: tuple[PropertyGroup, ...] = ()
    """The type's own property groups (built-in ones, or a custom type's first group)."""
    custom: bool = False
    """A portal's custom object type (``2-<n>``)."""

    @property
    def system_columns(self) -> Mapping[str, str]:
        """System property → the record column that holds it (not the property map)."""
        return {
            "hs_object_id": "id",
            self.created_property: "created_at",
            self.modified_property: "updated_at",
        }


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    value: str
    timestamp: int
    source_type: str
    source_id: str | None = None


@dataclass(frozen=True, slots=True)
class Record:
    """A stored record. ``properties`` holds normalised strings; unset names are absent."""

    id: int
    properties: Mapping[str, str]
    created_at: int
    updated_at: int
    archived: bool = False
    archived_at: int | None = None
    history: Mapping[str, tuple[HistoryEntry, ...]] | None = None


@dataclass(frozen=True, slots=True)
class UpdateInput:
    """One input of a PATCH or batch update, as the caller sent it (values not yet checked)."""

    id: str
    properties: Mapping[str, str]
    id_property: str | None = None
    object_write_trace_id: str | None = None


@dataclass(frozen=True, slots=True)
class CreateInput:
    properties: Mapping[str, str]
    object_write_trace_id: str | None = None
    associations: tuple[AssociationInput, ...] = ()


@dataclass(frozen=True, slots=True)
class AssociationInput:
    to_id: str
    types: tuple[tuple[str, int], ...]
    """(associationCategory, associationTypeId) pairs."""


@dataclass(frozen=True, slots=True)
class PropertyProblem:
    """Why one property value of an input was refused (HubSpot's per-property error)."""

    name: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class InputError:
    """A per-input failure inside a batch; becomes one ``StandardError`` of a 207."""

    category: str
    message: str
    context: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    problems: tuple[PropertyProblem, ...] = ()
    sub_category: str | None = None


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    """What a batch write produced; ``results`` and ``errors`` may both be non-empty."""

    results: tuple[Record, ...]
    errors: tuple[InputError, ...]
    requested_at: int
    started_at: int
    completed_at: int
    created_flags: Mapping[int, bool] = field(default_factory=dict)
    """For upserts: record id → whether it was created."""
    returned_properties: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    """Record id → the property names its result shows (defaults plus written ones)."""
    system_columns: Mapping[str, str] = field(default_factory=dict)
    """The object type's system properties (see ``ObjectType.system_columns``)."""
