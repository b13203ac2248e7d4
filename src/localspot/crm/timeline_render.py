"""An event seen through its template (hubspot-behaviour §18.4): the detail as HTML
(``EventDetail``: "the details Markdown rendered as HTML", as the SDK's model says) and the
header or detail as HTML (``render``).

The template's Handlebars (``crm/handlebars.py``) gets the event's tokens by name, its
``extraData``, and the event's own fields (``id``, ``objectId``, ``objectType``,
``eventTemplateId``, ``timestamp``, ``email``, ``utk``, ``domain``); a name the event lacks
renders nothing. Markdown becomes HTML through ``markdown-it-py`` (CommonMark; HTML written
in the template itself is shown as text, values are escaped by Handlebars first).
"""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

from markdown_it import MarkdownIt

from localspot.crm import handlebars
from localspot.crm.property_types import parse_instant
from localspot.crm.timeline_storage import EventTemplate, TimelineEvent

_MARKDOWN = MarkdownIt("commonmark", {"html": False})


def _format_date(value: Any) -> str:
    """``{{#formatDate x}}{{/formatDate}}``: an instant (epoch ms or ISO 8601) as HubSpot's
    own example of a rendered detail shows one, ``Jan 30, 2020, 1:13:25 PM`` (in UTC: the
    viewer's time zone is HubSpot's to know); anything else as it is."""
    if isinstance(value, bool) or value is None:
        return ""
    try:
        instant = int(value) if isinstance(value, int | float) else parse_instant(str(value))
        if instant is None:
            return str(value)
        at = datetime.fromtimestamp(instant / 1000, UTC)
    except (OverflowError, OSError, ValueError):  # NaN, or beyond the years datetime has
        return str(value)
    hour = at.hour % 12 or 12
    noon = "PM" if at.hour >= 12 else "AM"
    return f"{at:%b} {at.day}, {at.year}, {hour}:{at:%M:%S} {noon}"


def context_of(event: TimelineEvent) -> dict[str, Any]:
    own: dict[str, Any] = {
        "id": event.id,
        "eventTemplateId": str(event.template_id),
        "objectId": str(event.object_id),
        "objectType": event.object_type,
        "timestamp": event.timestamp,
        "email": event.email,
        "utk": event.utk,
        "domain": event.domain,
        "extraData": dict(event.extra_data or {}),
    }
    return {**own, **event.tokens}


def markdown_of(text: str | None, event: TimelineEvent) -> str:
    """The template text with the event's values (Markdown); none: an empty string."""
    if not text:
        return ""
    return handlebars.render(handlebars.parse(text), context_of(event), _format_date)


def detail(template: EventTemplate, event: TimelineEvent) -> str:
    return html(template, event, detail=True)


def html(template: EventTemplate, event: TimelineEvent, *, detail: bool) -> str:
    text = template.detail_template if detail else template.header_template
    rendered: str = _MARKDOWN.render(markdown_of(text, event))
    return rendered


_BLOCKS = frozenset({"p", "li", "br", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"})


class _Text(HTMLParser):
    """The text of rendered HTML, a line per block (entities decoded)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")


def text(template: EventTemplate, event: TimelineEvent, *, detail: bool) -> str:
    """The header or detail as a reader sees it, without its markup: for showing as text
    where the template's HTML must not be trusted (the inspector)."""
    parser = _Text()
    parser.feed(html(template, event, detail=detail))
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)
