"""The Lists API's rules and errors (hubspot-behaviour §16): which object types take lists,
names, ids, processing types, limits, and the bodies of HubSpot's list errors.

Choices where HubSpot is silent are recorded in docs/compatibility.md ("Lists").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from localspot.clock import Clock
from localspot.crm.batch_rules import parse_record_id
from localspot.crm.errors import ResourceNotFound, ValidationError
from localspot.crm.lists_storage import ObjectList
from localspot.crm.model import ObjectType
from localspot.crm.type_registry import PortalTypes

MANUAL, SNAPSHOT, DYNAMIC = "MANUAL", "SNAPSHOT", "DYNAMIC"
PROCESSING, COMPLETE = "PROCESSING", "COMPLETE"
"""A list's ``processingStatus``: being filled by its filters, or not (``crm/list_fill.py``)."""
PROCESSING_TYPES = (MANUAL, SNAPSHOT, DYNAMIC)
LIST_TYPES = ("0-1", "0-2", "0-3", "0-5")
"""Built-in types that take lists: contacts, companies, deals, tickets (and every custom
object type of the portal)."""
LEGACY_TYPE = "0-1"
"""Only contact lists had a v1 (legacy) id."""
MAX_NAME = 255
MAX_RECORD_IDS = 100_000
"""Record ids one membership request may name."""
MAX_BULK_MEMBERS = 100_000
"""Lists from this size on are refused by add-from (as source) and remove-all."""
MAX_PAGE = 250
MAX_SEARCH_COUNT = 500
MAX_LEGACY_IDS = 10_000
MAX_BATCH_READ = 100
RESTORE_WINDOW_MS = 90 * 24 * 3600 * 1000
"""A deleted list can be restored for 90 days."""

StoreT_co = TypeVar("StoreT_co", covariant=True)


@dataclass(frozen=True, slots=True)
class ListsContext(Generic[StoreT_co]):
    """What the lists use cases are handed: no object type of the path, the portal's types."""

    store: StoreT_co
    clock: Clock
    portal_id: int
    types: PortalTypes


def list_not_found(raw_id: str) -> ResourceNotFound:
    return ResourceNotFound(f"List {raw_id} does not exist", context={"listId": [raw_id]})


def folder_not_found(raw_id: str) -> ResourceNotFound:
    return ResourceNotFound(f"Folder {raw_id} does not exist", context={"folderId": [raw_id]})


def parse_list_id(raw: str) -> int:
    """A list id is a positive integer; anything else is no list (404)."""
    parsed = parse_record_id(raw)
    if parsed is None:
        raise list_not_found(raw)
    return parsed


def parse_folder_id(raw: str | int | None) -> int:
    """Folder ids: 0 (the root) or a positive integer; anything else is no folder (404)."""
    text = "0" if raw is None else str(raw)
    if text == "0":
        return 0
    parsed = parse_record_id(text)
    if parsed is None:
        raise folder_not_found(text)
    return parsed


def list_type(types: PortalTypes, raw: str) -> ObjectType:
    """The type of ``objectTypeId``: a type id (``0-1``, ``2-<n>``) of a type lists take."""
    found = types.find(raw)
    if found is None or found.type_id != raw or not (found.custom or raw in LIST_TYPES):
        raise ValidationError(
            f"The objectTypeId {raw} provided for the list is not valid for this portal.",
            sub_category="ListError.INVALID_OBJECT_TYPE_FOR_LIST",
        )
    return found


def checked_name(raw: str | None, what: str = "List") -> str:
    if raw is None or not raw.strip():
        raise ValidationError(f"{what} name must not be blank")
    if len(raw) > MAX_NAME:
        raise ValidationError(f"{what} name must be at most {MAX_NAME} characters")
    if any(ord(c) < 32 for c in raw):
        raise ValidationError(f"{what} name cannot hold control characters")
    return raw


def name_taken(name: str) -> ValidationError:
    return ValidationError(
        f"A list named '{name}' already exists. List names must be unique.",
        context={"listName": [name]},
    )


def processing_type(raw: str) -> str:
    if raw not in PROCESSING_TYPES:
        raise ValidationError(
            f"processingType must be one of {', '.join(PROCESSING_TYPES)}, got '{raw}'",
            context={"processingType": [raw]},
        )
    return raw


def manual_changes_allowed(found: ObjectList) -> None:
    """Only MANUAL and SNAPSHOT lists take membership changes by hand."""
    if found.processing_type == DYNAMIC:
        raise ValidationError(
            f"List {found.id} is a DYNAMIC list: its memberships follow its filters and"
            " can't be changed by hand. Only MANUAL and SNAPSHOT lists accept this request.",
            context={"listId": [str(found.id)], "processingType": [DYNAMIC]},
        )


def record_ids(raw: Iterable[str | int], limit: int = MAX_RECORD_IDS) -> list[str]:
    """The ids as given (strings, duplicates dropped, order kept), at most ``limit``."""
    seen = list(dict.fromkeys(str(r) for r in raw))
    if len(seen) > limit:
        raise ValidationError(
            f"At most {limit} record ids can be given in one request, got {len(seen)}"
        )
    return seen


def numeric_ids(ids: Iterable[str]) -> dict[str, int]:
    """The ids that can name a record, by their text."""
    parsed = ((text, parse_record_id(text)) for text in ids)
    return {text: value for text, value in parsed if value is not None}


def check_range(name: str, value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise ValidationError(
            f"{name} must be between {low} and {high}, got {value}",
            context={name: [str(value)]},
        )
    return value
