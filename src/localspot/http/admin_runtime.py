"""Admin routes for the server's behaviour: fault rules and the journal (per portal, in this
process's memory) and the clock (one per process)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, post
from litestar.datastructures import State
from litestar.openapi.spec import Example
from litestar.params import Body, Parameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from localspot.clock import ControllableClock
from localspot.crm import accounts
from localspot.crm.errors import ResourceNotFound, ValidationError
from localspot.crm.property_types import format_datetime, parse_instant
from localspot.http.admin_portals import ERRORS, store_of
from localspot.http.faults import FaultRules
from localspot.http.journal import Journal, as_wire
from localspot.wire import admin as w

RULE_EXAMPLE = Example(
    summary="Answer the next batch update with a 429",
    value={"status": 429, "method": "POST", "path": "*/batch/update", "times": 1},
)


def faults_of(request: Request[Any, Any, State]) -> FaultRules:
    rules: FaultRules = request.app.state.faults
    return rules


def journal_of(request: Request[Any, Any, State]) -> Journal:
    journal: Journal = request.app.state.journal
    return journal


async def add_fault(
    request: Request[Any, Any, State], portal_id: int, spec: w.FaultRuleInput
) -> w.FaultRule:
    """Add a rule to an existing portal (the admin API's and the inspector's way)."""
    await accounts.require_portal(store_of(request), portal_id)
    return faults_of(request).add(portal_id, spec).as_wire()


def remove_fault(request: Request[Any, Any, State], portal_id: int, rule_id: str) -> None:
    if not faults_of(request).remove(portal_id, rule_id):
        raise ResourceNotFound(f"Fault rule {rule_id} does not exist")


class FaultsController(Controller):
    path = "/portals/{portal_id:int}/faults"
    tags = ["Admin"]

    @get("/", responses=ERRORS, summary="The portal's fault rules, in the order they apply")
    async def list_rules(
        self, request: Request[Any, Any, State], portal_id: int
    ) -> w.FaultRuleCollection:
        return w.FaultRuleCollection([r.as_wire() for r in faults_of(request).rules(portal_id)])

    @post("/", status_code=HTTP_201_CREATED, responses=ERRORS, summary="Add a fault rule")
    async def add_rule(
        self,
        request: Request[Any, Any, State],
        portal_id: int,
        data: Annotated[w.FaultRuleInput, Body(examples=[RULE_EXAMPLE])],
    ) -> w.FaultRule:
        return await add_fault(request, portal_id, data)

    @delete("/", responses=ERRORS, summary="Remove every fault rule of the portal")
    async def clear_rules(self, request: Request[Any, Any, State], portal_id: int) -> None:
        faults_of(request).clear(portal_id)

    @delete("/{rule_id:str}", responses=ERRORS, summary="Remove one fault rule")
    async def delete_rule(
        self, request: Request[Any, Any, State], portal_id: int, rule_id: str
    ) -> None:
        remove_fault(request, portal_id, rule_id)


class JournalController(Controller):
    path = "/portals/{portal_id:int}/journal"
    tags = ["Admin"]

    @get("/", responses=ERRORS, summary="The portal's last requests, oldest first")
    async def entries(
        self,
        request: Request[Any, Any, State],
        portal_id: int,
        path: str | None = None,
        method: str | None = None,
        status: int | None = None,
        limit: int | None = Parameter(default=None, ge=1),
    ) -> w.JournalCollection:
        journal = journal_of(request)
        found = journal.entries(portal_id, path=path, method=method, status=status)
        chosen = found[-limit:] if limit else found
        wired = [as_wire(e) for e in chosen]
        return w.JournalCollection(wired, journal.used(portal_id), journal.used())

    @delete("/", responses=ERRORS, summary="Forget the portal's journal")
    async def clear(self, request: Request[Any, Any, State], portal_id: int) -> None:
        journal_of(request).clear(portal_id)


def clock_of(request: Request[Any, Any, State]) -> ControllableClock:
    clock: ControllableClock = request.app.state.clock
    return clock


def time_state(clock: ControllableClock) -> w.TimeState:
    now = clock.now_ms()
    return w.TimeState(format_datetime(now), now, clock.frozen, clock.offset_ms)


def freeze_clock(clock: ControllableClock, at: int | str | None) -> w.TimeState:
    """Stop the clock at ``at`` (epoch ms or ISO-8601), or now."""
    instant = parse_instant(str(at)) if at is not None else None
    if at is not None and instant is None:
        raise ValidationError(f"at must be epoch milliseconds or ISO-8601, not {at!r}")
    clock.freeze(instant)
    return time_state(clock)


def advance_clock(clock: ControllableClock, ms: int) -> w.TimeState:
    if parse_instant(str(clock.now_ms() + ms)) is None:
        raise ValidationError(f"ms {ms} would move the clock outside years 1-9999")
    clock.advance(ms)
    return time_state(clock)


class TimeController(Controller):
    """The server's clock: records' times, history and rate-limit windows all follow it."""

    path = "/time"
    tags = ["Admin"]

    @get("/", responses=ERRORS, summary="The server's time")
    async def now(self, request: Request[Any, Any, State]) -> w.TimeState:
        return time_state(clock_of(request))

    @post("/freeze", status_code=HTTP_200_OK, responses=ERRORS, summary="Stop the clock")
    async def freeze(
        self, request: Request[Any, Any, State], data: w.TimeFreezeRequest | None = None
    ) -> w.TimeState:
        return freeze_clock(clock_of(request), data.at if data else None)

    @post("/advance", status_code=HTTP_200_OK, responses=ERRORS, summary="Move the clock")
    async def advance(
        self, request: Request[Any, Any, State], data: w.TimeAdvanceRequest
    ) -> w.TimeState:
        return advance_clock(clock_of(request), data.ms)

    @post("/unfreeze", status_code=HTTP_200_OK, responses=ERRORS, summary="Run from here")
    async def unfreeze(self, request: Request[Any, Any, State]) -> w.TimeState:
        clock_of(request).unfreeze()
        return time_state(clock_of(request))

    @post("/reset", status_code=HTTP_200_OK, responses=ERRORS, summary="Back to real time")
    async def reset(self, request: Request[Any, Any, State]) -> w.TimeState:
        clock_of(request).reset()
        return time_state(clock_of(request))
