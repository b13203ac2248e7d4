"""Store contract, list memberships role: ``change_members``, ``copy_members``,
``clear_members``, ``members_page``, ``record_lists``; and the records' write paths that
take records out of every list (archive, merge, purge).

Each write keeps the list's size in its own transaction; pages are keyset ranges in both
directions; only live records of the list's type join; every method sees its own portal.
"""

from __future__ import annotations

import dataclasses

from localspot.crm.list_memberships_storage import Member, MembershipChange, RecordListEntry
from localspot.crm.lists_storage import ObjectList
from localspot.crm.records_storage import NewRecord
from localspot.crm.storage import Store

from .conftest import AT, Run
from .test_lists_contract import CONTACTS, contacts, make


def size(store: Store, run: Run, portal: int, list_id: int) -> int:
    return run(store.lists_of(portal, [list_id]))[0].size


def page_ids(store: Store, run: Run, portal: int, list_id: int, **where: object) -> list[int]:
    options = {"by_join_time": False, "after": None, "before": None, "limit": 100, **where}
    found = run(store.members_page(portal, list_id, **options))  # type: ignore[arg-type]
    return [m.record_id for m in found.members]


def test_members_join_once_and_missing_ids_are_reported(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    ids = contacts(store, run, portal, 4)
    company = run(store.insert_records(portal, "0-2", [NewRecord({})], AT)).records[0].id
    elsewhere = contacts(store, run, other_portal, 1)[0]
    run(store.archive_records(portal, CONTACTS, [ids[3]], AT))
    listed = make(store, run, portal, "Manual")
    change = run(
        store.change_members(
            portal, listed.id, [ids[0], ids[1], company, elsewhere, ids[3]], [], AT + 1
        )  # fmt: skip
    )
    assert change == MembershipChange(
        frozenset(ids[:2]), frozenset(), frozenset({company, elsewhere, ids[3]})
    )
    again = run(store.change_members(portal, listed.id, [ids[0], ids[2]], [ids[1], 424242], AT + 2))
    assert again == MembershipChange(frozenset({ids[2]}), frozenset({ids[1]}), frozenset({424242}))
    assert page_ids(store, run, portal, listed.id) == [ids[0], ids[2]]
    found = run(store.lists_of(portal, [listed.id]))[0]
    assert (found.size, found.last_added_at, found.last_removed_at) == (2, AT + 2, AT + 2)
    assert run(store.change_members(other_portal, listed.id, [elsewhere], [], AT)) is None


def test_deleted_lists_take_no_changes(store: Store, run: Run, portal: int) -> None:
    ids = contacts(store, run, portal, 1)
    listed = make(store, run, portal, "Gone")
    run(store.save_list(portal, dataclasses.replace(listed, deleted_at=AT)))
    assert run(store.change_members(portal, listed.id, ids, [], AT)) is None
    assert run(store.copy_members(portal, listed.id, listed.id, AT)) is None
    assert not run(store.clear_members(portal, listed.id, AT))


def test_copy_adds_only_new_members_and_clear_empties(store: Store, run: Run, portal: int) -> None:
    ids = contacts(store, run, portal, 5)
    source = make(store, run, portal, "Source", members=ids[:4])
    target = make(store, run, portal, "Target", members=ids[3:])
    assert run(store.copy_members(portal, source.id, target.id, AT + 1)) == 3
    assert page_ids(store, run, portal, target.id) == ids
    assert size(store, run, portal, target.id) == 5
    assert run(store.clear_members(portal, target.id, AT + 2))
    assert (page_ids(store, run, portal, target.id), size(store, run, portal, target.id)) == ([], 0)
    assert size(store, run, portal, source.id) == 4


def test_pages_go_both_ways_by_id_and_by_time_of_joining(
    store: Store, run: Run, portal: int
) -> None:
    ids = contacts(store, run, portal, 6)
    listed = make(store, run, portal, "Paged")
    for at, chunk in ((AT + 3, ids[:2]), (AT + 1, ids[2:4]), (AT + 2, ids[4:])):
        run(store.change_members(portal, listed.id, chunk, [], at))
    first = run(store.members_page(portal, listed.id, by_join_time=False, after=None,
                                   before=None, limit=4))  # fmt: skip
    assert [m.record_id for m in first.members] == ids[:4]
    assert (first.more_above, first.more_below) == (True, False)
    middle = run(store.members_page(portal, listed.id, by_join_time=False, after=(0, ids[1]),
                                    before=None, limit=2))  # fmt: skip
    assert ([m.record_id for m in middle.members], middle.more_above, middle.more_below) == (
        ids[2:4],
        True,
        True,
    )
    back = run(store.members_page(portal, listed.id, by_join_time=False, after=None,
                                  before=(0, ids[4]), limit=3))  # fmt: skip
    assert ([m.record_id for m in back.members], back.more_above, back.more_below) == (
        [ids[3], ids[2], ids[1]],
        True,
        True,
    )
    joined = run(store.members_page(portal, listed.id, by_join_time=True, after=None,
                                    before=None, limit=6))  # fmt: skip
    assert joined.members[:3] == (Member(ids[2], AT + 1), Member(ids[3], AT + 1),
                                  Member(ids[4], AT + 2))  # fmt: skip
    later = run(store.members_page(portal, listed.id, by_join_time=True, after=(AT + 1, ids[3]),
                                   before=None, limit=2))  # fmt: skip
    assert [m.record_id for m in later.members] == [ids[4], ids[5]]
    assert (later.more_above, later.more_below) == (True, True)
    empty = run(store.members_page(portal, listed.id, by_join_time=False, after=(0, ids[5]),
                                   before=None, limit=2))  # fmt: skip
    assert (empty.members, empty.more_above, empty.more_below) == ((), False, False)


def test_a_records_lists_leave_out_deleted_lists_and_other_types(
    store: Store, run: Run, portal: int
) -> None:
    ids = contacts(store, run, portal, 2)
    one = make(store, run, portal, "One", members=ids)
    two = make(store, run, portal, "Two", members=ids[:1])
    gone = make(store, run, portal, "Gone", members=ids[:1])
    run(store.save_list(portal, dataclasses.replace(gone, deleted_at=AT)))
    found = run(store.record_lists(portal, CONTACTS, [ids[0], ids[1], 5]))
    assert found == {
        ids[0]: [RecordListEntry(one.id, 1, AT), RecordListEntry(two.id, 1, AT)],
        ids[1]: [RecordListEntry(one.id, 1, AT)],
    }
    assert run(store.record_lists(portal, "0-2", ids)) == {}


def lists_by_id(store: Store, run: Run, portal: int) -> dict[int, ObjectList]:
    return {x.id: x for x in run(store.lists_of(portal))}


def test_archived_merged_and_purged_records_leave_every_list(
    store: Store, run: Run, portal: int
) -> None:
    ids = contacts(store, run, portal, 5)
    one = make(store, run, portal, "One", members=ids)
    two = make(store, run, portal, "Two", members=ids[:2])
    run(store.archive_records(portal, CONTACTS, [ids[0], ids[4]], AT + 1))
    assert [x.size for x in lists_by_id(store, run, portal).values()] == [3, 1]
    assert lists_by_id(store, run, portal)[two.id].last_removed_at == AT + 1
    result = run(store.merge_records(portal, CONTACTS, ids[2], ids[1], lambda *a: {}, AT + 2))
    assert result.record is not None
    assert run(store.purge_record(portal, CONTACTS, ids[3], AT))
    assert page_ids(store, run, portal, one.id) == [ids[2]]
    assert page_ids(store, run, portal, two.id) == []
    by_id = lists_by_id(store, run, portal)
    assert (by_id[one.id].size, by_id[two.id].size) == (1, 0)
    assert by_id[one.id].last_removed_at == AT + 2  # a purge leaves no time behind
