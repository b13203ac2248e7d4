"""``crm/dynamic_lists.py`` without I/O: which lists a write can move and which records
they judge, the properties association branches read, the parse cache and its checks, and
the verdicts (hubspot-behaviour §16.7)."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import count
from typing import Any

from localspot.crm import dynamic_lists
from localspot.crm.dynamic_lists import Followed, StoredList
from localspot.crm.model import PropertyDefinition, Record

CONTACTS, COMPANIES = "0-1", "0-2"
SCORE = PropertyDefinition("score", "Score", "number", "number")
_portals = count(10_000)


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


def firm(*filters: dict[str, Any]) -> dict[str, Any]:
    return {
        "filterBranchType": "ASSOCIATION",
        "objectTypeId": COMPANIES,
        "operator": "IN_LIST",
        "associationTypeId": 279,
        "associationCategory": "HUBSPOT_DEFINED",
        "filters": list(filters),
        "filterBranches": [],
    }


def custom(definitions: Mapping[str, tuple[PropertyDefinition, Any]]) -> Any:
    return lambda type_id: definitions if type_id == CONTACTS else {}


def followed(
    raw: dict[str, Any], list_id: int = 1, portal: int | None = None, **definitions: Any
) -> Followed:
    stored = StoredList(list_id, CONTACTS, repr(raw))
    portal_id = next(_portals) if portal is None else portal
    return Followed(
        list_id, CONTACTS, dynamic_lists.parse(portal_id, stored, raw, custom(definitions))
    )


def city(value: str) -> dict[str, Any]:
    return prop("city", "STRING", "IS_EQUAL_TO", value=value)


def judged(work: list[tuple[Followed, list[int]]]) -> dict[int, list[int]]:
    return {f.id: ids for f, ids in work}


def test_a_write_judges_the_lists_reading_what_it_changed() -> None:
    by_city = followed(branch(city("Paris")), 1)
    by_job = followed(branch(prop("jobtitle", "ALL_PROPERTY", "IS_KNOWN")), 2)
    changed = {7: {"city"}, 8: {"jobtitle", "city"}, 9: {"firstname"}}
    work = dynamic_lists.own_work([by_city, by_job], CONTACTS, [7, 8, 9], changed)
    assert judged(work) == {1: [7, 8], 2: [8]}
    assert dynamic_lists.own_work([by_city], COMPANIES, [7], changed) == []


def test_the_last_modified_date_and_the_time_move_with_every_write() -> None:
    dated = followed(branch(prop("lastmodifieddate", "ALL_PROPERTY", "IS_KNOWN")), 1)
    recent = prop("createdate", "ROLLING_DATE_RANGE", "IS_LESS_THAN_X_DAYS_AGO", numberOfDays=2)
    timed = followed(branch(recent), 2)
    work = dynamic_lists.own_work([dated, timed], CONTACTS, [7, 8], {7: set(), 8: {"x"}})
    assert judged(work) == {1: [7, 8], 2: [7, 8]}


def test_created_and_merged_records_are_judged_by_every_list() -> None:
    constant = {"filterType": "CONSTANT", "shouldAccept": True}
    lists = [followed(branch(constant), 1), followed(branch(city("Rome")), 2)]
    assert judged(dynamic_lists.own_work(lists, CONTACTS, [7, 8], None)) == {1: [7, 8], 2: [7, 8]}
    upserted = dynamic_lists.own_work(lists, CONTACTS, [7, 8], {7: None, 8: {"city"}})
    assert judged(upserted) == {1: [7], 2: [7, 8]}


def test_a_write_of_a_linked_type_judges_lists_reading_what_it_changed_there() -> None:
    linked = followed(branch(branches=(firm(city("Paris")),)), 1)
    own = followed(branch(city("Paris")), 2)
    lists = [linked, own]
    assert linked.filters.associated_reads == {COMPANIES: frozenset({"city"})}
    changed = {30: {"city"}, 31: {"name"}}
    assert judged(dynamic_lists.linked_work(lists, COMPANIES, [30, 31], changed)) == {1: [30]}
    assert judged(dynamic_lists.linked_work(lists, COMPANIES, [30, 31], None)) == {1: [30, 31]}
    assert dynamic_lists.linked_work(lists, "0-3", [30], None) == []


def test_links_judge_the_end_whose_lists_read_the_other_ends_type() -> None:
    linked = followed(branch(branches=(firm(city("Paris")),)), 1)
    ends = [(CONTACTS, 7, COMPANIES), (None, 8, COMPANIES), (COMPANIES, 30, CONTACTS)]
    assert [(t, judged(w)) for t, w in dynamic_lists.link_work([linked], ends)] == [
        (CONTACTS, {1: [7, 8]})
    ]
    assert dynamic_lists.link_work([linked], [(CONTACTS, 7, "0-3")]) == []


def test_association_branches_name_every_property_they_read() -> None:
    compared = prop("name", "COMPARATIVE_STRING", "IS_EQUAL_TO", comparisonPropertyName="city")
    raw = branch(city("x"), branches=(firm(compared, prop("domain", "ALL_PROPERTY", "IS_KNOWN")),))
    assert dynamic_lists.associated_reads(raw) == {COMPANIES: frozenset({"name", "city", "domain"})}


def test_a_parse_is_kept_per_filter_text_and_checked_against_the_definitions_it_read() -> None:
    portal = next(_portals)
    raw = branch(prop("score", "NUMBER", "IS_GREATER_THAN", value=5))
    stored = StoredList(1, CONTACTS, "text-1")
    parsed = dynamic_lists.parse(portal, stored, raw, custom({"score": (SCORE, "v1")}))
    key = (CONTACTS, "score")
    assert parsed.tree is not None and parsed.depends_on == {key: "v1"}
    assert dynamic_lists.cached(portal, stored) is parsed
    assert dynamic_lists.cached(portal, StoredList(1, CONTACTS, "text-2")) is None
    assert dynamic_lists.cached(portal + 1, stored) is None
    assert key in dynamic_lists.depended_on(portal)
    assert dynamic_lists.is_current(parsed, {key: "v1"}, {key})
    assert not dynamic_lists.is_current(parsed, {key: "v2"}, {key})
    assert not dynamic_lists.is_current(parsed, {}, {key})  # archived since
    assert not dynamic_lists.is_current(parsed, {key: "v1"}, set())  # not checked


def test_filters_that_no_longer_parse_judge_nothing() -> None:
    gone = followed(branch(prop("score", "NUMBER", "IS_GREATER_THAN", value=5)), 1)
    assert gone.filters.tree is None
    assert gone.filters.depends_on == {(CONTACTS, "score"): None}
    assert dynamic_lists.own_work([gone], CONTACTS, [7], None) == []


def test_verdicts_read_the_records_and_their_linked_records() -> None:
    linked = followed(branch(branches=(firm(city("Paris")),)), 1)
    records = {7: Record(7, {}, 1, 1), 8: Record(8, {}, 1, 1)}
    paris = Record(30, {"city": "Paris"}, 1, 1)
    found = {7: [(COMPANIES, 279, paris)], 8: [(COMPANIES, 1, paris)]}
    assert dynamic_lists.judge(linked, records, [7, 8, 9], 0, found) == ({7, 8}, {7})
    by_city = followed(branch(city("Rome")), 2)
    rome = {7: Record(7, {"city": "rome"}, 1, 1), 8: Record(8, {"city": "Oslo"}, 1, 1)}
    assert dynamic_lists.judge(by_city, rome, [7, 8], 0) == ({7, 8}, {7})
