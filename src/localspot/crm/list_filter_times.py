"""Property filter operations on dates and datetimes, compared as epoch ms (a date is its
UTC midnight, as search indexes it).

Operations relative to now (``ROLLING_DATE_RANGE``, ``CALENDAR_DATE``, and time points
with ``timeType: INDEXED``) are evaluated against the ``now`` given to ``matches`` (the
injected clock's), in UTC unless a time point names its zone; they have no index
translation. Operations comparing two properties of the record need both values: when
the other one is unknown the filter fails (``COMPARATIVE_DATE`` first falls back to its
``defaultComparisonValue``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from localspot.crm.list_filter_dnf import Dnf, both, negated, single
from localspot.crm.list_filter_operations import ranged
from localspot.crm.list_filter_time_points import (
    MONTHS,
    UNITS,
    TimePoint,
    add_units,
    epoch_ms,
    local_now,
    time_point,
    unit_start,
)
from localspot.crm.list_filter_values import (
    Compiled,
    Spec,
    as_bool,
    as_int,
    as_string,
    one_of,
)
from localspot.crm.model import Record
from localspot.crm.property_types import DAY_MS, parse_instant

Compare = Callable[[float, float], bool]
_STRICT: dict[str, tuple[str, Compare]] = {
    "IS_BEFORE": ("LT", lambda v, t: v < t),
    "IS_AFTER": ("GT", lambda v, t: v > t),
}
_INCLUSIVE: dict[str, tuple[str, Compare]] = {
    "IS_BEFORE": ("LTE", lambda v, t: v <= t),
    "IS_AFTER": ("GTE", lambda v, t: v >= t),
}


def _tz_flag(spec: Spec) -> dict[str, Any]:
    return {"requiresTimeZoneConversion": spec.get("requiresTimeZoneConversion", as_bool, False)}


def datetime_operation(spec: Spec) -> Compiled:
    """``IS_BEFORE`` / ``IS_AFTER`` an instant (``timestamp``, epoch ms), both strict."""
    timestamp = spec.get("timestamp", as_int)
    at = float(timestamp)
    op, check = _STRICT[spec.operator]
    index = single(spec.slot.condition(op, at))
    fields = {"timestamp": timestamp, **_tz_flag(spec)}
    return spec.compiled(lambda v, r, n: check(v, at), index, **fields)


def ranged_date(spec: Spec) -> Compiled:
    return ranged(spec, as_int, **_tz_flag(spec))


def _month(spec: Spec, key: str, value: Any) -> int:
    if isinstance(value, str) and value.upper() in MONTHS:
        return MONTHS.index(value.upper()) + 1
    number = as_int(spec, key, value)
    if not 1 <= number <= 12:
        raise spec.bad(f"{key} must be a month")
    return number


def date_operation(spec: Spec) -> Compiled:
    """A calendar day (UTC): ``IS_EQUAL_TO`` any instant of it, ``IS_NOT_EQUAL_TO``,
    ``IS_BEFORE`` its start, ``IS_AFTER`` its end."""
    year, month = spec.get("year", as_int), spec.get("month", _month)
    day = spec.get("day", as_int)
    try:
        start = float(epoch_ms(datetime(year, month, day, tzinfo=UTC)))
    except (ValueError, OverflowError):
        raise spec.bad("year, month and day name no date") from None
    end = start + DAY_MS - 1
    on_day = single(spec.slot.condition("BETWEEN", start, end))
    cases: dict[str, tuple[Callable[[float], bool], Dnf | None]] = {
        "IS_EQUAL_TO": (lambda v: start <= v <= end, on_day),
        "IS_NOT_EQUAL_TO": (lambda v: not start <= v <= end, negated(on_day)),
        "IS_BEFORE": (lambda v: v < start, single(spec.slot.condition("LT", start))),
        "IS_AFTER": (lambda v: v > end, single(spec.slot.condition("GT", end))),
    }
    check, index = cases[spec.operator]
    fields = {"year": year, "month": spec.raw["month"], "day": day}
    return spec.compiled(lambda v, r, n: check(v), index, **fields)


def comparative_date(spec: Spec) -> Compiled:
    """``IS_BEFORE`` / ``IS_AFTER`` another date property's value (strictly)."""
    other = spec.other(spec.raw.get("comparisonPropertyName"), "comparisonPropertyName")
    default_text = spec.get("defaultComparisonValue", as_string, "")
    default = parse_instant(default_text) if default_text else None
    if default_text and default is None:
        raise spec.bad(f"defaultComparisonValue {default_text} is not a date")
    fallback = None if default is None else float(default)
    check = _STRICT[spec.operator][1]
    read = other.read

    def passes(value: float, record: Record, now: int) -> bool:
        theirs = read(record)
        theirs = fallback if theirs is None else theirs
        return theirs is not None and check(value, theirs)

    fields: dict[str, Any] = {"comparisonPropertyName": other.name}
    if default_text:
        fields["defaultComparisonValue"] = default_text
    return spec.compiled(passes, None, reads=(other.name,), **fields)


