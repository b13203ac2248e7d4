"""Store contract, DYNAMIC lists following record writes (``store/list_follow_sql.py``):
every write path of the records and links roles moves a DYNAMIC list's members in its own
transaction, with the list's size and last-added/removed times; SNAPSHOT and MANUAL lists
never move; another portal's lists never move; the filters a write judges by are the ones
stored now, with the definitions stored now."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping
from typing import Any

import pytest

from localspot.crm.links_storage import Link, Unlink
from localspot.crm.list_rules import RESTORE_WINDOW_MS
from localspot.crm.lists_storage import ObjectList
from localspot.crm.model import PropertyDefinition
from localspot.crm.records_storage import NewRecord, RecordChange
from localspot.crm.storage import Store
from localspot.store import list_follow_reads

from .conftest import AT, Run
from .test_list_memberships_contract import page_ids

CONTACTS, COMPANIES = "0-1", "0-2"
DAY = 86_400_000


def prop(name: str, op_type: str, operator: str, **fields: Any) -> dict[str, Any]:
    operation = {"operationType": op_type, "operator": operator, **fields}
    return {"filterType": "PROPERTY", "property": name, "operation": operation}


def branch(*filters: dict[str, Any], branches: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    return {
        "filterBranchType": "OR",
        "filters": [],
        "filterBranches": [
            {"filterBranchType": "AND", "filters": list(filters), "filterBranches": list(branches)}
        ],
    }


def city_is(city: str) -> dict[str, Any]:
    return prop("city", "STRING", "IS_EQUAL_TO", value=city)


IN_PARIS = branch(city_is("Paris"))
WITH_PARIS_FIRM = branch(
    branches=(
        {
            "filterBranchType": "ASSOCIATION",
            "objectTypeId": COMPANIES,
            "operator": "IN_LIST",
            "associationTypeId": 1,
            "associationCategory": "HUBSPOT_DEFINED",
            "filters": [city_is("Paris")],
            "filterBranches": [],
        },
    )
)


def listed(
    store: Store,
    run: Run,
    portal: int,
    name: str,
    filters: Mapping[str, Any] | None,
    *,
    kind: str = "DYNAMIC",
    type_id: str = CONTACTS,
    members: tuple[int, ...] = (),
) -> int:
    new = ObjectList(0, name, type_id, kind, AT, AT, filter_branch=filters, filters_updated_at=AT)
    created = run(store.create_list(portal, new, members, with_legacy_id=False))
    assert isinstance(created, ObjectList)
    return created.id


def made(store: Store, run: Run, portal: int, type_id: str, *maps: dict[str, str]) -> list[int]:
    created = run(store.insert_records(portal, type_id, [NewRecord(m) for m in maps], AT))
    return [created.records[i].id for i in range(len(maps))]


def update(store: Store, run: Run, portal: int, at: int, **cities: str) -> None:
    changes = [RecordChange(int(i[1:]), {"city": c}) for i, c in cities.items()]
    run(store.apply_updates(portal, CONTACTS, changes, at))


def shown(store: Store, run: Run, portal: int, list_id: int) -> tuple[list[int], int, Any, Any]:
    found = run(store.lists_of(portal, [list_id]))[0]
    return (
        page_ids(store, run, portal, list_id),
        found.size,
        found.last_added_at,
        found.last_removed_at,
    )


def test_created_and_updated_records_join_and_leave_in_the_write(
    store: Store, run: Run, portal: int
) -> None:
    paris = listed(store, run, portal, "Paris", IN_PARIS)
    ids = made(store, run, portal, CONTACTS, {"city": "Paris"}, {"city": "Rome"}, {})
    assert shown(store, run, portal, paris) == ([ids[0]], 1, AT, None)
    update(store, run, portal, AT + 1, **{f"c{ids[0]}": "Rome", f"c{ids[1]}": "Paris"})
    assert shown(store, run, portal, paris) == ([ids[1]], 1, AT + 1, AT + 1)
    run(store.apply_updates(portal, CONTACTS, [RecordChange(ids[2], {"city": "Paris"})], AT + 2))
    assert shown(store, run, portal, paris) == ([ids[1], ids[2]], 2, AT + 2, AT + 1)
    joined = run(
        store.members_page(portal, paris, by_join_time=True, after=None, before=None, limit=9)
    )
    assert [(m.record_id, m.added_at) for m in joined.members] == [
        (ids[1], AT + 1),
        (ids[2], AT + 2),
    ]


def test_upserts_follow_both_the_created_and_the_updated_records(
    store: Store, run: Run, portal: int
) -> None:
    paris = listed(store, run, portal, "Paris", IN_PARIS)
    unique = frozenset({"email"})
    first = NewRecord({"email": "a@x.io", "city": "Rome"}, unique)
    held = run(store.insert_records(portal, CONTACTS, [first], AT)).records[0].id
    items = [
        ("a@x.io", NewRecord({"email": "a@x.io", "city": "Paris"}, unique)),
        ("b@x.io", NewRecord({"email": "b@x.io", "city": "Paris"}, unique)),
    ]
    records, created, _ = run(store.upsert_records(portal, CONTACTS, "email", items, AT + 1))
    assert created == {0: False, 1: True}
    assert shown(store, run, portal, paris) == ([held, records[1].id], 2, AT + 1, None)


def test_snapshot_and_manual_lists_never_move_and_other_portals_lists_neither(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    (rome,) = made(store, run, portal, CONTACTS, {"city": "Rome"})
    snapshot = listed(store, run, portal, "Snap", IN_PARIS, kind="SNAPSHOT", members=(rome,))
    manual = listed(store, run, portal, "Manual", None, kind="MANUAL")
    elsewhere = listed(store, run, other_portal, "Paris", IN_PARIS)
    made(store, run, portal, CONTACTS, {"city": "Paris"})
    update(store, run, portal, AT + 1, **{f"c{rome}": "Paris"})
    update(store, run, portal, AT + 2, **{f"c{rome}": "Oslo"})
    assert shown(store, run, portal, snapshot) == ([rome], 1, AT, None)
    assert shown(store, run, portal, manual) == ([], 0, None, None)
    assert shown(store, run, other_portal, elsewhere) == ([], 0, None, None)


def test_a_write_judges_only_the_lists_whose_properties_it_changed(
    store: Store, run: Run, portal: int
) -> None:
    (rome,) = made(store, run, portal, CONTACTS, {"city": "Rome"})
    # Members a scan would not give: they show which lists a write judges again.
    by_city = listed(store, run, portal, "City", IN_PARIS, members=(rome,))
    modified = branch(city_is("Paris"), prop("lastmodifieddate", "ALL_PROPERTY", "IS_KNOWN"))
    by_date = listed(store, run, portal, "Dated", modified, members=(rome,))
    run(store.apply_updates(portal, CONTACTS, [RecordChange(rome, {"jobtitle": "cook"})], AT + 1))
    assert page_ids(store, run, portal, by_city) == [rome]
    assert page_ids(store, run, portal, by_date) == []
    update(store, run, portal, AT + 2, **{f"c{rome}": "Rome"})  # no change, still judged
    assert page_ids(store, run, portal, by_city) == [rome]
    update(store, run, portal, AT + 3, **{f"c{rome}": "Oslo"})
    assert page_ids(store, run, portal, by_city) == []


def test_time_relative_filters_are_judged_at_the_time_of_the_write(
    store: Store, run: Run, portal: int
) -> None:
    recent = branch(
        prop("createdate", "ROLLING_DATE_RANGE", "IS_LESS_THAN_X_DAYS_AGO", numberOfDays=2)
    )
    fresh = listed(store, run, portal, "Fresh", recent)
    (one,) = made(store, run, portal, CONTACTS, {"city": "Rome"})
    assert page_ids(store, run, portal, fresh) == [one]
    run(store.apply_updates(portal, CONTACTS, [RecordChange(one, {"jobtitle": "x"})], AT + DAY))
    assert page_ids(store, run, portal, fresh) == [one]
    run(store.apply_updates(portal, CONTACTS, [RecordChange(one, {"jobtitle": "y"})], AT + 3 * DAY))
    assert page_ids(store, run, portal, fresh) == []


def test_merges_judge_the_surviving_record_and_archives_and_purges_take_records_out(
    store: Store, run: Run, portal: int
) -> None:
    paris = listed(store, run, portal, "Paris", IN_PARIS)
    ids = made(store, run, portal, CONTACTS, {"city": "Rome"}, {"city": "Paris"}, {"city": "Paris"})

    def combine(
        p: int, values: Mapping[str, str], o: int, others: Mapping[str, str]
    ) -> dict[str, str]:
        return {**values, **others}

    run(store.merge_records(portal, CONTACTS, ids[0], ids[1], combine, AT + 1))
    assert shown(store, run, portal, paris) == ([ids[0], ids[2]], 2, AT + 1, AT + 1)
    run(store.archive_records(portal, CONTACTS, [ids[0]], AT + 2))
    assert run(store.purge_record(portal, CONTACTS, ids[2], AT + 3))
    assert shown(store, run, portal, paris) == ([], 0, AT + 1, AT + 2)


def _link(contact: int, company: int) -> list[Link]:
    return [
        Link(CONTACTS, contact, COMPANIES, company, 1, "HUBSPOT_DEFINED"),
        Link(COMPANIES, company, CONTACTS, contact, 2, "HUBSPOT_DEFINED"),
    ]


def test_association_branches_follow_links_and_the_linked_records(
    store: Store, run: Run, portal: int
) -> None:
    linked = listed(store, run, portal, "Paris firms", WITH_PARIS_FIRM)
    people = made(store, run, portal, CONTACTS, {}, {}, {})
    firms = made(store, run, portal, COMPANIES, {"city": "Paris"}, {"city": "Rome"})
    run(store.add_links(portal, _link(people[0], firms[0]) + _link(people[1], firms[1]), AT + 1))
    assert page_ids(store, run, portal, linked) == [people[0]]
    run(store.apply_updates(portal, COMPANIES, [RecordChange(firms[1], {"city": "Paris"})], AT + 2))
    assert page_ids(store, run, portal, linked) == people[:2]
    run(store.remove_links(portal, [Unlink(people[1], COMPANIES, firms[1])], AT + 3))
    assert page_ids(store, run, portal, linked) == [people[0]]
    run(store.archive_records(portal, COMPANIES, [firms[0]], AT + 4))
    assert shown(store, run, portal, linked) == ([], 0, AT + 2, AT + 4)


def test_links_made_with_a_record_and_purges_of_linked_records_move_lists(
    store: Store, run: Run, portal: int
) -> None:
    linked = listed(store, run, portal, "Paris firms", WITH_PARIS_FIRM)
    (firm,) = made(store, run, portal, COMPANIES, {"city": "Paris"})
    new = NewRecord({}, links=(_target(firm),))
    person = run(store.insert_records(portal, CONTACTS, [new], AT + 1)).records[0].id
    assert page_ids(store, run, portal, linked) == [person]
    assert run(store.purge_record(portal, COMPANIES, firm, AT + 2))
    assert page_ids(store, run, portal, linked) == []


def _target(company: int) -> Any:
    from localspot.crm.links_storage import LinkTarget

    return LinkTarget(COMPANIES, company, 1, 2, "HUBSPOT_DEFINED")


def test_a_merge_of_linked_records_moves_their_links_and_lists(
    store: Store, run: Run, portal: int
) -> None:
    linked = listed(store, run, portal, "Paris firms", WITH_PARIS_FIRM)
    (person,) = made(store, run, portal, CONTACTS, {})
    firms = made(store, run, portal, COMPANIES, {"city": "Rome"}, {"city": "Rome"})
    run(store.add_links(portal, _link(person, firms[1]), AT + 1))

    def paris(
        p: int, values: Mapping[str, str], o: int, others: Mapping[str, str]
    ) -> dict[str, str]:
        return {"city": "Paris"}

    run(store.merge_records(portal, COMPANIES, firms[0], firms[1], paris, AT + 2))
    assert page_ids(store, run, portal, linked) == [person]


def test_new_filters_under_a_reused_list_id_are_judged_by_their_own_text(
    store: Store, run: Run, portal: int
) -> None:
    first = listed(store, run, portal, "Cities", IN_PARIS)
    made(store, run, portal, CONTACTS, {"city": "Paris"})
    run(store.reset_portal(portal, keep_custom_properties=False))
    again = listed(store, run, portal, "Cities", branch(city_is("Rome")))
    assert again == first  # same id, version and times: only the filter text differs
    ids = made(store, run, portal, CONTACTS, {"city": "Paris"}, {"city": "Rome"})
    assert page_ids(store, run, portal, again) == [ids[1]]


def test_a_changed_definition_is_read_as_it_is_now(store: Store, run: Run, portal: int) -> None:
    code = PropertyDefinition("code", "Code", "string", "text")
    run(store.save_properties(portal, CONTACTS, [code]))
    known = listed(store, run, portal, "Coded", branch(prop("code", "ALL_PROPERTY", "IS_KNOWN")))
    (one,) = made(store, run, portal, CONTACTS, {"code": "abc"})
    assert page_ids(store, run, portal, known) == [one]
    number = dataclasses.replace(code, type="number", field_type="number")
    run(store.save_properties(portal, CONTACTS, [number]))  # "abc" is no number: unknown
    run(store.apply_updates(portal, CONTACTS, [RecordChange(one, {"code": "abcd"})], AT + 1))
    assert page_ids(store, run, portal, known) == []
    run(store.save_properties(portal, CONTACTS, [dataclasses.replace(number, archived=True)]))
    run(store.apply_updates(portal, CONTACTS, [RecordChange(one, {"code": "12"})], AT + 2))
    assert page_ids(store, run, portal, known) == []  # filters that no longer parse: frozen


def test_a_deleted_list_keeps_following_while_it_can_be_restored(
    store: Store, run: Run, portal: int
) -> None:
    paris = listed(store, run, portal, "Paris", IN_PARIS)
    found = run(store.lists_of(portal, [paris]))[0]
    run(store.save_list(portal, dataclasses.replace(found, deleted_at=AT)))
    (one,) = made(store, run, portal, CONTACTS, {"city": "Paris"})
    assert page_ids(store, run, portal, paris) == [one]


def test_concurrent_writes_on_postgresql_keep_every_size_exact(
    backend: str, store: Store, run: Run, portal: int
) -> None:
    """Writers of other records, of the same records, and a refill of the list's members
    (as an update of its filters does) at once: no deadlock, and each size is its count."""
    if backend != "postgres":
        pytest.skip("SQLite runs one write at a time: there is no concurrent writer to meet")
    paris = listed(store, run, portal, "Paris", IN_PARIS)
    rome = listed(store, run, portal, "Rome", branch(city_is("Rome")))
    ids = made(store, run, portal, CONTACTS, *({"city": "Oslo"} for _ in range(40)))
    found = run(store.lists_of(portal, [paris]))[0]

    def moves(part: list[int], city: str, at: int) -> Any:
        changes = [RecordChange(i, {"city": city}) for i in part]
        return store.apply_updates(portal, CONTACTS, changes, at)

    async def rounds() -> None:
        for n in range(6):
            city, other = ("Paris", "Rome") if n % 2 else ("Rome", "Paris")
            await asyncio.gather(
                moves(ids[0::3], city, AT + n),
                moves(ids[1::3], other, AT + n),
                moves(ids[::2], city, AT + n),
                store.save_list(portal, found, ids[n::5]),
            )

    run(rounds())
    read = {list_id: shown(store, run, portal, list_id) for list_id in (paris, rome)}
    for members, size, _, _ in read.values():
        assert size == len(members)
    assert run(store.fold_list_sizes()) >= 2  # both lists' (and earlier tests' lists')
    assert {list_id: shown(store, run, portal, list_id) for list_id in read} == read


def test_folding_the_writes_size_changes_leaves_sizes_and_times_as_read(
    backend: str, store: Store, run: Run, portal: int
) -> None:
    """PostgreSQL's record writes add their changes of lists' sizes as rows of their own
    (SQLite's move the lists' rows): read the same before and after they are folded."""
    run(store.fold_list_sizes())  # earlier tests' lists' changes
    paris = listed(store, run, portal, "Paris", IN_PARIS)
    ids = made(store, run, portal, CONTACTS, {"city": "Paris"}, {"city": "Rome"}, {})
    update(store, run, portal, AT + 1, **{f"c{ids[0]}": "Rome", f"c{ids[1]}": "Paris"})
    update(store, run, portal, AT + 2, **{f"c{ids[2]}": "Paris"})
    read = shown(store, run, portal, paris)
    assert read == ([ids[1], ids[2]], 2, AT + 2, AT + 1)
    assert run(store.fold_list_sizes()) == (1 if backend == "postgres" else 0)
    assert shown(store, run, portal, paris) == read
    assert run(store.fold_list_sizes()) == 0
    update(store, run, portal, AT + 3, **{f"c{ids[1]}": "Oslo"})  # after a fold, on top of it
    assert shown(store, run, portal, paris) == ([ids[2]], 1, AT + 2, AT + 3)


def test_each_change_of_the_lists_is_followed_by_the_next_write(
    store: Store, run: Run, portal: int
) -> None:
    """A process keeps the lists it read under the portal's list token: every change of
    them renews it, so the next write follows the lists as they are now."""
    cities = listed(store, run, portal, "Cities", IN_PARIS)
    paris = made(store, run, portal, CONTACTS, {"city": "Paris"})
    snapshot = run(store.dump_portal(portal))
    assert snapshot is not None
    found = run(store.lists_of(portal, [cities]))[0]
    run(store.save_list(portal, dataclasses.replace(found, filter_branch=branch(city_is("Rome")))))
    rome = made(store, run, portal, CONTACTS, {"city": "Rome"}, {"city": "Paris"})
    assert page_ids(store, run, portal, cities) == [*paris, rome[0]]
    gone = dataclasses.replace(run(store.lists_of(portal, [cities]))[0], deleted_at=AT - 1)
    run(store.save_list(portal, gone))
    later = AT + RESTORE_WINDOW_MS
    run(store.insert_records(portal, CONTACTS, [NewRecord({"city": "Rome"})], later))
    back = dataclasses.replace(gone, deleted_at=None)
    run(store.save_list(portal, back))
    (again,) = made(store, run, portal, CONTACTS, {"city": "Rome"})
    assert page_ids(store, run, portal, cities) == [*paris, rome[0], again]
    run(store.restore_portal(portal, snapshot))  # the Paris filters again
    made(store, run, portal, CONTACTS, {"city": "Rome"})
    (one,) = made(store, run, portal, CONTACTS, {"city": "Paris"})
    assert page_ids(store, run, portal, cities) == [*paris, one]
    run(store.reset_portal(portal, keep_custom_properties=False))
    made(store, run, portal, CONTACTS, {"city": "Paris"})  # no list follows it
    assert listed(store, run, portal, "Cities", None, kind="MANUAL") == cities
    assert page_ids(store, run, portal, cities) == []


def test_moving_members_keeps_the_lists_a_process_read(store: Store, run: Run, portal: int) -> None:
    cities = listed(store, run, portal, "Cities", IN_PARIS)
    (one,) = made(store, run, portal, CONTACTS, {"city": "Paris"})
    kept = list_follow_reads._kept[portal]
    update(store, run, portal, AT + 1, **{f"c{one}": "Rome"})
    update(store, run, portal, AT + 2, **{f"c{one}": "Paris"})
    assert shown(store, run, portal, cities)[:2] == ([one], 1)
    assert list_follow_reads._kept[portal] is kept  # not read again
