"""One parse/format rule per HubSpot property type: pure functions, stdlib only.

``normalize`` judges one non-empty value and returns the normalised string we store and
return, or HubSpot's per-property problem. Normalised forms:

- ``number``: a canonical decimal, never an exponent: no ``+``, no leading zeros, no
  trailing fractional zeros (``"007"`` → ``"7"``, ``"1.50"`` → ``"1.5"``, ``"-0"`` → ``"0"``,
  ``".5"`` → ``"0.5"``). Plain text arithmetic, so no digit is ever rounded away.
- ``bool``: ``"true"`` or ``"false"`` (any letter case accepted).
- ``date``: ``YYYY-MM-DD`` (input ``YYYY-MM-DD``, epoch ms or ISO-8601 at UTC midnight).
- ``datetime``: ISO-8601 UTC, three fractional digits, ``Z``: ``2021-03-04T08:00:00.123Z``.
- ``enumeration``: the given option values joined by ``;``, in order, empty parts and
  duplicates dropped (all parts empty → ``""``, which clears).
- ``string``, ``phone_number`` and unknown types: unchanged.

Error codes and messages, with the evidence for each (captured HubSpot bodies):

- number: ``INVALID_INTEGER`` / ``<v> was not a valid number.``: a 2025 v3
  ``deals/batch/update`` capture for the number property ``amount``
  (Atlas-Authority/marketing-automation#206). ``INVALID_LONG`` is only seen on legacy APIs.
- enumeration: ``INVALID_OPTION`` / ``<v> was not one of the allowed options: [a, b]``:
  current v3 captures list the option values comma-separated; the protobuf-style
  ``label: "…"\\nvalue: "…"`` listing only appears in 2019-era legacy (v1) captures.
- bool: ``INVALID_OPTION`` / ``<v> was not one of the allowed options: [true, false]``:
  a captured v3 contact write of ``tYES`` to a checkbox property; no ``INVALID_BOOLEAN`` seen.
- date: ``INVALID_DATE`` / ``<v> is at 13:1:0.0 UTC, not midnight!`` (captured verbatim);
  unparseable dates and datetimes: ``INVALID_DATE`` (the code HubSpot documents for bad date
  input) / ``<v> is not a valid date.`` or ``... datetime.`` (text inferred).
- string: ``INVALID_STRING_LENGTH`` beyond 65,536 characters: limit documented, code and
  text inferred (no capture found). ``INVALID_STRING`` for a NUL character (U+0000), which
  PostgreSQL can't store: our rule, so that SQLite answers the same (code and text ours).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache, partial

from localspot.crm.model import PropertyDefinition, PropertyOption, PropertyProblem

MAX_STRING_LENGTH = 65_536
SINGLE_SELECT_FIELD_TYPES = frozenset({"select", "radio", "booleancheckbox"})
DAY_MS = 86_400_000

_NUMBER = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?")
_EPOCH_MS = re.compile(r"-?[0-9]{1,18}")
"""Longer digit runs are far outside years 1-9999 (and would meet int()'s digit limit)."""
_ISO = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"(?:[Tt ](?P<h>[0-9]{2}):(?P<m>[0-9]{2})(?::(?P<s>[0-9]{2})(?:[.,](?P<f>[0-9]+))?)?"
    r"(?P<tz>[Zz]|(?P<sign>[+-])(?P<oh>[0-9]{2})(?::?(?P<om>[0-9]{2}))?)?)?"
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = _EPOCH.toordinal()
_MIN_MS = (date.min.toordinal() - _EPOCH_ORDINAL) * DAY_MS
_MAX_MS = (date.max.toordinal() - _EPOCH_ORDINAL + 1) * DAY_MS - 1
_MAX_OFFSET_HOURS = 18
"""Java's ``ZoneOffset`` bound: HubSpot parses with java.time."""


@lru_cache(maxsize=8192)
def format_datetime(epoch_ms: int) -> str:
    """Epoch ms → ``2021-03-04T08:00:00.123Z``; OverflowError outside years 1-9999.
    Cached: a batch formats the same few instants hundreds of times (5% of an update)."""
    t = _EPOCH + timedelta(milliseconds=epoch_ms)
    return (
        f"{t.year:04d}-{t.month:02d}-{t.day:02d}T{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
        f".{t.microsecond // 1000:03d}Z"
    )


def _iso_to_ms(text: str) -> int | None:
    match = _ISO.fullmatch(text)
    if match is None:
        return None
    try:
        day = date.fromisoformat(match["date"]).toordinal() - _EPOCH_ORDINAL
    except ValueError:
        return None
    hour, minute, second = (int(match[g] or 0) for g in ("h", "m", "s"))
    offset_hours, offset_minutes = int(match["oh"] or 0), int(match["om"] or 0)
    if hour > 23 or minute > 59 or second > 59 or offset_minutes > 59:
        return None
    if offset_hours > _MAX_OFFSET_HOURS:
        return None
    millis = int(((match["f"] or "") + "000")[:3])
    offset = (offset_hours * 60 + offset_minutes) * 60_000
    clock = ((hour * 60 + minute) * 60 + second) * 1000 + millis
    return day * DAY_MS + clock - (offset if match["sign"] == "+" else -offset)


def parse_instant(text: str) -> int | None:
    """Epoch ms or ISO-8601 (``Z``, an offset, or none meaning UTC) → epoch ms.

    A bare ``YYYY-MM-DD`` is UTC midnight. None when unparseable or outside years 1-9999.
    """
    value = text.strip()
    epoch_ms = int(value) if _EPOCH_MS.fullmatch(value) else _iso_to_ms(value)
    if epoch_ms is None or not _MIN_MS <= epoch_ms <= _MAX_MS:
        return None
    return epoch_ms


def _problem(definition: PropertyDefinition, code: str, message: str) -> PropertyProblem:
    return PropertyProblem(name=definition.name, code=code, message=message)


def _number(definition: PropertyDefinition, raw: str) -> str | PropertyProblem:
    match = _NUMBER.fullmatch(raw.strip())
    if match is None or not (match[2] or match[3]):
        return _problem(definition, "INVALID_INTEGER", f"{raw} was not a valid number.")
    sign, whole, fraction = match[1], match[2].lstrip("0") or "0", (match[3] or "").rstrip("0")
    digits = f"{whole}.{fraction}" if fraction else whole
    return "0" if digits == "0" else ("-" if sign == "-" else "") + digits


def _allowed_options(raw: str, values: list[str]) -> str:
    return f"{raw} was not one of the allowed options: [{', '.join(values)}]"


def _bool(definition: PropertyDefinition, raw: str) -> str | PropertyProblem:
    lowered = raw.strip().lower()
    if lowered in ("true", "false"):
        return lowered
    return _problem(definition, "INVALID_OPTION", _allowed_options(raw, ["true", "false"]))


def _midnight_message(raw: str, epoch_ms: int) -> str:
    """HubSpot's wording, clock unpadded: ``1579179660000 is at 13:1:0.0 UTC, not midnight!``."""
    t = _EPOCH + timedelta(milliseconds=epoch_ms)
    clock = f"{t.hour}:{t.minute}:{t.second}.{t.microsecond // 1000}"
    return f"{raw} is at {clock} UTC, not midnight!"


def _date(definition: PropertyDefinition, raw: str) -> str | PropertyProblem:
    epoch_ms = parse_instant(raw)
    if epoch_ms is None:
        return _problem(definition, "INVALID_DATE", f"{raw} is not a valid date.")
    if epoch_ms % DAY_MS:
        return _problem(definition, "INVALID_DATE", _midnight_message(raw, epoch_ms))
    return date.fromordinal(_EPOCH_ORDINAL + epoch_ms // DAY_MS).isoformat()


def _datetime(definition: PropertyDefinition, raw: str) -> str | PropertyProblem:
    epoch_ms = parse_instant(raw)
    if epoch_ms is None:
        return _problem(definition, "INVALID_DATE", f"{raw} is not a valid datetime.")
    return format_datetime(epoch_ms)


_OPTION_SETS: dict[int, tuple[tuple[PropertyOption, ...], frozenset[str]]] = {}


def _option_values(options: tuple[PropertyOption, ...]) -> frozenset[str]:
    """The allowed values of an options tuple, built once per tuple: checking a batch's
    enumerations rebuilt the same sets for every input (3% of a batch update). The cache
    holds the tuple itself, so its id cannot be reused while the entry exists."""
    cached = _OPTION_SETS.get(id(options))
    if cached is not None and cached[0] is options:
        return cached[1]
    if len(_OPTION_SETS) >= 1024:
        _OPTION_SETS.clear()
    values = frozenset(option.value for option in options)
    _OPTION_SETS[id(options)] = (options, values)
    return values


def _invalid_option(definition: PropertyDefinition, shown: str) -> PropertyProblem:
    values = [option.value for option in definition.options]
    return _problem(definition, "INVALID_OPTION", _allowed_options(shown, values))


def _enumeration(definition: PropertyDefinition, raw: str) -> str | PropertyProblem:
    parts = [part for part in raw.split(";") if part]
    if definition.field_type in SINGLE_SELECT_FIELD_TYPES and len(parts) > 1:
        return _invalid_option(definition, raw)
    allowed = _option_values(definition.options)
    for part in parts:
        if part not in allowed:
            return _invalid_option(definition, part)
    return parts[0] if len(parts) == 1 else ";".join(dict.fromkeys(parts))


def _string(definition: PropertyDefinition, raw: str) -> str | PropertyProblem:
    if "\x00" in raw:  # PostgreSQL can't store it, so neither database takes it
        message = f'Property "{definition.name}" value contains a NUL character (\\u0000).'
        return _problem(definition, "INVALID_STRING", message)
    if len(raw) > MAX_STRING_LENGTH:
        message = (
            f'Property "{definition.name}" value is {len(raw)} characters long; '
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


def rule_for(definition: PropertyDefinition) -> Callable[[str], str | PropertyProblem]:
    """``normalize`` for one definition, its rule looked up once."""
    return partial(_RULES.get(definition.type, _string), definition)


def normalize(definition: PropertyDefinition, raw: str) -> str | PropertyProblem:
    """Judge one non-empty value; its normalised form or HubSpot's problem.

    The caller handles ``""`` (clear) and has turned JSON numbers/booleans into text.
    ``string``, ``phone_number`` and unknown types share the string rule.
    """
    rule = _RULES.get(definition.type, _string)
    return rule(definition, raw)


def sort_key(definition: PropertyDefinition, normalized: str) -> float | int | str | None:
    """What search compares: numbers, instants and booleans as numbers, text case-folded.

    Numbers → float, date and datetime → epoch ms, bool → 0/1, enumeration → unchanged,
    everything else → lower case. None when the stored value cannot be read as its type.
    """
    kind = definition.type
    if kind == "number":
        valid = _NUMBER.fullmatch(normalized)
        return float(normalized) if valid and (valid[2] or valid[3]) else None
    if kind in ("date", "datetime"):
        return parse_instant(normalized)
    if kind == "bool":
        return {"true": 1, "false": 0}.get(normalized)
    if kind == "enumeration":
        return normalized
    return normalized.lower()
