"""Lists pages: a portal's live lists (filtered by name) and one list's page (its filters as
an OR of AND groups, its members a page at a time, each linking to its record's page). Each
part is read through the Lists API's own use cases, so a list id names a list of the
portal in the address only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.datastructures import State

from localspot.crm import list_members, list_search, lists
from localspot.crm import list_rules as rules
from localspot.crm.list_memberships_storage import MemberPage
from localspot.crm.lists_storage import ObjectList
from localspot.crm.type_registry import PortalTypes
from localspot.http.ui.list_filter_text import filter_groups
from localspot.http.ui.portal_scope import lists_scope
from localspot.http.ui.render import page

MEMBERS_PAGE = 100
LISTS_PAGE = rules.MAX_SEARCH_COUNT


@dataclass(frozen=True, slots=True)
class ListRow:
    found: ObjectList
    type_name: str
    folder: str
    """The folder's name; empty for the root."""


def type_name(types: PortalTypes, type_id: str) -> str:
    """The name the records pages address a type by (its id when the type is gone)."""
    found = types.find(type_id)
    return found.name if found is not None else type_id


async def _members(ctx: lists.Ctx, found: ObjectList, after: str | None) -> MemberPage | None:
    """A page of members by record id; None for a deleted list (it has none to show)."""
    if found.deleted_at is not None:
        return None
    members, _ = await list_members.page(
        ctx, str(found.id), by_join_time=False, after=after, before=None, limit=MEMBERS_PAGE
    )
    return members


class ListsController(Controller):
    path = "/portals/{portal_id:int}/lists"

    @get("/")
    async def overview(
        self,
        request: Request[Any, Any, State],
        portal_id: int,
        q: str | None = None,
        offset: int = 0,
    ) -> Response[str]:
        ctx = await lists_scope(request, portal_id)
        query = (q or "").strip()
        given = list_search.SearchInput(query=query, offset=offset, count=LISTS_PAGE)
        found = await list_search.search_lists(ctx, given)
        rows = [
            ListRow(
                hit.found,
                type_name(ctx.types, hit.found.object_type),
                hit.properties.get("hs_folder_name", ""),
            )
            for hit in found.hits
        ]
        return page(
            request,
            "lists.html",
            section="lists",
            portal_id=portal_id,
            query=query,
            offset=offset,
            rows=rows,
            found=found,
        )

    @get("/{list_id:str}")
    async def one(
        self,
        request: Request[Any, Any, State],
        portal_id: int,
        list_id: str,
        after: str | None = None,
    ) -> Response[str]:
        ctx = await lists_scope(request, portal_id)
        found = await lists.fetch_list(ctx, list_id)
        members = await _members(ctx, found, after or None)
        return page(
            request,
            "list.html",
            section="lists",
            portal_id=portal_id,
            found=found,
            type_name=type_name(ctx.types, found.object_type),
            groups=filter_groups(found.filter_branch) if found.filter_branch else (),
            members=members,
            after=after or None,
            restorable_until=(found.deleted_at or 0) + rules.RESTORE_WINDOW_MS,
        )
