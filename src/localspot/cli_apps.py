"""``localspot apps create|install|uninstall|list``: HubSpot makes apps in a developer
account's pages, so the operator makes them here. ``create`` prints the app's id and its
secrets (the client secret and the developer API key: shown this once, never logged) as one
JSON object on its last line. Registered by ``cli.py``; flags → one use case of
``crm/apps.py``."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from localspot.cli_data import DatabaseUrl, Portal, with_store
from localspot.clock import SystemClock
from localspot.crm import apps
from localspot.crm.apps_storage import App
from localspot.crm.property_types import format_datetime
from localspot.crm.storage import Store

apps_cli = typer.Typer(no_args_is_help=True, help="Manage developer apps and their installs.")
AppId = Annotated[int, typer.Argument(help="The app's id.", show_default=False)]


def register(cli: typer.Typer) -> None:
    cli.add_typer(apps_cli, name="apps")


def _line(app: App) -> str:
    """id, name, created, the portals it is installed in (never its secrets)."""
    portals = ",".join(str(p) for p in app.portal_ids) or "-"
    return f"{app.id}\t{app.name}\t{format_datetime(app.created_at)}\t{portals}"


@apps_cli.command("create")
def create(
    name: Annotated[str, typer.Option(help="The app's name.")] = apps.DEFAULT_NAME,
    portal: Portal = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Create an app installed in the portal; prints {"appId", "clientSecret",
    "developerApiKey"} on the last line."""

    async def work(store: Store) -> apps.CreatedApp:
        return await apps.create(store, name, portal, SystemClock().now_ms())

    made = with_store(database_url, work)
    portals = ",".join(str(p) for p in made.app.portal_ids)
    typer.echo(f"app {made.app.id} ({made.app.name}) installed in portal {portals}", err=True)
    shown = {
        "appId": made.app.id,
        "clientSecret": made.client_secret,
        "developerApiKey": made.developer_api_key,
    }
    typer.echo(json.dumps(shown))


@apps_cli.command("install")
def install(app_id: AppId, portal: Portal = None, database_url: DatabaseUrl = None) -> None:
    """Install an app in a portal: its webhook subscriptions apply there."""

    async def work(store: Store) -> int:
        return await apps.install(store, app_id, portal)

    typer.echo(f"installed in portal {with_store(database_url, work)}")


@apps_cli.command("uninstall")
def uninstall(app_id: AppId, portal: Portal = None, database_url: DatabaseUrl = None) -> None:
    """Uninstall an app from a portal: its subscriptions stop applying there."""

    async def work(store: Store) -> int:
        return await apps.uninstall(store, app_id, portal)

    typer.echo(f"uninstalled from portal {with_store(database_url, work)}")


@apps_cli.command("list")
def list_apps(database_url: DatabaseUrl = None) -> None:
    """Every app: id, name, created, the portals it is installed in."""

    async def work(store: Store) -> list[App]:
        return list(await apps.all_apps(store))

    for app in with_store(database_url, work):
        typer.echo(_line(app))
