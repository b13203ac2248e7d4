"""An outbox row's events as text, one line each, and the request body made from them.

A line is one of two kinds:

- **Short**, for the plain events of a write (a property change, creation, deletion or
  privacy deletion seen by a subscription that is not one of the generic ``object.*``
  types: nearly every event of a batch write): the fields that differ from event to
  event, separated by tabs: ``subscriptionId``, ``subscriptionType``, ``objectId`` and,
  for a property change, the property's name and value as JSON strings. The row holds
  the rest: ``portalId`` and ``appId`` are its columns, ``occurredAt`` its time, a
  creation's or deletion's ``changeFlag`` follows from its type, and a short line's
  ``changeSource`` is always ``CHANGE_SOURCE`` (an import's events are full lines).
- **Full**, for every other event: its JSON object without ``eventId`` and
  ``attemptNumber`` (which depend on the row and the attempt).

A short line is about a quarter of its event as sent (52 bytes against 240 for a
property change of the bench's contacts), and the text of a write's events goes
through the database's log several times (written to the outbox, read back when claimed,
handed to the delivery process, kept in the deliveries log, deleted twice): batch update
with every changed property subscribed spent measurably less on it (bench/README.md,
"Short event lines"). JSON strings hold no raw tab or line break, so neither kind of line
is ambiguous; a full line starts with ``{``. The store writes the lines
(``store/webhook_emit_sql.py``); the delivery process makes the body from them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

EVENTS_PER_ROW = 100
"""An outbox row holds at most this many events (HubSpot's most in one request), and an
event's ``eventId`` is its row's id times this plus its position in the row."""
CHANGE_SOURCE = "INTEGRATION"
"""What HubSpot names a change an app made through the API (``changeSource``): captured
events of API writes carry ``INTEGRATION`` (with the writing app's id as ``sourceId``, which
a localspot token does not have; docs/compatibility.md)."""
IMPORT_SOURCE = "IMPORT"
"""``changeSource`` of the changes an import made."""
CHANGE_FLAGS = {"creation": "CREATED", "deletion": "DELETED"}
"""``changeFlag`` of the creation and deletion events (captured events; the other kinds
have none)."""
_FLAG_FIELDS = {action: f',"changeFlag":"{flag}"' for action, flag in CHANGE_FLAGS.items()}


@dataclass(frozen=True, slots=True)
class CarriedRow:
    """One outbox row's events as a request carries them."""

    row_id: int
    attempts: int
    """Requests made before this one: its events' ``attemptNumber``."""
    portal_id: int
    app_id: int
    occurred_at: int
    events: str

    def as_list(self) -> list[int | str]:
        return [
            self.row_id,
            self.attempts,
            self.portal_id,
            self.app_id,
            self.occurred_at,
            self.events,
        ]


def carried_from(items: Iterable[Sequence[int | str]]) -> list[CarriedRow]:
    """The rows back from ``CarriedRow.as_list`` lists (as JSON brought them)."""
    return [
        CarriedRow(int(i), int(a), int(p), int(app), int(at), str(text))
        for i, a, p, app, at, text in items
    ]


def carried_text(rows: Sequence[CarriedRow]) -> str:
    """The rows as the deliveries log keeps them (JSON; ``body_text`` makes the body)."""
    return json.dumps([row.as_list() for row in rows], separators=(",", ":"))


def body_text(kept: str) -> str:
    """The request body of a kept delivery: rows kept by ``carried_text``, or (kept before
    rows were) the body itself."""
    if not kept.startswith("[["):
        return kept
    return request_body(carried_from(json.loads(kept))).decode()


_OBJECT_ID = ',"objectId":'
"""Where ``attemptNumber`` goes in a full line: after the shared fields, before
``objectId``, as in captured deliveries (``..."subscriptionType":"contact.creation",
"attemptNumber":0,"objectId":...``). The shared fields before it are numbers and the
event type, so the first ``objectId`` key is the event's own."""


def request_body(rows: Sequence[CarriedRow]) -> bytes:
    """The JSON array HubSpot posts: each event with its ``eventId`` (the row's id times 100
    plus its place in the row: the same on every attempt) first and ``attemptNumber`` after
    ``subscriptionType``, where captured deliveries have them. Written as text from the
    lines, without parsing: this runs for every event delivered."""
    parts: list[str] = []
    for row in rows:
        shared = f'"portalId":{row.portal_id},"appId":{row.app_id},"occurredAt":{row.occurred_at}'
        attempt = f',"attemptNumber":{row.attempts}'
        first = row.row_id * EVENTS_PER_ROW
        for position, line in enumerate(row.events.split("\n")):
            head = f'{{"eventId":{first + position},'
            if line.startswith("{"):
                before, found, after = line[1:-1].partition(_OBJECT_ID)
                if found:
                    parts.append(f"{head}{before}{attempt}{found}{after}}}")
                else:
                    parts.append(f"{head}{before}{attempt}}}")
                continue
            fields = line.split("\t")
            event = (
                f'{head}"subscriptionId":{fields[0]},{shared},"subscriptionType":"{fields[1]}"'
                f'{attempt},"objectId":{fields[2]}'
            )
            if len(fields) == 5:
                event += f',"propertyName":{fields[3]},"propertyValue":{fields[4]}'
            else:
                event += _FLAG_FIELDS.get(fields[1].rpartition(".")[2], "")
            parts.append(f'{event},"changeSource":"{CHANGE_SOURCE}"}}')
    return f"[{','.join(parts)}]".encode()
