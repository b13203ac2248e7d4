"""Owner-typed properties: ``hubspot_owner_id`` and every other property whose definition
says ``"referencedObjectType": "OWNER"`` (built-in or custom).

A value must be the id of one of the portal's live owners (hubspot-behaviour §11.3); ``""``
clears. The record use cases hand their checked inputs here once per request: every owner
id the inputs name is looked up in one query, and none is made when no input sets an owner
property. The owner-typed names among the batch's property names are found once per batch,
so a batch that sets none costs no work per input. The properties API shows the live owners
as these properties' options.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from operator import itemgetter

from localspot.crm.model import PropertyDefinition, PropertyOption, PropertyProblem
from localspot.crm.owners_storage import Owner, OwnerIdsStorage, OwnersStorage
from localspot.crm.properties import Definitions, names_set

OWNER = "OWNER"
INVALID_OWNER_ID = "INVALID_OWNER_ID"
MAX_ID_DIGITS = 18

Checked = tuple[dict[str, str], tuple[PropertyProblem, ...]]
"""One input after ``check_values``: its normalised values and its problems so far."""


def is_owner_property(definition: PropertyDefinition) -> bool:
    return definition.extra.get("referencedObjectType") == OWNER


def owner_names_among(definitions: Definitions, names: Iterable[str]) -> frozenset[str]:
    """The owner-typed properties among ``names`` (looked up by name, not by walking every
    definition of the type)."""
    by_name = definitions.by_name
    return frozenset(n for n in names if (d := by_name.get(n)) is not None and is_owner_property(d))


def _as_id(value: str) -> int | None:
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_ID_DIGITS:
        return None
    return int(text)


def invalid_owner(name: str, value: str) -> PropertyProblem:
    return PropertyProblem(name, INVALID_OWNER_ID, f"{value} is not a valid owner id")


def _owner_values(names: frozenset[str], values: Mapping[str, str]) -> list[tuple[str, str]]:
    return [(n, v) for n, v in values.items() if n in names and v != ""]


async def live_ids(
    store: OwnerIdsStorage, portal_id: int, values: Iterable[tuple[str, str]]
) -> frozenset[int]:
    wanted = {i for _, v in values if (i := _as_id(v)) is not None}
    return await store.live_owner_ids(portal_id, wanted) if wanted else frozenset()


async def add_owner_problems(
    store: OwnerIdsStorage, portal_id: int, definitions: Definitions, checked: Sequence[Checked]
) -> list[Checked]:
    """``checked`` with an ``INVALID_OWNER_ID`` problem added for every owner-typed value
    that is not a live owner of the portal (unknown, archived, another portal's, not a
    number). No query when no input sets an owner property, and no work per input when no
    input names one."""
    names = owner_names_among(definitions, names_set(map(itemgetter(0), checked)))
    if not names:
        return list(checked)
    per_input = [_owner_values(names, values) for values, _ in checked]
    if not any(per_input):
        return list(checked)
    live = await live_ids(store, portal_id, (pair for pairs in per_input for pair in pairs))
    return [
        (values, problems + tuple(invalid_owner(n, v) for n, v in pairs if _as_id(v) not in live))
        for (values, problems), pairs in zip(checked, per_input, strict=True)
    ]


def owner_label(owner: Owner) -> str:
    """As HubSpot's owner pickers show an owner: the name, or the email when it has none."""
    return f"{owner.first_name} {owner.last_name}".strip() or owner.email


def owner_options(found: Iterable[Owner]) -> tuple[PropertyOption, ...]:
    """The live owners as options: by label (then id), ``displayOrder`` their position."""
    live = sorted((o for o in found if not o.archived), key=lambda o: (owner_label(o), o.id))
    return tuple(
        PropertyOption(owner_label(o), str(o.id), False, "", position)
        for position, o in enumerate(live)
    )


async def with_owner_options(
    store: OwnersStorage, portal_id: int, found: Sequence[PropertyDefinition]
) -> list[PropertyDefinition]:
    """Definitions as the properties API shows them: owner-typed ones list the portal's live
    owners as options (read when at least one of ``found`` is owner-typed)."""
    if not any(is_owner_property(d) for d in found):
        return list(found)
    options = owner_options(await store.all_owners(portal_id))
    return [dataclasses.replace(d, options=options) if is_owner_property(d) else d for d in found]
