"""``serve``'s checks before anything starts: options uvicorn would only refuse with a
traceback (a port out of range) or after the app has started (an address in use) fail here
as one ``Error: ...`` line (see ``cli_errors.py``)."""

from __future__ import annotations

import socket
from urllib.parse import quote

from localspot.crm.errors import ValidationError

MAX_PORT = 65535


def check_options(host: str, port: int, workers: int) -> None:
    if not 0 <= port <= MAX_PORT:
        raise ValidationError(f"--port must be between 0 and {MAX_PORT}, not {port}")
    if workers < 1:
        raise ValidationError(f"--workers must be at least 1, not {workers}")
    if not host.strip():
        raise ValidationError("--host must not be empty")


def check_can_listen(host: str, port: int) -> None:
    """Bind the address once, as uvicorn will (``SO_REUSEADDR``), and let it go. A process
    taking the port in between still meets uvicorn's own refusal."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, port))
    except OSError as error:
        reason = error.strerror or str(error)
        raise OSError(f"cannot listen on {host}:{port}: {reason}") from None


def inspector_url(host: str, port: int, signin_code: str) -> str:
    """The inspector's one-time sign-in link; a wildcard address is opened on loopback."""
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/_localspot/ui/signin?token={quote(signin_code, safe='')}"
