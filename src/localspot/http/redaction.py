"""Cutting secrets out of what the server keeps or logs: the journal's paths, queries and
bodies, and the request lines of the access log.

A token travels in the ``Authorization`` header (never kept), in query parameters and form
fields (``access_token``, ``hapikey``, ...; the name itself may be percent-encoded), in JSON
bodies (under a secret-named key, or in any string, perhaps ``\\u``-escaped) and in answers
(the admin API returns minted tokens). Three nets catch it: the values of secret-named keys,
anything shaped like a HubSpot token (``pat-na1-...``), and the exact secrets the caller is
known to hold (its bearer token). Text is looked at again with its ``%`` and ``\\u`` escapes
decoded, so an encoded secret is caught too (the text is then kept decoded).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from contextvars import ContextVar
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode

import orjson

REDACTED = "[REDACTED]"
SECRET_KEYS = frozenset(
    {
        "access_token",
        "accesstoken",
        "api_key",
        "apikey",
        "authorization",
        "client_secret",
        "clientsecret",
        "developer_api_key",
        "developerapikey",
        "hapikey",
        "password",
        "private_app_token",
        "refresh_token",
        "refreshtoken",
        "token",
    }
)
TOKEN_SHAPE = re.compile(r"pat-[a-z]{2}\d+-[0-9a-f-]{8,}", re.IGNORECASE)
"""HubSpot's private-app tokens (``pat-na1-``, ``pat-eu1-``, then hex and dashes), which is
also the shape of the tokens localspot mints."""
_KEYS = "|".join(sorted(SECRET_KEYS, key=len, reverse=True))
_SECRET_PAIR = re.compile(rf"((?<![A-Za-z0-9_])(?:{_KEYS})=)[^&#\s\"'<>]*", re.IGNORECASE)
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_SUSPECT = re.compile(
    rb"%[0-9a-f]{2}|pat-[a-z]{2}[0-9]|(?<![a-z0-9_])(?:"
    + "|".join(k.replace("_", "[-_]") for k in sorted(SECRET_KEYS, key=len, reverse=True)).encode()
    + rb")(?![a-z0-9_])",
    re.IGNORECASE,
)
"""What every text that could hold a secret contains: a percent escape, the start of a
token's shape, or a secret key's whole name (``-`` or ``_`` between its words). Whole names
only: words such as ``key`` or ``token`` inside other names (``external_key``) are common in
CRM bodies, and treating them as suspect walked every such body (about 6 ms for a batch of
100 records). JSON's ``\\u`` escapes are checked apart: decoded
JSON (re-encoded by orjson) has none left but control ones."""
_HINTS = (b"%", b"pat-", *{k.split("_")[-1].encode() for k in SECRET_KEYS})
"""Substrings every match of ``_SUSPECT`` contains (each name's last word)."""
_REQUEST_SECRETS: ContextVar[tuple[str, ...]] = ContextVar("request_secrets", default=())


def hold_request_secrets(*secrets: str | None) -> None:
    """Remember the secrets of the request this task serves (its bearer token), so that log
    lines written while serving it (uvicorn's access line among them) can cut them out."""
    _REQUEST_SECRETS.set(tuple(s for s in secrets if s))


def request_secrets() -> tuple[str, ...]:
    return _REQUEST_SECRETS.get()


def is_secret_key(name: str) -> bool:
    return unquote_plus(name).strip().lower().replace("-", "_") in SECRET_KEYS


def _cut(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    text = TOKEN_SHAPE.sub(REDACTED, text)
    return _SECRET_PAIR.sub(rf"\g<1>{REDACTED}", text)


def _unescaped(text: str) -> str:
    return unquote_plus(_JSON_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text))


def scrub(text: str, secrets: Sequence[str] = ()) -> str:
    """``text`` with every secret, token-shaped value and ``key=value`` of a secret key cut
    out, also where escapes hid them."""
    clean = _cut(text, secrets)
    if "%" in clean or "\\u" in clean or "+" in clean:
        decoded = _unescaped(clean)
        cleaned = _cut(decoded, secrets)
        if cleaned != decoded:
            return cleaned
    return clean


def redact_query(raw: str, secrets: Sequence[str] = ()) -> str:
    """The query as sent, unless something in it is secret: then its parameters again, with
    secret ones blanked."""
    pairs = parse_qsl(raw, keep_blank_values=True)
    redacted = [(k, REDACTED if is_secret_key(k) else scrub(v, secrets)) for k, v in pairs]
    if redacted == pairs and scrub(raw, secrets) == raw:
        return raw
    return urlencode([(scrub(k, secrets), v) for k, v in redacted], safe="[]")


def redact_target(target: str, secrets: Sequence[str] = ()) -> str:
    """A request target (``/path?query``) with the query's secrets blanked."""
    path, mark, query = target.partition("?")
    return scrub(path, secrets) + mark + (redact_query(query, secrets) if mark else "")


def redact_json(value: Any, secrets: Sequence[str] = ()) -> Any:
    if isinstance(value, dict):
        return {
            scrub(str(k), secrets): REDACTED if is_secret_key(str(k)) else redact_json(v, secrets)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [redact_json(v, secrets) for v in value]
    return scrub(value, secrets) if isinstance(value, str) else value


def _suspect(raw: bytes, secrets: Sequence[str], *, escapes: bool = True) -> bool:
    if any(s.encode() in raw for s in secrets) or (escapes and b"\\u" in raw):
        return True
    lowered = raw.lower()  # plain substring tests first: far cheaper than the pattern
    if not any(hint in lowered for hint in _HINTS):
        return False
    return _SUSPECT.search(raw) is not None


def redact_body(raw: bytes, secrets: Sequence[str] = ()) -> bytes:
    """A body with its secrets cut out: JSON stays JSON. Bodies with nothing that could hide
    a secret (most of them) come back as they are; JSON whose only suspect is its ``\\u``
    escapes (a client that escapes non-ASCII text) comes back decoded, unwalked."""
    if not _suspect(raw, secrets):
        return raw
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return scrub(raw.decode("utf-8", errors="replace"), secrets).encode()
    plain = orjson.dumps(value)
    if not _suspect(plain, secrets, escapes=False):
        return plain
    return orjson.dumps(redact_json(value, secrets))
