"""Date and datetime values as a webhook event sends them: epoch milliseconds.

The API reads and writes a datetime as ISO-8601 (``2026-01-15T10:30:00.000Z``) and a date
as ``2026-01-15``, but HubSpot's ``propertyChange`` events carry the value as HubSpot keeps
it, the instant's epoch milliseconds as a string (``"1768473000000"``; a date is its UTC
midnight), as captured events of date properties show (docs/compatibility.md). The
events are written only when a subscription is reached, so the types are looked up only
then: a built-in property's from the type's definitions, a custom one's (of the written
names that are not built in) with one query.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from sqlalchemy import Connection

from localspot.crm import object_types
from localspot.crm.model import PropertyDefinition
from localspot.crm.property_types import parse_instant
from localspot.store import definition_codec
from localspot.store.bulk import fetch, json_map

INSTANT_TYPES = frozenset({"date", "datetime"})


def instant_names(
    conn: Connection, portal_id: int, type_id: str, names: Collection[str]
) -> frozenset[str]:
    """Which of ``names`` are date or datetime properties of the portal's ``type_id``."""
    builtin = object_types.builtin_key(type_id)
    known: Mapping[str, PropertyDefinition] = builtin.properties if builtin is not None else {}
    found = {n for n in names if n in known and known[n].type in INSTANT_TYPES}
    custom = [n for n in names if n not in known]
    if custom:
        rows = fetch(
            conn,
            "SELECT definition FROM properties WHERE portal_id = ? AND object_type = ?"
            f" AND archived = ? AND name IN ({', '.join('?' * len(custom))})",
            [portal_id, type_id, False, *custom],
        )
        for row in rows:
            definition = definition_codec.decode(json_map(row.definition))
            if definition.type in INSTANT_TYPES:
                found.add(definition.name)
    return frozenset(found)


def as_sent(values: Mapping[str, str], instants: frozenset[str]) -> Mapping[str, str]:
    """``values`` with each date or datetime value as its event sends it."""
    if instants.isdisjoint(values):
        return values
    sent = dict(values)
    for name in instants.intersection(values):
        sent[name] = instant_as_sent(sent[name])
    return sent


def instant_as_sent(value: str) -> str:
    """A stored date or datetime value as epoch milliseconds (a cleared value stays ``""``,
    and a value that is no instant as it is)."""
    epoch_ms = parse_instant(value) if value else None
    return value if epoch_ms is None else str(epoch_ms)
