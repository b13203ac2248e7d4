"""The admin API's view of a portal's imports and exports (``GET .../jobs``)."""

from __future__ import annotations

from msgspec import Struct


class AdminJob(Struct, rename="camel", omit_defaults=True):
    id: str
    kind: str
    name: str
    state: str
    position: int
    counters: dict[str, int]
    created_at: str
    updated_at: str
    started_at: str | None = None
    completed_at: str | None = None
    failure: str | None = None


class AdminJobCollection(Struct, rename="camel"):
    results: list[AdminJob]
