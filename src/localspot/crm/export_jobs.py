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
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final, Protocol

from localspot.clock import Clock
from localspot.crm.context import CrmContext
from localspot.crm.errors import HubSpotError, ResourceNotFound
from localspot.crm.export_requests import ExportRequest, check_properties, parse_export
from localspot.crm.import_jobs import JobsContext, LimitExceeded
from localspot.crm.job_files_storage import ExportWriter
from localspot.crm.jobs_storage import EXPORT, Job, JobClaim, JobsStorage, JobWritesStorage, NewJob
from localspot.crm.links_storage import LinksStorage
from localspot.crm.list_memberships_storage import ListMembershipsStorage
from localspot.crm.lists_storage import ListsStorage
from localspot.crm.model import Principal, Record
from localspot.crm.properties import Definitions, load_definitions
from localspot.crm.reads import system_values
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


class ExportStorage(
    JobsStorage,
    JobWritesStorage,
    SearchIndexStorage,
    ListsStorage,
    ListMembershipsStorage,
    LinksStorage,
    Protocol,
):
    """What exports use: the jobs roles, search's index, lists, memberships and links (with
    the definitions and records the search storage brings)."""


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


def _shown(request: ExportRequest, definitions: Definitions, name: str, value: str) -> str:
    definition = definitions.by_name[name]
    if request.values or definition.type != "enumeration" or not value:
        return value
    labels = {o.value: o.label for o in definition.options}
    return ";".join(labels.get(part, part) for part in value.split(";"))


def _row(
    request: ExportRequest, definitions: Definitions, record: Record, linked: Sequence[int]
) -> list[str]:
    values = {**record.properties, **system_values(record, request.object_type.system_columns)}
    row = [str(record.id)]
    row += [_shown(request, definitions, n, values.get(n) or "") for n in request.properties]
    if request.associated_type is not None:
        row.append(";".join(str(i) for i in linked))
    return row


class _Run:
    def __init__(self, ctx: JobsContext, job: Job, request: ExportRequest) -> None:
        self.ctx, self.job, self.request = ctx, job, request
        self.store: Any = ctx.store
        self.portal_id, self.type_id = ctx.portal_id, request.object_type.type_id

    async def pages(self, definitions: Definitions) -> AsyncIterator[Sequence[Record]]:
        if self.request.list_id is not None:
            async for page in self._members():
                yield page
        elif self.request.search is not None:
            async for page in self._matches(definitions):
                yield page
        else:
            after: int | None = None
            while True:
                found = await self.store.list_records(
                    self.portal_id, self.type_id, after=after, limit=PAGE
                )
                yield found.records
                if found.next_after is None:
                    return
                after = found.next_after

    async def _members(self) -> AsyncIterator[Sequence[Record]]:
        key: tuple[int, int] | None = None
        list_id = self.request.list_id
        while True:
            page = await self.store.members_page(
                self.portal_id, list_id, by_join_time=False, after=key, before=None, limit=PAGE
            )
            ids = [m.record_id for m in page.members]
            found = await self.store.read_records(self.portal_id, self.type_id, ids)
            yield [found[i] for i in ids if i in found]
            if not page.more_above or not page.members:
                return
            key = (0, page.members[-1].record_id)

    async def _matches(self, definitions: Definitions) -> AsyncIterator[Sequence[Record]]:
        assert self.request.search is not None
        principal = Principal(self.portal_id, frozenset())
        ctx = CrmContext(self.store, self.ctx.clock, principal, self.request.object_type)
        await refresh_index(ctx, definitions)
        query = build(definitions, self.request.search, self.ctx.types)
        offset = 0
        while True:
            page = await self.store.search(
                self.portal_id, self.type_id, replace(query, limit=PAGE, offset=offset)
            )
            yield page.records
            offset += len(page.records)
            if len(page.records) < PAGE or offset >= page.total:
                return

    async def _linked(self, records: Sequence[Record]) -> Mapping[int, list[int]]:
        target = self.request.associated_type
        if target is None or not records:
            return {}
        links = await self.store.links_of(self.portal_id, [r.id for r in records], target.type_id)
        found: dict[int, list[int]] = {}
        for link in links:
            if link.to_id not in found.setdefault(link.from_id, []):
                found[link.from_id].append(link.to_id)
        return found

    async def write(self, writer: ExportWriter) -> str:
        definitions = await load_definitions(self.store, self.portal_id, self.request.object_type)
        check_properties(self.request, definitions)
        await asyncio.to_thread(writer.write_rows, [_header(self.request, definitions)])
        count = 0
        async for records in self.pages(definitions):
            linked = await self._linked(records)
            rows = [_row(self.request, definitions, r, linked.get(r.id, [])) for r in records]
            await asyncio.to_thread(writer.write_rows, rows)
            count += len(rows)
            now = self.ctx.clock.now_ms()
            state = await self.ctx.store.export_progress(self.portal_id, self.job.id, count, now)
            if state != PROCESSING:
                return state or "CANCELED"
        return COMPLETE


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
