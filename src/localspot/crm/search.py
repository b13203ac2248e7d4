"""CRM search (reference §2.7, §3.6): HubSpot's request rules and limits, turned into a small
typed filter tree (``SearchQuery``) that a store can run on an index.

How values are compared, and why the index looks as it does: every written value is also
stored in ``property_index`` as either a number (``number``, ``date``/``datetime`` as epoch
ms, ``bool`` as 0/1) or a string (``string``/``phone_number`` lower-cased, so comparisons
are case-insensitive; ``enumeration`` exactly, one row per selected option, so they are
case-sensitive). ``index_entries`` computes those rows once, in the domain, when a value is
written; the store only keeps them next to the record in the same transaction. The three
system properties are the record's own columns.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from localspot.crm.context import CrmContext
from localspot.crm.errors import ValidationError
from localspot.crm.model import PropertyDefinition, Record
from localspot.crm.properties import Definitions, load_definitions
from localspot.crm.property_types import parse_instant, sort_key
from localspot.crm.reads import Selection, select

OPERATORS = frozenset(
    {
        "EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN",
        "HAS_PROPERTY", "NOT_HAS_PROPERTY", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN",
    }
)  # fmt: skip
MAX_GROUPS, MAX_FILTERS_PER_GROUP, MAX_FILTERS = 5, 6, 18
MAX_LIMIT, MAX_RESULTS, MAX_QUERY_LENGTH = 200, 10_000, 3_000
SYSTEM_COLUMNS = {
    "hs_object_id": "id",
    "hs_createdate": "created_at",
    "hs_lastmodifieddate": "updated_at",
}
NUMERIC_TYPES = frozenset({"number", "date", "datetime", "bool"})

IndexValue = tuple[float | None, str | None]


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


@dataclass(frozen=True, slots=True)
class Condition:
    """One filter, ready for SQL: ``column`` is a record column, else the index is used."""

    name: str
    operator: str
    numeric: bool
    column: str | None
    values: tuple[float | str, ...] = ()


@dataclass(frozen=True, slots=True)
class SearchQuery:
    groups: tuple[tuple[Condition, ...], ...]
    query_tokens: tuple[str, ...]
    query_names: tuple[str, ...]
    sort_name: str | None
    sort_numeric: bool
    sort_column: str | None
    descending: bool
    limit: int
    offset: int


def index_entries(definition: PropertyDefinition, value: str) -> tuple[IndexValue, ...]:
    """The index rows of one stored value (none for a cleared value)."""
    if value == "":
        return ()
    if definition.type == "enumeration":
        return tuple((None, part) for part in value.split(";") if part)
    key = sort_key(definition, value)
    if definition.type in NUMERIC_TYPES:
        return ((float(key), None),) if isinstance(key, int | float) else ()
    return ((None, str(key)),)


def index_map(
    definitions: Definitions, values: Mapping[str, str]
) -> dict[str, tuple[IndexValue, ...]]:
    return {
        name: index_entries(definitions.by_name[name], value)
        for name, value in values.items()
        if name in definitions.by_name
    }


def _invalid(message: str, **context: Sequence[str]) -> ValidationError:
    return ValidationError(message, context={k: list(v) for k, v in context.items()})


def _typed(definition: PropertyDefinition, raw: str) -> float | str:
    """A filter value in the form the index holds (see the module docstring)."""
    kind, name = definition.type, definition.name
    if kind not in NUMERIC_TYPES:
        return raw if kind == "enumeration" else raw.lower()
    if kind == "bool":
        return 1.0 if raw.strip().lower() == "true" else 0.0
    instant = parse_instant(raw) if kind in ("date", "datetime") else None
    try:
        return float(instant if instant is not None else raw)
    except ValueError:
        raise _invalid(f"{raw} is not a valid value for {name}", propertyName=[name]) from None


def _values(f: FilterInput) -> tuple[str, ...]:
    op = f.operator
    if op in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
        return ()
    if op in ("IN", "NOT_IN"):
        if not f.values:
            raise _invalid(f"Operator {op} requires values for {f.property_name}")
        return f.values
    if op == "BETWEEN":
        if f.value is None or f.high_value is None:
            raise _invalid(f"Operator BETWEEN requires value and highValue for {f.property_name}")
        return (f.value, f.high_value)
    if f.value is None:
        raise _invalid(f"Operator {op} requires a value for {f.property_name}")
    return (f.value,)


def _condition(definitions: Definitions, f: FilterInput) -> Condition:
    if f.operator not in OPERATORS:
        raise _invalid(f"Unknown operator {f.operator}", operator=[f.operator])
    name = f.property_name
    definition = definitions.by_name.get(name)
    if definition is None or name in definitions.object_type.not_filterable:
        raise _invalid(f"Invalid property name {name} for search", propertyName=[name])
    raw = _values(f)
    contains = f.operator in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN")
    values = (
        tuple(r.lower() for r in raw) if contains else tuple(_typed(definition, r) for r in raw)
    )
    numeric = name in SYSTEM_COLUMNS or definition.type in NUMERIC_TYPES
    return Condition(name, f.operator, numeric and not contains, SYSTEM_COLUMNS.get(name), values)


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


def build(definitions: Definitions, request: SearchRequest) -> SearchQuery:
    check_limits(request)
    groups = tuple(tuple(_condition(definitions, f) for f in g) for g in request.groups if g)
    sort_name, descending = request.sort or (None, False)
    sort_definition = definitions.by_name.get(sort_name) if sort_name else None
    if sort_name and sort_definition is None:
        raise _invalid(f"Invalid property name {sort_name} for sorting", propertyName=[sort_name])
    numeric_sort = bool(sort_definition and sort_definition.type in NUMERIC_TYPES)
    tokens = tuple(t.lower() for t in (request.query or "").split() if t)
    return SearchQuery(
        groups=groups,
        query_tokens=tokens,
        query_names=definitions.object_type.search_query_properties,
        sort_name=sort_name,
        sort_numeric=numeric_sort or (sort_name in SYSTEM_COLUMNS),
        sort_column=SYSTEM_COLUMNS.get(sort_name or ""),
        descending=descending,
        limit=request.limit,
        offset=request.after,
    )


async def run(ctx: CrmContext, request: SearchRequest) -> tuple[int, list[Record], Selection]:
    """One search: check, build, one store call. Archived records never match."""
    definitions = await load_definitions(ctx.store, ctx.portal_id, ctx.object_type)
    query = build(definitions, request)
    selection = select(definitions, request.properties, ())
    total, records = await ctx.store.search(ctx.portal_id, ctx.object_type.type_id, query)
    return total, records, selection
