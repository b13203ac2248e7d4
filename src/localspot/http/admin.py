"""The admin API under ``/_localspot/``: what a test needs from a HubSpot double (reset,
portals, owners, teams, developer apps, snapshots, seeded ids, time, faults, the journal),
behind its own token.

The admin token (``LOCALSPOT_ADMIN_TOKEN``, or the random one ``serve`` prints) is the only
credential these routes take; a portal token is refused here, and the admin token is no
portal token, so it is refused on the CRM routes. Wrong admin tokens are braked
(``admin_brake.py``).
"""

from __future__ import annotations

import hmac
from typing import Any

from litestar import Router
from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from localspot.crm.errors import InvalidAuthentication
from localspot.http.admin_apps import AppsAdminController
from localspot.http.admin_brake import AdminBrake
from localspot.http.admin_jobs import JobsAdminController
from localspot.http.admin_owners import OwnersAdminController
from localspot.http.admin_portals import PortalsController
from localspot.http.admin_runtime import FaultsController, JournalController, TimeController
from localspot.http.admin_teams import TeamsAdminController
from localspot.http.auth import bearer_token
from localspot.http.openapi_documents import ADMIN_SCHEME

ADMIN_PATH = "/_localspot"


async def admin_guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    expected: str = connection.app.state.admin_token
    brake: AdminBrake = connection.app.state.admin_brake
    client = connection.client.host if connection.client else ""
    brake.check(client)
    token = bearer_token(connection) or ""
    if not token:
        raise InvalidAuthentication()
    if not hmac.compare_digest(token.encode(), expected.encode()):
        brake.failed(client)
        raise InvalidAuthentication()
    brake.succeeded(client)


def admin_router() -> Router:
    return Router(
        path=ADMIN_PATH,
        route_handlers=[
            PortalsController,
            OwnersAdminController,
            TeamsAdminController,
            AppsAdminController,
            JobsAdminController,
            FaultsController,
            JournalController,
            TimeController,
        ],
        guards=[admin_guard],
        security=[{ADMIN_SCHEME: []}],
    )
