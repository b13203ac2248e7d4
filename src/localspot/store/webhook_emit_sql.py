"""Webhook events ride the write that causes them (hubspot-behaviour §17.5): the record and
link writes call these functions inside their own transaction, so an event is in the
outbox exactly when its change is committed.

Each call makes one lookup (``webhooks_sql.deliverable_for``: the active subscriptions of
the apps installed in the portal, with settings, for the write's object types, actions and
changed properties) and, only when something is reached, builds the events
(``crm/webhook_happenings.py``) and writes them with one multi-row insert: a row per app
and 100 events. A portal without subscribed apps pays the lookup and nothing else.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

import orjson
from sqlalchemy import Connection

from localspot.crm import webhook_event_lines as lines
from localspot.crm import webhook_happenings as wh
from localspot.crm.links_storage import Link, LinkTarget, Unlink
from localspot.crm.model import Record
from localspot.crm.webhook_events import PROPERTY_CHANGE
from localspot.store.bulk import fetch
from localspot.store.dialect import dialect_of
from localspot.store.webhook_instants import as_sent, instant_as_sent, instant_names
from localspot.store.webhooks_sql import deliverable_for

CONTACTS = "0-1"
"""HubSpot offers ``privacyDeletion`` for contacts only."""
OUTBOX_COLUMNS = (
    "portal_id",
    "app_id",
    "events",
    "event_count",
    "attempts",
    "next_attempt_at",
    "created_at",
)
emitted = threading.Event()
"""Set when a write put events in the outbox: the store wakes this process's sender after
the write commits (``SqlStore._after_write``)."""


def _emit(
    conn: Connection,
    portal_id: int,
    want: wh.Wanted,
    build: Callable[[], Sequence[wh.Happening]],
    at: int,
    change_source: str = lines.CHANGE_SOURCE,
) -> None:

    def lines_of(reachable: Sequence[wh.Reachable]) -> dict[int, list[str]]:
        happenings = build()
        _send_instants(conn, portal_id, reachable, happenings)
        return _lines(reachable, happenings, portal_id, at, change_source)

    _emit_lines(conn, portal_id, want, lines_of, at)


def _watched(reachable: Sequence[wh.Reachable]) -> dict[str, set[str]]:
    """The property names the reached ``propertyChange`` subscriptions watch, by type."""
    found: dict[str, set[str]] = {}
    for r in reachable:
        name = r.subscription.property_name
        if r.subscription.action == PROPERTY_CHANGE and name is not None:
            found.setdefault(r.object_type, set()).add(name)
    return found


def _send_instants(
    conn: Connection,
    portal_id: int,
    reachable: Sequence[wh.Reachable],
    happenings: Sequence[wh.Happening],
) -> None:
    """The watched date and datetime values of these property changes as their events send
    them (``store/webhook_instants.py``)."""
    for type_id, names in _watched(reachable).items():
        written = {
            h.property_name
            for h in happenings
            if h.object_type == type_id and h.property_name in names and h.property_value
        }
        instants = instant_names(conn, portal_id, type_id, written)
        for h in happenings:
            if h.object_type == type_id and h.property_name in instants and h.property_value:
                h.property_value = instant_as_sent(h.property_value)


def _emit_lines(
    conn: Connection,
    portal_id: int,
    want: wh.Wanted,
    lines_of: Callable[[Sequence[wh.Reachable]], Mapping[int, Sequence[str]]],
    at: int,
) -> None:
    """The one lookup, and only when something is reached, each app's lines written."""
    reachable = deliverable_for(conn, portal_id, want)
    if reachable:
        _write_lines(conn, portal_id, lines_of(reachable), at)


def write_events(
    conn: Connection,
    portal_id: int,
    reachable: Sequence[wh.Reachable],
    happenings: Sequence[wh.Happening],
    at: int,
) -> None:
    _write_lines(conn, portal_id, _lines(reachable, happenings, portal_id, at), at)


