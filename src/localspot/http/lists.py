"""Lists API v3 handlers for list definitions, search and legacy ids:
``/crm/v3/lists`` (and the dated ``/crm/lists/2026-03``)."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any
from urllib.parse import unquote_to_bytes

from litestar import Controller, Request, delete, get, post, put
from litestar.datastructures import State
from litestar.params import Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from localspot.crm import list_search, lists
from localspot.crm.list_rules import PROCESSING
from localspot.crm.lists_storage import ObjectList
from localspot.http.list_shapes import (
    READ,
    WRITE,
    extra_of,
    lists_context,
    mapping,
    public_list,
    search_result,
)
from localspot.http.openapi_specs import error_responses
from localspot.wire import lists as w

FILTERS = Parameter(query="includeFilters", default=False, required=False)
LIST_IDS = Parameter(query="listIds", default=None, required=False)
LIST = "/{list_id:str}"
NAME_IN_PATH = Parameter(schema_extra={"type": "string"})
"""A list name in the path (``:path``: it may hold ``/``), described as the string it is."""


def _inline(request: Request[Any, Any, State]) -> int:
    return int(request.app.state.settings.list_fill_inline_records)


def _hand_over(request: Request[Any, Any, State], found: ObjectList) -> None:
    """A list still ``PROCESSING`` is the background filler's to finish."""
    if found.processing_status == PROCESSING:
        request.app.state.list_fills.wake()


