"""The accounts role: portals and the tokens that open them.

Used by ``crm/accounts.py`` only; the rules every role keeps are in ``crm/storage.py``.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class TokenGrant:
    portal_id: int
    scopes: frozenset[str]
    kind: str = "private_app"
    expires_at: int | None = None
    revoked: bool = False
    tier: str = "free"
    timezone: str = "UTC"


@dataclass(frozen=True, slots=True)
class NewToken:
    """A token to store: its digest and what it may do."""

    token_hash: str
    scopes: tuple[str, ...]
    kind: str = "private_app"
    expires_in_ms: int | None = None


class AccountsStorage(Protocol):
    async def find_token(self, token_hash: str) -> TokenGrant | None: ...

    async def create_portal(
        self, name: str, tier: str = "free", timezone: str = "UTC", token: NewToken | None = None
    ) -> int:
        """A new portal's id; with ``token``, the portal and its token are one transaction."""
        ...

    async def portal_exists(self, portal_id: int) -> bool: ...

    async def default_portal(self) -> int:
        """The lowest portal id, creating a first portal when there is none."""
        ...

    async def create_token(
        self,
        portal_id: int,
        token_hash: str,
        scopes: Collection[str],
        kind: str,
        expires_in_ms: int | None = None,
    ) -> None: ...

    async def revoke_token(self, token_hash: str) -> bool:
        """False when no live token has that hash."""
        ...
