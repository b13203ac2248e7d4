"""The extension settings role: what an app configures for HubSpot's CRM extensions (calling,
its recording and channel connection settings, video conferencing) and its CRM cards.

Like webhook settings, these belong to an app, not to a portal (they apply in every portal
the app is installed in), so nothing here carries a ``portal_id``. Each kind of settings is
one set of fields per app, kept as the JSON object HubSpot's API shows (field names as
HubSpot spells them); a card is its definition (``title``, ``fetch``, ``display``,
``actions``) and the list of changes made to it. Writes of one app take turns, so a
revision (``Revise``) runs on the fields it replaces. The rules every role keeps are in
``crm/storage.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

SettingsKind = Literal["calling", "calling_recording", "calling_channel", "videoconferencing"]
"""Calling extension settings, its recording URL format, its channel connection webhook and
video conferencing URLs: one of each per app."""

Revise = Callable[[Mapping[str, Any]], dict[str, Any]]
"""The stored fields → the fields to store instead (run inside the writing transaction)."""


@dataclass(frozen=True, slots=True)
class StoredSettings:
    fields: Mapping[str, Any]
    """JSON values under HubSpot's field names (``isReady``, ``createMeetingUrl``...)."""
    created_at: int
    updated_at: int


@dataclass(frozen=True, slots=True)
class CardChange:
    action: str
    """``CREATE`` or ``UPDATE`` (a deleted card is gone with its history)."""
    at: int


@dataclass(frozen=True, slots=True)
class StoredCard:
    id: int
    definition: Mapping[str, Any]
    """``title``, ``fetch``, ``display`` and ``actions`` as HubSpot's card shapes."""
    changes: tuple[CardChange, ...]
    """Oldest first."""
    created_at: int
    updated_at: int


class ExtensionSettingsStorage(Protocol):
    async def extension_settings(
        self, app_id: int, kind: SettingsKind
    ) -> StoredSettings | None: ...

    async def create_extension_settings(
        self, app_id: int, kind: SettingsKind, fields: Mapping[str, Any], at: int
    ) -> StoredSettings | None:
        """None (nothing written) when the app has settings of this kind already."""
        ...

    async def revise_extension_settings(
        self, app_id: int, kind: SettingsKind, revise: Revise, at: int
    ) -> StoredSettings | None:
        """Replace the app's settings of this kind by ``revise(fields)`` (``updated_at``
        moves, ``created_at`` stays); None (nothing written) when it has none."""
        ...

    async def replace_extension_settings(
        self, app_id: int, kind: SettingsKind, fields: Mapping[str, Any], at: int
    ) -> StoredSettings:
        """Create or replace them (a replacement keeps ``created_at``)."""
        ...

    async def delete_extension_settings(self, app_id: int, kind: SettingsKind) -> bool:
        """False when the app had none of this kind."""
        ...

    async def cards(self, app_id: int) -> Sequence[StoredCard]:
        """The app's cards, by id."""
        ...

    async def create_card(
        self, app_id: int, definition: Mapping[str, Any], at: int, *, limit: int
    ) -> StoredCard | None:
        """A new card with a ``CREATE`` change; None (nothing written) when the app holds
        ``limit`` cards already."""
        ...

    async def revise_card(
        self, app_id: int, card_id: int, revise: Revise, at: int
    ) -> StoredCard | None:
        """Replace the card's definition by ``revise(definition)`` and add an ``UPDATE``
        change; None when the app has no such card."""
        ...

    async def delete_card(self, app_id: int, card_id: int) -> bool: ...