def _lines(
    reachable: Sequence[wh.Reachable],
    happenings: Sequence[wh.Happening],
    portal_id: int,
    at: int,
    change_source: str = lines.CHANGE_SOURCE,
) -> dict[int, list[str]]:
    by_app = wh.reached(reachable, happenings, portal_id, at, change_source)
    return {app: _texts(pairs) for app, pairs in by_app.items()}


def _write_lines(
    conn: Connection, portal_id: int, by_app: Mapping[int, Sequence[str]], at: int
) -> None:
    """Each app's event lines as outbox rows of up to 100, in one multi-row insert."""
    size = lines.EVENTS_PER_ROW
    rows = [
        (portal_id, app_id, "\n".join(part), len(part), 0, 0, at)
        for app_id, found in sorted(by_app.items())
        for part in (found[i : i + size] for i in range(0, len(found), size))
    ]
    if rows:
        dialect_of(conn).insert_rows(conn, "webhook_outbox", OUTBOX_COLUMNS, rows)
        emitted.set()


def _change_lines(
    reachable: Sequence[wh.Reachable],
    type_id: str,
    changed: Mapping[int, Mapping[str, str]],
    portal_id: int,
    at: int,
    change_source: str = lines.CHANGE_SOURCE,
) -> dict[int, list[str]]:
    """The lines of values changed, each app's in the order ``write_events`` gives them
    (record by record, names sorted, subscriptions in the order reached), written straight
    from the values, with no ``Happening`` and no pair for each of a batch update's hundreds
    of events (0.37 -> 0.24 ms for 100 records' 400 events)."""
    by_key = wh.targets(reachable, portal_id, at, change_source)
    short = change_source == lines.CHANGE_SOURCE
    heads: dict[int, str] = {}
    names: dict[str, str] = {}
    found: dict[int, list[str]] = {}
    for object_id, values in changed.items():
        for name, value in sorted(values.items()):
            reached = by_key.get((type_id, PROPERTY_CHANGE, name))
            if not reached:
                continue
            tail = None
            for target in reached:
                if target.generic or not short:
                    h = wh.Happening(type_id, object_id, PROPERTY_CHANGE, name, value)
                    line = orjson.dumps(wh.event(target, h)).decode()
                else:
                    head = heads.get(id(target)) or heads.setdefault(id(target), _head(target))
                    if tail is None:
                        quoted = names.get(name) or names.setdefault(name, _quoted(name))
                        tail = f"\t{quoted}\t{orjson.dumps(value).decode()}"
                    line = f"{head}{object_id}{tail}"
                found.setdefault(target.app_id, []).append(line)
    return found


def _head(target: wh.Target) -> str:
    """A short line's start for the subscription (``crm/webhook_event_lines.py``)."""
    return f"{target.base['subscriptionId']}\t{target.base['subscriptionType']}\t"


def _quoted(text: str | None) -> str:
    return orjson.dumps(text).decode()


def _texts(pairs: Sequence[tuple[wh.Target, wh.Happening]]) -> list[str]:
    """Each event's line (``crm/webhook_event_lines.py``): short for a property change, a
    creation or a deletion of a subscription that is not generic (nearly every event of a
    batch write), written straight from its subscription's head; else the full event."""
    heads: dict[int, str] = {}
    found: list[str] = []
    for target, h in pairs:
        if target.generic or h.action not in _PLAIN or target.change_source != lines.CHANGE_SOURCE:
            found.append(orjson.dumps(wh.event(target, h)).decode())
            continue
        head = heads.get(id(target)) or heads.setdefault(id(target), _head(target))
        if h.action == PROPERTY_CHANGE:
            tail = f"\t{_quoted(h.property_name)}\t{_quoted(h.property_value)}"
            found.append(f"{head}{h.object_id}{tail}")
        else:
            found.append(f"{head}{h.object_id}")
    return found


_PLAIN = frozenset({PROPERTY_CHANGE, wh.CREATION, wh.DELETION, wh.PRIVACY_DELETION})
"""The actions whose events have no fields but a property's name and value or a change flag
beside the shared ones."""


