"""``GET /crm/v3/extensions/cards-dev/sample-response``: an example of the payload an app
sends back to a card's data fetch request (hubspot-behaviour §19.3). localspot's own
example: HubSpot's is not captured.

The official Python SDK reads every section and top-level action through one generated
model that requires ``httpMethod``, ``width`` and ``height`` at once, so a section's
actions would fail its client-side validation whatever their type; the sample's sections
carry none, and its only action is the ``settings`` iframe (compatibility.md).
"""

from __future__ import annotations

from litestar import get

from localspot.wire import crm_cards as w

SAMPLE = w.IntegratorCardPayloadResponse(
    total_count=2,
    response_version="v3",
    all_items_link_url="https://example.com/tickets",
    card_label="See all tickets",
    sections=[
        w.IntegratorObjectResult(
            id="1001",
            title="Ticket 1001: printer offline",
            link_url="https://example.com/tickets/1001",
            tokens=[
                w.ObjectToken(name="status", label="Status", data_type="STATUS", value="open"),
                w.ObjectToken(name="opened", label="Opened", data_type="DATE", value="2026-01-15"),
                w.ObjectToken(
                    name="owner", label="Owner", data_type="EMAIL", value="a@example.com"
                ),
            ],
            actions=[],
        ),
        w.IntegratorObjectResult(
            id="1002",
            title="Ticket 1002: invoice question",
            link_url="https://example.com/tickets/1002",
            tokens=[
                w.ObjectToken(name="status", label="Status", data_type="STATUS", value="closed"),
                w.ObjectToken(name="amount", label="Amount", data_type="CURRENCY", value="120.5"),
                w.ObjectToken(name="urgent", label="Urgent", data_type="BOOLEAN", value="false"),
            ],
            actions=[],
        ),
    ],
    top_level_actions=w.TopLevelActions(
        secondary=[],
        settings=w.IFrameActionBody(
            url="https://example.com/hubspot/settings",
            width=640,
            height=480,
            label="Settings",
            property_names_included=["email"],
        ),
    ),
)


@get(
    "/sample-response",
    security=[],
    tags=["CRM cards"],
    summary="An example card details payload (no credentials)",
)
async def card_sample_response() -> w.IntegratorCardPayloadResponse:
    return SAMPLE
