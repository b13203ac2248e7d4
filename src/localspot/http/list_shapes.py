"""The Lists API's domain values as HubSpot's wire shapes, and each request's context."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import suppress
from typing import Any, TypeVar
from urllib.parse import urlencode

import msgspec
from litestar import Request
from litestar.datastructures import State

from localspot.crm.errors import HubSpotError
from localspot.crm.list_conversion_rules import REQUESTED_FIELDS
from localspot.crm.list_folders import FolderNode
from localspot.crm.list_members import member_token
from localspot.crm.list_memberships_storage import Member, MemberPage, RecordListEntry
from localspot.crm.list_rules import ListsContext
from localspot.crm.list_search import SearchHit
from localspot.crm.lists_storage import ObjectList
from localspot.crm.property_types import format_datetime
from localspot.crm.storage import Store
from localspot.crm.type_registry import TypeRegistry
from localspot.wire import lists as w

READ = {"access": "read", "scopes": ["crm.lists.read"]}
WRITE = {"access": "write", "scopes": ["crm.lists.write", "cms.membership.access_groups.write"]}
"""HubSpot takes either scope for list writes (its OpenAPI file's security section)."""

S = TypeVar("S")


async def lists_context(request: Request[Any, Any, State], *type_ids: str) -> ListsContext[Store]:
    """The request's context; ``type_ids`` named by the request are looked up afresh when
    the portal's cached types don't know them (another process may have just made one)."""
    portal_id: int = request.state.principal.portal_id
    registry: TypeRegistry = request.app.state.registry
    for type_id in type_ids:
        with suppress(HubSpotError):  # the use case says why the type won't do
            await registry.resolve(portal_id, type_id)
    return ListsContext(
        store=request.app.state.store,
        clock=request.app.state.clock,
        portal_id=portal_id,
        types=await registry.view(portal_id),
    )


def _when(at: int | None) -> str | None:
    return None if at is None else format_datetime(at)


def _extra(found: ObjectList, name: str, shape: type[S]) -> S | None:
    value = found.extra.get(name)
    return None if value is None else msgspec.convert(value, shape)


def public_list(found: ObjectList, *, with_filters: bool) -> w.PublicObjectList:
    branch = found.filter_branch if with_filters else None
    return w.PublicObjectList(
        list_id=str(found.id),
        list_version=found.version,
        name=found.name,
        object_type_id=found.object_type,
        processing_status=found.processing_status,
        processing_type=found.processing_type,
        created_at=format_datetime(found.created_at),
        deleted_at=_when(found.deleted_at),
        filter_branch=dict(branch) if branch is not None else None,
        filters_updated_at=_when(found.filters_updated_at),
        list_permissions=_extra(found, "listPermissions", w.PublicListPermissions)
        or w.PublicListPermissions([], []),
        membership_settings=_extra(found, "membershipSettings", w.PublicMembershipSettings)
        or w.PublicMembershipSettings(),
        size=found.size,
        updated_at=format_datetime(found.updated_at),
    )


def extra_of(data: w.ListCreateRequest) -> dict[str, Any]:
    """What a create keeps and echoes without interpreting it."""
    kept = {
        "customProperties": data.custom_properties,
        "listPermissions": data.list_permissions,
        "membershipSettings": data.membership_settings,
    }
    return {k: msgspec.to_builtins(v) for k, v in kept.items() if v is not None}


def search_result(hit: SearchHit) -> w.PublicObjectListSearchResult:
    found = hit.found
    return w.PublicObjectListSearchResult(
        additional_properties=dict(hit.properties),
        list_id=str(found.id),
        list_version=found.version,
        name=found.name,
        object_type_id=found.object_type,
        processing_status=found.processing_status,
        processing_type=found.processing_type,
        created_at=format_datetime(found.created_at),
        deleted_at=_when(found.deleted_at),
        filters_updated_at=_when(found.filters_updated_at),
        updated_at=format_datetime(found.updated_at),
    )


def _page_link(request: Request[Any, Any, State], name: str, token: str) -> str:
    query = {k: v for k, v in request.query_params.dict().items() if k not in ("after", "before")}
    pairs = [(k, item) for k, values in query.items() for item in values] + [(name, token)]
    return str(request.url.with_replacements(query=urlencode(pairs)))


def member_page(
    request: Request[Any, Any, State], page: MemberPage, total: int, *, by_join_time: bool
) -> w.ApiCollectionResponseJoinTimeAndRecordId:
    results = [
        w.JoinTimeAndRecordId(format_datetime(m.added_at), str(m.record_id)) for m in page.members
    ]

    def token(member: Member) -> str:
        return member_token(by_join_time, member.record_id, member.added_at)

    def key(member: Member) -> tuple[int, int]:
        return (member.added_at if by_join_time else 0, member.record_id)

    paging = None
    if page.members:
        highest, lowest = max(page.members, key=key), min(page.members, key=key)
        after = token(highest) if page.more_above else None
        before = token(lowest) if page.more_below else None
        paging = w.Paging(
            next=w.NextPage(after, _page_link(request, "after", after)) if after else None,
            prev=w.PreviousPage(before, _page_link(request, "before", before)) if before else None,
        )
    if paging is not None and paging.next is None and paging.prev is None:
        paging = None
    return w.ApiCollectionResponseJoinTimeAndRecordId(results, paging, total)


def record_membership(entry: RecordListEntry) -> w.RecordListMembership:
    joined = format_datetime(entry.added_at)
    return w.RecordListMembership(str(entry.list_id), entry.list_version, joined, joined, True)


def record_memberships(entries: Sequence[RecordListEntry]) -> list[w.RecordListMembership]:
    return [record_membership(e) for e in entries]


def public_folder(node: FolderNode) -> w.PublicListFolder:
    folder = node.folder
    stored = folder.id != 0
    return w.PublicListFolder(
        id=str(folder.id),
        parent_folder_id=str(folder.parent_id),
        child_lists=list(node.list_ids),
        child_nodes=[public_folder(child) for child in node.children],
        name=folder.name if stored else None,
        created_at=format_datetime(folder.created_at) if stored else None,
        updated_at=format_datetime(folder.updated_at) if stored else None,
        updated_contents_at=format_datetime(folder.contents_updated_at) if stored else None,
    )


def mapping(pairs: Mapping[int, int] | Sequence[tuple[int, int]]) -> list[w.PublicMigrationMapping]:
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    return [w.PublicMigrationMapping(str(legacy), str(list_id)) for legacy, list_id in items]


def conversion_response(found: ObjectList) -> w.PublicListConversionResponse:
    """The list's scheduled conversion as asked, and when it took effect."""
    kept = found.conversion
    if kept is None:
        return w.PublicListConversionResponse(str(found.id))
    kind = kept["conversionType"]
    fields = {name: kept[name] for name in REQUESTED_FIELDS[kind]}
    requested = msgspec.convert({"conversionType": kind, **fields}, w.PublicListConversionTime)
    return w.PublicListConversionResponse(str(found.id), _when(kept.get("convertedAt")), requested)
