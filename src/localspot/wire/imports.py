"""The Imports API v3's shapes, named after HubSpot's Imports OpenAPI schemas.

The request is a multipart form (``importRequest``: the JSON text; ``files``: the files),
read as a stream by ``http/uploads.py``: no Struct decodes it.
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct


class PublicObjectListRecord(Struct, rename="camel"):
    list_id: str
    object_type: str


class PublicImportMetadata(Struct, rename="camel"):
    counters: dict[str, int]
    file_ids: list[str]
    object_lists: list[PublicObjectListRecord]


class PublicImportResponse(Struct, rename="camel", omit_defaults=True):
    created_at: str
    id: str
    mapped_object_type_ids: list[str]
    metadata: PublicImportMetadata
    opt_out_import: bool
    state: str
    updated_at: str
    import_name: str | None = None
    import_request_json: dict[str, Any] | None = None
    import_source: str | None = None


class NextPage(Struct, rename="camel", omit_defaults=True):
    after: str
    link: str | None = None


class ForwardPaging(Struct, rename="camel", omit_defaults=True):
    next: NextPage | None = None


class CollectionResponsePublicImportResponseForwardPaging(Struct, omit_defaults=True):
    results: list[PublicImportResponse]
    paging: ForwardPaging | None = None


class ActionResponse(Struct, rename="camel", omit_defaults=True):
    completed_at: str
    started_at: str
    status: str
    requested_at: str | None = None
    links: dict[str, str] | None = None


class ImportRowCore(Struct, rename="camel", omit_defaults=True):
    row_data: list[str]
    contains_encrypted_properties: bool
    line_number: int
    file_id: int
    additional_row_data: list[str]
    page_name: str | None = None


class PublicImportError(Struct, rename="camel", omit_defaults=True):
    created_at: int
    error_type: str
    id: str
    source_data: ImportRowCore
    error_message: str | None = None
    extra_context: str | None = None
    invalid_value: str | None = None
    invalid_value_to_display: str | None = None
    known_column_number: int | None = None
    object_type: str | None = None
    object_type_id: str | None = None


class CollectionResponsePublicImportErrorForwardPaging(Struct, omit_defaults=True):
    results: list[PublicImportError]
    paging: ForwardPaging | None = None
