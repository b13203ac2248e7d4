"""Finding lists (hubspot-behaviour §16.1): the search with its ``additionalProperties``, and
the translation of legacy (v1) list ids. A portal's lists are few, so both read them all and
filter here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from localspot.crm import list_rules as rules
from localspot.crm.errors import ResourceNotFound, ValidationError
from localspot.crm.lists import Ctx, split_ids
from localspot.crm.lists_storage import ObjectList

DEFAULT_COUNT = 20
DEFAULT_PROPERTIES = (
    "hs_list_size",
    "hs_last_record_added_at",
    "hs_last_record_removed_at",
    "hs_folder_name",
    "hs_list_reference_count",
)
"""What every hit carries in ``additionalProperties`` (when set) besides those asked for."""
SORTS: Mapping[str, Callable[[ObjectList], Any]] = {
    "listId": lambda x: x.id,
    "name": lambda x: (x.name.lower(), x.id),
    "createdAt": lambda x: (x.created_at, x.id),
    "updatedAt": lambda x: (x.updated_at, x.id),
    "processingType": lambda x: (x.processing_type, x.id),
    "hs_list_size": lambda x: (x.size, x.id),
}
"""``sort`` takes one of these names, ``-`` in front for descending; default ``listId``."""


@dataclass(frozen=True, slots=True)
class SearchInput:
    query: str | None = None
    offset: int = 0
    count: int | None = None
    processing_types: Sequence[str] | None = None
    list_ids: Sequence[str] | None = None
    object_type_id: str | None = None
    additional_properties: Sequence[str] = ()
    sort: str | None = None


@dataclass(frozen=True, slots=True)
class SearchHit:
    found: ObjectList
    properties: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class SearchPage:
    hits: tuple[SearchHit, ...]
    total: int
    next_offset: int
    has_more: bool


def list_properties(found: ObjectList, folder_names: Mapping[int, str]) -> dict[str, str]:
    """Every additional property a list has a value for."""
    values: dict[str, str | None] = {
        "hs_list_size": str(found.size),
        "hs_last_record_added_at": _text(found.last_added_at),
        "hs_last_record_removed_at": _text(found.last_removed_at),
        "hs_folder_name": folder_names.get(found.folder_id),
        "hs_folder_id": str(found.folder_id) if found.folder_id else None,
        "hs_list_reference_count": "0",
    }
    custom = found.extra.get("customProperties")
    if isinstance(custom, dict):
        values.update({str(k): str(v) for k, v in custom.items() if k not in values})
    return {name: value for name, value in values.items() if value not in (None, "")}


def _text(value: int | None) -> str | None:
    return None if value is None else str(value)


def _sorter(raw: str | None) -> tuple[Callable[[ObjectList], Any], bool]:
    name = (raw or "listId").strip()
    descending = name.startswith("-")
    key = SORTS.get(name.removeprefix("-"))
    if key is None:
        raise ValidationError(
            f"Unknown sort '{raw}': use one of {', '.join(SORTS)} (with - for descending)",
            context={"sort": [str(raw)]},
        )
    return key, descending


def _wanted(data: SearchInput) -> Callable[[ObjectList], bool]:
    """The search's filters as one predicate."""
    kinds = [rules.processing_type(k) for k in data.processing_types or ()]
    ids = None
    if data.list_ids:
        texts = split_ids(data.list_ids)
        if len(rules.numeric_ids(texts)) != len(texts):
            raise ValidationError("listIds must be list ids", context={"listIds": texts})
        ids = set(rules.numeric_ids(texts).values())
    query = (data.query or "").strip().lower()

    def wanted(x: ObjectList) -> bool:
        return (
            x.deleted_at is None
            and (not kinds or x.processing_type in kinds)
            and (ids is None or x.id in ids)
            and (not data.object_type_id or x.object_type == data.object_type_id)
            and query in x.name.lower()
        )

    return wanted


async def search_lists(ctx: Ctx, data: SearchInput) -> SearchPage:
    given = DEFAULT_COUNT if data.count is None else data.count
    count = rules.check_range("count", given, 1, rules.MAX_SEARCH_COUNT)
    offset = rules.check_range("offset", data.offset, 0, 2**31 - 1)
    key, descending = _sorter(data.sort)
    wanted = _wanted(data)
    found = sorted(
        (x for x in await ctx.store.lists_of(ctx.portal_id) if wanted(x)),
        key=key,
        reverse=descending,
    )
    folders = {f.id: f.name for f in await ctx.store.folders_of(ctx.portal_id)}
    names = set(DEFAULT_PROPERTIES) | set(data.additional_properties)
    page = found[offset : offset + count]
    hits = tuple(
        SearchHit(x, {k: v for k, v in list_properties(x, folders).items() if k in names})
        for x in page
    )
    next_offset = offset + len(page)
    return SearchPage(hits, len(found), next_offset, next_offset < len(found))


async def translate_legacy_id(ctx: Ctx, raw: str | None) -> tuple[int, int]:
    """(legacy id, list id) of a contact list's v1 id."""
    text = (raw or "").strip()
    if not text:
        raise ValidationError("legacyListId is required", context={"legacyListId": []})
    found, _ = await translate_legacy_ids(ctx, [text])
    if not found:
        raise ResourceNotFound(
            f"No list has the legacy list id {text}", context={"legacyListId": [text]}
        )
    return found[0]


async def translate_legacy_ids(
    ctx: Ctx, raws: Sequence[str], limit: int = rules.MAX_LEGACY_IDS
) -> tuple[list[tuple[int, int]], list[str]]:
    """The (legacy id, list id) pairs found, and the ids given that name no list."""
    if len(raws) > limit:
        raise ValidationError(f"At most {limit} legacy list ids can be translated at once")
    by_legacy = {
        x.legacy_id: x.id
        for x in await ctx.store.lists_of(ctx.portal_id)
        if x.legacy_id is not None
    }
    numeric = rules.numeric_ids(raws)
    found, missing = [], []
    for text in dict.fromkeys(raws):
        legacy = numeric.get(text)
        if legacy is not None and legacy in by_legacy:
            found.append((legacy, by_legacy[legacy]))
        else:
            missing.append(text)
    return found, missing
