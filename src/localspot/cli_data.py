"""``localspot export``, ``import``, ``seed`` and ``db reindex``: whole portals, bulk
records and search's index from the command line. Registered by ``cli.py``; flags →
Settings → one use case.

A CSV import runs as an import of the Imports API (``cli_imports.py``): streamed in slices,
valid rows written, failed rows reported with their line and reasons. Seeding is all or
nothing: every generated row is checked first (the API's own rules), then all are written
in one transaction.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from localspot.cli_imports import CsvImportResult, import_csv
from localspot.clock import SystemClock
from localspot.config import Settings, help_for
from localspot.crm import (
    accounts,
    association_types,
    associations,
    object_types,
    portal_admin,
    sample_data,
    search,
)
from localspot.crm.errors import HubSpotError
from localspot.crm.imports import ImportOutcome, import_rows
from localspot.crm.property_types import parse_instant
from localspot.crm.storage import Store
from localspot.snapshot_codec import decode_snapshot, encode_snapshot
from localspot.store.open import open_store

DatabaseUrl = Annotated[
    str | None, typer.Option("--database-url", help=help_for("database_url"), show_default=False)
]
Portal = Annotated[int | None, typer.Option(help="Portal id (default: the first portal).")]
PROGRESS_FROM_ROWS = 1000
PLAIN_EVERY_S = 2.0
"""Seconds between the plain progress lines written when stderr is not a terminal."""
SHOWN_PROBLEMS = 50

T = TypeVar("T")


def _store(database_url: str | None) -> Store:
    settings = Settings.from_env(database_url=database_url)
    return open_store(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)


def with_store(
    database_url: str | None,
    work: Callable[[Store], Awaitable[T]],
    failure_prefix: str = "",
) -> T:
    """Open the store, run ``work`` on it and close it; a HubSpot error becomes one
    ``Error:`` line and a non-zero exit."""

    async def run() -> T:
        store = _store(database_url)
        try:
            return await work(store)
        finally:
            await store.close()

    try:
        return asyncio.run(run())
    except HubSpotError as error:
        raise _fail(failure_prefix + error.message) from None


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


class RateColumn(ProgressColumn):
    """Rows per second, as the bar has seen them."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("-- rows/s" if speed is None else f"{speed:,.0f} rows/s")


