"""The inspector role of ``SqlStore`` (``crm/inspector_storage.py``), over ``inspector_sql``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from localspot.crm.inspector_storage import PortalSummary
from localspot.store import inspector_sql
from localspot.store.runs import Runs

T = TypeVar("T")


class InspectorSqlStore(Runs):
    """Mixed into ``SqlStore``, which says how a transaction runs."""

    async def portals(self) -> Sequence[PortalSummary]:
        return await self._read(inspector_sql.portals)
