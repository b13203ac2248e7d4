"""One parse/format rule per HubSpot property type.

Normalised (stored and returned) forms: numbers as canonical decimals (``"007"`` → ``"7"``,
``"1.50"`` → ``"1.5"``), booleans ``"true"``/``"false"``, dates ``YYYY-MM-DD``, datetimes
ISO-8601 UTC with milliseconds (``2021-03-04T08:00:00.123Z``), enumerations as the given
option values joined by ``;``, strings unchanged.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from localspot.crm.model import PropertyDefinition, PropertyProblem

MAX_STRING_LENGTH = 65_536
SINGLE_SELECT_FIELD_TYPES = frozenset({"select", "radio", "booleancheckbox"})
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)$")
_EPOCH_MS = re.compile(r"^-?\d+$")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@lru_cache(maxsize=8192)
def format_datetime(epoch_ms: int) -> str:
    """Cached: a batch's results share a handful of instants, and strftime is slow."""
    moment = _EPOCH + timedelta(milliseconds=epoch_ms)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_instant(text: str) -> int | None:
    """Epoch milliseconds or ISO-8601 (``Z``, an offset, or none meaning UTC) → epoch ms."""
    value = text.strip()
    if _EPOCH_MS.match(value):
        return int(value)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def _problem(definition: PropertyDefinition, code: str, message: str) -> PropertyProblem:
    return PropertyProblem(definition.name, code, message)


def _number(definition: PropertyDefinition, raw: str) -> str | PropertyProblem:
    text = raw.strip()
    if not _NUMBER.match(text):
        return _problem(definition, "INVALID_FLOAT", f"{raw} was not a valid number.")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return _problem(definition, "INVALID_FLOAT", f"{raw} was not a valid number.")
    if value == 0:
        return "0"
    normalised = format(value.normalize(), "f")
    return normalised


def _bool(definition: PropertyDefinition, raw: str) -> str | PropertyProblem:
    lowered = raw.strip().lower()
    if lowered in ("true", "false"):
        return lowered
    return _problem(definition, "INVALID_BOOLEAN", f"{raw} was not a valid boolean.")


def _midnight_message(raw: str, epoch_ms: int) -> str:
    moment = _EPOCH + timedelta(milliseconds=epoch_ms)
    millis = moment.microsecond // 1000
    clock = f"{moment.hour}:{moment.minute}:{moment.second}.{millis}"
    return f"{raw} is at {clock} UTC, not midnight!"


def _date(definition: PropertyDefinition, raw: str) -> str | PropertyProblem:
    text = raw.strip()
    if _DATE_ONLY.match(text):
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            return _problem(definition, "INVALID_DATE", f"{raw} is not a valid date.")
    epoch_ms = parse_instant(text)
    if epoch_ms is None:
        return _problem(definition, "INVALID_DATE", f"{raw} is not a valid date.")
    if epoch_ms % 86_400_000:
        return _problem(definition, "INVALID_DATE", _midnight_message(raw, epoch_ms))
    return (_EPOCH + timedelta(milliseconds=epoch_ms)).date().isoformat()


def _datetime(definition: PropertyDefinition, raw: str) -> str | PropertyProblem:
    epoch_ms = parse_instant(raw)
    if epoch_ms is None:
        return _problem(definition, "INVALID_DATE", f"{raw} is not a valid date/time.")
    try:
        return format_datetime(epoch_ms)
    except OverflowError:
        return _problem(definition, "INVALID_DATE", f"{raw} is not a valid date/time.")


def _options_listing(definition: PropertyDefinition) -> str:
    shown = ", ".join(f'label: "{o.label}"\nvalue: "{o.value}"\n' for o in definition.options)
    return f"[{shown}]"


def _enumeration(definition: PropertyDefinition, raw: str) -> str | PropertyProblem:
    parts = list(dict.fromkeys(p for p in raw.split(";") if p != ""))
    allowed = {o.value for o in definition.options}
    if definition.field_type in SINGLE_SELECT_FIELD_TYPES and len(parts) > 1:
        message = f"{raw} was not one of the allowed options: {_options_listing(definition)}"
        return _problem(definition, "INVALID_OPTION", message)
    for part in parts:
        if part not in allowed:
            message = f"{part} was not one of the allowed options: {_options_listing(definition)}"
            return _problem(definition, "INVALID_OPTION", message)
    return ";".join(parts)


def _string(definition: PropertyDefinition, raw: str) -> str | PropertyProblem:
    if len(raw) > MAX_STRING_LENGTH:
        message = (
            f"Property value for {definition.name} is {len(raw)} characters long; "
            f"the limit is {MAX_STRING_LENGTH}."
        )
        return _problem(definition, "INVALID_STRING_LENGTH", message)
    return raw


_RULES = {
    "number": _number,
    "bool": _bool,
    "date": _date,
    "datetime": _datetime,
    "enumeration": _enumeration,
}


def normalize(definition: PropertyDefinition, raw: str) -> str | PropertyProblem:
    """Judge one non-empty value; return its normalised form or HubSpot's problem."""
    rule = _RULES.get(definition.type, _string)
    return rule(definition, raw)


def sort_key(definition: PropertyDefinition, normalized: str) -> float | int | str | None:
    """What search compares: numbers and instants as numbers, strings case-folded."""
    kind = definition.type
    if kind == "number":
        try:
            return float(Decimal(normalized))
        except InvalidOperation:
            return None
    if kind in ("date", "datetime"):
        return parse_instant(normalized)
    if kind == "bool":
        return 1 if normalized == "true" else 0
    if kind == "enumeration":
        return normalized
    return normalized.lower()
