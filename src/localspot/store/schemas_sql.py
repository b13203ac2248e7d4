"""The schemas role's SQL: custom object types and stored association definitions.

Type numbers and association type ids are numbered per portal under a per-portal lock
(``Dialect.serialize``), so concurrent creates on PostgreSQL never pick the same one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from localspot.crm.model import PropertyDefinition
from localspot.crm.schemas_storage import (
    FIRST_DEFINED_TYPE_ID,
    FIRST_TYPE_NUMBER,
    ArchiveOutcome,
    AssociationDefinition,
    CustomSchema,
    NewDefinition,
    PortalSchemas,
)
from localspot.store import definition_codec
from localspot.store.bulk import json_map
from localspot.store.dialect import dialect_of
from localspot.store.schema import (
    association_definitions,
    associations,
    index_queue,
    object_schemas,
    objects,
    properties,
    property_groups,
    property_history,
    property_index,
    property_tokens,
    unique_values,
)

TABLES = (object_schemas, association_definitions)
PURGED_PREFIX = "~"
"""A deleted schema's row stays, renamed ``~<number>``, so its number is never given again
(its name is free); no read shows it."""


def _schema_of(row: Any) -> CustomSchema:
    body = json_map(row.definition)
    return CustomSchema(
        number=row.number,
        name=str(body["name"]),
        singular=str(body["singular"]),
        plural=str(body["plural"]),
        description=body.get("description"),
        primary_display_property=body.get("primaryDisplayProperty"),
        secondary_display_properties=tuple(body.get("secondaryDisplayProperties", ())),
        searchable_properties=tuple(body.get("searchableProperties", ())),
        required_properties=tuple(body.get("requiredProperties", ())),
        created_at=row.created_at,
        updated_at=row.updated_at,
        archived=bool(row.archived),
        archived_at=row.archived_at,
    )


def _schema_row(portal_id: int, schema: CustomSchema) -> dict[str, Any]:
    return {
        "portal_id": portal_id,
        "number": schema.number,
        "name": schema.name.lower(),
        "definition": {
            "name": schema.name,
            "singular": schema.singular,
            "plural": schema.plural,
            "description": schema.description,
            "primaryDisplayProperty": schema.primary_display_property,
            "secondaryDisplayProperties": list(schema.secondary_display_properties),
            "searchableProperties": list(schema.searchable_properties),
            "requiredProperties": list(schema.required_properties),
        },
        "created_at": schema.created_at,
        "updated_at": schema.updated_at,
        "archived": schema.archived,
        "archived_at": schema.archived_at,
    }


def _definition_of(row: Any) -> AssociationDefinition:
    return AssociationDefinition(
        type_id=row.type_id,
        from_type=row.from_type,
        to_type=row.to_type,
        name=row.name,
        label=row.label,
        category=row.category,
        inverse_type_id=row.inverse_type_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def portal_schemas(conn: Connection, portal_id: int) -> PortalSchemas:
    schemas = conn.execute(
        select(object_schemas)
        .where(
            object_schemas.c.portal_id == portal_id,
            object_schemas.c.name.not_like(PURGED_PREFIX + "%"),
        )
        .order_by(object_schemas.c.number)
    )
    definitions = conn.execute(
        select(association_definitions)
        .where(association_definitions.c.portal_id == portal_id)
        .order_by(association_definitions.c.type_id)
    )
    return PortalSchemas(
        tuple(_schema_of(r) for r in schemas), tuple(_definition_of(r) for r in definitions)
    )


def _lock(conn: Connection, portal_id: int) -> None:
    dialect_of(conn).serialize(conn, f"schemas:{portal_id}")


def _name_taken(conn: Connection, portal_id: int, name: str) -> bool:
    found = conn.execute(
        select(object_schemas.c.number).where(
            object_schemas.c.portal_id == portal_id, object_schemas.c.name == name.lower()
        )
    ).first()
    return found is not None


def create_schema(
    conn: Connection,
    portal_id: int,
    schema: CustomSchema,
    definitions: Sequence[PropertyDefinition],
    links: Sequence[NewDefinition],
) -> CustomSchema | None:
    _lock(conn, portal_id)
    if _name_taken(conn, portal_id, schema.name):
        return None
    highest = conn.execute(
        select(func.max(object_schemas.c.number)).where(object_schemas.c.portal_id == portal_id)
    ).scalar()
    numbered = replace(schema, number=max(int(highest or 0) + 1, FIRST_TYPE_NUMBER))
    conn.execute(insert(object_schemas), _schema_row(portal_id, numbered))
    type_id = numbered.type_id
    rows = [
        {
            "portal_id": portal_id,
            "object_type": type_id,
            "name": d.name,
            "definition": definition_codec.encode(d),
            "archived": d.archived,
        }
        for d in definitions
    ]
    if rows:
        conn.execute(insert(properties), rows)
    own = [
        replace(n, from_type=n.from_type or type_id, to_type=n.to_type or type_id) for n in links
    ]
    add_definitions(conn, portal_id, own)
    return numbered


def save_schema(conn: Connection, portal_id: int, schema: CustomSchema) -> None:
    row = _schema_row(portal_id, schema)
    conn.execute(
        update(object_schemas)
        .where(object_schemas.c.portal_id == portal_id, object_schemas.c.number == schema.number)
        .values({k: v for k, v in row.items() if k not in ("portal_id", "number")})
    )


def archive_schema(conn: Connection, portal_id: int, number: int, at: int) -> ArchiveOutcome:
    _lock(conn, portal_id)
    live = object_schemas.c.archived.is_(False)
    key = (object_schemas.c.portal_id == portal_id, object_schemas.c.number == number)
    if conn.execute(select(object_schemas.c.number).where(*key, live)).first() is None:
        return "missing"
    records = conn.execute(
        select(objects.c.id)
        .where(
            objects.c.portal_id == portal_id,
            objects.c.object_type == f"2-{number}",
            objects.c.archived.is_(False),
        )
        .limit(1)
    ).first()
    if records is not None:
        return "has_records"
    conn.execute(update(object_schemas).where(*key).values(archived=True, archived_at=at))
    return "archived"


def _owned_ids(portal_id: int, type_id: str) -> Any:
    return select(objects.c.id).where(
        objects.c.portal_id == portal_id, objects.c.object_type == type_id
    )


def purge_schema(conn: Connection, portal_id: int, number: int) -> bool:
    key = (object_schemas.c.portal_id == portal_id, object_schemas.c.number == number)
    found = conn.execute(
        select(object_schemas.c.number).where(
            *key,
            object_schemas.c.archived.is_(True),
            object_schemas.c.name.not_like(PURGED_PREFIX + "%"),
        )
    ).first()
    if found is None:
        return False
    type_id = f"2-{number}"
    for by_object in (property_history, property_index, property_tokens):
        conn.execute(
            delete(by_object).where(by_object.c.object_id.in_(_owned_ids(portal_id, type_id)))
        )
    for table in (unique_values, index_queue, objects, properties, property_groups):
        conn.execute(
            delete(table).where(table.c.portal_id == portal_id, table.c.object_type == type_id)
        )
    kinds = conn.execute(
        select(association_definitions.c.type_id).where(
            association_definitions.c.portal_id == portal_id,
            or_(
                association_definitions.c.from_type == type_id,
                association_definitions.c.to_type == type_id,
            ),
        )
    ).scalars()
    _remove_definitions(conn, portal_id, list(kinds))
    conn.execute(update(object_schemas).where(*key).values(name=f"{PURGED_PREFIX}{number}"))
    return True


def _next_type_ids(conn: Connection, portal_id: int, count: int) -> list[int]:
    highest = conn.execute(
        select(func.max(association_definitions.c.type_id)).where(
            association_definitions.c.portal_id == portal_id
        )
    ).scalar()
    first = max(int(highest or 0) + 1, FIRST_DEFINED_TYPE_ID)
    return list(range(first, first + count))


def add_definitions(
    conn: Connection, portal_id: int, definitions: Sequence[NewDefinition]
) -> list[AssociationDefinition]:
    if not definitions:
        return []
    _lock(conn, portal_id)
    ids = iter(_next_type_ids(conn, portal_id, 2 * len(definitions)))
    made: list[AssociationDefinition] = []
    for new in definitions:
        forward, inverse = next(ids), next(ids)
        back_label = new.label if new.inverse_label is None else new.inverse_label
        for type_id, other, ends, name, label in (
            (forward, inverse, (new.from_type, new.to_type), new.name, new.label),
            (inverse, forward, (new.to_type, new.from_type), new.inverse_name, back_label),
        ):
            made.append(
                AssociationDefinition(
                    type_id, ends[0], ends[1], name, label, new.category, other, new.at, new.at
                )
            )
    write_definitions(conn, portal_id, made)
    return made


def write_definitions(
    conn: Connection, portal_id: int, definitions: Iterable[AssociationDefinition]
) -> None:
    rows = [
        {
            "portal_id": portal_id,
            "type_id": d.type_id,
            "from_type": d.from_type,
            "to_type": d.to_type,
            "name": d.name,
            "label": d.label,
            "category": d.category,
            "inverse_type_id": d.inverse_type_id,
            "created_at": d.created_at,
            "updated_at": d.updated_at,
        }
        for d in definitions
    ]
    if rows:
        conn.execute(insert(association_definitions), rows)


def write_schemas(conn: Connection, portal_id: int, schemas: Iterable[CustomSchema]) -> None:
    rows = [_schema_row(portal_id, s) for s in schemas]
    if rows:
        conn.execute(insert(object_schemas), rows)


def _remove_definitions(conn: Connection, portal_id: int, type_ids: Sequence[int]) -> None:
    if not type_ids:
        return
    conn.execute(
        delete(associations).where(
            associations.c.portal_id == portal_id, associations.c.type_id.in_(type_ids)
        )
    )
    conn.execute(
        delete(association_definitions).where(
            association_definitions.c.portal_id == portal_id,
            association_definitions.c.type_id.in_(type_ids),
        )
    )


def remove_definition(conn: Connection, portal_id: int, type_id: int) -> bool:
    row = conn.execute(
        select(association_definitions).where(
            association_definitions.c.portal_id == portal_id,
            association_definitions.c.type_id == type_id,
        )
    ).first()
    if row is None:
        return False
    _remove_definitions(conn, portal_id, [row.type_id, row.inverse_type_id])
    return True


def clear(conn: Connection, portal_id: int) -> None:
    for table in TABLES:
        conn.execute(delete(table).where(table.c.portal_id == portal_id))
