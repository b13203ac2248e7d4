"""The pipelines role: a portal's pipelines and their stages, per object type, and the
audit trail of their changes (HubSpot's Pipelines API v3).

A pipeline is written whole: the domain hands the store the pipeline as it should be after
the change (new pipelines and stages without ids), and the store gives the new ones ids and
writes the rows and their audit entries in one transaction. The rules every role keeps are
in ``crm/storage.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Stage:
    id: str | None
    """None until the store gives a new stage its id (numeric strings, unique per portal)."""
    label: str
    display_order: int
    metadata: Mapping[str, str]
    created_at: int
    updated_at: int
    archived: bool = False
    archived_at: int | None = None
    write_permissions: str = "CRM_PERMISSIONS_ENFORCEMENT"
    change: str | None = None
    """``CREATE``, ``UPDATE`` or ``DELETE`` when this write changes the stage (an audit
    entry is stored for it); None otherwise. Never stored."""


@dataclass(frozen=True, slots=True)
class Pipeline:
    id: str | None
    label: str
    display_order: int
    stages: tuple[Stage, ...]
    """Archived stages included."""
    created_at: int
    updated_at: int
    archived: bool = False
    archived_at: int | None = None
    change: str | None = None
    """As ``Stage.change``, for the pipeline itself."""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    action: str
    """``CREATE``, ``UPDATE`` or ``DELETE``."""
    identifier: str
    """The pipeline's or stage's id."""
    timestamp: int
    raw_object: Mapping[str, object] = field(default_factory=dict)
    """The pipeline or stage as it stood after the change (HubSpot's JSON shape)."""


class PipelinesStorage(Protocol):
    async def pipelines_of(self, portal_id: int, type_id: str) -> Sequence[Pipeline]:
        """Every pipeline of the type, archived ones and archived stages included, by
        display order then label."""
        ...

    async def save_pipeline(self, portal_id: int, type_id: str, pipeline: Pipeline) -> Pipeline:
        """Insert or update the pipeline and every stage it carries, giving new ones ids, and
        store an audit entry for each one whose ``change`` is set; one transaction. Returns
        the pipeline as stored (ids filled in, ``change`` cleared)."""
        ...

    async def audits_of(
        self, portal_id: int, type_id: str, pipeline_id: str, stage_id: str | None
    ) -> Sequence[AuditEntry]:
        """The audit entries of a pipeline (``stage_id`` None) or of one of its stages,
        newest first."""
        ...


def audit_object(item: Pipeline | Stage) -> dict[str, object]:
    """The pipeline or stage as an audit entry's ``rawObject`` shows it (HubSpot's JSON
    field names; times in epoch milliseconds)."""
    shown: dict[str, object] = {
        "id": item.id,
        "label": item.label,
        "displayOrder": item.display_order,
        "createdAt": item.created_at,
        "updatedAt": item.updated_at,
        "archived": item.archived,
    }
    if isinstance(item, Stage):
        shown["metadata"] = dict(item.metadata)
    else:
        shown["stages"] = [s.id for s in item.stages if not s.archived]
    return shown
