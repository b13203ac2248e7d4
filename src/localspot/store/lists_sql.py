"""List definitions and list folders, as functions of a ``Connection`` run inside the
caller's transaction.

List, legacy list and folder ids are numbered per portal (the portal's highest plus one),
as owners' are; the writes that number or name lists serialize on the portal first, and a
partial unique index on the lower-case name of live lists backs the name check. Every
write of a list's definition (``create_list``, ``save_list``, ``write_lists``) renews the
portal's list token (``list_versions``), which tells record writes whether the lists they
follow are still the ones a process read.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, Select, Table, and_, case, delete, func, insert, select, update

from localspot.crm.lists_storage import (
    ROOT_FOLDER,
    FolderRemoval,
    ListFolder,
    NameTaken,
    ObjectList,
)
from localspot.store.bulk import json_map
from localspot.store.dialect import dialect_of
from localspot.store.list_fill_sql import DYNAMIC, PROCESSING, start_fill
from localspot.store.list_memberships_sql import replace_members
from localspot.store.list_size_changes_schema import list_size_changes
from localspot.store.list_versions import renew
from localspot.store.schema import list_fills, list_folders, list_memberships, lists

TABLES: tuple[Table, ...] = (
    list_fills,
    list_memberships,
    list_size_changes,
    lists,
    list_folders,
)
"""What a portal's lists are made of (a reset removes them)."""

L = lists.c
F = list_folders.c


def _later(kept: int | None, changed: int | None) -> int | None:
    return kept if changed is None else changed if kept is None else max(kept, changed)


def _with_size_changes(query: Select[Any], portal_id: int | None) -> Select[Any]:
    """``query`` of lists with what PostgreSQL's writes have added to their sizes and not
    yet folded in (``list_size_changes_schema``): ``moved``, ``added_at``, ``removed_at``."""
    C = list_size_changes.c
    changes = select(
        C.portal_id,
        C.list_id,
        func.sum(C.added - C.removed).label("moved"),
        func.max(case((C.added > 0, C.at))).label("added_at"),
        func.max(case((C.removed > 0, C.at))).label("removed_at"),
    ).group_by(C.portal_id, C.list_id)
    if portal_id is not None:
        changes = changes.where(C.portal_id == portal_id)
    found = changes.subquery()
    joined = and_(found.c.portal_id == L.portal_id, found.c.list_id == L.id)
    return query.add_columns(found.c.moved, found.c.added_at, found.c.removed_at).outerjoin(
        found, joined
    )


def _list(row: Any) -> ObjectList:
    """A list from its row read with ``_with_size_changes``."""
    branch = json_map(row.filter_branch) if row.filter_branch is not None else None
    conversion = json_map(row.conversion) if row.conversion is not None else None
    return ObjectList(
        id=row.id,
        name=row.name,
        object_type=row.object_type,
        processing_type=row.processing_type,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        processing_status=row.processing_status,
        filter_branch=branch,
        filters_updated_at=row.filters_updated_at,
        folder_id=row.folder_id,
        size=row.size + int(row.moved or 0),
        deleted_at=row.deleted_at,
        legacy_id=row.legacy_id,
        last_added_at=_later(row.last_added_at, row.added_at),
        last_removed_at=_later(row.last_removed_at, row.removed_at),
        extra=json_map(row.extra) if row.extra is not None else {},
        conversion=conversion,
    )


def _definition(found: ObjectList) -> dict[str, Any]:
    """The columns a save writes: the definition, not the members' bookkeeping nor the
    fill's (``processing_status`` belongs to ``list_fill_sql``)."""
    return {
        "name": found.name,
        "name_key": found.name.lower(),
        "processing_type": found.processing_type,
        "filter_branch": dict(found.filter_branch) if found.filter_branch is not None else None,
        "folder_id": found.folder_id,
        "version": found.version,
        "extra": dict(found.extra) or None,
        "conversion": dict(found.conversion) if found.conversion is not None else None,
        "updated_at": found.updated_at,
        "filters_updated_at": found.filters_updated_at,
        "deleted_at": found.deleted_at,
    }


def _row(portal_id: int, found: ObjectList) -> dict[str, Any]:
    return {
        **_definition(found),
        "processing_status": found.processing_status,
        "portal_id": portal_id,
        "id": found.id,
        "legacy_id": found.legacy_id,
        "object_type": found.object_type,
        "size": found.size,
        "created_at": found.created_at,
        "last_added_at": found.last_added_at,
        "last_removed_at": found.last_removed_at,
    }


