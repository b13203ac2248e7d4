"""Whole-portal use cases of the test double: reset, delete, snapshot, restore, seeded ids.

A restore is a faithful copy, so values are not checked again; the domain only rebuilds what
it owns, the unique-value claims and search's index, from the snapshot's own definitions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import fields, is_dataclass, replace
from itertools import chain

from localspot.crm.accounts import portal_not_found
from localspot.crm.errors import Conflict, HubSpotError, ValidationError
from localspot.crm.portal_admin_storage import PortalAdminStorage, PortalDump, RecordDump
from localspot.crm.properties import Definitions, merged_definitions
from localspot.crm.type_registry import type_for_index

MAX_ID_SEED = 99_999_999
"""Seeds own blocks of ten million ids each, kept below 2**53 (see store/id_sequences.py)."""


async def reset(
    store: PortalAdminStorage, portal_id: int, *, keep_custom_properties: bool = False
) -> None:
    if not await store.reset_portal(portal_id, keep_custom_properties=keep_custom_properties):
        raise portal_not_found(portal_id)


async def delete(store: PortalAdminStorage, portal_id: int) -> None:
    if not await store.delete_portal(portal_id):
        raise portal_not_found(portal_id)


async def snapshot(store: PortalAdminStorage, portal_id: int) -> PortalDump:
    dump = await store.dump_portal(portal_id)
    if dump is None:
        raise portal_not_found(portal_id)
    return dump


async def seed_ids(store: PortalAdminStorage, portal_id: int, seed: int | None) -> None:
    if seed is not None and not 0 <= seed <= MAX_ID_SEED:
        raise ValidationError(f"seed must be between 0 and {MAX_ID_SEED}")
    if not await store.set_id_seed(portal_id, seed):
        raise portal_not_found(portal_id)


def _definitions(dump: PortalDump) -> dict[str, Definitions]:
    type_ids = {r.type_id for r in dump.records} | {t for t, _ in dump.properties}
    type_ids |= {t for t, _ in dump.groups}
    found: dict[str, Definitions] = {}
    for type_id in sorted(type_ids):
        try:
            object_type = type_for_index(type_id)
        except (HubSpotError, ValueError):
            raise ValidationError(f"Unknown object type in snapshot: {type_id}") from None
        custom = [d for t, d in dump.properties if t == type_id]
        found[type_id] = merged_definitions(object_type, custom)
    return found


def _with_lookups(record: RecordDump, definitions: Definitions) -> RecordDump:
    unique = definitions.unique_names().intersection(record.properties)
    return replace(record, unique_names=frozenset(unique))


def _strings(value: object) -> Iterator[str]:
    """Every string in a value made of dataclasses, mappings (keys too) and sequences."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, tuple | list | set | frozenset):
        for item in value:
            yield from _strings(item)
    elif is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            yield from _strings(getattr(value, f.name))


def _record_has_nul(record: RecordDump) -> bool:
    """The walk of ``_strings`` in the shape of a record: records are most of a snapshot."""
    texts = chain(record.properties, record.properties.values(), (record.type_id,))
    history = ((n, e.value, e.source_type or "", e.source_id or "") for n, e in record.history)
    return any("\x00" in t for t in chain(texts, chain.from_iterable(history)))


def check_no_nul(dump: PortalDump) -> None:
    """PostgreSQL can't store U+0000, so neither database takes a snapshot holding it."""
    for record in dump.records:
        if _record_has_nul(record):
            raise _nul_error(f"record {record.id}")
    rest = (
        dump.name,
        dump.tier,
        dump.timezone,
        dump.properties,
        dump.groups,
        dump.associations,
        dump.schemas,
        dump.association_definitions,
        dump.association_limits,
        dump.lists,
        dump.list_folders,
    )
    if any("\x00" in text for text in _strings(rest)):
        raise _nul_error("a portal, property, group or association field")
    if any("\x00" in text for text in _strings(dump.owners)):
        raise _nul_error("an owner field")
    if any("\x00" in team.name for team in dump.teams):
        raise _nul_error("a team name")
    if any("\x00" in text for text in _strings(dump.timeline_events)):
        raise _nul_error("a timeline event")


def _nul_error(where: str) -> ValidationError:
    return ValidationError(f"Invalid snapshot: {where} contains a NUL character (\\u0000)")


def _check_owners(dump: PortalDump) -> None:
    """Owner ids, userIds and deal split ids are keys; a live owner's email is unique in
    its portal."""
    for what, keys in (
        ("Owner ids", [o.id for o in dump.owners]),
        ("Owner userIds", [o.user_id for o in dump.owners]),
        ("Live owner emails", [o.email.lower() for o in dump.owners if not o.archived]),
        ("Deal split ids", [s.id for s in dump.deal_splits]),
    ):
        repeated = sorted(str(k) for k, n in Counter(keys).items() if n > 1)
        if repeated:
            raise ValidationError(f"{what} repeat in the snapshot", context={"ids": repeated})


