"""Property definitions ⇄ the wire shapes of ``/crm/v3/properties``."""

from __future__ import annotations

from localspot.crm.model import PropertyDefinition, PropertyGroup, PropertyOption
from localspot.crm.property_admin import PropertyChanges
from localspot.crm.property_types import format_datetime
from localspot.wire import properties as w


def _iso(epoch_ms: int | None) -> str | None:
    return format_datetime(epoch_ms) if epoch_ms is not None else None


def option(o: PropertyOption) -> w.Option:
    return w.Option(
        label=o.label,
        value=o.value,
        hidden=o.hidden,
        display_order=o.display_order,
        description=o.description,
    )


def option_input(o: w.OptionInput, position: int) -> PropertyOption:
    order = o.display_order if o.display_order is not None else position
    return PropertyOption(o.label, o.value, o.hidden, o.description or "", order)


def property_body(d: PropertyDefinition) -> w.Property:
    referenced = d.extra.get("referencedObjectType")
    return w.Property(
        name=d.name,
        label=d.label,
        type=d.type,
        field_type=d.field_type,
        description=d.description,
        group_name=d.group_name,
        options=[option(o) for o in d.options],
        display_order=d.display_order,
        calculated=d.calculated,
        external_options=bool(d.extra.get("externalOptions", False)),
        has_unique_value=d.has_unique_value,
        hidden=d.hidden,
        hubspot_defined=d.hubspot_defined,
        modification_metadata=w.PropertyModificationMetadata(
            archivable=d.archivable and not d.hubspot_defined,
            read_only_definition=d.read_only_definition,
            read_only_value=d.read_only_value or d.calculated,
        ),
        form_field=d.form_field,
        archived=d.archived,
        created_at=_iso(d.created_at),
        updated_at=_iso(d.updated_at),
        archived_at=_iso(d.archived_at),
        referenced_object_type=str(referenced) if referenced else None,
    )


def draft(body: w.PropertyCreate) -> PropertyDefinition:
    extra: dict[str, object] = {}
    if body.external_options:
        extra["externalOptions"] = True
    if body.referenced_object_type:
        extra["referencedObjectType"] = body.referenced_object_type
    return PropertyDefinition(
        name=body.name,
        label=body.label,
        type=body.type,
        field_type=body.field_type,
        group_name=body.group_name,
        description=body.description,
        options=tuple(option_input(o, i) for i, o in enumerate(body.options)),
        display_order=body.display_order,
        has_unique_value=body.has_unique_value,
        hidden=body.hidden,
        form_field=body.form_field,
        extra=extra,
    )


def changes(body: w.PropertyUpdate) -> PropertyChanges:
    options: tuple[PropertyOption, ...] | None = None
    if body.options is not None:
        options = tuple(option_input(o, i) for i, o in enumerate(body.options))
    return PropertyChanges(
        label=body.label,
        description=body.description,
        group_name=body.group_name,
        options=options,
        display_order=body.display_order,
        hidden=body.hidden,
        form_field=body.form_field,
        type=body.type,
        field_type=body.field_type,
        has_unique_value=body.has_unique_value,
    )


def group_body(group: PropertyGroup) -> w.PropertyGroup:
    return w.PropertyGroup(group.name, group.label, group.display_order, group.archived)
