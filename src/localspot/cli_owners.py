"""``localspot owners create|list|archive``: HubSpot has no API to create owners (they are
the portal's users), so the operator makes them here (``create --team`` also puts the owner
on a team). Registered by ``cli.py``; flags → one use case of ``crm/owners.py``."""

from __future__ import annotations

from typing import Annotated

import typer

from localspot.cli_data import DatabaseUrl, Portal, with_store
from localspot.clock import SystemClock
from localspot.crm import accounts, owners, teams
from localspot.crm.owners_storage import Owner
from localspot.crm.property_types import format_datetime
from localspot.crm.storage import Store

owners_cli = typer.Typer(no_args_is_help=True, help="Manage a portal's owners (its users).")


def register(cli: typer.Typer) -> None:
    cli.add_typer(owners_cli, name="owners")


def _line(owner: Owner) -> str:
    name = f"{owner.first_name} {owner.last_name}".strip() or "-"
    state = "archived" if owner.archived else "live"
    created = format_datetime(owner.created_at)
    return f"{owner.id}\t{owner.user_id}\t{owner.email}\t{name}\t{state}\t{created}"


@owners_cli.command("create")
def create(
    email: Annotated[str, typer.Option(help="The owner's email (unique among live owners).")],
    first_name: Annotated[str, typer.Option(help="First name.")] = "",
    last_name: Annotated[str, typer.Option(help="Last name.")] = "",
    team: Annotated[
        int | None, typer.Option(help="Put the owner on this team (its primary team).")
    ] = None,
    portal: Portal = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Create an owner; its id is printed on the last line."""

    async def work(store: Store) -> Owner:
        portal_id = await accounts.portal_or_default(store, portal)
        if team is not None and not any(
            t.id == team and not t.archived for t in await teams.all_of(store, portal_id)
        ):
            raise teams.team_not_found(team)  # before the owner is made: nothing half-done
        now = SystemClock().now_ms()
        owner = await owners.create(store, portal_id, email, now, first_name, last_name)
        if team is not None:
            await teams.add_owner(store, portal_id, team, owner.id, True)
        return owner

    owner = with_store(database_url, work)
    typer.echo(f"userId {owner.user_id}, {owner.email}", err=True)
    typer.echo(owner.id)


@owners_cli.command("list")
def list_owners(portal: Portal = None, database_url: DatabaseUrl = None) -> None:
    """Every owner of the portal, archived ones too: id, userId, email, name, state, created."""

    async def work(store: Store) -> list[Owner]:
        portal_id = await accounts.portal_or_default(store, portal)
        await accounts.require_portal(store, portal_id)
        return list(await owners.all_of(store, portal_id))

    for owner in with_store(database_url, work):
        typer.echo(_line(owner))


@owners_cli.command("archive")
def archive(
    owner_id: Annotated[int, typer.Argument(help="The owner's id.", show_default=False)],
    portal: Portal = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Archive an owner (as when a user leaves the portal)."""

    async def work(store: Store) -> None:
        portal_id = await accounts.portal_or_default(store, portal)
        await accounts.require_portal(store, portal_id)
        await owners.archive(store, portal_id, owner_id, SystemClock().now_ms())

    with_store(database_url, work)
    typer.echo("archived")
