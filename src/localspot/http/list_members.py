"""Lists API v3 handlers for memberships: ``/crm/v3/lists/{listId}/memberships...`` and a
record's lists, ``/crm/v3/lists/records/...``."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.datastructures import State
from litestar.params import Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from localspot.crm import list_members
from localspot.crm.list_members import MembershipOutcome
from localspot.crm.property_types import format_datetime
from localspot.http import convert
from localspot.http.list_shapes import (
    READ,
    WRITE,
    lists_context,
    member_page,
    record_memberships,
)
from localspot.http.openapi_specs import error_responses, multi_status
from localspot.wire import lists as w

MEMBERS = "/{list_id:str}/memberships"
AFTER = Parameter(query="after", default=None, required=False)
BEFORE = Parameter(query="before", default=None, required=False)


def _updated(outcome: MembershipOutcome) -> w.MembershipsUpdateResponse:
    return w.MembershipsUpdateResponse(
        record_ids_missing=list(outcome.missing),
        record_ids_removed=list(outcome.removed),
        records_ids_added=list(outcome.added),
    )


class ListMembershipsController(Controller):
    path = "/"
    tags = ["List memberships"]

    @put(f"{MEMBERS}/add", opt=WRITE, responses=error_responses(), summary="Add records")
    async def add(
        self, request: Request[Any, Any, State], list_id: str, data: list[w.RecordIdText]
    ) -> w.MembershipsUpdateResponse:
        ctx = await lists_context(request)
        return _updated(await list_members.add(ctx, list_id, data))

    @put(f"{MEMBERS}/remove", opt=WRITE, responses=error_responses(), summary="Remove records")
    async def remove(
        self, request: Request[Any, Any, State], list_id: str, data: list[w.RecordIdText]
    ) -> w.MembershipsUpdateResponse:
        ctx = await lists_context(request)
        return _updated(await list_members.remove(ctx, list_id, data))

    @put(
        f"{MEMBERS}/add-and-remove",
        opt=WRITE,
        responses=error_responses(),
        summary="Add and remove records",
    )
    async def add_and_remove(
        self, request: Request[Any, Any, State], list_id: str, data: w.MembershipChangeRequest
    ) -> w.MembershipsUpdateResponse:
        ctx = await lists_context(request)
        outcome = await list_members.add_and_remove(
            ctx, list_id, data.record_ids_to_add, data.record_ids_to_remove
        )
        return _updated(outcome)

    @put(
        f"{MEMBERS}/add-from/{{source_list_id:str}}",
        opt=WRITE,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
        summary="Add every record of another list",
    )
    async def add_all_from_list(
        self, request: Request[Any, Any, State], list_id: str, source_list_id: str
    ) -> None:
        await list_members.add_from(await lists_context(request), list_id, source_list_id)

    @delete(
        MEMBERS,
        opt=WRITE,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
        summary="Remove every record",
    )
    async def remove_all(self, request: Request[Any, Any, State], list_id: str) -> None:
        await list_members.remove_all(await lists_context(request), list_id)

    async def _page(
        self,
        request: Request[Any, Any, State],
        list_id: str,
        by_join_time: bool,
        paging: tuple[str | None, str | None, int],
    ) -> w.ApiCollectionResponseJoinTimeAndRecordId:
        after, before, limit = paging
        ctx = await lists_context(request)
        found, total = await list_members.page(
            ctx, list_id, by_join_time=by_join_time, after=after, before=before, limit=limit
        )
        return member_page(request, found, total, by_join_time=by_join_time)

    @get(MEMBERS, opt=READ, responses=error_responses(), summary="Members by record id")
    async def get_page(
        self,
        request: Request[Any, Any, State],
        list_id: str,
        after: str | None = AFTER,
        before: str | None = BEFORE,
        limit: int = 100,
    ) -> w.ApiCollectionResponseJoinTimeAndRecordId:
        return await self._page(request, list_id, False, (after, before, limit))

    @get(
        f"{MEMBERS}/join-order",
        opt=READ,
        responses=error_responses(),
        summary="Members by the time they were added",
    )
    async def get_page_ordered_by_added_to_list_date(
        self,
        request: Request[Any, Any, State],
        list_id: str,
        after: str | None = AFTER,
        before: str | None = BEFORE,
        limit: int = 100,
    ) -> w.ApiCollectionResponseJoinTimeAndRecordId:
        return await self._page(request, list_id, True, (after, before, limit))

    @get(
        "/records/{object_type_id:str}/{record_id:str}/memberships",
        opt=READ,
        responses=error_responses(),
        summary="The lists a record is in",
    )
    async def get_lists(
        self, request: Request[Any, Any, State], object_type_id: str, record_id: str
    ) -> w.ApiCollectionResponseRecordListMembership:
        ctx = await lists_context(request, object_type_id)
        entries = await list_members.record_lists(ctx, object_type_id, record_id)
        return w.ApiCollectionResponseRecordListMembership(
            record_memberships(entries), len(entries)
        )

    @post(
        "/records/memberships/batch/read",
        opt=READ,
        status_code=HTTP_200_OK,
        responses=multi_status(w.BatchResponseRecordIdWithMembershipsWithErrors),
        summary="The lists of several records",
    )
    async def batch_read(
        self, request: Request[Any, Any, State], data: w.BatchInputRecordIdInput
    ) -> Response[w.BatchResponseRecordIdWithMemberships]:
        started = request.app.state.clock.now_ms()
        pairs = [(i.object_type_id, i.record_id) for i in data.inputs]
        ctx = await lists_context(request, *{t for t, _ in pairs})
        found, errors = await list_members.batch_read(ctx, pairs)
        common: dict[str, Any] = {
            "status": "COMPLETE",
            "results": [
                w.RecordIdWithMemberships(t, r, record_memberships(entries))
                for t, r, entries in found
            ],
            "started_at": format_datetime(started),
            "completed_at": format_datetime(request.app.state.clock.now_ms()),
        }
        if not errors:
            body = w.BatchResponseRecordIdWithMemberships(**common)
            return Response(body, status_code=HTTP_200_OK)
        partial = w.BatchResponseRecordIdWithMembershipsWithErrors(
            **common, num_errors=len(errors), errors=[convert.standard_error(e) for e in errors]
        )
        return Response(partial, status_code=207)
