"""Lists API v3 handler for a list's size and edit history:
``/crm/v3/lists/{listId}/size-and-edits-history/between`` (and the dated
``/crm/lists/2026-03``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from litestar import Controller, Request, get
from litestar.datastructures import State
from litestar.params import Parameter

from localspot.crm import list_history
from localspot.crm.property_types import format_datetime
from localspot.http.list_shapes import READ, lists_context
from localspot.http.openapi_specs import error_responses
from localspot.wire import lists as w

START = Parameter(query="startDate", default=None, required=False)
END = Parameter(query="endDate", default=None, required=False)


def _epoch_ms(at: datetime | None) -> int | None:
    """An instant of the query as epoch ms (one without an offset is UTC)."""
    if at is None:
        return None
    return int((at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp() * 1000)


class ListHistoryController(Controller):
    path = "/"
    tags = ["Lists"]

    @get(
        "/{list_id:str}/size-and-edits-history/between",
        opt=READ,
        responses=error_responses(),
        summary="Read a list's size and edit history",
    )
    async def size_and_edits_history(
        self,
        request: Request[Any, Any, State],
        list_id: str,
        start_date: datetime | None = START,
        end_date: datetime | None = END,
    ) -> w.ListSizeAndEditHistoryResponse:
        found = await list_history.history_between(
            await lists_context(request), list_id, _epoch_ms(start_date), _epoch_ms(end_date)
        )
        return w.ListSizeAndEditHistoryResponse(
            edit_history=[format_datetime(at) for at in found.edits],
            size_history=[
                w.ListSizeDataPoint(size=p.size, timestamp=format_datetime(p.at))
                for p in found.sizes
            ],
        )