def change_source_of(source_types: Iterable[str]) -> str:
    """The events' ``changeSource`` for a write whose values' history names these sources:
    ``IMPORT`` for an import's, else ``INTEGRATION``."""
    first = next(iter(source_types), None)
    return lines.IMPORT_SOURCE if first == lines.IMPORT_SOURCE else lines.CHANGE_SOURCE


def records_written(
    conn: Connection,
    portal_id: int,
    type_id: str,
    created: Sequence[tuple[Record, Sequence[LinkTarget]]],
    changed: Mapping[int, Mapping[str, str]],
    at: int,
    change_source: str = lines.CHANGE_SOURCE,
) -> None:
    """Records of ``type_id`` were created (with their inline associations) or had these
    values changed (only values that really changed), by the API or by an import
    (``change_source``)."""
    if not created and not any(changed.values()):
        return
    types, actions, names = {type_id}, set[str](), set[str]()
    if created:
        actions.add(wh.CREATION)
        for record, links in created:
            names.update(record.properties)
            types.update(t.to_type for t in links)
            if links:
                actions.add(wh.ASSOCIATION_CHANGE)
    for values in changed.values():
        names.update(values)
    if names:
        actions.add(PROPERTY_CHANGE)
    want = wh.Wanted(frozenset(types), frozenset(actions), frozenset(names))

    if not created:  # a plain update: its lines straight from the values
        _emit_lines(
            conn,
            portal_id,
            want,
            lambda r: _change_lines(
                r,
                type_id,
                _sent_changes(conn, portal_id, type_id, r, changed),
                portal_id,
                at,
                change_source,
            ),
            at,
        )
        return

    def build() -> list[wh.Happening]:
        found: list[wh.Happening] = []
        for record, links in created:
            found += wh.created(type_id, record.id, record.properties)
            found += _inline(type_id, record.id, links)
        for object_id, values in changed.items():
            found += wh.changed(type_id, object_id, values)
        return found

    _emit(conn, portal_id, want, build, at, change_source)


def _sent_changes(
    conn: Connection,
    portal_id: int,
    type_id: str,
    reachable: Sequence[wh.Reachable],
    changed: Mapping[int, Mapping[str, str]],
) -> Mapping[int, Mapping[str, str]]:
    """The changed values, their watched dates and datetimes as the events send them."""
    watched = _watched(reachable).get(type_id, set())
    written = {n for values in changed.values() for n in values if n in watched}
    instants = instant_names(conn, portal_id, type_id, written)
    if not instants:
        return changed
    return {object_id: as_sent(values, instants) for object_id, values in changed.items()}


def _inline(type_id: str, object_id: int, links: Sequence[LinkTarget]) -> list[wh.Happening]:
    found: list[wh.Happening] = []
    for t in links:
        ahead = wh.LinkChange(t.to_type, t.to_id, t.type_id, t.category, removed=False)
        back = wh.LinkChange(type_id, object_id, t.reverse_type_id, t.category, removed=False)
        found.append(wh.Happening(type_id, object_id, wh.ASSOCIATION_CHANGE, link=ahead))
        found.append(wh.Happening(t.to_type, t.to_id, wh.ASSOCIATION_CHANGE, link=back))
    return found


def records_archived(
    conn: Connection, portal_id: int, type_id: str, ids: Collection[int], at: int
) -> None:
    if not ids:
        return
    want = wh.Wanted(frozenset({type_id}), frozenset({wh.DELETION}), frozenset())
    _emit(
        conn,
        portal_id,
        want,
        lambda: [wh.Happening(type_id, i, wh.DELETION) for i in sorted(ids)],
        at,
    )