def rolling_date_range(spec: Spec) -> Compiled:
    """X days (of 24 h) back or ahead of now, both ends included: less than X days ago is
    ``[now - X, now]``, more than X days ago ``< now - X``; from now likewise ahead."""
    days = spec.get("numberOfDays", as_int)
    if days < 0:
        raise spec.bad("numberOfDays must not be negative")
    span = days * DAY_MS
    tests: dict[str, Callable[[float, int], bool]] = {
        "IS_LESS_THAN_X_DAYS_AGO": lambda v, n: n - span <= v <= n,
        "IS_MORE_THAN_X_DAYS_AGO": lambda v, n: v < n - span,
        "IS_LESS_THAN_X_DAYS_FROM_NOW": lambda v, n: n <= v <= n + span,
        "IS_MORE_THAN_X_DAYS_FROM_NOW": lambda v, n: v > n + span,
    }
    check = tests[spec.operator]
    fields = {"numberOfDays": days, **_tz_flag(spec)}
    return spec.compiled(lambda v, r, n: check(v, n), None, uses_time=True, **fields)


def calendar_date(spec: Spec) -> Compiled:
    """This, the last or the next ``timeUnitCount`` calendar units (UTC; quarters and years
    from ``fiscalYearStart`` when ``useFiscalYear``); this one "so far" ends at now."""
    unit = spec.get("timeUnit", one_of(*UNITS))
    count = spec.get("timeUnitCount", as_int, 1)
    if count < 1:
        raise spec.bad("timeUnitCount must be at least 1")
    fiscal = spec.get("useFiscalYear", as_bool, False)
    start_month = spec.get("fiscalYearStart", one_of(*MONTHS), "JANUARY")
    first_month = MONTHS.index(start_month) + 1 if fiscal else 1
    op = spec.operator

    def bounds(now: int) -> tuple[float, float]:
        this = unit_start(local_now(now, UTC), unit, first_month)
        if op == "IN_LAST_TIME_UNIT":
            low, high = add_units(this, unit, -count), this
        elif op == "IN_NEXT_TIME_UNIT":
            low = add_units(this, unit, 1)
            high = add_units(low, unit, count)
        else:
            low, high = this, add_units(this, unit, 1)
        end = now + 1 if op == "IN_THIS_TIME_UNIT_SO_FAR" else epoch_ms(high)
        return float(epoch_ms(low)), float(end)

    last: list[tuple[int, tuple[float, float]]] = []

    def passes(value: float, record: Record, now: int) -> bool:
        if not last or last[0][0] != now:
            last[:] = [(now, bounds(now))]
        low, high = last[0][1]
        return low <= value < high

    fields = {
        k: spec.raw[k]
        for k in ("timeUnitCount", "useFiscalYear", "fiscalYearStart")
        if k in spec.raw
    }
    return spec.compiled(passes, None, uses_time=True, timeUnit=unit, **fields)


def _point_fields(spec: Spec, parser: str) -> dict[str, Any]:
    """``propertyParser`` (only ``VALUE``: localspot compares values, not update times)."""
    if parser != "VALUE":
        raise spec.bad(
            f"propertyParser {parser} is not supported: localspot list filters read current values"
        )
    fields = {k: spec.raw[k] for k in ("propertyParser",) if k in spec.raw}
    return {**fields, "type": spec.op_type}


