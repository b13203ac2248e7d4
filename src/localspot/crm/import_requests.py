"""An import's ``importRequest`` (hubspot-behaviour §20.2): HubSpot's JSON read into an
``ImportRequest``, then planned against the portal's types, properties and each file's
header (``plan_file``). Everything wrong with the request or a file's columns is a 400
before anything is stored; what is wrong with a row is the row's error, later.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from localspot.crm.association_types import HUBSPOT_DEFINED
from localspot.crm.errors import ValidationError
from localspot.crm.job_files_storage import CSV, XLSX
from localspot.crm.model import ObjectType
from localspot.crm.properties import Definitions
from localspot.crm.type_registry import PortalTypes

FILE_FORMATS: Final = {"CSV": CSV, "SPREADSHEET": XLSX, "XLSX": XLSX}
"""HubSpot's ``fileFormat`` values (``SPREADSHEET`` is an XLSX file), and ``XLSX`` itself."""
OPERATIONS: Final = frozenset({"CREATE", "UPDATE", "UPSERT"})
DATE_FORMATS: Final = frozenset({"MONTH_DAY_YEAR", "DAY_MONTH_YEAR", "YEAR_MONTH_DAY"})
RECORD_ID: Final = "HUBSPOT_OBJECT_ID"
ALTERNATE_ID: Final = "HUBSPOT_ALTERNATE_ID"
ID_COLUMN_TYPES: Final = frozenset({RECORD_ID, ALTERNATE_ID})
LEGACY_TYPE_NAMES: Final = {
    "CONTACT": "0-1",
    "COMPANY": "0-2",
    "DEAL": "0-3",
    "TICKET": "0-5",
    "PRODUCT": "0-7",
    "LINE_ITEM": "0-8",
}
"""``columnObjectType`` names of HubSpot's older requests."""


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    column_name: str
    object_type_id: str | None
    property_name: str | None
    id_column_type: str | None = None
    to_object_type_id: str | None = None
    association_type_id: int | None = None
    association_category: str = HUBSPOT_DEFINED
    identifier: bool = False
    """``associationIdentifierColumn``: the value other files (or rows) link by."""
    ignored: bool = False


@dataclass(frozen=True, slots=True)
class FileRequest:
    file_name: str
    file_format: str
    has_header: bool
    mappings: tuple[ColumnMapping, ...]


@dataclass(frozen=True, slots=True)
class ImportRequest:
    name: str
    files: tuple[FileRequest, ...]
    operations: Mapping[str, str]
    date_format: str
    marketable: bool | None
    text: str
    """The request as given (``importRequestJson``, and what a resumed import reads)."""


def _invalid(message: str, **context: Sequence[str]) -> ValidationError:
    return ValidationError(message, context=dict(context) if context else None)


def _text(raw: Mapping[str, Any], name: str, where: str, *, required: bool = True) -> str | None:
    value = raw.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise _invalid(f"{where}: {name} must be a non-empty string", field=[name])
    return value


def _type_id(raw: Mapping[str, Any], name: str, legacy: str) -> str | None:
    value = raw.get(name)
    if value is None and isinstance(raw.get(legacy), str):
        value = LEGACY_TYPE_NAMES.get(str(raw[legacy]).upper(), raw[legacy])
    if value is not None and not isinstance(value, str):
        raise _invalid(f"columnMappings: {name} must be a string", field=[name])
    return value


def _mapping(raw: Any, where: str) -> ColumnMapping:
    if not isinstance(raw, dict):
        raise _invalid(f"{where}: every column mapping must be an object")
    id_type = raw.get("idColumnType") or raw.get("columnType")
    if id_type not in (None, "STANDARD", *ID_COLUMN_TYPES):
        raise _invalid(f"{where}: unknown column type {id_type!r}", columnType=[str(id_type)])
    foreign = raw.get("foreignKeyType")
    type_id, category = None, HUBSPOT_DEFINED
    if isinstance(foreign, dict):
        given = foreign.get("associationTypeId")
        type_id = given if isinstance(given, int) and not isinstance(given, bool) else None
        category = str(foreign.get("associationCategory") or HUBSPOT_DEFINED)
    return ColumnMapping(
        column_name=str(_text(raw, "columnName", where)),
        object_type_id=_type_id(raw, "columnObjectTypeId", "columnObjectType"),
        property_name=_text(raw, "propertyName", where, required=False),
        id_column_type=None if id_type == "STANDARD" else id_type,
        to_object_type_id=_type_id(raw, "toColumnObjectTypeId", "toColumnObjectType"),
        association_type_id=type_id,
        association_category=category,
        identifier=raw.get("associationIdentifierColumn") is True,
        ignored=raw.get("ignored") is True,
    )


