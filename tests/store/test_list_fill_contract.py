"""Store contract, list fill role: ``fill_slice``, ``claim_fill``, ``release_fill``,
``end_fill``, ``settle`` (with ``create_list``/``save_list`` starting fills), on both
databases.

The core guarantee: a fill, slice by slice, leaves the list holding exactly the live records
``list_filters.matches`` accepts, whether the search index judges them (records it has seen)
or the domain does (records waiting in ``index_queue``: never indexed, or changed or archived
since they were indexed; and every record when the filters have no index translation).
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine

from localspot.clock import FixedClock
from localspot.crm import list_fill, object_types
from localspot.crm.links_storage import Link
from localspot.crm.list_fill import judge_of
from localspot.crm.list_fill_storage import FillSlice, SliceDone
from localspot.crm.list_filters import FilterTree, matches, parse_filter_branch, to_search_groups
from localspot.crm.list_membership import evaluate_all
from localspot.crm.lists_storage import ObjectList
from localspot.crm.model import Record
from localspot.crm.properties import load_definitions
from localspot.crm.records_storage import NewRecord, RecordChange
from localspot.crm.search import index_map
from localspot.crm.storage import Store
from localspot.store import list_fill_sql
from localspot.store.open import open_store

from .conftest import AT, CALLS, FreshStore, Run, database
from .test_list_filters_index import CUSTOM, NOW, a_record, a_tree

TYPE = CALLS.type_id
CONTACTS, COMPANIES = "0-1", "0-2"


def new_list(
    store: Store, run: Run, portal: int, name: str, kind: str = "DYNAMIC", type_id: str = TYPE
) -> ObjectList:
    template = ObjectList(
        0, name, type_id, kind, AT, AT, processing_status="PROCESSING", filters_updated_at=AT
    )
    created = run(store.create_list(portal, template, (), with_legacy_id=False))
    assert isinstance(created, ObjectList)
    return created


def fill(
    store: Store, run: Run, portal: int, found: ObjectList, tree: FilterTree, limit: int
) -> list[SliceDone]:
    """Every slice of the list's fill, ``limit`` records each."""
    done: list[SliceDone] = []
    while not done or done[-1].state == "MORE":
        piece = FillSlice(
            found.id,
            found.version,
            found.object_type,
            limit,
            to_search_groups(tree),
            tree.associated_types,
            found.processing_type == "DYNAMIC",
            NOW,
        )
        done.append(run(store.fill_slice(portal, piece, judge_of(tree, NOW))))
    return done


def members(store: Store, run: Run, portal: int, list_id: int) -> dict[int, int]:
    """Record id → time of joining."""
    page = run(
        store.members_page(
            portal, list_id, by_join_time=False, after=None, before=None, limit=10_000
        )
    )
    return {m.record_id: m.added_at for m in page.members}


def live(store: Store, run: Run, portal: int) -> list[Record]:
    return list(run(store.list_records(portal, TYPE, after=None, limit=10_000)).records)


def the_list(store: Store, run: Run, portal: int, list_id: int) -> ObjectList:
    return run(store.lists_of(portal, [list_id]))[0]


