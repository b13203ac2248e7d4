"""Enforcing association limits on every association write (hubspot-behaviour §15).

A write is given as groups of links (one group per input, both directions of each link);
a group that would give a record more than its limit of far-end records by one type is
refused. Groups are taken in order, so earlier accepted groups count against later ones.
A portal without limits (the usual case) costs nothing: its limits are in the cached
type view, and only the records with a configured link are counted, in one query per far
object type.
"""

from __future__ import annotations

from collections.abc import Sequence

from localspot.crm.context import CrmContext
from localspot.crm.errors import HubSpotError, ValidationError
from localspot.crm.links_storage import Link, LinksStorage, LinkTarget
from localspot.crm.model import InputError

_Key = tuple[str, str, int]
"""(from type, to type, type id)"""
SUB_CATEGORY = "crm.associations.ASSOCIATION_LIMIT_EXCEEDED"


def _key(link: Link) -> _Key:
    return link.from_type, link.to_type, link.type_id


async def _existing(
    ctx: CrmContext[LinksStorage], limits: dict[_Key, int], links: Sequence[Link]
) -> dict[tuple[_Key, int], set[int]]:
    """For each limited (type, record): the far-end ids it is linked to now."""
    wanted: dict[str, set[int]] = {}
    for link in links:
        if link.from_id > 0:  # a record being created (negative stand-in id) has none
            wanted.setdefault(link.to_type, set()).add(link.from_id)
    found: dict[tuple[_Key, int], set[int]] = {}
    for to_type, ids in wanted.items():
        for stored in await ctx.store.links_of(ctx.portal_id, ids, to_type):
            if _key(stored) in limits:
                found.setdefault((_key(stored), stored.from_id), set()).add(stored.to_id)
    return found


def _error(ctx: CrmContext[object], link: Link, maximum: int) -> ValidationError:
    from_type = ctx.types.resolve(link.from_type)
    to_type = ctx.types.resolve(link.to_type)
    record = (
        f"{from_type.singular} {link.from_id}"
        if link.from_id > 0
        else f"a new {from_type.singular}"
    )
    return ValidationError(
        f"Association limit exceeded: {record} can be associated with at most {maximum}"
        f" {to_type.singular} record(s) by association type {link.type_id}",
        context={
            "fromObjectType": [from_type.error_label],
            "toObjectType": [to_type.error_label],
            "associationTypeId": [str(link.type_id)],
            "maxToObjectIds": [str(maximum)],
        },
        sub_category=SUB_CATEGORY,
    )


async def refused(
    ctx: CrmContext[LinksStorage], groups: Sequence[Sequence[Link]]
) -> list[ValidationError | None]:
    """Per group: the error that refuses it, or None when it may be written."""
    limits = {(x.from_type, x.to_type, x.type_id): x.max_to_object_ids for x in ctx.types.limits}
    limited = [link for group in groups for link in group if _key(link) in limits]
    if not limited:
        return [None] * len(groups)
    linked = await _existing(ctx, limits, limited)
    answers: list[ValidationError | None] = []
    for group in groups:
        added: dict[tuple[_Key, int], set[int]] = {}
        breach = None
        for link in group:
            maximum = limits.get(_key(link))
            if maximum is None:
                continue
            slot = (_key(link), link.from_id)
            added.setdefault(slot, set()).add(link.to_id)
            if len(linked.get(slot, set()) | added[slot]) > maximum:
                breach = _error(ctx, link, maximum)
                break
        if breach is None:
            for slot, ids in added.items():
                linked.setdefault(slot, set()).update(ids)
        answers.append(breach)
    return answers


async def check(ctx: CrmContext[LinksStorage], groups: Sequence[Sequence[Link]]) -> None:
    """A single write: the first refusal is the whole request's 400."""
    for breach in await refused(ctx, groups):
        if breach is not None:
            raise breach


def input_error(error: HubSpotError) -> InputError:
    """A refusal as one error of a 207."""
    context = {k: tuple(v) for k, v in error.context.items()}
    return InputError(error.category, error.message, context, sub_category=error.sub_category)


def inline_groups(
    ctx: CrmContext[object], targets: Sequence[tuple[LinkTarget, ...]]
) -> list[list[Link]]:
    """Each new record's inline links both ways, the record standing in as id
    ``-position`` (its id is not known yet)."""
    own = ctx.object_type.type_id
    return [
        [
            link
            for t in found
            for link in (
                Link(own, -position, t.to_type, t.to_id, t.type_id, t.category),
                Link(t.to_type, t.to_id, own, -position, t.reverse_type_id, t.category),
            )
        ]
        for position, found in enumerate(targets, start=1)
    ]
