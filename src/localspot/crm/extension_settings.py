"""An app's settings of one CRM extension kind (hubspot-behaviour §19): read, create once,
change some fields, replace, delete.

Every use case takes the app the developer API key opened (``developer_auth``'s guard has
checked that the path's ``appId`` is that app, as for the Webhooks API).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from localspot.crm.errors import Conflict, ResourceNotFound, ValidationError
from localspot.crm.extension_settings_storage import (
    ExtensionSettingsStorage,
    SettingsKind,
    StoredSettings,
)

LABELS: dict[SettingsKind, str] = {
    "calling": "calling extension settings",
    "calling_recording": "recording settings",
    "calling_channel": "channel connection settings",
    "videoconferencing": "video conferencing settings",
}
"""How messages name each kind."""


@dataclass(frozen=True, slots=True)
class ExtensionCall:
    """One call of an extension settings API: the app the key opened, and the time."""

    store: ExtensionSettingsStorage
    app_id: int
    now: int


def without_nul(value: Any, field: str) -> Any:
    """``value`` (JSON: strings, lists, objects) when no string in it holds a NUL character,
    which PostgreSQL can't store; else a 400 naming the innermost field (compatibility.md)."""
    if isinstance(value, str) and "\x00" in value:
        raise ValidationError(
            f"{field} cannot hold a NUL character", context={field: [value.replace("\x00", "")]}
        )
    if isinstance(value, Mapping):
        for name, item in value.items():
            without_nul(item, str(name))
    elif isinstance(value, list | tuple):
        for item in value:
            without_nul(item, field)
    return value


def present_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The fields that have a value (None is absent), none holding a NUL character."""
    present = {name: value for name, value in fields.items() if value is not None}
    return dict(without_nul(present, "fields"))


def settings_not_found(call: ExtensionCall, kind: SettingsKind) -> ResourceNotFound:
    return ResourceNotFound(
        f"No {LABELS[kind]} for app {call.app_id}", context={"appId": [str(call.app_id)]}
    )


async def get(call: ExtensionCall, kind: SettingsKind) -> StoredSettings:
    found = await call.store.extension_settings(call.app_id, kind)
    if found is None:
        raise settings_not_found(call, kind)
    return found


async def create(
    call: ExtensionCall, kind: SettingsKind, fields: Mapping[str, Any]
) -> StoredSettings:
    """Settings the app does not have yet: a second create is a 409 and changes nothing."""
    created = await call.store.create_extension_settings(call.app_id, kind, fields, call.now)
    if created is None:
        label = LABELS[kind][0].upper() + LABELS[kind][1:]
        raise Conflict(
            f"{label} for app {call.app_id} already exist; update them instead",
            context={"appId": [str(call.app_id)]},
        )
    return created


async def update(
    call: ExtensionCall, kind: SettingsKind, changes: Mapping[str, Any]
) -> StoredSettings:
    """The given fields replace the stored ones; the others stay. 404 when there are none."""
    revised = await call.store.revise_extension_settings(
        call.app_id, kind, lambda fields: {**fields, **changes}, call.now
    )
    if revised is None:
        raise settings_not_found(call, kind)
    return revised


async def replace(
    call: ExtensionCall, kind: SettingsKind, fields: Mapping[str, Any]
) -> StoredSettings:
    return await call.store.replace_extension_settings(call.app_id, kind, fields, call.now)


async def remove(call: ExtensionCall, kind: SettingsKind) -> None:
    """Removing settings that are not there is no error (as for webhook settings)."""
    await call.store.delete_extension_settings(call.app_id, kind)