def test_fills_hold_exactly_what_matches_accepts_by_index_and_by_judge(
    store: Store, run: Run, portal: int
) -> None:
    run(store.create_properties(portal, TYPE, CUSTOM, max_unique=10))
    definitions = run(load_definitions(store, portal, CALLS))
    entries = lambda record: index_map(definitions, record.properties)  # noqa: E731
    paths = {"index": 0, "judge": 0, "untranslated": 0}

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(
        values=st.lists(a_record, min_size=1, max_size=12),
        trees=st.lists(a_tree, min_size=1, max_size=3),
        data=st.data(),
    )
    def check(values: list[dict[str, str]], trees: list[Any], data: st.DataObject) -> None:
        made = run(store.insert_records(portal, TYPE, [NewRecord(v) for v in values], AT))
        ids = sorted(r.id for r in made.records.values())
        indexed = data.draw(st.integers(0, len(ids)), "indexed")
        if indexed:  # the lowest ``indexed`` ids are indexed, the rest stay queued
            run(store.refresh_index(portal, TYPE, entries, limit=indexed))
        changed = data.draw(st.lists(st.sampled_from(ids), unique=True), "changed")
        news = [data.draw(a_record, "new values") for _ in changed]
        changes = [
            RecordChange(i, {k: "" for k in values[ids.index(i)]} | n)
            for i, n in zip(changed, news, strict=True)
        ]
        run(store.apply_updates(portal, TYPE, changes, AT + 1))
        gone = data.draw(st.lists(st.sampled_from(ids), unique=True, max_size=3), "archived")
        run(store.archive_records(portal, TYPE, gone, AT + 2))
        records = live(store, run, portal)
        try:
            for n, raw in enumerate(trees):
                tree = parse_filter_branch(raw, TYPE, definitions.by_name)
                found = new_list(store, run, portal, f"L{len(paths)}-{n}-{ids[0]}")
                before: list[int] = []
                if data.draw(st.booleans(), "refill"):  # members of earlier filters first
                    before = data.draw(st.lists(st.sampled_from(ids), unique=True), "before")
                    run(store.change_members(portal, found.id, before, [], AT))
                    found = dataclasses.replace(found, version=2)
                    run(store.save_list(portal, found, refill=True))
                limit = data.draw(st.integers(1, 8), "limit")
                done = fill(store, run, portal, found, tree, limit)
                expected = {r.id for r in records if matches(tree, r, NOW)}
                assert run(evaluate_all(store, portal, TYPE, tree, NOW)) == sorted(expected)
                joined = {i: AT if i in before else NOW for i in expected}
                assert members(store, run, portal, found.id) == joined, raw
                after = the_list(store, run, portal, found.id)
                assert (after.processing_status, after.size) == ("COMPLETE", len(expected))
                assert done[-1].state == "COMPLETE"
                assert sum(d.judged for d in done) == len(records)
                if to_search_groups(tree) is None:
                    paths["untranslated"] += 1
                for d in done:
                    if to_search_groups(tree) is not None and d.judged:
                        paths["index" if d.by_index else "judge"] += 1
        finally:
            run(store.archive_records(portal, TYPE, [r.id for r in records], AT + 3))
            run(store.refresh_index(portal, TYPE, entries))

    check()
    assert all(paths.values()), paths


def contacts(store: Store, run: Run, portal: int, cities: list[str]) -> list[int]:
    made = run(store.insert_records(portal, CONTACTS, [NewRecord({"city": c}) for c in cities], AT))
    return [made.records[i].id for i in range(len(cities))]


def index(store: Store, run: Run, portal: int) -> None:
    definitions = run(load_definitions(store, portal, object_types.resolve("contacts")))
    run(store.refresh_index(portal, CONTACTS, lambda r: index_map(definitions, r.properties)))


def city_tree(store: Store, run: Run, portal: int, *cities: str) -> FilterTree:
    definitions = run(load_definitions(store, portal, object_types.resolve("contacts")))
    raw = {
        "filterBranchType": "OR",
        "filters": [],
        "filterBranches": [
            {
                "filterBranchType": "AND",
                "filterBranches": [],
                "filters": [
                    {
                        "filterType": "PROPERTY",
                        "property": "city",
                        "operation": {
                            "operationType": "MULTISTRING",
                            "operator": "IS_EQUAL_TO",
                            "values": list(cities),
                        },
                    }
                ],
            }
        ],
    }
    return parse_filter_branch(raw, CONTACTS, definitions.by_name)


