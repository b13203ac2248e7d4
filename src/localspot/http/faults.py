"""Fault injection: per-portal rules that answer matching requests with HubSpot's error
bodies (429 with each policy, 423, 477, 5xx) or slow them down.

The layer wraps the whole app (see ``app.py``), so a fault answers before routing, auth and
the rate limiter, as HubSpot's edge would. Rules live in this process's memory: with several
server processes each has its own (add rules through each, or run one process for tests).

A rule matches by method, a glob over the path (``*`` matches any characters, ``/`` too)
and optionally a substring of the body. Rules are checked in the order they were added;
every firing rule adds its latency, and the first firing rule with a status answers.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from itertools import count
from typing import Any

import msgspec

from localspot.crm.errors import ValidationError
from localspot.http.errors import CORRELATION_HEADER, new_correlation_id
from localspot.http.request_portal import is_tracked, portal_of
from localspot.wire import admin as w
from localspot.wire.errors import Error

ASGIApp = Callable[[Any, Any, Any], Awaitable[None]]
POLICIES = {
    "TEN_SECONDLY_ROLLING": "ten_secondly_rolling",
    "DAILY": "daily",
    "SECONDLY": "secondly",
}
OTHER_FAULTS = {
    423: ("LOCKED", "The object is locked by another request. Wait at least 2 seconds and retry."),
    477: ("MIGRATION_IN_PROGRESS", "This account is being migrated. Retry after Retry-After."),
    500: ("INTERNAL_ERROR", "internal error"),
    502: ("BAD_GATEWAY", "Bad Gateway"),
    503: ("SERVICE_UNAVAILABLE", "Service Unavailable"),
    504: ("GATEWAY_TIMEOUT", "Gateway Timeout"),
}
MAX_LATENCY_MS = 60_000


@dataclass(slots=True)
class Rule:
    id: str
    spec: w.FaultRuleInput
    matched: int = 0
    fired: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def matches(self, method: str, path: str, body: bytes) -> bool:
        spec = self.spec
        if spec.method is not None and spec.method != method:
            return False
        if not fnmatchcase(path, spec.path):
            return False
        needle = spec.body_contains
        return needle is None or needle in body.decode("utf-8", errors="replace")

    def fires(self) -> bool:
        """Count a match and say whether this one fires."""
        self.matched += 1
        if self.spec.nth is not None:
            hit = self.matched == self.spec.nth
        elif self.spec.fraction is not None:
            hit = self.rng.random() < self.spec.fraction
        else:
            hit = True
        self.fired += hit
        return hit

    @property
    def expired(self) -> bool:
        if self.spec.nth is not None and self.matched >= self.spec.nth:
            return True
        return self.spec.times is not None and self.fired >= self.spec.times

    def as_wire(self) -> w.FaultRule:
        fields = {f: getattr(self.spec, f) for f in w.FaultRuleInput.__struct_fields__}
        return w.FaultRule(id=self.id, matched=self.matched, fired=self.fired, **fields)


def check_rule(spec: w.FaultRuleInput) -> w.FaultRuleInput:
    """The rule as it will run (method upper-cased), or a 400 naming what is wrong."""
    problems = []
    if spec.status is not None and spec.status != 429 and spec.status not in OTHER_FAULTS:
        problems.append("status must be one of 423, 429, 477, 500, 502, 503, 504")
    if spec.status is None and spec.latency_ms == 0:
        problems.append("a rule needs a status or a latencyMs")
    if not 0 <= spec.latency_ms <= MAX_LATENCY_MS:
        problems.append(f"latencyMs must be between 0 and {MAX_LATENCY_MS}")
    if spec.policy not in POLICIES:
        problems.append("policy must be TEN_SECONDLY_ROLLING, DAILY or SECONDLY")
    if spec.retry_after < 0:
        problems.append("retryAfter must not be negative")
    if spec.nth is not None and (spec.nth < 1 or spec.fraction is not None):
        problems.append("nth must be at least 1 and can't be combined with fraction")
    if spec.fraction is not None and not 0 < spec.fraction <= 1:
        problems.append("fraction must be above 0 and at most 1")
    if spec.times is not None and spec.times < 1:
        problems.append("times must be at least 1")
    if problems:
        raise ValidationError("Invalid fault rule: " + "; ".join(problems))
    method = spec.method.upper() if spec.method else None
    return msgspec.structs.replace(spec, method=method)


@dataclass(frozen=True, slots=True)
class Decision:
    latency_ms: int = 0
    error: Rule | None = None


class FaultRules:
    """Every portal's rules, in the order they were added."""

    def __init__(self) -> None:
        self._by_portal: dict[int, list[Rule]] = {}
        self._ids = count(1)

    def has_rules(self, portal_id: int | None = None) -> bool:
        if portal_id is None:
            return any(self._by_portal.values())
        return bool(self._by_portal.get(portal_id))

    def add(self, portal_id: int, spec: w.FaultRuleInput) -> Rule:
        checked = check_rule(spec)
        rule = Rule(str(next(self._ids)), checked, rng=random.Random(checked.seed))
        self._by_portal.setdefault(portal_id, []).append(rule)
        return rule

    def rules(self, portal_id: int) -> list[Rule]:
        return list(self._by_portal.get(portal_id, ()))

    def remove(self, portal_id: int, rule_id: str) -> bool:
        rules = self._by_portal.get(portal_id, [])
        kept = [r for r in rules if r.id != rule_id]
        self._by_portal[portal_id] = kept
        return len(kept) != len(rules)

    def clear(self, portal_id: int) -> None:
        self._by_portal.pop(portal_id, None)

    def decide(self, portal_id: int, method: str, path: str, body: bytes) -> Decision:
        latency, error = 0, None
        for rule in self.rules(portal_id):
            if not rule.matches(method, path, body):
                continue
            fired = rule.fires()
            if rule.expired:
                self.remove(portal_id, rule.id)
            if not fired:
                continue
            latency += rule.spec.latency_ms
            if rule.spec.status is not None:
                error = rule
                break
        return Decision(latency, error)


