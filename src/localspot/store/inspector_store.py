"""The inspector role of ``SqlStore`` (``crm/inspector_storage.py``), over ``inspector_sql``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlalchemy import Connection

from localspot.crm.inspector_storage import PortalSummary
from localspot.store import inspector_sql

T = TypeVar("T")


class InspectorSqlStore:
    """Mixed into ``SqlStore``, which says how a transaction runs."""

    async def _read(self, work: Callable[[Connection], T]) -> T:
        raise NotImplementedError

    async def portals(self) -> Sequence[PortalSummary]:
        return await self._read(inspector_sql.portals)
