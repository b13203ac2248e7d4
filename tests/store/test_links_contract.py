"""Store contract, links role: ``add_links``, ``remove_links``, ``links_of``.

The domain hands over both directions of every association (call → contact 194, contact →
call 193); a store keeps what it is given, checks that both ends are live records of the
portal, and never shows a link whose far end is archived.
"""

from __future__ import annotations

from localspot.crm.links_storage import Link, LinkTarget, Unlink
from localspot.crm.records_storage import NewRecord
from localspot.crm.storage import Store

from .conftest import AT, CALLS, CONTACTS, Run

CALL, CONTACT = CALLS.type_id, CONTACTS.type_id
CALL_TO_CONTACT, CONTACT_TO_CALL = 194, 193
CATEGORY = "HUBSPOT_DEFINED"


def make(store: Store, run: Run, portal: int, type_id: str, count: int = 1) -> list[int]:
    records = [NewRecord({"hs_call_title" if type_id == CALL else "firstname": "x"})] * count
    result = run(store.insert_records(portal, type_id, records, AT))
    return [result.records[n].id for n in range(count)]


def both_ways(call: int, contact: int) -> list[Link]:
    return [
        Link(CALL, call, CONTACT, contact, CALL_TO_CONTACT, CATEGORY),
        Link(CONTACT, contact, CALL, call, CONTACT_TO_CALL, CATEGORY),
    ]


def test_a_link_written_both_ways_reads_from_either_end(
    store: Store, run: Run, portal: int
) -> None:
    (call,), (contact,) = make(store, run, portal, CALL), make(store, run, portal, CONTACT)
    forward, reverse = both_ways(call, contact)
    assert run(store.add_links(portal, [forward, reverse], AT)) == []
    assert run(store.links_of(portal, [call], CONTACT)) == [forward]
    assert run(store.links_of(portal, [contact], CALL)) == [reverse]


