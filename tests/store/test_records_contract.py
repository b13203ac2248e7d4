"""Store contract, records role: ``read_records``, ``list_records``, ``resolve_unique``,
``insert_records``, ``apply_updates``, ``upsert_records``, ``archive_records``, ``live_ids``.

What every implementation keeps (crm/storage.py): a write is all or nothing; history is
newest first; unique values are claimed and released with the write; missing and archived
ids are reported as facts, never raised; nothing crosses from one portal to another.
"""

from __future__ import annotations

import asyncio

import pytest

from localspot.crm.model import HistoryEntry, Record
from localspot.crm.records_storage import NewRecord, RecordChange, UniqueClash
from localspot.crm.storage import Store, StoreRejected

from .conftest import AT, CALLS, CONTACTS, Run

TYPE = CALLS.type_id
KEY = "call_key"  # a unique-value property, as the domain would flag it
OTHER_KEY = "call_code"
BEYOND_BIGINT = 2**63  # a time no BIGINT column can hold: the database refuses the write


def keyed(title: str, key: str, **more: str) -> NewRecord:
    return NewRecord({"hs_call_title": title, KEY: key, **more}, frozenset({KEY}))


def insert(store: Store, run: Run, portal: int, *records: NewRecord, at: int = AT) -> list[Record]:
    result = run(store.insert_records(portal, TYPE, records, at))
    assert not result.clashes
    return [result.records[position] for position in range(len(records))]


def titled(store: Store, run: Run, portal: int, *titles: str) -> list[Record]:
    return insert(store, run, portal, *(NewRecord({"hs_call_title": t}) for t in titles))


def read(store: Store, run: Run, portal: int, record_id: int, *history: str) -> Record:
    return run(store.read_records(portal, TYPE, [record_id], history_names=history))[record_id]


# --- insert and read --------------------------------------------------------------------------


def test_inserted_records_come_back_in_input_order_with_their_values_and_times(
    store: Store, run: Run, portal: int
) -> None:
    first, second = titled(store, run, portal, "first", "second")
    assert first.id != second.id
    assert (first.properties, first.created_at, first.updated_at) == (
        {"hs_call_title": "first"},
        AT,
        AT,
    )
    stored = run(store.read_records(portal, TYPE, [first.id, second.id]))
    assert stored == {
        first.id: Record(first.id, {"hs_call_title": "first"}, AT, AT),
        second.id: Record(second.id, {"hs_call_title": "second"}, AT, AT),
    }


def test_an_empty_insert_creates_nothing(store: Store, run: Run, portal: int) -> None:
    result = run(store.insert_records(portal, TYPE, [], AT))
    assert (dict(result.records), dict(result.clashes)) == ({}, {})
    assert run(store.list_records(portal, TYPE, after=None, limit=10)).records == ()


def test_reading_skips_unknown_ids(store: Store, run: Run, portal: int) -> None:
    (record,) = titled(store, run, portal, "only")
    assert list(run(store.read_records(portal, TYPE, [record.id, 987_654_321]))) == [record.id]


def test_each_inserted_value_gets_one_history_entry_with_its_source(
    store: Store, run: Run, portal: int
) -> None:
    new = NewRecord({"hs_call_title": "t", "hs_call_body": "b"}, source_id="importer-7")
    (record,) = insert(store, run, portal, new)
    assert read(store, run, portal, record.id, "hs_call_title", "hs_call_body").history == {
        "hs_call_title": (HistoryEntry("t", AT, "API", "importer-7"),),
        "hs_call_body": (HistoryEntry("b", AT, "API", "importer-7"),),
    }


def test_history_comes_only_for_the_names_asked_for(store: Store, run: Run, portal: int) -> None:
    (record,) = insert(store, run, portal, NewRecord({"hs_call_title": "t", "hs_call_body": "b"}))
    assert read(store, run, portal, record.id).history is None
    assert read(store, run, portal, record.id, "hs_call_body").history == {
        "hs_call_body": (HistoryEntry("b", AT, "API", None),)
    }
    assert read(store, run, portal, record.id, "hs_call_status").history == {}


# --- updates and history ----------------------------------------------------------------------


