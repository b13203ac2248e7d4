"""HubSpot's CRM card shapes (``hubspot.crm.extensions.cards``), named after HubSpot's
schemas; the same at ``/crm/v3/extensions/cards-dev`` and the dated path."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct

DataType = Literal[
    "BOOLEAN", "CURRENCY", "DATE", "DATETIME", "EMAIL", "LINK", "NUMERIC", "STATUS", "STRING"
]
HttpMethod = Literal["CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE"]


class DisplayOption(Struct, rename="camel"):
    label: str
    name: str
    type: Literal["DANGER", "DEFAULT", "INFO", "SUCCESS", "WARNING"]


class CardDisplayProperty(Struct, rename="camel"):
    data_type: DataType
    label: str
    name: str
    options: list[DisplayOption] = []
    """Only used when ``dataType`` is ``STATUS``; a request may leave it out (HubSpot's
    own example card does), an answer always has it."""


class CardDisplayBody(Struct, rename="camel"):
    properties: list[CardDisplayProperty]


class CardObjectTypeBody(Struct, rename="camel"):
    name: Literal["companies", "contacts", "deals", "marketing_events", "tickets"]
    properties_to_send: list[str]


class CardFetchBody(Struct, rename="camel"):
    object_types: list[CardObjectTypeBody]
    target_url: str
    card_type: Literal["EXTERNAL", "SERVERLESS"] | None = None
    """Deprecated: accepted and not kept."""
    serverless_function: str | None = None
    """Deprecated: accepted and not kept."""


class CardFetchBodyPatch(Struct, rename="camel"):
    object_types: list[CardObjectTypeBody]
    target_url: str | None = None
    card_type: Literal["EXTERNAL", "SERVERLESS"] | None = None
    serverless_function: str | None = None


class CardActions(Struct, rename="camel"):
    base_urls: list[str]


class CardCreateRequest(Struct, rename="camel"):
    actions: CardActions
    display: CardDisplayBody
    fetch: CardFetchBody
    title: str


class CardPatchRequest(Struct, rename="camel"):
    actions: CardActions | None = None
    display: CardDisplayBody | None = None
    fetch: CardFetchBodyPatch | None = None
    title: str | None = None


class PublicCardFetchBody(Struct, rename="camel"):
    object_types: list[CardObjectTypeBody]
    target_url: str


class CardAuditResponse(Struct, rename="camel"):
    action_type: Literal["CREATE", "DELETE", "UPDATE"]
    application_id: int
    auth_source: Literal["APP", "EXTERNAL", "INTERNAL"]
    changed_at: int
    initiating_user_id: int
    object_type_id: int
    """The card's id (HubSpot's schema names it so)."""


class PublicCardResponse(Struct, rename="camel", omit_defaults=True):
    actions: CardActions
    audit_history: list[CardAuditResponse]
    display: CardDisplayBody
    fetch: PublicCardFetchBody
    id: str
    title: str
    created_at: str | None = None
    updated_at: str | None = None


class PublicCardListResponse(Struct, rename="camel"):
    results: list[PublicCardResponse]


class ActionConfirmationBody(Struct, rename="camel"):
    cancel_button_label: str
    confirm_button_label: str
    prompt: str


class ActionHookActionBody(
    Struct, rename="camel", omit_defaults=True, tag_field="type", tag="ACTION_HOOK"
):
    http_method: HttpMethod
    property_names_included: list[str]
    url: str
    confirmation: ActionConfirmationBody | None = None
    label: str | None = None


class IFrameActionBody(Struct, rename="camel", omit_defaults=True, tag_field="type", tag="IFRAME"):
    height: int
    property_names_included: list[str]
    url: str
    width: int
    label: str | None = None


class ObjectToken(Struct, rename="camel", omit_defaults=True):
    value: str
    data_type: DataType | None = None
    label: str | None = None
    name: str | None = None


class IntegratorObjectResult(Struct, rename="camel", omit_defaults=True):
    actions: list[ActionHookActionBody | IFrameActionBody]
    id: str
    title: str
    tokens: list[ObjectToken]
    link_url: str | None = None


class TopLevelActions(Struct, rename="camel", omit_defaults=True):
    secondary: list[ActionHookActionBody | IFrameActionBody]
    primary: ActionHookActionBody | IFrameActionBody | None = None
    settings: IFrameActionBody | None = None


class IntegratorCardPayloadResponse(Struct, rename="camel", omit_defaults=True):
    total_count: int
    all_items_link_url: str | None = None
    card_label: str | None = None
    response_version: Literal["v1", "v3"] | None = None
    sections: list[IntegratorObjectResult] | None = None
    top_level_actions: TopLevelActions | None = None


CardId = Annotated[int, Meta(ge=1, le=2**63 - 1)]
"""A card's id (int64; ids start at 1)."""


class CardMigrateViewsRequest(Struct, rename="camel"):
    allow_duplicate_app_card_ids: bool
    app_card_id: CardId
    legacy_crm_card_id: CardId
    helpdesk_app_card_id: CardId | None = None


class CardMigrateViewsResponse(Struct, rename="camel", omit_defaults=True):
    message: str
    ended_at: int | None = None
    remaining_portal_count: int | None = None
    started_at: int | None = None
    total_portal_count: int | None = None
