"""Lists API use cases on folders (hubspot-behaviour §16.4): read a folder's tree, create,
rename, move and delete folders, and move a list into a folder. Folder 0 is the root: it
always exists, holds every other folder at some depth, and can't be changed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from localspot.crm import list_rules as rules
from localspot.crm.errors import ValidationError
from localspot.crm.lists import Ctx, check_folder, get_list, save
from localspot.crm.lists_storage import ROOT_FOLDER, ListFolder

ROOT = ListFolder(ROOT_FOLDER, "", ROOT_FOLDER, 0, 0, 0)
"""The root folder; it has no row, name or times."""


@dataclass(frozen=True, slots=True)
class FolderNode:
    folder: ListFolder
    children: tuple[FolderNode, ...]
    list_ids: tuple[int, ...]
    """The live lists right in this folder (only for the folder asked for)."""


def _tree(folder: ListFolder, by_parent: Mapping[int, Sequence[ListFolder]]) -> FolderNode:
    children = tuple(
        _tree(child, by_parent) for child in by_parent.get(folder.id, ()) if child.id != folder.id
    )
    return FolderNode(folder, children, ())


async def _folders(ctx: Ctx) -> dict[int, ListFolder]:
    return {f.id: f for f in await ctx.store.folders_of(ctx.portal_id)}


async def get_folder(ctx: Ctx, raw_id: str | None) -> FolderNode:
    """The folder with every folder under it; only the top one lists its lists."""
    folder_id = rules.parse_folder_id(raw_id)
    folders = await _folders(ctx)
    if folder_id and folder_id not in folders:
        raise rules.folder_not_found(str(folder_id))
    by_parent: dict[int, list[ListFolder]] = {}
    for folder in folders.values():
        by_parent.setdefault(folder.parent_id, []).append(folder)
    top = folders.get(folder_id, ROOT)
    lists = await ctx.store.lists_of(ctx.portal_id)
    inside = tuple(x.id for x in lists if x.folder_id == folder_id and x.deleted_at is None)
    return dataclasses.replace(_tree(top, by_parent), list_ids=inside)


async def create_folder(ctx: Ctx, name: str | None, raw_parent: str | None) -> FolderNode:
    checked = rules.checked_name(name, "Folder")
    parent_id = rules.parse_folder_id(raw_parent)
    created = await ctx.store.create_folder(ctx.portal_id, checked, parent_id, ctx.clock.now_ms())
    if created is None:
        raise rules.folder_not_found(str(parent_id))
    return FolderNode(created, (), ())


def _changeable(folder_id: int, folders: Mapping[int, ListFolder], raw: str) -> ListFolder:
    if folder_id == ROOT_FOLDER:
        raise ValidationError("The root folder can't be changed", context={"folderId": ["0"]})
    if folder_id not in folders:
        raise rules.folder_not_found(raw)
    return folders[folder_id]


async def _saved(ctx: Ctx, folder: ListFolder) -> FolderNode:
    if not await ctx.store.save_folder(ctx.portal_id, folder):
        raise rules.folder_not_found(str(folder.id))
    return await get_folder(ctx, str(folder.id))


async def rename_folder(ctx: Ctx, raw_id: str, name: str | None) -> FolderNode:
    folders = await _folders(ctx)
    folder = _changeable(rules.parse_folder_id(raw_id), folders, raw_id)
    checked = rules.checked_name(name, "Folder")
    now = ctx.clock.now_ms()
    return await _saved(ctx, dataclasses.replace(folder, name=checked, updated_at=now))


def _ancestors(folder_id: int, folders: Mapping[int, ListFolder]) -> set[int]:
    found: set[int] = set()
    while folder_id in folders and folder_id not in found:
        found.add(folder_id)
        folder_id = folders[folder_id].parent_id
    return found


async def move_folder(ctx: Ctx, raw_id: str, raw_parent: str) -> FolderNode:
    """A folder can't move into itself or a folder under it."""
    folders = await _folders(ctx)
    folder = _changeable(rules.parse_folder_id(raw_id), folders, raw_id)
    parent_id = rules.parse_folder_id(raw_parent)
    if parent_id and parent_id not in folders:
        raise rules.folder_not_found(raw_parent)
    if folder.id in _ancestors(parent_id, folders):
        raise ValidationError(
            f"Folder {folder.id} can't move into itself or a folder inside it",
            context={"folderId": [str(folder.id)], "newParentFolderId": [raw_parent]},
        )
    now = ctx.clock.now_ms()
    return await _saved(ctx, dataclasses.replace(folder, parent_id=parent_id, updated_at=now))


async def delete_folder(ctx: Ctx, raw_id: str) -> None:
    folder_id = rules.parse_folder_id(raw_id)
    _changeable(folder_id, {folder_id: ROOT}, raw_id)
    outcome = await ctx.store.delete_folder(ctx.portal_id, folder_id, ctx.clock.now_ms())
    if outcome == "MISSING":
        raise rules.folder_not_found(raw_id)
    if outcome == "NOT_EMPTY":
        raise ValidationError(
            f"Folder {raw_id} still holds lists or folders; move or delete them first",
            context={"folderId": [raw_id]},
        )


async def move_list(ctx: Ctx, raw_list_id: str, raw_folder_id: str) -> None:
    found = await get_list(ctx, raw_list_id)
    folder_id = await check_folder(ctx, rules.parse_folder_id(raw_folder_id))
    if folder_id != found.folder_id:
        now = ctx.clock.now_ms()
        await save(ctx, dataclasses.replace(found, folder_id=folder_id, updated_at=now))