def _file(raw: Any, index: int) -> FileRequest:
    where = f"files[{index}]"
    if not isinstance(raw, dict):
        raise _invalid(f"{where} must be an object")
    name = str(_text(raw, "fileName", where))
    given = raw.get("fileFormat", "CSV")
    if given not in FILE_FORMATS:
        known = ", ".join(sorted(FILE_FORMATS))
        raise _invalid(f"{where}: fileFormat {given!r} is not one of {known}")
    page = raw.get("fileImportPage")
    if not isinstance(page, dict) or not isinstance(page.get("columnMappings"), list):
        raise _invalid(f"{where}: fileImportPage.columnMappings is required")
    mappings = tuple(_mapping(m, where) for m in page["columnMappings"])
    if not mappings:
        raise _invalid(f"{where}: fileImportPage.columnMappings is empty")
    return FileRequest(
        name, FILE_FORMATS[given], page.get("hasHeader", True) is not False, mappings
    )


def parse_request(text: str) -> ImportRequest:
    """HubSpot's ``importRequest`` text, or a 400 saying what is wrong with it."""
    try:
        raw = json.loads(text)
    except ValueError as error:
        raise _invalid(f"importRequest is not valid JSON: {error}") from None
    if not isinstance(raw, dict):
        raise _invalid("importRequest must be a JSON object")
    files = raw.get("files")
    if not isinstance(files, list) or not files:
        raise _invalid("importRequest.files must list the files of the import")
    operations = raw.get("importOperations") or {}
    if not isinstance(operations, dict) or not set(operations.values()) <= OPERATIONS:
        raise _invalid("importOperations maps object type ids to CREATE, UPDATE or UPSERT")
    date_format = raw.get("dateFormat") or "MONTH_DAY_YEAR"
    if date_format not in DATE_FORMATS:
        raise _invalid(
            f"dateFormat {date_format!r} is not one of {', '.join(sorted(DATE_FORMATS))}"
        )
    marketable = raw.get("marketableContactImport")
    return ImportRequest(
        name=str(raw.get("name") or "Untitled import"),
        files=tuple(_file(f, i) for i, f in enumerate(files)),
        operations={str(k): str(v) for k, v in operations.items()},
        date_format=date_format,
        marketable=marketable if isinstance(marketable, bool) else None,
        text=text,
    )


@dataclass(frozen=True, slots=True)
class TypeColumns:
    """The columns of one object type in one file."""

    object_type: ObjectType
    definitions: Definitions
    values: tuple[tuple[int, str], ...]
    """(column index, property name) of the type's property columns."""
    record_id_column: int | None
    key: tuple[int, str] | None
    """(column index, unique property) the type's records are found by (de-duplication)."""
    operation: str


@dataclass(frozen=True, slots=True)
class ForeignKey:
    """A column naming a record of another type (by that type's identifier property) to
    link the row's record of ``from_type`` with."""

    column: int
    from_type: str
    to_type: str
    to_property: str
    type_id: int
    reverse_type_id: int
    category: str


@dataclass(frozen=True, slots=True)
class FilePlan:
    request: FileRequest
    width: int
    """Cells a row must have (the header's, or the mappings' count without one)."""
    types: tuple[TypeColumns, ...]
    foreign_keys: tuple[ForeignKey, ...]


def _column_index(request: FileRequest, header: Sequence[str], mapping: ColumnMapping) -> int:
    if not request.has_header:
        return request.mappings.index(mapping)
    names = [name.strip() for name in header]
    wanted = mapping.column_name.strip()
    if wanted in names:
        return names.index(wanted)
    folded = [n.casefold() for n in names]
    if wanted.casefold() in folded:
        return folded.index(wanted.casefold())
    raise _invalid(
        f"{request.file_name}: column {mapping.column_name!r} of the columnMappings is not in"
        " the file's header",
        columnName=[mapping.column_name],
    )


