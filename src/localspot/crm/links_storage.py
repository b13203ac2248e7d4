"""The links role: associations between records, one row per direction.

The rules every role keeps are in ``crm/storage.py``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol


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


class LinksStorage(Protocol):
    async def add_links(self, portal_id: int, links: Sequence[Link], at: int) -> list[Link]:
        """Write the links whose two ends are live records of the portal (a link that exists
        is kept as it is); return the links that were not written. DYNAMIC lists whose
        association branches read the other end follow, at ``at``."""
        ...

    async def remove_links(self, portal_id: int, removals: Sequence[Unlink], at: int) -> None:
        """Delete every link the removals name, all in one transaction (DYNAMIC lists
        follow, as for ``add_links``)."""
        ...

    async def links_of(self, portal_id: int, from_ids: Collection[int], to_type: str) -> list[Link]:
        """Links from these records to live records of ``to_type``, ordered by from id,
        to id and type id."""
        ...
