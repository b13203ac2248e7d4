"""URLs an app gives HubSpot to call (webhook targets, calling and card endpoints, video
conferencing hooks): absolute https URLs, or http to a local receiver (compatibility.md)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from localspot.crm.errors import ValidationError

MAX_URL = 2048


def local_host(host: str) -> bool:
    """Loopback, private and link-local addresses, ``localhost`` and single-label names (a
    container's service name): places a test's receiver listens on."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host == "localhost" or host.endswith(".localhost") or "." not in host
    return address.is_loopback or address.is_private or address.is_link_local


def check_app_url(url: str, field: str, what: str) -> str:
    """``url`` as given, or a 400 naming ``what`` (``target URL``) with ``field`` as context."""
    context = {field: [url]}
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        _ = parts.port  # a port out of range raises
    except ValueError:
        raise ValidationError(f"Invalid {what}: {url}", context=context) from None
    spaced = any(c.isspace() or c < " " or c == "\x7f" for c in url)
    if spaced or len(url) > MAX_URL or not host or parts.scheme not in ("http", "https"):
        raise ValidationError(f"Invalid {what}: {url}", context=context)
    if parts.scheme == "http" and not local_host(host):
        raise ValidationError(
            f"The {what} must use https (http only to a local receiver): {url}",
            context=context,
        )
    return url
