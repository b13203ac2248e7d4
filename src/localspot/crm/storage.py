"""The Store interface the domain writes against, and the value types that cross it.

Rules every implementation keeps:

1. each write method is one transaction: all of it is written, or none of it;
2. facts are reported as return values (ids missing or archived, unique values held by
   another record); the domain decides which HubSpot error they become;
3. no ``HubSpotError`` is raised here: a store knows nothing of HTTP or HubSpot's bodies.

Times are epoch milliseconds. Property values cross as normalised strings; in a change,
``""`` means "clear this value".
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Protocol

from localspot.crm.model import HistoryEntry, PropertyDefinition, PropertyGroup, Record

if TYPE_CHECKING:
    from localspot.crm.search import SearchQuery


class StoreRejected(Exception):
    """The database refused a value it cannot hold (too long, a NUL character...): the
    transaction was rolled back and nothing was written."""


PropertyCreated = Literal["created", "name_taken", "too_many_unique"]
"""What ``create_properties`` did with one property: wrote it, found the name taken, or
found the type already holding its most unique-value properties."""


@dataclass(frozen=True, slots=True)
class NewToken:
    """A token to store: its digest and what it may do."""

    token_hash: str
    scopes: tuple[str, ...]
    kind: str = "private_app"
    expires_in_ms: int | None = None


@dataclass(frozen=True, slots=True)
class TokenGrant:
    portal_id: int
    scopes: frozenset[str]
    kind: str = "private_app"
    expires_at: int | None = None
    revoked: bool = False
    tier: str = "free"
    timezone: str = "UTC"


IndexEntry = tuple[float | None, str | None, tuple[str, ...]]
"""One search-index entry of a value: (number, string, its words); see ``crm/search.py``."""
IndexValues = Mapping[str, tuple[IndexEntry, ...]]
"""Property name → its search-index entries, computed by the domain."""


@dataclass(frozen=True, slots=True)
class Link:
    """One direction of an association between two records (the store keeps both)."""

    from_type: str
    from_id: int
    to_type: str
    to_id: int
    type_id: int
    category: str


@dataclass(frozen=True, slots=True)
class Unlink:
    """Links to remove: from ``from_id`` to (``to_type``, ``to_id``), of the given type ids
    (None: of every type). One direction; the domain passes both."""

    from_id: int
    to_type: str
    to_id: int
    type_ids: frozenset[int] | None = None


@dataclass(frozen=True, slots=True)
class LinkTarget:
    """An inline association of a record being created, with the type ids of both
    directions (the record's own id is not known yet)."""

    to_type: str
    to_id: int
    type_id: int
    reverse_type_id: int
    category: str


@dataclass(frozen=True, slots=True)
class NewRecord:
    properties: Mapping[str, str]
    unique_names: frozenset[str] = frozenset()
    """Which of ``properties`` are unique-value properties (claimed in the unique index)."""
    source_id: str | None = None
    links: tuple[LinkTarget, ...] = ()
    """Inline associations, written with the record when it is created."""


@dataclass(frozen=True, slots=True)
class RecordChange:
    object_id: int
    values: Mapping[str, str]
    unique_names: frozenset[str] = frozenset()
    source_id: str | None = None


@dataclass(frozen=True, slots=True)
class UniqueClash:
    """A unique value that another record of the portal already holds."""

    property_name: str
    value: str
    holder_id: int


@dataclass(frozen=True, slots=True)
class InsertResult:
    records: Mapping[int, Record]
    """Input position → the created record (positions with a clash are absent)."""
    clashes: Mapping[int, UniqueClash] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class UpdateResult:
    records: Mapping[int, Record]
    """Record id → the record after the change."""
    missing: frozenset[int] = frozenset()
    clashes: Mapping[int, UniqueClash] = field(default_factory=dict)
    """Record id → the clash that kept its change from being written."""


@dataclass(frozen=True, slots=True)
class RecordPage:
    records: tuple[Record, ...]
    next_after: int | None


@dataclass(frozen=True, slots=True)
class SearchPage:
    total: int
    records: tuple[Record, ...]


@dataclass(frozen=True, slots=True)
class RecordDump:
    """One record as a portal snapshot holds it: every column, its history oldest first."""

    type_id: str
    id: int
    properties: Mapping[str, str]
    created_at: int
    updated_at: int
    archived: bool = False
    archived_at: int | None = None
    history: tuple[tuple[str, HistoryEntry], ...] = ()
    unique_names: frozenset[str] = frozenset()
    """Filled by the domain on restore: the values to claim in the unique index."""


AssociationRow = Mapping[str, int | str | float | bool | None]
"""A row of the ``associations`` table (when that table exists), without ``portal_id``."""


@dataclass(frozen=True, slots=True)
class PortalDump:
    """Everything a portal holds apart from its tokens: what snapshot and restore move."""

    name: str
    tier: str = "free"
    timezone: str = "UTC"
    records: tuple[RecordDump, ...] = ()
    properties: tuple[tuple[str, PropertyDefinition], ...] = ()
    """(type id, custom property definition), archived ones included."""
    groups: tuple[tuple[str, PropertyGroup], ...] = ()
    associations: tuple[AssociationRow, ...] = ()
    id_seed: int | None = None
    next_id_position: int = 1
    """Where the seeded id sequence continues (see ``set_id_seed``)."""


@dataclass(frozen=True, slots=True)
class RestoreResult:
    found: bool
    """False when there is no such portal (nothing written)."""
    held_elsewhere: frozenset[int] = frozenset()
    """Record ids another portal holds: nothing was written."""


class Store(Protocol):
    async def close(self) -> None: ...

    async def find_token(self, token_hash: str) -> TokenGrant | None: ...

    async def create_portal(
        self, name: str, tier: str = "free", timezone: str = "UTC", token: NewToken | None = None
    ) -> int:
        """A new portal's id; with ``token``, the portal and its token are one transaction."""
        ...

    async def revoke_token(self, token_hash: str) -> bool:
        """False when no live token has that hash."""
        ...

    async def default_portal(self) -> int:
        """The lowest portal id, creating a first portal when there is none."""
        ...

    async def create_token(
        self,
        portal_id: int,
        token_hash: str,
        scopes: Collection[str],
        kind: str,
        expires_in_ms: int | None = None,
    ) -> None: ...

    async def custom_properties(
        self, portal_id: int, type_id: str, *, archived: bool = False
    ) -> Sequence[PropertyDefinition]: ...

    async def create_properties(
        self,
        portal_id: int,
        type_id: str,
        definitions: Sequence[PropertyDefinition],
        *,
        max_unique: int,
    ) -> list[PropertyCreated]:
        """Insert new custom properties, all in one transaction, and say what became of each
        (in order). A unique-value one is refused when the type already has ``max_unique``
        live unique custom properties, counted in the same transaction with those created
        before it in this call (two concurrent creates can't both take the last place)."""
        ...

    async def save_properties(
        self, portal_id: int, type_id: str, definitions: Sequence[PropertyDefinition]
    ) -> None:
        """Replace custom properties (or insert them), all in one transaction."""
        ...

    async def property_groups(self, portal_id: int, type_id: str) -> Sequence[PropertyGroup]: ...

    async def save_property_group(
        self, portal_id: int, type_id: str, group: PropertyGroup
    ) -> None: ...

    async def delete_property_group(self, portal_id: int, type_id: str, name: str) -> None: ...

    async def read_records(
        self,
        portal_id: int,
        type_id: str,
        ids: Collection[int],
        *,
        archived: bool = False,
        history_names: Collection[str] = (),
    ) -> dict[int, Record]: ...

    async def list_records(
        self,
        portal_id: int,
        type_id: str,
        *,
        after: int | None,
        limit: int,
        archived: bool = False,
        history_names: Collection[str] = (),
    ) -> RecordPage: ...

    async def resolve_unique(
        self, portal_id: int, type_id: str, property_name: str, values: Collection[str]
    ) -> dict[str, int]:
        """Unique value → the id of the live record holding it."""
        ...

    async def insert_records(
        self, portal_id: int, type_id: str, records: Sequence[NewRecord], at: int
    ) -> InsertResult: ...

    async def apply_updates(
        self, portal_id: int, type_id: str, changes: Sequence[RecordChange], at: int
    ) -> UpdateResult: ...

    async def upsert_records(
        self,
        portal_id: int,
        type_id: str,
        property_name: str,
        items: Sequence[tuple[str, NewRecord]],
        at: int,
    ) -> tuple[dict[int, Record], dict[int, bool], dict[int, UniqueClash]]:
        """By unique value: update the holder or create a record. Keyed by input position:
        (records, created flags, clashes)."""
        ...

    async def search(self, portal_id: int, type_id: str, query: SearchQuery) -> SearchPage:
        """Live records only; ``total`` counts every match, ``records`` is the page."""
        ...

    async def archive_records(
        self, portal_id: int, type_id: str, ids: Collection[int], at: int
    ) -> None: ...

    async def portal_exists(self, portal_id: int) -> bool: ...

    async def reset_portal(self, portal_id: int, *, keep_custom_properties: bool) -> bool:
        """Remove every record, history row, unique value and association of the portal (and
        its custom properties and groups unless kept); False when there is no such portal."""
        ...

    async def delete_portal(self, portal_id: int) -> bool:
        """The portal, its tokens and everything it holds; False when there is no such portal."""
        ...

    async def dump_portal(self, portal_id: int) -> PortalDump | None: ...

    async def restore_portal(self, portal_id: int, dump: PortalDump) -> RestoreResult:
        """Replace the portal's contents with ``dump`` (ids and times kept), in one transaction."""
        ...

    async def set_id_seed(self, portal_id: int, seed: int | None) -> bool:
        """New record ids of the portal come from the sequence of ``seed`` (None: the
        database's own sequence); False when there is no such portal."""
        ...

    async def import_records(
        self,
        portal_id: int,
        type_id: str,
        records: Sequence[NewRecord],
        at: int,
        progress: Callable[[int], None] | None = None,
    ) -> InsertResult:
        """All or nothing, in one transaction: when any record would lose a unique value,
        nothing is written and ``clashes`` says which. ``progress`` hears of each chunk."""
        ...

    async def refresh_index(
        self,
        portal_id: int,
        type_id: str,
        entries_of: Callable[[Record], IndexValues],
        limit: int | None = None,
    ) -> int:
        """Index the records written since the last refresh (``entries_of`` gives a live
        record's entries), all of them or about ``limit``; returns how many were indexed."""
        ...

    async def queue_for_reindex(self, portal_id: int | None) -> int:
        """Queue every record (of one portal, or of all) to be indexed afresh, in slices;
        returns how many were queued."""
        ...

    async def queued_for_index(self, portal_id: int | None = None) -> list[tuple[int, str]]:
        """Some (portal, object type) pairs with records waiting to be indexed (of one
        portal, or of any)."""
        ...

    async def busy_elsewhere(self) -> bool:
        """Whether another process is working on the database right now (so background
        work should wait)."""
        ...

    async def live_ids(self, portal_id: int, type_id: str, ids: Collection[int]) -> frozenset[int]:
        """Which of ``ids`` are live records of this portal and type."""
        ...

    async def add_links(self, portal_id: int, links: Sequence[Link]) -> list[Link]:
        """Write the links whose two ends are live records of the portal (a link that exists
        is kept as it is); return the links that were not written."""
        ...

    async def remove_links(self, portal_id: int, removals: Sequence[Unlink]) -> None:
        """Delete every link the removals name, all in one transaction."""
        ...

    async def links_of(self, portal_id: int, from_ids: Collection[int], to_type: str) -> list[Link]:
        """Links from these records to live records of ``to_type``, ordered by from id,
        to id and type id."""
        ...
