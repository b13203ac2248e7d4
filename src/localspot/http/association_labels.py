"""``GET /crm/v4/associations/{from}/{to}/labels``: the association types (labelled or not)
from one object type to another, as the v4 schema API lists them (hubspot-behaviour §13.4).
Creating, renaming and deleting labels is not served.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.datastructures import State

from localspot.crm import association_types
from localspot.crm import associations_v3 as v3
from localspot.http.objects import crm_context
from localspot.http.openapi_specs import error_responses
from localspot.wire import associations as wa


class AssociationLabelsController(Controller):
    """v4 association definitions between two object types (read only)."""

    path = "/{object_type:str}/{to_object_type:str}/labels"
    tags = ["Associations"]

    @get(
        "/",
        opt={"access": "read"},
        responses=error_responses(),
        summary="List the association types between two object types, with their labels",
    )
    async def get_all(
        self, request: Request[Any, Any, State], object_type: str, to_object_type: str
    ) -> wa.CollectionResponseAssociationSpecWithLabelNoPaging:
        kinds = v3.types(await crm_context(request, object_type), to_object_type)
        return wa.CollectionResponseAssociationSpecWithLabelNoPaging(
            [
                wa.AssociationSpecWithLabel(association_types.HUBSPOT_DEFINED, k.type_id, k.label)
                for k in kinds
            ]
        )
