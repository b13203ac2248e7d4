"""The Exports API's use cases (hubspot-behaviour §21): start an export, read its status
with a download link, check a link, and run an export in the background.

An export is a job (``PENDING``, then ``PROCESSING``, ``COMPLETE``): the runner writes its
file a page of records at a time (``PAGE`` records: a keyset page of the type, a page of the
list's members, or a page of search's matches) straight to the files store, so no export
holds its result in memory. A stopped export starts its file again from the beginning.
The status of a ``COMPLETE`` export carries a link that opens the file without a token
until it expires five minutes later (HubSpot's); each status read makes a new link.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import secrets
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from typing import Any, Final, Protocol

from localspot.clock import Clock
from localspot.crm.context import CrmContext
from localspot.crm.errors import HubSpotError, ResourceNotFound
from localspot.crm.export_requests import ExportRequest, check_properties, parse_export
from localspot.crm.import_jobs import JobsContext, LimitExceeded
from localspot.crm.job_files_storage import ExportWriter
from localspot.crm.jobs_storage import (
    EXPORT,
    ExportReadsStorage,
    ExportRow,
    Job,
    JobClaim,
    JobsStorage,
    JobWritesStorage,
    NewJob,
)
from localspot.crm.links_storage import LinksStorage
from localspot.crm.list_memberships_storage import ListMembershipsStorage
from localspot.crm.lists_storage import ListsStorage
from localspot.crm.model import Principal, Record
from localspot.crm.properties import Definitions, load_definitions
from localspot.crm.property_types import format_datetime
from localspot.crm.search import build, refresh_index
from localspot.crm.search_storage import SearchIndexStorage

PENDING: Final = "PENDING"
PROCESSING: Final = "PROCESSING"
COMPLETE: Final = "COMPLETE"
FAILED: Final = "FAILED"
LINK_MS = 5 * 60_000
DAILY_EXPORTS = 30
DAY_MS = 86_400_000
PAGE = 1000
PROGRESS_ROWS = 10_000
"""An export writes its position (and renews its hold, and learns of a cancel) after this
many rows: one write transaction per page cost a twentieth of an export's time."""


class ExportStorage(
    JobsStorage,
    JobWritesStorage,
    ExportReadsStorage,
    SearchIndexStorage,
    ListsStorage,
    ListMembershipsStorage,
    LinksStorage,
    Protocol,
):
    """What exports use: the jobs roles, the export's reads, search's index, lists,
    memberships and links (with the definitions and records the search storage brings)."""


class LinkRefused(HubSpotError):
    """A download link that is expired, forged or names no finished export."""

    status = 403
    category = "FORBIDDEN"


def not_found(export_id: str) -> ResourceNotFound:
    return ResourceNotFound(f"Export {export_id} does not exist", context={"exportId": [export_id]})


async def _checked(ctx: JobsContext, raw: Mapping[str, Any]) -> ExportRequest:
    request = parse_export(raw, ctx.types)
    definitions = await load_definitions(ctx.store, ctx.portal_id, request.object_type)
    check_properties(request, definitions)
    if request.search is not None:
        build(definitions, request.search, ctx.types)  # the filters' 400s, now
    if request.list_id is not None:
        store: Any = ctx.store
        found = await store.lists_of(ctx.portal_id, [request.list_id])
        live = [x for x in found if x.deleted_at is None]
        if not live or live[0].object_type != request.object_type.type_id:
            raise ResourceNotFound(
                f"List {request.list_id} of object type {request.object_type.type_id} does not"
                " exist",
                context={"listId": [str(request.list_id)]},
            )
    return request


async def start_export(ctx: JobsContext, raw: Mapping[str, Any]) -> Job:
    request = await _checked(ctx, raw)
    jobs, _ = await ctx.store.usage_since(ctx.portal_id, EXPORT, ctx.clock.now_ms() - DAY_MS)
    if jobs >= DAILY_EXPORTS:
        raise LimitExceeded(f"A portal may start {DAILY_EXPORTS} exports in 24 hours")
    text = json.dumps(dict(raw), separators=(",", ":"))
    new = NewJob(EXPORT, request.name, PENDING, text, link_key=secrets.token_hex(16))
    return await ctx.store.create_job(ctx.portal_id, new, ctx.clock.now_ms())


def _job_id(text: str) -> int:
    return int(text) if text.isdigit() and len(text) < 19 else -1


