"""The timeline part of a portal snapshot (``PortalSnapshot.timelineEvents``): localspot's
own shapes, like the rest of ``wire/admin.py``. Templates belong to apps, outside any portal,
so a snapshot holds only the portal's events; a restore leaves out those whose template the
server lacks."""

from __future__ import annotations

from typing import Annotated, Any

from msgspec import Meta, Struct

RecordKey = Annotated[int, Meta(ge=1, le=2**63 - 1)]


class SnapshotEventIFrame(Struct, rename="camel", forbid_unknown_fields=True):
    link_label: str
    header_label: str
    url: str
    width: int
    height: int


class SnapshotTimelineEvent(Struct, rename="camel", forbid_unknown_fields=True):
    template_id: RecordKey
    id: Annotated[str, Meta(min_length=1, max_length=255)]
    object_type: Annotated[str, Meta(pattern="^(contacts|companies|deals|tickets)$")]
    object_id: RecordKey
    tokens: dict[str, str]
    timestamp: int
    created_at: int
    extra_data: dict[str, Any] | None = None
    iframe: SnapshotEventIFrame | None = None
    email: str | None = None
    utk: str | None = None
    domain: str | None = None