def _check_teams(dump: PortalDump) -> None:
    """Team ids are keys; a membership names a team and an owner of the snapshot, once; an
    owner has at most one primary team."""
    teams = Counter(t.id for t in dump.teams)
    pairs = Counter((m.owner_id, m.team_id) for m in dump.team_members)
    primaries = Counter(m.owner_id for m in dump.team_members if m.primary)
    owner_ids = {o.id for o in dump.owners}
    for what, repeated in (
        ("Team ids repeat", [k for k, n in teams.items() if n > 1]),
        ("Team memberships repeat", [o for (o, _), n in pairs.items() if n > 1]),
        ("Owners have more than one primary team", [k for k, n in primaries.items() if n > 1]),
        ("Team memberships name unknown owners", [o for o, _ in pairs if o not in owner_ids]),
        ("Team memberships name unknown teams", [t for _, t in pairs if t not in teams]),
    ):
        if repeated:
            ids = sorted({str(i) for i in repeated})
            raise ValidationError(f"{what} in the snapshot", context={"ids": ids})


def _check_schemas(dump: PortalDump) -> None:
    """Schema numbers and names (any case) and association type ids are keys; a definition's
    inverse is in the snapshot too."""
    type_ids = Counter(d.type_id for d in dump.association_definitions)
    for what, keys in (
        ("Schema numbers", [s.number for s in dump.schemas]),
        ("Schema names", [s.name.lower() for s in dump.schemas]),
        ("Association type ids", list(type_ids.elements())),
    ):
        repeated = sorted(str(k) for k, n in Counter(keys).items() if n > 1)
        if repeated:
            raise ValidationError(f"{what} repeat in the snapshot", context={"ids": repeated})
    orphans = sorted(
        str(d.type_id) for d in dump.association_definitions if d.inverse_type_id not in type_ids
    )
    if orphans:
        raise ValidationError(
            "Association definitions without their inverse in the snapshot",
            context={"ids": orphans},
        )


def _repeats(what: str, keys: list[object]) -> None:
    repeated = sorted(str(k) for k, n in Counter(keys).items() if n > 1)
    if repeated:
        raise ValidationError(f"{what} repeat in the snapshot", context={"ids": repeated})


def _refuse(what: str, ids: Iterable[object]) -> None:
    found = sorted({str(i) for i in ids})
    if found:
        raise ValidationError(f"{what} in the snapshot", context={"ids": found[:100]})


def _folder_cycles(parents: Mapping[int, int]) -> list[int]:
    """Folders that are their own ancestors."""
    looping = []
    for start in parents:
        seen, at = {start}, parents[start]
        while at in parents and at not in seen:
            seen.add(at)
            at = parents[at]
        if at == start or at in seen:
            looping.append(start)
    return looping


def _check_lists(dump: PortalDump) -> None:
    """List, legacy and folder ids are keys, a live list's name (in any case) too; folders
    and lists sit in folders of the snapshot (or the root, 0) without cycles; a member is
    a live record of its list's type, once."""
    _repeats("List ids", [x.id for x in dump.lists])
    _repeats("Legacy list ids", [x.legacy_id for x in dump.lists if x.legacy_id is not None])
    _repeats("List names", [x.name.lower() for x in dump.lists if x.deleted_at is None])
    _repeats("List folder ids", [f.id for f in dump.list_folders])
    _repeats("List members", [(m[0], m[1]) for m in dump.list_members])
    parents = {f.id: f.parent_id for f in dump.list_folders}
    _refuse("Folders in unknown folders", [f for f, p in parents.items() if p and p not in parents])
    _refuse("Folders inside themselves", _folder_cycles(parents))
    _refuse(
        "Lists in unknown folders",
        [x.id for x in dump.lists if x.folder_id and x.folder_id not in parents],
    )
    types = {x.id: x.object_type for x in dump.lists}
    live = {r.id: r.type_id for r in dump.records if not r.archived}
    _refuse(
        "List members that are no live record of their list's type",
        [
            record
            for list_id, record, _ in dump.list_members
            if live.get(record, "") != types.get(list_id)
        ],
    )


def plan_restore(dump: PortalDump) -> PortalDump:
    """Check the snapshot's shape and fill in each record's unique claims."""
    check_no_nul(dump)
    repeated = sorted(i for i, n in Counter(r.id for r in dump.records).items() if n > 1)
    if repeated:
        ids = [str(i) for i in repeated]
        raise ValidationError("Record ids repeat in the snapshot", context={"ids": ids})
    _check_owners(dump)
    _check_teams(dump)
    _check_schemas(dump)
    _check_lists(dump)
    _repeats("Timeline events", [(e.template_id, e.id) for e in dump.timeline_events])
    definitions = _definitions(dump)
    records = tuple(_with_lookups(r, definitions[r.type_id]) for r in dump.records)
    return replace(dump, records=records)


async def restore(store: PortalAdminStorage, portal_id: int, dump: PortalDump) -> None:
    """Replace the portal's contents with the snapshot's, keeping ids and times."""
    result = await store.restore_portal(portal_id, plan_restore(dump))
    if not result.found:
        raise portal_not_found(portal_id)
    if result.held_elsewhere:
        held = sorted(result.held_elsewhere)
        raise Conflict(
            f"{len(held)} record ids of the snapshot belong to another portal; nothing restored",
            context={"ids": [str(i) for i in held[:100]]},
        )
