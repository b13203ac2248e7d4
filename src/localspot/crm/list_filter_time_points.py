"""The instants time filters compare with, read once from the request: a fixed date in a
time zone (``DATE``), a point relative to now (``INDEXED``: now, today, this week's day,
this month's or this year's day, plus an offset), another property's value
(``PROPERTY_REFERENCED``), and the calendar units of ``CALENDAR_DATE`` operations.

A fixed point is turned into epoch ms at parse time; a relative one at evaluation, from
the ``now`` it is given, and kept for that ``now`` (a backfill evaluates a million records
at one ``now``). Weeks start on Monday (ISO 8601). Time zones are IANA names
(``zoneinfo``); a point without ``zoneId`` is in UTC.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from localspot.crm.list_filter_values import Spec, as_int, as_string, one_of
from localspot.crm.model import Record

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MS = timedelta(milliseconds=1)
WEEKDAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
MONTHS = (
    "JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUGUST", "SEPTEMBER",
    "OCTOBER", "NOVEMBER", "DECEMBER",
)  # fmt: skip
UNITS = ("DAY", "WEEK", "MONTH", "QUARTER", "YEAR")
_CLOCK = ("hour", "minute", "second", "millisecond")
_OFFSETS = ("years", "quarters", "months", "weeks", "days", "hours", "minutes", "seconds",
            "milliseconds")  # fmt: skip
MAX_OFFSET = 1_000_000
TimeOf = Callable[[Record, int], float | None]
"""(record, now) -> the point in epoch ms, or None when it has none (an unknown value)."""


@dataclass(frozen=True, slots=True)
class TimePoint:
    wire: dict[str, Any]
    at: TimeOf
    fixed: float | None
    """The point when it depends on neither now nor the record (so the index can use it)."""
    relative: bool = False
    reads: tuple[str, ...] = ()


def epoch_ms(moment: datetime) -> int:
    return (moment - EPOCH) // MS


def local_now(now: int, zone: tzinfo) -> datetime:
    return (EPOCH + timedelta(milliseconds=now)).astimezone(zone)


def add_months(moment: datetime, months: int) -> datetime:
    years, index = divmod(moment.month - 1 + months, 12)
    year, month = moment.year + years, index + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def unit_start(moment: datetime, unit: str, fiscal_month: int = 1) -> datetime:
    """The start of the calendar unit holding ``moment`` (quarters and years from
    ``fiscal_month``)."""
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "DAY":
        return day
    if unit == "WEEK":
        return day - timedelta(days=day.weekday())
    first = day.replace(day=1)
    into_year = (first.month - fiscal_month) % 12
    if unit == "MONTH":
        return first
    return add_months(first, -(into_year % 3 if unit == "QUARTER" else into_year))


def add_units(moment: datetime, unit: str, count: int) -> datetime:
    if unit in ("DAY", "WEEK"):
        return moment + timedelta(days=count * (7 if unit == "WEEK" else 1))
    return add_months(moment, count * {"MONTH": 1, "QUARTER": 3, "YEAR": 12}[unit])


def per_now(compute: Callable[[int], float | None]) -> Callable[[int], float | None]:
    """``compute`` remembered for the last ``now`` it was asked about."""
    last: list[tuple[int, float | None]] = []

    def at(now: int) -> float | None:
        if last and last[0][0] == now:
            return last[0][1]
        try:
            found: float | None = compute(now)
        except (OverflowError, ValueError):  # an offset beyond year 9999
            found = None
        last[:] = [(now, found)]
        return found

    return at


def zone_of(spec: Spec, key: str, name: Any) -> tzinfo:
    text = as_string(spec, key, name)
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise spec.bad(f"{key}: unknown time zone {text}") from None


def _int(spec: Spec, where: str, raw: Mapping[str, Any], key: str, default: int | None) -> int:
    value = raw.get(key)
    if value is None:
        if default is None:
            raise spec.bad(f"{where}.{key} is required")
        return default
    return as_int(spec, f"{where}.{key}", value)


def _echo(raw: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: raw[key] for key in sorted(keys) if raw.get(key) is not None}


def _date_point(spec: Spec, where: str, raw: Mapping[str, Any]) -> TimePoint:
    year, month, day = (_int(spec, where, raw, k, None) for k in ("year", "month", "day"))
    hour, minute, second, milli = (_int(spec, where, raw, k, 0) for k in _CLOCK)
    zone = zone_of(spec, f"{where}.zoneId", raw.get("zoneId", "UTC"))
    try:
        moment = datetime(year, month, day, hour, minute, second, milli * 1000, tzinfo=zone)
        fixed = float(epoch_ms(moment))
    except (ValueError, OverflowError):
        raise spec.bad(f"{where} is not a valid date and time") from None
    keys = ("year", "month", "day", *_CLOCK, "timeType", "timezoneSource", "zoneId")
    return TimePoint(_echo(raw, keys), lambda r, n: fixed, fixed)


def _reference(spec: Spec, where: str, raw: Any) -> Callable[[datetime], datetime]:
    """``indexReference``: the moment it names, from the local now."""
    if not isinstance(raw, Mapping):
        raise spec.bad(f"{where} must be an object")
    kind = one_of("NOW", "TODAY", "WEEK", "MONTH", "YEAR")(
        spec, f"{where}.referenceType", raw.get("referenceType")
    )
    if kind == "NOW":
        return lambda local: local
    clock = [_int(spec, where, raw, k, 0) for k in _CLOCK]
    weekday = 0
    if kind == "WEEK":
        weekday = WEEKDAYS.index(
            one_of(*WEEKDAYS)(spec, f"{where}.dayOfWeek", raw.get("dayOfWeek"))
        )
    month = _int(spec, where, raw, "month", None) if kind == "YEAR" else 1
    day = _int(spec, where, raw, "day", None) if kind in ("MONTH", "YEAR") else 1
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise spec.bad(f"{where} names no day of the year")

    def moment(local: datetime) -> datetime:
        at = local.replace(
            hour=clock[0], minute=clock[1], second=clock[2], microsecond=clock[3] * 1000
        )
        if kind == "WEEK":
            return at + timedelta(days=weekday - at.weekday())
        if kind == "MONTH":
            return at.replace(day=min(day, calendar.monthrange(at.year, at.month)[1]))
        if kind == "YEAR":
            return add_months(at.replace(month=1, day=1), month - 1).replace(
                day=min(day, calendar.monthrange(at.year, month)[1])
            )
        return at

    return moment


def _indexed_point(spec: Spec, where: str, raw: Mapping[str, Any]) -> TimePoint:
    zone = zone_of(spec, f"{where}.zoneId", raw.get("zoneId", "UTC"))
    reference = _reference(spec, f"{where}.indexReference", raw.get("indexReference"))
    offset = raw.get("offset") or {}
    if not isinstance(offset, Mapping):
        raise spec.bad(f"{where}.offset must be an object")
    amounts = {k: _int(spec, f"{where}.offset", offset, k, 0) for k in _OFFSETS}
    if any(abs(v) > MAX_OFFSET for v in amounts.values()):
        raise spec.bad(f"{where}.offset is out of range")
    months = amounts["years"] * 12 + amounts["quarters"] * 3 + amounts["months"]
    shift = timedelta(**{k: amounts[k] for k in _OFFSETS[3:]})

    def compute(now: int) -> float:
        moment = add_months(reference(local_now(now, zone)), months) + shift
        return float(epoch_ms(moment))

    at = per_now(compute)
    keys = ("indexReference", "offset", "timeType", "timezoneSource", "zoneId")
    return TimePoint(_echo(raw, keys), lambda r, n: at(n), None, relative=True)


def _property_point(spec: Spec, where: str, raw: Mapping[str, Any]) -> TimePoint:
    other = spec.other(raw.get("property"), f"{where}.property")
    kind = raw.get("referenceType", "VALUE")
    if kind != "VALUE":
        raise spec.bad(
            f"{where}.referenceType {kind} is not supported: localspot compares property values"
        )
    if raw.get("zoneId") is not None:
        zone_of(spec, f"{where}.zoneId", raw["zoneId"])
    read = other.read
    keys = ("property", "referenceType", "timeType", "timezoneSource", "zoneId")
    return TimePoint(_echo(raw, keys), lambda r, n: read(r), None, reads=(other.name,))


def time_point(spec: Spec, key: str, raw: Any) -> TimePoint:
    """One of HubSpot's time points (``timeType`` DATE, INDEXED or PROPERTY_REFERENCED)."""
    if not isinstance(raw, Mapping):
        raise spec.bad(f"{key} must be an object")
    kind = one_of("DATE", "INDEXED", "PROPERTY_REFERENCED")(
        spec, f"{key}.timeType", raw.get("timeType")
    )
    parse = {"DATE": _date_point, "INDEXED": _indexed_point, "PROPERTY_REFERENCED": _property_point}
    return parse[kind](spec, key, raw)
