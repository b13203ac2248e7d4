"""The ``localspot`` fixture's owners: made on the admin side, read through the official
SDK's Owners API, gone after the per-test reset."""

from __future__ import annotations

import pytest

from localspot.testing import LocalSpot, LocalspotAdminError


def test_created_owners_are_read_through_the_sdk(localspot: LocalSpot) -> None:
    ann = localspot.owners.create("ann@example.com", first_name="Ann", last_name="Lee")
    api = localspot.client.crm.owners.owners_api
    found = api.get_by_id(owner_id=int(ann["id"]))
    assert (found.email, found.first_name, found.last_name) == ("ann@example.com", "Ann", "Lee")
    assert [o.email for o in api.get_page().results] == ["ann@example.com"]


def test_archived_owners_are_listed_and_left_out_of_the_live_page(localspot: LocalSpot) -> None:
    bob = localspot.owners.create("bob@example.com")
    localspot.owners.archive(bob["id"])
    assert [(o["email"], o["archived"]) for o in localspot.owners.list()] == [
        ("bob@example.com", True)
    ]
    assert localspot.client.crm.owners.owners_api.get_page().results == []


def test_a_taken_email_is_refused(localspot: LocalSpot) -> None:
    localspot.owners.create("cy@example.com")
    with pytest.raises(LocalspotAdminError, match="^409: "):
        localspot.owners.create("cy@example.com")


def test_each_test_starts_without_owners(localspot: LocalSpot) -> None:
    assert localspot.owners.list() == []
