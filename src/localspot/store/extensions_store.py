"""The extension settings role of ``SqlStore`` (``crm/extension_settings_storage.py``), over
``extensions_sql``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from localspot.crm.extension_settings_storage import (
    Revise,
    SettingsKind,
    StoredCard,
    StoredSettings,
)
from localspot.store import extensions_sql
from localspot.store.runs import Runs

T = TypeVar("T")


class ExtensionsSqlStore(Runs):
    """Mixed into ``SqlStore``, which says how a transaction runs."""

    async def extension_settings(self, app_id: int, kind: SettingsKind) -> StoredSettings | None:
        return await self._lookup(lambda c: extensions_sql.settings_of(c, app_id, kind))

    async def create_extension_settings(
        self, app_id: int, kind: SettingsKind, fields: Mapping[str, Any], at: int
    ) -> StoredSettings | None:
        return await self._write(
            lambda c: extensions_sql.create_settings(c, app_id, kind, fields, at)
        )

    async def revise_extension_settings(
        self, app_id: int, kind: SettingsKind, revise: Revise, at: int
    ) -> StoredSettings | None:
        return await self._write(
            lambda c: extensions_sql.revise_settings(c, app_id, kind, revise, at)
        )

    async def replace_extension_settings(
        self, app_id: int, kind: SettingsKind, fields: Mapping[str, Any], at: int
    ) -> StoredSettings:
        return await self._write(
            lambda c: extensions_sql.replace_settings(c, app_id, kind, fields, at)
        )

    async def delete_extension_settings(self, app_id: int, kind: SettingsKind) -> bool:
        return await self._write(lambda c: extensions_sql.delete_settings(c, app_id, kind))

    async def cards(self, app_id: int) -> Sequence[StoredCard]:
        return await self._read(lambda c: extensions_sql.cards_of(c, app_id))

    async def create_card(
        self, app_id: int, definition: Mapping[str, Any], at: int, *, limit: int
    ) -> StoredCard | None:
        return await self._write(
            lambda c: extensions_sql.create_card(c, app_id, definition, at, limit)
        )

    async def revise_card(
        self, app_id: int, card_id: int, revise: Revise, at: int
    ) -> StoredCard | None:
        return await self._write(
            lambda c: extensions_sql.revise_card(c, app_id, card_id, revise, at)
        )

    async def delete_card(self, app_id: int, card_id: int) -> bool:
        return await self._write(lambda c: extensions_sql.delete_card(c, app_id, card_id))
