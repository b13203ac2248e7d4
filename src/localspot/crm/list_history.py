"""A list's size and edits between two instants (``size-and-edits-history/between``).

HubSpot's OpenAPI file has the endpoint without a word on what it counts; its answer is a
list of size data points and a list of edit times. localspot keeps no history of a list's
sizes or definitions, only what the list itself holds (docs/compatibility.md), so the
answer is made from that: the list's size now, as of its last membership change (or its
creation), and the times its definition was written: created, filters last changed, last
updated (renamed, converted, moved, deleted or restored). Each is in the answer when it
falls between ``startDate`` and ``endDate`` (both optional, both inclusive).
"""

from __future__ import annotations

from dataclasses import dataclass

from localspot.crm.errors import ValidationError
from localspot.crm.lists import Ctx, get_list
from localspot.crm.lists_storage import ObjectList
from localspot.crm.property_types import format_datetime


@dataclass(frozen=True, slots=True)
class SizePoint:
    size: int
    at: int


@dataclass(frozen=True, slots=True)
class ListHistory:
    sizes: tuple[SizePoint, ...]
    edits: tuple[int, ...]


async def history_between(ctx: Ctx, raw_id: str, start: int | None, end: int | None) -> ListHistory:
    """The live list's history between ``start`` and ``end`` (epoch ms; None: unbounded).
    A start after the end is a 400 that names both instants."""
    if start is not None and end is not None and start > end:
        context = {"startDate": [format_datetime(start)], "endDate": [format_datetime(end)]}
        raise ValidationError("startDate must not be after endDate", context=context)
    found = await get_list(ctx, raw_id)
    return history_of(found, start, end)


def history_of(found: ObjectList, start: int | None, end: int | None) -> ListHistory:
    def within(at: int) -> bool:
        return (start is None or at >= start) and (end is None or at <= end)

    changed = max(found.created_at, found.last_added_at or 0, found.last_removed_at or 0)
    sizes = (SizePoint(found.size, changed),) if within(changed) else ()
    written = {found.created_at, found.updated_at, found.filters_updated_at or found.created_at}
    return ListHistory(sizes, tuple(sorted(at for at in written if within(at))))
