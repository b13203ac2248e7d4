"""Accounts: portals (tier, time zone, the default portal) and their tokens (scopes,
kinds, lifetimes, hashing, revocation, expiry). Written once, for the CLI (``portals
create``, ``tokens create``/``revoke``, ``serve``'s ``LOCALSPOT_TOKEN``, the portal of
``export``/``import``/``seed``), the admin API (``POST /_localspot/portals``) and the auth
guard alike: nothing outside this module calls the store's accounts role.

A token is ``pat-na1-`` and 32 hex digits, like a HubSpot private-app token; only its SHA-256
digest is stored. Scopes left out mean every scope; an explicit empty list means none (a
token every scoped route refuses with 403).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from localspot.clock import Clock
from localspot.crm import object_types
from localspot.crm.accounts_storage import AccountsStorage, NewToken
from localspot.crm.errors import (
    ExpiredAuthentication,
    InvalidAuthentication,
    ResourceNotFound,
    ValidationError,
)
from localspot.crm.model import Principal

TIERS = ("free", "starter", "professional", "enterprise")
TOKEN_KINDS = ("private_app", "oauth")
TOKEN_PREFIX = "pat-na1-"
SCHEMA_SCOPES = (
    "crm.schemas.calls.read",
    "crm.schemas.contacts.read",
    "crm.schemas.contacts.write",
    "crm.schemas.custom.read",
    "crm.schemas.custom.write",
    "crm.schemas.deals.write",
)

OTHER_SCOPES = (
    "crm.objects.owners.read",
    "crm.objects.custom.read",
    "crm.objects.custom.write",
    "crm.dealsplits.read_write",
    "crm.lists.read",
    "crm.lists.write",
    "cms.membership.access_groups.write",
    "timeline",
    "crm.import",
    "crm.export",
)
"""Scopes of APIs that are not object types' (the Owners, deal splits, Lists, Timeline
events, Imports and Exports APIs)."""


def all_scopes() -> list[str]:
    """Every scope a token can hold: the object types' own, the schema scopes and the
    other APIs' scopes."""
    types = object_types.all_types()
    scopes = {t.read_scope for t in types} | {t.write_scope for t in types if t.writable}
    return sorted(scopes | set(SCHEMA_SCOPES) | set(OTHER_SCOPES))


