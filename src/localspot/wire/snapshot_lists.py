"""The lists part of a portal snapshot (``PortalSnapshot.lists``, ``.list_folders``):
localspot's own shapes, like the rest of ``wire/admin.py``."""

from __future__ import annotations

from typing import Annotated, Any

from msgspec import Meta, Struct

RecordKey = Annotated[int, Meta(ge=1, le=2**63 - 1)]
TypeName = Annotated[str, Meta(min_length=1, max_length=32)]
ListKey = Annotated[int, Meta(ge=1, le=2**53)]
ListName = Annotated[str, Meta(min_length=1, max_length=255)]


class SnapshotListMember(Struct, rename="camel", forbid_unknown_fields=True):
    record_id: RecordKey
    added_at: int


class SnapshotList(Struct, rename="camel", forbid_unknown_fields=True):
    """A list (deleted ones too) and its members by record id; its size is theirs."""

    id: ListKey
    name: ListName
    object_type_id: TypeName
    processing_type: Annotated[str, Meta(pattern="^(MANUAL|SNAPSHOT|DYNAMIC)$")]
    processing_status: Annotated[str, Meta(min_length=1, max_length=16)]
    version: Annotated[int, Meta(ge=1, le=2**31 - 1)]
    created_at: int
    updated_at: int
    folder_id: Annotated[int, Meta(ge=0, le=2**53)] = 0
    filter_branch: dict[str, Any] | None = None
    filters_updated_at: int | None = None
    deleted_at: int | None = None
    legacy_id: ListKey | None = None
    last_added_at: int | None = None
    last_removed_at: int | None = None
    extra: dict[str, Any] = {}
    conversion: dict[str, Any] | None = None
    members: list[SnapshotListMember] = []


class SnapshotListFolder(Struct, rename="camel", forbid_unknown_fields=True):
    id: ListKey
    name: ListName
    parent_id: Annotated[int, Meta(ge=0, le=2**53)]
    created_at: int
    updated_at: int
    contents_updated_at: int