async def get_export(ctx: JobsContext, export_id: str) -> Job:
    found = await ctx.store.job(ctx.portal_id, _job_id(export_id), EXPORT)
    if found is None:
        raise not_found(export_id)
    return found


def _signature(job: Job, expires: int) -> str:
    key = (job.link_key or "").encode()
    text = f"{job.portal_id}:{job.id}:{expires}".encode()
    return hmac.new(key, text, hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Link:
    expires: int
    signature: str


def new_link(job: Job, clock: Clock) -> Link | None:
    """A fresh link to a ``COMPLETE`` export's file, valid for five minutes."""
    if job.state != COMPLETE:
        return None
    expires = clock.now_ms() + LINK_MS
    return Link(expires, _signature(job, expires))


async def open_link(
    store: JobsStorage, clock: Clock, portal_id: int, export_id: int, link: Link
) -> Job:
    """The export a link opens, while it has not expired."""
    job = await store.job(portal_id, export_id, EXPORT)
    if job is None or job.state != COMPLETE:
        raise LinkRefused("This export's file does not exist")
    if not hmac.compare_digest(_signature(job, link.expires), link.signature):
        raise LinkRefused("This link's signature is not valid")
    if clock.now_ms() > link.expires:
        raise LinkRefused("This link has expired: read the export's status for a new one")
    return job


def _header(request: ExportRequest, definitions: Definitions) -> list[str]:
    names = ["Record ID"]
    for name in request.properties:
        definition = definitions.by_name[name]
        names.append(name if request.names else definition.label)
    if request.associated_type is not None:
        names.append(f"Associated {request.associated_type.singular.title()} IDs")
    return names


Cell = Callable[[ExportRow], str]
"""One column of the file, read from a row."""


def _labelled(value: str, labels: Mapping[str, str]) -> str:
    if ";" not in value:
        return labels.get(value, value)
    return ";".join(labels.get(part, part) for part in value.split(";"))


def _cell(request: ExportRequest, definitions: Definitions, name: str) -> Cell:
    """How the column of ``name`` is read, decided once per export: a system property from
    the record's columns, an enumeration as its labels unless internal values were asked
    for, anything else as stored."""
    column = request.object_type.system_columns.get(name)
    if column == "id":
        return lambda row: str(row[0])
    if column == "updated_at":
        return lambda row: format_datetime(row[3])
    if column is not None:
        return lambda row: format_datetime(row[2])
    definition = definitions.by_name[name]
    if request.values or definition.type != "enumeration":
        return lambda row: row[1].get(name) or ""
    labels = {o.value: o.label for o in definition.options}
    return lambda row: _labelled(row[1].get(name) or "", labels)


def _as_row(record: Record) -> ExportRow:
    return (record.id, record.properties, record.created_at, record.updated_at)


class _Run:
    def __init__(self, ctx: JobsContext, job: Job, request: ExportRequest) -> None:
        self.ctx, self.job, self.request = ctx, job, request
        self.store: Any = ctx.store
        self.portal_id, self.type_id = ctx.portal_id, request.object_type.type_id

    async def pages(self, definitions: Definitions) -> AsyncGenerator[Sequence[ExportRow]]:
        if self.request.list_id is not None:
            async for page in self._members():
                yield page
        elif self.request.search is not None:
            async for page in self._matches(definitions):
                yield page
        else:
            after = 0
            while True:
                rows = await self.store.export_rows(self.portal_id, self.type_id, after, PAGE)
                yield rows
                if len(rows) < PAGE:
                    return
                after = rows[-1][0]

    async def _members(self) -> AsyncIterator[Sequence[ExportRow]]:
        key: tuple[int, int] | None = None
        list_id = self.request.list_id
        while True:
            page = await self.store.members_page(
                self.portal_id, list_id, by_join_time=False, after=key, before=None, limit=PAGE
            )
            ids = [m.record_id for m in page.members]
            found = await self.store.read_records(self.portal_id, self.type_id, ids)
            yield [_as_row(found[i]) for i in ids if i in found]
            if not page.more_above or not page.members:
                return
            key = (0, page.members[-1].record_id)

    async def _matches(self, definitions: Definitions) -> AsyncIterator[Sequence[ExportRow]]:
        """The search's matches: in id order by keyset pages, or by offset pages in the
        order of its sorts when it has any."""
        assert self.request.search is not None
        principal = Principal(self.portal_id, frozenset())
        ctx = CrmContext(self.store, self.ctx.clock, principal, self.request.object_type)
        await refresh_index(ctx, definitions)
        query = replace(build(definitions, self.request.search, self.ctx.types), limit=PAGE)
        if query.sort is None:
            after: int | None = 0
            while after is not None:
                rows, after = await self.store.export_matches(
                    self.portal_id, self.type_id, query, after
                )
                yield rows
            return
        offset = 0
        while True:
            page = await self.store.search(
                self.portal_id, self.type_id, replace(query, offset=offset)
            )
            yield [_as_row(r) for r in page.records]
            offset += len(page.records)
            if len(page.records) < PAGE or offset >= page.total:
                return

    async def _linked(self, rows: Sequence[ExportRow]) -> Mapping[int, list[int]]:
        target = self.request.associated_type
        if target is None or not rows:
            return {}
        links = await self.store.links_of(self.portal_id, [r[0] for r in rows], target.type_id)
        found: dict[int, list[int]] = {}
        for link in links:
            if link.to_id not in found.setdefault(link.from_id, []):
                found[link.from_id].append(link.to_id)
        return found

    async def write(self, writer: ExportWriter) -> str:
        """The file, a page at a time; the next page is read while one is written."""
        definitions = await load_definitions(self.store, self.portal_id, self.request.object_type)
        check_properties(self.request, definitions)
        cells = [_cell(self.request, definitions, name) for name in self.request.properties]
        await asyncio.to_thread(writer.write_rows, [_header(self.request, definitions)])
        pages = self.pages(definitions)
        ahead = asyncio.ensure_future(anext(pages, None))
        count = reported = 0
        try:
            while (rows := await ahead) is not None:
                ahead = asyncio.ensure_future(anext(pages, None))
                linked = await self._linked(rows)
                await asyncio.to_thread(self._write_page, writer, cells, rows, linked)
                count += len(rows)
                if count - reported < PROGRESS_ROWS and len(rows) == PAGE:
                    continue
                reported = count
                now = self.ctx.clock.now_ms()
                state = await self.ctx.store.export_progress(
                    self.portal_id, self.job.id, count, now
                )
                if state != PROCESSING:
                    return state or "CANCELED"
        finally:
            ahead.cancel()
            with suppress(asyncio.CancelledError, StopAsyncIteration):
                await ahead
            await pages.aclose()
        return COMPLETE

    def _write_page(
        self,
        writer: ExportWriter,
        cells: Sequence[Cell],
        rows: Sequence[ExportRow],
        linked: Mapping[int, list[int]],
    ) -> None:
        """Off the event loop: the page's lines, made and written."""
        lines = [[str(row[0]), *[cell(row) for cell in cells]] for row in rows]
        if self.request.associated_type is not None:
            for line, row in zip(lines, rows, strict=True):
                line.append(";".join(str(i) for i in linked.get(row[0], [])))
        writer.write_rows(lines)


async def run_export(ctx: JobsContext, claim: JobClaim) -> None:
    job = await ctx.store.start_job(ctx.portal_id, claim.job_id, PROCESSING, ctx.clock.now_ms())
    if job is None or job.state != PROCESSING:
        return
    writer = ctx.files.new_export(ctx.portal_id, job.id, _format(job))
    try:
        request = parse_export(json.loads(job.request), ctx.types)
        state = await _Run(ctx, job, request).write(writer)
    except HubSpotError as error:
        writer.discard()
        await ctx.store.finish_job(
            ctx.portal_id, job.id, FAILED, ctx.clock.now_ms(), failure=error.message
        )
        return
    except BaseException:
        writer.discard()
        raise
    if state != COMPLETE:
        writer.discard()
        return
    size = await asyncio.to_thread(writer.finish)
    await ctx.store.finish_job(
        ctx.portal_id, job.id, COMPLETE, ctx.clock.now_ms(), result_size=size
    )


def _format(job: Job) -> str:
    """The file format of a stored request (CSV when it can't be read: the run fails)."""
    try:
        given = str(json.loads(job.request).get("format", "CSV")).upper()
    except (ValueError, AttributeError):
        return "CSV"
    return "XLSX" if given == "XLSX" else "CSV"


def file_format(job: Job) -> str:
    return _format(job)
