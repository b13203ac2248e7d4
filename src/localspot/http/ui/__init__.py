"""The web inspector at ``/_localspot/ui/``: server-rendered pages (Jinja2 templates in
``http/templates/``, htmx and a stylesheet vendored in ``http/ui_static/``) over the same use
cases and admin actions as the APIs. One module per page group: ``records``, ``lists_pages``,
``schema_pages``, ``traffic`` (with ``apps``), ``control``; ``signin`` and ``session`` say who
may see them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Request, Response, Router
from litestar.datastructures import State
from litestar.static_files import create_static_files_router

from localspot.crm.errors import HubSpotError
from localspot.http.errors import on_hubspot_error
from localspot.http.ui.apps import AppsController
from localspot.http.ui.control import ControlController
from localspot.http.ui.lists_pages import ListsController
from localspot.http.ui.records import RecordsController
from localspot.http.ui.render import page
from localspot.http.ui.schema_pages import SchemaController
from localspot.http.ui.session import UI_PATH, SignInRequired, to_sign_in, ui_guard
from localspot.http.ui.signin import SignInController
from localspot.http.ui.traffic import TrafficController

STATIC = Path(__file__).parent.parent / "ui_static"


def _error_page(request: Request[Any, Any, State], exc: HubSpotError) -> Response[Any]:
    """A refused action or unknown page, as a page (an API client with the admin token as
    its bearer gets HubSpot's error body, as from the admin API)."""
    if "text/html" not in request.headers.get("accept", ""):
        return on_hubspot_error(request, exc)
    return page(
        request,
        "error.html",
        status=exc.status,
        portal_id=None,
        category=exc.category,
        message=exc.message,
    )


def ui_routers() -> list[Router]:
    """The pages (behind the session guard), the sign-in page and the static files."""
    handlers: dict[Any, Any] = {SignInRequired: to_sign_in, HubSpotError: _error_page}
    return [
        Router(
            path=UI_PATH,
            route_handlers=[
                RecordsController,
                ListsController,
                SchemaController,
                TrafficController,
                AppsController,
                ControlController,
            ],
            guards=[ui_guard],
            exception_handlers=handlers,
            include_in_schema=False,
        ),
        Router(
            path=UI_PATH,
            route_handlers=[SignInController],
            exception_handlers=handlers,
            include_in_schema=False,
        ),
        create_static_files_router(
            path=f"{UI_PATH}/static", directories=[STATIC], include_in_schema=False
        ),
    ]
