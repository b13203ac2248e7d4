"""The v3 associations API, mounted under ``/crm/v3/associations``: the types between two
object types and batch create, read and archive (hubspot-behaviour §13).

The path parameter ``object_type`` is the *from* type, so the auth guard checks its read or
write scope as for any record route; the use cases check the *to* type's read scope.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from localspot.crm import associations_v3 as v3
from localspot.crm.model import InputError
from localspot.crm.property_types import format_datetime
from localspot.http import convert
from localspot.http.objects import crm_context
from localspot.http.openapi_specs import error_responses, multi_status
from localspot.wire import associations_v3 as wa
from localspot.wire import objects as w

READ = {"access": "read"}
WRITE = {"access": "write"}


def _now(request: Request[Any, Any, State]) -> str:
    return format_datetime(request.app.state.clock.now_ms())


def _errors(errors: Sequence[InputError]) -> dict[str, Any]:
    if not errors:
        return {}
    return {"num_errors": len(errors), "errors": [convert.standard_error(e) for e in errors]}


def _triples(data: wa.BatchInputPublicAssociation) -> list[tuple[str, str, str]]:
    return [(str(i.from_.id), str(i.to.id), i.type) for i in data.inputs]


def _link(link: v3.TypedLink) -> wa.PublicAssociation:
    return wa.PublicAssociation(
        w.PublicObjectId(str(link.from_id)), w.PublicObjectId(str(link.to_id)), link.type_name
    )


def _multi(found: v3.LinkedIds) -> wa.PublicAssociationMulti:
    to = [w.AssociatedId(str(to_id), name) for to_id, name in found.to]
    return wa.PublicAssociationMulti(w.PublicObjectId(str(found.from_id)), to)


class AssociationsV3Controller(Controller):
    """v3 association types and batches between two object types."""

    path = "/{object_type:str}/{to_object_type:str}"
    tags = ["Associations"]

    @get(
        "/types",
        opt=READ,
        responses=error_responses(),
        summary="List the association types between two object types",
    )
    async def get_types(
        self, request: Request[Any, Any, State], object_type: str, to_object_type: str
    ) -> wa.CollectionResponsePublicAssociationDefinitionNoPaging:
        kinds = v3.types(await crm_context(request, object_type), to_object_type)
        return wa.CollectionResponsePublicAssociationDefinitionNoPaging(
            [wa.PublicAssociationDefinition(str(k.type_id), k.name) for k in kinds]
        )

    @post(
        "/batch/create",
        opt=WRITE,
        status_code=HTTP_201_CREATED,
        responses=multi_status(wa.BatchResponsePublicAssociation),
        summary="Associate pairs of records with a named type",
    )
    async def create(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        to_object_type: str,
        data: wa.BatchInputPublicAssociation,
    ) -> Response[wa.BatchResponsePublicAssociation]:
        started = _now(request)
        ctx = await crm_context(request, object_type)
        results, errors = await v3.batch_create(ctx, to_object_type, _triples(data))
        body = wa.BatchResponsePublicAssociation(
            "COMPLETE", [_link(r) for r in results], started, _now(request), **_errors(errors)
        )
        return Response(body, status_code=207 if errors else HTTP_201_CREATED)

    @post(
        "/batch/read",
        opt=READ,
        status_code=HTTP_200_OK,
        responses=multi_status(wa.BatchResponsePublicAssociationMulti),
        summary="Read the associations of many records",
    )
    async def read(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        to_object_type: str,
        data: wa.BatchInputPublicObjectId,
    ) -> Response[wa.BatchResponsePublicAssociationMulti]:
        started = _now(request)
        ctx = await crm_context(request, object_type)
        ids = [str(i.id) for i in data.inputs]
        results, errors = await v3.batch_read(ctx, to_object_type, ids)
        body = wa.BatchResponsePublicAssociationMulti(
            "COMPLETE", [_multi(r) for r in results], started, _now(request), **_errors(errors)
        )
        return Response(body, status_code=207 if errors else HTTP_200_OK)

    @post(
        "/batch/archive",
        opt=WRITE,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
        summary="Remove the named association type between pairs of records",
    )
    async def archive(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        to_object_type: str,
        data: wa.BatchInputPublicAssociation,
    ) -> None:
        ctx = await crm_context(request, object_type)
        await v3.batch_archive(ctx, to_object_type, _triples(data))
