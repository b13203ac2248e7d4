"""The Apps page of the Traffic section: the developer apps installed in the portal, each
with its webhook settings, its subscriptions and its events waiting in the outbox for the
portal. No secret of an app is ever read for it (``crm/app_overview.py``)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.datastructures import State

from localspot.crm import accounts, app_overview
from localspot.http.admin_portals import store_of
from localspot.http.ui.render import page


class AppsController(Controller):
    path = "/portals/{portal_id:int}"

    @get("/apps")
    async def apps(self, request: Request[Any, Any, State], portal_id: int) -> Response[str]:
        store = store_of(request)
        await accounts.require_portal(store, portal_id)
        return page(
            request,
            "apps.html",
            section="traffic",
            portal_id=portal_id,
            apps=await app_overview.installed_apps(store, portal_id),
        )