def lists_of(
    conn: Connection, portal_id: int, ids: Collection[int] | None = None
) -> list[ObjectList]:
    query = select(lists).where(L.portal_id == portal_id).order_by(L.id)
    if ids is not None:
        query = query.where(L.id.in_(sorted(ids)))
    return [_list(row) for row in conn.execute(_with_size_changes(query, portal_id))]


def pending_conversions(conn: Connection) -> list[tuple[int, ObjectList]]:
    """Every portal's live DYNAMIC lists that have a conversion scheduled (done ones too:
    ``list_conversion_rules.due_at`` tells them apart)."""
    query = (
        select(lists)
        .where(L.conversion.is_not(None), L.processing_type == DYNAMIC, L.deleted_at.is_(None))
        .order_by(L.portal_id, L.id)
    )
    rows = conn.execute(_with_size_changes(query, None))
    return [(row.portal_id, _list(row)) for row in rows]


def _one(conn: Connection, portal_id: int, list_id: int) -> ObjectList | None:
    found = lists_of(conn, portal_id, [list_id])
    return found[0] if found else None


def _name_holder(conn: Connection, portal_id: int, name: str, but: int) -> NameTaken | None:
    holder = conn.execute(
        select(L.id).where(
            L.portal_id == portal_id,
            L.name_key == name.lower(),
            L.deleted_at.is_(None),
            L.id != but,
        )
    ).scalar()
    return NameTaken(holder) if holder is not None else None


def _next(conn: Connection, column: Any, portal_id: int, table: Table) -> int:
    top = conn.execute(select(func.max(column)).where(table.c.portal_id == portal_id)).scalar()
    return int(top or 0) + 1


def _touch_folders(conn: Connection, portal_id: int, ids: Iterable[int], at: int) -> None:
    """Folders whose contents changed (the root has no row)."""
    wanted = sorted({i for i in ids if i != ROOT_FOLDER})
    if wanted:
        conn.execute(
            update(list_folders)
            .where(F.portal_id == portal_id, F.id.in_(wanted))
            .values(contents_updated_at=at)
        )


def create_list(
    conn: Connection,
    portal_id: int,
    new: ObjectList,
    members: Collection[int],
    *,
    with_legacy_id: bool,
    held_until: int | None = None,
) -> ObjectList | NameTaken:
    """A list created ``PROCESSING`` gets a fill, held until ``held_until``."""
    dialect_of(conn).serialize(conn, f"lists:{portal_id}")
    taken = _name_holder(conn, portal_id, new.name, but=0)
    if taken is not None:
        return taken
    list_id = _next(conn, L.id, portal_id, lists)
    legacy_id = _next(conn, L.legacy_id, portal_id, lists) if with_legacy_id else None
    row = _row(portal_id, new)
    conn.execute(insert(lists), {**row, "id": list_id, "legacy_id": legacy_id, "size": 0})
    renew(conn, portal_id)
    if members:
        replace_members(conn, portal_id, list_id, new.object_type, members, new.created_at)
    if new.processing_status == PROCESSING:
        start_fill(conn, portal_id, list_id, new.version, held_until, refill=False)
    _touch_folders(conn, portal_id, [new.folder_id], new.created_at)
    created = _one(conn, portal_id, list_id)
    assert created is not None
    return created


def save_list(
    conn: Connection,
    portal_id: int,
    changed: ObjectList,
    members: Collection[int] | None,
    *,
    refill: bool = False,
    held_until: int | None = None,
) -> ObjectList | NameTaken | None:
    """With ``refill``, the list is filled afresh for its new filters (the fill held until
    ``held_until``)."""
    dialect_of(conn).serialize(conn, f"lists:{portal_id}")
    current = _one(conn, portal_id, changed.id)
    if current is None:
        return None
    if changed.deleted_at is None:
        taken = _name_holder(conn, portal_id, changed.name, but=changed.id)
        if taken is not None:
            return taken
    status = {"processing_status": PROCESSING} if refill else {}
    conn.execute(
        update(lists)
        .where(L.portal_id == portal_id, L.id == changed.id)
        .values(**_definition(changed), **status)
    )
    renew(conn, portal_id)
    if members is not None:
        replace_members(
            conn, portal_id, changed.id, current.object_type, members, changed.updated_at
        )
    if refill:
        start_fill(conn, portal_id, changed.id, changed.version, held_until, refill=True)
    if current.folder_id != changed.folder_id:
        _touch_folders(conn, portal_id, [current.folder_id, changed.folder_id], changed.updated_at)
    return _one(conn, portal_id, changed.id)


