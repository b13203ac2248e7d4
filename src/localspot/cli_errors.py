"""How a failed command ends: one line on stderr (``Error: ...``) and a non-zero exit, never
a traceback. Bad input (a ``ValidationError``) exits 2, anything else 1. With
``LOCALSPOT_LOG_LEVEL=debug`` an error that is not a domain error keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Callable

import typer
from sqlalchemy.exc import ArgumentError, DBAPIError

from localspot.config import Settings
from localspot.crm.errors import HubSpotError, ValidationError
from localspot.store.open import UnsupportedDatabase


def _first_line(text: object) -> str:
    lines = str(text).strip().splitlines()
    return lines[0].strip() if lines else ""


def describe(error: Exception) -> str:
    """What went wrong, in one line an operator can act on."""
    if isinstance(error, HubSpotError):
        return error.message
    if isinstance(error, UnsupportedDatabase | ArgumentError):
        return f"invalid database URL: {_first_line(error)}"
    if isinstance(error, DBAPIError):
        return f"database error: {_first_line(error.orig)}"
    if isinstance(error, OSError | UnicodeError):
        return _first_line(error)
    return f"{type(error).__name__}: {_first_line(error)}"


def _debugging() -> bool:
    try:
        return Settings.from_env().log_level.lower() == "debug"
    except ValueError:
        return False


def run(command: Callable[[], object]) -> None:
    """Run the CLI; an exception that escapes a command becomes one line and an exit code."""
    try:
        command()
    except Exception as error:
        if not isinstance(error, HubSpotError) and _debugging():
            raise
        typer.echo(f"Error: {describe(error)}", err=True)
        raise SystemExit(2 if isinstance(error, ValidationError) else 1) from None
