"""HubSpot's calling extension shapes (``hubspot.crm.extensions.calling``), named after
HubSpot's schemas; the same at ``/crm/v3/extensions/calling`` and the dated path.

The request shapes take what the official SDK sends: only ``name`` and ``url`` are required
to create a calling extension (HubSpot's newer schema marks every field required; the SDK
sends only the fields a caller set).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from msgspec import Meta, Struct

Dimension = Annotated[int, Meta(ge=1, le=2**31 - 1)]
"""Pixels of the calling iframe (int32, at least 1)."""
EngagementId = Annotated[int, Meta(ge=-(2**63), le=2**63 - 1)]
Int32 = Annotated[int, Meta(ge=-(2**31), le=2**31 - 1)]
Seconds = Annotated[int, Meta(ge=0, le=2**31 - 1)]
"""A call's duration: int32, and never negative."""
FinalCallStatus = Literal[
    "BUSY", "CALLING_CRM_USER", "CANCELED", "COMPLETED", "CONNECTING", "FAILED", "HOLD",
    "IN_PROGRESS", "MISSED", "NO_ANSWER", "QUEUED", "RINGING", "UNKNOWN",
]  # fmt: skip
PhoneNumberType = Literal[
    "FIXED_LINE", "FIXED_LINE_OR_MOBILE", "MOBILE", "PAGER", "PERSONAL_NUMBER", "PREMIUM_RATE",
    "SHARED_COST", "TOLL_FREE", "UAN", "UNKNOWN", "VOICEMAIL", "VOIP",
]  # fmt: skip


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


class FormattedPhoneNumber(Struct, rename="camel"):
    e164_number: str
    phone_number_type: PhoneNumberType
    extension: str | None = None


class CompletedThirdPartyCallRequest(Struct, rename="camel"):
    create_engagement: bool
    engagement_properties: dict[str, str]
    external_call_id: str
    final_call_status: FinalCallStatus
    from_number: FormattedPhoneNumber
    potential_recipient_user_ids: list[Int32]
    to_number: FormattedPhoneNumber
    call_started_timestamp: datetime | None = None
    duration_seconds: Seconds | None = None
    user_id: Int32 | None = None


class ObjectCoordinates(Struct, rename="camel"):
    object_id: int
    object_type_id: str
    portal_id: int


class ContactCallerId(
    Struct, rename="camel", omit_defaults=True, tag_field="callerIdType", tag="CONTACT"
):
    object_coordinates: ObjectCoordinates
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None


class CompanyCallerId(
    Struct, rename="camel", omit_defaults=True, tag_field="callerIdType", tag="COMPANY"
):
    object_coordinates: ObjectCoordinates
    name: str | None = None


class CompletedThirdPartyCallResponse(Struct, rename="camel"):
    caller_id_matches: list[ContactCallerId | CompanyCallerId]
