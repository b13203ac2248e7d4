"""Portals' options and tokens: the rules for minting a token, written once for the CLI
(``tokens create``, ``portals create``) and the admin API (``POST /_localspot/portals``).

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

from localspot.crm import object_types
from localspot.crm.errors import ValidationError
from localspot.crm.portal_admin import require_portal
from localspot.crm.storage import NewToken, Store

TIERS = ("free", "starter", "professional", "enterprise")
TOKEN_KINDS = ("private_app", "oauth")
TOKEN_PREFIX = "pat-na1-"
SCHEMA_SCOPES = (
    "crm.schemas.calls.read",
    "crm.schemas.contacts.read",
    "crm.schemas.contacts.write",
)


def all_scopes() -> list[str]:
    """Every scope a token can hold: the object types' own and the schema scopes."""
    scopes = {s for t in object_types.all_types() for s in (t.read_scope, t.write_scope)}
    return sorted(scopes | set(SCHEMA_SCOPES))


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


async def mint_token(store: Store, portal_id: int | None, spec: TokenSpec) -> MintedToken:
    """A new token of the portal (None: the first portal); 404 when the portal is missing."""
    portal = portal_id if portal_id is not None else await store.default_portal()
    await require_portal(store, portal)
    token, new = _new_token(spec)
    await store.create_token(portal, new.token_hash, new.scopes, new.kind, new.expires_in_ms)
    return MintedToken(portal, token, spec.scopes)


async def create_portal(
    store: Store, name: str, tier: str, timezone: str, spec: TokenSpec | None = None
) -> tuple[int, str | None]:
    """(the new portal's id, its token when ``spec`` asks for one). One store call: a
    portal whose token could not be stored is not left behind."""
    check_portal_options(tier, timezone)
    check_portal_name(name)
    if spec is None:
        return await store.create_portal(name, tier, timezone), None
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
