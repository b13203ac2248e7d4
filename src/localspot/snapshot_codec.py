"""Portal snapshots: ``PortalDump`` (domain) ⇄ ``PortalSnapshot`` (wire) ⇄ stable JSON bytes.

One codec for the admin API (``http/admin_portals.py``) and the CLI (``localspot export`` /
``import``, ``cli_data.py``); it sits beside them, outside ``http/``, and speaks no HTTP.

Byte-stable: keys sorted, object types by id, records by id, properties and groups by name,
history in write order; the same state always gives the same bytes.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import msgspec

from localspot.crm import list_conversion_rules
from localspot.crm.association_limits_storage import AssociationLimit
from localspot.crm.deal_splits_storage import DealSplit
from localspot.crm.errors import ValidationError
from localspot.crm.lists_storage import ListFolder, ObjectList
from localspot.crm.model import HistoryEntry, PropertyDefinition, PropertyGroup, PropertyOption
from localspot.crm.owners_storage import Owner
from localspot.crm.pipelines_storage import Pipeline, Stage
from localspot.crm.portal_admin_storage import PortalDump, RecordDump
from localspot.crm.schemas_storage import AssociationDefinition, CustomSchema
from localspot.crm.teams_storage import Membership, Team
from localspot.crm.timeline_storage import EventIFrame, TimelineEvent
from localspot.wire import admin as w
from localspot.wire import snapshot_lists as wl
from localspot.wire import snapshot_timeline as wt


def _record(record: RecordDump) -> w.SnapshotRecord:
    return w.SnapshotRecord(
        id=str(record.id),
        created_at=record.created_at,
        updated_at=record.updated_at,
        properties=dict(record.properties),
        archived=record.archived,
        archived_at=record.archived_at,
        history=[
            w.SnapshotHistoryEntry(name, e.value, e.timestamp, e.source_type, e.source_id)
            for name, e in record.history
        ],
    )


def _property(definition: PropertyDefinition) -> w.SnapshotProperty:
    fields = {f: getattr(definition, f) for f in w.SnapshotProperty.__struct_fields__}
    fields["options"] = [
        w.SnapshotOption(o.label, o.value, o.hidden, o.description, o.display_order)
        for o in definition.options
    ]
    fields["extra"] = dict(definition.extra)
    return w.SnapshotProperty(**fields)


def to_snapshot(dump: PortalDump) -> w.PortalSnapshot:
    types: dict[str, w.SnapshotObjectType] = defaultdict(w.SnapshotObjectType)
    for type_id, definition in sorted(dump.properties, key=lambda p: (p[0], p[1].name)):
        types[type_id].properties.append(_property(definition))
    for type_id, group in sorted(dump.groups, key=lambda g: (g[0], g[1].name)):
        types[type_id].groups.append(w.SnapshotGroup(group.name, group.label, group.display_order))
    for record in sorted(dump.records, key=lambda r: (r.type_id, r.id)):
        types[record.type_id].records.append(_record(record))
    sequence = (
        w.SnapshotIdSequence(dump.id_seed, dump.next_id_position)
        if dump.id_seed is not None
        else None
    )
    return w.PortalSnapshot(
        format=w.SNAPSHOT_FORMAT,
        portal=w.SnapshotPortal(dump.name, dump.tier, dump.timezone),
        object_types=dict(types),
        id_sequence=sequence,
        associations=[msgspec.convert(row, w.SnapshotAssociation) for row in dump.associations],
        owners=[
            w.SnapshotOwner(**{f: getattr(o, f) for f in w.SnapshotOwner.__struct_fields__})
            for o in sorted(dump.owners, key=lambda o: o.id)
        ],
        pipelines=[
            _pipeline(t, p) for t, p in sorted(dump.pipelines, key=lambda i: (i[0], i[1].id or ""))
        ],
        teams=[
            w.SnapshotTeam(t.id, t.name, t.created_at, t.updated_at, t.archived)
            for t in sorted(dump.teams, key=lambda t: t.id)
        ],
        team_members=[
            w.SnapshotTeamMember(m.owner_id, m.team_id, m.primary)
            for m in sorted(dump.team_members, key=lambda m: (m.team_id, m.owner_id))
        ],
        schemas=[_schema(s) for s in sorted(dump.schemas, key=lambda s: s.number)],
        association_definitions=[
            w.SnapshotAssociationDefinition(
                **{f: getattr(d, f) for f in w.SnapshotAssociationDefinition.__struct_fields__}
            )
            for d in sorted(dump.association_definitions, key=lambda d: d.type_id)
        ],
        deal_splits=[
            w.SnapshotDealSplit(**{f: getattr(s, f) for f in w.SnapshotDealSplit.__struct_fields__})
            for s in sorted(dump.deal_splits, key=lambda s: s.id)
        ],
        association_limits=[
            w.SnapshotAssociationLimit(
                **{f: getattr(x, f) for f in w.SnapshotAssociationLimit.__struct_fields__}
            )
            for x in dump.association_limits
        ],
        lists=_lists(dump),
        list_folders=_folders(dump),
        installed_apps=sorted(dump.installed_apps),
        timeline_events=[
            _timeline_event(e)
            for e in sorted(dump.timeline_events, key=lambda e: (e.template_id, e.id))
        ],
    )


def _timeline_event(event: TimelineEvent) -> wt.SnapshotTimelineEvent:
    frame = event.iframe
    return wt.SnapshotTimelineEvent(
        template_id=event.template_id,
        id=event.id,
        object_type=event.object_type,
        object_id=event.object_id,
        tokens=dict(event.tokens),
        timestamp=event.timestamp,
        created_at=event.created_at,
        extra_data=dict(event.extra_data) if event.extra_data is not None else None,
        iframe=(
            wt.SnapshotEventIFrame(
                frame.link_label, frame.header_label, frame.url, frame.width, frame.height
            )
            if frame is not None
            else None
        ),
        email=event.email,
        utk=event.utk,
        domain=event.domain,
    )


def _timeline_event_dump(event: wt.SnapshotTimelineEvent) -> TimelineEvent:
    frame = event.iframe
    return TimelineEvent(
        template_id=event.template_id,
        id=event.id,
        object_type=event.object_type,
        object_id=event.object_id,
        tokens=event.tokens,
        timestamp=event.timestamp,
        created_at=event.created_at,
        extra_data=event.extra_data,
        iframe=(
            EventIFrame(frame.link_label, frame.header_label, frame.url, frame.width, frame.height)
            if frame is not None
            else None
        ),
        email=event.email,
        utk=event.utk,
        domain=event.domain,
    )


def _folders(dump: PortalDump) -> list[wl.SnapshotListFolder]:
    return [
        wl.SnapshotListFolder(
            f.id, f.name, f.parent_id, f.created_at, f.updated_at, f.contents_updated_at
        )
        for f in sorted(dump.list_folders, key=lambda f: f.id)
    ]


def _lists(dump: PortalDump) -> list[wl.SnapshotList]:
    members: dict[int, list[wl.SnapshotListMember]] = defaultdict(list)
    for list_id, record_id, added_at in sorted(dump.list_members):
        members[list_id].append(wl.SnapshotListMember(record_id, added_at))
    return [
        wl.SnapshotList(
            id=x.id,
            name=x.name,
            object_type_id=x.object_type,
            processing_type=x.processing_type,
            processing_status=x.processing_status,
            version=x.version,
            created_at=x.created_at,
            updated_at=x.updated_at,
            folder_id=x.folder_id,
            filter_branch=dict(x.filter_branch) if x.filter_branch is not None else None,
            filters_updated_at=x.filters_updated_at,
            deleted_at=x.deleted_at,
            legacy_id=x.legacy_id,
            last_added_at=x.last_added_at,
            last_removed_at=x.last_removed_at,
            extra=dict(x.extra),
            conversion=dict(x.conversion) if x.conversion is not None else None,
            members=members.get(x.id, []),
        )
        for x in sorted(dump.lists, key=lambda x: x.id)
    ]


def _list_dump(x: wl.SnapshotList) -> ObjectList:
    if x.conversion is not None and not list_conversion_rules.well_formed(x.conversion):
        raise ValidationError(f"Invalid snapshot: list {x.id} has a malformed conversion")
    return ObjectList(
        id=x.id,
        name=x.name,
        object_type=x.object_type_id,
        processing_type=x.processing_type,
        created_at=x.created_at,
        updated_at=x.updated_at,
        version=x.version,
        processing_status=x.processing_status,
        filter_branch=x.filter_branch,
        filters_updated_at=x.filters_updated_at,
        folder_id=x.folder_id,
        deleted_at=x.deleted_at,
        legacy_id=x.legacy_id,
        last_added_at=x.last_added_at,
        last_removed_at=x.last_removed_at,
        extra=x.extra,
        conversion=x.conversion,
    )


def _lists_dump(snapshot: w.PortalSnapshot) -> dict[str, Any]:
    """The ``PortalDump`` fields of the snapshot's lists, folders and memberships."""
    return {
        "lists": tuple(_list_dump(x) for x in snapshot.lists),
        "list_folders": tuple(
            ListFolder(f.id, f.name, f.parent_id, f.created_at, f.updated_at, f.contents_updated_at)
            for f in snapshot.list_folders
        ),
        "list_members": tuple(
            (x.id, m.record_id, m.added_at) for x in snapshot.lists for m in x.members
        ),
    }


