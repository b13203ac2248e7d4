"""The extension settings role's SQL (``crm/extension_settings_storage.py``), one function of
a ``Connection`` per method, for both databases. Writes of one app's settings and cards
take turns (``Dialect.serialize``), so a revision reads what it replaces."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from localspot.crm.extension_settings_storage import (
    CardChange,
    Revise,
    SettingsKind,
    StoredCard,
    StoredSettings,
)
from localspot.store.bulk import json_map
from localspot.store.dialect import dialect_of
from localspot.store.extensions_schema import crm_cards, extension_settings

E = extension_settings.c
C = crm_cards.c


def _take_turn(conn: Connection, app_id: int) -> None:
    dialect_of(conn).serialize(conn, f"extension_settings:{app_id}")


def _settings(row: Any) -> StoredSettings:
    return StoredSettings(json_map(row.fields), row.created_at, row.updated_at)


def _card(row: Any) -> StoredCard:
    changes = tuple(CardChange(str(action), int(at)) for action, at in json_map(row.changes))
    return StoredCard(row.id, json_map(row.definition), changes, row.created_at, row.updated_at)


def settings_of(conn: Connection, app_id: int, kind: SettingsKind) -> StoredSettings | None:
    row = conn.execute(select(extension_settings).where(E.app_id == app_id, E.kind == kind)).first()
    return _settings(row) if row else None


def create_settings(
    conn: Connection, app_id: int, kind: SettingsKind, fields: Mapping[str, Any], at: int
) -> StoredSettings | None:
    statement = dialect_of(conn).insert(extension_settings).on_conflict_do_nothing()
    row = {"app_id": app_id, "kind": kind, "fields": dict(fields), "created_at": at}
    done = conn.execute(statement.values(**row, updated_at=at).returning(E.app_id)).first()
    return settings_of(conn, app_id, kind) if done is not None else None


def revise_settings(
    conn: Connection, app_id: int, kind: SettingsKind, revise: Revise, at: int
) -> StoredSettings | None:
    _take_turn(conn, app_id)
    found = settings_of(conn, app_id, kind)
    if found is None:
        return None
    conn.execute(
        update(extension_settings)
        .where(E.app_id == app_id, E.kind == kind)
        .values(fields=revise(found.fields), updated_at=at)
    )
    return settings_of(conn, app_id, kind)


def replace_settings(
    conn: Connection, app_id: int, kind: SettingsKind, fields: Mapping[str, Any], at: int
) -> StoredSettings:
    row = {"app_id": app_id, "kind": kind, "fields": dict(fields), "created_at": at}
    statement = dialect_of(conn).insert(extension_settings).values(**row, updated_at=at)
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=["app_id", "kind"], set_={"fields": dict(fields), "updated_at": at}
        )
    )
    saved = settings_of(conn, app_id, kind)
    assert saved is not None
    return saved


def delete_settings(conn: Connection, app_id: int, kind: SettingsKind) -> bool:
    done = conn.execute(delete(extension_settings).where(E.app_id == app_id, E.kind == kind))
    return bool(done.rowcount)


def cards_of(conn: Connection, app_id: int) -> list[StoredCard]:
    rows = conn.execute(select(crm_cards).where(C.app_id == app_id).order_by(C.id))
    return [_card(r) for r in rows]


def _card_by_id(conn: Connection, app_id: int, card_id: int) -> StoredCard | None:
    row = conn.execute(select(crm_cards).where(C.app_id == app_id, C.id == card_id)).first()
    return _card(row) if row else None


def create_card(
    conn: Connection, app_id: int, definition: Mapping[str, Any], at: int, limit: int
) -> StoredCard | None:
    _take_turn(conn, app_id)
    held = conn.execute(select(func.count()).where(C.app_id == app_id)).scalar_one()
    if held >= limit:
        return None
    row = {
        "app_id": app_id,
        "definition": dict(definition),
        "changes": [["CREATE", at]],
        "created_at": at,
        "updated_at": at,
    }
    card_id = int(conn.execute(insert(crm_cards).values(row).returning(C.id)).scalar_one())
    return _card_by_id(conn, app_id, card_id)


def revise_card(
    conn: Connection, app_id: int, card_id: int, revise: Revise, at: int
) -> StoredCard | None:
    _take_turn(conn, app_id)
    found = _card_by_id(conn, app_id, card_id)
    if found is None:
        return None
    changes = [[c.action, c.at] for c in found.changes] + [["UPDATE", at]]
    conn.execute(
        update(crm_cards)
        .where(C.app_id == app_id, C.id == card_id)
        .values(definition=revise(found.definition), changes=changes, updated_at=at)
    )
    return _card_by_id(conn, app_id, card_id)


def delete_card(conn: Connection, app_id: int, card_id: int) -> bool:
    done = conn.execute(delete(crm_cards).where(C.app_id == app_id, C.id == card_id))
    return bool(done.rowcount)
