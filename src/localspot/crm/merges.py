"""Merging two records of a type, and the GDPR delete of a contact (hubspot-behaviour §14.3,
§14.4). Each use case checks what it can, then makes one store call (one transaction)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from localspot.crm import batch_rules
from localspot.crm.context import CrmContext, resolve_ids
from localspot.crm.definitions_storage import DefinitionsStorage
from localspot.crm.errors import ObjectNotFound, ValidationError
from localspot.crm.merges_storage import MERGED_IDS, MergesStorage
from localspot.crm.model import Record
from localspot.crm.properties import load_definitions
from localspot.crm.records_storage import RecordsStorage

SELF_MERGE = "Cannot merge an object with itself: primaryObjectId and objectIdToMerge are equal."


class MergeUseCaseStorage(DefinitionsStorage, RecordsStorage, MergesStorage, Protocol):
    """What merges and GDPR deletes use: definitions (idProperty), records, merges."""


def _ids(value: str | None) -> list[str]:
    return [part for part in (value or "").split(";") if part]


def combine(
    primary_id: int, primary: Mapping[str, str], other_id: int, other: Mapping[str, str]
) -> dict[str, str]:
    """The primary's values win; values only the other record had are kept; the other id
    (and every id merged into either before) joins ``hs_merged_object_ids``."""
    merged = {name: value for name, value in other.items() if value != ""}
    merged.update((name, value) for name, value in primary.items() if value != "")
    ids = [*_ids(primary.get(MERGED_IDS)), *_ids(other.get(MERGED_IDS)), str(other_id)]
    merged[MERGED_IDS] = ";".join(dict.fromkeys(ids))
    return merged


async def merge(
    ctx: CrmContext[MergeUseCaseStorage], primary: str, other: str
) -> tuple[Record, tuple[str, ...]]:
    """The merged record and the names to show (the type's defaults and the merged ids)."""
    if primary.strip() == other.strip():
        raise ValidationError(SELF_MERGE)
    primary_id, other_id = batch_rules.parse_record_id(primary), batch_rules.parse_record_id(other)
    for raw, parsed in ((primary, primary_id), (other, other_id)):
        if parsed is None:
            raise ObjectNotFound(raw)
    assert primary_id is not None and other_id is not None
    result = await ctx.store.merge_records(
        ctx.portal_id, ctx.object_type.type_id, primary_id, other_id, combine, ctx.clock.now_ms()
    )
    if result.record is None:
        raise ObjectNotFound(str(result.missing[0]))
    return result.record, (*ctx.object_type.default_properties, MERGED_IDS)


async def merged_into(ctx: CrmContext[RecordsStorage], object_id: str) -> int | None:
    """The record an old id was merged into, if any (a read of a merged-away id)."""
    found = await ctx.store.resolve_unique(
        ctx.portal_id, ctx.object_type.type_id, MERGED_IDS, [object_id]
    )
    return found.get(object_id)


async def merged_targets(
    ctx: CrmContext[RecordsStorage], object_ids: Sequence[str]
) -> dict[str, int]:
    """Old id → the record it was merged into, for those of ``object_ids`` merged away."""
    if not object_ids:
        return {}
    return dict(
        await ctx.store.resolve_unique(
            ctx.portal_id, ctx.object_type.type_id, MERGED_IDS, list(object_ids)
        )
    )


async def gdpr_delete(
    ctx: CrmContext[MergeUseCaseStorage], object_id: str, id_property: str | None
) -> None:
    """Erase the record for good. An unknown id is a 404; an unknown value of
    ``idProperty`` (an email HubSpot would add to its blocklist) is not an error."""
    definitions = await load_definitions(ctx.store, ctx.portal_id, ctx.object_type)
    (record_id,) = await resolve_ids(ctx, definitions, [(id_property, object_id)])
    if record_id is None:
        if id_property:
            return
        raise ObjectNotFound(object_id)
    now = ctx.clock.now_ms()
    if not await ctx.store.purge_record(ctx.portal_id, ctx.object_type.type_id, record_id, now):
        raise ObjectNotFound(object_id)
