"""Control page: fault rules, the clock, snapshots and reset. Every action calls the admin
API's own function (``admin_runtime``, ``admin_portals``), so it behaves exactly as the
admin API (and the pytest plugin) does; a refused action shows the admin API's message."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State, UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect

from localspot.crm import accounts
from localspot.crm.errors import ValidationError
from localspot.http.admin_portals import (
    SNAPSHOT_BYTES,
    reset_portal,
    restore_portal,
    snapshot_bytes,
    store_of,
)
from localspot.http.admin_runtime import (
    add_fault,
    advance_clock,
    clock_of,
    faults_of,
    freeze_clock,
    remove_fault,
    time_state,
)
from localspot.http.faults import POLICIES
from localspot.http.ui.render import page
from localspot.http.ui.session import UI_PATH, check_csrf
from localspot.wire import admin as w

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
FAULT_STATUSES = ("429", "423", "477", "500", "502", "503", "504")
UNITS_MS = {"seconds": 1_000, "minutes": 60_000, "hours": 3_600_000, "days": 86_400_000}


def _number(form: dict[str, str], name: str) -> int | None:
    text = form.get(name, "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValidationError(f"{name} must be a whole number, not {text!r}") from None


def fault_spec(form: dict[str, str]) -> w.FaultRuleInput:
    """The form's fields as the admin API's rule input (its checks run on adding)."""
    status = _number(form, "status")
    return w.FaultRuleInput(
        method=form.get("method", "").strip() or None,
        path=form.get("path", "").strip() or "*",
        body_contains=form.get("body_contains", "") or None,
        status=status,
        policy=form.get("policy", "").strip() or "TEN_SECONDLY_ROLLING",
        latency_ms=_number(form, "latency_ms") or 0,
        times=_number(form, "times"),
        nth=_number(form, "nth"),
        message=form.get("message", "").strip() or None,
    )


def _back(portal_id: int, done: str) -> Redirect:
    return Redirect(f"{UI_PATH}/portals/{portal_id}/control?done={quote(done)}", status_code=303)


class ControlController(Controller):
    path = "/portals/{portal_id:int}/control"

    @get("/")
    async def control(
        self, request: Request[Any, Any, State], portal_id: int, done: str = ""
    ) -> Response[str]:
        await accounts.require_portal(store_of(request), portal_id)
        return page(
            request,
            "control.html",
            section="control",
            portal_id=portal_id,
            rules=[r.as_wire() for r in faults_of(request).rules(portal_id)],
            clock=time_state(clock_of(request)),
            statuses=FAULT_STATUSES,
            policies=tuple(POLICIES),
            units=tuple(UNITS_MS),
            done=done,
        )

    @post("/faults")
    async def add_rule(
        self, request: Request[Any, Any, State], portal_id: int, data: Form
    ) -> Redirect:
        check_csrf(request, data.get("csrf"))
        rule = await add_fault(request, portal_id, fault_spec(data))
        return _back(portal_id, f"Fault rule {rule.id} added.")

    @post("/faults/{rule_id:str}/delete")
    async def delete_rule(
        self, request: Request[Any, Any, State], portal_id: int, rule_id: str, data: Form
    ) -> Redirect:
        check_csrf(request, data.get("csrf"))
        remove_fault(request, portal_id, rule_id)
        return _back(portal_id, f"Fault rule {rule_id} removed.")

    @post("/clock")
    async def clock(
        self, request: Request[Any, Any, State], portal_id: int, data: Form
    ) -> Redirect:
        check_csrf(request, data.get("csrf"))
        clock = clock_of(request)
        action = data.get("action", "")
        if action == "freeze":
            at = data.get("at", "").strip()
            freeze_clock(clock, at or None)
        elif action == "advance":
            amount = _number(data, "amount") or 0
            advance_clock(clock, amount * UNITS_MS.get(data.get("unit", ""), 1_000))
        elif action == "unfreeze":
            clock.unfreeze()
        elif action == "reset":
            clock.reset()
        else:
            raise ValidationError(f"Unknown clock action {action!r}")
        return _back(portal_id, f"Clock: {time_state(clock).now}.")

    @get("/snapshot")
    async def download(self, request: Request[Any, Any, State], portal_id: int) -> Response[bytes]:
        body = await snapshot_bytes(request, portal_id)
        disposition = f'attachment; filename="portal-{portal_id}-snapshot.json"'
        return Response(
            body, media_type="application/json", headers={"content-disposition": disposition}
        )

    @post("/snapshot", request_max_body_size=SNAPSHOT_BYTES)
    async def upload(
        self,
        request: Request[Any, Any, State],
        portal_id: int,
        data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> Redirect:
        check_csrf(request, data.get("csrf") if isinstance(data.get("csrf"), str) else None)
        upload = data.get("snapshot")
        if not isinstance(upload, UploadFile):
            raise ValidationError("Choose a snapshot file to restore")
        try:
            snapshot = msgspec.json.decode(await upload.read(), type=w.PortalSnapshot)
        except msgspec.DecodeError as error:  # ValidationError is a DecodeError
            raise ValidationError(f"Not a portal snapshot: {error}") from None
        await restore_portal(request, portal_id, snapshot)
        return _back(portal_id, f"Snapshot {upload.filename} restored.")

    @post("/reset")
    async def reset(
        self, request: Request[Any, Any, State], portal_id: int, data: Form
    ) -> Redirect:
        check_csrf(request, data.get("csrf"))
        if data.get("confirm") != str(portal_id):
            raise ValidationError(f"Type the portal's id ({portal_id}) to confirm the reset")
        await reset_portal(request, portal_id, keep=data.get("keep_custom_properties") == "on")
        return _back(portal_id, "Portal reset.")