def _schema(s: CustomSchema) -> w.SnapshotSchema:
    return w.SnapshotSchema(
        number=s.number,
        name=s.name,
        singular=s.singular,
        plural=s.plural,
        created_at=s.created_at,
        updated_at=s.updated_at,
        description=s.description,
        primary_display_property=s.primary_display_property,
        secondary_display_properties=list(s.secondary_display_properties),
        searchable_properties=list(s.searchable_properties),
        required_properties=list(s.required_properties),
        archived=s.archived,
        archived_at=s.archived_at,
    )


def _schema_dump(s: w.SnapshotSchema) -> CustomSchema:
    return CustomSchema(
        number=s.number,
        name=s.name,
        singular=s.singular,
        plural=s.plural,
        description=s.description,
        primary_display_property=s.primary_display_property,
        secondary_display_properties=tuple(s.secondary_display_properties),
        searchable_properties=tuple(s.searchable_properties),
        required_properties=tuple(s.required_properties),
        created_at=s.created_at,
        updated_at=s.updated_at,
        archived=s.archived,
        archived_at=s.archived_at,
    )


_STAGE_FIELDS = w.SnapshotStage.__struct_fields__


def _pipeline(type_id: str, p: Pipeline) -> w.SnapshotPipeline:
    stages = [
        w.SnapshotStage(
            **{f: getattr(s, f) for f in _STAGE_FIELDS},
        )
        for s in sorted(p.stages, key=lambda s: s.id or "")
    ]
    stages = [msgspec.structs.replace(s, metadata=dict(s.metadata)) for s in stages]
    return w.SnapshotPipeline(
        object_type=type_id,
        id=str(p.id),
        label=p.label,
        display_order=p.display_order,
        created_at=p.created_at,
        updated_at=p.updated_at,
        stages=stages,
        archived=p.archived,
        archived_at=p.archived_at,
    )