def _folder(row: Any) -> ListFolder:
    return ListFolder(
        row.id, row.name, row.parent_id, row.created_at, row.updated_at, row.contents_updated_at
    )


def folders_of(conn: Connection, portal_id: int) -> list[ListFolder]:
    rows = conn.execute(select(list_folders).where(F.portal_id == portal_id).order_by(F.id))
    return [_folder(row) for row in rows]


def _folder_exists(conn: Connection, portal_id: int, folder_id: int) -> bool:
    if folder_id == ROOT_FOLDER:
        return True
    found = conn.execute(select(F.id).where(F.portal_id == portal_id, F.id == folder_id))
    return found.first() is not None


def create_folder(
    conn: Connection, portal_id: int, name: str, parent_id: int, at: int
) -> ListFolder | None:
    dialect_of(conn).serialize(conn, f"lists:{portal_id}")
    if not _folder_exists(conn, portal_id, parent_id):
        return None
    folder = ListFolder(_next(conn, F.id, portal_id, list_folders), name, parent_id, at, at, at)
    write_folders(conn, portal_id, [folder])
    _touch_folders(conn, portal_id, [parent_id], at)
    return folder


def save_folder(conn: Connection, portal_id: int, folder: ListFolder) -> bool:
    current = conn.execute(
        select(F.parent_id).where(F.portal_id == portal_id, F.id == folder.id)
    ).scalar()
    if current is None or not _folder_exists(conn, portal_id, folder.parent_id):
        return False
    conn.execute(
        update(list_folders)
        .where(F.portal_id == portal_id, F.id == folder.id)
        .values(name=folder.name, parent_id=folder.parent_id, updated_at=folder.updated_at)
    )
    if current != folder.parent_id:
        _touch_folders(conn, portal_id, [current, folder.parent_id], folder.updated_at)
    return True


def delete_folder(conn: Connection, portal_id: int, folder_id: int, at: int) -> FolderRemoval:
    """Live lists and folders keep a folder; deleted lists in it move to the root."""
    parent = conn.execute(
        select(F.parent_id).where(F.portal_id == portal_id, F.id == folder_id)
    ).scalar()
    if parent is None:
        return "MISSING"
    live_list = select(L.id).where(
        L.portal_id == portal_id, L.folder_id == folder_id, L.deleted_at.is_(None)
    )
    child = select(F.id).where(F.portal_id == portal_id, F.parent_id == folder_id)
    if conn.execute(live_list.limit(1)).first() or conn.execute(child.limit(1)).first():
        return "NOT_EMPTY"
    conn.execute(
        update(lists)
        .where(L.portal_id == portal_id, L.folder_id == folder_id)
        .values(folder_id=ROOT_FOLDER)
    )
    conn.execute(delete(list_folders).where(F.portal_id == portal_id, F.id == folder_id))
    _touch_folders(conn, portal_id, [parent], at)
    return "DELETED"


def write_folders(conn: Connection, portal_id: int, folders: Iterable[ListFolder]) -> None:
    rows = [
        {
            "portal_id": portal_id,
            "id": f.id,
            "name": f.name,
            "parent_id": f.parent_id,
            "created_at": f.created_at,
            "updated_at": f.updated_at,
            "contents_updated_at": f.contents_updated_at,
        }
        for f in folders
    ]
    if rows:
        conn.execute(insert(list_folders), rows)


def write_lists(
    conn: Connection, portal_id: int, found: Iterable[ObjectList], sizes: Mapping[int, int]
) -> None:
    """Lists as a snapshot holds them; ``sizes`` are counted from the restored members. A
    list saved while it was being filled is filled again from its first record (members
    of a DYNAMIC list that don't match leave: it may have been filling for new filters)."""
    saved = list(found)
    rows = [{**_row(portal_id, x), "size": sizes.get(x.id, 0)} for x in saved]
    if rows:
        conn.execute(insert(lists), rows)
        renew(conn, portal_id)
    for x in saved:
        if x.processing_status == PROCESSING:
            start_fill(conn, portal_id, x.id, x.version, None, refill=x.processing_type == DYNAMIC)
