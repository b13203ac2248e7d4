"""Association use cases: inline on create, the v4 API (single and batch), the v3
per-object form, and the ``associations=`` of reads.

A link is stored in both directions (``association_types.reverse``), so it reads the same
from either record; links whose far end is archived are never shown. A portal can only
link its own live records: the store checks both ends in the writing transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from localspot.crm import association_limit_checks, association_types, batch_rules
from localspot.crm.association_types import AssociationCatalog, AssociationType
from localspot.crm.context import CrmContext
from localspot.crm.errors import MissingScopes, ResourceNotFound, ValidationError
from localspot.crm.links_storage import Link, LinksStorage, LinkTarget, Unlink
from localspot.crm.model import AssociationInput, InputError, ObjectType
from localspot.crm.records_storage import RecordsStorage

MAX_BATCH_READ = 1_000
MAX_BATCH_CREATE = 2_000
MAX_BATCH_ARCHIVE = 2_000
DEFAULT_PAGE = 500


@dataclass(frozen=True, slots=True)
class Spec:
    """An ``AssociationSpec``: (associationCategory, associationTypeId)."""

    category: str
    type_id: int


@dataclass(frozen=True, slots=True)
class Linked:
    """One record at the far end, with every type that links it (v4's shape)."""

    to_id: int
    types: tuple[AssociationType, ...]


@dataclass(frozen=True, slots=True)
class LinkPage:
    results: tuple[Linked, ...]
    next_after: int | None


@dataclass(frozen=True, slots=True)
class PairResult:
    """What a create answers for one (from, to) pair: the types now between them."""

    from_id: int
    to_id: int
    types: tuple[AssociationType, ...]


@dataclass(frozen=True, slots=True)
class BatchLinks:
    results: tuple[PairResult, ...]
    errors: tuple[InputError, ...]


@dataclass(frozen=True, slots=True)
class ReadResult:
    from_id: int
    linked: tuple[Linked, ...]


def linked_type(ctx: CrmContext[object], name: str) -> ObjectType:
    """The object type at the far end; the caller must be able to read it."""
    return _readable(ctx, ctx.types.resolve(name))


def _readable(ctx: CrmContext[object], to_type: ObjectType) -> ObjectType:
    if to_type.read_scope not in ctx.principal.scopes:
        raise MissingScopes([to_type.read_scope])
    return to_type


def record_id(text: str | int) -> int:
    """A positive id in ASCII digits (a JSON number too); anything else is HubSpot's 400."""
    raw = str(text)
    value = int(raw) if batch_rules.is_ascii_digits(raw) and len(raw) <= 19 else 0
    if not 0 < value < 2**63:
        raise ValidationError(
            f"Invalid object id {text}", sub_category="crm.associations.INVALID_IDENTIFIER"
        )
    return value


def missing_error(object_type: ObjectType, ids: Iterable[int]) -> ValidationError:
    shown = sorted(set(ids))
    return ValidationError(
        f"One or more associations are invalid: no {object_type.singular} with id"
        f" {', '.join(map(str, shown))}",
        context={"ids": [str(i) for i in shown], "objectType": [object_type.error_label]},
    )


def check_batch_size(count: int, maximum: int) -> None:
    if count > maximum:
        raise ValidationError(f"Batch input size {count} exceeds the limit of {maximum} inputs")
    if count < 1:
        raise ValidationError("At least one input is required")


def _type_for(ctx: CrmContext[object], to_type: ObjectType, spec: Spec) -> AssociationType:
    if spec.category not in association_types.CATEGORIES:
        raise ValidationError(
            f"Invalid association category {spec.category}",
            context={"associationCategory": [spec.category]},
        )
    kind = ctx.types.links.find(ctx.object_type, to_type, spec.type_id)
    if kind.category != spec.category:  # type ids are per category: another category's
        raise association_types.pair_error(ctx.object_type, to_type, str(spec.type_id))
    return kind


def both_ways(
    catalog: AssociationCatalog, from_id: int, to_id: int, kind: AssociationType, category: str
) -> list[Link]:
    reverse = catalog.reverse(kind)
    return [
        Link(kind.from_type, from_id, kind.to_type, to_id, kind.type_id, category),
        Link(kind.to_type, to_id, kind.from_type, from_id, reverse.type_id, category),
    ]


def _target_type(ctx: CrmContext[object], type_id: int) -> ObjectType:
    """The object type an inline association points at, known from its type id."""
    for candidate in ctx.types.all_types():
        for kind in ctx.types.links.types_between(ctx.object_type, candidate):
            if kind.type_id == type_id:
                return candidate
    raise ValidationError(
        f"{type_id} is not a valid association type from {ctx.object_type.error_label}",
        context={"type": [str(type_id)], "fromObjectType": [ctx.object_type.error_label]},
        sub_category="crm.associations.INVALID_ASSOCIATION_TYPE",
    )


class InlineStorage(RecordsStorage, LinksStorage, Protocol):
    """What inline associations check: live targets and (for limits) present links."""


async def inline_targets(
    ctx: CrmContext[InlineStorage], inputs: Sequence[Sequence[AssociationInput]]
) -> list[tuple[LinkTarget, ...]]:
    """The links each created record will carry; a whole-request 400 when a type doesn't
    fit or a target is not a live record of the portal (nothing is created then)."""
    targets: list[tuple[LinkTarget, ...]] = []
    wanted: dict[str, set[int]] = {}
    for associations in inputs:
        found: list[LinkTarget] = []
        for association in associations:
            to_id = record_id(association.to_id)
            for category, type_id in association.types:
                to_type = _readable(ctx, _target_type(ctx, type_id))
                kind = _type_for(ctx, to_type, Spec(category, type_id))
                reverse = ctx.types.links.reverse(kind)
                found.append(LinkTarget(to_type.type_id, to_id, type_id, reverse.type_id, category))
                wanted.setdefault(to_type.type_id, set()).add(to_id)
        targets.append(tuple(found))
    for target_type, ids in wanted.items():
        live = await ctx.store.live_ids(ctx.portal_id, target_type, ids)
        if ids - live:
            raise missing_error(ctx.types.resolve(target_type), ids - live)
    await association_limit_checks.check(ctx, association_limit_checks.inline_groups(ctx, targets))
    return targets


async def _types_between(
    ctx: CrmContext[LinksStorage], to_type: ObjectType, from_ids: Sequence[int]
) -> dict[int, list[Linked]]:
    links = await ctx.store.links_of(ctx.portal_id, from_ids, to_type.type_id)
    grouped: dict[int, dict[int, list[AssociationType]]] = {}
    for link in links:
        kind = ctx.types.links.find(ctx.object_type, to_type, link.type_id)
        grouped.setdefault(link.from_id, {}).setdefault(link.to_id, []).append(kind)
    return {
        from_id: [Linked(to_id, tuple(kinds)) for to_id, kinds in by_to.items()]
        for from_id, by_to in grouped.items()
    }


_Planned = tuple[int, int, list[AssociationType], list[str]]
"""(from id, to id, the types to link them with, each type's category)"""


def _plan(
    ctx: CrmContext[object],
    to_type: ObjectType,
    from_text: str,
    to_text: str,
    specs: Sequence[Spec] | None,
) -> _Planned:
    """One pair to link: by the default type (``specs`` None) or the given types."""
    source, target = record_id(from_text), record_id(to_text)
    if specs is None:
        default = ctx.types.links.default_type(ctx.object_type, to_type)
        return source, target, [default], [association_types.HUBSPOT_DEFINED]
    if not specs:
        raise ValidationError("At least one association type is required")
    kinds = [_type_for(ctx, to_type, spec) for spec in specs]
    return source, target, kinds, [s.category for s in specs]


def _plan_links(ctx: CrmContext[object], plan: _Planned) -> list[Link]:
    source, target, kinds, categories = plan
    return [
        row
        for kind, category in zip(kinds, categories, strict=True)
        for row in both_ways(ctx.types.links, source, target, kind, category)
    ]


async def _link_pairs(
    ctx: CrmContext[LinksStorage], to_type: ObjectType, planned: Sequence[_Planned]
) -> tuple[list[PairResult], list[tuple[int, int]]]:
    """Write the pairs (both ways); (the pairs linked, with every type now between them;
    the pairs not written because an end is not a live record of the portal)."""
    links = [row for plan in planned for row in _plan_links(ctx, plan)]
    skipped = await ctx.store.add_links(ctx.portal_id, links, ctx.clock.now_ms())
    failed = {(s.from_id, s.to_id) for s in skipped if s.from_type == ctx.object_type.type_id}
    now = await _types_between(ctx, to_type, sorted({p[0] for p in planned}))
    results = [
        PairResult(
            source,
            target,
            next((x.types for x in now.get(source, []) if x.to_id == target), tuple(kinds)),
        )
        for source, target, kinds, _ in planned
        if (source, target) not in failed
    ]
    return results, [(p[0], p[1]) for p in planned if (p[0], p[1]) in failed]


def _missing_pair(
    ctx: CrmContext[object], to_type: ObjectType, source: int, target: int
) -> tuple[str, dict[str, tuple[str, ...]]]:
    """The message and context for a pair whose ends are not both live in the portal."""
    message = (
        f"One or more associations are invalid: no live {ctx.object_type.singular}"
        f" {source} or {to_type.singular} {target} in this portal"
    )
    return message, {"fromObjectId": (str(source),), "toObjectId": (str(target),)}


async def link(
    ctx: CrmContext[LinksStorage],
    from_id: str,
    to_type_name: str,
    to_id: str,
    specs: Sequence[Spec] | None,
) -> PairResult:
    """PUT a default (``specs`` None) or labelled association; answers the pair's types."""
    to_type = linked_type(ctx, to_type_name)
    plan = _plan(ctx, to_type, from_id, to_id, specs)
    await association_limit_checks.check(ctx, [_plan_links(ctx, plan)])
    results, failed = await _link_pairs(ctx, to_type, [plan])
    if failed:
        message, context = _missing_pair(ctx, to_type, *failed[0])
        raise ValidationError(message, context=context)
    return results[0]


async def unlink(
    ctx: CrmContext[LinksStorage],
    from_id: str,
    to_type_name: str,
    to_id: str,
    kinds: Sequence[AssociationType] | None = None,
) -> None:
    """Remove every link (or the given types) between two records, in both directions."""
    to_type = linked_type(ctx, to_type_name)
    pair = (record_id(from_id), record_id(to_id))
    removals = _unlinks(ctx, to_type, [pair], kinds)
    await ctx.store.remove_links(ctx.portal_id, removals, ctx.clock.now_ms())


def _unlinks(
    ctx: CrmContext[object],
    to_type: ObjectType,
    pairs: Sequence[tuple[int, int]],
    kinds: Sequence[AssociationType] | None,
) -> list[Unlink]:
    """Both directions of each pair's links (of ``kinds``, or of every type)."""
    forward = reverse = None
    if kinds is not None:
        forward = frozenset(k.type_id for k in kinds)
        reverse = frozenset(ctx.types.links.reverse(k).type_id for k in kinds)
    from_type = ctx.object_type.type_id
    return [
        removal
        for source, target in pairs
        for removal in (
            Unlink(source, to_type.type_id, target, forward),
            Unlink(target, from_type, source, reverse),
        )
    ]


async def page(
    ctx: CrmContext[LinksStorage], from_id: str, to_type_name: str, after: str | None, limit: int
) -> LinkPage:
    """One record's links to a type, by far-end id; ``after`` is the last id shown."""
    to_type = linked_type(ctx, to_type_name)
    if not 1 <= limit <= DEFAULT_PAGE:
        raise ValidationError(f"limit must be between 1 and {DEFAULT_PAGE}")
    start = record_id(after) if after else 0
    source = record_id(from_id)
    linked = (await _types_between(ctx, to_type, [source])).get(source, [])
    rest = [x for x in linked if x.to_id > start]
    shown = rest[:limit]
    return LinkPage(tuple(shown), shown[-1].to_id if len(rest) > limit else None)


async def batch_link(
    ctx: CrmContext[LinksStorage],
    to_type_name: str,
    inputs: Sequence[tuple[str, str, Sequence[Spec] | None]],
) -> BatchLinks:
    """v4 batch create (specs) and batch associate/default (None): inputs whose ends are
    not live records of the portal become 207 errors; the others are written."""
    to_type = linked_type(ctx, to_type_name)
    check_batch_size(len(inputs), MAX_BATCH_CREATE)
    planned = [_plan(ctx, to_type, f, t, specs) for f, t, specs in inputs]
    refused = await association_limit_checks.refused(ctx, [_plan_links(ctx, p) for p in planned])
    errors = [association_limit_checks.input_error(r) for r in refused if r is not None]
    planned = [p for p, r in zip(planned, refused, strict=True) if r is None]
    results, failed = await _link_pairs(ctx, to_type, planned) if planned else ([], [])
    for source, target in failed:
        message, context = _missing_pair(ctx, to_type, source, target)
        errors.append(InputError("VALIDATION_ERROR", message, context))
    return BatchLinks(tuple(dict.fromkeys(results)), tuple(errors))


async def batch_read(
    ctx: CrmContext[LinksStorage], to_type_name: str, from_ids: Sequence[str]
) -> tuple[list[ReadResult], list[InputError]]:
    to_type = linked_type(ctx, to_type_name)
    check_batch_size(len(from_ids), MAX_BATCH_READ)
    ids = list(dict.fromkeys(record_id(i) for i in from_ids))
    linked = await _types_between(ctx, to_type, ids)
    results = [ReadResult(i, tuple(linked[i])) for i in ids if linked.get(i)]
    errors = [
        InputError(
            category="OBJECT_NOT_FOUND",
            message=f"No {to_type.singular} is associated with {ctx.object_type.singular} {i}.",
            context={"fromObjectId": (str(i),)},
            sub_category="crm.associations.NO_ASSOCIATIONS_FOUND",
        )
        for i in ids
        if not linked.get(i)
    ]
    return results, errors


async def batch_unlink(
    ctx: CrmContext[LinksStorage],
    to_type_name: str,
    inputs: Sequence[tuple[str, Sequence[str], Sequence[Spec] | None]],
) -> None:
    """v4 batch archive (every type, ``None``) and labels/archive (the given types). Every
    input is checked before anything is removed, then all go in one store call: a bad id
    or type fails the whole request and removes nothing."""
    to_type = linked_type(ctx, to_type_name)
    check_batch_size(len(inputs), MAX_BATCH_ARCHIVE)
    removals: list[Unlink] = []
    for from_text, to_texts, specs in inputs:
        kinds = None if specs is None else [_type_for(ctx, to_type, s) for s in specs]
        pairs = [(record_id(from_text), record_id(t)) for t in to_texts]
        removals += _unlinks(ctx, to_type, pairs, kinds)
    await ctx.store.remove_links(ctx.portal_id, removals, ctx.clock.now_ms())


async def shown_with_records(
    ctx: CrmContext[LinksStorage], record_ids: Sequence[int], names: Sequence[str]
) -> dict[int, dict[str, list[tuple[int, str]]]]:
    """``associations=contacts,companies`` of v3 reads: record id → type name → (far-end
    id, association type name). Unknown names are ignored, as HubSpot does."""
    shown: dict[int, dict[str, list[tuple[int, str]]]] = {}
    for name in dict.fromkeys(names):
        try:
            to_type = ctx.types.resolve(name)
        except ResourceNotFound:  # an unknown name is skipped, not an error
            continue
        if to_type.read_scope not in ctx.principal.scopes:
            continue
        linked = await _types_between(ctx, to_type, record_ids)
        for from_id, far in linked.items():
            entries = [(x.to_id, kind.name) for x in far for kind in x.types]
            shown.setdefault(from_id, {})[to_type.name] = entries
    return shown
