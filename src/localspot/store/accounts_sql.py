"""Portals, tokens, custom properties and property groups: queries common to both databases."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Connection, Table, delete, func, insert, select, update

from localspot.crm.accounts_storage import TokenGrant
from localspot.crm.definitions_storage import PropertyCreated
from localspot.crm.model import PropertyDefinition, PropertyGroup
from localspot.store import definition_codec, pipelines_sql
from localspot.store.bulk import fetch, json_map
from localspot.store.dialect import dialect_of
from localspot.store.schema import portals, properties, property_groups, tokens


def find_token(conn: Connection, token_hash: str) -> TokenGrant | None:
    statement = (
        "SELECT t.portal_id, t.scopes, t.kind, t.expires_at, t.revoked_at, p.tier, p.timezone"
        " FROM tokens t JOIN portals p ON p.id = t.portal_id WHERE t.token_hash = ?"
    )
    rows = fetch(conn, statement, [token_hash])
    if not rows:
        return None
    row = rows[0]
    return TokenGrant(
        portal_id=row.portal_id,
        scopes=frozenset(row.scopes.split()),
        kind=row.kind,
        expires_at=row.expires_at,
        revoked=row.revoked_at is not None,
        tier=row.tier,
        timezone=row.timezone,
    )


def create_portal(
    conn: Connection, name: str, at: int, tier: str = "free", timezone: str = "UTC"
) -> int:
    """The portal and its default pipelines, in the caller's transaction."""
    statement = insert(portals).returning(portals.c.id)
    row = {"name": name, "created_at": at, "tier": tier, "timezone": timezone}
    portal_id = int(conn.execute(statement, row).scalar_one())
    pipelines_sql.write_defaults(conn, portal_id)
    return portal_id


def revoke_token(conn: Connection, token_hash: str, at: int) -> bool:
    revoked = conn.execute(
        update(tokens)
        .where(tokens.c.token_hash == token_hash, tokens.c.revoked_at.is_(None))
        .values(revoked_at=at)
    )
    return bool(revoked.rowcount)


def default_portal(conn: Connection, at: int) -> int:
    lowest = conn.execute(select(func.min(portals.c.id))).scalar_one_or_none()
    return int(lowest) if lowest is not None else create_portal(conn, "Default portal", at)


def create_token(
    conn: Connection,
    portal_id: int,
    token_hash: str,
    scopes: Collection[str],
    kind: str,
    at: int,
    expires_at: int | None = None,
) -> None:
    row: dict[str, Any] = {
        "token_hash": token_hash,
        "portal_id": portal_id,
        "scopes": " ".join(sorted(scopes)),
        "kind": kind,
        "created_at": at,
        "expires_at": expires_at,
    }
    exists = conn.execute(select(tokens.c.token_hash).where(tokens.c.token_hash == token_hash))
    if exists.first() is None:
        conn.execute(insert(tokens), row)
    else:
        conn.execute(update(tokens).where(tokens.c.token_hash == token_hash).values(row))


def custom_properties(
    conn: Connection, portal_id: int, type_id: str, *, archived: bool
) -> list[PropertyDefinition]:
    statement = (
        "SELECT definition FROM properties WHERE portal_id = ? AND object_type = ?"
        " AND archived = ? ORDER BY name"
    )
    rows = fetch(conn, statement, [portal_id, type_id, archived])
    return [definition_codec.decode(json_map(row.definition)) for row in rows]


def save_properties(
    conn: Connection, portal_id: int, type_id: str, definitions: Sequence[PropertyDefinition]
) -> None:
    for definition in definitions:
        row = {"portal_id": portal_id, "object_type": type_id, "name": definition.name}
        values = {
            "definition": definition_codec.encode(definition),
            "archived": definition.archived,
        }
        statement = _upsert(conn, properties).values({**row, **values})
        conn.execute(statement.on_conflict_do_update(index_elements=list(row), set_=values))


def create_properties(
    conn: Connection,
    portal_id: int,
    type_id: str,
    definitions: Sequence[PropertyDefinition],
    max_unique: int,
) -> list[PropertyCreated]:
    """Insert new custom properties in order, in the caller's one transaction; the unique
    ones count those live before and those this call created."""
    unique_count = 0
    if any(d.has_unique_value for d in definitions):
        _lock_unique_count(conn, portal_id, type_id)
        live = custom_properties(conn, portal_id, type_id, archived=False)
        unique_count = sum(1 for d in live if d.has_unique_value)
    outcomes: list[PropertyCreated] = []
    for definition in definitions:
        if definition.has_unique_value and unique_count >= max_unique:
            outcomes.append("too_many_unique")
            continue
        inserted = _insert_property(conn, portal_id, type_id, definition)
        if inserted and definition.has_unique_value:
            unique_count += 1
        outcomes.append("created" if inserted else "name_taken")
    return outcomes


def _insert_property(
    conn: Connection, portal_id: int, type_id: str, definition: PropertyDefinition
) -> bool:
    """False when the name is taken: a concurrent create of the same name loses here
    instead of failing the transaction."""
    row = {"portal_id": portal_id, "object_type": type_id, "name": definition.name}
    values = {"definition": definition_codec.encode(definition), "archived": definition.archived}
    statement = _upsert(conn, properties).on_conflict_do_nothing().returning(properties.c.name)
    return conn.execute(statement, {**row, **values}).first() is not None


def _lock_unique_count(conn: Connection, portal_id: int, type_id: str) -> None:
    """On PostgreSQL, creates of unique-value properties of one type queue here until the
    transaction ends, so each counts what the one before it wrote. SQLite's writer is one
    ``BEGIN IMMEDIATE`` transaction at a time already."""
    dialect_of(conn).serialize(conn, f"unique-properties:{portal_id}:{type_id}")


def _upsert(conn: Connection, table: Table) -> Any:
    """The dialect's INSERT, which knows ``ON CONFLICT``."""
    return dialect_of(conn).insert(table)


def property_groups_of(conn: Connection, portal_id: int, type_id: str) -> Sequence[PropertyGroup]:
    rows = conn.execute(
        select(property_groups)
        .where(property_groups.c.portal_id == portal_id, property_groups.c.object_type == type_id)
        .order_by(property_groups.c.name)
    )
    return [PropertyGroup(r.name, r.label, r.display_order) for r in rows]


def save_property_group(
    conn: Connection, portal_id: int, type_id: str, group: PropertyGroup
) -> None:
    changes = {"label": group.label, "display_order": group.display_order}
    key = {"portal_id": portal_id, "object_type": type_id, "name": group.name}
    statement = _upsert(conn, property_groups).values({**key, **changes})
    conn.execute(statement.on_conflict_do_update(index_elements=list(key), set_=changes))


def delete_property_group(conn: Connection, portal_id: int, type_id: str, name: str) -> None:
    conn.execute(
        delete(property_groups).where(
            property_groups.c.portal_id == portal_id,
            property_groups.c.object_type == type_id,
            property_groups.c.name == name,
        )
    )
