"""An export's request (hubspot-behaviour §21.2): HubSpot's JSON read into an
``ExportRequest`` and checked against the portal (object type, properties, list, filters).
The same reading serves the start (400s) and a resumed run (the stored request).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from localspot.crm.errors import ValidationError
from localspot.crm.import_requests import LEGACY_TYPE_NAMES
from localspot.crm.job_files_storage import CSV, XLSX
from localspot.crm.model import ObjectType
from localspot.crm.properties import Definitions
from localspot.crm.search import FilterInput, SearchRequest
from localspot.crm.type_registry import PortalTypes

VIEW: Final = "VIEW"
LIST: Final = "LIST"
FORMATS: Final = {"CSV": CSV, "XLSX": XLSX}
MAX_GROUPS, MAX_FILTERS = 3, 3
"""HubSpot's export limits: three filter groups of three filters each."""
TYPE_NAMES: Final = {**LEGACY_TYPE_NAMES, "CALL": "0-48", "EMAIL": "0-49", "MEETING": "0-47"}


@dataclass(frozen=True, slots=True)
class ExportRequest:
    export_type: str
    name: str
    file_format: str
    object_type: ObjectType
    properties: tuple[str, ...]
    associated_type: ObjectType | None
    list_id: int | None
    search: SearchRequest | None
    """Filters, query or a sort of a view; None: every record, by id."""
    names: bool
    """Column headers are internal names (``exportInternalValuesOptions`` ``NAMES``)."""
    values: bool
    """Options are internal values (``VALUES``), not labels."""


def _invalid(message: str, **context: Sequence[str]) -> ValidationError:
    return ValidationError(message, context=dict(context) if context else None)


def _type(types: PortalTypes, given: Any, field: str) -> ObjectType:
    text = str(given or "")
    found = types.find(TYPE_NAMES.get(text.upper(), text)) if text else None
    if found is None:
        raise _invalid(f"{field}: unknown object type {text!r}", **{field: [text]})
    return found


def _filters(raw: Any) -> tuple[FilterInput, ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(
        FilterInput(
            property_name=str(f.get("propertyName") or f.get("property") or ""),
            operator=str(f.get("operator") or ""),
            value=None if f.get("value") is None else str(f["value"]),
            high_value=None if f.get("highValue") is None else str(f["highValue"]),
            values=None if f.get("values") is None else tuple(str(v) for v in f["values"]),
        )
        for f in raw
        if isinstance(f, dict)
    )


def _sort(raw: Any) -> tuple[str, bool] | None:
    first = raw[0] if isinstance(raw, list) and raw else None
    if isinstance(first, str) and first.strip("-"):
        return first.lstrip("-"), first.startswith("-")
    if isinstance(first, dict) and first.get("propertyName"):
        order = str(first.get("order") or first.get("direction") or "ASC").upper()
        return str(first["propertyName"]), order.startswith("DES")
    return None


def _search(raw: Any) -> SearchRequest | None:
    if not isinstance(raw, dict):
        return None
    groups = [
        _filters(g.get("filters")) for g in raw.get("filterGroups") or [] if isinstance(g, dict)
    ]
    loose = _filters(raw.get("filters"))
    groups = [g for g in groups if g] + ([loose] if loose else [])
    if len(groups) > MAX_GROUPS or any(len(g) > MAX_FILTERS for g in groups):
        raise _invalid(
            f"An export takes at most {MAX_GROUPS} filter groups of {MAX_FILTERS} filters each"
        )
    query = raw.get("query") if isinstance(raw.get("query"), str) and raw["query"] else None
    sort = _sort(raw.get("sorts"))
    if not groups and query is None and sort is None:
        return None
    return SearchRequest(tuple(groups), sort, query, (), 1, 0)


def _associated(types: PortalTypes, raw: Any) -> ObjectType | None:
    given = raw[0] if isinstance(raw, list) and raw else raw
    return _type(types, given, "associatedObjectType") if given else None


def parse_export(raw: Mapping[str, Any], types: PortalTypes) -> ExportRequest:
    export_type = raw.get("exportType")
    if export_type not in (VIEW, LIST):
        raise _invalid("exportType must be VIEW or LIST", exportType=[str(export_type)])
    given_format = str(raw.get("format") or "").upper()
    if given_format not in FORMATS:
        raise _invalid(
            f"format {given_format!r} is not supported: use CSV or XLSX", format=[given_format]
        )
    list_id = None
    if export_type == LIST:
        text = str(raw.get("listId") or "")
        if not text.isdigit() or len(text) > 18:
            raise _invalid("A LIST export needs the listId of a list", listId=[text])
        list_id = int(text)
    options = raw.get("exportInternalValuesOptions") or []
    properties = [p for p in raw.get("objectProperties") or [] if isinstance(p, str)]
    names = [n.strip() for p in properties for n in p.split(",") if n.strip()]
    return ExportRequest(
        export_type=str(export_type),
        name=str(raw.get("exportName") or "Untitled export"),
        file_format=FORMATS[given_format],
        object_type=_type(types, raw.get("objectType"), "objectType"),
        properties=tuple(dict.fromkeys(names)),
        associated_type=_associated(types, raw.get("associatedObjectType")),
        list_id=list_id,
        search=_search(raw.get("publicCrmSearchRequest")) if export_type == VIEW else None,
        names="NAMES" in options,
        values="VALUES" in options,
    )


def check_properties(request: ExportRequest, definitions: Definitions) -> None:
    unknown = [n for n in request.properties if n not in definitions.by_name]
    if unknown:
        type_id = request.object_type.type_id
        raise _invalid(
            f"objectProperties: {', '.join(unknown)} do not exist on object type {type_id}",
            objectProperties=unknown,
        )
