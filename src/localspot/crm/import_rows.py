"""One slice of an import file's rows, judged by the API's own rules (hubspot-behaviour
§20.4) and turned into the writes, links and row errors the store writes in one
transaction (``ImportSlice``).

Per row and object type: the record is the one its record-id column names, else the live
record holding its key (a unique property such as contacts' ``email``: de-duplication),
else a new one; the import's operation for the type may forbid either. Its cells are
checked as a create or an update through the API would be (``PipelineCheck``, required
properties, owners); a row with any problem writes nothing and gets one error per problem.
Records of several types in one row are linked (the pair's default association), and a
common column links the row's record to the record another file holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from localspot.crm import pipeline_properties, type_rules
from localspot.crm.batch_rules import parse_record_id
from localspot.crm.context import CrmContext, RecordUseCaseStorage
from localspot.crm.import_requests import FilePlan, ForeignKey, TypeColumns
from localspot.crm.import_values import cell_reader
from localspot.crm.job_files_storage import XLSX
from localspot.crm.jobs_storage import RowError, RowLink, RowWrite
from localspot.crm.model import PropertyProblem
from localspot.crm.owner_properties import add_owner_problems
from localspot.crm.properties import missing_required
from localspot.crm.records_storage import NewRecord, UniqueClash
from localspot.crm.type_registry import PortalTypes

LOOKUP_CHUNK = 500
PROBLEM_TYPES = {
    "PROPERTY_DOESNT_EXIST": "PROPERTY_DEFINITION_NOT_FOUND",
    "READ_ONLY_VALUE": "FAILED_VALIDATION",
    "INVALID_OPTION": "INVALID_ENUMERATION_OPTION",
    "INVALID_INTEGER": "COULD_NOT_PARSE_NUMBER",
    "INVALID_DATE": "COULD_NOT_PARSE_DATE",
    "REQUIRED_PROPERTY": "MISSING_REQUIRED_PROPERTY",
    "INVALID_OWNER_ID": "COULD_NOT_FIND_OWNER",
    "INVALID_STRING_LENGTH": "COLUMN_TOO_LARGE",
    "INVALID_STRING": "FAILED_VALIDATION",
}
"""The API's property problem codes as HubSpot's import error types."""


@dataclass(frozen=True, slots=True)
class SliceRows:
    plan: FilePlan
    rows: Sequence[list[str]]
    first_line: int
    """The file line of ``rows[0]`` (a header is line 1)."""
    date_format: str
    source_id: str
    """The import's id, which the written values' history names as their source."""
    file_index: int = 0


@dataclass(slots=True)
class Planned:
    writes: list[RowWrite] = field(default_factory=list)
    links: list[RowLink] = field(default_factory=list)
    errors: list[tuple[int, RowError]] = field(default_factory=list)


@dataclass(slots=True)
class _Target:
    """What one row does with its record of one type."""

    values: dict[str, str]
    record_id: int | None = None
    problems: list[RowError] = field(default_factory=list)


class SliceErrors:
    """Row errors of one slice: the domain's own, and what the store reports (``SliceJudge``)."""

    def __init__(self, piece: SliceRows) -> None:
        self.piece = piece

    def error(
        self,
        row: int,
        error_type: str,
        message: str,
        type_id: str | None = None,
        column: int | None = None,
    ) -> RowError:
        cells = self.piece.rows[row]
        value = cells[column] if column is not None and column < len(cells) else None
        return RowError(
            line_number=self.piece.first_line + row,
            error_type=error_type,
            message=message,
            row_data=tuple(cells),
            object_type_id=type_id,
            column_number=column,
            invalid_value=value,
            file_index=self.piece.file_index,
        )

    def column_of(self, type_id: str, name: str) -> int | None:
        for columns in self.piece.plan.types:
            if columns.object_type.type_id == type_id:
                for column, property_name in columns.values:
                    if property_name == name:
                        return column
        return None

    def clash(self, row: int, type_id: str, clash: UniqueClash) -> RowError:
        message = (
            f"{clash.property_name} value {clash.value!r} is already held by record"
            f" {clash.holder_id}"
        )
        column = self.column_of(type_id, clash.property_name)
        return self.error(row, "DUPLICATE_UNIQUE_PROPERTY_VALUE", message, type_id, column)

    def missing(self, row: int, type_id: str, record_id: int) -> RowError:
        message = f"Record {record_id} of object type {type_id} is gone (archived meanwhile)"
        return self.error(row, "INVALID_RECORD_ID", message, type_id)

    def problem(self, row: int, type_id: str, problem: PropertyProblem) -> RowError:
        error_type = PROBLEM_TYPES.get(problem.code, "FAILED_VALIDATION")
        column = self.column_of(type_id, problem.name)
        return self.error(row, error_type, problem.message, type_id, column)


