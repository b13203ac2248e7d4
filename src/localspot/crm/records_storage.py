"""The records role: reading and writing a portal's records of one object type.

Property values cross as normalised strings; in a change, ``""`` means "clear this value".
The rules every role keeps are in ``crm/storage.py``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from localspot.crm.links_storage import LinkTarget
from localspot.crm.model import Record


@dataclass(slots=True)
class NewRecord:
    """A record to create. Not frozen, though nothing changes one: a frozen dataclass sets
    each field through ``object.__setattr__`` (three times the cost of building it), and an
    import builds one per row."""

    properties: Mapping[str, str]
    unique_names: frozenset[str] = frozenset()
    """Which of ``properties`` are unique-value properties (claimed in the unique index)."""
    source_id: str | None = None
    links: tuple[LinkTarget, ...] = ()
    """Inline associations, written with the record when it is created."""
    source_type: str = "API"
    """What the values' history names as their source (``IMPORT`` for an import's rows)."""


@dataclass(frozen=True, slots=True)
class RecordChange:
    object_id: int
    values: Mapping[str, str]
    unique_names: frozenset[str] = frozenset()
    source_id: str | None = None
    source_type: str = "API"


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


class RecordsStorage(Protocol):
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

    async def live_ids(self, portal_id: int, type_id: str, ids: Collection[int]) -> frozenset[int]:
        """Which of ``ids`` are live records of this portal and type."""
        ...

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

    async def archive_records(
        self, portal_id: int, type_id: str, ids: Collection[int], at: int
    ) -> None: ...
