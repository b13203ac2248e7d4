"""create_app: routes, guard, error handlers, OpenAPI, lifespan. No HubSpot rule lives here."""

from __future__ import annotations

import asyncio
import gc
import os
import secrets
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager, suppress
from typing import Any

from litestar import Controller, Litestar, Request, Response, Router, get
from litestar.datastructures import State
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components
from litestar.response import Redirect

from localspot import __version__
from localspot.clock import Clock, ControllableClock
from localspot.config import Settings
from localspot.crm.storage import Store
from localspot.crm.type_registry import TypeRegistry
from localspot.http.admin import admin_router
from localspot.http.admin_brake import AdminBrake
from localspot.http.association_labels import AssociationLabelsController
from localspot.http.association_limits import AssociationLimitsController
from localspot.http.association_usage import AssociationUsageController
from localspot.http.associations import (
    BatchAssociationsController,
    ObjectAssociationsController,
    RecordAssociationsController,
)
from localspot.http.associations_v3 import AssociationsV3Controller
from localspot.http.auth import auth_guard
from localspot.http.body_limits import body_limits_layer
from localspot.http.calling import CallingSettingsController, CallRecordingsController
from localspot.http.card_sample import card_sample_response
from localspot.http.crm_cards import CrmCardsController
from localspot.http.deal_splits import DatedDealSplitsController, DealSplitsController
from localspot.http.developer_auth import developer_guard
from localspot.http.errors import CORRELATION_HEADER, EXCEPTION_HANDLERS, new_correlation_id
from localspot.http.exports import ExportsController, download_export
from localspot.http.faults import FaultRules, fault_layer
from localspot.http.idle_indexing import Activity, activity_layer, index_when_idle
from localspot.http.imports import ImportsController
from localspot.http.inbound_calls import InboundCallsController
from localspot.http.jobs import JobRunner
from localspot.http.journal import Journal, journal_layer
from localspot.http.json_body import JsonRequest
from localspot.http.limits import add_usage_headers, rate_limit_guard
from localspot.http.list_conversions import ListConversionsController
from localspot.http.list_fills import ListFills
from localspot.http.list_folders import ListFoldersController
from localspot.http.list_history import ListHistoryController
from localspot.http.list_members import ListMembershipsController
from localspot.http.lists import ListsController
from localspot.http.merges import MergesController
from localspot.http.objects import ObjectsController
from localspot.http.openapi_documents import (
    DEVELOPER_SCHEME,
    HUBSPOT_SCHEME,
    SECURITY_SCHEMES,
    admin_document,
    hubspot_document,
)
from localspot.http.owners import OwnersController
from localspot.http.pipelines import PipelinesController
from localspot.http.properties import PropertiesController
from localspot.http.schemas import SchemasController
from localspot.http.search import SearchController
from localspot.http.timeline_events import TimelineEventsController
from localspot.http.timeline_templates import (
    TimelineTemplatesController,
    TimelineTokensController,
)
from localspot.http.ui import ui_routers
from localspot.http.ui.session import SignInCode
from localspot.http.video_conferencing import VideoConferencingController
from localspot.http.webhook_election import SenderElection, lock_path, send_when_chosen
from localspot.http.webhook_sender import WebhookSender
from localspot.http.webhook_worker_link import poster_for
from localspot.http.webhooks import WebhookSettingsController, WebhookSubscriptionsController
from localspot.store.counters import open_counters
from localspot.store.job_files import JobFiles, default_data_dir
from localspot.store.open import open_store

OPENAPI_MEDIA_TYPE = "application/vnd.oai.openapi+json"
DATED_VERSIONS = ("2025-09", "2026-03", "2026-09")
"""HubSpot's dated API versions. Each dated path answers as its v3/v4 path does (the same
controllers mounted again): the 2026-09 shape changes (hubspot-behaviour §7) are not made."""
DOCUMENTED_VERSION = "2026-03"
"""The one dated version ``/openapi.json`` lists; the others are left out of the schema so
that it and the schemathesis run over it do not triple."""
Mount = tuple[str, bool]
"""A path an API is mounted at, and whether ``/openapi.json`` lists it."""


def dated(template: str, *, documented: bool = True) -> tuple[Mount, ...]:
    """``template`` (with ``{v}`` for the version) at each dated version; in the schema only
    at ``DOCUMENTED_VERSION`` and only when ``documented``."""
    return tuple(
        (template.format(v=v), documented and v == DOCUMENTED_VERSION) for v in DATED_VERSIONS
    )


