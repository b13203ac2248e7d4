"""The apps role: developer apps and the portals they are installed in.

An app belongs to a developer account, not to a portal (as at HubSpot), so its rows carry
no ``portal_id``; an installation is a (portal, app) pair, and removing a portal removes its
installations. The developer API key is stored as its SHA-256 digest (it is only ever
compared); the client secret is stored as given, because webhook requests are signed with
it. The rules every role keeps are in ``crm/storage.py``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class App:
    """An app as the operator sees it: never its secrets."""

    id: int
    name: str
    created_at: int
    portal_ids: tuple[int, ...] = ()
    """The portals it is installed in, ascending."""


@dataclass(frozen=True, slots=True)
class NewApp:
    name: str
    client_secret: str
    developer_key_hash: str
    created_at: int


@dataclass(frozen=True, slots=True)
class InstallOutcome:
    app_found: bool
    portal_found: bool
    changed: bool = False
    """False when the app was installed already (install) or was not (uninstall)."""


class AppsStorage(Protocol):
    async def create_app(self, new: NewApp, portal_id: int) -> App | None:
        """A new app, installed in ``portal_id``, in one transaction; None (nothing written)
        when there is no such portal."""
        ...

    async def apps(self, ids: Collection[int] | None = None) -> Sequence[App]:
        """The apps with these ids (every app when None), by id, with their portals."""
        ...

    async def app_of_key(self, developer_key_hash: str) -> int | None:
        """The id of the app whose developer API key has this digest."""
        ...

    async def install_app(self, app_id: int, portal_id: int) -> InstallOutcome: ...

    async def uninstall_app(self, app_id: int, portal_id: int) -> InstallOutcome: ...

    async def client_secret(self, app_id: int) -> str | None:
        """What webhook requests of the app are signed with; None when there is no such app."""
        ...
