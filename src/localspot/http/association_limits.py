"""``/crm/v4/associations/definitions/configurations``: a portal's association limits,
listed (all, or between two object types), batch created, updated and purged
(hubspot-behaviour §15)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from localspot.crm import association_limits as limits
from localspot.crm.model import InputError, Principal
from localspot.crm.property_types import format_datetime
from localspot.crm.type_registry import TypeRegistry
from localspot.http import convert
from localspot.http.objects import crm_context
from localspot.http.openapi_specs import error_responses, multi_status
from localspot.wire import associations as wa

PAIR = "/{object_type:str}/{to_object_type:str}"
READ_SCOPES = {"access": "read", "scopes": ("crm.objects.contacts.read",)}


def _registry(request: Request[Any, Any, State]) -> TypeRegistry:
    registry: TypeRegistry = request.app.state.registry
    return registry


def _now(request: Request[Any, Any, State]) -> str:
    return format_datetime(request.app.state.clock.now_ms())


def _shown(
    found: Sequence[limits.Configuration],
) -> list[wa.PublicAssociationDefinitionUserConfiguration]:
    return [
        wa.PublicAssociationDefinitionUserConfiguration(
            c.category, c.type_id, c.max_to_object_ids, c.label
        )
        for c in found
    ]


def _errors(errors: Sequence[InputError]) -> dict[str, Any]:
    if not errors:
        return {}
    return {"num_errors": len(errors), "errors": [convert.standard_error(e) for e in errors]}


def _inputs(
    data: wa.BatchInputPublicAssociationDefinitionConfigurationCreateRequest
    | wa.BatchInputPublicAssociationDefinitionConfigurationUpdateRequest,
) -> list[limits.LimitInput]:
    return [limits.LimitInput(i.category, i.type_id, i.max_to_object_ids) for i in data.inputs]


class AssociationLimitsController(Controller):
    """v4 association limit configurations."""

    path = "/definitions/configurations"
    tags = ["Associations Schema"]

    @get(
        "/all",
        opt=READ_SCOPES,
        responses=error_responses(),
        summary="List every association limit of the portal",
    )
    async def get_all(
        self, request: Request[Any, Any, State]
    ) -> wa.CollectionResponsePublicAssociationDefinitionUserConfigurationNoPaging:
        principal: Principal = request.state.principal
        types = await _registry(request).view(principal.portal_id)
        return wa.CollectionResponsePublicAssociationDefinitionUserConfigurationNoPaging(
            _shown(limits.all_configurations(types))
        )

    @get(
        PAIR,
        opt={"access": "read"},
        responses=error_responses(),
        summary="List the association limits between two object types",
    )
    async def get_pair(
        self, request: Request[Any, Any, State], object_type: str, to_object_type: str
    ) -> wa.CollectionResponsePublicAssociationDefinitionUserConfigurationNoPaging:
        ctx = await crm_context(request, object_type)
        return wa.CollectionResponsePublicAssociationDefinitionUserConfigurationNoPaging(
            _shown(limits.pair_configurations(ctx, to_object_type))
        )

    @post(
        f"{PAIR}/batch/create",
        opt={"access": "write"},
        responses=multi_status(wa.BatchResponsePublicAssociationDefinitionUserConfiguration),
        summary="Configure association limits between two object types",
    )
    async def batch_create(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        to_object_type: str,
        data: wa.BatchInputPublicAssociationDefinitionConfigurationCreateRequest,
    ) -> Response[wa.BatchResponsePublicAssociationDefinitionUserConfiguration]:
        started = _now(request)
        ctx = await crm_context(request, object_type)
        made, errors = await limits.save(
            ctx, _registry(request), to_object_type, _inputs(data), update=False
        )
        body = wa.BatchResponsePublicAssociationDefinitionUserConfiguration(
            "COMPLETE", _shown(made), started, _now(request), **_errors(errors)
        )
        return Response(body, status_code=207 if errors else HTTP_201_CREATED)

    @post(
        f"{PAIR}/batch/update",
        opt={"access": "write"},
        responses=multi_status(
            wa.BatchResponsePublicAssociationDefinitionConfigurationUpdateResult
        ),
        summary="Update association limits between two object types",
    )
    async def batch_update(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        to_object_type: str,
        data: wa.BatchInputPublicAssociationDefinitionConfigurationUpdateRequest,
    ) -> Response[wa.BatchResponsePublicAssociationDefinitionConfigurationUpdateResult]:
        started = _now(request)
        ctx = await crm_context(request, object_type)
        made, errors = await limits.save(
            ctx, _registry(request), to_object_type, _inputs(data), update=True
        )
        results = [
            wa.PublicAssociationDefinitionConfigurationUpdateResult(
                c.category, c.type_id, c.max_to_object_ids
            )
            for c in made
        ]
        body = wa.BatchResponsePublicAssociationDefinitionConfigurationUpdateResult(
            "COMPLETE", results, started, _now(request), **_errors(errors)
        )
        return Response(body, status_code=207 if errors else HTTP_200_OK)

    @post(
        f"{PAIR}/batch/purge",
        opt={"access": "write"},
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
        summary="Remove association limits between two object types",
    )
    async def batch_purge(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        to_object_type: str,
        data: wa.BatchInputPublicAssociationSpec,
    ) -> None:
        ctx = await crm_context(request, object_type)
        specs = [(i.category, i.type_id) for i in data.inputs]
        await limits.purge(ctx, _registry(request), to_object_type, specs)