def _sized(piece: SliceRows, errors: SliceErrors, planned: Planned) -> list[int]:
    """The rows with as many cells as the file has columns (a spreadsheet row may end
    early: its missing trailing cells are empty)."""
    width, good = piece.plan.width, []
    for row, cells in enumerate(piece.rows):
        if piece.plan.request.file_format == XLSX and len(cells) < width:
            cells.extend([""] * (width - len(cells)))
        if len(cells) == width:
            good.append(row)
            continue
        message = f"The row has {len(cells)} columns; the file has {width}"
        planned.errors.append((row, errors.error(row, "INCORRECT_NUMBER_OF_COLUMNS", message)))
    return good


async def _holders(
    ctx: CrmContext[RecordUseCaseStorage], columns: TypeColumns, values: Sequence[str]
) -> dict[str, int]:
    assert columns.key is not None
    found: dict[str, int] = {}
    wanted = sorted({v for v in values if v and "\x00" not in v})
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        part = wanted[start : start + LOOKUP_CHUNK]
        found |= await ctx.store.resolve_unique(
            ctx.portal_id, columns.object_type.type_id, columns.key[1], part
        )
    return found


class _TypeSlice:
    """One object type's records in the slice's rows."""

    def __init__(self, piece: SliceRows, columns: TypeColumns, errors: SliceErrors) -> None:
        self.piece, self.columns, self.errors = piece, columns, errors
        self.type_id = columns.object_type.type_id
        self.targets: dict[int, _Target] = {}

    def read(self, rows: Sequence[int]) -> None:
        by_name = self.columns.definitions.by_name
        fmt = self.piece.date_format
        readers = [
            (column, name, cell_reader(by_name.get(name), fmt))
            for column, name in self.columns.values
        ]
        for row in rows:
            cells = self.piece.rows[row]
            values = {
                name: read(cells[column])
                for column, name, read in readers
                if not cells[column].isspace() and cells[column]
            }
            given_id = self._cell(row, self.columns.record_id_column)
            if values or given_id:
                self.targets[row] = _Target(values)

    def _cell(self, row: int, column: int | None) -> str:
        return "" if column is None else self.piece.rows[row][column].strip()

    def _fail(self, row: int, error_type: str, message: str, column: int | None = None) -> None:
        self.targets[row].problems.append(
            self.errors.error(row, error_type, message, self.type_id, column)
        )

    async def find(self, ctx: CrmContext[RecordUseCaseStorage], primary: bool) -> None:
        """Which record each row updates (or None: creates), by record id, then by key."""
        id_column = self.columns.record_id_column
        given = {row: self._cell(row, id_column) for row in self.targets}
        parsed = {row: parse_record_id(text) for row, text in given.items() if text}
        ids = {i for i in parsed.values() if i is not None}
        live = await ctx.store.live_ids(ctx.portal_id, self.type_id, ids) if ids else frozenset()
        key = self.columns.key
        keys = {row: self._cell(row, key[0]) for row in self.targets} if key else {}
        holders = await _holders(ctx, self.columns, list(keys.values())) if key else {}
        unknown = "INVALID_RECORD_ID" if primary else "UNKNOWN_ASSOCIATION_RECORD_ID"
        seen: dict[object, int] = {}
        for row, target in self.targets.items():
            if given.get(row):
                record_id = parsed.get(row)
                if record_id is None or record_id not in live:
                    message = f"No live record of object type {self.type_id} has id {given[row]}"
                    self._fail(row, unknown, message, id_column)
                    continue
                target.record_id = record_id
            elif keys.get(row):
                target.record_id = holders.get(keys[row])
            self._operation(row, target)
            self._repeated(row, target, keys.get(row, ""), seen)

    def _operation(self, row: int, target: _Target) -> None:
        operation = self.columns.operation
        if operation == "CREATE" and target.record_id is not None:
            message = f"The import only creates {self.type_id} records; this row names one"
            self._fail(row, "CREATE_ONLY_IMPORT", message)
        if operation == "UPDATE" and target.record_id is None:
            message = f"The import only updates {self.type_id} records; this row names none"
            self._fail(row, "UPDATE_ONLY_IMPORT", message)

    def _repeated(self, row: int, target: _Target, key: str, seen: dict[object, int]) -> None:
        """A record (or key) an earlier row of the same slice already writes."""
        marker: object = ("id", target.record_id) if target.record_id is not None else key
        if not marker:
            return
        if marker in seen:
            kind = "DUPLICATE_RECORD_ID" if key == "" else "DUPLICATE_ALTERNATE_ID"
            line = self.piece.first_line + seen[marker]
            self._fail(row, kind, f"Line {line} of the file writes the same record")
            return
        seen[marker] = row

    async def check(self, ctx: CrmContext[RecordUseCaseStorage]) -> None:
        """The API's checks: a create's or an update's, then owner-typed values."""
        definitions = self.columns.definitions
        rows = [row for row, t in self.targets.items() if not t.problems]
        maps = [self.targets[row].values for row in rows]
        check = await pipeline_properties.prepare(
            ctx.store, ctx.portal_id, definitions, maps, creating=True
        )
        current = await self._current(ctx, check, rows)
        checked = []
        for row, stored in zip(rows, current, strict=True):
            target = self.targets[row]
            if target.record_id is None:
                values, problems = check.check_create(target.values)
                problems += missing_required(definitions, values, problems)
            else:
                values, problems = check.check_update(target.values, stored)
            checked.append((values, problems))
        checked = await add_owner_problems(ctx.store, ctx.portal_id, definitions, checked)
        for row, (values, problems) in zip(rows, checked, strict=True):
            target = self.targets[row]
            target.values = values if "" not in values.values() else _set_only(values)
            target.problems += [self.errors.problem(row, self.type_id, p) for p in problems]

    async def _current(
        self,
        ctx: CrmContext[RecordUseCaseStorage],
        check: pipeline_properties.PipelineCheck,
        rows: Sequence[int],
    ) -> list[Mapping[str, str] | None]:
        wanted = [
            self.targets[r].record_id
            for r in rows
            if self.targets[r].record_id is not None and check.needs_current(self.targets[r].values)
        ]
        ids = {i for i in wanted if i is not None}
        if not ids:
            return [None] * len(rows)
        found = await ctx.store.read_records(ctx.portal_id, self.type_id, ids)
        return [
            found[i].properties if (i := self.targets[r].record_id) in found else None for r in rows
        ]

    async def writes(
        self, ctx: CrmContext[RecordUseCaseStorage], rows: Sequence[int], source: str
    ) -> list[RowWrite]:
        """The rows' records, derived as the API derives them (line items' amount)."""
        creates = [r for r in rows if r in self.targets and self.targets[r].record_id is None]
        updates = [r for r in rows if r in self.targets and self.targets[r].record_id is not None]
        made = await type_rules.derive(ctx, [self.targets[r].values for r in creates])
        changes = [(int(self.targets[r].record_id or 0), self.targets[r].values) for r in updates]
        changed = await type_rules.derive_updates(ctx, changes)
        unique = self.columns.definitions.unique_names()
        return [
            RowWrite(
                row,
                self.type_id,
                NewRecord(values, unique.intersection(values), source, source_type="IMPORT"),
                self.targets[row].record_id,
            )
            for row, values in [
                *zip(creates, made, strict=True),
                *zip(updates, changed, strict=True),
            ]
        ]


