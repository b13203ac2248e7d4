"""The lists and list memberships roles of ``SqlStore`` (``crm/lists_storage.py``,
``crm/list_memberships_storage.py``), over ``lists_sql`` and ``list_memberships_sql``."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TypeVar

from localspot.crm.list_memberships_storage import (
    MemberKey,
    MemberPage,
    MembershipChange,
    RecordListEntry,
)
from localspot.crm.lists_storage import FolderRemoval, ListFolder, NameTaken, ObjectList
from localspot.store import list_memberships_sql, lists_sql
from localspot.store.list_fill_store import hold_until
from localspot.store.runs import Runs

T = TypeVar("T")


class ListsSqlStore(Runs):
    """Mixed into ``SqlStore``, which says how a transaction runs."""

    async def lists_of(
        self, portal_id: int, ids: Collection[int] | None = None
    ) -> Sequence[ObjectList]:
        return await self._read(lambda c: lists_sql.lists_of(c, portal_id, ids))

    async def pending_conversions(self) -> Sequence[tuple[int, ObjectList]]:
        return await self._read(lists_sql.pending_conversions)

    async def create_list(
        self,
        portal_id: int,
        new: ObjectList,
        members: Collection[int],
        *,
        with_legacy_id: bool,
    ) -> ObjectList | NameTaken:
        legacy, held = with_legacy_id, hold_until()
        return await self._write(
            lambda c: lists_sql.create_list(
                c, portal_id, new, members, with_legacy_id=legacy, held_until=held
            )
        )

    async def save_list(
        self,
        portal_id: int,
        changed: ObjectList,
        members: Collection[int] | None = None,
        *,
        refill: bool = False,
    ) -> ObjectList | NameTaken | None:
        held = hold_until()
        return await self._write(
            lambda c: lists_sql.save_list(
                c, portal_id, changed, members, refill=refill, held_until=held
            )
        )

    async def folders_of(self, portal_id: int) -> Sequence[ListFolder]:
        return await self._read(lambda c: lists_sql.folders_of(c, portal_id))

    async def create_folder(
        self, portal_id: int, name: str, parent_id: int, at: int
    ) -> ListFolder | None:
        return await self._write(
            lambda c: lists_sql.create_folder(c, portal_id, name, parent_id, at)
        )

    async def save_folder(self, portal_id: int, folder: ListFolder) -> bool:
        return await self._write(lambda c: lists_sql.save_folder(c, portal_id, folder))

    async def delete_folder(self, portal_id: int, folder_id: int, at: int) -> FolderRemoval:
        return await self._write(lambda c: lists_sql.delete_folder(c, portal_id, folder_id, at))

    async def change_members(
        self,
        portal_id: int,
        list_id: int,
        add: Collection[int],
        remove: Collection[int],
        at: int,
    ) -> MembershipChange | None:
        return await self._write(
            lambda c: list_memberships_sql.change_members(c, portal_id, list_id, add, remove, at)
        )

    async def copy_members(
        self, portal_id: int, source_id: int, target_id: int, at: int
    ) -> int | None:
        return await self._write(
            lambda c: list_memberships_sql.copy_members(c, portal_id, source_id, target_id, at)
        )

    async def clear_members(self, portal_id: int, list_id: int, at: int) -> bool:
        return await self._write(
            lambda c: list_memberships_sql.clear_members(c, portal_id, list_id, at)
        )

    async def fold_list_sizes(self) -> int:
        if not await self._read(list_memberships_sql.has_size_changes):
            return 0  # always so on SQLite: no write transaction for nothing
        return await self._write(list_memberships_sql.fold_sizes)

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
        return await self._read(
            lambda c: list_memberships_sql.members_page(
                c,
                (portal_id, list_id),
                by_join_time=by_join_time,
                after=after,
                before=before,
                limit=limit,
            )
        )

    async def record_lists(
        self, portal_id: int, type_id: str, record_ids: Collection[int]
    ) -> Mapping[int, Sequence[RecordListEntry]]:
        return await self._read(
            lambda c: list_memberships_sql.record_lists(c, portal_id, type_id, record_ids)
        )
