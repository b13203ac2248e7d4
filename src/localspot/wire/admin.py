"""The admin API's shapes (``/_localspot/``): portals, snapshots, time, faults and the journal.

These are localspot's own, not HubSpot's; only ``RateLimitError`` mirrors a HubSpot body.
Inputs refuse unknown fields, so a misspelt option is an error rather than silently ignored.
"""

from __future__ import annotations

from typing import Annotated, Any

from msgspec import Meta, Struct

from localspot.wire.snapshot_lists import SnapshotList, SnapshotListFolder
from localspot.wire.snapshot_timeline import SnapshotTimelineEvent

SNAPSHOT_FORMAT = "localspot-snapshot/1"
RecordKey = Annotated[int, Meta(ge=1, le=2**63 - 1)]
TypeName = Annotated[str, Meta(min_length=1, max_length=32)]


class PortalCreateRequest(Struct, rename="camel", forbid_unknown_fields=True):
    name: str = "Portal"
    tier: str = "free"
    timezone: str = "UTC"
    with_token: bool = False
    """Also create a private-app token for the portal (all scopes unless ``scopes``)."""
    scopes: list[str] | None = None


class PortalCreated(Struct, rename="camel", omit_defaults=True):
    id: int
    token: str | None = None


class PortalResetRequest(Struct, rename="camel", forbid_unknown_fields=True):
    keep_custom_properties: bool = False


class IdSeedRequest(Struct, rename="camel", forbid_unknown_fields=True):
    seed: int | None
    """New record ids come from this seed's sequence; null goes back to the database's."""


class TimeState(Struct, rename="camel"):
    now: str
    now_ms: int
    frozen: bool
    offset_ms: int


class TimeFreezeRequest(Struct, rename="camel", forbid_unknown_fields=True):
    at: int | str | None = None
    """Epoch milliseconds or ISO-8601; default: now."""


class TimeAdvanceRequest(Struct, rename="camel", forbid_unknown_fields=True):
    ms: int


class FaultRuleInput(Struct, rename="camel", forbid_unknown_fields=True):
    method: str | None = None
    path: str = "*"
    """A glob over the request path: ``*`` matches any characters, ``/`` included."""
    body_contains: str | None = None
    status: int | None = None
    """423, 429, 477, 500, 502, 503 or 504; without it the rule only adds latency."""
    policy: str = "TEN_SECONDLY_ROLLING"
    """For 429: TEN_SECONDLY_ROLLING, DAILY or SECONDLY."""
    retry_after: int = 1
    """For 477: the ``Retry-After`` header, in seconds."""
    message: str | None = None
    latency_ms: int = 0
    nth: int | None = None
    """Fire on the nth matching request only (1 is the first)."""
    fraction: float | None = None
    """Fire on this share of matching requests, drawn from ``seed``."""
    seed: int = 0
    times: int | None = None
    """Expire after firing this many times (default: never; with ``nth``, once)."""


class FaultRule(Struct, rename="camel"):
    id: str
    method: str | None
    path: str
    body_contains: str | None
    status: int | None
    policy: str
    retry_after: int
    message: str | None
    latency_ms: int
    nth: int | None
    fraction: float | None
    seed: int
    times: int | None
    matched: int
    fired: int


class FaultRuleCollection(Struct, rename="camel"):
    results: list[FaultRule]


class RateLimitError(Struct, rename="camel"):
    """HubSpot's 429 body, field for field and in its order."""

    status: str
    message: str
    error_type: str
    correlation_id: str
    policy_name: str
    category: str


class JournalEntry(Struct, rename="camel"):
    id: int
    at: str
    method: str
    path: str
    query: str
    status: int
    request_body: Any
    response_body: Any
    correlation_id: str | None
    duration_ms: float


class JournalCollection(Struct, rename="camel"):
    results: list[JournalEntry]
    retained_bytes: int = 0
    """What the portal's entries take in the journal (bodies, paths, queries, overhead)."""
    retained_bytes_all_portals: int = 0
    """The same for every portal of this server process."""


class SnapshotHistoryEntry(Struct, rename="camel"):
    name: str
    value: str
    timestamp: int
    source_type: str
    source_id: str | None = None


class SnapshotRecord(Struct, rename="camel"):
    id: str
    created_at: int
    updated_at: int
    properties: dict[str, str]
    archived: bool = False
    archived_at: int | None = None
    history: list[SnapshotHistoryEntry] = []


