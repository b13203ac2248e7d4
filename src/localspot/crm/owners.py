"""Owners: the portal's users as HubSpot's Owners API v3 shows them.

HubSpot creates owners when users join a portal; it has no API for it. localspot's operator
side (CLI, admin API, pytest plugin) creates and archives them through these use cases, and
the CRM routes only read. ``userId`` is assigned by the store (see ``store/owners_sql.py``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from localspot.crm.accounts import portal_not_found
from localspot.crm.errors import Conflict, ResourceNotFound, ValidationError
from localspot.crm.owners_storage import Owner, OwnerPage, OwnersStorage

MAX_LIMIT = 500
MAX_EMAIL = 254
MAX_NAME = 100
_EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+\.[^@\s\x00-\x1f\x7f]+")
"""Valid-ish: one ``@``, a dot in the domain, no spaces or control characters (NUL among
them, which PostgreSQL can't store). HubSpot's own user invites are stricter, but a test
double only needs to refuse obvious mistakes."""
ID_PROPERTIES = ("id", "userId")


def normalized_email(email: str) -> str:
    text = email.strip().lower()
    if not text or len(text) > MAX_EMAIL or _EMAIL.fullmatch(text) is None:
        raise ValidationError(f"Invalid owner email {email!r}")
    return text


def _name(value: str, field: str) -> str:
    text = value.strip()
    if "\x00" in text:
        raise ValidationError(f"{field} contains a NUL character (\\u0000)")
    if len(text) > MAX_NAME:
        raise ValidationError(f"{field} is longer than {MAX_NAME} characters")
    return text


async def create(
    store: OwnersStorage,
    portal_id: int,
    email: str,
    at: int,
    first_name: str = "",
    last_name: str = "",
) -> Owner:
    """A new live owner; a live owner of the portal with the same email is a 409."""
    address = normalized_email(email)
    first, last = _name(first_name, "firstName"), _name(last_name, "lastName")
    created = await store.create_owner(portal_id, address, first, last, at)
    if not created.portal_found:
        raise portal_not_found(portal_id)
    if created.owner is None:
        message = f"An owner with email {address} already exists"
        raise Conflict(message, context={"email": [address]})
    return created.owner


def _numeric(text: str, what: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise ValidationError(f"{what} must be a number, got {text!r}")
    return int(text)


async def page(
    store: OwnersStorage,
    portal_id: int,
    *,
    limit: int = 100,
    after: str | None = None,
    email: str | None = None,
    archived: bool = False,
) -> OwnerPage:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError(f"limit must be between 1 and {MAX_LIMIT}")
    start = _numeric(after, "after") if after else 0
    wanted = email.strip().lower() if email else None
    if wanted is not None and "\x00" in wanted:
        return OwnerPage((), None)  # no owner has it, and PostgreSQL can't be asked
    return await store.list_owners(
        portal_id, archived=archived, email=wanted, after=start, limit=limit
    )


def owner_not_found(key: str) -> ResourceNotFound:
    return ResourceNotFound(f"Owner {key} not found", context={"id": [key]})


async def get(
    store: OwnersStorage,
    portal_id: int,
    key: str,
    *,
    id_property: str | None = None,
    archived: bool = False,
) -> Owner:
    """``idProperty`` ``id`` (default) or ``userId``; an unknown or non-numeric key is a 404."""
    prop = id_property or "id"
    if prop not in ID_PROPERTIES:
        raise ValidationError(f"idProperty must be one of {', '.join(ID_PROPERTIES)}")
    if not (key.isascii() and key.isdigit()) or len(key) > 18:
        raise owner_not_found(key)
    found = await store.find_owner(
        portal_id, int(key), by_user_id=prop == "userId", archived=archived
    )
    if found is None:
        raise owner_not_found(key)
    return found


async def archive(store: OwnersStorage, portal_id: int, owner_id: int, at: int) -> None:
    if not await store.archive_owner(portal_id, owner_id, at):
        raise owner_not_found(str(owner_id))


async def all_of(store: OwnersStorage, portal_id: int) -> Sequence[Owner]:
    return await store.all_owners(portal_id)
