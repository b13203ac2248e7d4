"""HubSpot's error shapes: ``Error`` (a whole request failed) and ``StandardError``
(one failure inside a 207 batch response)."""

from __future__ import annotations

from msgspec import Struct, field


class ErrorDetail(Struct, rename="camel", omit_defaults=True):
    message: str
    code: str | None = None
    in_: str | None = field(default=None, name="in")
    sub_category: str | None = None
    context: dict[str, list[str]] | None = None


class Error(Struct, rename="camel", omit_defaults=True):
    """The body of every 4xx/5xx answer. ``status``, ``context`` and ``errors`` are always
    present (empty when there is nothing to say), so clients can read them without checks."""

    status: str
    message: str
    correlation_id: str
    category: str
    context: dict[str, list[str]]
    errors: list[ErrorDetail]
    sub_category: str | None = None
    links: dict[str, str] | None = None
    error_type: str | None = None
    policy_name: str | None = None


class StandardError(Struct, rename="camel", omit_defaults=True):
    """``errors``, ``links`` and ``context`` are required by HubSpot's schema and by the
    official SDK's models, so they are sent even when empty."""

    status: str
    category: str
    message: str
    context: dict[str, list[str]]
    errors: list[ErrorDetail]
    links: dict[str, str]
    id: str | None = None
    sub_category: str | None = None