class SnapshotOption(Struct, rename="camel"):
    label: str
    value: str
    hidden: bool = False
    description: str = ""
    display_order: int = -1


class SnapshotProperty(Struct, rename="camel"):
    name: str
    label: str
    type: str
    field_type: str
    group_name: str = ""
    description: str = ""
    options: list[SnapshotOption] = []
    display_order: int = -1
    has_unique_value: bool = False
    hidden: bool = False
    form_field: bool = True
    calculated: bool = False
    hubspot_defined: bool = False
    read_only_value: bool = False
    read_only_definition: bool = False
    archivable: bool = True
    archived: bool = False
    created_at: int | None = None
    updated_at: int | None = None
    archived_at: int | None = None
    extra: dict[str, Any] = {}


class SnapshotGroup(Struct, rename="camel"):
    name: str
    label: str
    display_order: int = -1


class SnapshotObjectType(Struct, rename="camel"):
    properties: list[SnapshotProperty] = []
    groups: list[SnapshotGroup] = []
    records: list[SnapshotRecord] = []


class SnapshotPortal(Struct, rename="camel"):
    name: str
    tier: str = "free"
    timezone: str = "UTC"


class SnapshotIdSequence(Struct, rename="camel"):
    seed: int
    next_position: int = 1


class SnapshotAssociation(Struct, forbid_unknown_fields=True):
    """One row of the associations table, named as its columns (one row per direction)."""

    from_type: TypeName
    from_id: RecordKey
    to_type: TypeName
    to_id: RecordKey
    type_id: Annotated[int, Meta(ge=-(2**31), le=2**31 - 1)]
    category: TypeName


class SnapshotOwner(Struct, rename="camel", forbid_unknown_fields=True):
    id: RecordKey
    user_id: RecordKey
    email: Annotated[str, Meta(min_length=3, max_length=254)]
    created_at: int
    updated_at: int
    first_name: Annotated[str, Meta(max_length=100)] = ""
    last_name: Annotated[str, Meta(max_length=100)] = ""
    archived: bool = False


class OwnerCreateRequest(Struct, rename="camel", forbid_unknown_fields=True):
    email: str
    first_name: str = ""
    last_name: str = ""


class AdminOwner(Struct, rename="camel"):
    """An owner as the operator sees it (the CRM routes answer with HubSpot's
    ``PublicOwner``)."""

    id: str
    user_id: int
    email: str
    first_name: str
    last_name: str
    created_at: str
    updated_at: str
    archived: bool


class AdminOwnerCollection(Struct, rename="camel"):
    results: list[AdminOwner]


PipelineKey = Annotated[str, Meta(min_length=1, max_length=64)]
PipelineLabel = Annotated[str, Meta(min_length=1, max_length=255)]


class SnapshotStage(Struct, rename="camel", forbid_unknown_fields=True):
    id: PipelineKey
    label: PipelineLabel
    display_order: Annotated[int, Meta(ge=-2147483648, le=2147483647)]
    metadata: dict[Annotated[str, Meta(max_length=100)], Annotated[str, Meta(max_length=255)]]
    created_at: int
    updated_at: int
    archived: bool = False
    archived_at: int | None = None
    write_permissions: Annotated[str, Meta(max_length=40)] = "CRM_PERMISSIONS_ENFORCEMENT"


class SnapshotPipeline(Struct, rename="camel", forbid_unknown_fields=True):
    object_type: TypeName
    id: PipelineKey
    label: PipelineLabel
    display_order: Annotated[int, Meta(ge=-2147483648, le=2147483647)]
    created_at: int
    updated_at: int
    stages: list[SnapshotStage]
    archived: bool = False
    archived_at: int | None = None


class SnapshotTeam(Struct, rename="camel", forbid_unknown_fields=True):
    id: RecordKey
    name: Annotated[str, Meta(min_length=1, max_length=100)]
    created_at: int
    updated_at: int
    archived: bool = False


class SnapshotTeamMember(Struct, rename="camel", forbid_unknown_fields=True):
    owner_id: RecordKey
    team_id: RecordKey
    primary: bool = False


class TeamCreateRequest(Struct, rename="camel", forbid_unknown_fields=True):
    name: str


