"""The inspector role: what the web inspector reads that no API use case does (the list of
portals). The rules every role keeps are in ``crm/storage.py``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class PortalSummary:
    id: int
    name: str
    tier: str
    timezone: str
    created_at: int


class InspectorStorage(Protocol):
    async def portals(self) -> Sequence[PortalSummary]:
        """Every portal, by id."""
        ...
