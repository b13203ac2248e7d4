"""``POST /crm/v3/objects/deals/splits/batch/read`` and ``.../batch/upsert``, and HubSpot's
dated ``/deal-splits/{version}/batch/read`` and ``.../batch/upsert`` (deals implied).

The v3 routes are mounted beside the record routes under ``/{objectType}``: the static
``splits`` segment wins over ``/{objectId}``, so it is not read as a record id. Another type
than deals is refused.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, post
from litestar.datastructures import State
from litestar.status_codes import HTTP_200_OK

from localspot.crm import deal_splits
from localspot.crm.deal_splits_storage import DealSplit
from localspot.crm.property_types import format_datetime
from localspot.http import convert
from localspot.http.objects import crm_context
from localspot.http.openapi_specs import multi_status
from localspot.wire import deal_splits as w
from localspot.wire.associations_v3 import BatchInputPublicObjectId
from localspot.wire.objects import SimplePublicObject

SCOPE = {"access": "write", "scopes": ["crm.dealsplits.read_write"]}
RESPONSES = multi_status(w.BatchResponseDealToDealSplitsWithErrors)


def split_object(split: DealSplit) -> SimplePublicObject:
    return SimplePublicObject(
        id=str(split.id),
        properties={
            "hs_deal_split_percentage": split.percentage,
            "hubspot_owner_id": str(split.owner_id),
        },
        created_at=format_datetime(split.created_at),
        updated_at=format_datetime(split.updated_at),
        archived=False,
    )


def body(outcome: deal_splits.SplitsOutcome) -> Response[w.BatchResponseDealToDealSplits]:
    common: dict[str, Any] = {
        "status": "COMPLETE",
        "results": [
            w.DealToDealSplits(str(deal), [split_object(s) for s in splits])
            for deal, splits in outcome.results
        ],
        "started_at": format_datetime(outcome.started_at),
        "completed_at": format_datetime(outcome.completed_at),
    }
    if not outcome.errors:
        return Response(w.BatchResponseDealToDealSplits(**common), status_code=HTTP_200_OK)
    errors = [convert.standard_error(e) for e in outcome.errors]
    partial = w.BatchResponseDealToDealSplitsWithErrors(
        **common, num_errors=len(errors), errors=errors
    )
    return Response(partial, status_code=207)


async def read_splits(
    request: Request[Any, Any, State], object_type: str, data: BatchInputPublicObjectId
) -> Response[w.BatchResponseDealToDealSplits]:
    ctx = await crm_context(request, object_type)
    return body(await deal_splits.batch_read(ctx, [str(i.id) for i in data.inputs]))


async def upsert_splits(
    request: Request[Any, Any, State],
    object_type: str,
    data: w.PublicDealSplitsBatchCreateRequest,
) -> Response[w.BatchResponseDealToDealSplits]:
    ctx = await crm_context(request, object_type)
    inputs = [
        deal_splits.SplitsInput(
            str(i.id), tuple((s.owner_id, repr(s.percentage)) for s in i.splits)
        )
        for i in data.inputs
    ]
    return body(await deal_splits.batch_upsert(ctx, inputs))


class DealSplitsController(Controller):
    path = "/{object_type:str}/splits/batch"
    tags = ["Deal splits"]

    @post("/read", opt=SCOPE, status_code=HTTP_200_OK, responses=RESPONSES, summary="Read")
    async def read(
        self, request: Request[Any, Any, State], object_type: str, data: BatchInputPublicObjectId
    ) -> Response[w.BatchResponseDealToDealSplits]:
        return await read_splits(request, object_type, data)

    @post("/upsert", opt=SCOPE, status_code=HTTP_200_OK, responses=RESPONSES, summary="Upsert")
    async def upsert(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        data: w.PublicDealSplitsBatchCreateRequest,
    ) -> Response[w.BatchResponseDealToDealSplits]:
        return await upsert_splits(request, object_type, data)


class DatedDealSplitsController(Controller):
    """HubSpot's dated Deal splits paths name no object type: always deals."""

    path = "/batch"
    tags = ["Deal splits"]

    @post("/read", opt=SCOPE, status_code=HTTP_200_OK, responses=RESPONSES, summary="Read")
    async def read(
        self, request: Request[Any, Any, State], data: BatchInputPublicObjectId
    ) -> Response[w.BatchResponseDealToDealSplits]:
        return await read_splits(request, "deals", data)

    @post("/upsert", opt=SCOPE, status_code=HTTP_200_OK, responses=RESPONSES, summary="Upsert")
    async def upsert(
        self, request: Request[Any, Any, State], data: w.PublicDealSplitsBatchCreateRequest
    ) -> Response[w.BatchResponseDealToDealSplits]:
        return await upsert_splits(request, "deals", data)