class TeamMemberRequest(Struct, rename="camel", forbid_unknown_fields=True):
    owner_id: RecordKey
    primary: bool | None = None
    """True: the owner's primary team; False: an additional team; absent: primary when the
    owner is on no team yet (and unchanged when already on this one)."""


class AdminTeamMember(Struct, rename="camel"):
    owner_id: str
    primary: bool


class AdminTeam(Struct, rename="camel"):
    id: str
    name: str
    created_at: str
    updated_at: str
    archived: bool
    members: list[AdminTeamMember]
    """Owners on the team, by owner id (an archived team has none)."""


class AdminTeamCollection(Struct, rename="camel"):
    results: list[AdminTeam]


class SnapshotSchema(Struct, rename="camel", forbid_unknown_fields=True):
    """A custom object type (``2-<number>``)."""

    number: Annotated[int, Meta(ge=1, le=2**53)]
    name: Annotated[str, Meta(min_length=1, max_length=100)]
    singular: str
    plural: str
    created_at: int
    updated_at: int
    description: str | None = None
    primary_display_property: str | None = None
    secondary_display_properties: list[str] = []
    searchable_properties: list[str] = []
    required_properties: list[str] = []
    archived: bool = False
    archived_at: int | None = None


class SnapshotAssociationDefinition(Struct, rename="camel", forbid_unknown_fields=True):
    """One direction of a portal's own association type."""

    type_id: Annotated[int, Meta(ge=1, le=2**31 - 1)]
    from_type: Annotated[str, Meta(min_length=1, max_length=32)]
    to_type: Annotated[str, Meta(min_length=1, max_length=32)]
    name: Annotated[str, Meta(max_length=255)]
    category: Annotated[str, Meta(min_length=1, max_length=32)]
    inverse_type_id: Annotated[int, Meta(ge=1, le=2**31 - 1)]
    created_at: int
    updated_at: int
    label: Annotated[str, Meta(max_length=255)] | None = None


class SnapshotDealSplit(Struct, rename="camel", forbid_unknown_fields=True):
    id: RecordKey
    deal_id: RecordKey
    owner_id: RecordKey
    percentage: Annotated[str, Meta(min_length=1, max_length=40, pattern="^[0-9.]+$")]
    created_at: int
    updated_at: int


class SnapshotAssociationLimit(Struct, rename="camel", forbid_unknown_fields=True):
    """One association limit of the portal."""

    from_type: Annotated[str, Meta(min_length=1, max_length=32)]
    to_type: Annotated[str, Meta(min_length=1, max_length=32)]
    type_id: Annotated[int, Meta(ge=1, le=2**31 - 1)]
    category: Annotated[str, Meta(min_length=1, max_length=32)]
    max_to_object_ids: Annotated[int, Meta(ge=1, le=2**31 - 1)]
    created_at: int
    updated_at: int


class PortalSnapshot(Struct, rename="camel"):
    """A whole portal; encoded with sorted keys, records by id, so equal states give equal
    bytes."""

    format: str
    portal: SnapshotPortal
    object_types: dict[str, SnapshotObjectType]
    id_sequence: SnapshotIdSequence | None = None
    associations: list[SnapshotAssociation] = []
    owners: list[SnapshotOwner] = []
    """Absent from snapshots taken before owners existed: those restore with none."""
    pipelines: list[SnapshotPipeline] = []
    """Absent from snapshots taken before pipelines existed: those restore the defaults."""
    teams: list[SnapshotTeam] = []
    team_members: list[SnapshotTeamMember] = []
    """Both absent from snapshots taken before teams existed: those restore with none."""
    schemas: list[SnapshotSchema] = []
    association_definitions: list[SnapshotAssociationDefinition] = []
    """Both absent from snapshots taken before custom objects existed: none then."""
    deal_splits: list[SnapshotDealSplit] = []
    """Absent from snapshots taken before deal splits existed: those restore with none."""
    association_limits: list[SnapshotAssociationLimit] = []
    """Absent from snapshots taken before association limits existed: none then."""
    lists: list[SnapshotList] = []
    list_folders: list[SnapshotListFolder] = []
    """Both absent from snapshots taken before lists existed: none then."""
    installed_apps: list[int] = []
    """The ids of the developer apps installed in the portal (absent: none)."""
    timeline_events: list[SnapshotTimelineEvent] = []
    """The portal's timeline events (absent: none)."""
