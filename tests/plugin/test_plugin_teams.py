"""The ``localspot`` fixture's teams: made and assigned on the admin side, read through the
official SDK's Owners API, gone after the per-test reset."""

from __future__ import annotations

import pytest

from localspot.testing import LocalSpot, LocalspotAdminError


def test_owners_on_teams_are_read_through_the_sdk(localspot: LocalSpot) -> None:
    ann = localspot.owners.create("ann@example.com", first_name="Ann")
    west, east = localspot.teams.create("West"), localspot.teams.create("East")
    localspot.teams.add_owner(west["id"], ann["id"])
    localspot.teams.add_owner(east["id"], ann["id"], primary=True)
    api = localspot.client.crm.owners.owners_api
    found = api.get_by_id(owner_id=int(ann["id"]))
    assert [(t.name, t.primary) for t in found.teams] == [("East", True), ("West", False)]
    localspot.teams.remove_owner(east["id"], ann["id"])
    page = api.get_page(email="ann@example.com")
    assert [(t.name, t.primary) for t in page.results[0].teams] == [("West", True)]


def test_archived_teams_are_listed_and_left_out_of_owners(localspot: LocalSpot) -> None:
    ann = localspot.owners.create("ann@example.com")
    team = localspot.teams.create("Gone")
    localspot.teams.add_owner(team["id"], ann["id"])
    localspot.teams.archive(team["id"])
    assert [(t["name"], t["archived"], t["members"]) for t in localspot.teams.list()] == [
        ("Gone", True, [])
    ]
    assert localspot.client.crm.owners.owners_api.get_page().results[0].teams == []


def test_unknown_team_or_owner_is_refused(localspot: LocalSpot) -> None:
    with pytest.raises(LocalspotAdminError, match="^404: "):
        localspot.teams.archive(5)
    team = localspot.teams.create("West")
    with pytest.raises(LocalspotAdminError, match="^404: "):
        localspot.teams.add_owner(team["id"], 42)


def test_each_test_starts_without_teams(localspot: LocalSpot) -> None:
    assert localspot.teams.list() == []
