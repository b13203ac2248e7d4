"""Bulk imports (CSV files, seeded sample data): every row through the API's own rules, then
one all-or-nothing store call.

Rows are checked exactly as a create is (``check_values``, required properties), plus what
only a file can get wrong: the header, a row's length, a unique value repeated in the file,
or held by a record already stored. Any problem means nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from localspot.crm.batch_rules import clash_message
from localspot.crm.definitions_storage import DefinitionsStorage
from localspot.crm.model import ObjectType
from localspot.crm.owner_properties import add_owner_problems
from localspot.crm.owners_storage import OwnerIdsStorage
from localspot.crm.pipeline_properties import PipelineCheck, prepare
from localspot.crm.pipelines_storage import PipelinesStorage
from localspot.crm.portal_admin_storage import PortalAdminStorage
from localspot.crm.properties import Definitions, check_values, load_definitions, missing_required
from localspot.crm.records_storage import NewRecord, RecordsStorage

LOOKUP_CHUNK = 1000
"""Values per unique-index lookup: far below either database's parameter limit."""


class ImportStorage(
    DefinitionsStorage,
    RecordsStorage,
    OwnerIdsStorage,
    PipelinesStorage,
    PortalAdminStorage,
    Protocol,
):
    """What an import uses: definitions to check rows against, unique values already held,
    the live owner ids and pipelines, and the all-or-nothing bulk write."""


@dataclass(frozen=True, slots=True)
class RowProblem:
    row: int
    """The line of the file (the header is line 1); 0 for the header itself."""
    message: str

    def __str__(self) -> str:
        """One line: HubSpot's option messages span several."""
        where = "header" if self.row == 0 else f"row {self.row}"
        return f"{where}: {' '.join(self.message.split())}"


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    created: int
    problems: tuple[RowProblem, ...] = ()
    ids: tuple[int, ...] = ()
    """The new records' ids, in row order."""


def header_problems(definitions: Definitions, header: Sequence[str]) -> list[RowProblem]:
    """Columns that could never be written (unknown, read-only, repeated, unnamed)."""
    repeated = sorted({name for name in header if header.count(name) > 1})
    problems = [RowProblem(0, f'column "{name}" appears more than once') for name in repeated]
    if "" in header:
        problems.append(RowProblem(0, "a column has no name"))
    _, refused = check_values(definitions, {name: "" for name in header if name})
    return problems + [RowProblem(0, f"{p.code} {p.name}: {p.message}") for p in refused]


def check_row(
    check: PipelineCheck, line: int, values: Mapping[str, str]
) -> tuple[NewRecord | None, list[RowProblem]]:
    """One row, as a create input: empty cells are left unset; a deal or ticket without a
    pipeline gets the default one, as a create does."""
    definitions = check.definitions
    given = {name: value for name, value in values.items() if value != ""}
    normalised, problems = check.check_create(given)
    problems += missing_required(definitions, normalised, problems)
    if problems:
        return None, [RowProblem(line, f"{p.code} {p.name}: {p.message}") for p in problems]
    unique = definitions.unique_names().intersection(normalised)
    return NewRecord(normalised, frozenset(unique), None), []


def _repeated_unique(
    definitions: Definitions, rows: Sequence[tuple[int, NewRecord]]
) -> list[RowProblem]:
    first_line: dict[tuple[str, str], int] = {}
    problems: list[RowProblem] = []
    for line, record in rows:
        for name in sorted(record.unique_names):
            key = (name, record.properties[name])
            if key in first_line:
                message = f"{name} value {key[1]!r} repeats row {first_line[key]}"
                problems.append(RowProblem(line, message))
            first_line.setdefault(key, line)
    return problems


async def _held_unique(
    store: RecordsStorage,
    portal_id: int,
    object_type: ObjectType,
    rows: Sequence[tuple[int, NewRecord]],
) -> list[RowProblem]:
    problems: list[RowProblem] = []
    for name in sorted({n for _, record in rows for n in record.unique_names}):
        values = [r.properties[name] for _, r in rows if name in r.unique_names]
        held: dict[str, int] = {}
        for start in range(0, len(values), LOOKUP_CHUNK):
            chunk = values[start : start + LOOKUP_CHUNK]
            held |= await store.resolve_unique(portal_id, object_type.type_id, name, chunk)
        problems += [
            RowProblem(line, f"{name}: {clash_message(object_type, held[r.properties[name]])}")
            for line, r in rows
            if name in r.unique_names and r.properties[name] in held
        ]
    return problems


async def _owner_problems(
    store: OwnerIdsStorage,
    portal_id: int,
    definitions: Definitions,
    rows: Sequence[tuple[int, NewRecord]],
) -> list[RowProblem]:
    """Owner-typed cells must name live owners of the portal (one lookup for the file)."""
    checked = [(dict(record.properties), ()) for _, record in rows]
    found = await add_owner_problems(store, portal_id, definitions, checked)
    return [
        RowProblem(line, f"{p.code} {p.name}: {p.message}")
        for (line, _), (_, problems) in zip(rows, found, strict=True)
        for p in problems
    ]


def plan_rows(
    check: PipelineCheck, header: Sequence[str], rows: Iterable[Sequence[str]]
) -> tuple[list[tuple[int, NewRecord]], list[RowProblem]]:
    """Rows numbered as lines of the file (the header is line 1)."""
    definitions = check.definitions
    planned: list[tuple[int, NewRecord]] = []
    problems = header_problems(definitions, header)
    if problems:
        return [], problems
    for line, cells in enumerate(rows, start=2):
        if len(cells) != len(header):
            message = f"has {len(cells)} cells, the header {len(header)}"
            problems.append(RowProblem(line, message))
            continue
        record, found = check_row(check, line, dict(zip(header, cells, strict=True)))
        problems += found
        if record is not None:
            planned.append((line, record))
    return planned, problems + _repeated_unique(definitions, planned)


async def import_rows(
    store: ImportStorage,
    now_ms: int,
    portal_id: int,
    object_type: ObjectType,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    progress: Callable[[int], None] | None = None,
) -> ImportOutcome:
    """Check every row, then write all of them in one transaction, or none."""
    definitions = await load_definitions(store, portal_id, object_type)
    check = await prepare(store, portal_id, definitions, (), creating=True)
    planned, problems = plan_rows(check, header, rows)
    if not problems:
        problems = await _owner_problems(store, portal_id, definitions, planned)
    if not problems:
        problems = await _held_unique(store, portal_id, object_type, planned)
    if problems:
        return ImportOutcome(0, tuple(sorted(problems, key=lambda p: p.row)))
    records = [record for _, record in planned]
    result = await store.import_records(portal_id, object_type.type_id, records, now_ms, progress)
    clashes = tuple(
        RowProblem(planned[p][0], f"{c.property_name}: {clash_message(object_type, c.holder_id)}")
        for p, c in sorted(result.clashes.items())
    )
    if clashes:
        return ImportOutcome(0, clashes)
    ids = tuple(result.records[position].id for position in sorted(result.records))
    return ImportOutcome(len(ids), (), ids)
