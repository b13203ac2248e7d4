"""Property and property-group shapes of ``/crm/v3/properties``, named after HubSpot's schemas."""

from __future__ import annotations

from msgspec import Struct, field

from localspot.wire.errors import StandardError


class OptionInput(Struct, rename="camel", omit_defaults=True):
    label: str
    value: str
    hidden: bool = False
    description: str | None = None
    display_order: int | None = None


class Option(Struct, rename="camel"):
    label: str
    value: str
    hidden: bool
    display_order: int
    description: str = ""


class PropertyModificationMetadata(Struct, rename="camel"):
    archivable: bool
    read_only_definition: bool
    read_only_value: bool


class Property(Struct, rename="camel", omit_defaults=True):
    name: str
    label: str
    type: str
    field_type: str
    description: str
    group_name: str
    options: list[Option]
    display_order: int
    calculated: bool
    external_options: bool
    has_unique_value: bool
    hidden: bool
    hubspot_defined: bool
    modification_metadata: PropertyModificationMetadata
    form_field: bool
    archived: bool
    created_at: str | None = None
    updated_at: str | None = None
    archived_at: str | None = None
    referenced_object_type: str | None = None


class PropertyCreate(Struct, rename="camel"):
    name: str
    label: str
    type: str
    field_type: str
    group_name: str
    description: str = ""
    options: list[OptionInput] = field(default_factory=list)
    display_order: int = -1
    has_unique_value: bool = False
    hidden: bool = False
    form_field: bool = True
    external_options: bool = False
    referenced_object_type: str | None = None
    calculation_formula: str | None = None


class PropertyUpdate(Struct, rename="camel", omit_defaults=True):
    label: str | None = None
    type: str | None = None
    field_type: str | None = None
    group_name: str | None = None
    description: str | None = None
    options: list[OptionInput] | None = None
    display_order: int | None = None
    hidden: bool | None = None
    form_field: bool | None = None
    has_unique_value: bool | None = None
    calculation_formula: str | None = None


class CollectionResponsePropertyNoPaging(Struct):
    results: list[Property]


class PropertyName(Struct):
    name: str


class BatchInputPropertyCreate(Struct):
    inputs: list[PropertyCreate]


class BatchReadInputPropertyName(Struct, rename="camel"):
    inputs: list[PropertyName]
    archived: bool = False
    data_sensitivity: str | None = None


class BatchInputPropertyName(Struct):
    inputs: list[PropertyName]


class BatchResponseProperty(Struct, rename="camel", omit_defaults=True):
    status: str
    results: list[Property]
    started_at: str
    completed_at: str
    requested_at: str | None = None
    links: dict[str, str] = field(default_factory=dict)


class BatchResponsePropertyWithErrors(BatchResponseProperty):
    num_errors: int = 0
    errors: list[StandardError] = field(default_factory=list)


class PropertyGroup(Struct, rename="camel"):
    name: str
    label: str
    display_order: int
    archived: bool


class PropertyGroupCreate(Struct, rename="camel"):
    name: str
    label: str
    display_order: int = -1


class PropertyGroupUpdate(Struct, rename="camel", omit_defaults=True):
    label: str | None = None
    display_order: int | None = None


class CollectionResponsePropertyGroupNoPaging(Struct):
    results: list[PropertyGroup]