def test_a_dynamic_refill_removes_members_that_no_longer_match_and_keeps_join_times(
    store: Store, run: Run, portal: int
) -> None:
    ids = contacts(store, run, portal, ["Paris", "Rome", "Paris", "Oslo"])
    found = new_list(store, run, portal, "Cities", type_id=CONTACTS)
    fill(store, run, portal, found, city_tree(store, run, portal, "Paris"), 2)
    assert members(store, run, portal, found.id) == {ids[0]: NOW, ids[2]: NOW}
    changed = dataclasses.replace(found, version=2, updated_at=NOW + 5)
    saved = run(store.save_list(portal, changed, refill=True))
    assert isinstance(saved, ObjectList) and saved.processing_status == "PROCESSING"
    later = dataclasses.replace(saved, version=2)
    tree = city_tree(store, run, portal, "Paris", "Oslo")
    index(store, run, portal)  # the index judges them now
    piece = lambda limit: FillSlice(  # noqa: E731
        later.id, 2, CONTACTS, limit, to_search_groups(tree), frozenset(), True, NOW + 9
    )
    while run(store.fill_slice(portal, piece(3), judge_of(tree, NOW + 9))).state == "MORE":
        pass
    assert members(store, run, portal, found.id) == {ids[0]: NOW, ids[2]: NOW, ids[3]: NOW + 9}
    assert the_list(store, run, portal, found.id).size == 3


def test_a_record_written_between_slices_is_judged_as_written_when_its_slice_comes(
    store: Store, run: Run, portal: int
) -> None:
    ids = contacts(store, run, portal, ["Paris", "Rome", "Rome", "Rome"])
    found = new_list(store, run, portal, "Between", type_id=CONTACTS)
    tree = city_tree(store, run, portal, "Paris")
    piece = FillSlice(
        found.id, found.version, CONTACTS, 2, to_search_groups(tree), frozenset(), True, NOW
    )
    assert run(store.fill_slice(portal, piece, judge_of(tree, NOW))).state == "MORE"
    run(store.apply_updates(portal, CONTACTS, [RecordChange(ids[3], {"city": "Paris"})], AT))
    while run(store.fill_slice(portal, piece, judge_of(tree, NOW))).state == "MORE":
        pass
    assert set(members(store, run, portal, found.id)) == {ids[0], ids[3]}


def test_writes_while_a_dynamic_list_fills_leave_it_exact(
    store: Store, run: Run, portal: int
) -> None:
    """A record written after its slice is judged by the write (live membership); one
    written before its slice, by both; either way the list ends exact."""
    ids = contacts(store, run, portal, ["Paris", "Rome", "Rome", "Paris"])
    tree = city_tree(store, run, portal, "Paris")
    template = ObjectList(
        0, "Live", CONTACTS, "DYNAMIC", AT, AT, processing_status="PROCESSING",
        filter_branch=tree.to_wire(), filters_updated_at=AT,
    )  # fmt: skip
    found = run(store.create_list(portal, template, (), with_legacy_id=False))
    assert isinstance(found, ObjectList)
    groups = to_search_groups(tree)
    piece = FillSlice(found.id, found.version, CONTACTS, 2, groups, frozenset(), True, NOW)
    assert run(store.fill_slice(portal, piece, judge_of(tree, NOW))).state == "MORE"
    assert set(members(store, run, portal, found.id)) == {ids[0]}
    moves = {ids[0]: "Rome", ids[1]: "Paris", ids[2]: "Paris", ids[3]: "Rome"}
    changes = [RecordChange(i, {"city": city}) for i, city in moves.items()]
    run(store.apply_updates(portal, CONTACTS, changes, AT + 1))
    while run(store.fill_slice(portal, piece, judge_of(tree, NOW))).state == "MORE":
        pass
    assert set(members(store, run, portal, found.id)) == {ids[1], ids[2]}
    assert the_list(store, run, portal, found.id).size == 2