def fault_body(rule: Rule) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """HubSpot's body for the rule's status, and the extra headers."""
    spec, correlation_id = rule.spec, new_correlation_id()
    headers = [(CORRELATION_HEADER.encode(), correlation_id.encode())]
    if spec.status == 429:
        message = spec.message or f"You have reached your {POLICIES[spec.policy]} limit."
        body: Any = w.RateLimitError(
            "error", message, "RATE_LIMIT", correlation_id, spec.policy, "RATE_LIMITS"
        )
        return msgspec.json.encode(body), headers
    category, default_message = OTHER_FAULTS[spec.status or 500]
    body = Error("error", spec.message or default_message, correlation_id, category, {}, [])
    if spec.status == 477:
        headers.append((b"retry-after", str(spec.retry_after).encode()))
    return msgspec.json.encode(body), headers


async def _read_body(receive: Any) -> tuple[bytes, Any]:
    """The whole request body, and a ``receive`` that hands it to the app again."""
    chunks, more = [], True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body, replayed = b"".join(chunks), False

    async def replay() -> Any:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": False}

    return body, replay


async def _answer(send: Any, rule: Rule) -> None:
    body, headers = fault_body(rule)
    headers += [
        (b"content-type", b"application/json;charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": rule.spec.status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def fault_layer(app: ASGIApp) -> ASGIApp:
    """ASGI middleware: apply the portal's fault rules before the app sees the request."""

    async def middleware(scope: Any, receive: Any, send: Any) -> None:
        rules: FaultRules = scope["app"].state.faults
        if not is_tracked(scope) or not rules.has_rules():
            await app(scope, receive, send)
            return
        portal_id = await portal_of(scope)
        if portal_id is None or not rules.has_rules(portal_id):
            await app(scope, receive, send)
            return
        body, replay = await _read_body(receive)
        decision = rules.decide(portal_id, scope["method"], scope["path"], body)
        if decision.latency_ms:
            await asyncio.sleep(decision.latency_ms / 1000)
        if decision.error is None:
            await app(scope, replay, send)
        else:
            await _answer(send, decision.error)

    return middleware