def _set_only(values: Mapping[str, str]) -> dict[str, str]:
    return {n: v for n, v in values.items() if v != ""}


def _pair_links(
    types: PortalTypes, slices: Sequence[_TypeSlice], rows: Sequence[int]
) -> list[RowLink]:
    """The row's records of different types, linked by each pair's default association."""
    links: list[RowLink] = []
    for i, first in enumerate(slices):
        for second in slices[i + 1 :]:
            kind = types.links.default_type(first.columns.object_type, second.columns.object_type)
            reverse = types.links.reverse(kind)
            links += [
                RowLink(
                    row, first.type_id, second.type_id, kind.type_id, reverse.type_id, kind.category
                )
                for row in rows
                if row in first.targets and row in second.targets
            ]
    return links


async def _foreign_links(
    ctx: CrmContext[RecordUseCaseStorage],
    piece: SliceRows,
    errors: SliceErrors,
    planned: Planned,
    rows: Sequence[int],
) -> None:
    """Common columns: the record of another type holding the cell's value (an unknown
    value is the row's error; its records are written all the same)."""
    for key in piece.plan.foreign_keys:
        cells = {row: piece.rows[row][key.column].strip() for row in rows}
        found = await _lookup(ctx, key, list(cells.values()))
        for row, value in cells.items():
            if not value:
                continue
            if value not in found:
                message = f"No record of object type {key.to_type} has {key.to_property} {value!r}"
                error = errors.error(
                    row, "UNKNOWN_ASSOCIATION_RECORD_ID", message, key.to_type, key.column
                )
                planned.errors.append((row, error))
                continue
            planned.links.append(
                RowLink(
                    row,
                    key.from_type,
                    key.to_type,
                    key.type_id,
                    key.reverse_type_id,
                    key.category,
                    found[value],
                )
            )


