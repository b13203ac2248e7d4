"""Lists API v3 handlers for scheduled conversions to static lists:
``/crm/v3/lists/{listId}/schedule-conversion`` (and the dated ``/crm/lists/2026-03``)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, delete, get, put
from litestar.datastructures import State
from litestar.status_codes import HTTP_204_NO_CONTENT

from localspot.crm import list_conversions
from localspot.http.list_shapes import READ, WRITE, conversion_response, lists_context
from localspot.http.openapi_specs import error_responses
from localspot.wire import lists as w

CONVERSION = "/{list_id:str}/schedule-conversion"


class ListConversionsController(Controller):
    path = "/"
    tags = ["Lists"]

    @put(CONVERSION, opt=WRITE, responses=error_responses(), summary="Schedule a conversion")
    async def schedule_or_update_conversion(
        self, request: Request[Any, Any, State], list_id: str, data: w.PublicListConversionTime
    ) -> w.PublicListConversionResponse:
        wanted = msgspec.to_builtins(data)
        found = await list_conversions.schedule(await lists_context(request), list_id, wanted)
        return conversion_response(found)

    @get(CONVERSION, opt=READ, responses=error_responses(), summary="Read a conversion")
    async def get_conversion_details(
        self, request: Request[Any, Any, State], list_id: str
    ) -> w.PublicListConversionResponse:
        found = await list_conversions.conversion_of(await lists_context(request), list_id)
        return conversion_response(found)

    @delete(CONVERSION, opt=WRITE, status_code=HTTP_204_NO_CONTENT, responses=error_responses())
    async def cancel_conversion(self, request: Request[Any, Any, State], list_id: str) -> None:
        await list_conversions.cancel(await lists_context(request), list_id)