def test_a_snapshot_fill_only_adds_so_members_added_by_hand_stay(
    store: Store, run: Run, portal: int
) -> None:
    ids = contacts(store, run, portal, ["Paris", "Rome"])
    found = new_list(store, run, portal, "Snap", kind="SNAPSHOT", type_id=CONTACTS)
    run(store.change_members(portal, found.id, [ids[1]], [], AT))
    fill(store, run, portal, found, city_tree(store, run, portal, "Paris"), 10)
    assert members(store, run, portal, found.id) == {ids[1]: AT, ids[0]: NOW}
    assert the_list(store, run, portal, found.id).size == 2


def test_a_slice_of_a_fill_whose_filters_changed_since_does_nothing(
    store: Store, run: Run, portal: int
) -> None:
    contacts(store, run, portal, ["Paris"])
    found = new_list(store, run, portal, "Changed", type_id=CONTACTS)
    run(store.save_list(portal, dataclasses.replace(found, version=2), refill=True))
    stale = fill(store, run, portal, found, city_tree(store, run, portal, "Paris"), 10)
    assert [d.state for d in stale] == ["GONE"]
    assert members(store, run, portal, found.id) == {}
    assert the_list(store, run, portal, found.id).processing_status == "PROCESSING"


def test_a_fill_is_claimed_only_while_nobody_holds_it(fresh_store: FreshStore) -> None:
    with fresh_store() as opened:
        own, run = opened.store, opened.run
        portal = run(own.create_portal("claims"))
        found = new_list(own, run, portal, "Held", type_id=CONTACTS)
        assert run(own.claim_fill()) is None  # its creator holds it
        run(own.release_fill(portal, found.id))
        claim = run(own.claim_fill())
        assert claim is not None and (claim.portal_id, claim.list_id) == (portal, found.id)
        assert claim.token == found.version
        assert run(own.claim_fill()) is None
        run(own.end_fill(portal, found.id, claim.token + 1))  # another fill's token: kept
        assert the_list(own, run, portal, found.id).processing_status == "PROCESSING"
        run(own.end_fill(portal, found.id, claim.token))
        assert the_list(own, run, portal, found.id).processing_status == "COMPLETE"
        run(own.release_fill(portal, found.id))
        assert run(own.claim_fill()) is None


def test_a_list_restored_while_it_was_filling_is_filled_again(fresh_store: FreshStore) -> None:
    with fresh_store() as opened:
        own, run = opened.store, opened.run
        portal = run(own.create_portal("restored"))
        contacts(own, run, portal, ["Paris", "Rome"])
        found = new_list(own, run, portal, "Filling", type_id=CONTACTS)
        dump = run(own.dump_portal(portal))
        assert dump is not None and run(own.claim_fill()) is None  # its creator holds it
        restored = run(own.restore_portal(portal, dump))
        assert restored.found and not restored.held_elsewhere
        claim = run(own.claim_fill())  # restored, its fill starts over, held by nobody
        assert claim is not None and (claim.portal_id, claim.list_id) == (portal, found.id)
        tree = city_tree(own, run, portal, "Paris")
        assert run(
            list_fill.run(own, FixedClock(NOW), portal, found, tree, claim.token, budget=None)
        )
        after = the_list(own, run, portal, found.id)
        assert (after.processing_status, after.size) == ("COMPLETE", 1)


def test_a_fill_whose_filters_cannot_be_judged_ends_as_it_stands(
    fresh_store: FreshStore,
) -> None:
    """A snapshot may mark a list without filters ``PROCESSING``: its fill ends at once."""
    from localspot.crm import lists
    from localspot.crm.list_rules import ListsContext
    from localspot.crm.type_registry import TypeRegistry

    with fresh_store() as opened:
        own, run = opened.store, opened.run
        portal = run(own.create_portal("no filters"))
        found = new_list(own, run, portal, "Hand-made", kind="MANUAL", type_id=CONTACTS)
        run(own.release_fill(portal, found.id))
        claim = run(own.claim_fill())
        assert claim is not None
        ctx = ListsContext(
            own, FixedClock(NOW), portal, run(TypeRegistry(lambda: own).view(portal))
        )
        run(lists.resume_fill(ctx, claim))
        assert the_list(own, run, portal, found.id).processing_status == "COMPLETE"
        assert run(own.claim_fill()) is None


