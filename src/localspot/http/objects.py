"""Record and batch handlers for ``/crm/v3/objects/{objectType}`` and the dated path.

Each handler decodes, builds the context, calls one ``crm`` use case and encodes.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.datastructures import State
from litestar.params import Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from localspot.config import Settings
from localspot.crm import associations as associations_module
from localspot.crm import creates, reads, upserts, writes
from localspot.crm.context import CrmContext
from localspot.crm.model import Principal
from localspot.crm.storage import Store
from localspot.crm.type_registry import TypeRegistry
from localspot.http import convert
from localspot.http.openapi_specs import batch_responses, error_responses
from localspot.wire import objects as w

READ = {"access": "read"}
WRITE = {"access": "write"}
Query = Parameter(query="properties", default=None, required=False)
HistoryQuery = Parameter(query="propertiesWithHistory", default=None, required=False)
AssociationsQuery = Parameter(query="associations", default=None, required=False)
IdPropertyQuery = Parameter(query="idProperty", default=None, required=False)


async def crm_context(request: Request[Any, Any, State], object_type: str) -> CrmContext[Store]:
    """The context of a request on ``object_type`` (any of the portal's types)."""
    settings: Settings = request.app.state.settings
    principal: Principal = request.state.principal
    registry: TypeRegistry = request.app.state.registry
    types, resolved = await registry.resolve(principal.portal_id, object_type)
    return CrmContext(
        store=request.app.state.store,
        clock=request.app.state.clock,
        principal=principal,
        object_type=resolved,
        max_batch_inputs=settings.max_batch_inputs,
        types=types,
    )


def names(values: list[str] | None) -> list[str]:
    """``properties=a,b`` and ``properties=a&properties=b`` mean the same."""
    return [n.strip() for v in values or () for n in v.split(",") if n.strip()]


def multi_status(body: Any, ok_status: int) -> Response[Any]:
    is_partial = isinstance(
        body,
        w.BatchResponseSimplePublicObjectWithErrors
        | w.BatchResponseSimplePublicUpsertObjectWithErrors,
    )
    return Response(body, status_code=207 if is_partial else ok_status)


def next_page_link(request: Request[Any, Any, State], after: str) -> str:
    query = {k: v for k, v in request.query_params.dict().items() if k != "after"}
    pairs = [(k, item) for k, values in query.items() for item in values] + [("after", after)]
    return str(request.url.with_replacements(query=urlencode(pairs)))


class ObjectsController(Controller):
    path = "/{object_type:str}"
    tags = ["Objects"]

    @get("/", opt=READ, responses=error_responses(), summary="List")
    async def list_objects(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        limit: int = 10,
        after: str | None = None,
        properties: list[str] | None = Query,
        properties_with_history: list[str] | None = HistoryQuery,
        associations: list[str] | None = AssociationsQuery,
        archived: bool = False,
    ) -> w.CollectionResponseSimplePublicObjectWithAssociationsForwardPaging:
        ctx = await crm_context(request, object_type)
        records, next_after, selection = await reads.list_page(
            ctx,
            after=after,
            limit=limit,
            archived=archived,
            properties=names(properties),
            with_history=names(properties_with_history),
        )
        linked = await associations_module.shown_with_records(
            ctx, [r.id for r in records], names(associations)
        )
        results = [
            convert.with_associations(
                convert.simple_object(r, selection, w.SimplePublicObjectWithAssociations),
                linked.get(r.id),
            )
            for r in records
        ]
        paging = None
        if next_after is not None:
            link = next_page_link(request, str(next_after))
            paging = w.ForwardPaging(next=w.NextPage(after=str(next_after), link=link))
        return w.CollectionResponseSimplePublicObjectWithAssociationsForwardPaging(results, paging)

    @post(
        "/", opt=WRITE, status_code=HTTP_201_CREATED, responses=error_responses(), summary="Create"
    )
    async def create(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        data: w.SimplePublicObjectInputForCreate,
    ) -> w.SimplePublicObject:
        ctx = await crm_context(request, object_type)
        record, shown = await creates.create_one(ctx, convert.create_input(data))
        return convert.simple_object(
            record, reads.Selection(shown, (), ctx.object_type.system_columns)
        )

    @get("/{object_id:str}", opt=READ, responses=error_responses(), summary="Read")
    async def read(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        object_id: str,
        properties: list[str] | None = Query,
        properties_with_history: list[str] | None = HistoryQuery,
        associations: list[str] | None = AssociationsQuery,
        archived: bool = False,
        id_property: str | None = IdPropertyQuery,
    ) -> w.SimplePublicObjectWithAssociations:
        ctx = await crm_context(request, object_type)
        record, selection = await reads.get_one(
            ctx,
            object_id,
            id_property=id_property,
            archived=archived,
            properties=names(properties),
            with_history=names(properties_with_history),
        )
        linked = await associations_module.shown_with_records(ctx, [record.id], names(associations))
        return convert.with_associations(
            convert.simple_object(record, selection, w.SimplePublicObjectWithAssociations),
            linked.get(record.id),
        )

    @patch("/{object_id:str}", opt=WRITE, responses=error_responses(), summary="Update")
    async def update(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        object_id: str,
        data: w.SimplePublicObjectInput,
        id_property: str | None = IdPropertyQuery,
    ) -> w.SimplePublicObject:
        ctx = await crm_context(request, object_type)
        record, shown = await writes.update_one(
            ctx, object_id, id_property, convert.property_texts(data.properties)
        )
        return convert.simple_object(
            record, reads.Selection(shown, (), ctx.object_type.system_columns)
        )

    @delete(
        "/{object_id:str}",
        opt=WRITE,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
        summary="Archive",
    )
    async def archive(
        self, request: Request[Any, Any, State], object_type: str, object_id: str
    ) -> None:
        await creates.archive(await crm_context(request, object_type), [object_id], batch=False)

    @post(
        "/batch/create",
        opt=WRITE,
        status_code=HTTP_201_CREATED,
        responses=batch_responses(),
        summary="Create a batch",
    )
    async def batch_create(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        data: w.BatchInputSimplePublicObjectBatchInputForCreate,
    ) -> Response[w.BatchResponseSimplePublicObject]:
        inputs = [convert.create_input(item) for item in data.inputs]
        outcome = await creates.batch_create(await crm_context(request, object_type), inputs)
        return multi_status(convert.batch_response(outcome), HTTP_201_CREATED)

    @post(
        "/batch/read",
        opt=READ,
        status_code=HTTP_200_OK,
        responses=batch_responses(),
        summary="Read a batch",
    )
    async def batch_read(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        data: w.BatchReadInputSimplePublicObjectId,
        archived: bool = False,
    ) -> Response[w.BatchResponseSimplePublicObject]:
        settings: Settings = request.app.state.settings
        outcome = await reads.batch_read(
            await crm_context(request, object_type),
            [str(i.id) for i in data.inputs],
            id_property=data.id_property,
            archived=archived,
            properties=data.properties,
            with_history=data.properties_with_history,
            max_history_inputs=settings.max_history_batch_inputs,
        )
        results: list[w.SimplePublicObject] = [
            convert.simple_object(r, outcome.selection) for r in outcome.records
        ]
        body = convert.batch_body(
            results, outcome.errors, None, outcome.started_at, outcome.completed_at
        )
        return multi_status(body, HTTP_200_OK)

    @post(
        "/batch/update",
        opt=WRITE,
        status_code=HTTP_200_OK,
        responses=batch_responses(),
        summary="Update a batch",
    )
    async def batch_update(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        data: w.BatchInputSimplePublicObjectBatchInput,
    ) -> Response[w.BatchResponseSimplePublicObject]:
        inputs = [convert.update_input(item) for item in data.inputs]
        outcome = await writes.batch_update(await crm_context(request, object_type), inputs)
        return multi_status(convert.batch_response(outcome), HTTP_200_OK)

    @post(
        "/batch/upsert",
        opt=WRITE,
        status_code=HTTP_200_OK,
        responses=batch_responses(upsert=True),
        summary="Create or update a batch by a unique property",
    )
    async def batch_upsert(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        data: w.BatchInputSimplePublicObjectBatchInputUpsert,
    ) -> Response[w.BatchResponseSimplePublicUpsertObject]:
        inputs = [convert.update_input(item) for item in data.inputs]
        outcome = await upserts.batch_upsert(await crm_context(request, object_type), inputs)
        return multi_status(convert.upsert_response(outcome), HTTP_200_OK)

    @post(
        "/batch/archive",
        opt=WRITE,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
        summary="Archive a batch",
    )
    async def batch_archive(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        data: w.BatchInputSimplePublicObjectId,
    ) -> None:
        ids = [str(item.id) for item in data.inputs]
        await creates.archive(await crm_context(request, object_type), ids, batch=True)
