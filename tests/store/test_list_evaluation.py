"""``crm/list_membership.evaluate_all`` over the real store: every live record of the type is
judged once, page by page, with the live records linked to it when the filter reads an
associated type. The judge here is a plain function (the filter engine's own tests judge
real filter branches)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from localspot.crm.links_storage import Link
from localspot.crm.list_filters import LinkedRecords
from localspot.crm.list_membership import evaluate_all
from localspot.crm.model import Record
from localspot.crm.records_storage import NewRecord
from localspot.crm.storage import Store

from .conftest import AT, Run

CONTACTS, COMPANIES = "0-1", "0-2"


@dataclass(frozen=True)
class Tree:
    """What ``evaluate_all`` reads of a filter tree (it hands the tree to the judge)."""

    associated_types: frozenset[str] = frozenset()


TREE: Any = Tree()


def made(store: Store, run: Run, portal: int, type_id: str, *cities: str) -> list[int]:
    records = [NewRecord({"city": city}) for city in cities]
    created = run(store.insert_records(portal, type_id, records, AT))
    return [created.records[i].id for i in range(len(cities))]


def test_every_live_record_is_judged_once_across_pages(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    ids = made(store, run, portal, CONTACTS, *["Paris", "Rome"] * 6)
    made(store, run, other_portal, CONTACTS, "Paris")
    made(store, run, portal, COMPANIES, "Paris")
    run(store.archive_records(portal, CONTACTS, [ids[0]], AT))
    judged: list[int] = []

    def in_paris(tree: Any, record: Record, now: int, linked: LinkedRecords | None) -> bool:
        assert (tree, now, linked) == (TREE, AT + 1, None)
        judged.append(record.id)
        return record.properties.get("city") == "Paris"

    found = run(evaluate_all(store, portal, CONTACTS, TREE, AT + 1, matcher=in_paris, page_size=5))
    assert judged == ids[1:]
    assert found == ids[2::2]


def test_an_association_filter_sees_the_records_live_linked_records(
    store: Store, run: Run, portal: int
) -> None:
    people = made(store, run, portal, CONTACTS, "a", "b", "c")
    firms = made(store, run, portal, COMPANIES, "Paris", "Rome", "Paris")
    links = [(people[0], firms[0], 1), (people[0], firms[1], 279), (people[1], firms[2], 279)]
    run(
        store.add_links(
            portal,
            [Link(CONTACTS, p, COMPANIES, f, t, "HUBSPOT_DEFINED") for p, f, t in links]
            + [Link(COMPANIES, f, CONTACTS, p, t + 1, "HUBSPOT_DEFINED") for p, f, t in links],
            AT,
        )
    )
    run(store.archive_records(portal, COMPANIES, [firms[2]], AT))
    tree: Any = Tree(frozenset({COMPANIES}))
    seen: dict[int, tuple[list[str], list[str]]] = {}

    def linked_to_paris(tree: Any, record: Record, now: int, linked: LinkedRecords | None) -> bool:
        assert linked is not None
        every: Sequence[Record] = linked(COMPANIES, None)
        primary = linked(COMPANIES, 1)
        seen[record.id] = (
            [r.properties["city"] for r in every],
            [r.properties["city"] for r in primary],
        )
        return any(r.properties["city"] == "Paris" for r in every)

    found = run(evaluate_all(store, portal, CONTACTS, tree, AT, matcher=linked_to_paris))
    assert found == [people[0]]
    assert seen == {people[0]: (["Paris", "Rome"], ["Paris"]), people[1]: ([], []),
                    people[2]: ([], [])}  # fmt: skip
