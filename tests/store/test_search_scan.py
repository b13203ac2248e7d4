"""Search answers the same whichever way a query with several groups runs: the UNION of the
groups' index walks, or one pass over the records testing each group in turn (chosen when
every group matches many records, ``store/search_sql.py``). Small data with the threshold
moved either way, on both databases."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from localspot.crm import object_types, search
from localspot.crm.properties import load_definitions
from localspot.crm.records_storage import NewRecord
from localspot.crm.sample_data import sample_call
from localspot.crm.search import FilterInput, SearchRequest
from localspot.store import search_sql
from localspot.store.open import open_store

NOW = 1_760_000_000_000
RECORDS = 120
F = FilterInput
REQUESTS = [
    ((F("hs_call_status", "EQ", "COMPLETED"),), (F("hs_call_direction", "EQ", "INBOUND"),)),
    (
        (F("hs_call_duration", "GTE", "1000000"), F("hs_call_status", "NEQ", "COMPLETED")),
        (F("hs_call_title", "CONTAINS_TOKEN", "demo"), F("hs_createdate", "GTE", "0")),
        (F("hs_call_disposition", "NOT_HAS_PROPERTY"),),
    ),
    tuple(
        (F("hs_timestamp", "GTE", str(g)), F("hs_call_duration", "GTE", str(g))) for g in range(5)
    ),
]
SORTS = [None, ("hs_call_duration", True), ("hs_createdate", False)]


@pytest.fixture
def url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    if backend == "postgres":
        yield request.getfixturevalue("postgres_url")
    else:
        yield f"sqlite:///{tmp_path / 'scan.db'}"


async def _both_ways(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> list[list[tuple[int, list[int]]]]:
    store = open_store(url)
    try:
        portal = await store.create_portal("scan")
        rng = random.Random(11)
        calls = [NewRecord(sample_call(rng, NOW)) for _ in range(RECORDS)]
        await store.insert_records(portal, "0-48", calls, NOW)
        definitions = await load_definitions(store, portal, object_types.resolve("calls"))
        assert await store.refresh_index(portal, "0-48", search._entries_of(definitions)) == RECORDS
        both = []
        for cap in (search_sql.ESTIMATE_CAP, 1):  # 1: every group counts as broad
            monkeypatch.setattr(search_sql, "ESTIMATE_CAP", cap)
            answers = []
            for groups in REQUESTS:
                for sort in SORTS:
                    request = SearchRequest(groups, sort, None, (), 7, 3)
                    page = await store.search(portal, "0-48", search.build(definitions, request))
                    answers.append((page.total, [r.id for r in page.records]))
            both.append(answers)
        return both
    finally:
        await store.close()


def test_one_pass_and_union_give_the_same_pages(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    union, one_pass = asyncio.run(_both_ways(url, monkeypatch))
    assert union == one_pass
    assert all(0 < total < RECORDS for total, _ in union[:6])  # the filters do filter
    assert all(len(ids) == 7 for _, ids in union)