def versioned(v3: str, template: str, *, documented: bool = True) -> tuple[Mount, ...]:
    """The v3 path (in the schema) and the dated paths of ``template`` (``dated``)."""
    return ((v3, True), *dated(template, documented=documented))


def webhooks_at(version: str) -> str:
    """HubSpot's Webhooks API is ``/webhooks/2026-03`` but ``/app-webhooks/{v}`` at 2025-09
    and 2026-09 (same shapes)."""
    return f"/webhooks/{version}" if version == "2026-03" else f"/app-webhooks/{version}"


OBJECT_PATHS = versioned("/crm/v3/objects", "/crm/objects/{v}")
VERSIONED_PATHS: tuple[tuple[Mount, type[Controller]], ...] = (
    *((m, OwnersController) for m in versioned("/crm/v3/owners", "/crm/owners/{v}")),
    *((m, PipelinesController) for m in versioned("/crm/v3/pipelines", "/crm/pipelines/{v}")),
    *(
        (m, SchemasController)
        for m in (
            ("/crm-object-schemas/v3/schemas", True),
            ("/crm/v3/schemas", True),
            *dated("/crm-object-schemas/{v}/schemas", documented=False),
        )
    ),
    *(
        (m, PropertiesController)
        for m in versioned("/crm/v3/properties", "/crm/properties/{v}", documented=False)
    ),
    *((m, ImportsController) for m in versioned("/crm/v3/imports", "/crm/imports/{v}")),
    *((m, ExportsController) for m in versioned("/crm/v3/exports", "/crm/exports/{v}")),
    *((m, DatedDealSplitsController) for m in dated("/deal-splits/{v}", documented=False)),
)
"""APIs served at more than one path (HubSpot's dated paths, the schemas alias): the same
shapes at each."""
HUBSPOT_SECURITY: list[dict[str, list[str]]] = [{HUBSPOT_SCHEME: []}]
LIST_PATHS = versioned("/crm/v3/lists", "/crm/lists/{v}")
"""The Lists API and its dated paths: the same shapes at each."""
LIST_CONTROLLERS: list[type[Controller]] = [
    ListsController,
    ListMembershipsController,
    ListFoldersController,
    ListConversionsController,
    ListHistoryController,
]
WEBHOOK_PATHS: tuple[Mount, ...] = (
    ("/webhooks/v3", True),
    *((webhooks_at(v), v == DOCUMENTED_VERSION) for v in DATED_VERSIONS),
)
"""The Webhooks API and its dated paths, behind the developer API key (``hapikey``)."""
WEBHOOK_CONTROLLERS: list[type[Controller]] = [
    WebhookSettingsController,
    WebhookSubscriptionsController,
]
TIMELINE_PATH = "/integrators/timeline/v3"
"""The Timeline events API: templates and tokens behind the developer API key, events behind
a portal's bearer token. Not served at a date: HubSpot's dated ``2026-03`` timeline API is
another API (app events of developer projects, compatibility.md)."""
TIMELINE_DEVELOPER_CONTROLLERS: list[type[Controller]] = [
    TimelineTemplatesController,
    TimelineTokensController,
]
CALLING_PATHS = versioned("/crm/v3/extensions/calling", "/crm/extensions/calling/{v}")
CARD_PATHS = versioned("/crm/v3/extensions/cards-dev", "/crm/extensions/cards-dev/{v}")
VIDEO_PATHS = versioned(
    "/crm/v3/extensions/videoconferencing", "/crm/extensions/videoconferencing/{v}"
)
EXTENSION_SETTINGS: tuple[tuple[Mount, type[Controller]], ...] = (
    *((m, CallingSettingsController) for m in CALLING_PATHS),
    *((m, CrmCardsController) for m in CARD_PATHS),
    *((m, VideoConferencingController) for m in VIDEO_PATHS),
)
"""The CRM extensions' app settings and their dated paths, behind the developer API key."""
RECORD_ASSOCIATION_CONTROLLERS: list[type[Controller]] = [RecordAssociationsController]
ASSOCIATION_SCHEMA_CONTROLLERS: list[type[Controller]] = [
    AssociationLabelsController,
    AssociationLimitsController,
]
V4_ASSOCIATION_CONTROLLERS: list[type[Controller]] = [
    AssociationUsageController,
    BatchAssociationsController,
    *ASSOCIATION_SCHEMA_CONTROLLERS,
]
SCHEMA_ASSOCIATIONS_PATH: Mount = ("/crm/associations/v4", False)
"""Labels and limits where HubSpot's v4 "Associations Schema" file puts them and the Node
SDK's ``LabelsApi``/``LimitsApi`` call them (``/crm/associations/v4/{from}/{to}/labels``,
``/crm/associations/v4/definitions/configurations/...``); the same handlers as at
``/crm/v4/associations``, left out of ``/openapi.json`` as the dated aliases are (the schema
and its schemathesis run would list every operation twice)."""
ASSOCIATION_PATHS: tuple[tuple[Mount, list[type[Controller]]], ...] = (
    (("/crm/v3/objects", True), [ObjectAssociationsController]),
    (("/crm/v4/objects", True), RECORD_ASSOCIATION_CONTROLLERS),
    *((m, RECORD_ASSOCIATION_CONTROLLERS) for m in dated("/crm/objects/{v}")),
    (("/crm/v4/associations", True), V4_ASSOCIATION_CONTROLLERS),
    *((m, V4_ASSOCIATION_CONTROLLERS) for m in dated("/crm/associations/{v}", documented=False)),
    (SCHEMA_ASSOCIATIONS_PATH, ASSOCIATION_SCHEMA_CONTROLLERS),
    (("/crm/v3/associations", True), [AssociationsV3Controller]),
)
"""Per record: v3 (``/crm/v3/objects``) and v4 (``/crm/v4/objects`` and the dated object
paths); between types: v4 (``/crm/v4/associations``, dated ``/crm/associations/{v}``, labels
and limits also at ``/crm/associations/v4``) and v3."""