def _resolve(types: PortalTypes, type_id: str | None, request: FileRequest) -> ObjectType:
    found = types.find(type_id) if type_id else None
    if found is None:
        raise _invalid(
            f"{request.file_name}: unknown object type {type_id!r} in the columnMappings",
            columnObjectTypeId=[str(type_id)],
        )
    return found


def _property(definitions: Definitions, name: str, request: FileRequest) -> None:
    definition = definitions.by_name.get(name)
    type_id = definitions.object_type.type_id
    if definition is None:
        raise _invalid(
            f"{request.file_name}: property {name!r} does not exist on object type {type_id}",
            propertyName=[name],
        )
    if definition.read_only_value or definition.calculated:
        raise _invalid(
            f"{request.file_name}: property {name!r} of object type {type_id} is read-only",
            propertyName=[name],
        )


def plan_file(
    request: ImportRequest,
    index: int,
    header: Sequence[str],
    types: PortalTypes,
    definitions: Mapping[str, Definitions],
) -> FilePlan:
    """``definitions``: by type id, for every type the file maps (``mapped_types``)."""
    file = request.files[index]
    columns: dict[str, dict[str, Any]] = {}
    keys: list[ForeignKey] = []
    for mapping in file.mappings:
        if mapping.ignored:
            continue
        column = _column_index(file, header, mapping)
        object_type = _resolve(types, mapping.object_type_id, file)
        slot = columns.setdefault(object_type.type_id, {"values": [], "id": None, "key": None})
        if mapping.property_name is None:
            keys.append(_foreign_key(types, definitions, file, mapping, column, object_type))
            continue
        _property(definitions[object_type.type_id], mapping.property_name, file)
        if mapping.id_column_type == RECORD_ID or mapping.property_name == "hs_object_id":
            slot["id"] = column
            continue
        slot["values"].append((column, mapping.property_name))
        unique = definitions[object_type.type_id].unique_names()
        if mapping.property_name in unique and (
            slot["key"] is None or mapping.id_column_type == ALTERNATE_ID
        ):
            slot["key"] = (column, mapping.property_name)
    planned = tuple(
        TypeColumns(
            object_type=types.resolve(type_id),
            definitions=definitions[type_id],
            values=tuple(slot["values"]),
            record_id_column=slot["id"],
            key=slot["key"],
            operation=request.operations.get(type_id, "UPSERT"),
        )
        for type_id, slot in columns.items()
    )
    width = len(header) if file.has_header else len(file.mappings)
    return FilePlan(file, width, planned, tuple(keys))


def _foreign_key(
    types: PortalTypes,
    definitions: Mapping[str, Definitions],
    file: FileRequest,
    mapping: ColumnMapping,
    column: int,
    object_type: ObjectType,
) -> ForeignKey:
    """A common column of a multi-file import: the row's record links to the record of
    ``toColumnObjectTypeId`` whose identifier property holds the cell's value."""
    target = _resolve(types, mapping.to_object_type_id, file)
    identifier = _identifier(definitions.get(target.type_id))
    if mapping.to_object_type_id is None or identifier is None:
        raise _invalid(
            f"{file.file_name}: column {mapping.column_name!r} has no propertyName; a common"
            " column needs toColumnObjectTypeId of a type with a unique property",
            columnName=[mapping.column_name],
        )
    links = types.links
    if mapping.association_type_id is not None:
        kind = links.find(object_type, target, mapping.association_type_id)
    else:
        kind = links.default_type(object_type, target)
    reverse = links.reverse(kind)
    return ForeignKey(
        column,
        object_type.type_id,
        target.type_id,
        identifier,
        kind.type_id,
        reverse.type_id,
        kind.category,
    )


def _identifier(definitions: Definitions | None) -> str | None:
    """The unique property records of a type are found by (contacts: ``email``)."""
    if definitions is None:
        return None
    unique = sorted(definitions.unique_names())
    preferred = [n for n in ("email", "domain") if n in unique]
    return (preferred or unique or [None])[0]


def mapped_types(request: ImportRequest, types: PortalTypes) -> list[ObjectType]:
    """Every object type the request's files write or link to, in order of appearance."""
    found: dict[str, ObjectType] = {}
    for file in request.files:
        for mapping in file.mappings:
            for type_id in (mapping.object_type_id, mapping.to_object_type_id):
                if type_id is not None and not mapping.ignored:
                    object_type = _resolve(types, type_id, file)
                    found.setdefault(object_type.type_id, object_type)
    return list(found.values())