def test_a_hold_that_ran_out_can_be_claimed(backend: str, tmp_path: Path) -> None:
    """A process that stopped holding a fill no longer renews it: once its hold has run
    out (by the wall clock the claimer passes), another claims it."""
    with database(backend, tmp_path) as url, asyncio.Runner() as runner:
        store = open_store(url)
        try:
            portal = runner.run(store.create_portal("expired"))
            found = new_list(store, runner.run, portal, "Stopped", type_id=CONTACTS)
        finally:
            runner.run(store.close())
        engine = create_engine(url)
        with engine.begin() as conn:
            held = conn.exec_driver_sql("SELECT held_until FROM list_fills").scalar_one()
            assert list_fill_sql.claim_fill(conn, held - 1, held + 5) is None
            claim = list_fill_sql.claim_fill(conn, held + 1, held + 10_000)
        engine.dispose()
    assert claim is not None and (claim.portal_id, claim.list_id) == (portal, found.id)


def test_a_fill_run_stops_at_its_budget_and_goes_on_when_resumed(
    store: Store, run: Run, portal: int
) -> None:
    ids = contacts(store, run, portal, ["Paris"] * 5 + ["Rome"] * 5)
    found = new_list(store, run, portal, "Budget", type_id=CONTACTS)
    tree = city_tree(store, run, portal, "Paris")
    clock = FixedClock(NOW)
    done = run(list_fill.run(store, clock, portal, found, tree, found.version, budget=4))
    assert not done
    assert set(members(store, run, portal, found.id)) < set(ids[:5])
    assert run(list_fill.run(store, clock, portal, found, tree, found.version, budget=0)) is False
    assert run(list_fill.run(store, clock, portal, found, tree, found.version, budget=None))
    assert members(store, run, portal, found.id) == {i: NOW for i in ids[:5]}
    assert the_list(store, run, portal, found.id).processing_status == "COMPLETE"


def test_association_branches_judge_each_record_with_its_live_linked_records(
    store: Store, run: Run, portal: int
) -> None:
    from localspot.crm import lists
    from localspot.crm.list_rules import ListsContext
    from localspot.crm.type_registry import TypeRegistry

    people = contacts(store, run, portal, ["a", "b", "c"])
    firms = run(
        store.insert_records(portal, COMPANIES, [NewRecord({"city": c}) for c in "XYX"], AT)
    )
    firm = [firms.records[i].id for i in range(3)]
    pairs = [(people[0], firm[1]), (people[1], firm[0]), (people[2], firm[2])]
    run(
        store.add_links(
            portal,
            [Link(CONTACTS, p, COMPANIES, f, 279, "HUBSPOT_DEFINED") for p, f in pairs]
            + [Link(COMPANIES, f, CONTACTS, p, 280, "HUBSPOT_DEFINED") for p, f in pairs],
            AT,
        )
    )
    run(store.archive_records(portal, COMPANIES, [firm[2]], AT))
    registry = TypeRegistry(lambda: store)
    ctx = ListsContext(store, FixedClock(NOW), portal, run(registry.view(portal)))
    raw = {
        "filterBranchType": "OR",
        "filters": [],
        "filterBranches": [
            {
                "filterBranchType": "AND",
                "filters": [],
                "filterBranches": [
                    {
                        "filterBranchType": "ASSOCIATION",
                        "objectTypeId": COMPANIES,
                        "operator": "IN_LIST",
                        "associationTypeId": 279,
                        "associationCategory": "HUBSPOT_DEFINED",
                        "filterBranches": [],
                        "filters": [
                            {
                                "filterType": "PROPERTY",
                                "property": "city",
                                "operation": {
                                    "operationType": "STRING",
                                    "operator": "IS_EQUAL_TO",
                                    "value": "X",
                                },
                            }
                        ],
                    }
                ],
            }
        ],
    }
    tree = run(lists.parse_filters(ctx, object_types.resolve("contacts"), raw))
    assert to_search_groups(tree) is None and tree.associated_types == {COMPANIES}
    found = new_list(store, run, portal, "Linked", type_id=CONTACTS)
    fill(store, run, portal, found, tree, 2)
    assert set(members(store, run, portal, found.id)) == {people[1]}
    assert run(evaluate_all(store, portal, CONTACTS, tree, NOW)) == [people[1]]


