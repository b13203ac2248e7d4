"""HubSpot's rate limits (hubspot-behaviour §6.4): a rolling 10-second window per token, a daily
budget per portal (midnight in the portal's time zone), and 5 searches a second per portal,
which are exempt from the 10-second window and carry no usage headers.

The guard runs after authentication, counts the request, answers 429 with HubSpot's body
when a budget is spent, and leaves the usage headers in the request's scope for
``add_usage_headers`` to put on the response. The counters are whatever the app was given
(``store/counters.py``: in process, or Redis), seen through the ``Counters`` protocol.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.types import Message, Scope

from localspot.clock import Clock
from localspot.config import Settings
from localspot.crm.errors import RateLimited
from localspot.crm.model import Principal

DAY_MS = 86_400_000
HEADERS_KEY = "rate_limit_headers"


class Counters(Protocol):
    async def hit(self, key: str, limit: int, window_ms: int, now_ms: int) -> tuple[bool, int]:
        """Record one request in a rolling window if it still fits: (allowed, remaining).
        A rejected request is not recorded."""
        ...

    async def count(self, key: str, limit: int, ttl_ms: int) -> tuple[bool, int]:
        """A fixed window named by ``key`` (e.g. a portal's local date): count one more."""
        ...

    async def close(self) -> None: ...


def tier_limit(table: str, tier: str) -> int:
    """``free=100,professional=190,...``; ``professional+limit-increase`` takes the increase
    row for 10-second windows and adds it for daily budgets (see ``daily_limit``)."""
    limits = {k.strip(): int(v) for k, v in (p.split("=") for p in table.split(",") if "=" in p)}
    base, _, increase = tier.partition("+")
    if increase and increase in limits:
        return limits[increase]
    return limits.get(base, limits.get("free", 100))


def daily_limit(table: str, tier: str) -> int:
    limits = {k.strip(): int(v) for k, v in (p.split("=") for p in table.split(",") if "=" in p)}
    base, _, increase = tier.partition("+")
    return limits.get(base, limits.get("free", 250_000)) + (
        limits.get(increase, 0) if increase else 0
    )


def local_day(now_ms: int, timezone: str) -> str:
    try:
        zone: Any = ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = UTC
    return datetime.fromtimestamp(now_ms / 1000, zone).date().isoformat()


async def _check_search(
    counters: Counters, settings: Settings, principal: Principal, now: int
) -> None:
    key = f"secondly:{principal.portal_id}"
    allowed, _ = await counters.hit(key, settings.search_per_second, 1000, now)
    if not allowed:
        raise RateLimited("SECONDLY")


async def rate_limit_guard(
    connection: ASGIConnection[Any, Any, Any, Any], handler: BaseRouteHandler
) -> None:
    settings: Settings = connection.app.state.settings
    if not settings.rate_limits:
        return
    counters: Counters = connection.app.state.counters
    clock: Clock = connection.app.state.clock
    principal: Principal = connection.state.principal
    now = clock.now_ms()
    if handler.opt.get("rate") == "search":
        await _check_search(counters, settings, principal, now)
        return
    ten_limit = tier_limit(settings.ten_secondly_limits, principal.tier)
    window = settings.ten_secondly_window_ms
    allowed, remaining = await counters.hit(f"ten:{principal.token_hash}", ten_limit, window, now)
    if not allowed:
        raise RateLimited("TEN_SECONDLY_ROLLING")
    headers = {
        "X-HubSpot-RateLimit-Max": str(ten_limit),
        "X-HubSpot-RateLimit-Remaining": str(remaining),
        "X-HubSpot-RateLimit-Interval-Milliseconds": str(window),
    }
    day_limit = daily_limit(settings.daily_limits, principal.tier)
    day = local_day(now, principal.timezone)
    allowed, left = await counters.count(
        f"daily:{principal.portal_id}:{day}", day_limit, 2 * DAY_MS
    )
    if not allowed:
        raise RateLimited("DAILY")
    if principal.token_kind != "oauth":
        headers["X-HubSpot-RateLimit-Daily"] = str(day_limit)
        headers["X-HubSpot-RateLimit-Daily-Remaining"] = str(left)
    connection.scope.setdefault("state", {})[HEADERS_KEY] = headers


async def add_usage_headers(message: Message, scope: Scope) -> None:
    """``before_send`` hook: the headers the guard computed go on the response."""
    if message["type"] != "http.response.start":
        return
    headers = scope.get("state", {}).get(HEADERS_KEY)
    if headers:
        message["headers"] = [
            *message.get("headers", []),
            *((k.lower().encode(), v.encode()) for k, v in headers.items()),
        ]
