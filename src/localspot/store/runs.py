"""How a store's work runs: the kinds of transaction that ``SqlStore`` and its role mixins
(``lists_store``, ``apps_store``, ...) hand their query functions to, and that the backends
(``SqliteStore``, ``PostgresStore``) implement."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Connection

T = TypeVar("T")


class Runs:
    async def _read(self, work: Callable[[Connection], T]) -> T:
        raise NotImplementedError

    async def _lookup(self, work: Callable[[Connection], T]) -> T:
        """A read of one statement, which needs no transaction around it (PostgreSQL saves
        the BEGIN and ROLLBACK round trips)."""
        return await self._read(work)

    async def _long_read(self, work: Callable[[Connection], T]) -> T:
        """A read that may take long (search): where it cannot hold up other requests."""
        return await self._read(work)

    async def _write(self, work: Callable[[Connection], T]) -> T:
        raise NotImplementedError

    async def _background_write(self, work: Callable[[Connection], T]) -> T:
        """A write that is not a request's own (search's index): where it cannot hold up
        other requests."""
        return await self._write(work)