def test_settle_waits_for_transactions_that_began_before_it(backend: str, tmp_path: Path) -> None:
    """PostgreSQL: until every transaction older than the call has ended. SQLite: at once
    (one writer, and no unit of work of the process spans an ``await``)."""
    with database(backend, tmp_path) as url, asyncio.Runner() as runner:
        store = open_store(url)
        try:
            if backend == "sqlite":
                assert runner.run(store.settle(0)) is True
                return
            with psycopg.connect(url) as other:
                other.execute("SELECT 1")  # a transaction is open from here on
                assert runner.run(store.settle(0.1)) is False
                other.commit()
                assert runner.run(store.settle(30)) is True
        finally:
            runner.run(store.close())


def test_a_slice_waits_for_a_write_in_progress_on_its_records_and_judges_what_it_wrote(
    backend: str, tmp_path: Path
) -> None:
    """PostgreSQL: a DYNAMIC list's slice share-locks its records, so a write not yet
    committed holds it back, and it judges the record as that write left it. (SQLite's one
    writer orders them the same way: a slice can't begin while another write is open.)"""
    if backend == "sqlite":
        pytest.skip("SQLite has one writer: there is no write in progress beside a slice")
    with database(backend, tmp_path) as url:
        with asyncio.Runner() as runner:
            store = open_store(url)
            try:
                portal = runner.run(store.create_portal("locks"))
                ids = contacts(store, runner.run, portal, ["Rome", "Rome", "Rome"])
                found = new_list(store, runner.run, portal, "Locked", type_id=CONTACTS)
                tree = city_tree(store, runner.run, portal, "Paris")
            finally:
                runner.run(store.close())
        with psycopg.connect(url) as writer:
            writer.execute(
                "UPDATE objects SET properties = %s WHERE id = %s",
                ('{"city": "Paris"}', ids[1]),
            )
            filled: list[set[int]] = []
            apart = threading.Thread(target=lambda: filled.append(fill_apart(url, found, tree)))
            apart.start()
            deadline = time.monotonic() + 30
            while not lock_waits(url) and time.monotonic() < deadline:
                time.sleep(0.01)  # polling a condition with a deadline
            assert lock_waits(url), "the slice did not wait for the write"
            writer.commit()
            apart.join()
    assert filled == [{ids[1]}]


def lock_waits(url: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND wait_event_type = 'Lock'"
        ).fetchone()
    return int(row[0]) if row else 0


def fill_apart(url: str, found: ObjectList, tree: FilterTree) -> set[int]:
    """The DYNAMIC list's slices run by a store of its own (in this thread, and without
    ``settle``, which would wait for the write to end first); its members."""

    async def work() -> set[int]:
        store = open_store(url)
        try:
            groups = to_search_groups(tree)
            piece = FillSlice(found.id, found.version, CONTACTS, 10, groups, frozenset(), True, NOW)
            while (await store.fill_slice(1, piece, judge_of(tree, NOW))).state == "MORE":
                pass
            page = await store.members_page(
                1, found.id, by_join_time=False, after=None, before=None, limit=100
            )
            return {m.record_id for m in page.members}
        finally:
            await store.close()

    return asyncio.run(work())
