"""Teams: groups of a portal's owners, shown on each owner by the Owners API v3.

HubSpot makes teams in its settings pages and has no public API for them, so the operator
side (CLI, admin API, pytest plugin) manages them through these use cases. An owner may be
on several teams, one of them its primary team (hubspot-behaviour §11.2).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Protocol

from localspot.crm.accounts import portal_not_found, require_portal
from localspot.crm.accounts_storage import AccountsStorage
from localspot.crm.errors import Conflict, ResourceNotFound, ValidationError
from localspot.crm.owners import owner_not_found
from localspot.crm.teams_storage import Membership, MembershipOutcome, Team, TeamsStorage

MAX_NAME = 100


class TeamAdminStorage(TeamsStorage, AccountsStorage, Protocol):
    """What the operator's team use cases use: the teams, and whether the portal exists."""


def team_name(name: str) -> str:
    text = name.strip()
    if not text:
        raise ValidationError("A team needs a name", context={"name": [name]})
    if any(c < " " or c == "\x7f" for c in text):
        raise ValidationError(
            "A team name cannot hold control characters", context={"name": [name]}
        )
    if len(text) > MAX_NAME:
        raise ValidationError(
            f"A team name is at most {MAX_NAME} characters", context={"name": [name]}
        )
    return text


def team_not_found(team_id: int) -> ResourceNotFound:
    return ResourceNotFound(f"Team {team_id} not found", context={"id": [str(team_id)]})


async def create(store: TeamsStorage, portal_id: int, name: str, at: int) -> Team:
    """A new live team; a live team of the portal with the same name is a 409."""
    text = team_name(name)
    created = await store.create_team(portal_id, text, at)
    if not created.portal_found:
        raise portal_not_found(portal_id)
    if created.team is None:
        raise Conflict(f"A team named {text} already exists", context={"name": [name]})
    return created.team


async def all_of(store: TeamAdminStorage, portal_id: int) -> Sequence[Team]:
    await require_portal(store, portal_id)
    return await store.all_teams(portal_id)


async def members(store: TeamAdminStorage, portal_id: int) -> Sequence[Membership]:
    await require_portal(store, portal_id)
    return await store.memberships(portal_id)


async def archive(store: TeamAdminStorage, portal_id: int, team_id: int, at: int) -> None:
    await require_portal(store, portal_id)
    if not await store.archive_team(portal_id, team_id, at):
        raise team_not_found(team_id)


def _checked(outcome: MembershipOutcome, owner_id: int, team_id: int) -> None:
    if not outcome.owner_found:
        raise owner_not_found(str(owner_id))
    if not outcome.team_found:
        raise team_not_found(team_id)


async def add_owner(
    store: TeamAdminStorage, portal_id: int, team_id: int, owner_id: int, primary: bool | None
) -> None:
    """Put a live owner on a live team (again: only ``primary`` changes). ``primary`` None:
    the team is primary when the owner had no team yet."""
    await require_portal(store, portal_id)
    _checked(await store.join_team(portal_id, owner_id, team_id, primary), owner_id, team_id)


async def remove_owner(
    store: TeamAdminStorage, portal_id: int, team_id: int, owner_id: int
) -> None:
    """Take an owner off a team; not being on it is a 404 too."""
    await require_portal(store, portal_id)
    outcome = await store.leave_team(portal_id, owner_id, team_id)
    _checked(outcome, owner_id, team_id)
    if not outcome.changed:
        raise ResourceNotFound(
            f"Owner {owner_id} is not on team {team_id}",
            context={"ownerId": [str(owner_id)], "teamId": [str(team_id)]},
        )


async def teams_of(
    store: TeamsStorage, portal_id: int, owner_ids: Collection[int]
) -> Mapping[int, Sequence[tuple[Team, bool]]]:
    """Each owner's live teams for the Owners API: primary first, then by name and id."""
    found = await store.teams_of(portal_id, owner_ids) if owner_ids else {}
    return {
        owner_id: sorted(pairs, key=lambda p: (not p[1], p[0].name.casefold(), p[0].id))
        for owner_id, pairs in found.items()
    }
