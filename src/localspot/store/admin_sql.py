"""Whole-portal operations for the admin API and the CLI: reset, delete, dump, restore, seeded
ids and all-or-nothing imports. Plain functions of a ``Connection``, run in one transaction.

The ``associations`` table is handled when it exists, column by column as it is declared, so
this module needs no change when that table's shape does.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import orjson
from sqlalchemy import Connection, Table, delete, insert, select, update

from localspot.crm.model import HistoryEntry, PropertyGroup, Record
from localspot.crm.portal_admin_storage import AssociationRow, PortalDump, RecordDump
from localspot.crm.records_storage import NewRecord, UniqueClash
from localspot.store import (
    apps_sql,
    association_limits_sql,
    deal_splits_sql,
    definition_codec,
    jobs_schema,
    list_memberships_sql,
    lists_sql,
    owners_sql,
    pipelines_sql,
    schemas_sql,
    teams_sql,
    timeline_sql,
    webhook_outbox_schema,
)
from localspot.store.bulk import HistoryRow, json_map, run_many, write_history
from localspot.store.dialect import dialect_of
from localspot.store.id_sequences import SEEDED_BASE, taken
from localspot.store.list_versions import renew
from localspot.store.records_sql import insert_records
from localspot.store.schema import (
    deal_splits,
    id_sequences,
    index_queue,
    metadata,
    objects,
    owner_teams,
    owners,
    portals,
    properties,
    property_groups,
    property_history,
    property_index,
    property_tokens,
    teams,
    unique_values,
)
from localspot.store.search_index import enqueue

IMPORT_CHUNK = 1000


class ImportClash(Exception):
    """Raised inside an import's transaction so that it rolls back; carries the clashes."""

    def __init__(self, clashes: dict[int, UniqueClash]) -> None:
        super().__init__(f"{len(clashes)} unique-value clashes")
        self.clashes = clashes


def associations_table() -> Table | None:
    return metadata.tables.get("associations")


def _owned_ids(portal_id: int) -> Any:
    """The portal's record ids, as a subquery: history and search's index are found through
    their ``object_id`` indexes, not by scanning for ``portal_id``."""
    return select(objects.c.id).where(objects.c.portal_id == portal_id)


def portal_exists(conn: Connection, portal_id: int) -> bool:
    found = conn.execute(select(portals.c.id).where(portals.c.id == portal_id)).first()
    return found is not None


def reset_portal(conn: Connection, portal_id: int, *, keep_custom_properties: bool) -> bool:
    if not portal_exists(conn, portal_id):
        return False
    for by_object in (property_history, property_index, property_tokens):
        conn.execute(delete(by_object).where(by_object.c.object_id.in_(_owned_ids(portal_id))))
    tables = [unique_values, index_queue, objects, owners, teams, owner_teams, deal_splits]
    tables += list(association_limits_sql.TABLES) + list(lists_sql.TABLES)
    tables += list(jobs_schema.TABLES)
    tables += list(webhook_outbox_schema.TABLES)  # undelivered events and deliveries
    extra = associations_table()
    tables += [extra] if extra is not None else []
    tables += [] if keep_custom_properties else [properties, property_groups, *schemas_sql.TABLES]
    for table in tables:
        conn.execute(delete(table).where(table.c.portal_id == portal_id))
    renew(conn, portal_id)  # its lists are gone
    apps_sql.uninstall_all(conn, portal_id)
    timeline_sql.clear(conn, portal_id)
    pipelines_sql.clear(conn, portal_id)
    pipelines_sql.write_defaults(conn, portal_id)
    conn.execute(
        update(id_sequences).where(id_sequences.c.portal_id == portal_id).values(next_position=1)
    )
    return True


def delete_portal(conn: Connection, portal_id: int) -> bool:
    """Every table with a ``portal_id`` column, children before parents, then the portal."""
    if not portal_exists(conn, portal_id):
        return False
    for table in reversed(metadata.sorted_tables):
        if table is not portals and "portal_id" in table.c:
            conn.execute(delete(table).where(table.c.portal_id == portal_id))
    conn.execute(delete(portals).where(portals.c.id == portal_id))
    return True


def set_id_seed(conn: Connection, portal_id: int, seed: int | None) -> bool:
    if not portal_exists(conn, portal_id):
        return False
    conn.execute(delete(id_sequences).where(id_sequences.c.portal_id == portal_id))
    if seed is not None:
        row = {"portal_id": portal_id, "seed": seed, "next_position": 1}
        conn.execute(insert(id_sequences), row)
    return True


def _history_of(conn: Connection, portal_id: int) -> dict[int, list[tuple[str, HistoryEntry]]]:
    rows = conn.execute(
        select(property_history)
        .where(property_history.c.object_id.in_(_owned_ids(portal_id)))
        .order_by(property_history.c.object_id, property_history.c.seq)
    )
    history: dict[int, list[tuple[str, HistoryEntry]]] = defaultdict(list)
    for r in rows:
        entry = HistoryEntry(r.value, r.timestamp, r.source_type, r.source_id)
        history[r.object_id].append((r.name, entry))
    return history


