"""HubSpot's calling extension shapes (``hubspot.crm.extensions.calling``), named after
HubSpot's schemas; the same at ``/crm/v3/extensions/calling`` and the dated path.

The request shapes take what the official SDK sends: only ``name`` and ``url`` are required
to create a calling extension (HubSpot's newer schema marks every field required; the SDK
sends only the fields a caller set).
"""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta, Struct

Dimension = Annotated[int, Meta(ge=1, le=2**31 - 1)]
"""Pixels of the calling iframe (int32, at least 1)."""
EngagementId = Annotated[int, Meta(ge=-(2**63), le=2**63 - 1)]


class SettingsRequest(Struct, rename="camel"):
    name: str
    url: str
    height: Dimension | None = None
    is_ready: bool | None = None
    supports_custom_objects: bool | None = None
    supports_inbound_calling: bool | None = None
    uses_calling_window: bool | None = None
    uses_remote: bool | None = None
    width: Dimension | None = None


class SettingsPatchRequest(Struct, rename="camel"):
    height: Dimension | None = None
    is_ready: bool | None = None
    name: str | None = None
    supports_custom_objects: bool | None = None
    supports_inbound_calling: bool | None = None
    url: str | None = None
    uses_calling_window: bool | None = None
    uses_remote: bool | None = None
    width: Dimension | None = None


class SettingsResponse(Struct, rename="camel"):
    created_at: str
    height: int
    is_ready: bool
    name: str
    supports_custom_objects: bool
    supports_inbound_calling: bool
    updated_at: str
    url: str
    uses_calling_window: bool
    uses_remote: bool
    width: int


class RecordingSettingsRequest(Struct, rename="camel"):
    url_to_retrieve_authed_recording: str


class RecordingSettingsPatchRequest(Struct, rename="camel"):
    url_to_retrieve_authed_recording: str | None = None


class RecordingSettingsResponse(Struct, rename="camel"):
    url_to_retrieve_authed_recording: str


class MarkRecordingAsReadyRequest(Struct, rename="camel"):
    engagement_id: EngagementId


class ChannelConnectionSettingsRequest(Struct, rename="camel"):
    is_ready: bool
    url: str


class ChannelConnectionSettingsPatchRequest(Struct, rename="camel"):
    is_ready: bool | None = None
    url: str | None = None


class ChannelConnectionSettingsResponse(Struct, rename="camel"):
    created_at: str
    is_ready: bool
    updated_at: str
    url: str
