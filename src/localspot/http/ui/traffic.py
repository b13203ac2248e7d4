"""Traffic pages: the request journal (newest first, refreshed by polling while the page is
open, filtered by method, path, status and caller token; each entry in full, its secrets
redacted) and webhook deliveries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from litestar.params import Parameter

from localspot.crm import accounts
from localspot.crm.errors import ResourceNotFound, ValidationError
from localspot.crm.webhook_outbox_storage import STATES
from localspot.http.admin_portals import store_of
from localspot.http.admin_runtime import journal_of
from localspot.http.journal import Recorded, as_wire, caller_of
from localspot.http.ui.deliveries import SHOWN as DELIVERIES_SHOWN
from localspot.http.ui.deliveries import deliveries_of
from localspot.http.ui.render import page
from localspot.http.ui.session import UI_PATH

SHOWN = 200
"""Entries the journal page lists (the journal keeps up to 500 per portal)."""
METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")
DELIVERY_STATES = tuple(s.upper() for s in STATES)


def _status_matches(wanted: str, status: int) -> bool:
    """``429`` exactly, or a class: ``4xx``."""
    text = wanted.strip().lower()
    if not text:
        return True
    if len(text) == 3 and text.endswith("xx"):
        return str(status).startswith(text[0])
    return text == str(status)


def _path_glob(text: str) -> str | None:
    """A glob as in fault rules; text without ``*`` matches anywhere in the path."""
    text = text.strip()
    if not text:
        return None
    return text if "*" in text else f"*{text}*"


def _caller(text: str) -> str | None:
    """A caller's short digest as shown, or a token (hashed here, never kept or shown). The
    form's field is named ``token`` so that the access log blanks it (``redaction.py``)."""
    text = text.strip()
    if not text:
        return None
    return text.lower() if len(text) <= 12 else caller_of(text)


def newest(entries: Sequence[Recorded], status: str) -> list[Recorded]:
    """The last ``SHOWN`` entries of a status (class), newest first."""
    return [e for e in entries if _status_matches(status, e.status)][-SHOWN:][::-1]


class TrafficController(Controller):
    path = "/portals/{portal_id:int}"

    async def _entries(
        self,
        request: Request[Any, Any, State],
        portal_id: int,
        method: str,
        path: str,
        status: str,
        caller: str,
    ) -> list[Recorded]:
        await accounts.require_portal(store_of(request), portal_id)
        found = journal_of(request).entries(
            portal_id,
            path=_path_glob(path),
            method=method.strip() or None,
            caller=_caller(caller),
        )
        return newest(found, status)

    @get("/journal")
    async def journal(
        self,
        request: Request[Any, Any, State],
        portal_id: int,
        method: str = "",
        path: str = "",
        status: str = "",
        token: str = "",
    ) -> Response[str]:
        caller = _caller(token) or ""  # shown and passed on as the digest, never the token
        entries = await self._entries(request, portal_id, method, path, status, caller)
        query = urlencode({"method": method, "path": path, "status": status, "token": caller})
        return page(
            request,
            "journal.html",
            section="traffic",
            portal_id=portal_id,
            entries=entries,
            methods=METHODS,
            filters={"method": method, "path": path, "status": status, "token": caller},
            rows_url=f"{UI_PATH}/portals/{portal_id}/journal/rows?{query}",
        )

    @get("/journal/rows")
    async def journal_rows(
        self,
        request: Request[Any, Any, State],
        portal_id: int,
        method: str = "",
        path: str = "",
        status: str = "",
        token: str = "",
    ) -> Response[str]:
        """The table's rows alone: what the open page polls for."""
        entries = await self._entries(request, portal_id, method, path, status, token)
        url = f"{request.url.path}?{request.url.query}"
        return page(
            request, "journal_rows.html", portal_id=portal_id, entries=entries, request_url=url
        )

    @get("/journal/{entry_id:int}")
    async def journal_entry(
        self, request: Request[Any, Any, State], portal_id: int, entry_id: int
    ) -> Response[str]:
        await accounts.require_portal(store_of(request), portal_id)
        found = journal_of(request).entry(portal_id, entry_id)
        if found is None:
            raise ResourceNotFound(f"Journal entry {entry_id} is not (or no longer) kept")
        return page(
            request,
            "journal_entry.html",
            section="traffic",
            portal_id=portal_id,
            entry=as_wire(found),
            caller=found.caller,
        )

    @get("/deliveries")
    async def deliveries(
        self,
        request: Request[Any, Any, State],
        portal_id: int,
        delivery_state: str = Parameter(query="state", default=""),
        app: str = "",
        before: str = "",
        limit: str = "",
    ) -> Response[str]:
        await accounts.require_portal(store_of(request), portal_id)
        wanted = delivery_state.strip().upper()
        if wanted and wanted not in DELIVERY_STATES:
            raise ValidationError(
                f"state must be one of {', '.join(DELIVERY_STATES)}, not {delivery_state.strip()!r}"
            )
        app_id = _number("app", app, "an app's id")
        cursor = _number("before", before, "a request's id")
        size = _number("limit", limit, f"a number of requests from 1 to {DELIVERIES_SHOWN}")
        if size is not None and not 1 <= size <= DELIVERIES_SHOWN:
            raise ValidationError(f"limit must be from 1 to {DELIVERIES_SHOWN}, not {size}")
        found = await deliveries_of(
            request,
            portal_id,
            state=wanted or None,
            app_id=app_id,
            limit=size or DELIVERIES_SHOWN,
            before=cursor,
        )
        filters = {"state": wanted, "app": app.strip(), "limit": limit.strip()}
        return page(
            request,
            "deliveries.html",
            section="traffic",
            portal_id=portal_id,
            deliveries=list(found.rows),
            states=DELIVERY_STATES,
            filters=filters,
            shown=size or DELIVERIES_SHOWN,
            before=cursor,
            newest=_page_link(request, filters, None),
            older=None if found.older is None else _page_link(request, filters, found.older),
        )


def _number(name: str, text: str, what: str) -> int | None:
    """A query parameter that is a whole number (digits), or empty (None)."""
    text = text.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()):
        raise ValidationError(f"{name} must be {what}, not {text!r}")
    return int(text)


def _page_link(
    request: Request[Any, Any, State], filters: dict[str, str], before: int | None
) -> str:
    """This page with its filters, from the newest request or from before ``before``."""
    kept: dict[str, str | int] = {k: v for k, v in filters.items() if v}
    if before is not None:
        kept["before"] = before
    return f"{request.url.path}?{urlencode(kept)}"
