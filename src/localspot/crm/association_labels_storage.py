"""The association labels role: a portal's own labelled association types.

Labels live in the same table as the custom objects' association definitions (one row per
direction, each naming its inverse); ``add_definitions`` of the schemas role creates them.
The rules every role keeps are in ``crm/storage.py``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Literal, Protocol

from localspot.crm.schemas_storage import AssociationDefinition, NewDefinition

RemoveOutcome = Literal["removed", "in_use", "missing"]


class AssociationLabelsStorage(Protocol):
    async def add_definitions(
        self, portal_id: int, definitions: Sequence[NewDefinition]
    ) -> list[AssociationDefinition]: ...

    async def relabel(self, portal_id: int, labels: Mapping[int, str], at: int) -> None:
        """Give stored association types (by type id) new labels, in one transaction."""
        ...

    async def remove_label(self, portal_id: int, type_ids: Collection[int]) -> RemoveOutcome:
        """Delete these stored types unless a link of any of them exists (checked in the
        same transaction)."""
        ...
