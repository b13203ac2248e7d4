"""DYNAMIC lists follow random sequences of writes: after every step, each list's members
(and its size) equal a direct evaluation of its filters over every live record.

A portal gets a few DYNAMIC contact lists of random valid filters (strings, numbers, single
and multiple options, known/unknown, the last-modified date every write moves, ORs of ANDs,
``NOT_ANY`` and association branches on companies), then hypothesis drives creates, updates,
batch updates, archives, merges, links and company updates through the real store on both
databases, in process. Time-relative filters are left out: those are judged at the time of
a write, which a later evaluation does not repeat (hubspot-behaviour §16.7).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from localspot.crm import object_types
from localspot.crm.links_storage import Link, Unlink
from localspot.crm.list_filters import FilterTree, matches, parse_filter_branch
from localspot.crm.lists_storage import ObjectList
from localspot.crm.merges import combine
from localspot.crm.model import PropertyDefinition, PropertyOption
from localspot.crm.records_storage import NewRecord, RecordChange
from store.conftest import AT, Opened, opened_store

CONTACTS, COMPANIES = "0-1", "0-2"
CITIES = ("Paris", "Rome", "paris", "Oslo")
TIERS = ("gold", "silver", "bronze")
OPTIONS = tuple(PropertyOption(t, t) for t in TIERS)
CUSTOM = (
    PropertyDefinition("score", "Score", "number", "number"),
    PropertyDefinition("tier", "Tier", "enumeration", "select", options=OPTIONS),
    PropertyDefinition("tags", "Tags", "enumeration", "checkbox", options=OPTIONS),
)
DEFINITIONS = {**object_types.resolve("contacts").properties, **{d.name: d for d in CUSTOM}}
STEP = 1_000


def prop(name: str, op_type: str, operator: str, **fields: Any) -> dict[str, Any]:
    operation = {"operationType": op_type, "operator": operator, **fields}
    return {"filterType": "PROPERTY", "property": name, "operation": operation}


def _included(flt: dict[str, Any], include: bool) -> dict[str, Any]:
    flt["operation"]["includeObjectsWithNoValueSet"] = include
    return flt


filters = st.one_of(
    st.builds(
        lambda op, v: prop("city", "STRING", op, value=v),
        st.sampled_from(["IS_EQUAL_TO", "IS_NOT_EQUAL_TO", "CONTAINS", "STARTS_WITH"]),
        st.sampled_from(["paris", "Rome", "o"]),
    ),
    st.builds(
        lambda op, v: prop("score", "NUMBER", op, value=v),
        st.sampled_from(["IS_GREATER_THAN", "IS_LESS_THAN_OR_EQUAL_TO", "IS_EQUAL_TO"]),
        st.sampled_from([0, 5, 10]),
    ),
    st.builds(
        lambda name, op, vs: prop(name, "ENUMERATION", op, values=vs),
        st.sampled_from(["tier", "tags"]),
        st.sampled_from(["IS_ANY_OF", "IS_NONE_OF", "CONTAINS_ALL", "IS_EXACTLY"]),
        st.lists(st.sampled_from(TIERS), min_size=1, max_size=2, unique=True),
    ),
    st.builds(
        lambda name, op: prop(name, "ALL_PROPERTY", op),
        st.sampled_from(["city", "score", "tags"]),
        st.sampled_from(["IS_KNOWN", "IS_UNKNOWN"]),
    ),
    st.builds(
        lambda k: prop("lastmodifieddate", "DATETIME", "IS_AFTER", timestamp=AT + k * STEP),
        st.integers(2, 12),
    ),
)
included_filters = st.builds(_included, filters, st.booleans())


@st.composite
def and_branch(draw: st.DrawFn) -> dict[str, Any]:
    inner: list[dict[str, Any]] = []
    extra = draw(st.sampled_from(["none", "none", "not_any", "firm"]))
    if extra == "not_any":
        inner.append(
            {
                "filterBranchType": "NOT_ANY",
                "filters": [draw(included_filters)],
                "filterBranches": [],
            }
        )
    elif extra == "firm":
        inner.append(
            {
                "filterBranchType": "ASSOCIATION",
                "objectTypeId": COMPANIES,
                "operator": "IN_LIST",
                "associationTypeId": 279,
                "associationCategory": "HUBSPOT_DEFINED",
                "filters": [
                    prop("city", "STRING", "IS_EQUAL_TO", value=draw(st.sampled_from(CITIES)))
                ],
                "filterBranches": [],
            }
        )
    found = draw(st.lists(included_filters, min_size=0 if inner else 1, max_size=2))
    return {"filterBranchType": "AND", "filters": found, "filterBranches": inner}


branches = st.builds(
    lambda ands: {"filterBranchType": "OR", "filters": [], "filterBranches": ands},
    st.lists(and_branch(), min_size=1, max_size=2),
)
values = st.fixed_dictionaries(
    {},
    optional={
        "city": st.sampled_from([*CITIES, ""]),
        "score": st.sampled_from(["0", "5", "7.5", "12", "x", ""]),
        "tier": st.sampled_from([*TIERS, ""]),
        "tags": st.sampled_from(["gold", "gold;silver", "bronze;gold;silver", ""]),
        "jobtitle": st.sampled_from(["cook", "pilot"]),
    },
)


FIXED = (
    {
        "filterBranchType": "OR",
        "filters": [],
        "filterBranches": [
            {
                "filterBranchType": "AND",
                "filters": [
                    prop("lastmodifieddate", "DATETIME", "IS_AFTER", timestamp=AT + 3 * STEP)
                ],
                "filterBranches": [],
            }
        ],
    },
    {
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
                        "filters": [prop("city", "STRING", "IS_EQUAL_TO", value="Paris")],
                        "filterBranches": [],
                    }
                ],
            }
        ],
    },
)
"""Always among the lists: the last-modified date, which every write moves unnamed, and
the contacts linked to a company in Paris."""


def tree_of(raw: Mapping[str, Any]) -> FilterTree:
    companies = object_types.resolve("companies").properties
    return parse_filter_branch(raw, CONTACTS, DEFINITIONS, lambda t: companies)


@pytest.fixture(scope="module")
def opened(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Opened]:
    with opened_store(backend, Path(tmp_path_factory.mktemp("model"))) as it:
        yield it


class DynamicLists(RuleBasedStateMachine):
    opened: Opened

    def __init__(self) -> None:
        super().__init__()
        self.step = 0
        self.contacts: list[int] = []
        self.companies: list[int] = []
        self.lists: dict[int, FilterTree] = {}
        self.merged_away: set[int] = set()

    def run(self, coroutine: Any) -> Any:
        return self.opened.run(coroutine)

    @property
    def store(self) -> Any:
        return self.opened.store

    def at(self) -> int:
        self.step += 1
        return AT + self.step * STEP

    @initialize(raws=st.lists(branches, min_size=2, max_size=3))
    def portal_with_lists(self, raws: list[dict[str, Any]]) -> None:
        self.portal = self.run(self.store.create_portal("model"))
        self.run(self.store.save_properties(self.portal, CONTACTS, list(CUSTOM)))
        firms = [NewRecord({"city": c}) for c in CITIES[:3]]
        made = self.run(self.store.insert_records(self.portal, COMPANIES, firms, AT))
        self.companies = [made.records[i].id for i in range(len(firms))]
        for n, raw in enumerate([*FIXED, *raws]):
            tree = tree_of(raw)
            new = ObjectList(0, f"L{n}", CONTACTS, "DYNAMIC", AT, AT, filter_branch=tree.to_wire())
            created = self.run(self.store.create_list(self.portal, new, [], with_legacy_id=False))
            self.lists[created.id] = tree

    @rule(maps=st.lists(values, min_size=1, max_size=3))
    def create(self, maps: list[dict[str, str]]) -> None:
        clean = [NewRecord({k: v for k, v in m.items() if v}) for m in maps]
        made = self.run(self.store.insert_records(self.portal, CONTACTS, clean, self.at()))
        self.contacts += [made.records[i].id for i in range(len(clean))]

    @rule(data=st.data(), size=st.integers(1, 3))
    def update(self, data: st.DataObject, size: int) -> None:
        if not self.contacts:
            return
        ids = data.draw(
            st.lists(st.sampled_from(self.contacts), min_size=1, max_size=size, unique=True)
        )
        changes = [RecordChange(i, data.draw(values)) for i in ids]
        self.run(self.store.apply_updates(self.portal, CONTACTS, changes, self.at()))

    @rule(data=st.data())
    def archive(self, data: st.DataObject) -> None:
        if self.contacts:
            gone = data.draw(st.sampled_from(self.contacts))
            self.run(self.store.archive_records(self.portal, CONTACTS, [gone], self.at()))
            self.contacts.remove(gone)

    @rule(data=st.data())
    def merge(self, data: st.DataObject) -> None:
        if len(self.contacts) < 2:
            return
        pair = data.draw(
            st.lists(st.sampled_from(self.contacts), min_size=2, max_size=2, unique=True)
        )
        if pair[1] in self.merged_away:
            return  # SQLite hands a merged-away id to the next new record; merged twice, it clashes
        self.run(self.store.merge_records(self.portal, CONTACTS, *pair, combine, self.at()))
        self.contacts.remove(pair[1])
        self.merged_away.add(pair[1])

    @rule(data=st.data(), linked=st.booleans())
    def link(self, data: st.DataObject, linked: bool) -> None:
        if not self.contacts:
            return
        person = data.draw(st.sampled_from(self.contacts))
        firm = data.draw(st.sampled_from(self.companies))
        if linked:
            links = [
                Link(CONTACTS, person, COMPANIES, firm, 279, "HUBSPOT_DEFINED"),
                Link(COMPANIES, firm, CONTACTS, person, 280, "HUBSPOT_DEFINED"),
            ]
            self.run(self.store.add_links(self.portal, links, self.at()))
        else:
            removals = [Unlink(person, COMPANIES, firm), Unlink(firm, CONTACTS, person)]
            self.run(self.store.remove_links(self.portal, removals, self.at()))

    @rule(data=st.data(), city=st.sampled_from(["Paris", "Rome"]))
    def move_company(self, data: st.DataObject, city: str) -> None:
        firm = data.draw(st.sampled_from(self.companies))
        change = [RecordChange(firm, {"city": city})]
        self.run(self.store.apply_updates(self.portal, COMPANIES, change, self.at()))

    @invariant()
    def members_are_what_the_filters_say(self) -> None:
        """Every list's members and size against ``matches`` over every live contact (with
        its live linked companies), read in a few store calls."""
        store, now = self.store, AT + self.step * STEP
        people = self.run(store.list_records(self.portal, CONTACTS, after=None, limit=1000))
        ids = [r.id for r in people.records]
        links = self.run(store.links_of(self.portal, ids, COMPANIES))
        firms = self.run(store.read_records(self.portal, COMPANIES, {x.to_id for x in links}))
        in_lists = self.run(store.record_lists(self.portal, CONTACTS, ids))
        sizes = {x.id: x.size for x in self.run(store.lists_of(self.portal))}
        for list_id, tree in self.lists.items():
            expected = [
                r.id for r in people.records if matches(tree, r, now, linked_of(r.id, links, firms))
            ]
            found = [i for i in ids if any(e.list_id == list_id for e in in_lists.get(i, ()))]
            assert (found, sizes[list_id]) == (expected, len(expected))


def linked_of(record_id: int, links: list[Link], firms: Mapping[int, Any]) -> Any:
    def linked(type_id: str, kind: int | None) -> list[Any]:
        return [
            firms[x.to_id]
            for x in links
            if x.from_id == record_id and x.to_id in firms and kind in (None, x.type_id)
        ]

    return linked


def test_dynamic_lists_follow_every_write(opened: Opened) -> None:
    DynamicLists.opened = opened
    runner = DynamicLists.TestCase
    runner.settings = settings(
        max_examples=30,
        stateful_step_count=20,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    runner().runTest()
