"""Scheduled conversions of DYNAMIC lists to static ones (``schedule-conversion``,
hubspot-behaviour §16.1): what a request may ask, when a list is due, and the list it
becomes.

A conversion is kept in the list's definition (``ObjectList.conversion``) as requested, with
the time it was scheduled (``scheduledAt``) and, once done, the time it took effect
(``convertedAt``). A list converts on the day asked (at 00:00 UTC) or once its memberships
have not changed for the period asked; it becomes a SNAPSHOT list: its members stay, its
filters are kept and no longer followed, and membership requests change it from then on.
Choices where HubSpot is silent are in docs/compatibility.md ("Lists").
"""

from __future__ import annotations

import calendar
import dataclasses
from collections.abc import Mapping
from datetime import UTC, date
from typing import Any

from localspot.crm.errors import ValidationError
from localspot.crm.list_filter_time_points import add_months, epoch_ms, local_now
from localspot.crm.lists_storage import ObjectList

DATE, INACTIVITY = "CONVERSION_DATE", "INACTIVITY"
TIME_UNITS = ("DAY", "WEEK", "MONTH")
MAX_OFFSET = 1000
"""The longest inactivity a request may ask, in its unit."""
DAY_MS = 24 * 3600 * 1000
REQUESTED_FIELDS = {DATE: ("day", "month", "year"), INACTIVITY: ("offset", "timeUnit")}
"""The fields of each kind of request, echoed as ``requestedConversionTime``."""


def _day(raw: Mapping[str, Any]) -> date:
    try:
        return date(int(raw["year"]), int(raw["month"]), int(raw["day"]))
    except (ValueError, OverflowError):
        raise ValidationError(
            f"{raw['year']}-{raw['month']}-{raw['day']} (year-month-day) is not a date",
            context={k: [str(raw[k])] for k in ("day", "month", "year")},
        ) from None


def _midnight(day: date) -> int:
    return calendar.timegm(day.timetuple()) * 1000


def requested(raw: Mapping[str, Any], now: int) -> dict[str, Any]:
    """The conversion a request asks for, checked, as kept (``scheduledAt``: ``now``)."""
    kind = raw["conversionType"]
    fields = {name: raw[name] for name in REQUESTED_FIELDS[kind]}
    if kind == DATE:
        if _midnight(_day(raw)) <= now:
            raise ValidationError(
                "The conversion date must be a day after today (UTC): a list converts at"
                " the start of the day asked",
                context={k: [str(raw[k])] for k in ("day", "month", "year")},
            )
    elif not 1 <= raw["offset"] <= MAX_OFFSET:
        raise ValidationError(
            f"offset must be between 1 and {MAX_OFFSET}, got {raw['offset']}",
            context={"offset": [str(raw["offset"])]},
        )
    return {"conversionType": kind, **fields, "scheduledAt": now}


def due_at(found: ObjectList) -> int | None:
    """When the list's pending conversion takes effect (None: none pending, or the list is
    not a live DYNAMIC list). Inactivity counts from the list's last membership change, or
    from the scheduling when that came later."""
    conversion = found.conversion
    if (
        conversion is None
        or "convertedAt" in conversion
        or found.processing_type != "DYNAMIC"
        or found.deleted_at is not None
    ):
        return None
    if conversion["conversionType"] == DATE:
        return _midnight(_day(conversion))
    quiet_since: int = max(
        int(conversion["scheduledAt"]), found.last_added_at or 0, found.last_removed_at or 0
    )
    offset, unit = int(conversion["offset"]), conversion["timeUnit"]
    if unit == "MONTH":
        return epoch_ms(add_months(local_now(quiet_since, UTC), offset))
    return quiet_since + offset * DAY_MS * (7 if unit == "WEEK" else 1)


def converted(found: ObjectList, at: int) -> ObjectList:
    """The list once its conversion took effect at ``at``."""
    return dataclasses.replace(
        found,
        processing_type="SNAPSHOT",
        conversion={**(found.conversion or {}), "convertedAt": at},
        version=found.version + 1,
        updated_at=max(found.updated_at, at),
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def well_formed(kept: Mapping[str, Any]) -> bool:
    """Whether ``kept`` is a conversion as ``requested`` keeps it (a snapshot's, say)."""
    kind = kept.get("conversionType")
    if kind not in REQUESTED_FIELDS or not _is_int(kept.get("scheduledAt")):
        return False
    if "convertedAt" in kept and not _is_int(kept["convertedAt"]):
        return False
    if kind == INACTIVITY:
        return _is_int(kept.get("offset")) and kept.get("timeUnit") in TIME_UNITS
    if not all(_is_int(kept.get(name)) for name in REQUESTED_FIELDS[DATE]):
        return False
    try:
        _day(kept)
    except ValidationError:
        return False
    return True
