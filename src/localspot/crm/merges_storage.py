"""The merges role: merging two records into one and erasing a record for good (GDPR).

Each method is one transaction. The store applies the domain's ``combine`` rule to the two
records' property maps inside that transaction, so the rule stays in ``crm``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from localspot.crm.model import Record

Combine = Callable[[int, Mapping[str, str], int, Mapping[str, str]], dict[str, str]]
"""(primary id, primary's properties, other id, other's properties) → the merged properties."""

MERGED_IDS = "hs_merged_object_ids"
"""The property that lists merged-away ids; the store also keeps each such id in the unique
index under this name, so a read of an old id finds the record it was merged into."""


@dataclass(frozen=True, slots=True)
class MergeResult:
    record: Record | None
    """The merged record; ``None`` when ``missing`` is not empty (nothing was written)."""
    missing: tuple[int, ...] = ()
    """Ids of the two that are not live records of the type."""


class MergesStorage(Protocol):
    async def merge_records(
        self,
        portal_id: int,
        type_id: str,
        primary_id: int,
        other_id: int,
        combine: Combine,
        at: int,
    ) -> MergeResult:
        """Keep ``primary_id`` with the combined properties; move the other's history,
        associations (both directions) and unique values to it; delete the other record."""
        ...

    async def purge_record(self, portal_id: int, type_id: str, record_id: int, at: int) -> bool:
        """Delete the record (live or archived), its history, associations in both
        directions, unique values, search entries and list memberships; False when there is
        no such record. Records linked to it that DYNAMIC lists judge through association
        branches are judged again at ``at``."""
        ...
