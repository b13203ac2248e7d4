"""Lists filled in the background (hubspot-behaviour §16.2), through real servers on both
databases: a create request over more records than it fills itself answers ``PROCESSING``,
and the list becomes ``COMPLETE`` with exactly its members; a fill cut short when the server
stopped is finished by the next start, from the state the database holds.

The servers here fill nothing in the request (``LOCALSPOT_LIST_FILL_INLINE_RECORDS=0``), so
every list is filled in the background, however small. Waiting polls the list (as a client
of HubSpot would), with a deadline.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from list_support import LISTS, lists_api, make_contacts
from test_list_fill import ENGINEERS, create, member_ids

from conftest import Server, scratch_postgres, start_server, stop_server
from localspot.crm import list_fill, object_types
from localspot.crm.list_fill_storage import FillSlice
from localspot.crm.list_filters import parse_filter_branch, to_search_groups
from localspot.crm.lists_storage import ObjectList
from localspot.crm.properties import load_definitions
from localspot.store.open import open_store

DEADLINE_SECONDS = 60
BACKGROUND = {"LOCALSPOT_LIST_FILL_INLINE_RECORDS": "0"}


@pytest.fixture(scope="module")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('fill') / 'fill.db'}"
        return
    from conftest import postgres_available

    if not postgres_available():
        pytest.skip("no PostgreSQL server answers on 127.0.0.1:5432")
    with scratch_postgres("localspot_fill") as url:
        yield url


def client(server: Server, portal: int) -> httpx.Client:
    """A client of a portal of the test's own."""
    headers = {"Authorization": f"Bearer {server.new_token('--portal', str(portal))}"}
    return httpx.Client(base_url=server.base_url, headers=headers, timeout=30)


def completed(api: Any, list_id: str) -> Any:
    """The list once it is ``COMPLETE`` (polled: a condition with a deadline)."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while (found := api.lists_api.get_by_id(list_id=list_id).list).processing_status != "COMPLETE":
        assert time.monotonic() < deadline, found
        time.sleep(0.05)
    return found


def make_people(http: httpx.Client, prefix: str) -> tuple[list[str], list[str]]:
    """Contacts, every third an engineer: (all ids, the engineers')."""
    ids = make_contacts(http, 30, prefix)
    engineers = ids[::3]
    inputs = [{"id": i, "properties": {"jobtitle": "Engineer"}} for i in engineers]
    assert http.post("/crm/v3/objects/contacts/batch/update", json={"inputs": inputs}).is_success
    return ids, engineers


def test_a_list_filled_in_the_background_is_processing_then_complete(
    database_url: str,
) -> None:
    server = start_server(database_url, env=BACKGROUND)
    try:
        with client(server, server.new_portal()) as http:
            ids, engineers = make_people(http, "bg")
            made = create(http, server, "Background", "DYNAMIC", ENGINEERS)
            assert (made.processing_status, made.size) == ("PROCESSING", 0)
            api = lists_api(http, server)
            done = completed(api, made.list_id)
            assert done.size == len(engineers)
            assert member_ids(api, made.list_id) == engineers
            snap = create(http, server, "Background snapshot", "SNAPSHOT", ENGINEERS)
            assert snap.processing_status == "PROCESSING"
            assert completed(api, snap.list_id).size == len(engineers)
            assert member_ids(api, snap.list_id) == engineers
            assert http.get(f"{LISTS}/{made.list_id}").json()["list"]["processingStatus"] == (
                "COMPLETE"
            )
    finally:
        stop_server(server)


async def cut_short(url: str, portal: int, list_id: int, stale_member: int) -> int:
    """What a server stopped in the middle of a refill leaves: the list ``PROCESSING`` with a
    fill that has judged its first records only, a member its new filters no longer take
    still in it, and nobody holding the fill. The fill's position."""
    store = open_store(url)
    try:
        found = (await store.lists_of(portal, [list_id]))[0]
        contacts = object_types.resolve("contacts")
        definitions = await load_definitions(store, portal, contacts)
        tree = parse_filter_branch(found.filter_branch, "0-1", definitions.by_name)  # as stored
        changed = dataclasses.replace(found, version=found.version + 1)
        saved = await store.save_list(portal, changed, refill=True)
        assert isinstance(saved, ObjectList) and saved.processing_status == "PROCESSING"
        await store.change_members(portal, list_id, [stale_member], [], 1)
        piece = FillSlice(
            list_id, changed.version, "0-1", 4, to_search_groups(tree), frozenset(), True, 2
        )
        done = await store.fill_slice(portal, piece, list_fill.judge_of(tree, 2))
        assert done.state == "MORE"
        await store.release_fill(portal, list_id)
        return done.judged
    finally:
        await store.close()


def test_a_fill_cut_short_by_a_stopped_server_is_finished_when_the_next_one_starts(
    database_url: str,
) -> None:
    first = start_server(database_url, env=BACKGROUND)
    portal = first.new_portal()
    try:
        with client(first, portal) as http:
            ids, engineers = make_people(http, "cut")
            made = create(http, first, "Cut short", "DYNAMIC", ENGINEERS)
            api = lists_api(http, first)
            assert completed(api, made.list_id).size == len(engineers)
            joined = {
                r.record_id: r.membership_timestamp
                for r in api.memberships_api.get_page(list_id=made.list_id, limit=250).results
            }
    finally:
        stop_server(first)
    stale = int(ids[-1])  # no engineer: the refill must take it out
    assert asyncio.run(cut_short(database_url, portal, int(made.list_id), stale)) == 4
    second = start_server(database_url, env=BACKGROUND)
    try:
        with client(second, portal) as http:
            api = lists_api(http, second)
            done = completed(api, made.list_id)
            assert done.size == len(engineers)
            after = api.memberships_api.get_page(list_id=made.list_id, limit=250).results
            assert {r.record_id: r.membership_timestamp for r in after} == joined
    finally:
        stop_server(second)
