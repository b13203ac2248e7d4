"""The rules of a custom object schema (hubspot-behaviour §12), as pure functions: names,
labels, the display/searchable/required property lists, and the definitions of the
properties created with a schema (checked by the properties API's own rules).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from localspot.crm.errors import Conflict, HubSpotError, ResourceNotFound, ValidationError
from localspot.crm.model import PropertyDefinition
from localspot.crm.property_admin import MAX_UNIQUE_PROPERTIES, new_definition, too_many_unique
from localspot.crm.schemas_storage import CustomSchema
from localspot.crm.type_registry import SYSTEM_PROPERTIES, information_group

_SCHEMA_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
MAX_SCHEMA_NAME = 100


class SchemaExists(Conflict):
    category = "OBJECT_ALREADY_EXISTS"


@dataclass(frozen=True, slots=True)
class SchemaDraft:
    """A create body (``ObjectSchemaEgg``) as the caller sent it."""

    name: str
    singular: str
    plural: str
    description: str | None
    primary_display_property: str | None
    secondary_display_properties: tuple[str, ...]
    searchable_properties: tuple[str, ...]
    required_properties: tuple[str, ...]
    properties: tuple[PropertyDefinition, ...]
    associated_objects: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SchemaChanges:
    """A PATCH body (``ObjectTypeDefinitionPatch``): None leaves a field as it is."""

    singular: str | None = None
    plural: str | None = None
    description: str | None = None
    clear_description: bool = False
    primary_display_property: str | None = None
    secondary_display_properties: tuple[str, ...] | None = None
    searchable_properties: tuple[str, ...] | None = None
    required_properties: tuple[str, ...] | None = None


def check_schema_name(name: str) -> None:
    """Letters, digits and underscores, starting with a letter."""
    if _SCHEMA_NAME.match(name) and len(name) <= MAX_SCHEMA_NAME:
        return
    raise ValidationError(
        f"Object type name {name!r} is invalid: it must start with a letter and contain only "
        f"letters, numbers and underscores (at most {MAX_SCHEMA_NAME} characters).",
        context={"name": [name]},
    )


def check_labels(singular: str, plural: str) -> None:
    for field, text in (("labels.singular", singular), ("labels.plural", plural)):
        if not text.strip() or "\x00" in text:
            raise ValidationError(f"{field} can not be empty", context={field: [text]})


def schema_exists(name: str) -> SchemaExists:
    return SchemaExists(
        f"An object type named {name!r} already exists in this portal (archived object types "
        "keep their name until they are deleted with archived=true).",
        context={"name": [name]},
    )


def schema_not_found(key: str) -> ResourceNotFound:
    return ResourceNotFound(f"Unable to infer object type from: {key}")


def check_property_lists(
    primary: str | None,
    secondary: Sequence[str],
    searchable: Sequence[str],
    required: Sequence[str],
    known: Collection[str],
) -> None:
    """Every named property must exist on the type; the primary display property must be
    one of its own (not a system one)."""
    if primary is not None and (primary not in known or primary in SYSTEM_PROPERTIES):
        raise ValidationError(
            f"primaryDisplayProperty {primary} is not a property of this object type",
            context={"primaryDisplayProperty": [primary]},
        )
    for field, names in (
        ("secondaryDisplayProperties", secondary),
        ("searchableProperties", searchable),
        ("requiredProperties", required),
    ):
        unknown = sorted({n for n in names if n not in known})
        if unknown:
            raise ValidationError(
                f"{field} names properties this object type doesn't have: {unknown}",
                context={field: unknown},
            )


def new_properties(draft: SchemaDraft, now: int) -> list[PropertyDefinition]:
    """The schema's properties, each checked as the properties API checks a create; a
    property without a group goes to the type's information group."""
    group = information_group(draft.name, draft.singular).name
    taken = set(SYSTEM_PROPERTIES)
    made: list[PropertyDefinition] = []
    for given in draft.properties:
        proposed = dataclasses.replace(given, group_name=given.group_name or group)
        made.append(new_definition(proposed, taken=taken, groups={group}, unique_count=0, now=now))
        taken.add(proposed.name)
    if sum(d.has_unique_value for d in made) > MAX_UNIQUE_PROPERTIES:
        raise too_many_unique()
    return made


def new_schema(draft: SchemaDraft, now: int) -> tuple[CustomSchema, list[PropertyDefinition]]:
    """The schema to store and its properties, or the first rule the draft breaks."""
    check_schema_name(draft.name)
    check_labels(draft.singular, draft.plural)
    created = new_properties(draft, now)
    known = {*SYSTEM_PROPERTIES, *(d.name for d in created)}
    check_property_lists(
        draft.primary_display_property,
        draft.secondary_display_properties,
        draft.searchable_properties,
        draft.required_properties,
        known,
    )
    schema = CustomSchema(
        number=0,
        name=draft.name,
        singular=draft.singular,
        plural=draft.plural,
        description=draft.description,
        primary_display_property=draft.primary_display_property,
        secondary_display_properties=draft.secondary_display_properties,
        searchable_properties=draft.searchable_properties,
        required_properties=draft.required_properties,
        created_at=now,
        updated_at=now,
    )
    return schema, created


def changed_schema(
    current: CustomSchema, changes: SchemaChanges, known: Collection[str], now: int
) -> CustomSchema:
    description = None if changes.clear_description else changes.description
    updated = dataclasses.replace(
        current,
        singular=changes.singular if changes.singular is not None else current.singular,
        plural=changes.plural if changes.plural is not None else current.plural,
        description=description
        if description is not None or changes.clear_description
        else current.description,
        primary_display_property=changes.primary_display_property
        or current.primary_display_property,
        secondary_display_properties=_or(
            changes.secondary_display_properties, current.secondary_display_properties
        ),
        searchable_properties=_or(changes.searchable_properties, current.searchable_properties),
        required_properties=_or(changes.required_properties, current.required_properties),
        updated_at=now,
    )
    check_labels(updated.singular, updated.plural)
    check_property_lists(
        changes.primary_display_property,
        updated.secondary_display_properties,
        updated.searchable_properties,
        updated.required_properties,
        known,
    )
    return updated


def _or(given: tuple[str, ...] | None, current: tuple[str, ...]) -> tuple[str, ...]:
    return given if given is not None else current


def has_records() -> HubSpotError:
    return ValidationError(
        "Object type still has records; archive or delete every record of this type before "
        "deleting its schema.",
        sub_category="crm.schemas.OBJECT_TYPE_HAS_RECORDS",
    )
