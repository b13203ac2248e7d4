"""Store contract, owners role: ``create_owner``, ``list_owners``, ``find_owner``,
``archive_owner``, ``all_owners``.

Ids are numbered per portal and never reused; a live owner's email is taken (an archived
owner's is free again); every method sees its own portal only.
"""

from __future__ import annotations

import asyncio

from localspot.crm.owners_storage import Owner, OwnerCreated
from localspot.crm.storage import Store

from .conftest import AT, Run


def create(store: Store, run: Run, portal: int, email: str) -> Owner:
    created = run(store.create_owner(portal, email, "First", "Last", AT))
    assert created.portal_found and created.owner is not None
    return created.owner


def test_owners_are_numbered_per_portal_with_user_ids_apart(
    store: Store, run: Run, portal: int
) -> None:
    first, second = create(store, run, portal, "a@x.io"), create(store, run, portal, "b@x.io")
    assert (first.id, second.id) == (1, 2)
    assert first.user_id != first.id and second.user_id == first.user_id + 1
    assert first == Owner(1, first.user_id, "a@x.io", "First", "Last", AT, AT)


def test_a_live_owners_email_is_taken_and_an_archived_ones_is_free(
    store: Store, run: Run, portal: int
) -> None:
    owner = create(store, run, portal, "a@x.io")
    taken = run(store.create_owner(portal, "a@x.io", "", "", AT))
    assert taken.portal_found and taken.owner is None
    assert run(store.archive_owner(portal, owner.id, AT + 1))
    assert not run(store.archive_owner(portal, owner.id, AT + 2))
    assert create(store, run, portal, "a@x.io").id == 2  # ids are never reused


def test_create_on_an_unknown_portal_reports_it(store: Store, run: Run) -> None:
    assert not run(store.create_owner(987_654, "a@x.io", "", "", AT)).portal_found


def test_list_pages_by_id_and_filters(store: Store, run: Run, portal: int) -> None:
    a, b, c = (create(store, run, portal, f"{n}@x.io") for n in "abc")
    run(store.archive_owner(portal, b.id, AT + 5))
    page = run(store.list_owners(portal, archived=False, email=None, after=0, limit=1))
    assert ([o.id for o in page.owners], page.next_after) == ([a.id], a.id)
    rest = run(store.list_owners(portal, archived=False, email=None, after=a.id, limit=1))
    assert ([o.id for o in rest.owners], rest.next_after) == ([c.id], None)
    gone = run(store.list_owners(portal, archived=True, email=None, after=0, limit=10))
    assert [(o.id, o.archived, o.updated_at) for o in gone.owners] == [(b.id, True, AT + 5)]
    by_email = run(store.list_owners(portal, archived=False, email="c@x.io", after=0, limit=10))
    assert [o.id for o in by_email.owners] == [c.id]
    assert [o.id for o in run(store.all_owners(portal))] == [a.id, b.id, c.id]


def test_find_by_id_or_user_id_in_its_own_portal_only(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    owner = create(store, run, portal, "a@x.io")
    assert run(store.find_owner(portal, owner.id, by_user_id=False, archived=False)) == owner
    assert run(store.find_owner(portal, owner.user_id, by_user_id=True, archived=False)) == owner
    assert run(store.find_owner(portal, owner.id, by_user_id=False, archived=True)) is None
    assert run(store.find_owner(other_portal, owner.id, by_user_id=False, archived=False)) is None
    assert run(store.all_owners(other_portal)) == []


def test_concurrent_creates_get_distinct_ids_and_one_email_wins(
    store: Store, run: Run, portal: int
) -> None:
    async def together() -> list[OwnerCreated]:
        emails = [f"{n}@x.io" for n in range(8)] + ["same@x.io"] * 4
        calls = [store.create_owner(portal, e, "", "", AT) for e in emails]
        return list(await asyncio.gather(*calls))

    results = run(together())
    made = [r.owner for r in results if r.owner is not None]
    assert len(made) == 9
    assert sorted(o.id for o in made) == list(range(1, 10))
