"""Store contract, portal admin role: ``reset_portal``, ``delete_portal``, ``dump_portal``,
``restore_portal``, ``set_id_seed``, ``import_records`` (the admin API's and the CLI's
whole-portal operations, each one transaction)."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from localspot.crm.accounts import hash_token
from localspot.crm.links_storage import Link
from localspot.crm.model import HistoryEntry, PropertyDefinition, PropertyGroup
from localspot.crm.portal_admin_storage import RecordDump, RestoreResult
from localspot.crm.records_storage import NewRecord, RecordChange, UniqueClash
from localspot.crm.storage import Store, StoreRejected

from .conftest import AT, CALLS, CONTACTS, Run

CALL, CONTACT = CALLS.type_id, CONTACTS.type_id
KEY = "call_key"
SEEDED_BASE, BLOCK = 1_000_000_000, 10_000_000  # store/id_sequences.py, docs/operations.md
CUSTOM = PropertyDefinition("call_key", "Key", "string", "text", "call_information")
GROUP = PropertyGroup("my_group", "Mine", 4)


def keyed(title: str, key: str) -> NewRecord:
    return NewRecord({"hs_call_title": title, KEY: key}, frozenset({KEY}))


def populate(store: Store, run: Run, portal: int) -> tuple[int, int]:
    """A call with a unique value, history and a link to a contact; a custom property and a
    group. Returns (call id, contact id)."""
    run(store.create_properties(portal, CALL, [CUSTOM], max_unique=10))
    run(store.save_property_group(portal, CALL, GROUP))
    call = run(store.insert_records(portal, CALL, [keyed("first", "k-1")], AT)).records[0].id
    run(
        store.apply_updates(portal, CALL, [RecordChange(call, {"hs_call_title": "second"})], AT + 1)
    )
    contact = run(store.insert_records(portal, CONTACT, [NewRecord({"firstname": "Ada"})], AT))
    contact_id = contact.records[0].id
    run(
        store.add_links(
            portal,
            [
                Link(CALL, call, CONTACT, contact_id, 194, "HUBSPOT_DEFINED"),
                Link(CONTACT, contact_id, CALL, call, 193, "HUBSPOT_DEFINED"),
            ],
            AT,
        )
    )
    return call, contact_id


def seed_of(portal: int) -> int:
    """A seed no other test of the module uses (seeded ids are unique across portals)."""
    return 1_000 + portal


def seeded(seed: int, *positions: int) -> list[int]:
    return [SEEDED_BASE + seed * BLOCK + p for p in positions]


def created_ids(store: Store, run: Run, portal: int, count: int) -> list[int]:
    records = [NewRecord({"hs_call_title": f"t{n}"}) for n in range(count)]
    result = run(store.insert_records(portal, CALL, records, AT))
    return [result.records[n].id for n in range(count)]


# --- reset and delete -------------------------------------------------------------------------


def test_reset_removes_records_history_unique_values_and_links(
    store: Store, run: Run, portal: int
) -> None:
    call, contact = populate(store, run, portal)
    assert run(store.reset_portal(portal, keep_custom_properties=True)) is True
    assert run(store.list_records(portal, CALL, after=None, limit=10)).records == ()
    assert run(store.list_records(portal, CONTACT, after=None, limit=10)).records == ()
    assert run(store.resolve_unique(portal, CALL, KEY, ["k-1"])) == {}
    assert run(store.links_of(portal, [contact], CALL)) == []
    dump = run(store.dump_portal(portal))
    assert dump is not None and (dump.records, dump.associations) == ((), ())
    assert run(store.portal_exists(portal)) is True


def test_reset_keeps_custom_properties_and_groups_when_asked(
    store: Store, run: Run, portal: int
) -> None:
    populate(store, run, portal)
    run(store.reset_portal(portal, keep_custom_properties=True))
    assert list(run(store.custom_properties(portal, CALL))) == [CUSTOM]
    assert list(run(store.property_groups(portal, CALL))) == [GROUP]


def test_reset_removes_custom_properties_and_groups_otherwise(
    store: Store, run: Run, portal: int
) -> None:
    populate(store, run, portal)
    run(store.reset_portal(portal, keep_custom_properties=False))
    assert list(run(store.custom_properties(portal, CALL))) == []
    assert list(run(store.property_groups(portal, CALL))) == []


def test_reset_keeps_the_portals_tokens(store: Store, run: Run, portal: int) -> None:
    token = hash_token(f"pat-na1-{uuid.uuid4()}")
    run(store.create_token(portal, token, ["crm.objects.contacts.read"], "private_app"))
    run(store.reset_portal(portal, keep_custom_properties=False))
    grant = run(store.find_token(token))
    assert grant is not None and grant.portal_id == portal


def test_reset_leaves_other_portals_alone(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    populate(store, run, other_portal)
    before = run(store.dump_portal(other_portal))
    run(store.reset_portal(portal, keep_custom_properties=False))
    assert run(store.dump_portal(other_portal)) == before


def test_reset_of_an_unknown_portal_answers_false(store: Store, run: Run) -> None:
    assert run(store.reset_portal(987_654_321, keep_custom_properties=False)) is False


def test_delete_removes_the_portal_its_tokens_and_everything_it_holds(
    store: Store, run: Run, portal: int
) -> None:
    call, _ = populate(store, run, portal)
    token = hash_token(f"pat-na1-{uuid.uuid4()}")
    run(store.create_token(portal, token, ["crm.objects.contacts.read"], "private_app"))
    assert run(store.delete_portal(portal)) is True
    assert run(store.portal_exists(portal)) is False
    assert run(store.find_token(token)) is None
    assert run(store.dump_portal(portal)) is None
    assert run(store.read_records(portal, CALL, [call])) == {}


def test_delete_leaves_other_portals_alone(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    populate(store, run, other_portal)
    before = run(store.dump_portal(other_portal))
    run(store.delete_portal(portal))
    assert run(store.dump_portal(other_portal)) == before


def test_delete_of_an_unknown_portal_answers_false(store: Store, run: Run) -> None:
    assert run(store.delete_portal(987_654_321)) is False


# --- dump and restore -------------------------------------------------------------------------


def test_a_dump_holds_records_with_history_oldest_first_definitions_groups_and_links(
    store: Store, run: Run
) -> None:
    portal = run(store.create_portal("dumped", "professional", "Europe/Paris"))
    call, contact = populate(store, run, portal)
    dump = run(store.dump_portal(portal))
    assert dump is not None
    assert (dump.name, dump.tier, dump.timezone) == ("dumped", "professional", "Europe/Paris")
    assert (dump.properties, dump.groups) == (((CALL, CUSTOM),), ((CALL, GROUP),))
    assert dump.records == (
        RecordDump(CONTACT, contact, {"firstname": "Ada"}, AT, AT, history=(
            ("firstname", HistoryEntry("Ada", AT, "API")),
        )),
        RecordDump(CALL, call, {"hs_call_title": "second", KEY: "k-1"}, AT, AT + 1, history=(
            ("hs_call_title", HistoryEntry("first", AT, "API")),
            (KEY, HistoryEntry("k-1", AT, "API")),
            ("hs_call_title", HistoryEntry("second", AT + 1, "API")),
        )),
    )  # fmt: skip
    links = sorted((row["from_id"], row["to_id"], row["type_id"]) for row in dump.associations)
    assert links == sorted([(call, contact, 194), (contact, call, 193)])
    assert (dump.id_seed, dump.next_id_position) == (None, 1)


def test_a_dump_of_an_unknown_portal_is_none(store: Store, run: Run) -> None:
    assert run(store.dump_portal(987_654_321)) is None


def test_restoring_a_dump_brings_back_the_state_it_was_taken_in(
    store: Store, run: Run, portal: int
) -> None:
    call, contact = populate(store, run, portal)
    before = run(store.dump_portal(portal))
    assert before is not None
    run(store.apply_updates(portal, CALL, [RecordChange(call, {"hs_call_title": "later"})], AT + 2))
    run(store.archive_records(portal, CONTACT, [contact], AT + 3))
    run(store.save_property_group(portal, CALL, PropertyGroup("later", "Later")))
    created_ids(store, run, portal, 2)
    assert run(store.restore_portal(portal, before)) == RestoreResult(found=True)
    assert run(store.dump_portal(portal)) == before
    assert [x.to_id for x in run(store.links_of(portal, [call], CONTACT))] == [contact]


def test_a_restore_claims_the_unique_values_of_live_records_only(
    store: Store, run: Run, portal: int
) -> None:
    live, gone = created_ids(store, run, portal, 2)
    dump = run(store.dump_portal(portal))
    assert dump is not None
    unique = frozenset({KEY})
    records = (
        dataclasses.replace(dump.records[0], properties={KEY: "live"}, unique_names=unique),
        dataclasses.replace(
            dump.records[1], properties={KEY: "gone"}, unique_names=unique,
            archived=True, archived_at=AT + 1,
        ),
    )  # fmt: skip
    run(store.restore_portal(portal, dataclasses.replace(dump, records=records)))
    assert run(store.resolve_unique(portal, CALL, KEY, ["live", "gone"])) == {"live": live}
    assert run(store.read_records(portal, CALL, [gone], archived=True))[gone].archived_at == AT + 1


def test_restore_into_an_unknown_portal_is_not_found(store: Store, run: Run, portal: int) -> None:
    populate(store, run, portal)
    dump = run(store.dump_portal(portal))
    assert dump is not None
    assert run(store.restore_portal(987_654_321, dump)) == RestoreResult(found=False)


def test_restoring_ids_another_portal_holds_writes_nothing(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    populate(store, run, portal)
    dump = run(store.dump_portal(portal))
    assert dump is not None
    (kept,) = created_ids(store, run, other_portal, 1)
    before = run(store.dump_portal(other_portal))
    result = run(store.restore_portal(other_portal, dump))
    assert result == RestoreResult(found=True, held_elsewhere=frozenset(r.id for r in dump.records))
    assert run(store.dump_portal(other_portal)) == before
    assert list(run(store.read_records(other_portal, CALL, [kept]))) == [kept]


def test_ids_restored_into_a_portal_are_not_given_to_new_records(
    store: Store, run: Run, portal: int
) -> None:
    populate(store, run, portal)
    dump = run(store.dump_portal(portal))
    assert dump is not None
    run(store.reset_portal(portal, keep_custom_properties=False))
    run(store.restore_portal(portal, dump))
    (new_id,) = created_ids(store, run, portal, 1)
    assert new_id not in {r.id for r in dump.records}


# --- seeded ids -------------------------------------------------------------------------------


def test_a_seeded_portal_takes_its_ids_from_its_seeds_block(
    store: Store, run: Run, portal: int
) -> None:
    seed = seed_of(portal)
    assert run(store.set_id_seed(portal, seed)) is True
    assert created_ids(store, run, portal, 3) == seeded(seed, 1, 2, 3)
    assert created_ids(store, run, portal, 1) == seeded(seed, 4)


def test_a_reset_starts_the_seeded_ids_again(store: Store, run: Run, portal: int) -> None:
    seed = seed_of(portal)
    run(store.set_id_seed(portal, seed))
    first = created_ids(store, run, portal, 2)
    run(store.reset_portal(portal, keep_custom_properties=True))
    assert created_ids(store, run, portal, 2) == first == seeded(seed, 1, 2)


def test_a_dump_carries_the_seed_and_a_restore_continues_it(
    store: Store, run: Run, portal: int
) -> None:
    seed = seed_of(portal)
    run(store.set_id_seed(portal, seed))
    created_ids(store, run, portal, 2)
    dump = run(store.dump_portal(portal))
    assert dump is not None and (dump.id_seed, dump.next_id_position) == (seed, 3)
    created_ids(store, run, portal, 5)
    run(store.restore_portal(portal, dump))
    assert created_ids(store, run, portal, 1) == seeded(seed, 3)


def test_without_a_seed_ids_come_from_the_databases_own_sequence(
    store: Store, run: Run, portal: int
) -> None:
    run(store.set_id_seed(portal, seed_of(portal)))
    run(store.set_id_seed(portal, None))
    assert all(i < SEEDED_BASE for i in created_ids(store, run, portal, 2))


def test_seeding_an_unknown_portal_answers_false(store: Store, run: Run) -> None:
    assert run(store.set_id_seed(987_654_321, 5)) is False


def test_an_insert_the_database_refuses_does_not_use_up_seeded_ids(
    store: Store, run: Run, portal: int
) -> None:
    seed = seed_of(portal)
    run(store.set_id_seed(portal, seed))
    with pytest.raises(StoreRejected):
        run(store.insert_records(portal, CALL, [NewRecord({})], 2**63))
    assert created_ids(store, run, portal, 1) == seeded(seed, 1)


# --- import -----------------------------------------------------------------------------------


def test_an_import_creates_every_record_and_reports_progress_for_all(
    store: Store, run: Run, portal: int
) -> None:
    records = [keyed(f"t{n}", f"k{n}") for n in range(1_500)]
    heard: list[int] = []
    result = run(store.import_records(portal, CALL, records, AT, heard.append))
    assert (len(result.records), dict(result.clashes), sum(heard)) == (1_500, {}, 1_500)
    assert result.records[1_499].properties == {"hs_call_title": "t1499", KEY: "k1499"}
    assert run(store.resolve_unique(portal, CALL, KEY, ["k0", "k1499"])) == {
        "k0": result.records[0].id,
        "k1499": result.records[1_499].id,
    }


def test_an_import_with_one_clash_writes_nothing_and_names_its_position(
    store: Store, run: Run, portal: int
) -> None:
    holder = run(store.insert_records(portal, CALL, [keyed("holder", "taken")], AT)).records[0]
    records = [keyed(f"t{n}", f"k{n}") for n in range(1_200)] + [keyed("late", "taken")]
    result = run(store.import_records(portal, CALL, records, AT))
    assert dict(result.records) == {}
    assert dict(result.clashes) == {1_200: UniqueClash(KEY, "taken", holder.id)}
    listed = run(store.list_records(portal, CALL, after=None, limit=10)).records
    assert [r.id for r in listed] == [holder.id]
    assert run(store.resolve_unique(portal, CALL, KEY, ["k0"])) == {}
