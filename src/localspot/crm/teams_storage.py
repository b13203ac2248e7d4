"""The teams role: a portal's teams of owners and who is on which (the Owners API's
``teams``). HubSpot has no public API to make teams, so only the operator side (CLI, admin
API, the pytest plugin) writes here. The rules every role keeps are in ``crm/storage.py``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Team:
    id: int
    """Numbered per portal from 1 (archived teams included), as owner ids are."""
    name: str
    created_at: int
    updated_at: int
    archived: bool = False


@dataclass(frozen=True, slots=True)
class Membership:
    owner_id: int
    team_id: int
    primary: bool = False


@dataclass(frozen=True, slots=True)
class TeamCreated:
    portal_found: bool
    team: Team | None = None
    """None when the portal does not exist or a live team already has the name."""


@dataclass(frozen=True, slots=True)
class MembershipOutcome:
    owner_found: bool
    """False when the portal has no live owner with the id (nothing written)."""
    team_found: bool
    """False when the portal has no live team with the id (nothing written)."""
    changed: bool = False
    """False when removing a membership that was not there."""


class TeamsStorage(Protocol):
    async def create_team(self, portal_id: int, name: str, at: int) -> TeamCreated:
        """One transaction: nothing is written when a live team of the portal has ``name``
        (compared case-insensitively)."""
        ...

    async def all_teams(self, portal_id: int) -> Sequence[Team]:
        """Every team of the portal, archived ones too, by id."""
        ...

    async def archive_team(self, portal_id: int, team_id: int, at: int) -> bool:
        """Archive a live team and take everyone off it; False when there is no such team."""
        ...

    async def join_team(
        self, portal_id: int, owner_id: int, team_id: int, primary: bool | None
    ) -> MembershipOutcome:
        """Put a live owner on a live team. ``primary`` True makes it the owner's only primary
        team; None makes it primary when the owner has no primary team yet."""
        ...

    async def leave_team(self, portal_id: int, owner_id: int, team_id: int) -> MembershipOutcome:
        """Take the owner off the team; when it was the primary one, the owner's remaining
        team with the lowest id becomes primary."""
        ...

    async def memberships(self, portal_id: int) -> Sequence[Membership]:
        """Every membership of the portal, by team then owner."""
        ...

    async def teams_of(
        self, portal_id: int, owner_ids: Collection[int]
    ) -> Mapping[int, Sequence[tuple[Team, bool]]]:
        """Each owner's live teams with whether each is its primary one (one query)."""
        ...
