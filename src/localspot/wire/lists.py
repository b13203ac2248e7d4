"""The Lists API v3's shapes, named after HubSpot's Lists OpenAPI schemas.

A filter branch is any JSON object on the wire: ``crm/list_filters.py`` judges it.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from msgspec import Meta, Struct, field

from localspot.wire.errors import StandardError

RecordIdText = Annotated[str, Meta(max_length=100)] | Annotated[int, Meta(ge=0, le=2**63 - 1)]
"""Record ids are strings on the wire; numbers are taken too."""
Int32 = Annotated[int, Meta(ge=-(2**31), le=2**31 - 1)]


class PublicListPermissions(Struct, rename="camel"):
    teams_with_edit_access: list[Int32]
    users_with_edit_access: list[Int32]


class PublicMembershipSettings(Struct, rename="camel"):
    """Both fields are always sent, ``null`` when unset (as HubSpot answers them)."""

    membership_team_id: Int32 | None = None
    include_unassigned: bool | None = None


class ListCreateRequest(Struct, rename="camel"):
    name: str
    object_type_id: str
    processing_type: str
    custom_properties: dict[str, str] | None = None
    filter_branch: dict[str, Any] | None = None
    list_folder_id: Int32 | None = None
    list_permissions: PublicListPermissions | None = None
    membership_settings: PublicMembershipSettings | None = None


class PublicObjectList(Struct, rename="camel", omit_defaults=True):
    list_id: str
    list_version: int
    name: str
    object_type_id: str
    processing_status: str
    processing_type: str
    created_at: str | None = None
    created_by_id: str | None = None
    deleted_at: str | None = None
    filter_branch: dict[str, Any] | None = None
    filters_updated_at: str | None = None
    list_permissions: PublicListPermissions | None = None
    membership_settings: PublicMembershipSettings | None = None
    size: int | None = None
    updated_at: str | None = None
    updated_by_id: str | None = None


class ListCreateResponse(Struct, rename="camel"):
    list_: PublicObjectList = field(name="list")


class ListFetchResponse(Struct, rename="camel"):
    list_: PublicObjectList = field(name="list")


class ListsByIdResponse(Struct, rename="camel"):
    lists: list[PublicObjectList]


class ListUpdateResponse(Struct, rename="camel", omit_defaults=True):
    updated_list: PublicObjectList | None = None


class ListFilterUpdateRequest(Struct, rename="camel"):
    filter_branch: dict[str, Any]


class ListSearchRequest(Struct, rename="camel"):
    additional_properties: list[str] = []
    offset: Int32 = 0
    count: Int32 | None = None
    list_ids: list[str] | None = None
    object_type_id: str | None = None
    processing_types: list[str] | None = None
    query: str | None = None
    sort: str | None = None


class PublicObjectListSearchResult(Struct, rename="camel", omit_defaults=True):
    additional_properties: dict[str, str]
    list_id: str
    list_version: int
    name: str
    object_type_id: str
    processing_status: str
    processing_type: str
    created_at: str | None = None
    created_by_id: str | None = None
    deleted_at: str | None = None
    filters_updated_at: str | None = None
    updated_at: str | None = None
    updated_by_id: str | None = None


class ListSearchResponse(Struct, rename="camel"):
    has_more: bool
    lists: list[PublicObjectListSearchResult]
    offset: int
    total: int


class MembershipChangeRequest(Struct, rename="camel"):
    record_ids_to_add: list[RecordIdText]
    record_ids_to_remove: list[RecordIdText]


class MembershipsUpdateResponse(Struct, rename="camel"):
    """HubSpot spells the added ids ``recordsIdsAdded`` (its OpenAPI file and SDKs too)."""

    record_ids_missing: list[str]
    record_ids_removed: list[str]
    records_ids_added: list[str]


class JoinTimeAndRecordId(Struct, rename="camel"):
    membership_timestamp: str
    record_id: str


class NextPage(Struct, rename="camel", omit_defaults=True):
    after: str
    link: str | None = None


class PreviousPage(Struct, rename="camel", omit_defaults=True):
    before: str
    link: str | None = None


class Paging(Struct, rename="camel", omit_defaults=True):
    next: NextPage | None = None
    prev: PreviousPage | None = None


class ApiCollectionResponseJoinTimeAndRecordId(Struct, rename="camel", omit_defaults=True):
    results: list[JoinTimeAndRecordId]
    paging: Paging | None = None
    total: int | None = None


class RecordListMembership(Struct, rename="camel", omit_defaults=True):
    list_id: str
    list_version: int
    first_added_timestamp: str
    last_added_timestamp: str
    is_public_list: bool | None = None


class ApiCollectionResponseRecordListMembership(Struct, rename="camel", omit_defaults=True):
    results: list[RecordListMembership]
    total: int | None = None


class RecordIdInput(Struct, rename="camel"):
    object_type_id: str
    record_id: str


class BatchInputRecordIdInput(Struct, rename="camel"):
    inputs: list[RecordIdInput]


class RecordIdWithMemberships(Struct, rename="camel"):
    object_type_id: str
    record_id: str
    record_list_memberships: list[RecordListMembership]


class BatchResponseRecordIdWithMemberships(Struct, rename="camel", omit_defaults=True):
    status: str
    results: list[RecordIdWithMemberships]
    started_at: str
    completed_at: str
    requested_at: str | None = None
    links: dict[str, str] | None = None


class BatchResponseRecordIdWithMembershipsWithErrors(BatchResponseRecordIdWithMemberships):
    num_errors: int = 0
    errors: list[StandardError] = []


IdText = str | Annotated[int, Meta(ge=0, le=2**63 - 1)]
"""A list or folder id: a string on the wire; a number is taken too."""


class ListFolderCreateRequest(Struct, rename="camel"):
    name: str
    parent_folder_id: IdText | None = None


class PublicListFolder(Struct, rename="camel", omit_defaults=True):
    id: str
    parent_folder_id: str
    child_lists: list[int]
    child_nodes: list[PublicListFolder]
    name: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    updated_contents_at: str | None = None
    user_id: int | None = None


class ListFolderCreateResponse(Struct, rename="camel"):
    folder: PublicListFolder


class ListFolderFetchResponse(Struct, rename="camel"):
    folder: PublicListFolder


class ListMoveRequest(Struct, rename="camel"):
    list_id: IdText
    new_folder_id: IdText


class PublicMigrationMapping(Struct, rename="camel"):
    legacy_list_id: str
    list_id: str


class PublicBatchMigrationMapping(Struct, rename="camel"):
    legacy_list_ids_to_ids_mapping: list[PublicMigrationMapping]
    missing_legacy_list_ids: list[str]


class PublicListConversionDate(
    Struct, rename="camel", omit_defaults=True, tag_field="conversionType", tag="CONVERSION_DATE"
):
    """Convert on a day (at 00:00 UTC)."""

    day: Int32
    month: Int32
    year: Int32


class PublicListConversionInactivity(
    Struct, rename="camel", omit_defaults=True, tag_field="conversionType", tag="INACTIVITY"
):
    """Convert once the memberships have not changed for ``offset`` ``timeUnit``s."""

    offset: Int32
    time_unit: Literal["DAY", "MONTH", "WEEK"]


PublicListConversionTime = PublicListConversionDate | PublicListConversionInactivity


class PublicListConversionResponse(Struct, rename="camel", omit_defaults=True):
    list_id: str
    converted_at: str | None = None
    requested_conversion_time: PublicListConversionTime | None = None


class ListSizeDataPoint(Struct, rename="camel"):
    size: int
    timestamp: str


class ListSizeAndEditHistoryResponse(Struct, rename="camel"):
    edit_history: list[str]
    size_history: list[ListSizeDataPoint]
