"""Admin routes for developer apps: HubSpot makes apps in a developer account's pages, so a
test makes them here (each with its client secret and developer API key, shown once, by the
create) and installs them in portals; the Webhooks API then manages their subscriptions."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, post, put
from litestar.datastructures import State
from litestar.status_codes import HTTP_201_CREATED, HTTP_204_NO_CONTENT

from localspot.crm import apps
from localspot.crm.apps_storage import App
from localspot.crm.property_types import format_datetime
from localspot.http.admin_portals import ERRORS, store_of
from localspot.http.admin_runtime import clock_of
from localspot.wire import apps as w

INSTALL = "/{app_id:int}/portals/{portal_id:int}"


def admin_app(app: App) -> w.AdminApp:
    return w.AdminApp(app.id, app.name, format_datetime(app.created_at), list(app.portal_ids))


class AppsAdminController(Controller):
    path = "/apps"
    tags = ["Admin"]

    @post(
        "/",
        status_code=HTTP_201_CREATED,
        responses=ERRORS,
        summary="Create a developer app installed in a portal (its secrets are shown once)",
    )
    async def create_app(
        self, request: Request[Any, Any, State], data: w.AppCreateRequest
    ) -> w.AppCreated:
        now = clock_of(request).now_ms()
        made = await apps.create(store_of(request), data.name, data.portal_id, now)
        return w.AppCreated(
            app_id=made.app.id,
            name=made.app.name,
            client_secret=made.client_secret,
            developer_api_key=made.developer_api_key,
            portal_ids=list(made.app.portal_ids),
        )

    @get("/", responses=ERRORS, summary="Every app and the portals it is installed in")
    async def list_apps(self, request: Request[Any, Any, State]) -> w.AdminAppCollection:
        found = await apps.all_apps(store_of(request))
        return w.AdminAppCollection([admin_app(a) for a in found])

    @get("/{app_id:int}", responses=ERRORS, summary="An app and the portals it is installed in")
    async def get_app(self, request: Request[Any, Any, State], app_id: int) -> w.AdminApp:
        return admin_app(await apps.get(store_of(request), app_id))

    @put(
        INSTALL,
        status_code=HTTP_204_NO_CONTENT,
        responses=ERRORS,
        summary="Install an app in a portal (its subscriptions apply there)",
    )
    async def install(self, request: Request[Any, Any, State], app_id: int, portal_id: int) -> None:
        await apps.install(store_of(request), app_id, portal_id)

    @delete(
        INSTALL,
        status_code=HTTP_204_NO_CONTENT,
        responses=ERRORS,
        summary="Uninstall an app from a portal (its subscriptions stop applying there)",
    )
    async def uninstall(
        self, request: Request[Any, Any, State], app_id: int, portal_id: int
    ) -> None:
        await apps.uninstall(store_of(request), app_id, portal_id)
