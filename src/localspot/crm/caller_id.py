"""Caller ID: the contacts and companies of a portal whose phone numbers are a given E.164
number (hubspot-behaviour §19.2, an inbound call's ``callerIdMatches``).

Stored phone values are free text (``+1 (617) 555-0100``, ``617.555.0100``, ``+44 20 7946
0100 ext. 12``). Search's index narrows the candidates to values with a word ending in the
number's last four digits (one page of ``MAX_CANDIDATES`` per type, by id); each candidate
value is then compared digit by digit (``same_number``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Protocol

from localspot.crm import search
from localspot.crm.context import CrmContext
from localspot.crm.errors import ValidationError
from localspot.crm.model import Record
from localspot.crm.search import FilterInput, SearchRequest, SearchStorage

CONTACTS, COMPANIES = "0-1", "0-2"
PHONE_PROPERTIES = {CONTACTS: ("phone", "mobilephone"), COMPANIES: ("phone",)}
"""The phone number properties HubSpot's caller ID reads, by object type."""
MAX_CANDIDATES = 200
MIN_NATIONAL_DIGITS = 7
"""A value without a country code matches the end of a number only with this many digits."""
E164 = re.compile(r"\+[1-9][0-9]{1,14}")
_EXTENSION = re.compile(r"(?i)(#|;|x|ext|extension)")


class CallerIdStorage(SearchStorage, Protocol):
    """Search's index and definitions, over which candidates are found."""


@dataclass(frozen=True, slots=True)
class CallerIdMatch:
    object_type_id: str
    record: Record


def e164_number(value: str, field: str) -> str:
    """An E.164 number (``+`` and up to 15 digits, no leading 0), else a 400."""
    if E164.fullmatch(value) is None:
        raise ValidationError(
            f"{field}.e164Number must be an E.164 number such as +16175550100: {value}",
            context={f"{field}.e164Number": [value]},
        )
    return value


def _digits(value: str) -> str:
    number = _EXTENSION.split(value, maxsplit=1)[0]
    return "".join(c for c in number if c.isascii() and c.isdigit())


def same_number(stored: str, e164: str) -> bool:
    """The stored value's digits, less any extension, are the number's (after ``+`` or
    ``00`` and the country code), or its national part (a leading trunk ``0`` dropped)."""
    text = stored.strip()
    digits, wanted = _digits(text), e164[1:]
    if text.startswith("+"):
        return digits == wanted
    if text.startswith("00"):
        return digits[2:] == wanted
    national = digits.lstrip("0")
    return digits == wanted or (len(national) >= MIN_NATIONAL_DIGITS and wanted.endswith(national))


def _candidates_request(type_id: str, e164: str) -> SearchRequest:
    pattern = "*" + e164[-4:]
    groups = tuple(
        (FilterInput(name, "CONTAINS_TOKEN", pattern),) for name in PHONE_PROPERTIES[type_id]
    )
    return SearchRequest(groups, ("hs_object_id", False), None, (), MAX_CANDIDATES, 0)


async def _matches_of(
    ctx: CrmContext[CallerIdStorage], type_id: str, e164: str
) -> list[CallerIdMatch]:
    typed = replace(ctx, object_type=ctx.types.resolve(type_id))
    page, _ = await search.run(typed, _candidates_request(type_id, e164))
    return [
        CallerIdMatch(type_id, record)
        for record in page.records
        if any(
            same_number(record.properties.get(name, ""), e164) for name in PHONE_PROPERTIES[type_id]
        )
    ]


async def find(ctx: CrmContext[CallerIdStorage], e164: str) -> list[CallerIdMatch]:
    """The portal's live contacts, then companies, with a phone number that is ``e164``."""
    return [m for t in (CONTACTS, COMPANIES) for m in await _matches_of(ctx, t, e164)]