async def _lookup(
    ctx: CrmContext[RecordUseCaseStorage], key: ForeignKey, values: Sequence[str]
) -> dict[str, int]:
    found: dict[str, int] = {}
    wanted = sorted({v for v in values if v and "\x00" not in v})
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        part = wanted[start : start + LOOKUP_CHUNK]
        found |= await ctx.store.resolve_unique(ctx.portal_id, key.to_type, key.to_property, part)
    return found


async def plan_slice(
    contexts: Mapping[str, CrmContext[RecordUseCaseStorage]], piece: SliceRows
) -> tuple[Planned, SliceErrors]:
    """``contexts``: one per object type the file writes (the API's context for it)."""
    planned, errors = Planned(), SliceErrors(piece)
    rows = _sized(piece, errors, planned)
    slices = [_TypeSlice(piece, columns, errors) for columns in piece.plan.types]
    for position, part in enumerate(slices):
        part.read(rows)
        ctx = contexts[part.type_id]
        await part.find(ctx, primary=position == 0)
        await part.check(ctx)
    failed = {row for part in slices for row, t in part.targets.items() if t.problems}
    for part in slices:
        planned.errors += [(row, e) for row, t in part.targets.items() for e in t.problems]
    good = [row for row in rows if row not in failed]
    for part in slices:
        planned.writes += await part.writes(contexts[part.type_id], good, piece.source_id)
    any_ctx = contexts[slices[0].type_id] if slices else None
    if any_ctx is not None:
        planned.links += _pair_links(any_ctx.types, slices, good)
        await _foreign_links(
            any_ctx, piece, errors, planned, [r for r in good if _written(slices, r)]
        )
    planned.errors.sort(key=lambda e: e[0])
    return planned, errors


def _written(slices: Sequence[_TypeSlice], row: int) -> bool:
    return any(row in part.targets for part in slices)
