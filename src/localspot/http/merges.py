"""``POST /crm/v3/objects/{objectType}/merge`` and ``POST /crm/v3/objects/contacts/gdpr-delete``.

They sit beside the record routes under the same ``/{objectType}`` prefix: a static last
segment wins over ``/{objectId}``, so ``merge`` is not read as a record id.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.datastructures import State
from litestar.exceptions import MethodNotAllowedException
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from localspot.crm import merges, reads
from localspot.http import convert
from localspot.http.objects import WRITE, crm_context
from localspot.http.openapi_specs import error_responses
from localspot.wire import objects as w
from localspot.wire.errors import Error

GDPR_TYPE = "0-1"
GDPR_RESPONSES = {
    **error_responses(),
    405: ResponseSpec(
        data_container=Error,
        description="Not a contacts path (HTTP method not supported)",
        generate_examples=False,
    ),
}


class MergesController(Controller):
    path = "/{object_type:str}"
    tags = ["Objects"]

    @post(
        "/merge",
        opt=WRITE,
        status_code=HTTP_200_OK,
        responses=error_responses(),
        summary="Merge two records",
    )
    async def merge(
        self, request: Request[Any, Any, State], object_type: str, data: w.PublicMergeInput
    ) -> w.SimplePublicObject:
        ctx = await crm_context(request, object_type)
        record, shown = await merges.merge(ctx, data.primary_object_id, data.object_id_to_merge)
        return convert.simple_object(
            record, reads.Selection(shown, (), ctx.object_type.system_columns)
        )

    @post(
        "/gdpr-delete",
        opt=WRITE,
        status_code=HTTP_204_NO_CONTENT,
        responses=GDPR_RESPONSES,
        summary="Permanently delete a contact (GDPR)",
    )
    async def gdpr_delete(
        self, request: Request[Any, Any, State], object_type: str, data: w.PublicGdprDeleteInput
    ) -> None:
        ctx = await crm_context(request, object_type)
        if ctx.object_type.type_id != GDPR_TYPE:
            raise MethodNotAllowedException(headers={"Allow": "GET, PATCH, DELETE"})
        await merges.gdpr_delete(ctx, data.object_id, data.id_property)
