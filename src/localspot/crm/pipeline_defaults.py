"""The pipelines every new portal starts with, as HubSpot's accounts do (hubspot-behaviour
§10): the deals pipeline ``default`` ("Sales Pipeline", seven stages with their win
probabilities) and the tickets pipeline ``0`` ("Support Pipeline", four statuses).
Both carry ``createdAt`` 0, as HubSpot's default pipelines do.
"""

from __future__ import annotations

from localspot.crm.pipelines_storage import Pipeline, Stage

DEALS = "0-3"
TICKETS = "0-5"

PIPELINE_PROPERTIES = {
    DEALS: ("pipeline", "dealstage"),
    TICKETS: ("hs_pipeline", "hs_pipeline_stage"),
}
"""Object type id → (its pipeline property, its stage property): the types with pipelines."""

DEFAULT_PIPELINE_IDS = {DEALS: "default", TICKETS: "0"}

_DEAL_STAGES = (
    ("appointmentscheduled", "Appointment Scheduled", "0.2", "false"),
    ("qualifiedtobuy", "Qualified To Buy", "0.4", "false"),
    ("presentationscheduled", "Presentation Scheduled", "0.6", "false"),
    ("decisionmakerboughtin", "Decision Maker Bought-In", "0.8", "false"),
    ("contractsent", "Contract Sent", "0.9", "false"),
    ("closedwon", "Closed Won", "1.0", "true"),
    ("closedlost", "Closed Lost", "0.0", "true"),
)

_TICKET_STAGES = (
    ("1", "New", "OPEN"),
    ("2", "Waiting on contact", "OPEN"),
    ("3", "Waiting on us", "OPEN"),
    ("4", "Closed", "CLOSED"),
)


def _deals() -> Pipeline:
    stages = tuple(
        Stage(i, label, n, {"isClosed": closed, "probability": p}, 0, 0)
        for n, (i, label, p, closed) in enumerate(_DEAL_STAGES)
    )
    return Pipeline("default", "Sales Pipeline", 0, stages, 0, 0)


def _tickets() -> Pipeline:
    stages = tuple(
        Stage(i, label, n, {"isClosed": str(state == "CLOSED").lower(), "ticketState": state}, 0, 0)
        for n, (i, label, state) in enumerate(_TICKET_STAGES)
    )
    return Pipeline("0", "Support Pipeline", 0, stages, 0, 0)


def default_pipelines() -> tuple[tuple[str, Pipeline], ...]:
    """(object type id, pipeline) for every default pipeline of a new portal."""
    return ((DEALS, _deals()), (TICKETS, _tickets()))
