"""Settings: built once by the CLI from flags, then ``LOCALSPOT_<NAME>``, then defaults.

This is the only module that reads ``os.environ``. ``docs/operations.md`` documents every
field (a test keeps the two in step).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any


def _setting(default: Any, help_text: str) -> Any:
    return field(default=default, metadata={"help": help_text})


@dataclass(frozen=True)
class Settings:
    database_url: str = _setting(
        "sqlite:///localspot.db",
        "Where records live: sqlite:///path/to/file.db or postgresql://user@host:port/db.",
    )
    host: str = _setting("127.0.0.1", "Interface `serve` listens on.")
    port: int = _setting(8080, "TCP port `serve` listens on.")
    workers: int = _setting(1, "Server processes; more than 1 needs PostgreSQL.")
    token: str | None = _setting(
        None, "A bearer token to register on start (all scopes, default portal)."
    )
    log_level: str = _setting("info", "Log level: debug, info, warning or error.")
    max_batch_inputs: int = _setting(100, "Most inputs one object batch request may carry.")
    max_history_batch_inputs: int = _setting(
        50, "Most inputs of a batch read that asks for propertiesWithHistory."
    )
    migrate_on_start: bool = _setting(
        True, "Run migrations when `serve` starts; turn off when `localspot db upgrade` runs apart."
    )
    rate_limits: bool = _setting(
        True, "Enforce HubSpot's rate limits (`--rate-limits on|off`); off for bulk loads."
    )
    webhook_delivery: bool = _setting(
        True,
        "Deliver webhook events from this server (off: they wait in the outbox for a server"
        " on the same database that delivers).",
    )
    redis_url: str | None = _setting(
        None, "Redis for rate-limit counters shared by several processes (redis://host:port/db)."
    )
    ten_secondly_limits: str = _setting(
        "free=100,starter=100,professional=190,enterprise=190,limit-increase=250",
        "Requests per token per rolling window, by portal tier (`+limit-increase` uses the last).",
    )
    ten_secondly_window_ms: int = _setting(10_000, "Length of the rolling window, in ms.")
    daily_limits: str = _setting(
        "free=250000,starter=250000,professional=625000,enterprise=1000000,limit-increase=1000000",
        "Requests per portal per day (midnight in the portal's time zone); the increase adds.",
    )
    search_per_second: int = _setting(5, "Search requests per portal per second.")
    admin_token: str | None = _setting(
        None, "Bearer token of the admin API (/_localspot/); `serve` prints a random one if unset."
    )
    ui_signin_token: str | None = _setting(
        None,
        "One-time code of the inspector's sign-in link; `serve` makes a random one each start"
        " and prints the link (each server process takes it once).",
    )
    journal_size: int = _setting(
        500, "Requests the journal keeps per portal, in each server process's memory (0: off)."
    )
    max_body_bytes: int = _setting(
        10_000_000, "Largest request body, in bytes; a larger one gets 413 (snapshots: 1 GB)."
    )
    body_timeout: int = _setting(
        30, "Seconds a client has to send a request's whole body; then 408 and disconnect."
    )
    keep_alive_timeout: int = _setting(
        5, "Seconds an idle keep-alive connection stays open between requests."
    )
    journal_portal_bytes: int = _setting(
        16 * 2**20, "Bytes the journal keeps per portal (bodies, paths, queries); oldest go first."
    )
    journal_bytes: int = _setting(
        64 * 2**20, "Bytes the journal keeps for all portals of one server process together."
    )
    list_fill_inline_records: int = _setting(
        10_000,
        "Records a SNAPSHOT or DYNAMIC list's create (or filter update) request judges itself;"
        " a larger list answers PROCESSING and is filled in the background (0: always).",
    )
    data_dir: str | None = _setting(
        None,
        "Directory for import uploads and export files (default: beside a SQLite database,"
        " `<file>.files`; else ./localspot-files/<database name>). Several servers of one"
        " database share it.",
    )
    import_file_bytes: int = _setting(
        512 * 2**20, "Largest import file, in bytes (HubSpot: 512 MB); a larger one gets 429."
    )
    import_file_rows: int = _setting(
        1_048_576, "Most rows of one import file (HubSpot: 1,048,576); more gets 429."
    )
    sqlite_synchronous: str = _setting(
        "NORMAL",
        "SQLite synchronous pragma: NORMAL (durable with WAL) or FULL; OFF for throwaway data.",
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **flags: Any) -> Settings:
        """Flags that are not None win over ``LOCALSPOT_<NAME>``, which wins over defaults."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            if flags.get(f.name) is not None:
                values[f.name] = flags[f.name]
            elif f"LOCALSPOT_{f.name.upper()}" in env:
                values[f.name] = _coerce(f.type, env[f"LOCALSPOT_{f.name.upper()}"])
        return replace(cls(), **values)


def _coerce(type_name: Any, text: str) -> Any:
    if type_name in ("int", int):
        return int(text)
    if type_name in ("bool", bool):
        return parse_switch(text)
    return text


def parse_switch(text: str) -> bool:
    """``on``/``off``, ``true``/``false``, ``1``/``0``, ``yes``/``no``."""
    return text.strip().lower() in ("1", "true", "yes", "on")


def help_for(name: str) -> str:
    return str(next(f for f in fields(Settings) if f.name == name).metadata["help"])
