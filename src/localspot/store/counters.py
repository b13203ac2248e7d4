"""Rate-limit counters: in process memory, or in Redis when several processes share limits.

``hit(key, limit, window_ms, now_ms)`` records one request in a rolling window if it still
fits and answers ``(allowed, remaining)``. Rejected requests are not recorded, so a client
that backs off gets its budget back as the window rolls. The Redis version runs the whole
check-and-record as one Lua script (atomic across every server); when Redis can't be
reached it lets requests through and says so once in the log (fail open). Both satisfy
``http/limits.py``'s ``Counters`` protocol; ``app.py`` hands one to the rate-limit guard.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict, deque
from typing import Any

log = logging.getLogger("localspot")

_SLIDING_WINDOW = """
local key, limit, window, now = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local used = redis.call('ZCARD', key)
if used >= limit then return {0, 0} end
redis.call('ZADD', key, now, ARGV[4])
redis.call('PEXPIRE', key, window)
return {1, limit - used - 1}
"""


_FIXED_WINDOW = """
local key, limit, ttl = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2])
local used = tonumber(redis.call('GET', key) or '0')
if used >= limit then return {0, 0} end
redis.call('INCR', key)
redis.call('PEXPIRE', key, ttl)
return {1, limit - used - 1}
"""


class MemoryCounters:
    """One process's counters: a deque of request times per key."""

    def __init__(self) -> None:
        self._hits: defaultdict[str, deque[int]] = defaultdict(deque)
        self._counts: dict[str, int] = {}

    async def hit(self, key: str, limit: int, window_ms: int, now_ms: int) -> tuple[bool, int]:
        hits = self._hits[key]
        while hits and hits[0] <= now_ms - window_ms:
            hits.popleft()
        if len(hits) >= limit:
            return False, 0
        hits.append(now_ms)
        return True, limit - len(hits)

    async def count(self, key: str, limit: int, ttl_ms: int) -> tuple[bool, int]:
        used = self._counts.get(key, 0)
        if used >= limit:
            return False, 0
        if key not in self._counts and len(self._counts) > 10_000:
            self._counts.clear()  # yesterday's windows: a day's keys are few
        self._counts[key] = used + 1
        return True, limit - used - 1

    async def close(self) -> None:
        self._hits.clear()


class RedisCounters:
    def __init__(self, url: str) -> None:
        import redis.asyncio as aioredis

        self._redis: Any = aioredis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self._sliding = self._redis.register_script(_SLIDING_WINDOW)
        self._fixed = self._redis.register_script(_FIXED_WINDOW)
        self._failing = False

    async def _run(self, script: Any, key: str, args: list[Any], limit: int) -> tuple[bool, int]:
        try:
            allowed, remaining = await script(keys=[f"localspot:{key}"], args=args)
        except Exception as error:  # any Redis trouble: keep serving
            if not self._failing:
                log.warning(
                    "rate-limit counters unavailable (%s); not limiting", type(error).__name__
                )
            self._failing = True
            return True, limit
        self._failing = False
        return bool(allowed), int(remaining)

    async def hit(self, key: str, limit: int, window_ms: int, now_ms: int) -> tuple[bool, int]:
        member = f"{now_ms}:{uuid.uuid4().hex[:8]}"
        return await self._run(self._sliding, key, [limit, window_ms, now_ms, member], limit)

    async def count(self, key: str, limit: int, ttl_ms: int) -> tuple[bool, int]:
        return await self._run(self._fixed, key, [limit, ttl_ms], limit)

    async def close(self) -> None:
        await self._redis.aclose()


def open_counters(redis_url: str | None) -> MemoryCounters | RedisCounters:
    return RedisCounters(redis_url) if redis_url else MemoryCounters()
