"""Schemas API handlers (``/crm-object-schemas/v3/schemas`` and the ``/crm/v3/schemas``
alias): a portal's custom object types and their association definitions."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.datastructures import State
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT
from msgspec.structs import replace

from localspot.crm import schemas
from localspot.crm.model import Principal, PropertyDefinition
from localspot.crm.property_types import format_datetime
from localspot.crm.schema_rules import SchemaChanges, SchemaDraft
from localspot.crm.schemas_storage import AssociationDefinition
from localspot.crm.type_registry import TypeRegistry
from localspot.http.openapi_specs import error_responses
from localspot.http.property_shapes import option_input, property_body
from localspot.wire import schemas as w

READ_SCOPES = (
    "crm.schemas.custom.read",
    "crm.objects.custom.sensitive.read.v2",
    "crm.objects.custom.highly_sensitive.read.v2",
    "crm.objects.custom.read",
)
READ = {"access": "read", "scopes": READ_SCOPES}
WRITE = {"access": "write", "scopes": ("crm.schemas.custom.write",)}
ONE = "/{schema_type:str}"


def schema_context(request: Request[Any, Any, State]) -> schemas.SchemaContext:
    principal: Principal = request.state.principal
    registry: TypeRegistry = request.app.state.registry
    return schemas.SchemaContext(
        request.app.state.store, registry, request.app.state.clock, principal.portal_id
    )


def _property(body: w.ObjectTypePropertyCreate, group: str) -> PropertyDefinition:
    extra: dict[str, object] = {}
    for key, value in (
        ("referencedObjectType", body.referenced_object_type),
        ("numberDisplayHint", body.number_display_hint),
        ("textDisplayHint", body.text_display_hint),
        ("showCurrencySymbol", body.show_currency_symbol),
    ):
        if value is not None:
            extra[key] = value
    return PropertyDefinition(
        name=body.name,
        label=body.label,
        type=body.type,
        field_type=body.field_type,
        group_name=body.group_name or group,
        description=body.description or "",
        options=tuple(option_input(o, i) for i, o in enumerate(body.options)),
        display_order=-1 if body.display_order is None else body.display_order,
        has_unique_value=body.has_unique_value,
        hidden=body.hidden,
        form_field=body.form_field,
        extra=extra,
    )


def _draft(data: w.ObjectSchemaEgg) -> SchemaDraft:
    return SchemaDraft(
        name=data.name,
        singular=data.labels.singular or "",
        plural=data.labels.plural or "",
        description=data.description,
        primary_display_property=data.primary_display_property,
        secondary_display_properties=tuple(data.secondary_display_properties),
        searchable_properties=tuple(data.searchable_properties),
        required_properties=tuple(data.required_properties),
        properties=tuple(_property(p, "") for p in data.properties),
        associated_objects=tuple(data.associated_objects),
    )


def _changes(data: w.ObjectTypeDefinitionPatch) -> SchemaChanges:
    labels = data.labels or w.ObjectTypeDefinitionLabels()

    def names(values: list[str] | None) -> tuple[str, ...] | None:
        return None if values is None else tuple(values)

    return SchemaChanges(
        singular=labels.singular,
        plural=labels.plural,
        description=data.description,
        clear_description=bool(data.clear_description),
        primary_display_property=data.primary_display_property,
        secondary_display_properties=names(data.secondary_display_properties),
        searchable_properties=names(data.searchable_properties),
        required_properties=names(data.required_properties),
    )


def definition_body(d: AssociationDefinition) -> w.AssociationDefinition:
    return w.AssociationDefinition(
        from_object_type_id=d.from_type,
        to_object_type_id=d.to_type,
        id=str(d.type_id),
        name=d.name,
        created_at=format_datetime(d.created_at),
        updated_at=format_datetime(d.updated_at),
    )


def schema_body(view: schemas.SchemaView) -> w.ObjectSchema:
    s = view.schema
    return w.ObjectSchema(
        id=s.type_id,
        object_type_id=s.type_id,
        name=s.name,
        fully_qualified_name=view.fully_qualified_name,
        labels=w.ObjectTypeDefinitionLabels(s.singular, s.plural),
        required_properties=list(s.required_properties),
        searchable_properties=list(s.searchable_properties),
        secondary_display_properties=list(s.secondary_display_properties),
        properties=[property_body(p) for p in view.properties],
        associations=[definition_body(d) for d in view.associations],
        archived=s.archived,
        created_at=format_datetime(s.created_at),
        updated_at=format_datetime(s.updated_at),
        primary_display_property=s.primary_display_property,
        description=s.description,
    )


def batch_body(view: schemas.SchemaView, asked: w.ObjectSchemaBatchReadRequest) -> w.ObjectSchema:
    """A schema as a batch read shows it: properties, association definitions and the
    created/updated times only when asked (empty lists otherwise: the schema requires both)."""
    body = schema_body(view)
    return replace(
        body,
        properties=body.properties if asked.include_property_definitions else [],
        associations=body.associations if asked.include_association_definitions else [],
        created_at=body.created_at if asked.include_audit_metadata else None,
        updated_at=body.updated_at if asked.include_audit_metadata else None,
    )


def definition_of_type(view: schemas.SchemaView, portal_id: int) -> w.ObjectTypeDefinition:
    body = schema_body(view)
    return w.ObjectTypeDefinition(
        id=body.id,
        object_type_id=body.object_type_id,
        name=body.name,
        fully_qualified_name=body.fully_qualified_name,
        labels=body.labels,
        required_properties=body.required_properties,
        searchable_properties=body.searchable_properties,
        secondary_display_properties=body.secondary_display_properties,
        portal_id=portal_id,
        archived=body.archived,
        created_at=format_datetime(view.schema.created_at),
        updated_at=format_datetime(view.schema.updated_at),
        primary_display_property=body.primary_display_property,
        description=body.description,
    )


class SchemasController(Controller):
    path = "/"
    tags = ["Schemas"]

    @get("/", opt=READ, responses=error_responses(), summary="List custom object schemas")
    async def get_all(
        self, request: Request[Any, Any, State], archived: bool = False
    ) -> w.CollectionResponseObjectSchemaNoPaging:
        found = await schemas.list_schemas(schema_context(request), archived)
        return w.CollectionResponseObjectSchemaNoPaging([schema_body(v) for v in found])

    @post(
        "/",
        opt=WRITE,
        status_code=HTTP_201_CREATED,
        responses=error_responses(),
        summary="Create a custom object schema",
    )
    async def create(
        self, request: Request[Any, Any, State], data: w.ObjectSchemaEgg
    ) -> w.ObjectSchema:
        return schema_body(await schemas.create_schema(schema_context(request), _draft(data)))

    @post(
        "/batch/read",
        opt=READ,
        status_code=HTTP_200_OK,
        responses=error_responses(),
        summary="Read custom object schemas by type id or name (unknown ones left out)",
    )
    async def batch_read(
        self, request: Request[Any, Any, State], data: w.ObjectSchemaBatchReadRequest
    ) -> w.CollectionResponseObjectSchemaNoPaging:
        found = await schemas.get_schemas(schema_context(request), data.inputs)
        return w.CollectionResponseObjectSchemaNoPaging([batch_body(v, data) for v in found])

    @get(ONE, opt=READ, responses=error_responses(), summary="Read a custom object schema")
    async def get_by_id(
        self, request: Request[Any, Any, State], schema_type: str
    ) -> w.ObjectSchema:
        return schema_body(await schemas.get_schema(schema_context(request), schema_type))

    @patch(
        ONE,
        opt=WRITE,
        status_code=HTTP_200_OK,
        responses=error_responses(),
        summary="Update a custom object schema",
    )
    async def update(
        self,
        request: Request[Any, Any, State],
        schema_type: str,
        data: w.ObjectTypeDefinitionPatch,
    ) -> w.ObjectTypeDefinition:
        ctx = schema_context(request)
        view = await schemas.update_schema(ctx, schema_type, _changes(data))
        return definition_of_type(view, ctx.portal_id)

    @delete(
        ONE,
        opt=WRITE,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
        summary="Archive a custom object schema (archived=true: delete an archived one)",
    )
    async def archive(
        self, request: Request[Any, Any, State], schema_type: str, archived: bool = False
    ) -> None:
        await schemas.archive_schema(schema_context(request), schema_type, archived)

    @post(
        ONE + "/associations",
        opt=WRITE,
        status_code=HTTP_201_CREATED,
        responses=error_responses(),
        summary="Define an association from a custom object type",
    )
    async def create_association(
        self,
        request: Request[Any, Any, State],
        schema_type: str,
        data: w.AssociationDefinitionEgg,
    ) -> w.AssociationDefinition:
        made = await schemas.create_association(
            schema_context(request),
            schema_type,
            data.from_object_type_id,
            data.to_object_type_id,
            data.name,
        )
        return definition_body(made)

    @delete(
        ONE + "/associations/{association_identifier:str}",
        opt=WRITE,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
        summary="Remove an association definition",
    )
    async def archive_association(
        self, request: Request[Any, Any, State], schema_type: str, association_identifier: str
    ) -> None:
        await schemas.archive_association(
            schema_context(request), schema_type, association_identifier
        )
