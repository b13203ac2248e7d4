"""Admin route for webhook deliveries: every request the sender made for a portal's events
(target, events, headers, answer, latency, error, next retry, state), newest first."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get
from litestar.datastructures import State
from litestar.params import Parameter

from localspot.crm import accounts
from localspot.crm.errors import ValidationError
from localspot.crm.webhook_outbox_storage import STATES, Delivery
from localspot.http.admin_portals import ERRORS, store_of
from localspot.wire import admin_webhooks as w

MAX_LIMIT = 1000


def as_wire(d: Delivery) -> w.WebhookDelivery:
    events: list[dict[str, Any]] = msgspec.json.decode(d.body)
    return w.WebhookDelivery(
        id=d.id,
        app_id=d.app_id,
        portal_id=d.portal_id,
        attempted_at=d.attempted_at,
        target_url=d.target_url,
        event_ids=[int(e["eventId"]) for e in events],
        event_count=d.event_count,
        events=events,
        request_headers=msgspec.json.decode(d.headers),
        status=d.status,
        latency_ms=d.latency_ms,
        error=d.error,
        state=d.state,
        next_retry_at=d.next_retry_at,
    )


class WebhookDeliveriesController(Controller):
    path = "/portals/{portal_id:int}/webhooks"
    tags = ["Admin"]

    @get(
        "/deliveries",
        responses=ERRORS,
        summary="The webhook requests made for the portal's events, newest first",
    )
    async def deliveries(
        self,
        request: Request[Any, Any, State],
        portal_id: int,
        delivery_state: Annotated[str | None, Parameter(query="state")] = None,
        app_id: Annotated[int | None, Parameter(query="appId", ge=1)] = None,
        limit: Annotated[int, Parameter(ge=1, le=MAX_LIMIT)] = 100,
    ) -> w.WebhookDeliveryCollection:
        state = delivery_state
        if state is not None and state not in STATES:
            raise ValidationError(
                f"state must be one of {', '.join(STATES)}, not {state!r}",
                context={"state": [state]},
            )
        store = store_of(request)
        await accounts.require_portal(store, portal_id)
        found = await store.webhook_deliveries(portal_id, state=state, app_id=app_id, limit=limit)
        return w.WebhookDeliveryCollection([as_wire(d) for d in found])
