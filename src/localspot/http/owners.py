"""Owners API v3 handlers: ``/crm/v3/owners`` (read only; owners are made by the operator)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Controller, Request, get
from litestar.datastructures import State
from litestar.params import Parameter

from localspot.crm import owners, teams
from localspot.crm.owners_storage import Owner
from localspot.crm.property_types import format_datetime
from localspot.crm.teams_storage import Team
from localspot.http.objects import next_page_link
from localspot.http.openapi_specs import error_responses
from localspot.wire import owners as w

READ = {"access": "read", "scope": "crm.objects.owners.read"}


def public_owner(owner: Owner, on: Sequence[tuple[Team, bool]] = ()) -> w.PublicOwner:
    return w.PublicOwner(
        id=str(owner.id),
        email=owner.email,
        first_name=owner.first_name,
        last_name=owner.last_name,
        user_id=owner.user_id,
        user_id_including_inactive=owner.user_id,
        created_at=format_datetime(owner.created_at),
        updated_at=format_datetime(owner.updated_at),
        archived=owner.archived,
        teams=[w.PublicTeam(str(team.id), team.name, primary) for team, primary in on],
    )


class OwnersController(Controller):
    path = "/"
    tags = ["Owners"]

    @get("/", opt=READ, responses=error_responses(), summary="List owners")
    async def get_page(
        self,
        request: Request[Any, Any, State],
        email: str | None = None,
        after: str | None = None,
        limit: int = 100,
        archived: bool = False,
    ) -> w.CollectionResponsePublicOwnerForwardPaging:
        found = await owners.page(
            request.app.state.store,
            request.state.principal.portal_id,
            limit=limit,
            after=after,
            email=email,
            archived=archived,
        )
        paging = None
        if found.next_after is not None:
            after_text = str(found.next_after)
            link = next_page_link(request, after_text)
            paging = w.ForwardPaging(w.NextPage(after_text, link))
        store, portal_id = request.app.state.store, request.state.principal.portal_id
        on = await teams.teams_of(store, portal_id, [o.id for o in found.owners])
        return w.CollectionResponsePublicOwnerForwardPaging(
            [public_owner(o, on.get(o.id, ())) for o in found.owners], paging
        )

    @get("/{owner_id:str}", opt=READ, responses=error_responses(), summary="Read an owner")
    async def get_by_id(
        self,
        request: Request[Any, Any, State],
        owner_id: str,
        id_property: str | None = Parameter(query="idProperty", default=None, required=False),
        archived: bool = False,
    ) -> w.PublicOwner:
        found = await owners.get(
            request.app.state.store,
            request.state.principal.portal_id,
            owner_id,
            id_property=id_property,
            archived=archived,
        )
        on = await teams.teams_of(
            request.app.state.store, request.state.principal.portal_id, [found.id]
        )
        return public_owner(found, on.get(found.id, ()))
