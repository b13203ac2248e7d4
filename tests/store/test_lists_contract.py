"""Store contract, lists role: ``lists_of``, ``create_list``, ``save_list``, ``folders_of``,
``create_folder``, ``save_folder``, ``delete_folder``.

List, legacy and folder ids are numbered per portal; a live list's name is taken in any
case; a save keeps the list's size; every method sees its own portal only.
"""

from __future__ import annotations

import dataclasses

from localspot.crm.lists_storage import ListFolder, NameTaken, ObjectList
from localspot.crm.records_storage import NewRecord
from localspot.crm.storage import Store

from .conftest import AT, Run

CONTACTS = "0-1"


def template(name: str, type_id: str = CONTACTS, kind: str = "MANUAL") -> ObjectList:
    return ObjectList(0, name, type_id, kind, AT, AT, filters_updated_at=AT)


def contacts(store: Store, run: Run, portal: int, n: int) -> list[int]:
    made = run(store.insert_records(portal, CONTACTS, [NewRecord({})] * n, AT))
    return [made.records[i].id for i in range(n)]


def make(store: Store, run: Run, portal: int, name: str, **options: object) -> ObjectList:
    members = options.pop("members", ())
    legacy = bool(options.pop("legacy", False))
    created = run(
        store.create_list(
            portal,
            template(name, **options),
            members,
            with_legacy_id=legacy,  # type: ignore[arg-type]
        )
    )
    assert isinstance(created, ObjectList)
    return created


def test_lists_are_numbered_per_portal_with_legacy_ids_when_asked(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    first = make(store, run, portal, "A", legacy=True)
    second = make(store, run, portal, "B", type_id="0-2")
    third = make(store, run, portal, "C", legacy=True)
    assert [(x.id, x.legacy_id) for x in (first, second, third)] == [(1, 1), (2, None), (3, 2)]
    assert make(store, run, other_portal, "A").id == 1
    assert [x.name for x in run(store.lists_of(portal))] == ["A", "B", "C"]
    assert [x.name for x in run(store.lists_of(portal, [3, 1, 99]))] == ["A", "C"]
    assert run(store.lists_of(portal, [])) == []


def test_a_created_list_holds_its_live_members_and_counts_them(
    store: Store, run: Run, portal: int
) -> None:
    ids = contacts(store, run, portal, 3)
    run(store.archive_records(portal, CONTACTS, [ids[2]], AT))
    created = make(store, run, portal, "Filtered", kind="SNAPSHOT", members=[*ids, 999_999])
    assert (created.size, created.last_added_at) == (2, AT)
    page = run(store.members_page(portal, created.id, by_join_time=False, after=None,
                                  before=None, limit=10))  # fmt: skip
    assert [m.record_id for m in page.members] == ids[:2]


def test_a_live_name_is_taken_in_any_case_until_the_list_is_deleted(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    holder = make(store, run, portal, "Leads")
    assert run(store.create_list(portal, template("LEADS"), (), with_legacy_id=False)) == (
        NameTaken(holder.id)
    )
    other = make(store, run, portal, "Other")
    renamed = dataclasses.replace(other, name="leads")
    assert run(store.save_list(portal, renamed)) == NameTaken(holder.id)
    make(store, run, other_portal, "Leads")  # another portal's names are its own
    deleted = dataclasses.replace(holder, deleted_at=AT + 1)
    assert run(store.save_list(portal, deleted)) == dataclasses.replace(holder, deleted_at=AT + 1)
    again = make(store, run, portal, "leads")
    restored = dataclasses.replace(holder, deleted_at=None)
    assert run(store.save_list(portal, restored)) == NameTaken(again.id)


def test_a_save_keeps_the_size_and_replacing_members_keeps_those_that_stay(
    store: Store, run: Run, portal: int
) -> None:
    ids = contacts(store, run, portal, 4)
    created = make(store, run, portal, "Dynamic", kind="DYNAMIC", members=ids[:3])
    renamed = dataclasses.replace(created, name="Renamed", version=2, updated_at=AT + 5)
    saved = run(store.save_list(portal, dataclasses.replace(renamed, size=0)))
    assert saved == dataclasses.replace(renamed, size=3)
    later = dataclasses.replace(saved, version=3, updated_at=AT + 9)
    replaced = run(store.save_list(portal, later, [ids[1], ids[3]]))
    assert isinstance(replaced, ObjectList)
    assert (replaced.size, replaced.last_added_at, replaced.last_removed_at) == (2, AT + 9, AT + 9)
    page = run(store.members_page(portal, created.id, by_join_time=True, after=None,
                                  before=None, limit=10))  # fmt: skip
    assert [(m.record_id, m.added_at) for m in page.members] == [(ids[1], AT), (ids[3], AT + 9)]
    assert run(store.save_list(portal, dataclasses.replace(later, id=99))) is None


def test_folders_nest_move_and_are_deleted_only_when_empty(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    top = run(store.create_folder(portal, "Top", 0, AT))
    assert top == ListFolder(1, "Top", 0, AT, AT, AT)
    inner = run(store.create_folder(portal, "Inner", 1, AT + 1))
    assert inner is not None and inner.parent_id == 1
    assert run(store.folders_of(portal))[0].contents_updated_at == AT + 1
    assert run(store.create_folder(portal, "Lost", 77, AT)) is None
    assert run(store.create_folder(other_portal, "Lost", 1, AT)) is None
    assert run(store.delete_folder(portal, 1, AT + 2)) == "NOT_EMPTY"
    moved = dataclasses.replace(inner, parent_id=0, updated_at=AT + 3)
    assert run(store.save_folder(portal, moved))
    assert not run(store.save_folder(portal, dataclasses.replace(moved, parent_id=42)))
    assert not run(store.save_folder(other_portal, moved))
    in_top = make(store, run, portal, "In top")
    assert run(store.save_list(portal, dataclasses.replace(in_top, folder_id=1))) is not None
    assert run(store.delete_folder(portal, 1, AT + 4)) == "NOT_EMPTY"
    deleted = dataclasses.replace(in_top, folder_id=1, deleted_at=AT + 5)
    assert run(store.save_list(portal, deleted)) is not None
    assert run(store.delete_folder(portal, 1, AT + 6)) == "DELETED"
    assert run(store.delete_folder(portal, 1, AT + 6)) == "MISSING"
    assert [f.id for f in run(store.folders_of(portal))] == [2]
    assert run(store.lists_of(portal, [in_top.id]))[0].folder_id == 0
