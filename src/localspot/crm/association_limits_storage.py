"""The association limits role: a portal's configured maximum number of records linked by
one association type (hubspot-behaviour §15).

The rules every role keeps are in ``crm/storage.py``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class AssociationLimit:
    """At most ``max_to_object_ids`` records of ``to_type`` linked to one record of
    ``from_type`` by ``type_id``."""

    from_type: str
    to_type: str
    type_id: int
    category: str
    max_to_object_ids: int
    created_at: int = 0
    updated_at: int = 0


class AssociationLimitsReadStorage(Protocol):
    async def association_limits(self, portal_id: int) -> list[AssociationLimit]:
        """Every limit of the portal, by from type, to type and type id."""
        ...


class AssociationLimitsStorage(AssociationLimitsReadStorage, Protocol):
    async def save_limits(self, portal_id: int, limits: Sequence[AssociationLimit]) -> None:
        """Insert or replace these limits (keyed by from type, to type and type id) in one
        transaction; a replaced limit keeps its ``created_at``."""
        ...

    async def remove_limits(
        self, portal_id: int, from_type: str, to_type: str, type_ids: Collection[int]
    ) -> None:
        """Delete the pair's limits of these type ids (absent ones are no error)."""
        ...
