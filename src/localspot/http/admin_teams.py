"""Admin routes for teams: HubSpot has no public API to make teams or put owners on them,
so a test does it here and reads the result through ``/crm/v3/owners`` (each owner's
``teams``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from litestar import Controller, Request, delete, get, post
from litestar.datastructures import State
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from localspot.crm import teams
from localspot.crm.property_types import format_datetime
from localspot.crm.teams_storage import Membership, Team
from localspot.http.admin_portals import ERRORS, store_of
from localspot.http.admin_runtime import clock_of
from localspot.wire import admin as w


def admin_team(team: Team, members: Iterable[Membership] = ()) -> w.AdminTeam:
    return w.AdminTeam(
        id=str(team.id),
        name=team.name,
        created_at=format_datetime(team.created_at),
        updated_at=format_datetime(team.updated_at),
        archived=team.archived,
        members=[
            w.AdminTeamMember(str(m.owner_id), m.primary)
            for m in sorted(members, key=lambda m: m.owner_id)
            if m.team_id == team.id
        ],
    )


def admin_teams(found: Sequence[Team], members: Sequence[Membership]) -> w.AdminTeamCollection:
    return w.AdminTeamCollection([admin_team(t, members) for t in found])


class TeamsAdminController(Controller):
    path = "/portals/{portal_id:int}/teams"
    tags = ["Admin"]

    @post("/", status_code=HTTP_201_CREATED, responses=ERRORS, summary="Create a team")
    async def create_team(
        self, request: Request[Any, Any, State], portal_id: int, data: w.TeamCreateRequest
    ) -> w.AdminTeam:
        team = await teams.create(
            store_of(request), portal_id, data.name, clock_of(request).now_ms()
        )
        return admin_team(team)

    @get("/", responses=ERRORS, summary="Every team of the portal with its members")
    async def list_teams(
        self, request: Request[Any, Any, State], portal_id: int
    ) -> w.AdminTeamCollection:
        store = store_of(request)
        found = await teams.all_of(store, portal_id)
        return admin_teams(found, await teams.members(store, portal_id))

    @post(
        "/{team_id:int}/archive",
        status_code=HTTP_204_NO_CONTENT,
        responses=ERRORS,
        summary="Archive a team (its owners leave it)",
    )
    async def archive_team(
        self, request: Request[Any, Any, State], portal_id: int, team_id: int
    ) -> None:
        await teams.archive(store_of(request), portal_id, team_id, clock_of(request).now_ms())

    @post(
        "/{team_id:int}/owners",
        status_code=HTTP_204_NO_CONTENT,
        responses=ERRORS,
        summary="Put an owner on a team, or change whether it is the owner's primary team",
    )
    async def add_owner(
        self,
        request: Request[Any, Any, State],
        portal_id: int,
        team_id: int,
        data: w.TeamMemberRequest,
    ) -> None:
        store = store_of(request)
        await teams.add_owner(store, portal_id, team_id, data.owner_id, data.primary)

    @delete(
        "/{team_id:int}/owners/{owner_id:int}",
        status_code=HTTP_204_NO_CONTENT,
        responses=ERRORS,
        summary="Take an owner off a team",
    )
    async def remove_owner(
        self, request: Request[Any, Any, State], portal_id: int, team_id: int, owner_id: int
    ) -> None:
        await teams.remove_owner(store_of(request), portal_id, team_id, owner_id)