class ListsController(Controller):
    path = "/"
    tags = ["Lists"]

    @post("/", opt=WRITE, status_code=HTTP_200_OK, responses=error_responses(), summary="Create")
    async def create(
        self, request: Request[Any, Any, State], data: w.ListCreateRequest
    ) -> w.ListCreateResponse:
        ctx = await lists_context(request, data.object_type_id)
        given = lists.ListInput(
            name=data.name,
            object_type_id=data.object_type_id,
            processing_type=data.processing_type,
            filter_branch=data.filter_branch,
            folder_id=data.list_folder_id,
            extra=extra_of(data),
        )
        created = await lists.create_list(ctx, given, inline_records=_inline(request))
        _hand_over(request, created)
        return w.ListCreateResponse(public_list(created, with_filters=True))

    @get("/", opt=READ, responses=error_responses(), summary="Fetch several lists by id")
    async def get_all(
        self,
        request: Request[Any, Any, State],
        list_ids: list[str] | None = LIST_IDS,
        include_filters: bool = FILTERS,
    ) -> w.ListsByIdResponse:
        found = await lists.get_lists(await lists_context(request), list_ids or [])
        return w.ListsByIdResponse([public_list(x, with_filters=include_filters) for x in found])

    @post(
        "/search", opt=READ, status_code=HTTP_200_OK, responses=error_responses(), summary="Search"
    )
    async def do_search(
        self, request: Request[Any, Any, State], data: w.ListSearchRequest
    ) -> w.ListSearchResponse:
        given = list_search.SearchInput(
            query=data.query,
            offset=data.offset,
            count=data.count,
            processing_types=data.processing_types,
            list_ids=data.list_ids,
            object_type_id=data.object_type_id,
            additional_properties=data.additional_properties,
            sort=data.sort,
        )
        found = await list_search.search_lists(await lists_context(request), given)
        return w.ListSearchResponse(
            has_more=found.has_more,
            lists=[search_result(hit) for hit in found.hits],
            offset=found.next_offset,
            total=found.total,
        )

    @get(LIST, opt=READ, responses=error_responses(), summary="Fetch a list by id")
    async def get_by_id(
        self, request: Request[Any, Any, State], list_id: str, include_filters: bool = FILTERS
    ) -> w.ListFetchResponse:
        found = await lists.fetch_list(await lists_context(request), list_id)
        return w.ListFetchResponse(public_list(found, with_filters=include_filters))

    @get(
        "/object-type-id/{object_type_id:str}/name/{list_name:path}",
        opt=READ,
        responses=error_responses(),
        summary="Fetch a list by name",
    )
    async def get_by_name(
        self,
        request: Request[Any, Any, State],
        object_type_id: str,
        list_name: PurePath = NAME_IN_PATH,
        include_filters: bool = FILTERS,
    ) -> w.ListFetchResponse:
        ctx = await lists_context(request, object_type_id)
        found = await lists.get_by_name(ctx, object_type_id, _name_as_sent(request))
        return w.ListFetchResponse(public_list(found, with_filters=include_filters))

    @delete(LIST, opt=WRITE, status_code=HTTP_204_NO_CONTENT, responses=error_responses())
    async def remove(self, request: Request[Any, Any, State], list_id: str) -> None:
        await lists.delete_list(await lists_context(request), list_id)

    @put(f"{LIST}/restore", opt=WRITE, status_code=HTTP_204_NO_CONTENT, responses=error_responses())
    async def restore(self, request: Request[Any, Any, State], list_id: str) -> None:
        await lists.restore_list(await lists_context(request), list_id)

    @put(f"{LIST}/update-list-name", opt=WRITE, responses=error_responses(), summary="Rename")
    async def update_name(
        self,
        request: Request[Any, Any, State],
        list_id: str,
        list_name: str | None = Parameter(query="listName", default=None, required=False),
        include_filters: bool = FILTERS,
    ) -> w.ListUpdateResponse:
        renamed = await lists.rename_list(await lists_context(request), list_id, list_name)
        return w.ListUpdateResponse(public_list(renamed, with_filters=include_filters))

    @put(
        f"{LIST}/update-list-filters",
        opt=WRITE,
        responses=error_responses(),
        summary="Update a DYNAMIC list's filters",
    )
    async def update_list_filters(
        self,
        request: Request[Any, Any, State],
        list_id: str,
        data: w.ListFilterUpdateRequest,
        enroll: bool = Parameter(query="enrollObjectsInWorkflows", default=False, required=False),
    ) -> w.ListUpdateResponse:
        ctx = await lists_context(request)
        updated = await lists.update_filters(
            ctx, list_id, data.filter_branch, inline_records=_inline(request)
        )
        _hand_over(request, updated)
        return w.ListUpdateResponse(public_list(updated, with_filters=True))

    @get("/idmapping", opt=READ, responses=error_responses(), summary="Translate a legacy id")
    async def translate_legacy_list_id_to_list_id(
        self,
        request: Request[Any, Any, State],
        legacy_list_id: str | None = Parameter(query="legacyListId", default=None, required=False),
    ) -> w.PublicMigrationMapping:
        ctx = await lists_context(request)
        legacy, list_id = await list_search.translate_legacy_id(ctx, legacy_list_id)
        return w.PublicMigrationMapping(str(legacy), str(list_id))

    @post(
        "/idmapping",
        opt=READ,
        status_code=HTTP_200_OK,
        responses=error_responses(),
        summary="Translate legacy ids",
    )
    async def translate_legacy_list_id_to_list_id_batch(
        self, request: Request[Any, Any, State], data: list[str]
    ) -> w.PublicBatchMigrationMapping:
        ctx = await lists_context(request)
        found, missing = await list_search.translate_legacy_ids(ctx, data)
        return w.PublicBatchMigrationMapping(mapping(found), missing)


def _name_as_sent(request: Request[Any, Any, State]) -> str:
    """The list name of a by-name path, exactly as the client escaped it: a name may hold
    ``/`` (sent as ``%2F``, which the path the route matched has already decoded)."""
    raw: bytes = request.scope.get("raw_path") or request.url.path.encode()
    after_type = raw.split(b"/object-type-id/", 1)[-1].split(b"/", 1)[-1]  # name/{listName}
    return unquote_to_bytes(after_type.removeprefix(b"name/")).decode("utf-8", "replace")
