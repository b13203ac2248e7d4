"""``/crm/v4/associations/{from}/{to}/labels``: the association types between two object
types with their labels (list), and a portal's own labels: create, rename, delete
(hubspot-behaviour §13.4, §15)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from litestar import Controller, Request, delete, get, post, put
from litestar.datastructures import State
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from localspot.crm import association_labels as labels
from localspot.crm import associations_v3 as v3
from localspot.crm.association_types import AssociationType
from localspot.crm.errors import ValidationError
from localspot.crm.type_registry import TypeRegistry
from localspot.http.objects import crm_context
from localspot.http.openapi_specs import error_responses
from localspot.wire import associations as wa


def _collection(
    kinds: Iterable[AssociationType],
) -> wa.CollectionResponseAssociationSpecWithLabelNoPaging:
    return wa.CollectionResponseAssociationSpecWithLabelNoPaging(
        [wa.AssociationSpecWithLabel(k.category, k.type_id, k.label) for k in kinds]
    )


def _registry(request: Request[Any, Any, State]) -> TypeRegistry:
    registry: TypeRegistry = request.app.state.registry
    return registry


def _type_id(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 0 < int(text) < 2**31:
        raise ValidationError(
            f"Invalid association type id {text}", context={"associationTypeId": [text]}
        )
    return int(text)


class AssociationLabelsController(Controller):
    """v4 association definitions (labels) between two object types."""

    path = "/{object_type:str}/{to_object_type:str}/labels"
    tags = ["Associations Schema"]

    @get(
        "/",
        opt={"access": "read"},
        responses=error_responses(),
        summary="List the association types between two object types, with their labels",
    )
    async def get_all(
        self, request: Request[Any, Any, State], object_type: str, to_object_type: str
    ) -> wa.CollectionResponseAssociationSpecWithLabelNoPaging:
        return _collection(v3.types(await crm_context(request, object_type), to_object_type))

    @post(
        "/",
        opt={"access": "write"},
        status_code=HTTP_200_OK,
        responses=error_responses(),
        summary="Create an association label (paired when inverseLabel is given)",
    )
    async def create(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        to_object_type: str,
        data: wa.PublicAssociationDefinitionCreateRequest,
    ) -> wa.CollectionResponseAssociationSpecWithLabelNoPaging:
        ctx = await crm_context(request, object_type)
        made = await labels.create(
            ctx, _registry(request), to_object_type, data.label, data.name, data.inverse_label
        )
        return _collection(made)

    @put(
        "/",
        opt={"access": "write"},
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
        summary="Rename an association label",
    )
    async def update(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        to_object_type: str,
        data: wa.PublicAssociationDefinitionUpdateRequest,
    ) -> None:
        ctx = await crm_context(request, object_type)
        type_id = _type_id(str(data.association_type_id))
        await labels.update(
            ctx, _registry(request), to_object_type, type_id, data.label, data.inverse_label
        )

    @delete(
        "/{association_type_id:str}",
        opt={"access": "write"},
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
        summary="Delete an association label",
    )
    async def remove(
        self,
        request: Request[Any, Any, State],
        object_type: str,
        to_object_type: str,
        association_type_id: str,
    ) -> None:
        ctx = await crm_context(request, object_type)
        await labels.remove(ctx, _registry(request), to_object_type, _type_id(association_type_id))
