"""HubSpot's Pipelines API v3 shapes, named after HubSpot's schemas."""

from __future__ import annotations

from typing import Annotated, Any

from msgspec import Meta, Struct

Order = Annotated[int, Meta(ge=-2147483648, le=2147483647)]
MetadataValue = str | int | float | bool


class PipelineStage(Struct, rename="camel", omit_defaults=True):
    id: str
    label: str
    display_order: int
    metadata: dict[str, str]
    created_at: str
    updated_at: str
    archived: bool
    write_permissions: str
    archived_at: str | None = None


class Pipeline(Struct, rename="camel", omit_defaults=True):
    id: str
    label: str
    display_order: int
    stages: list[PipelineStage]
    created_at: str
    updated_at: str
    archived: bool
    archived_at: str | None = None


class PipelineStageInput(Struct, rename="camel", forbid_unknown_fields=True):
    label: str
    display_order: Order
    metadata: dict[str, MetadataValue]
    stage_id: str | None = None


class PipelineStagePatchInput(Struct, rename="camel", forbid_unknown_fields=True):
    metadata: dict[str, MetadataValue] | None = None
    label: str | None = None
    display_order: Order | None = None
    archived: bool | None = None


class PipelineInput(Struct, rename="camel", forbid_unknown_fields=True):
    label: str
    display_order: Order
    stages: list[PipelineStageInput]
    pipeline_id: str | None = None


class PipelinePatchInput(Struct, rename="camel", forbid_unknown_fields=True):
    label: str | None = None
    display_order: Order | None = None
    archived: bool | None = None


class PublicAuditInfo(Struct, rename="camel", omit_defaults=True):
    identifier: str
    action: str
    portal_id: int
    timestamp: str
    raw_object: dict[str, Any]
    from_user_id: int | None = None
    message: str | None = None


class CollectionResponsePipelineNoPaging(Struct):
    results: list[Pipeline]


class CollectionResponsePipelineStageNoPaging(Struct):
    results: list[PipelineStage]


class CollectionResponsePublicAuditInfoNoPaging(Struct):
    results: list[PublicAuditInfo]
