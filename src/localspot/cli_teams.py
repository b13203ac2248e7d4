"""``localspot teams create|list|archive|add-owner|remove-owner``: HubSpot has no public API
for teams, so the operator makes them here and puts owners on them. Registered by
``cli.py``; flags → one use case of ``crm/teams.py``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import typer

from localspot.cli_data import DatabaseUrl, Portal, with_store
from localspot.clock import SystemClock
from localspot.crm import accounts, teams
from localspot.crm.property_types import format_datetime
from localspot.crm.storage import Store
from localspot.crm.teams_storage import Membership, Team

teams_cli = typer.Typer(no_args_is_help=True, help="Manage a portal's teams of owners.")
TeamId = Annotated[int, typer.Argument(help="The team's id.", show_default=False)]
OwnerId = Annotated[int, typer.Argument(help="The owner's id.", show_default=False)]


def register(cli: typer.Typer) -> None:
    cli.add_typer(teams_cli, name="teams")


def _line(team: Team, members: Sequence[Membership]) -> str:
    """id, name, state, created, members (the owners on it, ``*`` after a primary team's)."""
    state = "archived" if team.archived else "live"
    on = ",".join(
        f"{m.owner_id}{'*' if m.primary else ''}" for m in members if m.team_id == team.id
    )
    return f"{team.id}\t{team.name}\t{state}\t{format_datetime(team.created_at)}\t{on or '-'}"


@teams_cli.command("create")
def create(
    name: Annotated[str, typer.Option(help="The team's name (unique among live teams).")],
    portal: Portal = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Create a team; its id is printed on the last line."""

    async def work(store: Store) -> Team:
        portal_id = await accounts.portal_or_default(store, portal)
        return await teams.create(store, portal_id, name, SystemClock().now_ms())

    team = with_store(database_url, work)
    typer.echo(team.name, err=True)
    typer.echo(team.id)


@teams_cli.command("list")
def list_teams(portal: Portal = None, database_url: DatabaseUrl = None) -> None:
    """Every team, archived ones too: id, name, state, created, owners (``*``: primary)."""

    async def work(store: Store) -> tuple[Sequence[Team], Sequence[Membership]]:
        portal_id = await accounts.portal_or_default(store, portal)
        return await teams.all_of(store, portal_id), await teams.members(store, portal_id)

    found, members = with_store(database_url, work)
    for team in found:
        typer.echo(_line(team, members))


@teams_cli.command("archive")
def archive(team_id: TeamId, portal: Portal = None, database_url: DatabaseUrl = None) -> None:
    """Archive a team (its owners leave it)."""

    async def work(store: Store) -> None:
        portal_id = await accounts.portal_or_default(store, portal)
        await teams.archive(store, portal_id, team_id, SystemClock().now_ms())

    with_store(database_url, work)
    typer.echo("archived")


@teams_cli.command("add-owner")
def add_owner(
    team_id: TeamId,
    owner_id: OwnerId,
    primary: Annotated[
        bool | None,
        typer.Option(
            "--primary/--not-primary",
            help="The owner's primary team, or an additional one (default: primary when it "
            "is the owner's first team).",
            show_default=False,
        ),
    ] = None,
    portal: Portal = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Put an owner on a team."""

    async def work(store: Store) -> None:
        portal_id = await accounts.portal_or_default(store, portal)
        await teams.add_owner(store, portal_id, team_id, owner_id, primary)

    with_store(database_url, work)
    typer.echo("added")


@teams_cli.command("remove-owner")
def remove_owner(
    team_id: TeamId, owner_id: OwnerId, portal: Portal = None, database_url: DatabaseUrl = None
) -> None:
    """Take an owner off a team."""

    async def work(store: Store) -> None:
        portal_id = await accounts.portal_or_default(store, portal)
        await teams.remove_owner(store, portal_id, team_id, owner_id)

    with_store(database_url, work)
    typer.echo("removed")
