"""Lists API use cases on scheduled conversions (``/{listId}/schedule-conversion``): schedule
or change one, read it, cancel it; and the sweep that converts the lists whose time came
(``list_conversion_rules`` says when and into what).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from localspot.clock import Clock
from localspot.crm import list_conversion_rules as conversion_rules
from localspot.crm import list_rules as rules
from localspot.crm.errors import ResourceNotFound, ValidationError
from localspot.crm.lists import Ctx, get_list, save
from localspot.crm.lists_storage import ListsStorage, ObjectList


async def schedule(ctx: Ctx, raw_id: str, wanted: Mapping[str, Any]) -> ObjectList:
    """Schedule the list's conversion, or replace the one scheduled."""
    found = await get_list(ctx, raw_id)
    if found.processing_type != rules.DYNAMIC:
        done = found.conversion is not None and "convertedAt" in found.conversion
        why = "was converted to a static list already" if done else "is not a DYNAMIC list"
        raise ValidationError(
            f"List {found.id} {why}: only DYNAMIC lists can be converted to static lists;"
            f" list {found.id} is {found.processing_type}",
            context={"listId": [str(found.id)], "processingType": [found.processing_type]},
        )
    now = ctx.clock.now_ms()
    conversion = conversion_rules.requested(wanted, now)
    return await save(ctx, dataclasses.replace(found, conversion=conversion, updated_at=now))


async def conversion_of(ctx: Ctx, raw_id: str) -> ObjectList:
    """The list with its conversion as it stands (converted first if due)."""
    return await get_list(ctx, raw_id)


async def cancel(ctx: Ctx, raw_id: str) -> None:
    """A pending conversion is dropped; a list already converted stays as it is; a list
    with no conversion at all is a 404 (HubSpot's guide: "If the conversion does not exist,
    a 404 will be returned")."""
    found = await get_list(ctx, raw_id)
    if found.conversion is None:
        raise ResourceNotFound(
            f"List {found.id} has no scheduled conversion", context={"listId": [str(found.id)]}
        )
    if "convertedAt" in found.conversion:
        return
    now = ctx.clock.now_ms()
    await save(ctx, dataclasses.replace(found, conversion=None, updated_at=now))


async def convert_due(store: ListsStorage, clock: Clock) -> int:
    """Convert every list of every portal whose conversion is due; how many were."""
    now = clock.now_ms()
    count = 0
    for portal_id, found in await store.pending_conversions():
        due = conversion_rules.due_at(found)
        if due is not None and due <= now:
            saved = await store.save_list(portal_id, conversion_rules.converted(found, due))
            count += isinstance(saved, ObjectList)
    return count