def _records_of(conn: Connection, portal_id: int) -> tuple[RecordDump, ...]:
    history = _history_of(conn, portal_id)
    rows = conn.execute(
        select(objects)
        .where(objects.c.portal_id == portal_id)
        .order_by(objects.c.object_type, objects.c.id)
    )
    return tuple(
        RecordDump(
            type_id=r.object_type,
            id=r.id,
            properties=json_map(r.properties),
            created_at=r.created_at,
            updated_at=r.updated_at,
            archived=bool(r.archived),
            archived_at=r.archived_at,
            history=tuple(history.get(r.id, ())),
        )
        for r in rows
    )


def _associations_of(conn: Connection, portal_id: int) -> tuple[AssociationRow, ...]:
    table = associations_table()
    if table is None:
        return ()
    rows = conn.execute(select(table).where(table.c.portal_id == portal_id))
    found = [{str(k): v for k, v in row._asdict().items() if k != "portal_id"} for row in rows]
    return tuple(sorted(found, key=lambda row: orjson.dumps(row, option=orjson.OPT_SORT_KEYS)))


def _lists_of(conn: Connection, portal_id: int) -> dict[str, Any]:
    """The ``PortalDump`` fields of the portal's lists, folders and memberships."""
    return {
        "lists": tuple(lists_sql.lists_of(conn, portal_id)),
        "list_folders": tuple(lists_sql.folders_of(conn, portal_id)),
        "list_members": tuple(list_memberships_sql.all_members(conn, portal_id)),
    }


def dump_portal(conn: Connection, portal_id: int) -> PortalDump | None:
    portal = conn.execute(select(portals).where(portals.c.id == portal_id)).first()
    if portal is None:
        return None
    definitions = conn.execute(
        select(properties)
        .where(properties.c.portal_id == portal_id)
        .order_by(properties.c.object_type, properties.c.name)
    )
    groups = conn.execute(
        select(property_groups)
        .where(property_groups.c.portal_id == portal_id)
        .order_by(property_groups.c.object_type, property_groups.c.name)
    )
    sequence = conn.execute(select(id_sequences).where(id_sequences.c.portal_id == portal_id))
    seeded = sequence.first()
    stored = schemas_sql.portal_schemas(conn, portal_id)
    return PortalDump(
        name=portal.name,
        tier=portal.tier,
        timezone=portal.timezone,
        records=_records_of(conn, portal_id),
        properties=tuple(
            (d.object_type, definition_codec.decode(json_map(d.definition))) for d in definitions
        ),
        groups=tuple(
            (g.object_type, PropertyGroup(g.name, g.label, g.display_order)) for g in groups
        ),
        associations=_associations_of(conn, portal_id),
        owners=tuple(owners_sql.all_owners(conn, portal_id)),
        pipelines=tuple(pipelines_sql.all_pipelines(conn, portal_id)),
        schemas=stored.schemas,
        association_definitions=stored.definitions,
        association_limits=tuple(association_limits_sql.association_limits_of(conn, portal_id)),
        teams=tuple(teams_sql.all_teams(conn, portal_id)),
        team_members=tuple(teams_sql.memberships(conn, portal_id)),
        deal_splits=tuple(deal_splits_sql.all_splits(conn, portal_id)),
        **_lists_of(conn, portal_id),
        installed_apps=apps_sql.installed_apps(conn, portal_id),
        timeline_events=tuple(timeline_sql.events_of(conn, portal_id)),
        id_seed=seeded.seed if seeded else None,
        next_id_position=seeded.next_position if seeded else 1,
    )


def held_elsewhere(conn: Connection, portal_id: int, ids: Sequence[int]) -> frozenset[int]:
    """Which of ``ids`` records of other portals hold."""
    held = taken(conn, list(ids))
    if not held:
        return frozenset()
    own = conn.execute(
        select(objects.c.id).where(objects.c.portal_id == portal_id, objects.c.id.in_(held))
    )
    return frozenset(held - set(own.scalars()))


def _write_definitions(conn: Connection, portal_id: int, dump: PortalDump) -> None:
    for type_id, definition in dump.properties:
        row = {
            "portal_id": portal_id,
            "object_type": type_id,
            "name": definition.name,
            "definition": definition_codec.encode(definition),
            "archived": definition.archived,
        }
        conn.execute(insert(properties), row)
    for type_id, group in dump.groups:
        row = {"portal_id": portal_id, "object_type": type_id, "name": group.name}
        values = {"label": group.label, "display_order": group.display_order}
        conn.execute(insert(property_groups), {**row, **values})


