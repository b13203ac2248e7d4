"""PostgresStore: psycopg 3 under SQLAlchemy's async engine, with a connection pool.

The queries are the same synchronous functions SQLite runs; ``run_sync`` drives them
over the async connection, so psycopg's I/O is awaited and the event loop stays free.
Rows a write touches are locked in id order (``SELECT ... ORDER BY id FOR UPDATE``), so
concurrent batches never deadlock and never lose a property.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import orjson
import psycopg
from psycopg.types.json import set_json_dumps, set_json_loads
from sqlalchemy import Connection
from sqlalchemy.exc import DataError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from localspot.crm.storage import StoreRejected
from localspot.store.sql import SqlStore, engine_options

T = TypeVar("T")


def postgres_engine(url: str) -> AsyncEngine:
    set_json_dumps(lambda value: orjson.dumps(value).decode())
    set_json_loads(orjson.loads)
    return create_async_engine(url, pool_size=10, max_overflow=10, **engine_options())


class PostgresStore(SqlStore):
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def _read(self, work: Callable[[Connection], T]) -> T:
        try:
            async with self._engine.connect() as conn:
                return await conn.run_sync(work)
        except (DataError, psycopg.DataError) as error:
            raise StoreRejected(str(getattr(error, "orig", error))) from error

    async def _write(self, work: Callable[[Connection], T]) -> T:
        try:
            async with self._engine.begin() as conn:
                return await conn.run_sync(work)
        except (DataError, psycopg.DataError) as error:
            raise StoreRejected(str(getattr(error, "orig", error))) from error

    async def close(self) -> None:
        await self._engine.dispose()
