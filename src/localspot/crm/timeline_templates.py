"""Timeline event templates and their tokens: the rules and the use cases (hubspot-behaviour
§18.2, §18.3), called with an app's developer API key.

The path's ``appId`` must be the key's app (``webhooks.check_app``, in the developer guard);
another app's template is a 404, as an unknown one is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import astuple, dataclass, is_dataclass, replace
from typing import Any

from localspot.crm import handlebars
from localspot.crm.errors import Conflict, ResourceNotFound, ValidationError
from localspot.crm.timeline_storage import (
    EventTemplate,
    NewTemplate,
    TemplateToken,
    TimelineStorage,
    TokenOption,
)

MAX_TEMPLATES = 750
"""Per app (HubSpot's timeline guide)."""
MAX_TOKENS = 500
MAX_NAME = 255
TOKEN_TYPES = ("date", "enumeration", "number", "string")
RESERVED_TOKEN_NAMES = frozenset({"log", "lookup"})
"""Handlebars.js helpers of HubSpot's renderer (the v1 event type docs)."""
_TOKEN_NAME = re.compile(r"^[A-Za-z0-9._-]+$")
OBJECT_TYPES = {"contacts": "0-1", "companies": "0-2", "deals": "0-3", "tickets": "0-5"}
"""The object types a template may be for, with their type ids."""
_SINGULAR = {"contact": "contacts", "company": "companies", "deal": "deals", "ticket": "tickets"}


@dataclass(frozen=True, slots=True)
class TemplateCall:
    """One call of the templates or tokens API: the app the key opened."""

    store: TimelineStorage
    app_id: int
    now: int


@dataclass(frozen=True, slots=True)
class TokenInput:
    """A token as the request gave it (not yet checked)."""

    name: str
    label: str
    type: str
    options: tuple[TokenOption, ...] = ()
    object_property_name: str | None = None


def holds_nul(value: Any) -> bool:
    """Whether a string in the value (mappings, sequences and dataclasses of strings) holds
    U+0000, which PostgreSQL can't store."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(holds_nul(v) for v in value)
    if is_dataclass(value) and not isinstance(value, type):
        return holds_nul(astuple(value))
    return False


def refuse_nul(field: str, value: Any) -> None:
    if holds_nul(value):
        message = f"{field} contains a NUL character (\\u0000)"
        raise ValidationError(message, context={field: []})


def template_not_found(template_id: int | str) -> ResourceNotFound:
    return ResourceNotFound(
        f"Event template {template_id} not found",
        context={"eventTemplateId": [str(template_id)]},
    )


def token_not_found(template_id: int, name: str) -> ResourceNotFound:
    return ResourceNotFound(
        f"Token {name} not found on event template {template_id}",
        context={"eventTemplateId": [str(template_id)], "tokenName": [name]},
    )


def parse_template_id(raw: str) -> int | None:
    """HubSpot's template ids are numeric; anything else names no template."""
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < 2**63 else None


def object_type_name(raw: str) -> str:
    """``contacts`` (also ``CONTACT`` or ``contact``, as v1 spelled them) → ``contacts``."""
    key = raw.strip().lower()
    key = _SINGULAR.get(key, key)
    if key not in OBJECT_TYPES:
        raise ValidationError(
            f"Invalid objectType {raw}: event templates are for "
            + ", ".join(OBJECT_TYPES)
            + " only",
            context={"objectType": [raw]},
        )
    return key


def _name(raw: str) -> str:
    refuse_nul("name", raw)
    name = raw.strip()
    if not name or len(name) > MAX_NAME:
        raise ValidationError(
            f"An event template name must have 1 to {MAX_NAME} characters",
            context={"name": [raw]},
        )
    return name


def check_markdown(field: str, text: str | None) -> str | None:
    """A header or detail template: Markdown with the Handlebars subset HubSpot documents."""
    if text is None:
        return None
    refuse_nul(field, text)
    try:
        handlebars.parse(text)
    except handlebars.TemplateSyntaxError as problem:
        raise ValidationError(f"Invalid {field}: {problem}", context={field: [text]}) from None
    return text


def _options(token: TokenInput) -> tuple[TokenOption, ...]:
    context = {"name": [token.name]}
    if token.type != "enumeration":
        if token.options:
            message = f"Token {token.name}: options are only for enumeration tokens"
            raise ValidationError(message, context=context)
        return ()
    if not token.options:
        message = f"Token {token.name}: an enumeration token needs options"
        raise ValidationError(message, context=context)
    values = [o.value for o in token.options]
    if any(not o.value or not o.label.strip() for o in token.options):
        message = f"Token {token.name}: every option needs a label and a value"
        raise ValidationError(message, context=context)
    if len(set(values)) != len(values):
        message = f"Token {token.name}: option values must be unique"
        raise ValidationError(message, context=context)
    return token.options


def check_token(token: TokenInput, at: int, created_at: int | None = None) -> TemplateToken:
    """A checked token; ``created_at`` of the token it replaces (None: a new one)."""
    refuse_nul("tokens", token)
    context = {"name": [token.name]}
    if not _TOKEN_NAME.match(token.name) or len(token.name) > MAX_NAME:
        message = (
            f"Invalid token name {token.name}: use letters, digits, periods, dashes and underscores"
        )
        raise ValidationError(message, context=context)
    if token.name in RESERVED_TOKEN_NAMES:
        raise ValidationError(f"The token name {token.name} is reserved", context=context)
    if not token.label.strip():
        raise ValidationError(f"Token {token.name} needs a label", context=context)
    if token.type not in TOKEN_TYPES:
        message = f"Token {token.name}: type must be one of {', '.join(TOKEN_TYPES)}"
        raise ValidationError(message, context=context)
    return TemplateToken(
        name=token.name,
        label=token.label,
        type=token.type,
        options=_options(token),
        object_property_name=token.object_property_name or None,
        created_at=at if created_at is None else created_at,
        updated_at=at,
    )


def _tokens(
    inputs: Sequence[TokenInput], at: int, old: Sequence[TemplateToken] = ()
) -> tuple[TemplateToken, ...]:
    if len(inputs) > MAX_TOKENS:
        raise ValidationError(
            f"An event template can have at most {MAX_TOKENS} tokens",
            context={"tokens": [str(len(inputs))]},
        )
    names = [t.name for t in inputs]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValidationError(
            f"Token names must be unique in a template: {', '.join(repeated)}",
            context={"name": repeated},
        )
    before = {t.name: t for t in old}
    checked = []
    for token in inputs:
        was = before.get(token.name)
        if was is not None and was.type != token.type:
            raise ValidationError(
                f"The type of token {token.name} can't be changed ({was.type})",
                context={"name": [token.name]},
            )
        checked.append(check_token(token, at, was.created_at if was else None))
    return tuple(checked)


async def create(
    call: TemplateCall,
    name: str,
    object_type: str,
    header: str | None,
    detail: str | None,
    tokens: Sequence[TokenInput],
) -> EventTemplate:
    new = NewTemplate(
        name=_name(name),
        object_type=object_type_name(object_type),
        header_template=check_markdown("headerTemplate", header),
        detail_template=check_markdown("detailTemplate", detail),
        tokens=_tokens(tokens, call.now),
    )
    made = await call.store.create_event_template(call.app_id, new, call.now, limit=MAX_TEMPLATES)
    if made is None:
        raise ValidationError(
            f"An app can have at most {MAX_TEMPLATES} event templates",
            context={"limit": [str(MAX_TEMPLATES)]},
        )
    return made


async def all_of(call: TemplateCall) -> Sequence[EventTemplate]:
    return await call.store.event_templates(call.app_id)


async def get(call: TemplateCall, raw_id: str) -> EventTemplate:
    template_id = parse_template_id(raw_id)
    found = await call.store.event_template(template_id) if template_id else None
    if found is None or found.app_id != call.app_id:
        raise template_not_found(raw_id)
    return found


async def _save(call: TemplateCall, template: EventTemplate) -> EventTemplate:
    saved = await call.store.save_event_template(template)
    if saved is None:
        raise template_not_found(template.id)
    return saved


async def update(
    call: TemplateCall,
    raw_id: str,
    body_id: str,
    name: str,
    header: str | None,
    detail: str | None,
    tokens: Sequence[TokenInput],
) -> EventTemplate:
    """PUT: name, texts and the whole set of tokens (a kept token keeps its ``createdAt``)."""
    found = await get(call, raw_id)
    if body_id.strip() != str(found.id):
        raise ValidationError(
            f"The template id in the body ({body_id}) is not the one in the path ({raw_id})",
            context={"id": [body_id]},
        )
    changed = replace(
        found,
        name=_name(name),
        header_template=check_markdown("headerTemplate", header),
        detail_template=check_markdown("detailTemplate", detail),
        tokens=_tokens(tokens, call.now, found.tokens),
        updated_at=call.now,
    )
    return await _save(call, changed)


async def archive(call: TemplateCall, raw_id: str) -> None:
    """The template and every event made with it, in every portal."""
    template_id = parse_template_id(raw_id)
    gone = template_id and await call.store.delete_event_template(call.app_id, template_id)
    if not gone:
        raise template_not_found(raw_id)


async def add_token(call: TemplateCall, raw_id: str, token: TokenInput) -> TemplateToken:
    found = await get(call, raw_id)
    if any(t.name == token.name for t in found.tokens):
        raise Conflict(
            f"Event template {found.id} already has a token named {token.name}",
            context={"name": [token.name]},
        )
    if len(found.tokens) >= MAX_TOKENS:
        raise ValidationError(
            f"An event template can have at most {MAX_TOKENS} tokens",
            context={"tokens": [str(len(found.tokens))]},
        )
    added = check_token(token, call.now)
    await _save(call, replace(found, tokens=(*found.tokens, added), updated_at=call.now))
    return added


async def update_token(
    call: TemplateCall,
    raw_id: str,
    name: str,
    label: str,
    options: tuple[TokenOption, ...] | None,
    object_property_name: str | None,
) -> TemplateToken:
    """Label, options and property; a token's name and type never change."""
    found = await get(call, raw_id)
    was = next((t for t in found.tokens if t.name == name), None)
    if was is None:
        raise token_not_found(found.id, name)
    wanted = TokenInput(
        name,
        label,
        was.type,
        was.options if options is None else options,
        object_property_name,
    )
    changed = check_token(wanted, call.now, was.created_at)
    tokens = tuple(changed if t.name == name else t for t in found.tokens)
    await _save(call, replace(found, tokens=tokens, updated_at=call.now))
    return changed


async def remove_token(call: TemplateCall, raw_id: str, name: str) -> None:
    """Events made already keep their values of it."""
    found = await get(call, raw_id)
    if all(t.name != name for t in found.tokens):
        raise token_not_found(found.id, name)
    tokens = tuple(t for t in found.tokens if t.name != name)
    await _save(call, replace(found, tokens=tokens, updated_at=call.now))