def record_merged(
    conn: Connection,
    portal_id: int,
    type_id: str,
    merge: tuple[int, int],
    moved: Mapping[str, str],
    at: int,
) -> None:
    """``merge``: (primary, merged-away); ``moved``: the primary's values that changed."""
    primary, other = merge
    actions = {wh.MERGE, PROPERTY_CHANGE} if moved else {wh.MERGE}
    want = wh.Wanted(frozenset({type_id}), frozenset(actions), frozenset(moved))

    def build() -> list[wh.Happening]:
        merged = wh.Happening(
            type_id, primary, wh.MERGE, merged_ids=(other,), properties_moved=len(moved)
        )
        return [merged, *wh.changed(type_id, primary, moved)]

    _emit(conn, portal_id, want, build, at)


def record_purged(
    conn: Connection, portal_id: int, type_id: str, record_id: int, was_live: bool, at: int
) -> None:
    """A GDPR delete: a deletion (when the record was not archived already) and, for a
    contact, a privacy deletion."""
    actions = ({wh.DELETION} if was_live else set()) | (
        {wh.PRIVACY_DELETION} if type_id == CONTACTS else set()
    )
    if not actions:
        return
    want = wh.Wanted(frozenset({type_id}), frozenset(actions), frozenset())
    _emit(
        conn,
        portal_id,
        want,
        lambda: [wh.Happening(type_id, record_id, a) for a in sorted(actions)],
        at,
    )


def _link_want(types: Collection[str]) -> wh.Wanted:
    return wh.Wanted(frozenset(types), frozenset({wh.ASSOCIATION_CHANGE}), frozenset())


def _stored_links(
    conn: Connection, portal_id: int, from_ids: Collection[int]
) -> list[tuple[str, int, str, int, int, str]]:
    """Every link from these records: (from type, from id, to type, to id, type, category)."""
    dialect = dialect_of(conn)
    rows = fetch(
        conn,
        "SELECT from_type, from_id, to_type, to_id, type_id, category FROM associations"
        f" WHERE portal_id = ? AND from_id IN ({dialect.id_set})",
        [portal_id, dialect.id_list(from_ids)],
    )
    return [tuple(r) for r in rows]


def links_added(conn: Connection, portal_id: int, links: Sequence[Link], at: int) -> None:
    """Before the links are written: events for those that are new (a link that exists
    stays as it is, and is no change)."""
    if not links:
        return
    reachable = deliverable_for(conn, portal_id, _link_want({k.from_type for k in links}))
    if not reachable:
        return
    stored = {
        (f, to_type, to_id, kind)
        for _, f, to_type, to_id, kind, _ in _stored_links(
            conn, portal_id, {k.from_id for k in links}
        )
    }
    happenings = [
        wh.Happening(
            k.from_type,
            k.from_id,
            wh.ASSOCIATION_CHANGE,
            link=wh.LinkChange(k.to_type, k.to_id, k.type_id, k.category, removed=False),
        )
        for k in dict.fromkeys(links)
        if (k.from_id, k.to_type, k.to_id, k.type_id) not in stored
    ]
    write_events(conn, portal_id, reachable, happenings, at)


def links_removed(conn: Connection, portal_id: int, removals: Sequence[Unlink], at: int) -> None:
    """Before the links are deleted: events for those that exist. The removals come in both
    directions, so the far ends' types are the types of the records links go from."""
    if not removals:
        return
    reachable = deliverable_for(conn, portal_id, _link_want({r.to_type for r in removals}))
    if not reachable:
        return
    named: dict[tuple[int, str, int], set[int] | None] = {}
    for r in removals:
        key = (r.from_id, r.to_type, r.to_id)
        kinds = named.get(key, set())
        named[key] = None if r.type_ids is None or kinds is None else kinds | r.type_ids
    happenings: list[wh.Happening] = []
    for from_type, from_id, to_type, to_id, kind, category in _stored_links(
        conn, portal_id, {r.from_id for r in removals}
    ):
        key = (from_id, to_type, to_id)
        if key in named and (named[key] is None or kind in (named[key] or ())):
            change = wh.LinkChange(to_type, to_id, kind, category, removed=True)
            happenings.append(wh.Happening(from_type, from_id, wh.ASSOCIATION_CHANGE, link=change))
    write_events(conn, portal_id, reachable, happenings, at)
