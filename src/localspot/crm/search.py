"""CRM search (hubspot-behaviour §2.7, §3.6): HubSpot's request rules and limits, turned
into a small typed filter tree (``SearchQuery``, in ``crm/search_storage.py`` with the store
role that runs it on its index).

How values compare, and why the index looks as it does: every value is also kept as index
entries computed here (``index_entries``) when its record is indexed, which is not when it
is written: writes only queue the record, and the queue is indexed in slices before the
next search of its portal and type, or while the server is idle (``refresh_index``):

- a number (``number``; ``date``/``datetime`` as epoch ms; ``bool`` as 0/1), or
- a string: ``string``/``phone_number`` lower-cased, so comparisons are case-insensitive;
  ``enumeration`` exactly as stored, so they are case-sensitive; a multi-select
  (``checkbox``) value gives one entry per selected option;
- and for a text value (not an enumeration: an option is one word already) its words
  (``tokens``), for ``CONTAINS_TOKEN`` and the free-text ``query``: maximal runs of letters,
  digits and ``_``, lower-cased, HTML tags dropped first; at most ``MAX_TOKENS`` distinct
  words of one value, each cut to ``MAX_TOKEN_LENGTH`` characters.

A filter's value is typed the same way, so the store compares like with like and never
parses a value itself. The three system properties are the record's own columns.

Filter semantics: ``NEQ``, ``NOT_IN``, ``NOT_HAS_PROPERTY`` and ``NOT_CONTAINS_TOKEN`` also
match records without a value. ``CONTAINS_TOKEN`` splits its value into words the same
way; every word must be a word of the value (``*`` stands for any characters inside a
word); on an enumeration the words match whole options, case-sensitively; on a number, a
date or a flag the value is compared as ``EQ``/``NEQ``. Each word of ``query`` (its first
``MAX_QUERY_WORDS``) must begin a word of one of the type's query properties.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from localspot.crm.context import CrmContext
from localspot.crm.definitions_storage import DefinitionsStorage
from localspot.crm.errors import ResourceNotFound, ValidationError
from localspot.crm.model import PropertyDefinition, Record
from localspot.crm.properties import Definitions, load_definitions
from localspot.crm.property_types import parse_instant, sort_key
from localspot.crm.reads import Selection, select
from localspot.crm.search_storage import (
    Condition,
    IndexEntry,
    IndexValues,
    SearchIndexStorage,
    SearchPage,
    SearchQuery,
    SortSpec,
)
from localspot.crm.type_registry import BUILTIN_TYPES, PortalTypes, type_for_index

OPERATOR_ORDER = (
    "EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN",
    "HAS_PROPERTY", "NOT_HAS_PROPERTY", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN",
)  # fmt: skip
"""Search's filter operators, in HubSpot's documented order (the inspector's choices)."""
OPERATORS = frozenset(OPERATOR_ORDER)
MAX_GROUPS, MAX_FILTERS_PER_GROUP, MAX_FILTERS = 5, 6, 18
MAX_LIMIT, MAX_RESULTS, MAX_QUERY_LENGTH = 200, 10_000, 3_000
MAX_TOKENS, MAX_TOKEN_LENGTH, MAX_QUERY_WORDS = 1_000, 100, 64
NUMERIC_TYPES = frozenset({"number", "date", "datetime", "bool"})
FILTER_CLASS = "com.hubspot.inbounddb.publicobject.core.v3.search.Filter"


class SearchStorage(DefinitionsStorage, SearchIndexStorage, Protocol):
    """What search uses: the definitions to type filters with, and the index."""


_WORD = re.compile(r"\w+")
_PATTERN_WORD = re.compile(r"[\w*]+")
_TAG = re.compile(r"<[^>]*>")


@dataclass(frozen=True, slots=True)
class FilterInput:
    property_name: str
    operator: str
    value: str | None = None
    high_value: str | None = None
    values: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class SearchRequest:
    groups: tuple[tuple[FilterInput, ...], ...]
    sort: tuple[str, bool] | None  # (property, descending)
    query: str | None
    properties: tuple[str, ...]
    limit: int
    after: int


def tokens(text: str, *, markup: bool = False) -> tuple[str, ...]:
    """The distinct words of a value, in order (see the module docstring)."""
    if markup:
        text = html.unescape(_TAG.sub(" ", text))
    words = (w[:MAX_TOKEN_LENGTH] for w in _WORD.findall(text.lower()))
    return tuple(dict.fromkeys(words))[:MAX_TOKENS]


def word_patterns(text: str) -> tuple[str, ...]:
    """``CONTAINS_TOKEN``'s value as word patterns; words of ``*`` alone match anything."""
    words = _PATTERN_WORD.findall(text)
    return tuple(dict.fromkeys(w[:MAX_TOKEN_LENGTH] for w in words if w.strip("*")))


def is_multi(definition: PropertyDefinition) -> bool:
    return definition.type == "enumeration" and definition.field_type == "checkbox"


def index_entries(definition: PropertyDefinition, value: str) -> tuple[IndexEntry, ...]:
    """The index entries of one stored value (none for a cleared value)."""
    if value == "":
        return ()
    if is_multi(definition):
        return tuple((None, part, ()) for part in value.split(";") if part)
    key = sort_key(definition, value)
    if definition.type in NUMERIC_TYPES:
        return ((float(key), None, ()),) if isinstance(key, int | float) else ()
    if definition.type == "enumeration":
        return ((None, value, ()),)
    words = tokens(value, markup=definition.field_type == "html")
    return ((None, str(key), words),)


def index_map(
    definitions: Definitions, values: Mapping[str, str]
) -> dict[str, tuple[IndexEntry, ...]]:
    return {
        name: index_entries(definitions.by_name[name], value)
        for name, value in values.items()
        if name in definitions.by_name
    }


_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _invalid(message: str, **context: Sequence[str]) -> ValidationError:
    return ValidationError(message, context={k: list(v) for k, v in context.items()})


def _number(definition: PropertyDefinition, raw: str) -> float:
    text = raw.strip()
    if definition.type == "bool":
        found = {"true": 1.0, "false": 0.0}.get(text.lower())
    elif definition.type in ("date", "datetime"):
        instant = parse_instant(text)
        found = None if instant is None else float(instant)
    else:
        found = float(text) if _DECIMAL.fullmatch(text) else None  # float() takes "３"
    if found is None or found != found:  # NaN compares with nothing
        name = definition.name
        raise _invalid(f"{raw} is not a valid value for {name}", propertyName=[name])
    return found


def _typed(definition: PropertyDefinition, operator: str, raw: str) -> float | str:
    """A filter value in the form the index holds. HubSpot compares ``IN``/``NOT_IN``
    values on strings as given: they must be lower case to match."""
    if definition.type in NUMERIC_TYPES:
        return _number(definition, raw)
    if definition.type == "enumeration" or operator in ("IN", "NOT_IN"):
        return raw
    return raw.lower()


def _missing(operator: str, what: str) -> ValidationError:
    """HubSpot's own wording (captured for BETWEEN without highValue)."""
    return _invalid(
        f"Invalid input JSON: Cannot construct instance of `{FILTER_CLASS}`,"
        f" problem: operator {operator} requires {what}"
    )


def _raw_values(f: FilterInput) -> tuple[str, ...]:
    values = _given_values(f)
    if any("\x00" in v for v in values):  # never stored, and PostgreSQL refuses to compare
        raise _invalid(
            f"Filter value for {f.property_name} contains a NUL character (\\u0000)",
            propertyName=[f.property_name],
        )
    return values


def _given_values(f: FilterInput) -> tuple[str, ...]:
    op = f.operator
    if op in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
        return ()
    if op in ("IN", "NOT_IN"):
        if not f.values:
            raise _missing(op, "values")
        return f.values
    if f.value is None:
        raise _missing(op, "a value")
    if op == "BETWEEN":
        if f.high_value is None:
            raise _missing(op, "a highValue")
        return (f.value, f.high_value)
    return (f.value,)


def _definition(definitions: Definitions, name: str, purpose: str) -> PropertyDefinition:
    definition = definitions.by_name.get(name)
    if definition is None or name in definitions.object_type.not_filterable:
        raise _invalid(f"Invalid property name {name} for {purpose}", propertyName=[name])
    return definition


ASSOCIATION_PREFIX = "associations."
ASSOCIATION_OPERATORS = frozenset({"EQ", "NEQ", "IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY"})


def _association_condition(f: FilterInput, types: PortalTypes) -> Condition:
    """``associations.contact`` (hubspot-behaviour §3.6): records linked to the given record
    ids of that type; ``column`` holds the linked type's id."""
    target = f.property_name[len(ASSOCIATION_PREFIX) :]
    try:
        linked_type = types.resolve(target)
    except ResourceNotFound:
        raise _invalid(
            f"Invalid property name {f.property_name} for search", propertyName=[f.property_name]
        ) from None
    if f.operator not in ASSOCIATION_OPERATORS:
        raise _invalid(
            f"Operator {f.operator} is not supported for {f.property_name}",
            operator=[f.operator],
        )
    ids: list[float] = []
    for raw in _raw_values(f):
        text = raw.strip()
        if not _INTEGER.fullmatch(text):  # int() takes "３" and "1_0" too
            raise _invalid(f"{raw} is not a valid record id", value=[raw])
        ids.append(float(text))
    return Condition(f.property_name, f.operator, "association", tuple(ids), linked_type.type_id)


def _condition(definitions: Definitions, f: FilterInput, types: PortalTypes) -> Condition:
    if f.operator not in OPERATORS:
        raise _invalid(f"Unknown operator {f.operator}", operator=[f.operator])
    if f.property_name.startswith(ASSOCIATION_PREFIX):
        return _association_condition(f, types)
    name, op = f.property_name, f.operator
    definition = _definition(definitions, name, "search")
    raw = _raw_values(f)
    column = definitions.object_type.system_columns.get(name)
    numeric = definition.type in NUMERIC_TYPES
    if op in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        if numeric:  # a number, a date or a flag is one word: the value itself
            op = "EQ" if op == "CONTAINS_TOKEN" else "NEQ"
        elif definition.type == "enumeration":
            return Condition(name, op, "pattern", word_patterns(raw[0]), None, is_multi(definition))
        else:
            return Condition(name, op, "token", word_patterns(raw[0].lower()))
    values = tuple(_typed(definition, op, r) for r in raw)
    kind = "column" if column else ("number" if numeric else "string")
    return Condition(name, op, kind, values, column, is_multi(definition))


def check_limits(request: SearchRequest) -> None:
    if len(request.groups) > MAX_GROUPS:
        raise _invalid(f"Too many filter groups: {len(request.groups)} (maximum {MAX_GROUPS})")
    if any(len(g) > MAX_FILTERS_PER_GROUP for g in request.groups):
        raise _invalid(f"A filter group can hold at most {MAX_FILTERS_PER_GROUP} filters")
    if sum(len(g) for g in request.groups) > MAX_FILTERS:
        raise _invalid(f"A search can hold at most {MAX_FILTERS} filters in total")
    if not 1 <= request.limit <= MAX_LIMIT:
        raise _invalid(f"limit must be between 1 and {MAX_LIMIT}", limit=[str(request.limit)])
    if request.after < 0 or request.after + request.limit > MAX_RESULTS:
        raise _invalid(
            f"Search can page through at most {MAX_RESULTS} results", after=[str(request.after)]
        )
    if request.query and len(request.query) > MAX_QUERY_LENGTH:
        raise _invalid(f"query can be at most {MAX_QUERY_LENGTH} characters long")


def _sort(definitions: Definitions, sort: tuple[str, bool] | None) -> SortSpec | None:
    if sort is None:
        return None
    name, descending = sort
    definition = _definition(definitions, name, "sorting")
    column = definitions.object_type.system_columns.get(name)
    kind = "column" if column else ("number" if definition.type in NUMERIC_TYPES else "string")
    return SortSpec(name, kind, descending, column, is_multi(definition))


def build(
    definitions: Definitions, request: SearchRequest, types: PortalTypes = BUILTIN_TYPES
) -> SearchQuery:
    check_limits(request)
    groups = tuple(tuple(_condition(definitions, f, types) for f in g) for g in request.groups if g)
    return SearchQuery(
        groups=groups,
        text_words=tokens(request.query or "")[:MAX_QUERY_WORDS],
        text_names=definitions.object_type.search_query_properties,
        sort=_sort(definitions, request.sort),
        limit=request.limit,
        offset=request.after,
    )


async def refresh_index(
    ctx: CrmContext[SearchIndexStorage], definitions: Definitions, limit: int | None = None
) -> int:
    """Index the records written since the last search (see ``store/search_index.py``)."""
    return await ctx.store.refresh_index(
        ctx.portal_id, ctx.object_type.type_id, _entries_of(definitions), limit
    )


def _entries_of(definitions: Definitions) -> Callable[[Record], IndexValues]:
    return lambda record: index_map(definitions, record.properties)


async def index_some(store: SearchStorage, limit: int) -> int:
    """Index about ``limit`` queued records of one portal and type (idle-time work)."""
    waiting = await store.queued_for_index()
    if not waiting:
        return 0
    portal_id, type_id = waiting[0]
    definitions = await load_definitions(store, portal_id, type_for_index(type_id))
    return await store.refresh_index(portal_id, type_id, _entries_of(definitions), limit)


async def reindex(store: SearchStorage, portal_id: int | None) -> int:
    """Rebuild search's index from the records (after its rules changed): queue every
    record, then index the queue, one portal and type at a time, in slices."""
    await store.queue_for_reindex(portal_id)
    indexed = 0
    while waiting := await store.queued_for_index(portal_id):
        for scope_portal, type_id in waiting:
            object_type = type_for_index(type_id)
            definitions = await load_definitions(store, scope_portal, object_type)
            entries_of = _entries_of(definitions)
            indexed += await store.refresh_index(scope_portal, type_id, entries_of)
    return indexed


async def run(
    ctx: CrmContext[SearchStorage], request: SearchRequest, count_limit: int | None = None
) -> tuple[SearchPage, Selection]:
    """One search: check, build, bring the index up to date with every write so far, then
    one store call. Archived records never match. ``count_limit`` caps ``total`` (the API
    counts every match; the inspector needs no more than the pages it can reach)."""
    definitions = await load_definitions(ctx.store, ctx.portal_id, ctx.object_type)
    query = replace(build(definitions, request, ctx.types), count_limit=count_limit)
    selection = select(definitions, request.properties, ())
    await refresh_index(ctx, definitions)
    page = await ctx.store.search(ctx.portal_id, ctx.object_type.type_id, query)
    return page, selection
