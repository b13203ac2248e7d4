"""How every JSON body is read: the media type first (415 for one that is not JSON), then
msgspec, then the nesting depth (400 past ``MAX_JSON_DEPTH``; far deeper bodies stop the
decoder's own recursion guard, which becomes the same 400 and is never logged). Installed
as the app's request class, so the admin API gets the same rules.

A request without a ``Content-Type`` is read as JSON: the official SDKs always send one,
and curl users often leave it out.
"""

from __future__ import annotations

from typing import Any

from litestar import Request

from localspot.crm.errors import HubSpotError, ValidationError

MAX_JSON_DEPTH = 64
"""Far above HubSpot's deepest body (a search: object, filterGroups, filters, values: 5)."""
TOO_DEEP = f"Invalid input JSON: nesting deeper than {MAX_JSON_DEPTH} levels"


class UnsupportedMediaType(HubSpotError):
    status = 415
    category = "VALIDATION_ERROR"

    def __init__(self, media_type: str) -> None:
        super().__init__(
            f"Content type '{media_type}' not supported: send application/json",
            context={"Content-Type": [media_type]},
        )


def is_json_media_type(media_type: str) -> bool:
    media_type = media_type.strip().lower()
    return media_type in ("", "application/json") or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def too_deep(value: Any) -> bool:
    """Whether arrays and objects in a decoded body nest deeper than ``MAX_JSON_DEPTH``;
    one list comprehension per level, so a wide body costs little."""
    level = [value] if isinstance(value, dict | list) else []
    for _ in range(MAX_JSON_DEPTH):
        if not level:
            return False
        level = [
            child
            for node in level
            for child in (node.values() if isinstance(node, dict) else node)
            if isinstance(child, dict | list)
        ]
    return bool(level)


class JsonRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        media_type, _ = self.content_type
        if not is_json_media_type(media_type):
            raise UnsupportedMediaType(media_type)
        body = await self.body()
        try:
            value = await super().json()
        except RecursionError:  # the decoder's own guard, far past our limit
            raise ValidationError(TOO_DEEP) from None
        if body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH and too_deep(value):
            raise ValidationError(TOO_DEEP)
        return value
