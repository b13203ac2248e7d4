"""What every use case is handed: the store, the clock, who calls, and for which type.

``CrmContext`` is generic over its store: a use case names the roles it uses
(``CrmContext[RecordsStorage]``, or a protocol combining two roles), and the app hands every
use case the same context over the whole store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from localspot.clock import Clock
from localspot.crm import batch_rules
from localspot.crm.definitions_storage import DefinitionsStorage
from localspot.crm.links_storage import LinksStorage
from localspot.crm.model import ObjectType, Principal
from localspot.crm.owners_storage import OwnerIdsStorage
from localspot.crm.pipelines_storage import PipelinesStorage
from localspot.crm.properties import Definitions
from localspot.crm.records_storage import RecordsStorage
from localspot.crm.type_registry import BUILTIN_TYPES, PortalTypes

StoreT_co = TypeVar("StoreT_co", covariant=True)


class RecordUseCaseStorage(
    DefinitionsStorage, RecordsStorage, PipelinesStorage, OwnerIdsStorage, LinksStorage, Protocol
):
    """What the record use cases (reads, writes, creates, upserts) use: the definitions to
    check against, the records, the pipelines that stage values must belong to, and which
    owner ids are live (owner-typed properties)."""


@dataclass(frozen=True, slots=True)
class CrmContext(Generic[StoreT_co]):
    store: StoreT_co
    clock: Clock
    principal: Principal
    object_type: ObjectType
    max_batch_inputs: int = 100
    types: PortalTypes = BUILTIN_TYPES
    """The portal's object and association types (built-in and custom)."""

    @property
    def portal_id(self) -> int:
        return self.principal.portal_id


async def resolve_ids(
    ctx: CrmContext[RecordsStorage],
    definitions: Definitions,
    keys: Sequence[tuple[str | None, str]],
) -> list[int | None]:
    """(idProperty, id) pairs → record ids, None where nothing live matches."""
    for name in {name for name, _ in keys if name}:
        batch_rules.check_id_property(definitions, name, ctx.portal_id)
    found: dict[tuple[str, str], int] = {}
    for name in {name for name, _ in keys if name}:
        # No stored value holds U+0000 (PostgreSQL can't even be asked about one).
        values = [value for n, value in keys if n == name and "\x00" not in value]
        resolved = await ctx.store.resolve_unique(
            ctx.portal_id, ctx.object_type.type_id, name, values
        )
        found.update(((name, value), object_id) for value, object_id in resolved.items())
    return [
        found.get((name, value)) if name else batch_rules.parse_record_id(value)
        for name, value in keys
    ]
