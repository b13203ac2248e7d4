"""Accounts' rules over an in-memory accounts role: no database, no server. The role is six
methods, so a test double of it is a few lines."""

from __future__ import annotations

import asyncio
from collections.abc import Collection

import pytest

from localspot.clock import FixedClock
from localspot.crm import accounts
from localspot.crm.accounts_storage import AccountsStorage, TokenGrant
from localspot.crm.errors import (
    ExpiredAuthentication,
    InvalidAuthentication,
    ResourceNotFound,
    ValidationError,
)

NOW = 1_767_225_600_000


class MemoryAccounts:
    def __init__(self) -> None:
        self.portals: dict[int, tuple[str, str, str]] = {}
        self.grants: dict[str, TokenGrant] = {}

    async def find_token(self, token_hash: str) -> TokenGrant | None:
        return self.grants.get(token_hash)

    async def create_portal(self, name: str, tier: str = "free", timezone: str = "UTC") -> int:
        portal_id = len(self.portals) + 1
        self.portals[portal_id] = (name, tier, timezone)
        return portal_id

    async def portal_exists(self, portal_id: int) -> bool:
        return portal_id in self.portals

    async def default_portal(self) -> int:
        return min(self.portals) if self.portals else await self.create_portal("Portal")

    async def create_token(
        self,
        portal_id: int,
        token_hash: str,
        scopes: Collection[str],
        kind: str,
        expires_in_ms: int | None = None,
    ) -> None:
        _, tier, timezone = self.portals[portal_id]
        expires_at = NOW + expires_in_ms if expires_in_ms is not None else None
        grant = TokenGrant(portal_id, frozenset(scopes), kind, expires_at, False, tier, timezone)
        self.grants[token_hash] = grant

    async def revoke_token(self, token_hash: str) -> bool:
        grant = self.grants.get(token_hash)
        if grant is None or grant.revoked:
            return False
        self.grants[token_hash] = TokenGrant(grant.portal_id, grant.scopes, revoked=True)
        return True


def store() -> AccountsStorage:
    return MemoryAccounts()


def test_minted_token_authenticates_with_its_portal_scopes_and_tier() -> None:
    async def go() -> None:
        accounts_store = store()
        portal = await accounts.create_portal(accounts_store, "P", "professional", "Europe/Paris")
        spec = accounts.token_spec(["crm.objects.contacts.read"], "oauth")
        minted = await accounts.mint_token(accounts_store, portal, spec)
        assert minted.token.startswith(accounts.TOKEN_PREFIX) and len(minted.token) == 40
        principal = await accounts.authenticate(accounts_store, minted.token, FixedClock(NOW))
        assert principal.portal_id == portal
        assert principal.scopes == frozenset({"crm.objects.contacts.read"})
        assert (principal.token_kind, principal.tier) == ("oauth", "professional")
        assert principal.timezone == "Europe/Paris"
        assert principal.token_hash == accounts.hash_token(minted.token)

    asyncio.run(go())


def test_unknown_missing_and_revoked_tokens_are_invalid_authentication() -> None:
    async def go() -> None:
        accounts_store = store()
        minted = await accounts.mint_token(accounts_store, None, accounts.token_spec(None))
        for token in (None, "", "pat-na1-unknown"):
            with pytest.raises(InvalidAuthentication):
                await accounts.authenticate(accounts_store, token, FixedClock(NOW))
        assert await accounts.revoke_token(accounts_store, minted.token)
        assert not await accounts.revoke_token(accounts_store, minted.token)
        with pytest.raises(InvalidAuthentication):
            await accounts.authenticate(accounts_store, minted.token, FixedClock(NOW))
        assert await accounts.portal_of_token(accounts_store, minted.token) == minted.portal_id

    asyncio.run(go())


def test_a_token_expires_at_the_end_of_its_lifetime() -> None:
    async def go() -> None:
        accounts_store = store()
        spec = accounts.token_spec(None, expires_in_s=60)
        minted = await accounts.mint_token(accounts_store, None, spec)
        await accounts.authenticate(accounts_store, minted.token, FixedClock(NOW + 59_999))
        with pytest.raises(ExpiredAuthentication):
            await accounts.authenticate(accounts_store, minted.token, FixedClock(NOW + 60_000))

    asyncio.run(go())


def test_portal_rules_are_checked_before_anything_is_written() -> None:
    async def go() -> None:
        accounts_store = MemoryAccounts()
        with pytest.raises(ValidationError, match="Unknown tier"):
            await accounts.create_portal(accounts_store, "P", "gold")
        with pytest.raises(ValidationError, match="Unknown time zone"):
            await accounts.create_portal(accounts_store, "P", "free", "Mars/Olympus")
        assert accounts_store.portals == {}
        with pytest.raises(ResourceNotFound):
            await accounts.mint_token(accounts_store, 7, accounts.token_spec(None))
        assert accounts_store.grants == {}

    asyncio.run(go())


def test_the_operators_token_opens_the_first_portal_with_every_scope() -> None:
    async def go() -> None:
        accounts_store = store()
        portal = await accounts.prepare_first_portal(accounts_store, "my-token")
        principal = await accounts.authenticate(accounts_store, "my-token", FixedClock(NOW))
        assert principal.portal_id == portal
        assert principal.scopes == frozenset(accounts.all_scopes())
        assert await accounts.prepare_first_portal(accounts_store, None) == portal

    asyncio.run(go())
