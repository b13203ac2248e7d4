"""The owners role: a portal's owners (its users, as HubSpot's Owners API shows them).

HubSpot has no API to create owners, so only the operator side (CLI, admin API, the pytest
plugin) writes here. The rules every role keeps are in ``crm/storage.py``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Owner:
    id: int
    """Numbered per portal from 1, so a restored snapshot never clashes with another portal."""
    user_id: int
    email: str
    """Stored lowercased: HubSpot treats owner emails case-insensitively."""
    first_name: str
    last_name: str
    created_at: int
    updated_at: int
    archived: bool = False


@dataclass(frozen=True, slots=True)
class OwnerCreated:
    portal_found: bool
    owner: Owner | None = None
    """None when the portal does not exist or a live owner already has the email."""


@dataclass(frozen=True, slots=True)
class OwnerPage:
    owners: tuple[Owner, ...]
    next_after: int | None
    """The id to continue after, when there are more."""


class OwnerIdsStorage(Protocol):
    """What the record writes ask of owners: which ids are live (owner-typed properties)."""

    async def live_owner_ids(self, portal_id: int, ids: Collection[int]) -> frozenset[int]:
        """The ids among ``ids`` of the portal's live (not archived) owners; one query."""
        ...


class OwnersStorage(OwnerIdsStorage, Protocol):
    async def create_owner(
        self, portal_id: int, email: str, first_name: str, last_name: str, at: int
    ) -> OwnerCreated:
        """One transaction: nothing is written when a live owner of the portal has ``email``."""
        ...

    async def list_owners(
        self, portal_id: int, *, archived: bool, email: str | None, after: int, limit: int
    ) -> OwnerPage:
        """Owners with ids above ``after``, by id; archived ones only when ``archived``."""
        ...

    async def find_owner(
        self, portal_id: int, key: int, *, by_user_id: bool, archived: bool
    ) -> Owner | None: ...

    async def archive_owner(self, portal_id: int, owner_id: int, at: int) -> bool:
        """False when the portal has no live owner ``owner_id``."""
        ...

    async def all_owners(self, portal_id: int) -> Sequence[Owner]:
        """Every owner of the portal, archived ones too, by id (for the operator's list)."""
        ...