def _write_records(conn: Connection, portal_id: int, records: Sequence[RecordDump]) -> None:
    json_param = dialect_of(conn).json_param
    run_many(
        conn,
        "INSERT INTO objects (id, portal_id, object_type, properties, created_at, updated_at,"
        f" archived, archived_at) VALUES (?, ?, ?, {json_param}, ?, ?, ?, ?)",
        [
            (
                r.id,
                portal_id,
                r.type_id,
                orjson.dumps(dict(r.properties)).decode(),
                r.created_at,
                r.updated_at,
                r.archived,
                r.archived_at,
            )
            for r in records
        ],
    )
    history: list[HistoryRow] = [
        (portal_id, r.id, name, e.value, e.timestamp, e.source_type, e.source_id)
        for r in records
        for name, e in r.history
    ]
    write_history(conn, history)


def _write_lookups(conn: Connection, portal_id: int, records: Sequence[RecordDump]) -> None:
    """The unique index (live records only), and search's queue of records to index."""
    run_many(
        conn,
        "INSERT INTO unique_values (portal_id, object_type, name, value, object_id)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [
            (portal_id, r.type_id, name, r.properties[name], r.id)
            for r in records
            if not r.archived
            for name in sorted(r.unique_names)
            if r.properties.get(name, "") != ""
        ],
    )
    live: dict[str, list[int]] = defaultdict(list)
    for r in records:
        if not r.archived:
            live[r.type_id].append(r.id)
    for type_id, ids in live.items():  # indexed by the next search, as any write
        enqueue(conn, portal_id, type_id, ids)


def _write_associations(conn: Connection, portal_id: int, rows: Iterable[AssociationRow]) -> None:
    table = associations_table()
    values = [{**row, "portal_id": portal_id} for row in rows]
    if table is not None and values:
        conn.execute(insert(table), values)


def _write_lists(conn: Connection, portal_id: int, dump: PortalDump) -> None:
    """Folders, lists and memberships; each list's size is its members counted."""
    lists_sql.write_folders(conn, portal_id, dump.list_folders)
    sizes = Counter(list_id for list_id, _, _ in dump.list_members)
    lists_sql.write_lists(conn, portal_id, dump.lists, sizes)
    list_memberships_sql.write_members(conn, portal_id, dump.list_members)


def restore_portal(conn: Connection, portal_id: int, dump: PortalDump) -> frozenset[int] | None:
    """None when there is no such portal; else the ids other portals hold (when there are
    any, nothing is written)."""
    if not portal_exists(conn, portal_id):
        return None
    held = held_elsewhere(conn, portal_id, [r.id for r in dump.records])
    if held:
        return held
    reset_portal(conn, portal_id, keep_custom_properties=False)
    schemas_sql.write_schemas(conn, portal_id, dump.schemas)
    schemas_sql.write_definitions(conn, portal_id, dump.association_definitions)
    association_limits_sql.save_limits(conn, portal_id, dump.association_limits)
    _write_definitions(conn, portal_id, dump)
    _write_records(conn, portal_id, dump.records)
    _write_lookups(conn, portal_id, dump.records)
    _write_associations(conn, portal_id, dump.associations)
    owners_sql.write_owners(conn, portal_id, dump.owners)
    if dump.pipelines:  # a snapshot without pipelines keeps the defaults of the reset
        pipelines_sql.clear(conn, portal_id)
        pipelines_sql.write_pipelines(conn, portal_id, dump.pipelines)
    teams_sql.write_teams(conn, portal_id, dump.teams)
    teams_sql.write_memberships(conn, portal_id, dump.team_members)
    deal_splits_sql.write_splits(conn, portal_id, dump.deal_splits)
    _write_lists(conn, portal_id, dump)
    apps_sql.reinstall(conn, portal_id, dump.installed_apps)
    timeline_sql.write_events(conn, portal_id, dump.timeline_events)
    set_id_seed(conn, portal_id, dump.id_seed)
    if dump.id_seed is not None:
        run_many(
            conn,
            "UPDATE id_sequences SET next_position = ? WHERE portal_id = ?",
            [(dump.next_id_position, portal_id)],
        )
    dialect_of(conn).advance_ids(conn, below=SEEDED_BASE)  # restored ids may lie beyond
    return frozenset()


def import_records(
    conn: Connection,
    portal_id: int,
    type_id: str,
    records: Sequence[NewRecord],
    at: int,
    progress: Callable[[int], None] | None,
) -> dict[int, Record]:
    """Insert in chunks inside the caller's transaction; any clash raises ``ImportClash``."""
    created: dict[int, Record] = {}
    for start in range(0, len(records), IMPORT_CHUNK):
        chunk = records[start : start + IMPORT_CHUNK]
        made, clashes = insert_records(conn, portal_id, type_id, chunk, at)
        if clashes:
            raise ImportClash({start + position: clash for position, clash in clashes.items()})
        created.update((start + position, record) for position, record in made.items())
        if progress is not None:
            progress(len(chunk))
    return created