def hash_token(token: str) -> str:
    """Tokens are stored as SHA-256 hex digests; the plaintext is never kept."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_portal_options(tier: str, timezone: str) -> None:
    base, _, increase = tier.partition("+")
    if base not in TIERS or increase not in ("", "limit-increase"):
        raise ValidationError(f"Unknown tier {tier!r}; use one of {', '.join(TIERS)}")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"Unknown time zone {timezone!r}") from None


def portal_not_found(portal_id: int) -> ResourceNotFound:
    return ResourceNotFound(f"Portal {portal_id} does not exist", context={"id": [str(portal_id)]})


async def require_portal(store: AccountsStorage, portal_id: int) -> None:
    if not await store.portal_exists(portal_id):
        raise portal_not_found(portal_id)


async def portal_or_default(store: AccountsStorage, portal_id: int | None) -> int:
    """The given portal, or (None) the first portal, created when there is none. The given
    one is not checked here (see ``require_portal``)."""
    return portal_id if portal_id is not None else await store.default_portal()


async def create_portal(
    store: AccountsStorage, name: str, tier: str = "free", timezone: str = "UTC"
) -> int:
    """A new portal; an unknown tier or time zone, or a NUL in the name, is a 400 and creates
    nothing."""
    check_portal_options(tier, timezone)
    check_portal_name(name)
    return await store.create_portal(name, tier, timezone)


@dataclass(frozen=True, slots=True)
class TokenSpec:
    """What a new token may do, already checked."""

    scopes: tuple[str, ...]
    kind: str = "private_app"
    expires_in_ms: int | None = None


def token_spec(
    scopes: Sequence[str] | None, kind: str = "private_app", expires_in_s: int | None = None
) -> TokenSpec:
    """``scopes`` None: every scope. Unknown scope names (all listed), unknown kinds and
    lifetimes under one second are refused."""
    known = all_scopes()
    chosen = tuple(dict.fromkeys(known if scopes is None else scopes))
    unknown = [s for s in chosen if s not in known]
    if unknown:
        message = f"Unknown scopes: {', '.join(unknown)}; known scopes: {', '.join(known)}"
        raise ValidationError(message, context={"scopes": unknown})
    if kind not in TOKEN_KINDS:
        raise ValidationError(f"Unknown token kind {kind!r}; use {' or '.join(TOKEN_KINDS)}")
    if expires_in_s is not None and expires_in_s <= 0:
        raise ValidationError(f"A token's lifetime must be at least 1 second, not {expires_in_s}")
    expires_in_ms = expires_in_s * 1000 if expires_in_s is not None else None
    return TokenSpec(chosen, kind, expires_in_ms)


@dataclass(frozen=True, slots=True)
class MintedToken:
    portal_id: int
    token: str
    scopes: tuple[str, ...]


async def mint_token(store: AccountsStorage, portal_id: int | None, spec: TokenSpec) -> MintedToken:
    """A new token of the portal (None: the first portal); 404 when the portal is missing."""
    portal = await portal_or_default(store, portal_id)
    await require_portal(store, portal)
    token, new = _new_token(spec)
    await store.create_token(portal, new.token_hash, new.scopes, new.kind, new.expires_in_ms)
    return MintedToken(portal, token, spec.scopes)


async def create_portal_with_token(
    store: AccountsStorage, name: str, tier: str, timezone: str, spec: TokenSpec
) -> tuple[int, str]:
    """(the new portal's id, its token's plaintext). One store call: a portal whose token
    could not be stored is not left behind."""
    check_portal_options(tier, timezone)
    check_portal_name(name)
    token, new = _new_token(spec)
    return await store.create_portal(name, tier, timezone, new), token


def check_portal_name(name: str) -> None:
    """PostgreSQL can't store U+0000, so neither database takes it."""
    if "\x00" in name:
        raise ValidationError("name contains a NUL character (\\u0000)", context={"name": [name]})


def _new_token(spec: TokenSpec) -> tuple[str, NewToken]:
    """(the plaintext, shown once; what is stored)."""
    token = TOKEN_PREFIX + secrets.token_hex(16)
    return token, NewToken(hash_token(token), spec.scopes, spec.kind, spec.expires_in_ms)


async def prepare_first_portal(store: AccountsStorage, token: str | None) -> int:
    """Before serving: the first portal (created when there is none), and the token the
    operator chose (``LOCALSPOT_TOKEN``), when one is given, registered in it with every
    scope, as a private app's."""
    portal = await store.default_portal()
    if token:
        await store.create_token(portal, hash_token(token), all_scopes(), TOKEN_KINDS[0])
    return portal


async def revoke_token(store: AccountsStorage, token: str) -> bool:
    """The token answers 401 from now on; False when no live token is ``token``."""
    return await store.revoke_token(hash_token(token))


async def authenticate(store: AccountsStorage, token: str | None, clock: Clock) -> Principal:
    """Bearer token → who calls. Unknown or revoked: 401 INVALID_AUTHENTICATION; past its
    lifetime: 401 EXPIRED_AUTHENTICATION."""
    token_hash = hash_token(token) if token else ""
    grant = await store.find_token(token_hash) if token else None
    if grant is None or grant.revoked:
        raise InvalidAuthentication()
    if grant.expires_at is not None and grant.expires_at <= clock.now_ms():
        raise ExpiredAuthentication()
    return Principal(
        grant.portal_id, grant.scopes, grant.kind, grant.tier, grant.timezone, token_hash
    )


async def portal_of_token(store: AccountsStorage, token: str | None) -> int | None:
    """The portal a token belongs to, whatever its state (revoked, expired); None when no
    token or an unknown one."""
    grant = await store.find_token(hash_token(token)) if token else None
    return grant.portal_id if grant else None
