"""Webhooks API v3 handlers: an app's settings and subscriptions, mounted at
``/webhooks/v3``, ``/webhooks/2026-03`` and ``/app-webhooks/{2025-09,2026-09}`` behind the
developer API key (``developer_auth``).
"""

from __future__ import annotations

from typing import Any, cast

from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.datastructures import State
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from localspot.crm import webhooks
from localspot.crm.property_types import format_datetime
from localspot.crm.webhooks_storage import Subscription, WebhookSettings
from localspot.http.convert import standard_error
from localspot.http.developer_auth import app_call
from localspot.http.openapi_specs import error_responses, multi_status
from localspot.wire import webhooks as w

SETTINGS = "/{app_id:int}/settings"
SUBSCRIPTIONS = "/{app_id:int}/subscriptions"
ONE = SUBSCRIPTIONS + "/{subscription_id:int}"


def settings_response(found: WebhookSettings) -> w.SettingsResponse:
    return w.SettingsResponse(
        created_at=format_datetime(found.created_at),
        target_url=found.target_url,
        throttling=w.ThrottlingSettings(found.max_concurrent_requests),
        updated_at=format_datetime(found.updated_at),
    )


def subscription_response(found: Subscription) -> w.SubscriptionResponse:
    generic = found.event_type.startswith("object.")
    return w.SubscriptionResponse(
        active=found.active,
        created_at=format_datetime(found.created_at),
        event_type=cast(w.EventType, found.event_type),
        id=str(found.id),
        updated_at=format_datetime(found.updated_at),
        property_name=found.property_name,
        object_type_id=found.object_type if generic else None,
    )


class WebhookSettingsController(Controller):
    path = "/"
    tags = ["Webhooks"]

    @get(SETTINGS, responses=error_responses(), summary="Read an app's webhook settings")
    async def get_all(self, request: Request[Any, Any, State], app_id: int) -> w.SettingsResponse:
        return settings_response(await webhooks.get_settings(app_call(request)))

    @put(SETTINGS, responses=error_responses(), summary="Configure an app's webhook settings")
    async def configure(
        self, request: Request[Any, Any, State], app_id: int, data: w.SettingsChangeRequest
    ) -> w.SettingsResponse:
        limit = data.throttling.max_concurrent_requests
        saved = await webhooks.configure(app_call(request), data.target_url, limit)
        return settings_response(saved)

    @delete(
        SETTINGS,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
        summary="Clear an app's webhook settings",
    )
    async def clear(self, request: Request[Any, Any, State], app_id: int) -> None:
        await webhooks.clear(app_call(request))


class WebhookSubscriptionsController(Controller):
    path = "/"
    tags = ["Webhooks"]

    @get(SUBSCRIPTIONS, responses=error_responses(), summary="List an app's subscriptions")
    async def get_all(
        self, request: Request[Any, Any, State], app_id: int
    ) -> w.SubscriptionListResponse:
        found = await webhooks.all_of(app_call(request))
        return w.SubscriptionListResponse([subscription_response(s) for s in found])

    @post(
        SUBSCRIPTIONS,
        status_code=HTTP_201_CREATED,
        responses=error_responses(),
        summary="Create a subscription",
    )
    async def create(
        self, request: Request[Any, Any, State], app_id: int, data: w.SubscriptionCreateRequest
    ) -> w.SubscriptionResponse:
        call = app_call(request)
        new = await webhooks.plan(
            call, data.event_type, data.object_type_id, data.property_name, data.active
        )
        return subscription_response(await webhooks.create(call, new))

    @post(
        SUBSCRIPTIONS + "/batch/update",
        status_code=HTTP_200_OK,
        responses=multi_status(w.BatchResponseSubscriptionResponseWithErrors),
        summary="Activate or pause a batch of subscriptions",
    )
    async def update_batch(
        self,
        request: Request[Any, Any, State],
        app_id: int,
        data: w.BatchInputSubscriptionBatchUpdateRequest,
    ) -> Response[w.BatchResponseSubscriptionResponse]:
        call = app_call(request)
        changes = [(item.id, item.active) for item in data.inputs]
        done = await webhooks.update_batch(call, changes)
        common: dict[str, Any] = {
            "status": "COMPLETE",
            "results": [subscription_response(s) for s in done.results],
            "started_at": format_datetime(call.now),
            "completed_at": format_datetime(app_call(request).now),
        }
        if not done.errors:
            return Response(w.BatchResponseSubscriptionResponse(**common), status_code=200)
        partial = w.BatchResponseSubscriptionResponseWithErrors(
            **common,
            num_errors=len(done.errors),
            errors=[standard_error(e) for e in done.errors],
        )
        return Response(partial, status_code=207)

    @get(ONE, responses=error_responses(), summary="Read a subscription")
    async def get_by_id(
        self, request: Request[Any, Any, State], app_id: int, subscription_id: int
    ) -> w.SubscriptionResponse:
        found = await webhooks.get(app_call(request), subscription_id)
        return subscription_response(found)

    @patch(ONE, responses=error_responses(), summary="Activate or pause a subscription")
    async def update(
        self,
        request: Request[Any, Any, State],
        app_id: int,
        subscription_id: int,
        data: w.SubscriptionPatchRequest,
    ) -> w.SubscriptionResponse:
        found = await webhooks.update(app_call(request), subscription_id, data.active)
        return subscription_response(found)

    @delete(
        ONE,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
        summary="Delete a subscription",
    )
    async def archive(
        self, request: Request[Any, Any, State], app_id: int, subscription_id: int
    ) -> None:
        await webhooks.archive(app_call(request), subscription_id)
