"""The ``localspot`` command: flags → Settings → the work. No HubSpot logic here."""

from __future__ import annotations

import asyncio
import os
import secrets
from typing import Annotated

import typer

from localspot import cli_apps, cli_data, cli_errors, cli_owners, cli_serve, cli_teams
from localspot.config import Settings, help_for, parse_switch
from localspot.crm import accounts
from localspot.crm.errors import ValidationError
from localspot.store.open import is_sqlite, migrate, open_store, revision_of

cli = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # a traceback's locals could show a token
    help="A HubSpot-compatible CRM API server.",
)
portals_cli = typer.Typer(no_args_is_help=True, help="Manage portals (accounts).")
tokens_cli = typer.Typer(no_args_is_help=True, help="Manage bearer tokens.")
db_cli = typer.Typer(no_args_is_help=True, help="Database schema (migrations) and search index.")
cli.add_typer(portals_cli, name="portals")
cli.add_typer(tokens_cli, name="tokens")
cli.add_typer(db_cli, name="db")
cli_data.register(cli, db_cli)
cli_owners.register(cli)
cli_teams.register(cli)
cli_apps.register(cli)

MAX_HEAD_BYTES = 64 * 1024
"""What h11 buffers of a request head still incomplete (a head trickling in is cut off there)."""
DatabaseUrl = Annotated[
    str | None, typer.Option("--database-url", help=help_for("database_url"), show_default=False)
]


@cli.command()
def serve(
    host: Annotated[str | None, typer.Option(help=help_for("host"), show_default=False)] = None,
    port: Annotated[int | None, typer.Option(help=help_for("port"), show_default=False)] = None,
    workers: Annotated[
        int | None, typer.Option(help=help_for("workers"), show_default=False)
    ] = None,
    database_url: DatabaseUrl = None,
    log_level: Annotated[
        str | None, typer.Option(help=help_for("log_level"), show_default=False)
    ] = None,
    migrate_on_start: Annotated[
        bool | None, typer.Option("--migrate/--no-migrate", help=help_for("migrate_on_start"))
    ] = None,
    rate_limits: Annotated[
        str | None, typer.Option(help=help_for("rate_limits"), show_default=False)
    ] = None,
) -> None:
    """Serve the API (migrations run first)."""
    import uvicorn

    from localspot.http.access_log import log_config

    settings = Settings.from_env(
        host=host,
        port=port,
        workers=workers,
        database_url=database_url,
        log_level=log_level,
        migrate_on_start=migrate_on_start,
        rate_limits=parse_switch(rate_limits) if rate_limits is not None else None,
    )
    cli_serve.check_options(settings.host, settings.port, settings.workers)
    if settings.workers > 1 and is_sqlite(settings.database_url):
        raise ValidationError(
            "SQLite runs in one server process (one writer); use PostgreSQL for --workers > 1."
        )
    cli_serve.check_can_listen(settings.host, settings.port)
    asyncio.run(_prepare(settings))
    admin_token = _admin_token(settings)
    os.environ["LOCALSPOT_ADMIN_TOKEN"] = admin_token
    signin = settings.ui_signin_token or secrets.token_urlsafe(24)
    os.environ["LOCALSPOT_UI_SIGNIN_TOKEN"] = signin
    typer.echo(f"Inspector: {cli_serve.inspector_url(settings.host, settings.port, signin)}")
    os.environ["LOCALSPOT_DATABASE_URL"] = settings.database_url
    os.environ["LOCALSPOT_RATE_LIMITS"] = "on" if settings.rate_limits else "off"
    os.environ["LOCALSPOT_WORKERS"] = str(settings.workers)  # where webhooks are sent from
    uvicorn.run(
        "localspot.app:app_from_env",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level=settings.log_level,
        http="h11",
        timeout_keep_alive=settings.keep_alive_timeout,
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
        log_config=log_config(),
    )


