"""The list memberships role: which records are in which list (hubspot-behaviour §16.3).

Every write is set-based (a statement per batch of ids, not per id) and keeps the list's
``size`` (and its last-added/removed times) up to date in the same transaction, so reading
a size never counts rows. Archiving, merging away or purging a record removes it from
every list in the transaction that does it (``store/records_sql.py``,
``store/merges_sql.py``). The rules every role keeps are in ``crm/storage.py``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class MembershipChange:
    added: frozenset[int]
    removed: frozenset[int]
    missing: frozenset[int]
    """Asked-for ids that are no live record of the list's object type."""


@dataclass(frozen=True, slots=True)
class Member:
    record_id: int
    added_at: int


MemberKey = tuple[int, int]
"""Where a page starts or ends: (time of joining, record id); ordered by record id alone,
the time is ignored."""


@dataclass(frozen=True, slots=True)
class MemberPage:
    members: tuple[Member, ...]
    """In the page's order: ascending from ``after``, descending from ``before``."""
    more_above: bool
    """Members follow the page's highest key."""
    more_below: bool
    """Members precede the page's lowest key."""


@dataclass(frozen=True, slots=True)
class RecordListEntry:
    """One live list a record is in."""

    list_id: int
    list_version: int
    added_at: int


class ListMembershipsStorage(Protocol):
    async def change_members(
        self,
        portal_id: int,
        list_id: int,
        add: Collection[int],
        remove: Collection[int],
        at: int,
    ) -> MembershipChange | None:
        """One transaction: add the ``add`` ids that are live records of the list's type
        (members already stay as they are), then remove the ``remove`` ids. None when
        there is no such live list."""
        ...

    async def copy_members(
        self, portal_id: int, source_id: int, target_id: int, at: int
    ) -> int | None:
        """Add every member of ``source_id`` to ``target_id``; how many joined. None when
        the target is no live list."""
        ...

    async def clear_members(self, portal_id: int, list_id: int, at: int) -> bool:
        """Remove every member; False when there is no such live list."""
        ...

    async def members_page(
        self,
        portal_id: int,
        list_id: int,
        *,
        by_join_time: bool,
        after: MemberKey | None,
        before: MemberKey | None,
        limit: int,
    ) -> MemberPage:
        """Keyset paging by record id or by (time of joining, record id): the ``limit``
        members above ``after`` ascending, else below ``before`` descending, else the
        first ones."""
        ...

    async def record_lists(
        self, portal_id: int, type_id: str, record_ids: Collection[int]
    ) -> Mapping[int, Sequence[RecordListEntry]]:
        """The live lists of ``type_id`` each record is in, by list id."""
        ...

    async def fold_list_sizes(self) -> int:
        """Fold the changes of lists' sizes that writes added as rows of their own (on
        PostgreSQL) into the lists; how many lists had some. Sizes read the same before
        and after."""
        ...