def _pipelines(found: list[w.SnapshotPipeline]) -> tuple[tuple[str, Pipeline], ...]:
    """A snapshot's pipelines; a pipeline or stage id given twice for a type is a 400."""
    keys = [(p.object_type, "pipeline", p.id) for p in found]
    keys += [(p.object_type, "stage", s.id) for p in found for s in p.stages]
    repeated = sorted({k[2] for k in keys if keys.count(k) > 1})
    if repeated:
        raise ValidationError(
            "Pipeline or stage ids repeat in the snapshot", context={"ids": repeated}
        )
    return tuple(
        (
            p.object_type,
            Pipeline(
                id=p.id,
                label=p.label,
                display_order=p.display_order,
                stages=tuple(Stage(**{f: getattr(s, f) for f in _STAGE_FIELDS}) for s in p.stages),
                created_at=p.created_at,
                updated_at=p.updated_at,
                archived=p.archived,
                archived_at=p.archived_at,
            ),
        )
        for p in found
    )


def encode_snapshot(dump: PortalDump) -> bytes:
    return msgspec.json.encode(to_snapshot(dump), order="sorted")


def _record_id(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise ValidationError(f"Record id {text!r} in the snapshot is not a number")
    return int(text)


def _record_dump(type_id: str, record: w.SnapshotRecord) -> RecordDump:
    return RecordDump(
        type_id=type_id,
        id=_record_id(record.id),
        properties=record.properties,
        created_at=record.created_at,
        updated_at=record.updated_at,
        archived=record.archived,
        archived_at=record.archived_at,
        history=tuple(
            (h.name, HistoryEntry(h.value, h.timestamp, h.source_type, h.source_id))
            for h in record.history
        ),
    )


def _definition(prop: w.SnapshotProperty) -> PropertyDefinition:
    fields = {f: getattr(prop, f) for f in w.SnapshotProperty.__struct_fields__}
    fields["options"] = tuple(
        PropertyOption(o.label, o.value, o.hidden, o.description, o.display_order)
        for o in prop.options
    )
    return PropertyDefinition(**fields)


def _associations(rows: list[w.SnapshotAssociation]) -> tuple[dict[str, int | str], ...]:
    """The rows as the store takes them; a row given twice is a 400, not a key clash."""
    found = tuple(msgspec.structs.asdict(row) for row in rows)
    keys = {(r["from_id"], r["to_type"], r["to_id"], r["type_id"]) for r in found}
    if len(keys) != len(found):
        raise ValidationError("Invalid snapshot: an association is listed twice")
    return found


def from_snapshot(snapshot: w.PortalSnapshot) -> PortalDump:
    if snapshot.format != w.SNAPSHOT_FORMAT:
        raise ValidationError(f"Unknown snapshot format {snapshot.format!r}")
    types = sorted(snapshot.object_types.items())
    sequence = snapshot.id_sequence
    return PortalDump(
        name=snapshot.portal.name,
        tier=snapshot.portal.tier,
        timezone=snapshot.portal.timezone,
        records=tuple(_record_dump(t, r) for t, body in types for r in body.records),
        properties=tuple((t, _definition(p)) for t, body in types for p in body.properties),
        groups=tuple(
            (t, PropertyGroup(g.name, g.label, g.display_order))
            for t, body in types
            for g in body.groups
        ),
        associations=_associations(snapshot.associations),
        owners=tuple(
            Owner(**{f: getattr(o, f) for f in w.SnapshotOwner.__struct_fields__})
            for o in snapshot.owners
        ),
        pipelines=_pipelines(snapshot.pipelines),
        teams=tuple(
            Team(t.id, t.name, t.created_at, t.updated_at, t.archived) for t in snapshot.teams
        ),
        team_members=tuple(
            Membership(m.owner_id, m.team_id, m.primary) for m in snapshot.team_members
        ),
        schemas=tuple(_schema_dump(s) for s in snapshot.schemas),
        association_definitions=tuple(
            AssociationDefinition(
                **{f: getattr(d, f) for f in w.SnapshotAssociationDefinition.__struct_fields__}
            )
            for d in snapshot.association_definitions
        ),
        deal_splits=tuple(
            DealSplit(**{f: getattr(s, f) for f in w.SnapshotDealSplit.__struct_fields__})
            for s in snapshot.deal_splits
        ),
        association_limits=tuple(
            AssociationLimit(
                **{f: getattr(x, f) for f in w.SnapshotAssociationLimit.__struct_fields__}
            )
            for x in snapshot.association_limits
        ),
        **_lists_dump(snapshot),
        installed_apps=tuple(snapshot.installed_apps),
        timeline_events=tuple(_timeline_event_dump(e) for e in snapshot.timeline_events),
        id_seed=sequence.seed if sequence else None,
        next_id_position=sequence.next_position if sequence else 1,
    )


def decode_snapshot(data: bytes) -> PortalDump:
    """Bytes of a snapshot file → the domain's dump; a bad file is a 400."""
    try:
        snapshot = msgspec.json.decode(data, type=w.PortalSnapshot)
    except msgspec.ValidationError as error:
        raise ValidationError(f"Invalid snapshot: {error}") from None
    except msgspec.DecodeError as error:
        raise ValidationError(f"Invalid input JSON: {error}") from None
    return from_snapshot(snapshot)
