"""Timeline events API v3: an app's event templates and their tokens, mounted at
``/integrators/timeline/v3`` behind the developer API key (``developer_auth``)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, delete, get, post, put
from litestar.datastructures import State
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from localspot.clock import Clock
from localspot.crm import timeline_templates as templates
from localspot.crm.property_types import format_datetime
from localspot.crm.timeline_storage import EventTemplate, TemplateToken, TokenOption
from localspot.http.openapi_specs import error_responses
from localspot.wire import timeline as w

TEMPLATES = "/{app_id:int}/event-templates"
ONE = TEMPLATES + "/{event_template_id:str}"
TOKENS = ONE + "/tokens"
ONE_TOKEN = TOKENS + "/{token_name:str}"


def template_call(request: Request[Any, Any, State]) -> templates.TemplateCall:
    """The app the developer guard let in, and the server's clock."""
    clock: Clock = request.app.state.clock
    return templates.TemplateCall(request.app.state.store, request.state.app_id, clock.now_ms())


def token_response(token: TemplateToken) -> w.TimelineEventTemplateToken:
    return w.TimelineEventTemplateToken(
        label=token.label,
        name=token.name,
        type=token.type,  # type: ignore[arg-type]
        options=[w.TimelineEventTemplateTokenOption(o.label, o.value) for o in token.options],
        object_property_name=token.object_property_name,
        created_at=format_datetime(token.created_at),
        updated_at=format_datetime(token.updated_at),
    )


def template_response(template: EventTemplate) -> w.TimelineEventTemplate:
    return w.TimelineEventTemplate(
        id=str(template.id),
        name=template.name,
        object_type=template.object_type,
        tokens=[token_response(t) for t in template.tokens],
        header_template=template.header_template,
        detail_template=template.detail_template,
        created_at=format_datetime(template.created_at),
        updated_at=format_datetime(template.updated_at),
    )


def _options(
    options: list[w.TimelineEventTemplateTokenOption] | None,
) -> tuple[TokenOption, ...]:
    return tuple(TokenOption(o.label, o.value) for o in options or ())


def token_input(token: w.TimelineEventTemplateToken) -> templates.TokenInput:
    return templates.TokenInput(
        name=token.name,
        label=token.label,
        type=token.type,
        options=_options(token.options),
        object_property_name=token.object_property_name,
    )


class TimelineTemplatesController(Controller):
    path = "/"
    tags = ["Timeline"]

    @get(TEMPLATES, responses=error_responses(), summary="List an app's event templates")
    async def get_all(
        self, request: Request[Any, Any, State], app_id: int
    ) -> w.CollectionResponseTimelineEventTemplateNoPaging:
        found = await templates.all_of(template_call(request))
        return w.CollectionResponseTimelineEventTemplateNoPaging(
            [template_response(t) for t in found]
        )

    @post(
        TEMPLATES,
        status_code=HTTP_201_CREATED,
        responses=error_responses(),
        summary="Create an event template",
    )
    async def create(
        self,
        request: Request[Any, Any, State],
        app_id: int,
        data: w.TimelineEventTemplateCreateRequest,
    ) -> w.TimelineEventTemplate:
        made = await templates.create(
            template_call(request),
            data.name,
            data.object_type,
            data.header_template,
            data.detail_template,
            [token_input(t) for t in data.tokens],
        )
        return template_response(made)

    @get(ONE, responses=error_responses(), summary="Read an event template")
    async def get_by_id(
        self, request: Request[Any, Any, State], app_id: int, event_template_id: str
    ) -> w.TimelineEventTemplate:
        found = await templates.get(template_call(request), event_template_id)
        return template_response(found)

    @put(ONE, responses=error_responses(), summary="Replace an event template and its tokens")
    async def update(
        self,
        request: Request[Any, Any, State],
        app_id: int,
        event_template_id: str,
        data: w.TimelineEventTemplateUpdateRequest,
    ) -> w.TimelineEventTemplate:
        saved = await templates.update(
            template_call(request),
            event_template_id,
            data.id,
            data.name,
            data.header_template,
            data.detail_template,
            [token_input(t) for t in data.tokens],
        )
        return template_response(saved)

    @delete(
        ONE,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
        summary="Delete an event template and its events",
    )
    async def archive(
        self, request: Request[Any, Any, State], app_id: int, event_template_id: str
    ) -> None:
        await templates.archive(template_call(request), event_template_id)


class TimelineTokensController(Controller):
    path = "/"
    tags = ["Timeline"]

    @post(
        TOKENS,
        status_code=HTTP_200_OK,
        responses=error_responses(),
        summary="Add a token to an event template",
    )
    async def create(
        self,
        request: Request[Any, Any, State],
        app_id: int,
        event_template_id: str,
        data: w.TimelineEventTemplateToken,
    ) -> w.TimelineEventTemplateToken:
        added = await templates.add_token(
            template_call(request), event_template_id, token_input(data)
        )
        return token_response(added)

    @put(ONE_TOKEN, responses=error_responses(), summary="Change a token's label and options")
    async def update(
        self,
        request: Request[Any, Any, State],
        app_id: int,
        event_template_id: str,
        token_name: str,
        data: w.TimelineEventTemplateTokenUpdateRequest,
    ) -> w.TimelineEventTemplateToken:
        options = _options(data.options) if data.options is not None else None
        changed = await templates.update_token(
            template_call(request),
            event_template_id,
            token_name,
            data.label,
            options,
            data.object_property_name,
        )
        return token_response(changed)

    @delete(
        ONE_TOKEN,
        status_code=HTTP_204_NO_CONTENT,
        responses=error_responses(),
        summary="Remove a token from an event template",
    )
    async def archive(
        self,
        request: Request[Any, Any, State],
        app_id: int,
        event_template_id: str,
        token_name: str,
    ) -> None:
        await templates.remove_token(template_call(request), event_template_id, token_name)
