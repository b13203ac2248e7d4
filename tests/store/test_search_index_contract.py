"""Store contract, search index role: ``search``, ``refresh_index``, ``queued_for_index``.

Only through the public methods, as the domain uses them (crm/search.py): a write queues
its records, ``refresh_index`` brings the index up to date with every write so far, and a
search then sees them. How a store slices or schedules that work is its own business.
The queries and index entries are built by the domain's own functions.
"""

from __future__ import annotations

from dataclasses import replace

from localspot.crm.model import Record
from localspot.crm.properties import load_definitions
from localspot.crm.records_storage import NewRecord, RecordChange
from localspot.crm.search import FilterInput, SearchRequest, build, index_map
from localspot.crm.search_storage import SearchPage
from localspot.crm.storage import Store

from .conftest import AT, CALLS, FreshStore, Run

TYPE = CALLS.type_id


def refresh(store: Store, run: Run, portal: int) -> int:
    definitions = run(load_definitions(store, portal, CALLS))
    return run(store.refresh_index(portal, TYPE, lambda r: index_map(definitions, r.properties)))


def search(
    store: Store,
    run: Run,
    portal: int,
    *filters: FilterInput,
    query: str | None = None,
    sort: tuple[str, bool] | None = None,
    limit: int = 10,
    after: int = 0,
) -> SearchPage:
    """As the domain searches: build the query, bring the index up to date, search."""
    definitions = run(load_definitions(store, portal, CALLS))
    groups = (filters,) if filters else ()
    request = SearchRequest(groups, sort, query, (), limit, after)
    refresh(store, run, portal)
    return run(store.search(portal, TYPE, build(definitions, request)))


def title_is(title: str) -> FilterInput:
    return FilterInput("hs_call_title", "EQ", title)


def ids(page: SearchPage) -> list[int]:
    return [r.id for r in page.records]


def create(store: Store, run: Run, portal: int, *titles: str, **more: str) -> list[Record]:
    records = [NewRecord({"hs_call_title": t, **more}) for t in titles]
    result = run(store.insert_records(portal, TYPE, records, AT))
    return [result.records[n] for n in range(len(titles))]


def test_after_an_insert_search_finds_the_record(store: Store, run: Run, portal: int) -> None:
    (record,) = create(store, run, portal, "quarterly review")
    page = search(store, run, portal, title_is("quarterly review"))
    assert (page.total, list(page.records)) == (1, [record])


def test_after_an_update_search_finds_the_new_value_and_not_the_old(
    store: Store, run: Run, portal: int
) -> None:
    (record,) = create(store, run, portal, "before")
    search(store, run, portal, title_is("before"))  # indexed with the old value
    change = RecordChange(record.id, {"hs_call_title": "after"})
    run(store.apply_updates(portal, TYPE, [change], AT + 1))
    assert ids(search(store, run, portal, title_is("after"))) == [record.id]
    assert search(store, run, portal, title_is("before")).total == 0


def test_after_archiving_search_no_longer_finds_the_record(
    store: Store, run: Run, portal: int
) -> None:
    gone, kept = create(store, run, portal, "same", "same")
    assert search(store, run, portal, title_is("same")).total == 2
    run(store.archive_records(portal, TYPE, [gone.id], AT + 1))
    page = search(store, run, portal, title_is("same"))
    assert (page.total, ids(page)) == (1, [kept.id])


def test_a_cleared_value_no_longer_has_the_property(store: Store, run: Run, portal: int) -> None:
    (record,) = create(store, run, portal, "t", hs_call_body="spoken words")
    has_body = FilterInput("hs_call_body", "HAS_PROPERTY")
    assert ids(search(store, run, portal, has_body)) == [record.id]
    run(store.apply_updates(portal, TYPE, [RecordChange(record.id, {"hs_call_body": ""})], AT + 1))
    assert search(store, run, portal, has_body).total == 0


def test_total_counts_every_match_and_the_page_holds_limit_records_in_creation_order(
    store: Store, run: Run, portal: int
) -> None:
    made = create(store, run, portal, *(["weekly"] * 5))
    first = search(store, run, portal, title_is("weekly"), limit=2)
    assert (first.total, ids(first)) == (5, [made[0].id, made[1].id])
    last = search(store, run, portal, title_is("weekly"), limit=2, after=4)
    assert (last.total, ids(last)) == (5, [made[4].id])


def test_a_count_limit_caps_total_and_leaves_the_page_alone(
    store: Store, run: Run, portal: int
) -> None:
    made = create(store, run, portal, *(["capped"] * 6), hs_call_status="BUSY")
    create(store, run, portal, "other")
    definitions = run(load_definitions(store, portal, CALLS))
    refresh(store, run, portal)
    for groups in (((title_is("capped"),),), ((title_is("capped"),), (title_is("capped"),))):
        request = SearchRequest(groups, None, None, (), 2, 2)
        query = replace(build(definitions, request), count_limit=4)
        page = run(store.search(portal, TYPE, query))
        assert (page.total, ids(page)) == (4, [made[2].id, made[3].id])
    exact = run(
        store.search(portal, TYPE, build(definitions, SearchRequest((), None, None, (), 1, 0)))
    )
    assert exact.total == 7


def test_a_sort_orders_by_the_property_with_valueless_records_last(
    store: Store, run: Run, portal: int
) -> None:
    short, none, long_ = create(store, run, portal, "short", "none", "long")
    for record, duration in ((short, "60"), (long_, "3600")):
        change = RecordChange(record.id, {"hs_call_duration": duration})
        run(store.apply_updates(portal, TYPE, [change], AT + 1))
    descending = search(store, run, portal, sort=("hs_call_duration", True))
    assert ids(descending) == [long_.id, short.id, none.id]
    ascending = search(store, run, portal, sort=("hs_call_duration", False))
    assert ids(ascending) == [short.id, long_.id, none.id]


def test_a_free_text_query_finds_records_by_the_words_of_their_title(
    store: Store, run: Run, portal: int
) -> None:
    hit, _ = create(store, run, portal, "Renewal call with ACME", "intro")
    assert ids(search(store, run, portal, query="acme renew")) == [hit.id]


def test_search_finds_only_the_portals_own_records(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    (mine,) = create(store, run, portal, "shared title")
    (theirs,) = create(store, run, other_portal, "shared title")
    assert ids(search(store, run, portal, title_is("shared title"))) == [mine.id]
    assert ids(search(store, run, other_portal, title_is("shared title"))) == [theirs.id]


def test_refresh_indexes_the_written_records_once(store: Store, run: Run, portal: int) -> None:
    create(store, run, portal, "a", "b", "c")
    assert refresh(store, run, portal) == 3
    assert refresh(store, run, portal) == 0


def test_a_write_queues_its_portal_and_type_until_a_refresh(fresh_store: FreshStore) -> None:
    with fresh_store() as fresh:
        store, run = fresh.store, fresh.run
        portal = run(store.create_portal("queued"))
        assert run(store.queued_for_index()) == []
        create(store, run, portal, "waiting")
        assert run(store.queued_for_index()) == [(portal, TYPE)]
        refresh(store, run, portal)
        assert run(store.queued_for_index()) == []
