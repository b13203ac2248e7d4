"""Time, injected: the only place that reads the wall clock."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Protocol


class Clock(Protocol):
    def now_ms(self) -> int:
        """Milliseconds since the epoch, UTC."""
        ...


class SystemClock:
    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000


class FixedClock:
    """A clock that stands still until moved: for tests and frozen demo time."""

    def __init__(self, now_ms: int) -> None:
        self._now_ms = now_ms

    def now_ms(self) -> int:
        return self._now_ms

    def advance(self, ms: int) -> None:
        self._now_ms += ms


class ControllableClock:
    """The server's clock: another clock (the system's by default) moved by an offset, or
    frozen at one instant. The admin API drives it; records' times, history and the rate
    limiter all read it, so a test can move time instead of waiting."""

    def __init__(self, base: Clock | None = None) -> None:
        self._base: Clock = base or SystemClock()
        self._offset_ms = 0
        self._frozen_at: int | None = None
        self._listeners: list[Callable[[], None]] = []

    def on_move(self, listener: Callable[[], None]) -> None:
        """Call ``listener`` whenever the clock is moved, frozen or set going again (the
        webhook sender looks for retries that became due)."""
        self._listeners.append(listener)

    def _moved(self) -> None:
        for listener in self._listeners:
            listener()

    def now_ms(self) -> int:
        if self._frozen_at is not None:
            return self._frozen_at
        return self._base.now_ms() + self._offset_ms

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    @property
    def offset_ms(self) -> int:
        """How far ``now_ms`` is from the base clock (the frozen instant's distance)."""
        return self.now_ms() - self._base.now_ms()

    def freeze(self, at_ms: int | None = None) -> None:
        """Stand still at ``at_ms`` (default: now)."""
        self._frozen_at = self.now_ms() if at_ms is None else at_ms
        self._moved()

    def unfreeze(self) -> None:
        """Run again from the frozen instant: the distance to the base clock is kept."""
        if self._frozen_at is not None:
            self._offset_ms = self._frozen_at - self._base.now_ms()
            self._frozen_at = None
        self._moved()

    def advance(self, ms: int) -> None:
        if self._frozen_at is not None:
            self._frozen_at += ms
        else:
            self._offset_ms += ms
        self._moved()

    def reset(self) -> None:
        """Back to the base clock's time, running."""
        self._offset_ms = 0
        self._frozen_at = None
        self._moved()
