"""The portal admin role: whole-portal work of the test double (reset, delete, snapshot,
restore, seeded ids) and all-or-nothing bulk imports.

The rules every role keeps are in ``crm/storage.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from localspot.crm.association_limits_storage import AssociationLimit
from localspot.crm.deal_splits_storage import DealSplit
from localspot.crm.lists_storage import ListFolder, ObjectList
from localspot.crm.model import HistoryEntry, PropertyDefinition, PropertyGroup
from localspot.crm.owners_storage import Owner
from localspot.crm.pipelines_storage import Pipeline
from localspot.crm.records_storage import InsertResult, NewRecord
from localspot.crm.schemas_storage import AssociationDefinition, CustomSchema
from localspot.crm.teams_storage import Membership, Team
from localspot.crm.timeline_storage import TimelineEvent


@dataclass(frozen=True, slots=True)
class RecordDump:
    """One record as a portal snapshot holds it: every column, its history oldest first."""

    type_id: str
    id: int
    properties: Mapping[str, str]
    created_at: int
    updated_at: int
    archived: bool = False
    archived_at: int | None = None
    history: tuple[tuple[str, HistoryEntry], ...] = ()
    unique_names: frozenset[str] = frozenset()
    """Filled by the domain on restore: the values to claim in the unique index."""


AssociationRow = Mapping[str, int | str | float | bool | None]
"""A row of the ``associations`` table (when that table exists), without ``portal_id``."""


@dataclass(frozen=True, slots=True)
class PortalDump:
    """Everything a portal holds apart from its tokens: what snapshot and restore move."""

    name: str
    tier: str = "free"
    timezone: str = "UTC"
    records: tuple[RecordDump, ...] = ()
    properties: tuple[tuple[str, PropertyDefinition], ...] = ()
    """(type id, custom property definition), archived ones included."""
    groups: tuple[tuple[str, PropertyGroup], ...] = ()
    associations: tuple[AssociationRow, ...] = ()
    owners: tuple[Owner, ...] = ()
    """Archived ones included, ids and userIds kept."""
    pipelines: tuple[tuple[str, Pipeline], ...] = ()
    """(type id, pipeline), archived ones and stages included; empty means the defaults."""
    teams: tuple[Team, ...] = ()
    """Archived ones included, ids kept."""
    team_members: tuple[Membership, ...] = ()
    schemas: tuple[CustomSchema, ...] = ()
    """Custom object types, archived ones included."""
    association_definitions: tuple[AssociationDefinition, ...] = ()
    deal_splits: tuple[DealSplit, ...] = ()
    """Each deal's splits, ids kept."""
    association_limits: tuple[AssociationLimit, ...] = ()
    lists: tuple[ObjectList, ...] = ()
    """Deleted ones included; a restore counts each list's size from ``list_members``."""
    list_folders: tuple[ListFolder, ...] = ()
    list_members: tuple[tuple[int, int, int], ...] = ()
    """(list id, record id, time of joining) of every membership."""
    installed_apps: tuple[int, ...] = ()
    """The developer apps installed in the portal (the apps themselves live outside any
    portal); a restore installs those the server has and leaves the others out."""
    timeline_events: tuple[TimelineEvent, ...] = ()
    """The portal's timeline events; a restore leaves out those whose template (an app's,
    outside any portal) the server lacks."""
    id_seed: int | None = None
    next_id_position: int = 1
    """Where the seeded id sequence continues (see ``set_id_seed``)."""


@dataclass(frozen=True, slots=True)
class RestoreResult:
    found: bool
    """False when there is no such portal (nothing written)."""
    held_elsewhere: frozenset[int] = frozenset()
    """Record ids another portal holds: nothing was written."""


class PortalAdminStorage(Protocol):
    async def reset_portal(self, portal_id: int, *, keep_custom_properties: bool) -> bool:
        """Remove every record, history row, unique value, association, owner, team, deal
        split, list, list folder, pipeline audit, timeline event and app installation of the
        portal (and its
        custom properties, groups and custom object types with their association
        definitions, unless kept), and put back its default pipelines; False when there is
        no such portal."""
        ...

    async def delete_portal(self, portal_id: int) -> bool:
        """The portal, its tokens and everything it holds; False when there is no such portal."""
        ...

    async def dump_portal(self, portal_id: int) -> PortalDump | None: ...

    async def restore_portal(self, portal_id: int, dump: PortalDump) -> RestoreResult:
        """Replace the portal's contents with ``dump`` (ids and times kept), in one transaction."""
        ...

    async def set_id_seed(self, portal_id: int, seed: int | None) -> bool:
        """New record ids of the portal come from the sequence of ``seed`` (None: the
        database's own sequence); False when there is no such portal."""
        ...

    async def import_records(
        self,
        portal_id: int,
        type_id: str,
        records: Sequence[NewRecord],
        at: int,
        progress: Callable[[int], None] | None = None,
    ) -> InsertResult:
        """All or nothing, in one transaction: when any record would lose a unique value,
        nothing is written and ``clashes`` says which. ``progress`` hears of each chunk."""
        ...
