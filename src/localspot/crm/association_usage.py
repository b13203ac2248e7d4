"""The associations high-usage report (``report_api``, hubspot-behaviour §15.4): HubSpot
queues a report of the portal's records near their association limits and emails it to the
user; the call answers at once with who will receive it and when it was queued. localspot
queues nothing (there is no mail), so the answer is the whole effect."""

from __future__ import annotations

from dataclasses import dataclass

from localspot.clock import Clock
from localspot.crm.errors import ResourceNotFound, ValidationError
from localspot.crm.owners_storage import OwnersStorage


@dataclass(frozen=True, slots=True)
class ReportRequested:
    user_id: int
    user_email: str
    enqueued_at: int


async def request_report(
    store: OwnersStorage, clock: Clock, portal_id: int, user_text: str
) -> ReportRequested:
    """The user is one of the portal's users (an owner's ``userId``)."""
    if not (user_text.isascii() and user_text.isdigit()) or not 0 < int(user_text) < 2**31:
        raise ValidationError(f"Invalid user id {user_text}", context={"userId": [user_text]})
    owner = await store.find_owner(portal_id, int(user_text), by_user_id=True, archived=False)
    if owner is None:
        raise ResourceNotFound(f"No user with id {user_text}", context={"userId": [user_text]})
    return ReportRequested(owner.user_id, owner.email, clock.now_ms())
