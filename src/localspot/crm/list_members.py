"""Lists API use cases on memberships (hubspot-behaviour §16.3): add and remove records,
copy a list's members, clear a list, page through members, and a record's lists.

Record ids that name no live record of the list's type come back as missing; ids already in
(or not in) the list are left alone. Only MANUAL and SNAPSHOT lists change by hand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from localspot.crm import list_rules as rules
from localspot.crm.errors import HubSpotError, ValidationError
from localspot.crm.list_memberships_storage import MemberKey, MemberPage, RecordListEntry
from localspot.crm.lists import Ctx, get_list
from localspot.crm.model import InputError


@dataclass(frozen=True, slots=True)
class MembershipOutcome:
    """Record ids (as HubSpot writes them) in the order they were given."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    missing: tuple[str, ...]


async def _changed(
    ctx: Ctx, raw_list_id: str, add: Sequence[str | int], remove: Sequence[str | int]
) -> MembershipOutcome:
    found = await get_list(ctx, raw_list_id)
    rules.manual_changes_allowed(found)
    adds = rules.record_ids(add)
    adding = frozenset(adds)
    removes = [r for r in rules.record_ids(remove) if r not in adding]
    rules.record_ids([*adds, *removes])  # the limit holds for the request as a whole
    numeric = rules.numeric_ids([*adds, *removes])
    add_ids = {numeric[t] for t in adds if t in numeric}
    remove_ids = {numeric[t] for t in removes if t in numeric} - add_ids  # "3" and "03" alike
    change = await ctx.store.change_members(
        ctx.portal_id, found.id, add_ids, remove_ids, ctx.clock.now_ms()
    )
    if change is None:
        raise rules.list_not_found(raw_list_id)
    given = list(dict.fromkeys([*adds, *removes]))

    def texts(ids: frozenset[int]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(str(numeric[t]) for t in given if numeric.get(t) in ids))

    missing = tuple(t for t in given if t not in numeric or numeric[t] in change.missing)
    return MembershipOutcome(texts(change.added), texts(change.removed), missing)


async def add(ctx: Ctx, raw_list_id: str, ids: Sequence[str | int]) -> MembershipOutcome:
    return await _changed(ctx, raw_list_id, ids, ())


async def remove(ctx: Ctx, raw_list_id: str, ids: Sequence[str | int]) -> MembershipOutcome:
    return await _changed(ctx, raw_list_id, (), ids)


async def add_and_remove(
    ctx: Ctx, raw_list_id: str, add_ids: Sequence[str | int], remove_ids: Sequence[str | int]
) -> MembershipOutcome:
    """An id in both is added (the removal leaves it alone)."""
    return await _changed(ctx, raw_list_id, add_ids, remove_ids)


def _too_big(found_id: int, size: int, what: str) -> ValidationError:
    return ValidationError(
        f"List {found_id} has {size} members; {what} only supports lists with fewer than"
        f" {rules.MAX_BULK_MEMBERS} memberships",
        context={"listId": [str(found_id)]},
    )


async def add_from(ctx: Ctx, raw_target: str, raw_source: str) -> None:
    target = await get_list(ctx, raw_target)
    source = await get_list(ctx, raw_source)
    rules.manual_changes_allowed(target)
    if target.id == source.id:
        raise ValidationError("The source and destination lists must be different lists")
    if target.object_type != source.object_type:
        raise ValidationError(
            f"The source list holds {source.object_type} records and the destination list"
            f" {target.object_type} records; both must hold the same object type"
        )
    if source.size >= rules.MAX_BULK_MEMBERS:
        raise _too_big(source.id, source.size, "adding from a list")
    copied = await ctx.store.copy_members(ctx.portal_id, source.id, target.id, ctx.clock.now_ms())
    if copied is None:
        raise rules.list_not_found(raw_target)


async def remove_all(ctx: Ctx, raw_list_id: str) -> None:
    found = await get_list(ctx, raw_list_id)
    rules.manual_changes_allowed(found)
    if found.size >= rules.MAX_BULK_MEMBERS:
        raise _too_big(found.id, found.size, "removing all records")
    if not await ctx.store.clear_members(ctx.portal_id, found.id, ctx.clock.now_ms()):
        raise rules.list_not_found(raw_list_id)


def member_token(by_join_time: bool, record_id: int, added_at: int) -> str:
    """The paging token of a member: its record id, or its time of joining and id."""
    return f"{added_at}-{record_id}" if by_join_time else str(record_id)


def _key(by_join_time: bool, name: str, token: str | None) -> MemberKey | None:
    if token is None:
        return None
    parts = token.split("-") if by_join_time else ["0", token]
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() and len(p) <= 18 for p in parts):
        raise ValidationError(f"Invalid paging token '{token}'", context={name: [token]})
    return int(parts[0]), int(parts[1])


async def page(
    ctx: Ctx,
    raw_list_id: str,
    *,
    by_join_time: bool,
    after: str | None,
    before: str | None,
    limit: int,
) -> tuple[MemberPage, int]:
    """A page of members and the list's size; ``after`` wins over ``before``."""
    rules.check_range("limit", limit, 1, rules.MAX_PAGE)
    found = await get_list(ctx, raw_list_id)
    after_key = _key(by_join_time, "after", after)
    before_key = None if after_key else _key(by_join_time, "before", before)
    members = await ctx.store.members_page(
        ctx.portal_id,
        found.id,
        by_join_time=by_join_time,
        after=after_key,
        before=before_key,
        limit=limit,
    )
    return members, found.size


async def record_lists(ctx: Ctx, raw_type: str, raw_record_id: str) -> list[RecordListEntry]:
    """The live lists a record is in (none for an unknown record)."""
    type_id = rules.list_type(ctx.types, raw_type).type_id
    record_id = rules.numeric_ids([raw_record_id]).get(raw_record_id)
    if record_id is None:
        return []
    found = await ctx.store.record_lists(ctx.portal_id, type_id, [record_id])
    return list(found.get(record_id, ()))


BatchResult = tuple[str, str, list[RecordListEntry]]
"""(object type id, record id, its lists)."""


async def batch_read(
    ctx: Ctx, inputs: Sequence[tuple[str, str]]
) -> tuple[list[BatchResult], list[InputError]]:
    """Each (object type id, record id)'s lists; an input of a type lists don't take is an
    error of its own."""
    if len(inputs) > rules.MAX_BATCH_READ:
        raise ValidationError(
            f"At most {rules.MAX_BATCH_READ} inputs can be read at once, got {len(inputs)}"
        )
    errors: list[InputError] = []
    wanted: dict[str, dict[str, int | None]] = defaultdict(dict)
    for raw_type, raw_id in inputs:
        try:
            type_id = rules.list_type(ctx.types, raw_type).type_id
        except HubSpotError as error:
            context = {"objectTypeId": (raw_type,), "recordId": (raw_id,)}
            errors.append(InputError(error.category, error.message, context))
            continue
        wanted[type_id][raw_id] = rules.numeric_ids([raw_id]).get(raw_id)
    results: list[BatchResult] = []
    for type_id, records in wanted.items():
        ids = {i for i in records.values() if i is not None}
        found = await ctx.store.record_lists(ctx.portal_id, type_id, ids) if ids else {}
        for raw_id, record_id in records.items():
            entries = list(found.get(record_id, ())) if record_id is not None else []
            results.append((type_id, raw_id, entries))
    return results, errors