class PlainProgress:
    """Progress as plain lines on stderr (not a terminal: a log, a pipe, CI): one every
    ``PLAIN_EVERY_S`` seconds with the rate and the time left, and one at the end."""

    def __init__(self, total: int, label: str) -> None:
        self.total, self.label = total, label
        self.done = 0
        self.started = self.shown = time.monotonic()

    def advance(self, count: int) -> None:
        self.done += count
        now = time.monotonic()
        if now - self.shown >= PLAIN_EVERY_S and self.done < self.total:
            self.shown = now
            rate = self.done / max(now - self.started, 1e-9)
            left = (self.total - self.done) / rate if rate else 0.0
            typer.echo(
                f"{self.label}: {self.done:,}/{self.total:,} rows ({rate:,.0f} rows/s,"
                f" ETA {left:,.0f} s)",
                err=True,
            )

    def finish(self) -> None:
        elapsed = time.monotonic() - self.started
        rate = self.done / max(elapsed, 1e-9)
        typer.echo(
            f"{self.label}: {self.done:,}/{self.total:,} rows in {elapsed:,.1f} s"
            f" ({rate:,.0f} rows/s)",
            err=True,
        )


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[int], None]]:
    """Progress on stderr for long runs: a bar with the rate and the time left on a
    terminal, plain periodic lines otherwise."""
    console = Console(stderr=True)
    if total < PROGRESS_FROM_ROWS:
        yield lambda done: None
        return
    if not console.is_terminal:
        plain = PlainProgress(total, label)
        yield plain.advance
        plain.finish()
        return
    columns = (
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda done: bar.advance(task, done)


def export(portal: Portal = None, database_url: DatabaseUrl = None) -> None:
    """Print a portal's snapshot (JSON, byte-stable) on stdout."""

    async def run(store: Store) -> bytes:
        portal_id = await accounts.portal_or_default(store, portal)
        return encode_snapshot(await portal_admin.snapshot(store, portal_id))

    typer.echo(with_store(database_url, run))


async def _restore(store: Store, path: Path, portal: int | None) -> int:
    dump = decode_snapshot(path.read_bytes())
    portal_admin.plan_restore(dump)  # a snapshot it refuses leaves no new, empty portal behind
    if portal is None:
        portal = await accounts.create_portal(store, dump.name, dump.tier, dump.timezone)
    await portal_admin.restore(store, portal, dump)
    typer.echo(
        f"restored {len(dump.records)} records and {len(dump.properties)} custom properties"
        f" into portal {portal}",
        err=True,
    )
    return portal


async def _import_csv(
    store: Store, settings: Settings, path: Path, portal: int | None, type_name: str
) -> int:
    """A CSV of any of the portal's types, custom ones too (``2-<n>`` or their names), run
    as an import of the Imports API (``cli_imports.py``)."""
    with ExitStack() as stack:

        def progress(total: int) -> Callable[[int], None]:
            return stack.enter_context(_progress(total, f"importing {type_name}"))

        result = await import_csv(
            store, settings, path, portal, type_name, progress, SHOWN_PROBLEMS
        )
    _report_csv(result)
    return result.portal_id


def _report_csv(result: CsvImportResult) -> None:
    what = f"{result.object_type.name} into portal {result.portal_id}"
    if result.job is None:
        for problem in result.header:
            typer.echo(str(problem), err=True)
        raise _fail(f"nothing imported: the header ({len(result.header)} problems)")
    if result.job.state != "DONE":
        reason = f": {result.job.failure}" if result.job.failure else ""
        typer.echo(f"import {result.job.id} is {result.job.state}{reason}", err=True)
    for error in result.failed:
        typer.echo(
            f"row {error.line_number}: {error.error_type}: {' '.join(error.message.split())}",
            err=True,
        )
    hidden = result.errors - len(result.failed)
    if hidden > 0:
        typer.echo(f"... and {hidden} more", err=True)
    failed = result.total_rows - result.created - int(result.job.counters.get("UPDATED_OBJECTS", 0))
    typer.echo(f"imported {result.created} {what} (import {result.job.id})", err=True)
    if failed or result.job.state != "DONE":
        raise _fail(f"{failed} of {result.total_rows} rows failed ({result.errors} errors)")


def _report(outcome: ImportOutcome, what: str) -> None:
    if not outcome.problems:
        typer.echo(f"imported {outcome.created} {what}", err=True)
        return
    for problem in outcome.problems[:SHOWN_PROBLEMS]:
        typer.echo(str(problem), err=True)
    hidden = len(outcome.problems) - SHOWN_PROBLEMS
    if hidden > 0:
        typer.echo(f"... and {hidden} more", err=True)
    rows = {p.row for p in outcome.problems}
    rejected = "the header" if 0 in rows else f"{len(rows)} rejected rows"
    raise _fail(f"nothing imported: {rejected} ({len(outcome.problems)} problems)")


def import_file(
    file: Annotated[Path, typer.Argument(help="A snapshot (.json) or records (.csv).")],
    portal: Annotated[
        int | None,
        typer.Option(
            help="Target portal; a snapshot replaces its contents (default: .json a new"
            " portal, .csv the first portal).",
            show_default=False,
        ),
    ] = None,
    type_name: Annotated[str, typer.Option("--type", help="Object type of a .csv.")] = "calls",
    database_url: DatabaseUrl = None,
) -> None:
    """Import a snapshot or a CSV (header: property names; one record per row). A CSV runs
    as an import of the Imports API: valid rows are written, the rows that failed are
    listed at the end (and the exit status is 1). Prints the portal id on the last line."""
    if not file.is_file():
        raise _fail(f"{file}: no such file", 2)
    suffix = file.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise _fail(f"{file}: expected a .json snapshot or a .csv file", 2)

    async def run(store: Store) -> int:
        if suffix == ".json":
            return await _restore(store, file, portal)
        settings = Settings.from_env(database_url=database_url)
        return await _import_csv(store, settings, file, portal, type_name)

    typer.echo(with_store(database_url, run, failure_prefix=f"{file}: "))


async def _seed_type(
    store: Store, portal_id: int, type_name: str, maps: list[dict[str, str]]
) -> list[int]:
    object_type = object_types.resolve(type_name)
    header, rows = sample_data.as_rows(maps)
    with _progress(len(rows), f"seeding {type_name}") as advance:
        now = SystemClock().now_ms()
        outcome = await import_rows(store, now, portal_id, object_type, header, rows, advance)
    _report(outcome, f"{type_name} into portal {portal_id}")
    return list(outcome.ids)


def _has_type(name: str) -> bool:
    return any(name in (t.name, t.type_id) for t in object_types.all_types())


def seed(
    calls: Annotated[int, typer.Option(min=0, help="How many calls.")] = 1000,
    contacts: Annotated[
        int, typer.Option(min=0, help="How many contacts (when that type exists).")
    ] = 0,
    seed_value: Annotated[int, typer.Option("--seed", help="Same seed, same records.")] = 42,
    now: Annotated[
        str | None,
        typer.Option(help="End of the year of calls, ISO-8601 or epoch ms (default: now)."),
    ] = None,
    portal: Portal = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Add plausible, deterministic calls (and contacts) spread over the last year."""
    until = parse_instant(now) if now is not None else SystemClock().now_ms()
    if until is None:
        raise _fail(f"--now: {now!r} is neither ISO-8601 nor epoch milliseconds", 2)

    async def run(store: Store) -> int:
        portal_id = await accounts.portal_or_default(store, portal)
        await accounts.require_portal(store, portal_id)
        contact_ids = await _seed_contacts(store, portal_id, contacts, seed_value)
        maps = sample_data.calls(seed_value, calls, until, contact_ids)
        call_ids = await _seed_type(store, portal_id, "calls", maps)
        await _link_calls(store, portal_id, call_ids, maps)
        return portal_id

    typer.echo(with_store(database_url, run))


async def _seed_contacts(store: Store, portal_id: int, count: int, seed_value: int) -> list[int]:
    if count <= 0:
        return []
    if not _has_type("contacts"):
        typer.echo("no contacts object type in this build: seeding calls only", err=True)
        return []
    known = list(object_types.resolve("contacts").properties)
    ids = await _seed_type(
        store, portal_id, "contacts", sample_data.contacts(seed_value, count, known)
    )
    return ids


async def _link_calls(
    store: Store, portal_id: int, call_ids: Sequence[int], maps: Sequence[Mapping[str, str]]
) -> None:
    """Associate each seeded call with the contact it names (``hs_call_callee_object_id``)."""
    call_type, contact_type = object_types.resolve("calls"), object_types.resolve("contacts")
    kind = association_types.BUILTIN.default_type(call_type, contact_type)
    links = [
        link
        for call_id, values in zip(call_ids, maps, strict=True)
        if values.get("hs_call_callee_object_id")
        for link in associations.both_ways(
            association_types.BUILTIN,
            call_id,
            int(values["hs_call_callee_object_id"]),
            kind,
            association_types.HUBSPOT_DEFINED,
        )
    ]
    await store.add_links(portal_id, links, SystemClock().now_ms())


def reindex(
    portal: Annotated[
        int | None, typer.Option(help="Portal id (default: every portal).", show_default=False)
    ] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Rebuild search's index from the records (after its rules changed); prints how many
    records were indexed. A running server may stay up: it searches on as before."""

    async def run(store: Store) -> int:
        if portal is not None:
            await accounts.require_portal(store, portal)
        return await search.reindex(store, portal)

    typer.echo(with_store(database_url, run))


def register(cli: typer.Typer, db_cli: typer.Typer) -> None:
    db_cli.command("reindex")(reindex)
    cli.command("export")(export)
    cli.command("import")(import_file)
    cli.command("seed")(seed)