def test_an_update_merges_values_and_moves_only_updated_at(
    store: Store, run: Run, portal: int
) -> None:
    (record,) = insert(store, run, portal, NewRecord({"hs_call_title": "t", "hs_call_body": "b"}))
    change = RecordChange(record.id, {"hs_call_body": "new body", "hs_call_status": "COMPLETED"})
    result = run(store.apply_updates(portal, TYPE, [change], AT + 5))
    expected = Record(
        record.id,
        {"hs_call_title": "t", "hs_call_body": "new body", "hs_call_status": "COMPLETED"},
        AT,
        AT + 5,
    )
    assert dict(result.records) == {record.id: expected}
    assert (result.missing, dict(result.clashes)) == (frozenset(), {})
    assert read(store, run, portal, record.id) == expected


def test_history_is_newest_first(store: Store, run: Run, portal: int) -> None:
    (record,) = titled(store, run, portal, "v0")
    for n in (1, 2, 3):
        change = RecordChange(record.id, {"hs_call_title": f"v{n}"}, source_id=f"s{n}")
        run(store.apply_updates(portal, TYPE, [change], AT + n))
    assert read(store, run, portal, record.id, "hs_call_title").history == {
        "hs_call_title": (
            HistoryEntry("v3", AT + 3, "API", "s3"),
            HistoryEntry("v2", AT + 2, "API", "s2"),
            HistoryEntry("v1", AT + 1, "API", "s1"),
            HistoryEntry("v0", AT, "API", None),
        )
    }


def test_writing_the_value_a_property_holds_adds_no_history(
    store: Store, run: Run, portal: int
) -> None:
    (record,) = titled(store, run, portal, "same")
    run(
        store.apply_updates(
            portal, TYPE, [RecordChange(record.id, {"hs_call_title": "same"})], AT + 1
        )
    )
    history = read(store, run, portal, record.id, "hs_call_title").history
    assert history == {"hs_call_title": (HistoryEntry("same", AT, "API", None),)}


def test_an_empty_string_clears_a_value_and_is_recorded(
    store: Store, run: Run, portal: int
) -> None:
    (record,) = titled(store, run, portal, "t")
    run(store.apply_updates(portal, TYPE, [RecordChange(record.id, {"hs_call_title": ""})], AT + 1))
    cleared = read(store, run, portal, record.id, "hs_call_title")
    assert cleared.properties == {"hs_call_title": ""}
    assert cleared.history == {
        "hs_call_title": (HistoryEntry("", AT + 1, "API", None), HistoryEntry("t", AT, "API", None))
    }


def test_an_empty_update_writes_nothing(store: Store, run: Run, portal: int) -> None:
    result = run(store.apply_updates(portal, TYPE, [], AT))
    assert (dict(result.records), result.missing, dict(result.clashes)) == ({}, frozenset(), {})


def test_missing_and_archived_ids_are_reported_and_the_others_written(
    store: Store, run: Run, portal: int
) -> None:
    live, archived = titled(store, run, portal, "live", "archived")
    run(store.archive_records(portal, TYPE, [archived.id], AT + 1))
    changes = [
        RecordChange(987_654_321, {"hs_call_title": "x"}),
        RecordChange(archived.id, {"hs_call_title": "x"}),
        RecordChange(live.id, {"hs_call_title": "x"}),
    ]
    result = run(store.apply_updates(portal, TYPE, changes, AT + 2))
    assert result.missing == frozenset({987_654_321, archived.id})
    assert list(result.records) == [live.id]
    gone = run(store.read_records(portal, TYPE, [archived.id], archived=True))[archived.id]
    assert gone.properties == {"hs_call_title": "archived"}