def time_point_operation(spec: Spec) -> Compiled:
    point: TimePoint = spec.get("timePoint", time_point)
    behaviour = spec.get("endpointBehavior", one_of("INCLUSIVE", "EXCLUSIVE"), "EXCLUSIVE")
    parser = spec.get("propertyParser", one_of("VALUE", "UPDATED_AT"), "VALUE")
    op, check = (_INCLUSIVE if behaviour == "INCLUSIVE" else _STRICT)[spec.operator]
    at = point.at

    def passes(value: float, record: Record, now: int) -> bool:
        moment = at(record, now)
        return moment is not None and check(value, moment)

    index = None if point.fixed is None else single(spec.slot.condition(op, point.fixed))
    fields = {"timePoint": point.wire, **_point_fields(spec, parser)}
    if "endpointBehavior" in spec.raw:
        fields["endpointBehavior"] = behaviour
    return spec.compiled(passes, index, reads=point.reads, uses_time=point.relative, **fields)


def time_ranged(spec: Spec) -> Compiled:
    """Between two time points (each end ``INCLUSIVE`` unless said ``EXCLUSIVE``)."""
    lower: TimePoint = spec.get("lowerBoundTimePoint", time_point)
    upper: TimePoint = spec.get("upperBoundTimePoint", time_point)
    behaviour = one_of("INCLUSIVE", "EXCLUSIVE")
    low_kind = spec.get("lowerBoundEndpointBehavior", behaviour, "INCLUSIVE")
    high_kind = spec.get("upperBoundEndpointBehavior", behaviour, "INCLUSIVE")
    parser = spec.get("propertyParser", one_of("VALUE", "UPDATED_AT"), "VALUE")
    above_op, above = _INCLUSIVE["IS_AFTER"] if low_kind == "INCLUSIVE" else _STRICT["IS_AFTER"]
    below_op, below = _INCLUSIVE["IS_BEFORE"] if high_kind == "INCLUSIVE" else _STRICT["IS_BEFORE"]
    inside_wanted = spec.operator == "IS_BETWEEN"

    def passes(value: float, record: Record, now: int) -> bool:
        low, high = lower.at(record, now), upper.at(record, now)
        if low is None or high is None:
            return False
        return (above(value, low) and below(value, high)) == inside_wanted

    index: Dnf | None = None
    if lower.fixed is not None and upper.fixed is not None:
        inside = both(
            single(spec.slot.condition(above_op, lower.fixed)),
            single(spec.slot.condition(below_op, upper.fixed)),
        )
        index = inside if inside_wanted else negated(inside)
    ends = ("lowerBoundEndpointBehavior", "upperBoundEndpointBehavior")  # checked above
    fields = {"lowerBoundTimePoint": lower.wire, "upperBoundTimePoint": upper.wire}
    fields |= _point_fields(spec, parser) | {k: spec.raw[k] for k in ends if k in spec.raw}
    relative = lower.relative or upper.relative
    return spec.compiled(
        passes, index, reads=lower.reads + upper.reads, uses_time=relative, **fields
    )


DATE_BUILDERS: dict[str, tuple[Callable[[Spec], Compiled], frozenset[str]]] = {
    "DATETIME": (datetime_operation, frozenset(_STRICT)),
    "RANGED_DATE": (ranged_date, frozenset({"IS_BETWEEN", "IS_NOT_BETWEEN"})),
    "DATE": (date_operation, frozenset({"IS_EQUAL_TO", "IS_NOT_EQUAL_TO", *_STRICT})),
    "COMPARATIVE_DATE": (comparative_date, frozenset(_STRICT)),
    "ROLLING_DATE_RANGE": (
        rolling_date_range,
        frozenset(
            {
                "IS_LESS_THAN_X_DAYS_AGO",
                "IS_MORE_THAN_X_DAYS_AGO",
                "IS_LESS_THAN_X_DAYS_FROM_NOW",
                "IS_MORE_THAN_X_DAYS_FROM_NOW",
            }
        ),  # fmt: skip
    ),
    "CALENDAR_DATE": (
        calendar_date,
        frozenset(
            {
                "IN_THIS_TIME_UNIT",
                "IN_THIS_TIME_UNIT_SO_FAR",
                "IN_NEXT_TIME_UNIT",
                "IN_LAST_TIME_UNIT",
            }
        ),  # fmt: skip
    ),
    "TIME_POINT": (time_point_operation, frozenset(_STRICT)),
    "TIME_RANGED": (time_ranged, frozenset({"IS_BETWEEN", "IS_NOT_BETWEEN"})),
}
DATE_FAMILY = frozenset({"ALL_PROPERTY", *DATE_BUILDERS})
