"""The server's logging: uvicorn's own configuration, with every log line passed through a
filter that cuts secrets out (a token in a request line's query, a token-shaped value in
any message, the bearer token of the request being served), and localspot's own loggers
sent to the same handlers.

``serve`` hands ``log_config()`` to uvicorn, which applies it in each worker process.
"""

from __future__ import annotations

import copy
import logging
from typing import Any

from uvicorn.config import LOGGING_CONFIG

from localspot.http.redaction import redact_target, request_secrets, scrub


class RedactSecrets(logging.Filter):
    """Rewrites a record's message and arguments; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = request_secrets()
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(_redacted(a, secrets) for a in record.args)
        elif isinstance(record.msg, str):  # a message without arguments: no %-template
            record.msg = scrub(record.msg, secrets)
        return True


def _redacted(value: object, secrets: tuple[str, ...]) -> object:
    """A request target (uvicorn's access line passes ``/path?query``) keeps its shape."""
    if not isinstance(value, str):
        return value
    return redact_target(value, secrets) if value.startswith("/") else scrub(value, secrets)


def log_config() -> dict[str, Any]:
    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["filters"] = {"redact_secrets": {"()": f"{__name__}.RedactSecrets"}}
    for handler in config["handlers"].values():
        handler["filters"] = ["redact_secrets"]
    config["loggers"]["localspot"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config