def test_ids_of_another_portal_are_reported_missing_and_left_alone(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    (theirs,) = titled(store, run, other_portal, "theirs")
    change = RecordChange(theirs.id, {"hs_call_title": "mine now"})
    result = run(store.apply_updates(portal, TYPE, [change], AT + 1))
    assert (dict(result.records), result.missing) == ({}, frozenset({theirs.id}))
    assert run(store.read_records(portal, TYPE, [theirs.id])) == {}
    assert read(store, run, other_portal, theirs.id) == theirs


def test_ids_of_another_object_type_are_reported_missing(
    store: Store, run: Run, portal: int
) -> None:
    (call,) = titled(store, run, portal, "a call")
    change = RecordChange(call.id, {"firstname": "Ada"})
    result = run(store.apply_updates(portal, CONTACTS.type_id, [change], AT + 1))
    assert result.missing == frozenset({call.id})
    assert run(store.read_records(portal, CONTACTS.type_id, [call.id])) == {}
    assert read(store, run, portal, call.id) == call


def test_an_update_the_database_refuses_writes_nothing(store: Store, run: Run, portal: int) -> None:
    first, second = titled(store, run, portal, "first", "second")
    changes = [
        RecordChange(first.id, {KEY: "claimed", "hs_call_title": "changed"}, frozenset({KEY})),
        RecordChange(second.id, {"hs_call_title": "changed"}),
    ]
    with pytest.raises(StoreRejected):
        run(store.apply_updates(portal, TYPE, changes, BEYOND_BIGINT))
    assert run(store.resolve_unique(portal, TYPE, KEY, ["claimed"])) == {}
    for record in (first, second):
        after = read(store, run, portal, record.id, "hs_call_title")
        assert (after.properties, after.updated_at) == (record.properties, AT)
        assert len(after.history["hs_call_title"]) == 1  # type: ignore[index]


def test_an_insert_the_database_refuses_creates_nothing(
    store: Store, run: Run, portal: int
) -> None:
    records = [keyed("a", "k-a"), keyed("b", "k-b")]
    with pytest.raises(StoreRejected):
        run(store.insert_records(portal, TYPE, records, BEYOND_BIGINT))
    assert run(store.list_records(portal, TYPE, after=None, limit=10)).records == ()
    assert run(store.resolve_unique(portal, TYPE, KEY, ["k-a", "k-b"])) == {}


# --- unique values ----------------------------------------------------------------------------


def test_an_inserted_unique_value_is_claimed_for_its_record(
    store: Store, run: Run, portal: int
) -> None:
    first, second = insert(store, run, portal, keyed("a", "k-1"), keyed("b", "k-2"))
    found = run(store.resolve_unique(portal, TYPE, KEY, ["k-1", "k-2", "k-unknown"]))
    assert found == {"k-1": first.id, "k-2": second.id}


def test_an_insert_clashing_on_a_held_value_creates_only_the_others(
    store: Store, run: Run, portal: int
) -> None:
    (holder,) = insert(store, run, portal, keyed("holder", "taken"))
    result = run(
        store.insert_records(portal, TYPE, [keyed("free", "free"), keyed("x", "taken")], AT)
    )
    assert dict(result.clashes) == {1: UniqueClash(KEY, "taken", holder.id)}
    assert list(result.records) == [0]
    listed = run(store.list_records(portal, TYPE, after=None, limit=10)).records
    assert [r.properties["hs_call_title"] for r in listed] == ["holder", "free"]


def test_two_inputs_of_one_batch_claiming_one_value_the_first_wins(
    store: Store, run: Run, portal: int
) -> None:
    result = run(store.insert_records(portal, TYPE, [keyed("a", "same"), keyed("b", "same")], AT))
    winner = result.records[0]
    assert dict(result.clashes) == {1: UniqueClash(KEY, "same", winner.id)}
    assert run(store.resolve_unique(portal, TYPE, KEY, ["same"])) == {"same": winner.id}


def test_a_record_that_loses_one_value_keeps_none_of_its_claims(
    store: Store, run: Run, portal: int
) -> None:
    insert(store, run, portal, keyed("holder", "taken"))
    both = NewRecord({KEY: "taken", OTHER_KEY: "free code"}, frozenset({KEY, OTHER_KEY}))
    result = run(store.insert_records(portal, TYPE, [both], AT))
    assert list(result.clashes) == [0]
    assert run(store.resolve_unique(portal, TYPE, OTHER_KEY, ["free code"])) == {}


def test_changing_a_unique_value_releases_the_old_one(store: Store, run: Run, portal: int) -> None:
    (record,) = insert(store, run, portal, keyed("a", "old"))
    change = RecordChange(record.id, {KEY: "new"}, frozenset({KEY}))
    run(store.apply_updates(portal, TYPE, [change], AT + 1))
    assert run(store.resolve_unique(portal, TYPE, KEY, ["old", "new"])) == {"new": record.id}
    (claimer,) = insert(store, run, portal, keyed("b", "old"))
    assert run(store.resolve_unique(portal, TYPE, KEY, ["old"])) == {"old": claimer.id}


def test_clearing_a_unique_value_releases_it(store: Store, run: Run, portal: int) -> None:
    (record,) = insert(store, run, portal, keyed("a", "held"))
    run(
        store.apply_updates(
            portal, TYPE, [RecordChange(record.id, {KEY: ""}, frozenset({KEY}))], AT + 1
        )
    )
    assert run(store.resolve_unique(portal, TYPE, KEY, ["held", ""])) == {}


def test_an_update_clashing_on_a_held_value_writes_nothing_for_that_record(
    store: Store, run: Run, portal: int
) -> None:
    holder, loser = insert(store, run, portal, keyed("holder", "taken"), keyed("loser", "mine"))
    (bystander,) = titled(store, run, portal, "bystander")
    changes = [
        RecordChange(loser.id, {KEY: "taken", "hs_call_title": "renamed"}, frozenset({KEY})),
        RecordChange(bystander.id, {"hs_call_title": "renamed"}),
    ]
    result = run(store.apply_updates(portal, TYPE, changes, AT + 1))
    assert dict(result.clashes) == {loser.id: UniqueClash(KEY, "taken", holder.id)}
    assert list(result.records) == [bystander.id]
    assert read(store, run, portal, loser.id) == loser
    assert run(store.resolve_unique(portal, TYPE, KEY, ["taken", "mine"])) == {
        "taken": holder.id,
        "mine": loser.id,
    }


def test_archiving_releases_unique_values(store: Store, run: Run, portal: int) -> None:
    (record,) = insert(store, run, portal, keyed("a", "held"))
    run(store.archive_records(portal, TYPE, [record.id], AT + 1))
    assert run(store.resolve_unique(portal, TYPE, KEY, ["held"])) == {}
    (claimer,) = insert(store, run, portal, keyed("b", "held"))
    assert run(store.resolve_unique(portal, TYPE, KEY, ["held"])) == {"held": claimer.id}


def test_unique_values_are_held_per_portal(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    (mine,) = insert(store, run, portal, keyed("a", "shared"))
    (theirs,) = insert(store, run, other_portal, keyed("b", "shared"))
    assert run(store.resolve_unique(portal, TYPE, KEY, ["shared"])) == {"shared": mine.id}
    assert run(store.resolve_unique(other_portal, TYPE, KEY, ["shared"])) == {"shared": theirs.id}


# --- upsert -----------------------------------------------------------------------------------


def test_upsert_creates_a_record_for_a_value_nobody_holds(
    store: Store, run: Run, portal: int
) -> None:
    records, created, clashes = run(
        store.upsert_records(portal, TYPE, KEY, [("fresh", keyed("new", "fresh"))], AT)
    )
    assert (created, clashes) == ({0: True}, {})
    assert records[0].properties == {"hs_call_title": "new", KEY: "fresh"}
    assert run(store.resolve_unique(portal, TYPE, KEY, ["fresh"])) == {"fresh": records[0].id}


def test_upsert_updates_the_holder_of_a_held_value(store: Store, run: Run, portal: int) -> None:
    (holder,) = insert(store, run, portal, keyed("old", "held", hs_call_body="kept"))
    records, created, clashes = run(
        store.upsert_records(portal, TYPE, KEY, [("held", keyed("new", "held"))], AT + 1)
    )
    assert (created, clashes) == ({0: False}, {})
    assert records[0] == Record(
        holder.id, {"hs_call_title": "new", KEY: "held", "hs_call_body": "kept"}, AT, AT + 1
    )


def test_upsert_reports_a_clash_on_another_unique_property(
    store: Store, run: Run, portal: int
) -> None:
    code_holder = NewRecord({OTHER_KEY: "code"}, frozenset({OTHER_KEY}))
    (holder,) = insert(store, run, portal, code_holder)
    both = NewRecord({KEY: "fresh", OTHER_KEY: "code"}, frozenset({KEY, OTHER_KEY}))
    records, created, clashes = run(store.upsert_records(portal, TYPE, KEY, [("fresh", both)], AT))
    assert (records, created) == ({}, {})
    assert clashes == {0: UniqueClash(OTHER_KEY, "code", holder.id)}
    assert run(store.resolve_unique(portal, TYPE, KEY, ["fresh"])) == {}


# --- listing, archiving, live ids -------------------------------------------------------------


def test_list_pages_in_id_order_and_names_the_next_id(store: Store, run: Run, portal: int) -> None:
    made = titled(store, run, portal, "a", "b", "c")
    first = run(store.list_records(portal, TYPE, after=None, limit=2))
    assert [r.id for r in first.records] == [made[0].id, made[1].id]
    assert first.next_after == made[2].id
    last = run(store.list_records(portal, TYPE, after=first.next_after, limit=2))
    assert ([r.id for r in last.records], last.next_after) == ([made[2].id], None)


def test_list_shows_live_records_or_only_archived_ones(store: Store, run: Run, portal: int) -> None:
    live, gone = titled(store, run, portal, "live", "gone")
    run(store.archive_records(portal, TYPE, [gone.id], AT + 1))
    assert [r.id for r in run(store.list_records(portal, TYPE, after=None, limit=10)).records] == [
        live.id
    ]
    archived = run(store.list_records(portal, TYPE, after=None, limit=10, archived=True))
    assert [(r.id, r.archived, r.archived_at) for r in archived.records] == [
        (gone.id, True, AT + 1)
    ]


def test_list_shows_only_the_portals_records_of_the_type(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    (mine,) = titled(store, run, portal, "mine")
    titled(store, run, other_portal, "theirs")
    run(store.insert_records(portal, CONTACTS.type_id, [NewRecord({"firstname": "Ada"})], AT))
    assert [r.id for r in run(store.list_records(portal, TYPE, after=None, limit=10)).records] == [
        mine.id
    ]


def test_an_archived_record_is_read_only_with_archived_true(
    store: Store, run: Run, portal: int
) -> None:
    (record,) = titled(store, run, portal, "t")
    run(store.archive_records(portal, TYPE, [record.id], AT + 1))
    assert run(store.read_records(portal, TYPE, [record.id])) == {}
    assert run(store.read_records(portal, TYPE, [record.id], archived=True)) == {
        record.id: Record(record.id, {"hs_call_title": "t"}, AT, AT, True, AT + 1)
    }


def test_archiving_again_keeps_the_first_archive_time(store: Store, run: Run, portal: int) -> None:
    (record,) = titled(store, run, portal, "t")
    run(store.archive_records(portal, TYPE, [record.id], AT + 1))
    run(store.archive_records(portal, TYPE, [record.id], AT + 2))
    gone = run(store.read_records(portal, TYPE, [record.id], archived=True))[record.id]
    assert gone.archived_at == AT + 1


def test_archiving_another_portals_record_changes_nothing(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    (theirs,) = titled(store, run, other_portal, "theirs")
    run(store.archive_records(portal, TYPE, [theirs.id, 987_654_321], AT + 1))
    assert read(store, run, other_portal, theirs.id) == theirs


def test_live_ids_are_the_live_records_of_the_portal_and_type(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    live, gone = titled(store, run, portal, "live", "gone")
    run(store.archive_records(portal, TYPE, [gone.id], AT + 1))
    (theirs,) = titled(store, run, other_portal, "theirs")
    asked = [live.id, gone.id, theirs.id, 987_654_321]
    assert run(store.live_ids(portal, TYPE, asked)) == frozenset({live.id})
    assert run(store.live_ids(portal, CONTACTS.type_id, asked)) == frozenset()


# --- concurrency ------------------------------------------------------------------------------


def test_concurrent_updates_of_the_same_records_both_complete_with_consistent_history(
    backend: str, store: Store, run: Run, portal: int
) -> None:
    """PostgreSQL runs two writers at once (rows locked in id order); SQLite has one writer."""
    if backend != "postgres":
        pytest.skip("SQLite runs one write at a time: there is no concurrent writer to meet")
    records = titled(store, run, portal, *(f"t{n}" for n in range(40)))
    ids = [r.id for r in records]

    async def both() -> None:
        for round_ in range(5):
            a = [
                RecordChange(i, {"hs_call_title": f"a{round_}", "hs_call_body": f"a{round_}"})
                for i in ids
            ]
            b = [
                RecordChange(i, {"hs_call_title": f"b{round_}", "hs_call_status": f"b{round_}"})
                for i in reversed(ids)
            ]
            done = await asyncio.gather(
                store.apply_updates(portal, TYPE, a, AT + 1 + round_),
                store.apply_updates(portal, TYPE, b, AT + 1 + round_),
            )
            assert all(set(result.records) == set(ids) for result in done)

    run(both())
    names = ("hs_call_title", "hs_call_body", "hs_call_status")
    for record in run(store.read_records(portal, TYPE, ids, history_names=names)).values():
        assert record.history is not None
        titles = record.history["hs_call_title"]
        assert len(titles) == 11  # the insert and both writers' five rounds: none lost
        assert titles[0].value == record.properties["hs_call_title"]
        assert record.properties["hs_call_body"] == "a4"  # neither writer lost the other's
        assert record.properties["hs_call_status"] == "b4"
        assert [e.value for e in record.history["hs_call_body"]] == [
            f"a{n}" for n in range(4, -1, -1)
        ]
        assert [e.timestamp for e in titles] == sorted((e.timestamp for e in titles), reverse=True)