def _admin_token(settings: Settings) -> str:
    """The admin API's token: the configured one, or a random one printed once (every worker
    gets the same through the environment). Portal tokens are never printed."""
    if settings.admin_token and settings.admin_token == settings.token:
        typer.echo("LOCALSPOT_ADMIN_TOKEN must differ from LOCALSPOT_TOKEN.", err=True)
        raise typer.Exit(2)
    if settings.admin_token:
        return settings.admin_token
    token = secrets.token_urlsafe(24)
    typer.echo(f"Admin API token (/_localspot/): {token}")
    return token


async def _prepare(settings: Settings) -> None:
    store = open_store(
        settings.database_url,
        sqlite_synchronous=settings.sqlite_synchronous,
        migrate=settings.migrate_on_start,
    )
    try:
        await accounts.prepare_first_portal(store, settings.token)
    finally:
        await store.close()


@portals_cli.command("create")
def portals_create(
    name: Annotated[str, typer.Option(help="A name for the portal.")] = "Portal",
    tier: Annotated[
        str,
        typer.Option(help="free, starter, professional or enterprise, optionally +limit-increase."),
    ] = "free",
    timezone: Annotated[str, typer.Option(help="IANA time zone of the daily limit.")] = "UTC",
    database_url: DatabaseUrl = None,
) -> None:
    """Create a portal and print its id."""
    settings = Settings.from_env(database_url=database_url)
    accounts.check_portal_options(tier, timezone)  # before the database is opened

    async def create() -> int:
        store = open_store(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
        try:
            return await accounts.create_portal(store, name, tier, timezone)
        finally:
            await store.close()

    typer.echo(asyncio.run(create()))


@tokens_cli.command("revoke")
def tokens_revoke(
    token: Annotated[str, typer.Argument(help="The token to revoke.", show_default=False)],
    database_url: DatabaseUrl = None,
) -> None:
    """Revoke a token: it answers 401 from then on."""
    settings = Settings.from_env(database_url=database_url)

    async def revoke() -> bool:
        store = open_store(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
        try:
            return await accounts.revoke_token(store, token)
        finally:
            await store.close()

    if not asyncio.run(revoke()):
        typer.echo("no such live token", err=True)
        raise typer.Exit(1)
    typer.echo("revoked")


@tokens_cli.command("create")
def tokens_create(
    portal: Annotated[
        int | None, typer.Option(help="Portal id (default: the first portal).")
    ] = None,
    scopes: Annotated[
        str | None,
        typer.Option(help='Comma-separated scopes (default: all; "" for none).'),
    ] = None,
    kind: Annotated[str, typer.Option(help="private_app or oauth.")] = "private_app",
    expires_in: Annotated[
        int | None, typer.Option(help="Seconds until the token expires (default: never).")
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Create a bearer token; it is printed once, on the last line."""
    settings = Settings.from_env(database_url=database_url)
    wanted = [s.strip() for s in scopes.split(",") if s.strip()] if scopes is not None else None
    spec = accounts.token_spec(wanted, kind, expires_in)

    async def mint() -> accounts.MintedToken:
        store = open_store(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
        try:
            return await accounts.mint_token(store, portal, spec)
        finally:
            await store.close()

    minted = asyncio.run(mint())
    typer.echo(
        f"portal {minted.portal_id}, scopes: {' '.join(minted.scopes) or '(none)'}", err=True
    )
    typer.echo(minted.token)


@db_cli.command("upgrade")
def db_upgrade(database_url: DatabaseUrl = None) -> None:
    """Migrate the database to the newest schema and print its revision."""
    settings = Settings.from_env(database_url=database_url)
    typer.echo(migrate(settings.database_url))


@db_cli.command("current")
def db_current(database_url: DatabaseUrl = None) -> None:
    """Print the database's schema revision ("none" before the first migration)."""
    settings = Settings.from_env(database_url=database_url)
    typer.echo(revision_of(settings.database_url) or "none")


def main() -> None:
    cli_errors.run(lambda: cli(prog_name="localspot"))


if __name__ == "__main__":
    main()