@get("/healthz", tags=["Operations"], security=[], summary="Liveness check (no token)")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


async def _add_correlation_id(response: Response[Any]) -> Response[Any]:
    if CORRELATION_HEADER not in response.headers:
        response.headers[CORRELATION_HEADER] = new_correlation_id()
    return response


def _openapi() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="localspot",
        version=__version__,
        description="A HubSpot-compatible CRM API: HubSpot's paths, bodies and errors.",
        path="/schema",
        components=Components(security_schemes=SECURITY_SCHEMES),
        render_plugins=[SwaggerRenderPlugin(path="/swagger")],
    )


@get("/openapi.json", include_in_schema=False, media_type=OPENAPI_MEDIA_TYPE)
async def openapi_json(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """HubSpot-style clients and schemathesis look for the HubSpot API's schema here."""
    return hubspot_document(request.app.openapi_schema.to_schema())


@get("/_localspot/openapi.json", include_in_schema=False, media_type=OPENAPI_MEDIA_TYPE)
async def admin_openapi_json(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The admin API's own schema, with the admin token as its security scheme."""
    return admin_document(request.app.openapi_schema.to_schema())


@get("/docs", include_in_schema=False)
async def docs_page() -> Redirect:
    return Redirect("/schema/swagger")


def _portal_router(mount: Mount, handlers: list[Any]) -> Router:
    """Routes behind a portal's bearer token, rate limited."""
    path, documented = mount
    return Router(
        path=path,
        route_handlers=list(handlers),
        guards=[auth_guard, rate_limit_guard],
        security=HUBSPOT_SECURITY,
        include_in_schema=documented,
    )


def _developer_router(mount: Mount, handlers: list[Any]) -> Router:
    """Routes behind an app's developer API key (``hapikey``)."""
    path, documented = mount
    return Router(
        path=path,
        route_handlers=list(handlers),
        guards=[developer_guard],
        security=[{DEVELOPER_SCHEME: []}],
        include_in_schema=documented,
    )


def create_app(
    settings: Settings, store: Store | None = None, clock: Clock | None = None
) -> Litestar:
    """With no ``store``, the app opens one from ``settings`` when it starts (workers do)."""

    activity = Activity()

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncGenerator[None, None]:
        if app.state.store is None:
            app.state.store = open_store(
                settings.database_url, sqlite_synchronous=settings.sqlite_synchronous, migrate=False
            )
        indexer = asyncio.create_task(index_when_idle(lambda: app.state.store, activity))
        filler = asyncio.create_task(app.state.list_fills.run(app.state))
        runner = asyncio.create_task(app.state.jobs.run(app.state))
        sender: WebhookSender = app.state.webhook_sender
        app.state.store.outbox_listener = sender.wake
        app.state.clock.on_move(sender.wake)
        app.state.clock.on_move(app.state.list_fills.wake)
        tasks = [indexer, filler, runner]
        if settings.webhook_delivery:
            # a server's workers are children of its serve process: one of them sends
            election = SenderElection(lock_path(os.getppid())) if settings.workers > 1 else None
            tasks.append(asyncio.create_task(send_when_chosen(sender, app.state.store, election)))
        try:
            yield
        finally:
            for task in reversed(tasks):
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task
            await app.state.store.close()
            await app.state.counters.close()

    object_controllers = [
        ObjectsController,
        MergesController,
        DealSplitsController,
        SearchController,
    ]
    routers = [_portal_router(mount, list(object_controllers)) for mount in OBJECT_PATHS]
    routers += [_portal_router(mount, handlers) for mount, handlers in ASSOCIATION_PATHS]
    routers += [_portal_router(mount, [controller]) for mount, controller in VERSIONED_PATHS]
    routers += [_portal_router(mount, list(LIST_CONTROLLERS)) for mount in LIST_PATHS]
    routers += [_developer_router(mount, list(WEBHOOK_CONTROLLERS)) for mount in WEBHOOK_PATHS]
    routers.append(_developer_router((TIMELINE_PATH, True), list(TIMELINE_DEVELOPER_CONTROLLERS)))
    routers.append(_portal_router((TIMELINE_PATH, True), [TimelineEventsController]))
    routers += [_developer_router(mount, [controller]) for mount, controller in EXTENSION_SETTINGS]
    routers += [
        _portal_router(mount, [CallRecordingsController, InboundCallsController])
        for mount in CALLING_PATHS
    ]
    routers += [
        Router(path=path, route_handlers=[card_sample_response], include_in_schema=documented)
        for path, documented in CARD_PATHS
    ]
    app_clock = clock if isinstance(clock, ControllableClock) else ControllableClock(clock)
    webhook_sender = WebhookSender(app_clock, lambda: poster_for(settings.workers))
    app = Litestar(
        route_handlers=[
            healthz,
            openapi_json,
            admin_openapi_json,
            docs_page,
            download_export,
            *routers,
            admin_router(),
            *ui_routers(),
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        after_request=_add_correlation_id,
        before_send=[add_usage_headers],
        openapi_config=_openapi(),
        state=State(
            {
                "settings": settings,
                "store": store,
                "clock": app_clock,
                "counters": open_counters(settings.redis_url),
                "admin_token": settings.admin_token or secrets.token_urlsafe(24),
                "admin_brake": AdminBrake(),
                "faults": FaultRules(),
                "journal": Journal.from_settings(settings),
                "list_fills": ListFills(activity),
                "jobs": JobRunner(activity),
                "job_files": JobFiles(settings.data_dir or default_data_dir(settings.database_url)),
                "webhook_sender": webhook_sender,
                "ui_signin": SignInCode(settings.ui_signin_token),
            }
        ),
        lifespan=[lifespan],
        request_max_body_size=settings.max_body_bytes,
        request_class=JsonRequest,
        debug=False,
    )
    app.state.registry = TypeRegistry(lambda: app.state.store)
    # Outside routing, guards and the rate limiter: the journal records what the client saw
    # (faults and refused bodies included), body limits hold before the fault layer reads a
    # body, and a fault answers before anything else runs, as at HubSpot's edge.
    limited = body_limits_layer(
        fault_layer(app.asgi_handler),
        settings.max_body_bytes,
        settings.body_timeout,
        upload_caps(settings),
    )
    app.asgi_handler = activity_layer(journal_layer(limited), activity)
    return app


UPLOAD_SLACK = 1_000_000
"""Bytes an import's body may carry beyond its file: the form's headers and its request."""


def upload_caps(settings: Settings) -> list[tuple[str, str, int]]:
    cap = settings.import_file_bytes + UPLOAD_SLACK
    return [
        ("POST", pattern, max(cap, settings.max_body_bytes))
        for base, _ in (("/crm/v3/imports", True), *dated("/crm/imports/{v}"))
        for pattern in (base, base + "/")
    ]


def app_from_env() -> Litestar:
    """Factory for uvicorn workers: each process builds its app from the environment."""
    app = create_app(Settings.from_env())
    app.on_startup.append(_freeze_startup_heap)
    return app


def _freeze_startup_heap() -> None:
    """The objects of a started server (modules, routes, SQLAlchemy's and msgspec's
    caches) live as long as it does: ``gc.freeze`` takes them out of the collector's full
    passes, which otherwise walk them all every few thousand new objects. A bulk write
    (an import's slices) had spent more time in those passes than in its own work."""
    gc.collect()
    gc.freeze()
