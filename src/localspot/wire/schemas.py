"""Shapes of the Schemas API (``/crm-object-schemas/v3/schemas``), named after HubSpot's
OpenAPI schemas of the same name."""

from __future__ import annotations

from msgspec import Struct, field

from localspot.wire.properties import OptionInput, Property


class ObjectTypeDefinitionLabels(Struct, rename="camel", omit_defaults=True):
    singular: str | None = None
    plural: str | None = None


class ObjectTypePropertyCreate(Struct, rename="camel", omit_defaults=True):
    name: str
    label: str
    type: str
    field_type: str
    group_name: str | None = None
    description: str | None = None
    options: list[OptionInput] = field(default_factory=list)
    display_order: int | None = None
    has_unique_value: bool = False
    hidden: bool = False
    form_field: bool = True
    referenced_object_type: str | None = None
    searchable_in_global_search: bool | None = None
    number_display_hint: str | None = None
    text_display_hint: str | None = None
    option_sort_strategy: str | None = None
    show_currency_symbol: bool | None = None
    external_options_reference_type: str | None = None


class ObjectSchemaEgg(Struct, rename="camel", omit_defaults=True):
    name: str
    labels: ObjectTypeDefinitionLabels
    properties: list[ObjectTypePropertyCreate]
    required_properties: list[str]
    associated_objects: list[str]
    description: str | None = None
    primary_display_property: str | None = None
    secondary_display_properties: list[str] = field(default_factory=list)
    searchable_properties: list[str] = field(default_factory=list)
    allows_sensitive_properties: bool | None = None
    should_create_same_object_association: bool | None = None


class ObjectTypeDefinitionPatch(Struct, rename="camel", omit_defaults=True):
    labels: ObjectTypeDefinitionLabels | None = None
    description: str | None = None
    clear_description: bool | None = None
    primary_display_property: str | None = None
    secondary_display_properties: list[str] | None = None
    searchable_properties: list[str] | None = None
    required_properties: list[str] | None = None
    allows_sensitive_properties: bool | None = None
    restorable: bool | None = None


class AssociationDefinitionEgg(Struct, rename="camel", omit_defaults=True):
    from_object_type_id: str
    to_object_type_id: str
    name: str | None = None


class AssociationDefinition(Struct, rename="camel", omit_defaults=True):
    from_object_type_id: str
    to_object_type_id: str
    id: str
    name: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


class ObjectSchema(Struct, rename="camel", omit_defaults=True):
    id: str
    object_type_id: str
    name: str
    fully_qualified_name: str
    labels: ObjectTypeDefinitionLabels
    required_properties: list[str]
    searchable_properties: list[str]
    secondary_display_properties: list[str]
    properties: list[Property]
    associations: list[AssociationDefinition]
    archived: bool
    created_at: str | None = None
    """Audit metadata: left out of a batch read that doesn't ask for it."""
    updated_at: str | None = None
    primary_display_property: str | None = None
    description: str | None = None


class ObjectSchemaBatchReadRequest(Struct, rename="camel"):
    inputs: list[str]
    """Object type identifiers, as ``GET /schemas/{objectType}`` takes them."""
    include_property_definitions: bool
    include_association_definitions: bool
    include_audit_metadata: bool


class ObjectTypeDefinition(Struct, rename="camel", omit_defaults=True):
    id: str
    object_type_id: str
    name: str
    fully_qualified_name: str
    labels: ObjectTypeDefinitionLabels
    required_properties: list[str]
    searchable_properties: list[str]
    secondary_display_properties: list[str]
    portal_id: int
    archived: bool
    created_at: str
    updated_at: str
    primary_display_property: str | None = None
    description: str | None = None


class CollectionResponseObjectSchemaNoPaging(Struct):
    results: list[ObjectSchema]
