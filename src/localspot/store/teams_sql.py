"""The teams role's SQL, one function of a ``Connection`` per method, for both databases.

Team ids are numbered per portal like owner ids (the highest plus one, archived teams
included, so an id is never reused); creates of one portal take turns (``serialize``).
``owner_teams`` holds who is on which team; an owner has at most one primary team.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from localspot.crm.teams_storage import Membership, MembershipOutcome, Team, TeamCreated
from localspot.store.dialect import dialect_of
from localspot.store.schema import owner_teams, owners, portals, teams


def team_of(row: Any) -> Team:
    return Team(row.id, row.name, row.created_at, row.updated_at, bool(row.archived))


def create_team(conn: Connection, portal_id: int, name: str, at: int) -> TeamCreated:
    if conn.execute(select(portals.c.id).where(portals.c.id == portal_id)).first() is None:
        return TeamCreated(portal_found=False)
    dialect_of(conn).serialize(conn, f"teams:{portal_id}")
    live = conn.execute(
        select(teams.c.name).where(teams.c.portal_id == portal_id, ~teams.c.archived)
    )
    if any(row.name.casefold() == name.casefold() for row in live):
        return TeamCreated(portal_found=True)
    highest = conn.execute(
        select(func.max(teams.c.id)).where(teams.c.portal_id == portal_id)
    ).scalar()
    team = Team((highest or 0) + 1, name, at, at)
    write_teams(conn, portal_id, [team])
    return TeamCreated(portal_found=True, team=team)


def write_teams(conn: Connection, portal_id: int, found: Iterable[Team]) -> None:
    rows = [
        {
            "portal_id": portal_id,
            "id": t.id,
            "name": t.name,
            "created_at": t.created_at,
            "updated_at": t.updated_at,
            "archived": t.archived,
        }
        for t in found
    ]
    if rows:
        conn.execute(insert(teams), rows)


def write_memberships(conn: Connection, portal_id: int, found: Iterable[Membership]) -> None:
    rows = [
        {
            "portal_id": portal_id,
            "owner_id": m.owner_id,
            "team_id": m.team_id,
            "is_primary": m.primary,
        }
        for m in found
    ]
    if rows:
        conn.execute(insert(owner_teams), rows)


def all_teams(conn: Connection, portal_id: int) -> list[Team]:
    rows = conn.execute(select(teams).where(teams.c.portal_id == portal_id).order_by(teams.c.id))
    return [team_of(r) for r in rows]


def _live_team(conn: Connection, portal_id: int, team_id: int) -> bool:
    query = select(teams.c.id).where(
        teams.c.portal_id == portal_id, teams.c.id == team_id, ~teams.c.archived
    )
    return conn.execute(query).first() is not None


def _live_owner(conn: Connection, portal_id: int, owner_id: int) -> bool:
    query = select(owners.c.id).where(
        owners.c.portal_id == portal_id, owners.c.id == owner_id, ~owners.c.archived
    )
    return conn.execute(query).first() is not None


def _mine(portal_id: int, owner_id: int) -> Any:
    return (owner_teams.c.portal_id == portal_id) & (owner_teams.c.owner_id == owner_id)


def _promote_if_needed(conn: Connection, portal_id: int, owner_ids: Iterable[int]) -> None:
    """An owner still on teams but with no primary one gets its lowest team id as primary."""
    for owner_id in sorted(set(owner_ids)):
        rows = conn.execute(
            select(owner_teams.c.team_id, owner_teams.c.is_primary)
            .where(_mine(portal_id, owner_id))
            .order_by(owner_teams.c.team_id)
        ).all()
        if rows and not any(r.is_primary for r in rows):
            conn.execute(
                update(owner_teams)
                .where(_mine(portal_id, owner_id), owner_teams.c.team_id == rows[0].team_id)
                .values(is_primary=True)
            )


def archive_team(conn: Connection, portal_id: int, team_id: int, at: int) -> bool:
    done = conn.execute(
        update(teams)
        .where(teams.c.portal_id == portal_id, teams.c.id == team_id, ~teams.c.archived)
        .values(archived=True, updated_at=at)
    )
    if not done.rowcount:
        return False
    on_team = (owner_teams.c.portal_id == portal_id) & (owner_teams.c.team_id == team_id)
    members = [r.owner_id for r in conn.execute(select(owner_teams.c.owner_id).where(on_team))]
    conn.execute(delete(owner_teams).where(on_team))
    _promote_if_needed(conn, portal_id, members)
    return True


def join_team(
    conn: Connection, portal_id: int, owner_id: int, team_id: int, primary: bool | None
) -> MembershipOutcome:
    owner_found = _live_owner(conn, portal_id, owner_id)
    team_found = _live_team(conn, portal_id, team_id)
    if not (owner_found and team_found):
        return MembershipOutcome(owner_found, team_found)
    dialect_of(conn).serialize(conn, f"owner_teams:{portal_id}:{owner_id}")
    current = {
        r.team_id: bool(r.is_primary)
        for r in conn.execute(select(owner_teams).where(_mine(portal_id, owner_id)))
    }
    chosen = primary if primary is not None else current.get(team_id, not any(current.values()))
    if chosen:
        conn.execute(update(owner_teams).where(_mine(portal_id, owner_id)).values(is_primary=False))
    if team_id in current:
        conn.execute(
            update(owner_teams)
            .where(_mine(portal_id, owner_id), owner_teams.c.team_id == team_id)
            .values(is_primary=chosen)
        )
    else:
        write_memberships(conn, portal_id, [Membership(owner_id, team_id, chosen)])
    _promote_if_needed(conn, portal_id, [owner_id])
    return MembershipOutcome(True, True, True)


def leave_team(conn: Connection, portal_id: int, owner_id: int, team_id: int) -> MembershipOutcome:
    owner_found = _live_owner(conn, portal_id, owner_id)
    team_found = _live_team(conn, portal_id, team_id)
    if not (owner_found and team_found):
        return MembershipOutcome(owner_found, team_found)
    done = conn.execute(
        delete(owner_teams).where(_mine(portal_id, owner_id), owner_teams.c.team_id == team_id)
    )
    _promote_if_needed(conn, portal_id, [owner_id])
    return MembershipOutcome(True, True, bool(done.rowcount))


def memberships(conn: Connection, portal_id: int) -> list[Membership]:
    rows = conn.execute(
        select(owner_teams)
        .where(owner_teams.c.portal_id == portal_id)
        .order_by(owner_teams.c.team_id, owner_teams.c.owner_id)
    )
    return [Membership(r.owner_id, r.team_id, bool(r.is_primary)) for r in rows]


def teams_of(
    conn: Connection, portal_id: int, owner_ids: Collection[int]
) -> dict[int, list[tuple[Team, bool]]]:
    if not owner_ids:
        return {}
    rows = conn.execute(
        select(owner_teams.c.owner_id, owner_teams.c.is_primary, teams)
        .join(
            teams,
            (teams.c.portal_id == owner_teams.c.portal_id) & (teams.c.id == owner_teams.c.team_id),
        )
        .where(
            owner_teams.c.portal_id == portal_id,
            owner_teams.c.owner_id.in_(sorted(owner_ids)),
            ~teams.c.archived,
        )
        .order_by(owner_teams.c.owner_id, teams.c.id)
    )
    found: dict[int, list[tuple[Team, bool]]] = defaultdict(list)
    for r in rows:
        found[r.owner_id].append((team_of(r), bool(r.is_primary)))
    return dict(found)
