"""Association routes: v4 per record (``/crm/v4/objects/...``, also under the dated path),
v4 batches (``/crm/v4/associations/{from}/{to}/batch/...``) and the v3 per-object form
(``PUT|DELETE /crm/v3/objects/{type}/{id}/associations/{toType}/{toId}/{typeId}``).

The path parameter ``object_type`` is always the *from* type, so the auth guard checks its
read or write scope as for any record route.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from litestar import Controller, Request, Response, delete, get, post, put
from litestar.datastructures import State
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from localspot.crm import associations as links
from localspot.crm import reads
from localspot.crm.association_types import AssociationCatalog, AssociationType
from localspot.crm.model import InputError
from localspot.crm.property_types import format_datetime
from localspot.http import convert
from localspot.http.objects import crm_context, next_page_link
from localspot.http.openapi_specs import error_responses, multi_status
from localspot.wire import associations as wa
from localspot.wire import objects as w

READ = {"access": "read"}
WRITE = {"access": "write"}
RECORD = "/{object_type:str}/{object_id:str}/associations"
BodyT = TypeVar("BodyT")


def _labels(kinds: Sequence[AssociationType]) -> list[wa.AssociationSpecWithLabel]:
    return [wa.AssociationSpecWithLabel(k.category, k.type_id, k.label) for k in kinds]


def _linked(found: links.Linked) -> wa.MultiAssociatedObjectWithLabel:
    return wa.MultiAssociatedObjectWithLabel(found.to_id, _labels(found.types))


def _pair(result: links.PairResult, from_type: str, to_type: str) -> wa.LabelsBetweenObjectPair:
    labels = [k.label for k in result.types if k.label]
    return wa.LabelsBetweenObjectPair(from_type, result.from_id, to_type, result.to_id, labels)


def _defaults(
    catalog: AssociationCatalog, results: Sequence[links.PairResult]
) -> list[wa.PublicDefaultAssociation]:
    """Both directions of each default link, as HubSpot answers."""
    shown: list[wa.PublicDefaultAssociation] = []
    for result in results:
        kind = next((k for k in result.types if k.default), result.types[0])
        reverse = catalog.reverse(kind)
        for source, target, type_id in (
            (result.from_id, result.to_id, kind.type_id),
            (result.to_id, result.from_id, reverse.type_id),
        ):
            shown.append(
                wa.PublicDefaultAssociation(
                    w.PublicObjectId(str(source)),
                    w.PublicObjectId(str(target)),
                    w.AssociationSpec(kind.category, type_id),
                )
            )
    return shown


def _specs(types: Sequence[w.AssociationSpec]) -> list[links.Spec]:
    return [links.Spec(t.association_category, t.association_type_id) for t in types]


def _errors(errors: Sequence[InputError]) -> dict[str, Any]:
    if not errors:
        return {}
    return {"num_errors": len(errors), "errors": [convert.standard_error(e) for e in errors]}


def _now(request: Request[Any, Any, State]) -> str:
    return format_datetime(request.app.state.clock.now_ms())


def _batch_answer(
    shape: Callable[..., BodyT],
    results: list[Any],
    errors: Sequence[InputError],
    request: Request[Any, Any, State],
    started: str,
    ok_status: int,
) -> Response[BodyT]:
    """A v4 batch body: ``COMPLETE``, 207 with ``errors`` when some inputs failed."""
    body = shape("COMPLETE", results, started, _now(request), **_errors(errors))
    return Response(body, status_code=207 if errors else ok_status)


class RecordAssociationsController(Controller):
    """v4 associations of one record."""

    path = RECORD
    tags = ["Associations"]

    @put(
        "/default/{to_object_type:str}/{to_object_id:str}",
        opt=WRITE,
        status_code=HTTP_200_OK,
        responses=error_responses(),
        summary="Associate two records with the default type",
    )
    async def create_default(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        object_id: str,
        to_object_type: str,
        to_object_id: str,
    ) -> wa.BatchResponsePublicDefaultAssociation:
        started = _now(request)
        ctx = await crm_context(request, object_type)
        result = await links.link(ctx, object_id, to_object_type, to_object_id, None)
        return wa.BatchResponsePublicDefaultAssociation(
            "COMPLETE", _defaults(ctx.types.links, [result]), started, _now(request)
        )

    @put(
        "/{to_object_type:str}/{to_object_id:str}",
        opt=WRITE,
        status_code=HTTP_201_CREATED,
        responses=error_responses(),
        summary="Associate two records with the given types",
    )
    async def create(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        object_id: str,
        to_object_type: str,
        to_object_id: str,
        data: list[w.AssociationSpec],
    ) -> wa.LabelsBetweenObjectPair:
        ctx = await crm_context(request, object_type)
        result = await links.link(ctx, object_id, to_object_type, to_object_id, _specs(data))
        to_type = ctx.types.resolve(to_object_type)
        return _pair(result, ctx.object_type.type_id, to_type.type_id)

    @delete(
        "/{to_object_type:str}/{to_object_id:str}",
        opt=WRITE,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
        summary="Remove every association between two records",
    )
    async def archive(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        object_id: str,
        to_object_type: str,
        to_object_id: str,
    ) -> None:
        ctx = await crm_context(request, object_type)
        await links.unlink(ctx, object_id, to_object_type, to_object_id)

    @get(
        "/{to_object_type:str}",
        opt=READ,
        responses=error_responses(),
        summary="List a record's associations to one object type",
    )
    async def get_page(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        object_id: str,
        to_object_type: str,
        limit: int = links.DEFAULT_PAGE,
        after: str | None = None,
    ) -> wa.CollectionResponseMultiAssociatedObjectWithLabelForwardPaging:
        ctx = await crm_context(request, object_type)
        found = await links.page(ctx, object_id, to_object_type, after, limit)
        paging = None
        if found.next_after is not None:
            after_text = str(found.next_after)
            paging = w.ForwardPaging(
                next=w.NextPage(after=after_text, link=next_page_link(request, after_text))
            )
        return wa.CollectionResponseMultiAssociatedObjectWithLabelForwardPaging(
            [_linked(x) for x in found.results], paging
        )


class BatchAssociationsController(Controller):
    """v4 batch endpoints between two object types."""

    path = "/{object_type:str}/{to_object_type:str}/batch"
    tags = ["Associations"]

    @post(
        "/associate/default",
        opt=WRITE,
        status_code=HTTP_200_OK,
        responses=multi_status(wa.BatchResponsePublicDefaultAssociation),
        summary="Associate pairs of records with the default type",
    )
    async def associate_default(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        to_object_type: str,
        data: wa.BatchInputPublicDefaultAssociationMultiPost,
    ) -> Response[wa.BatchResponsePublicDefaultAssociation]:
        started = _now(request)
        ctx = await crm_context(request, object_type)
        inputs = [(str(i.from_.id), str(i.to.id), None) for i in data.inputs]
        outcome = await links.batch_link(ctx, to_object_type, inputs)
        return _batch_answer(
            wa.BatchResponsePublicDefaultAssociation,
            _defaults(ctx.types.links, outcome.results),
            outcome.errors,
            request,
            started,
            HTTP_200_OK,
        )

    @post(
        "/create",
        opt=WRITE,
        status_code=HTTP_201_CREATED,
        responses=multi_status(wa.BatchResponseLabelsBetweenObjectPair),
        summary="Associate pairs of records with the given types",
    )
    async def create(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        to_object_type: str,
        data: wa.BatchInputPublicAssociationMultiPost,
    ) -> Response[wa.BatchResponseLabelsBetweenObjectPair]:
        started = _now(request)
        ctx = await crm_context(request, object_type)
        to_type = ctx.types.resolve(to_object_type)
        inputs = [(str(i.from_.id), str(i.to.id), _specs(i.types)) for i in data.inputs]
        outcome = await links.batch_link(ctx, to_object_type, inputs)
        return _batch_answer(
            wa.BatchResponseLabelsBetweenObjectPair,
            [_pair(r, ctx.object_type.type_id, to_type.type_id) for r in outcome.results],
            outcome.errors,
            request,
            started,
            HTTP_201_CREATED,
        )

    @post(
        "/read",
        opt=READ,
        status_code=HTTP_200_OK,
        responses=multi_status(wa.BatchResponsePublicAssociationMultiWithLabel),
        summary="Read the associations of many records",
    )
    async def read(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        to_object_type: str,
        data: wa.BatchInputPublicFetchAssociationsBatchRequest,
    ) -> Response[wa.BatchResponsePublicAssociationMultiWithLabel]:
        started = _now(request)
        ctx = await crm_context(request, object_type)
        results, errors = await links.batch_read(
            ctx, to_object_type, [str(i.id) for i in data.inputs]
        )
        shown = [
            wa.PublicAssociationMultiWithLabel(
                w.PublicObjectId(str(r.from_id)), [_linked(x) for x in r.linked]
            )
            for r in results
        ]
        return _batch_answer(
            wa.BatchResponsePublicAssociationMultiWithLabel,
            shown,
            errors,
            request,
            started,
            HTTP_200_OK,
        )

    @post(
        "/archive",
        opt=WRITE,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
        summary="Remove every association between pairs of records",
    )
    async def archive(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        to_object_type: str,
        data: wa.BatchInputPublicAssociationMultiArchive,
    ) -> None:
        ctx = await crm_context(request, object_type)
        inputs = [(str(i.from_.id), [str(t.id) for t in i.to], None) for i in data.inputs]
        await links.batch_unlink(ctx, to_object_type, inputs)

    @post(
        "/labels/archive",
        opt=WRITE,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
        summary="Remove the given association types between pairs of records",
    )
    async def archive_labels(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        to_object_type: str,
        data: wa.BatchInputPublicAssociationMultiPost,
    ) -> None:
        ctx = await crm_context(request, object_type)
        inputs = [(str(i.from_.id), [str(i.to.id)], _specs(i.types)) for i in data.inputs]
        await links.batch_unlink(ctx, to_object_type, inputs)


class ObjectAssociationsController(Controller):
    """The v3 per-object form the calls guide documents."""

    path = RECORD + "/{to_object_type:str}/{to_object_id:str}/{association_type:str}"
    tags = ["Associations"]

    @put("/", opt=WRITE, status_code=HTTP_200_OK, responses=error_responses(), summary="Associate")
    async def associate(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        object_id: str,
        to_object_type: str,
        to_object_id: str,
        association_type: str,
    ) -> w.SimplePublicObjectWithAssociations:
        ctx = await crm_context(request, object_type)
        to_type = ctx.types.resolve(to_object_type)
        kind = ctx.types.links.find_by_id_or_name(ctx.object_type, to_type, association_type)
        spec = links.Spec(kind.category, kind.type_id)
        await links.link(ctx, object_id, to_object_type, to_object_id, [spec])
        record, selection = await reads.get_one(
            ctx, object_id, id_property=None, archived=False, properties=[], with_history=[]
        )
        shown = await links.shown_with_records(ctx, [record.id], [to_type.name])
        return convert.with_associations(
            convert.simple_object(record, selection, w.SimplePublicObjectWithAssociations),
            shown.get(record.id),
        )

    @delete(
        "/",
        opt=WRITE,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
        summary="Remove",
    )
    async def remove(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        object_id: str,
        to_object_type: str,
        to_object_id: str,
        association_type: str,
    ) -> None:
        ctx = await crm_context(request, object_type)
        to_type = ctx.types.resolve(to_object_type)
        kind = ctx.types.links.find_by_id_or_name(ctx.object_type, to_type, association_type)
        await links.unlink(ctx, object_id, to_object_type, to_object_id, [kind])