def test_links_to_missing_archived_or_foreign_records_are_returned_and_not_written(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    (call,) = make(store, run, portal, CALL)
    live, archived = make(store, run, portal, CONTACT, 2)
    run(store.archive_records(portal, CONTACT, [archived], AT + 1))
    (foreign,) = make(store, run, other_portal, CONTACT)
    refused = [
        Link(CALL, call, CONTACT, 987_654_321, CALL_TO_CONTACT, CATEGORY),
        Link(CALL, call, CONTACT, archived, CALL_TO_CONTACT, CATEGORY),
        Link(CALL, call, CONTACT, foreign, CALL_TO_CONTACT, CATEGORY),
        Link(CONTACT, foreign, CALL, call, CONTACT_TO_CALL, CATEGORY),
    ]
    written = Link(CALL, call, CONTACT, live, CALL_TO_CONTACT, CATEGORY)
    assert run(store.add_links(portal, [*refused, written], AT)) == refused
    assert run(store.links_of(portal, [call], CONTACT)) == [written]
    assert run(store.links_of(other_portal, [foreign], CALL)) == []


def test_adding_a_link_that_exists_keeps_one(store: Store, run: Run, portal: int) -> None:
    (call,), (contact,) = make(store, run, portal, CALL), make(store, run, portal, CONTACT)
    run(store.add_links(portal, both_ways(call, contact), AT))
    assert run(store.add_links(portal, both_ways(call, contact), AT)) == []
    assert len(run(store.links_of(portal, [call], CONTACT))) == 1


def test_links_are_ordered_by_from_id_to_id_and_type_id(
    store: Store, run: Run, portal: int
) -> None:
    calls = make(store, run, portal, CALL, 2)
    contacts = make(store, run, portal, CONTACT, 2)
    links = [
        Link(CALL, c, CONTACT, p, t, CATEGORY if t == CALL_TO_CONTACT else "USER_DEFINED")
        for c in reversed(calls)
        for p in reversed(contacts)
        for t in (CALL_TO_CONTACT, 7)
    ]
    run(store.add_links(portal, links, AT))
    found = run(store.links_of(portal, calls, CONTACT))
    assert [(x.from_id, x.to_id, x.type_id) for x in found] == sorted(
        (x.from_id, x.to_id, x.type_id) for x in links
    )


def test_a_link_to_an_archived_record_is_hidden(store: Store, run: Run, portal: int) -> None:
    (call,) = make(store, run, portal, CALL)
    gone, kept = make(store, run, portal, CONTACT, 2)
    run(store.add_links(portal, both_ways(call, gone) + both_ways(call, kept), AT))
    run(store.archive_records(portal, CONTACT, [gone], AT + 1))
    assert [x.to_id for x in run(store.links_of(portal, [call], CONTACT))] == [kept]


def test_removing_without_type_ids_removes_every_type(store: Store, run: Run, portal: int) -> None:
    (call,), (contact,) = make(store, run, portal, CALL), make(store, run, portal, CONTACT)
    extra = Link(CALL, call, CONTACT, contact, 7, "USER_DEFINED")
    run(store.add_links(portal, [*both_ways(call, contact), extra], AT))
    run(store.remove_links(portal, [Unlink(call, CONTACT, contact)], AT))
    assert run(store.links_of(portal, [call], CONTACT)) == []


def test_removing_with_type_ids_removes_only_those_types(
    store: Store, run: Run, portal: int
) -> None:
    (call,), (contact,) = make(store, run, portal, CALL), make(store, run, portal, CONTACT)
    forward, _ = both_ways(call, contact)
    extra = Link(CALL, call, CONTACT, contact, 7, "USER_DEFINED")
    run(store.add_links(portal, [forward, extra], AT))
    run(store.remove_links(portal, [Unlink(call, CONTACT, contact, frozenset({7}))], AT))
    assert run(store.links_of(portal, [call], CONTACT)) == [forward]


def test_a_removal_names_one_direction(store: Store, run: Run, portal: int) -> None:
    (call,), (contact,) = make(store, run, portal, CALL), make(store, run, portal, CONTACT)
    forward, reverse = both_ways(call, contact)
    run(store.add_links(portal, [forward, reverse], AT))
    run(store.remove_links(portal, [Unlink(call, CONTACT, contact)], AT))
    assert run(store.links_of(portal, [call], CONTACT)) == []
    assert run(store.links_of(portal, [contact], CALL)) == [reverse]


def test_many_removals_are_applied_together(store: Store, run: Run, portal: int) -> None:
    (call,) = make(store, run, portal, CALL)
    contacts = make(store, run, portal, CONTACT, 3)
    for contact in contacts:
        run(store.add_links(portal, both_ways(call, contact), AT))
    removals = [Unlink(call, CONTACT, c) for c in contacts[:2]]
    removals += [Unlink(c, CALL, call, frozenset({CONTACT_TO_CALL})) for c in contacts[:2]]
    run(store.remove_links(portal, removals, AT))
    assert [x.to_id for x in run(store.links_of(portal, [call], CONTACT))] == [contacts[2]]
    assert run(store.links_of(portal, contacts[:2], CALL)) == []


def test_another_portal_can_neither_see_nor_remove_a_portals_links(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    (call,), (contact,) = make(store, run, portal, CALL), make(store, run, portal, CONTACT)
    forward, reverse = both_ways(call, contact)
    run(store.add_links(portal, [forward, reverse], AT))
    assert run(store.links_of(other_portal, [call], CONTACT)) == []
    run(store.remove_links(other_portal, [Unlink(call, CONTACT, contact)], AT))
    assert run(store.links_of(portal, [call], CONTACT)) == [forward]


def test_inline_links_of_created_records_are_written_both_ways(
    store: Store, run: Run, portal: int
) -> None:
    (contact,) = make(store, run, portal, CONTACT)
    target = LinkTarget(CONTACT, contact, CALL_TO_CONTACT, CONTACT_TO_CALL, CATEGORY)
    created = run(store.insert_records(portal, CALL, [NewRecord({}, links=(target,))], AT))
    call = created.records[0].id
    assert run(store.links_of(portal, [call], CONTACT)) == [both_ways(call, contact)[0]]
    assert run(store.links_of(portal, [contact], CALL)) == [both_ways(call, contact)[1]]
