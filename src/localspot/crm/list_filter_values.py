"""What every list filter operation is made of: how it reads a property of a record (a
``Slot``), how it reads the values of the request's JSON (``Spec``), HubSpot-shaped 400s,
and what an operation compiles to (``Compiled``: a test, its wire echo and, when exact,
its search-index conditions).

A record's value is read the way search indexes it (``crm/search.py index_entries``), so
that a filter and its index translation agree on every record: numbers, dates, datetimes
and flags as numbers (``property_types.sort_key``: epoch ms for dates), enumerations as
their set of options (one per ``;``-separated part of a multi-select), text as stored.
A value is *unknown* when the index would hold no entry for it: never set, cleared
(``""``), or not readable as its type. The three system properties come from the record's
own columns (``ObjectType.system_columns``), as in search.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from localspot.crm import list_filter_sets
from localspot.crm.errors import HubSpotError, ValidationError
from localspot.crm.list_filter_dnf import Dnf, both, either, single, unknown
from localspot.crm.list_filter_sets import Select
from localspot.crm.model import PropertyDefinition, Record
from localspot.crm.property_types import DAY_MS, sort_key
from localspot.crm.search import NUMERIC_TYPES, is_multi
from localspot.crm.search_storage import Condition
from localspot.crm.type_registry import type_for_index

LinkedRecords = Callable[[str, int | None], Sequence[Record]]
"""(associated object type id, association type id or None) -> the record's live
associated records."""
Test = Callable[[Record, int, LinkedRecords | None], bool]
"""(record, now in epoch ms, its linked records) -> whether it passes."""
Predicate = Callable[[Any, Record, int], bool]
"""(the record's known value, the record, now) -> whether the value passes."""

_FLAGS = {"true": 1.0, "false": 0.0}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = _EPOCH.toordinal()
_MS = timedelta(milliseconds=1)
DEFAULT_COLUMNS = {
    "hs_object_id": "id",
    "hs_createdate": "created_at",
    "hs_lastmodifieddate": "updated_at",
}
INDEXED_PREFIX = 600
"""Search's index keeps the first 600 characters of a string (``store/search_index.py``):
an equality on a shorter string is exact there, on a longer one it is not."""
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")


def invalid(message: str, **context: str) -> ValidationError:
    """HubSpot's 400 ``VALIDATION_ERROR``; ``context`` values become one-element lists."""
    return ValidationError(message, context={key: [value] for key, value in context.items()})


def system_columns(object_type_id: str) -> Mapping[str, str]:
    """System property → record column, as search reads them for this type."""
    try:
        return type_for_index(object_type_id).system_columns
    except HubSpotError:
        return DEFAULT_COLUMNS


@dataclass(frozen=True, slots=True)
class Compiled:
    """One filter, ready: ``test`` decides, ``wire`` is its echo, ``index`` the exact
    search-index groups (None when there are none), ``reads`` the properties it reads,
    ``select`` the same test over a set of records (None: ``test`` record by record)."""

    wire: dict[str, Any]
    test: Test
    index: Dnf | None
    reads: frozenset[str]
    uses_time: bool = False
    select: Select | None = None

    def selects(self) -> Select:
        """``test`` over a set of records (``crm/list_filter_sets.py``)."""
        return list_filter_sets.each(self.test) if self.select is None else self.select


def family(definition: PropertyDefinition) -> str:
    """``number``, ``bool``, ``date`` (dates and datetimes), ``enumeration`` or ``text``."""
    kind = definition.type
    if kind in ("date", "datetime"):
        return "date"
    return kind if kind in ("number", "bool", "enumeration") else "text"


@dataclass(frozen=True, slots=True)
class Slot:
    """One property as a filter reads it: ``read`` gives its typed value or None."""

    name: str
    definition: PropertyDefinition
    column: str | None
    read: Callable[[Record], Any]
    plain: bool = False
    """Whether ``read`` is the stored text as it is (empty as None): a test may then read
    ``record.properties`` itself, one call fewer per record and filter (filters are judged
    inside every write that can move a DYNAMIC list)."""
    parse: Callable[[str], Any] | None = None
    """When ``read`` is this applied to the stored text (when not empty): a test of many
    records may then call it itself."""

    def condition(self, operator: str, *values: float | str) -> Condition:
        numeric = self.definition.type in NUMERIC_TYPES
        kind = "column" if self.column else ("number" if numeric else "string")
        return Condition(self.name, operator, kind, values, self.column, is_multi(self.definition))


def _column_reader(column: str) -> Callable[[Record], float]:
    if column == "id":
        return lambda record: float(record.id)
    if column == "updated_at":
        return lambda record: float(record.updated_at)
    return lambda record: float(record.created_at)


_NUMBER_CHARS = "0123456789.+-"


def _number(raw: str) -> float | None:
    """``sort_key`` of a number, faster: a string of digits, signs and points that
    ``float`` reads is exactly one its pattern takes (no exponent, blank or other digit)."""
    if raw.strip(_NUMBER_CHARS):
        return None
    try:
        return float(raw)
    except ValueError:
        return None


def _canonical_instant(raw: str) -> float | None:
    """Epoch ms of a value in the form writes store (``2026-01-31`` or
    ``2026-01-31T08:00:00.123Z``), the same as ``parse_instant``'s; None for other forms."""
    if not raw.isascii() or raw[4:5] != "-" or raw[7:8] != "-":
        return None
    try:
        if len(raw) == 10:
            return float((date.fromisoformat(raw).toordinal() - _EPOCH_ORDINAL) * DAY_MS)
        if len(raw) == 24 and raw[10] + raw[13] + raw[16] + raw[19] + raw[23] == "T::.Z":
            return float((datetime.fromisoformat(raw) - _EPOCH) // _MS)
    except ValueError:
        return None
    return None


def _number_parser(definition: PropertyDefinition) -> Callable[[str], float | None]:
    """A stored (non-empty) number, date or datetime (epoch ms) or flag (1/0) as search
    indexes it; None when it does not read as one."""
    kind = definition.type
    if kind == "number":
        return _number
    if kind == "bool":
        return _FLAGS.get

    def instant(raw: str) -> float | None:
        found = _canonical_instant(raw)
        if found is not None:
            return found
        key = sort_key(definition, raw)
        return float(key) if isinstance(key, int | float) else None

    return instant


def _number_reader(
    name: str, parse: Callable[[str], float | None]
) -> Callable[[Record], float | None]:
    def read(record: Record) -> float | None:
        raw = record.properties.get(name)
        return parse(raw) if raw else None

    return read


def _options_reader(
    definition: PropertyDefinition,
) -> Callable[[Record], frozenset[str] | str | None]:
    """A multi-select's set of options; another enumeration's value (one option)."""
    name = definition.name
    if is_multi(definition):
        return lambda r: (
            frozenset(p for p in (r.properties.get(name) or "").split(";") if p) or None
        )
    return lambda r: r.properties.get(name) or None


def _text_reader(name: str) -> Callable[[Record], str | None]:
    return lambda record: record.properties.get(name) or None


def slot_of(
    definitions: Mapping[str, PropertyDefinition],
    columns: Mapping[str, str],
    name: Any,
    key: str = "property",
) -> Slot:
    """The property ``name`` (given as field ``key``); 400 when it does not exist."""
    if not isinstance(name, str):
        raise invalid(f"{key} must be the name of a property")
    definition = definitions.get(name)
    if definition is None:
        raise invalid(f'Property "{name}" does not exist', propertyName=name)
    column = columns.get(name)
    if column:
        return Slot(name, definition, column, _column_reader(column))
    kind = family(definition)
    if kind in ("number", "bool", "date"):
        parse = _number_parser(definition)
        return Slot(name, definition, None, _number_reader(name, parse), parse=parse)
    if kind == "enumeration":
        plain = not is_multi(definition)
        return Slot(name, definition, None, _options_reader(definition), plain)
    return Slot(name, definition, None, _text_reader(name), True)


@dataclass(frozen=True, slots=True)
class Spec:
    """One property filter's ``operation``: reads its fields with HubSpot's 400s."""

    raw: Mapping[str, Any]
    op_type: str
    operator: str
    include: bool
    slot: Slot
    definitions: Mapping[str, PropertyDefinition]
    columns: Mapping[str, str]

    def bad(self, message: str) -> ValidationError:
        return invalid(message, propertyName=self.slot.name, operator=self.operator)

    def get(self, key: str, parse: Callable[[Spec, str, Any], Any], default: Any = None) -> Any:
        """The field ``key`` parsed, ``default`` when absent; 400 when required."""
        value = self.raw.get(key)
        if value is None:
            if default is None:
                raise self.bad(
                    f"{key} is required for operator {self.operator} of a {self.op_type} operation"
                )
            return default
        return parse(self, key, value)

    def other(self, name: Any, key: str) -> Slot:
        """Another property of the same record, named by field ``key`` (a date one)."""
        found = slot_of(self.definitions, self.columns, name, key)
        if family(found.definition) != "date":
            raise self.bad(f"{key} {found.name} is not a date or datetime property")
        return found

    def wire(self, **fields: Any) -> dict[str, Any]:
        base = {
            "includeObjectsWithNoValueSet": self.include,
            "operationType": self.op_type,
            "operator": self.operator,
            **fields,
        }
        return {key: base[key] for key in sorted(base)}

    def on_value(
        self,
        check: Callable[[Any], bool],
        passing: Dnf | None,
        *,
        compare: tuple[str, Any] | None = None,
        lowered: bool = False,
        **fields: Any,
    ) -> Compiled:
        """``compiled`` for a test of the value alone. ``compare``: the same test as one of
        ``list_filter_sets.COMPARISONS`` with its operand, on the value (lower-cased first
        when ``lowered``), for the set form."""
        read, include, name = self.slot.read, self.include, self.slot.name

        def test(record: Record, now: int, linked: LinkedRecords | None) -> bool:
            value = read(record)
            return include if value is None else check(value)

        def test_plain(record: Record, now: int, linked: LinkedRecords | None) -> bool:
            value = record.properties.get(name)
            return check(value) if value else include

        index = with_unknown(self.slot, passing, include)
        parse = self.slot.parse
        if compare is not None and (values := self._values(lowered)) is not None:
            chosen = test_plain if self.slot.plain else test
            select = list_filter_sets.compared(values, *compare, include)
        elif self.slot.plain:
            chosen, select = test_plain, list_filter_sets.plain_value(name, check, include)
        elif parse is not None:
            chosen, select = test, list_filter_sets.parsed_value(name, parse, check, include)
        else:
            chosen, select = test, list_filter_sets.read_value(read, check, include)
        names = frozenset((self.slot.name,))
        return Compiled(self.wire(**fields), chosen, index, names, select=select)

    def _values(self, lowered: bool) -> list_filter_sets.Values | None:
        """How the set form reads the known values, when it can read them without the
        slot's ``read``."""
        if self.slot.plain:
            made = list_filter_sets.lowered_texts if lowered else list_filter_sets.texts
            return made(self.slot.name)
        if self.slot.parse is not None and not lowered:
            return list_filter_sets.parsed(self.slot.name, self.slot.parse)
        return None

    def compiled(
        self,
        predicate: Predicate,
        passing: Dnf | None,
        *,
        reads: tuple[str, ...] = (),
        uses_time: bool = False,
        **fields: Any,
    ) -> Compiled:
        """A filter whose unknown values pass exactly when ``includeObjectsWithNoValueSet``
        is true; ``passing`` are the index groups of the known values that pass."""
        test = known_or(self.slot.read, predicate, self.include)
        names = frozenset((self.slot.name, *reads))
        index = None if uses_time else with_unknown(self.slot, passing, self.include)
        select = list_filter_sets.read_value_at(self.slot.read, predicate, self.include)
        return Compiled(self.wire(**fields), test, index, names, uses_time, select)


def known_or(read: Callable[[Record], Any], predicate: Predicate, include: bool) -> Test:
    def test(record: Record, now: int, linked: LinkedRecords | None) -> bool:
        value = read(record)
        return include if value is None else predicate(value, record, now)

    return test


_ALSO_UNKNOWN = frozenset({"NEQ", "NOT_IN", "NOT_HAS_PROPERTY"})
"""Index operators that records without a value pass too."""


def with_unknown(slot: Slot, values: Dnf | None, include: bool) -> Dnf | None:
    """(known and passing) or (unknown, when those are included). With them included
    that is ``values`` or unknown, and just ``values`` when a group of it already takes
    every unknown record (``NEQ``, ``NOT_IN``)."""
    missing = single(unknown(slot.condition("HAS_PROPERTY")))
    if not include:
        return both(values, single(slot.condition("HAS_PROPERTY")))
    if values is not None and any(
        group and all(c.operator in _ALSO_UNKNOWN for c in group) for group in values
    ):
        return values
    return either(values, missing)


def as_string(spec: Spec, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise spec.bad(f"{key} must be a string")
    if "\x00" in value:  # never stored, and PostgreSQL refuses to compare it
        raise spec.bad(f"{key} contains a NUL character (\\u0000)")
    return value


def as_strings(spec: Spec, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise spec.bad(f"{key} must be a non-empty array of strings")
    return tuple(as_string(spec, key, item) for item in value)


def as_bool(spec: Spec, key: str, value: Any) -> bool:
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if not isinstance(value, bool):
        raise spec.bad(f"{key} must be true or false")
    return value


def as_number(spec: Spec, key: str, value: Any) -> int | float:
    """A JSON number (or a numeric string, as Jackson reads one), finite."""
    if isinstance(value, str) and _DECIMAL.fullmatch(value.strip()):
        text = value.strip()
        value = int(text) if _INTEGER.fullmatch(text) else float(text)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise spec.bad(f"{key} must be a number")
    try:
        finite = math.isfinite(float(value))
    except OverflowError:
        finite = False
    if not finite:
        raise spec.bad(f"{key} must be a finite number")
    return value


def as_int(spec: Spec, key: str, value: Any) -> int:
    number = as_number(spec, key, value)
    if isinstance(number, float):
        if not number.is_integer():
            raise spec.bad(f"{key} must be a whole number")
        number = int(number)
    if abs(number) >= 2**63:
        raise spec.bad(f"{key} is out of range")
    return number


def one_of(*allowed: str) -> Callable[[Spec, str, Any], str]:
    def parse(spec: Spec, key: str, value: Any) -> str:
        if value not in allowed:
            raise spec.bad(f"{key} must be one of {', '.join(allowed)}")
        return str(value)

    return parse
