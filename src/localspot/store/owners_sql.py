"""The owners role's SQL, one function of a ``Connection`` per method, for both databases.

Owner ids are numbered per portal (the portal's highest id plus one, archived owners
included, so an id is never reused): a restored snapshot keeps its ids without clashing
with another portal's. Creates of one portal take turns (``serialize``). ``userId`` is the
id plus ``USER_ID_BASE``, so the two never look alike and a lookup by the wrong one finds
nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from localspot.crm.owners_storage import Owner, OwnerCreated, OwnerPage
from localspot.store.dialect import dialect_of
from localspot.store.schema import owners, portals

USER_ID_BASE = 10_000_000


def owner_of(row: Any) -> Owner:
    return Owner(
        id=row.id,
        user_id=row.user_id,
        email=row.email,
        first_name=row.first_name,
        last_name=row.last_name,
        created_at=row.created_at,
        updated_at=row.updated_at,
        archived=bool(row.archived),
    )


def _portal_exists(conn: Connection, portal_id: int) -> bool:
    return conn.execute(select(portals.c.id).where(portals.c.id == portal_id)).first() is not None


def create_owner(
    conn: Connection, portal_id: int, email: str, first_name: str, last_name: str, at: int
) -> OwnerCreated:
    if not _portal_exists(conn, portal_id):
        return OwnerCreated(portal_found=False)
    # Concurrent creates (PostgreSQL) would read the same highest id or miss each other's email.
    dialect_of(conn).serialize(conn, f"owners:{portal_id}")
    taken = conn.execute(
        select(owners.c.id).where(
            owners.c.portal_id == portal_id, owners.c.email == email, ~owners.c.archived
        )
    ).first()
    if taken is not None:
        return OwnerCreated(portal_found=True)
    highest = conn.execute(
        select(func.max(owners.c.id)).where(owners.c.portal_id == portal_id)
    ).scalar()
    owner = Owner(
        id=(highest or 0) + 1,
        user_id=(highest or 0) + 1 + USER_ID_BASE,
        email=email,
        first_name=first_name,
        last_name=last_name,
        created_at=at,
        updated_at=at,
    )
    write_owners(conn, portal_id, [owner])
    return OwnerCreated(portal_found=True, owner=owner)


def write_owners(conn: Connection, portal_id: int, found: Iterable[Owner]) -> None:
    rows = [
        {
            "portal_id": portal_id,
            "id": o.id,
            "user_id": o.user_id,
            "email": o.email,
            "first_name": o.first_name,
            "last_name": o.last_name,
            "created_at": o.created_at,
            "updated_at": o.updated_at,
            "archived": o.archived,
        }
        for o in found
    ]
    if rows:
        conn.execute(insert(owners), rows)


def list_owners(
    conn: Connection, portal_id: int, *, archived: bool, email: str | None, after: int, limit: int
) -> OwnerPage:
    query = (
        select(owners)
        .where(
            owners.c.portal_id == portal_id,
            owners.c.archived == archived,
            owners.c.id > after,
        )
        .order_by(owners.c.id)
        .limit(limit + 1)
    )
    if email is not None:
        query = query.where(owners.c.email == email)
    found = [owner_of(r) for r in conn.execute(query)]
    more = len(found) > limit
    return OwnerPage(tuple(found[:limit]), found[limit - 1].id if more else None)


def find_owner(
    conn: Connection, portal_id: int, key: int, *, by_user_id: bool, archived: bool
) -> Owner | None:
    column = owners.c.user_id if by_user_id else owners.c.id
    row = conn.execute(
        select(owners).where(
            owners.c.portal_id == portal_id, column == key, owners.c.archived == archived
        )
    ).first()
    return owner_of(row) if row is not None else None


def archive_owner(conn: Connection, portal_id: int, owner_id: int, at: int) -> bool:
    done = conn.execute(
        update(owners)
        .where(owners.c.portal_id == portal_id, owners.c.id == owner_id, ~owners.c.archived)
        .values(archived=True, updated_at=at)
    )
    return bool(done.rowcount)


def all_owners(conn: Connection, portal_id: int) -> list[Owner]:
    rows = conn.execute(select(owners).where(owners.c.portal_id == portal_id).order_by(owners.c.id))
    return [owner_of(r) for r in rows]


def live_owner_ids(conn: Connection, portal_id: int, ids: Collection[int]) -> frozenset[int]:
    if not ids:
        return frozenset()
    rows = conn.execute(
        select(owners.c.id).where(
            owners.c.portal_id == portal_id, owners.c.id.in_(sorted(ids)), ~owners.c.archived
        )
    )
    return frozenset(r.id for r in rows)
