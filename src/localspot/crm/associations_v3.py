"""The v3 associations API (``/crm/v3/associations/{from}/{to}/...``, hubspot-behaviour §13):
the types between two object types, and batch create, read and archive where each link
names one type by its v3 name (``contact_to_company_unlabeled``) or its id as a string.

Thin over ``crm/associations.py``: the same checks, limits and stored links, so a link made
here reads the same through v4 and the per-record routes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from localspot.crm import associations as links
from localspot.crm.association_types import AssociationType
from localspot.crm.context import CrmContext
from localspot.crm.links_storage import LinksStorage
from localspot.crm.model import InputError


@dataclass(frozen=True, slots=True)
class TypedLink:
    """A v3 ``PublicAssociation``: one link of a named type between two records."""

    from_id: int
    to_id: int
    type_name: str


@dataclass(frozen=True, slots=True)
class LinkedIds:
    """A v3 ``PublicAssociationMulti``: each (far-end id, type name) of one record."""

    from_id: int
    to: tuple[tuple[int, str], ...]


def types(ctx: CrmContext[object], to_type_name: str) -> tuple[AssociationType, ...]:
    """The association types from the context's object type to ``to_type_name``."""
    to_type = links.linked_type(ctx, to_type_name)
    return ctx.types.links.types_between(ctx.object_type, to_type)


def _kinds(
    ctx: CrmContext[object], to_type_name: str, keys: Sequence[str]
) -> list[AssociationType]:
    """Each input's type (by v3 name or id); one the pair doesn't have fails the request."""
    to_type = links.linked_type(ctx, to_type_name)
    return [ctx.types.links.find_by_id_or_name(ctx.object_type, to_type, k) for k in keys]


async def batch_create(
    ctx: CrmContext[LinksStorage], to_type_name: str, inputs: Sequence[tuple[str, str, str]]
) -> tuple[list[TypedLink], list[InputError]]:
    """Link each (from id, to id, type) pair: a bad id or type fails the whole request;
    pairs whose records are not live in the portal become 207 errors."""
    links.check_batch_size(len(inputs), links.MAX_BATCH_CREATE)
    kinds = _kinds(ctx, to_type_name, [key for _, _, key in inputs])
    planned = [
        (from_id, to_id, [links.Spec(kind.category, kind.type_id)])
        for (from_id, to_id, _), kind in zip(inputs, kinds, strict=True)
    ]
    outcome = await links.batch_link(ctx, to_type_name, planned)
    linked = {(r.from_id, r.to_id) for r in outcome.results}
    shown = [
        TypedLink(links.record_id(from_id), links.record_id(to_id), kind.name)
        for (from_id, to_id, _), kind in zip(inputs, kinds, strict=True)
    ]
    results = [link for link in shown if (link.from_id, link.to_id) in linked]
    return list(dict.fromkeys(results)), list(outcome.errors)


async def batch_read(
    ctx: CrmContext[LinksStorage], to_type_name: str, from_ids: Sequence[str]
) -> tuple[list[LinkedIds], list[InputError]]:
    """Every link of each record to ``to_type_name``, one entry per (record, type), in one
    page (v3 has no paging); a record without links is a 207 error, as in v4."""
    found, errors = await links.batch_read(ctx, to_type_name, from_ids)
    results = [
        LinkedIds(r.from_id, tuple((x.to_id, kind.name) for x in r.linked for kind in x.types))
        for r in found
    ]
    return results, errors


async def batch_archive(
    ctx: CrmContext[LinksStorage], to_type_name: str, inputs: Sequence[tuple[str, str, str]]
) -> None:
    """Remove each pair's link of the named type, both ways. Every input is checked first:
    a bad id or type removes nothing. Pairs that were not linked are no error."""
    links.check_batch_size(len(inputs), links.MAX_BATCH_ARCHIVE)
    kinds = _kinds(ctx, to_type_name, [key for _, _, key in inputs])
    removals = [
        (from_id, [to_id], [links.Spec(kind.category, kind.type_id)])
        for (from_id, to_id, _), kind in zip(inputs, kinds, strict=True)
    ]
    await links.batch_unlink(ctx, to_type_name, removals)
