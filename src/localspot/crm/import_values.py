"""What an import reads in a cell before the API's own checks judge it: dates written in the
import's ``dateFormat`` (``12/31/2024``), and enumeration options named by their label.
Anything else passes unchanged, so a cell the API would refuse gets the API's problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import partial

from localspot.crm.model import PropertyDefinition

_DATE = re.compile(r"(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})(?:[ T](.*))?")
_ORDER = {
    "MONTH_DAY_YEAR": ("m", "d", "y"),
    "DAY_MONTH_YEAR": ("d", "m", "y"),
    "YEAR_MONTH_DAY": ("y", "m", "d"),
}


def _dated(text: str, date_format: str) -> str:
    """``12/31/2024`` in MONTH_DAY_YEAR → ``2024-12-31``; an ISO date, epoch milliseconds or
    anything else is left as it is."""
    match = _DATE.fullmatch(text.strip())
    if match is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", text.strip()):
        return text
    parts = dict(zip(_ORDER[date_format], match.group(1, 2, 3), strict=True))
    try:
        day = date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
    except ValueError:
        return text
    rest = match.group(4)
    return day.isoformat() + (f"T{rest.strip()}" if rest else "")


_OPTIONS: dict[int, tuple[object, frozenset[str], dict[str, str]]] = {}


def _options(definition: PropertyDefinition) -> tuple[frozenset[str], dict[str, str]]:
    """The option values and labels of a definition, built once per options tuple (the
    cache holds the tuple itself, so its id can't be reused while the entry lives)."""
    options = definition.options
    cached = _OPTIONS.get(id(options))
    if cached is not None and cached[0] is options:
        return cached[1], cached[2]
    if len(_OPTIONS) >= 1024:
        _OPTIONS.clear()
    values = frozenset(option.value for option in options)
    labels = {option.label.casefold(): option.value for option in options}
    _OPTIONS[id(options)] = (options, values, labels)
    return values, labels


def _option(definition: PropertyDefinition, text: str) -> str:
    """An option's value, given its value or (case-insensitively) its label; each part of a
    multi-select on its own."""
    values, labels = _options(definition)
    if text in values:
        return text
    parts = [part.strip() for part in text.split(";")]
    chosen = [p if p in values else labels.get(p.casefold(), p) for p in parts]
    return ";".join(chosen)


def cell_reader(definition: PropertyDefinition | None, date_format: str) -> Callable[[str], str]:
    """How a column's cells are read: dates in the import's format, enumeration options by
    value or label, anything else as it is; decided once per slice, not per cell."""
    if definition is None:
        return str
    if definition.type in ("date", "datetime"):
        return partial(_dated, date_format=date_format)
    if definition.type == "enumeration" and definition.options:
        return partial(_option, definition)
    return str
