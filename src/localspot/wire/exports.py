"""The Exports API v3's shapes, named after HubSpot's Exports OpenAPI schemas.

``PublicExportRequest`` is HubSpot's ``oneOf`` a view or a list export, told apart by
``exportType``; ``associatedObjectType`` is one type's name in the SDK's model and a list
in the OpenAPI file, so either is taken.
"""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct

from localspot.wire.errors import StandardError

Language = Literal[
    "EN", "DE", "ES", "FR", "JA", "NL", "PT_BR", "IT", "PL", "SV", "FI", "ZH_TW", "DA_DK", "NO"
]
Format = Literal["CSV", "XLSX", "XLS"]
InternalValues = Literal["NAMES", "VALUES"]
Associated = str | list[str]
Operator = Literal[
    "EQ",
    "NEQ",
    "LT",
    "LTE",
    "GT",
    "GTE",
    "BETWEEN",
    "IN",
    "NOT_IN",
    "HAS_PROPERTY",
    "NOT_HAS_PROPERTY",
    "CONTAINS_TOKEN",
    "NOT_CONTAINS_TOKEN",
]


class Filter(Struct, rename="camel", omit_defaults=True):
    property_name: str
    operator: Operator
    value: str | None = None
    high_value: str | None = None
    values: list[str] | None = None


class FilterGroup(Struct, rename="camel"):
    filters: list[Filter]


class PublicCrmSearchRequest(Struct, rename="camel", omit_defaults=True):
    filters: list[Filter] | None = None
    filter_groups: list[FilterGroup] | None = None
    query: str | None = None
    sorts: list[str] | None = None


class PublicExportViewRequest(
    Struct, rename="camel", omit_defaults=True, tag_field="exportType", tag="VIEW"
):
    export_name: Annotated[str, Meta(max_length=1000)]
    format: Format
    object_type: str
    object_properties: list[str]
    language: Language | None = None
    associated_object_type: Associated | None = None
    export_internal_values_options: list[InternalValues] | None = None
    include_labeled_associations: bool | None = None
    include_primary_display_property_for_associated_objects: bool | None = None
    override_associated_objects_per_definition_per_row_limit: bool | None = None
    public_crm_search_request: PublicCrmSearchRequest | None = None


class PublicExportListRequest(
    Struct, rename="camel", omit_defaults=True, tag_field="exportType", tag="LIST"
):
    export_name: Annotated[str, Meta(max_length=1000)]
    format: Format
    object_type: str
    object_properties: list[str]
    list_id: str
    language: Language | None = None
    associated_object_type: Associated | None = None
    export_internal_values_options: list[InternalValues] | None = None
    include_labeled_associations: bool | None = None
    include_primary_display_property_for_associated_objects: bool | None = None
    override_associated_objects_per_definition_per_row_limit: bool | None = None


PublicExportRequest = PublicExportViewRequest | PublicExportListRequest


class TaskLocator(Struct, omit_defaults=True):
    id: str
    links: dict[str, str] | None = None


class ActionResponseWithSingleResultURI(Struct, rename="camel", omit_defaults=True):
    completed_at: str
    started_at: str
    status: Literal["PENDING", "PROCESSING", "COMPLETE", "CANCELED"]
    requested_at: str | None = None
    result: str | None = None
    num_errors: int | None = None
    errors: list[StandardError] | None = None
    links: dict[str, str] | None = None


class PublicExportResponse(Struct, rename="camel", omit_defaults=True):
    created_at: str
    export_state: str
    export_type: str
    id: str
    object_properties: list[str]
    object_type: str
    updated_at: str
    export_name: str | None = None
    record_count: int | None = None
