"""The lists role: list definitions and list folders (hubspot-behaviour §16).

List and folder ids are numbered per portal from 1 (folder 0 is the root, which is never
stored), so a restored snapshot keeps its ids without touching another portal's. A list's
``size`` belongs to the memberships role (``list_memberships_storage``): this role writes it
only when it replaces a list's members as a whole. The rules every role keeps are in
``crm/storage.py``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

ROOT_FOLDER = 0


@dataclass(frozen=True, slots=True)
class ObjectList:
    """A list's definition as stored; times are epoch milliseconds."""

    id: int
    name: str
    object_type: str
    processing_type: str
    created_at: int
    updated_at: int
    version: int = 1
    processing_status: str = "COMPLETE"
    filter_branch: Mapping[str, Any] | None = None
    """The branch as HubSpot echoes it (``FilterTree.to_wire()``); None for MANUAL lists."""
    filters_updated_at: int | None = None
    folder_id: int = ROOT_FOLDER
    size: int = 0
    deleted_at: int | None = None
    legacy_id: int | None = None
    last_added_at: int | None = None
    last_removed_at: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    """What the caller gave that localspot keeps and echoes but never interprets:
    ``membershipSettings``, ``listPermissions``, ``customProperties``."""
    conversion: Mapping[str, Any] | None = None
    """A scheduled conversion to a static list (``schedule-conversion``), as requested."""


@dataclass(frozen=True, slots=True)
class NameTaken:
    """Another live list of the portal holds the name (in any case)."""

    holder_id: int


@dataclass(frozen=True, slots=True)
class ListFolder:
    id: int
    name: str
    parent_id: int
    created_at: int
    updated_at: int
    contents_updated_at: int


FolderRemoval = Literal["DELETED", "MISSING", "NOT_EMPTY"]


class ListsStorage(Protocol):
    async def lists_of(
        self, portal_id: int, ids: Collection[int] | None = None
    ) -> Sequence[ObjectList]:
        """The portal's lists (deleted ones too), by id; only ``ids`` when given."""
        ...

    async def pending_conversions(self) -> Sequence[tuple[int, ObjectList]]:
        """Every portal's live DYNAMIC lists with a conversion scheduled, as (portal, list)."""
        ...

    async def create_list(
        self,
        portal_id: int,
        new: ObjectList,
        members: Collection[int],
        *,
        with_legacy_id: bool,
    ) -> ObjectList | NameTaken:
        """One transaction: ``new`` under the portal's next list id (and next legacy id when
        asked), with ``members`` (those of them that are live records of its type) added at
        ``new.created_at``. A list created ``PROCESSING`` gets a fill
        (``list_fill_storage``) that this process holds."""
        ...

    async def save_list(
        self,
        portal_id: int,
        changed: ObjectList,
        members: Collection[int] | None = None,
        *,
        refill: bool = False,
    ) -> ObjectList | NameTaken | None:
        """One transaction: the definition of list ``changed.id`` becomes ``changed`` (its
        size and last-added/removed times are kept); with ``members``, its members become
        exactly those of them that are live records of its type (the ones that stay keep
        their time of joining); with ``refill``, it is filled afresh for its filters (a fill
        this process holds, replacing one under way). None when there is no such list."""
        ...

    async def folders_of(self, portal_id: int) -> Sequence[ListFolder]:
        """Every folder of the portal, by id (the root is not among them)."""
        ...

    async def create_folder(
        self, portal_id: int, name: str, parent_id: int, at: int
    ) -> ListFolder | None:
        """None when ``parent_id`` is no folder of the portal (nor the root)."""
        ...

    async def save_folder(self, portal_id: int, folder: ListFolder) -> bool:
        """Rename or move a folder (False: no such folder or parent); the folders it leaves
        and enters count as updated."""
        ...

    async def delete_folder(self, portal_id: int, folder_id: int, at: int) -> FolderRemoval:
        """Only a folder without live lists and folders in it is deleted; the deleted lists
        it held move to the root."""
        ...
