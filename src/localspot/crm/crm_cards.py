"""An app's CRM cards (HubSpot's legacy public app cards, hubspot-behaviour §19.3): defined
per app, shown on the record pages of the object types they name in every portal the app is
installed in.

A definition arrives and is stored in HubSpot's shape: ``title``, ``fetch`` (``targetUrl``,
``objectTypes``), ``display`` (``properties``) and ``actions`` (``baseUrls``); the fetch
body's deprecated ``cardType`` and ``serverlessFunction`` are accepted and not kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from localspot.crm.app_urls import check_app_url
from localspot.crm.errors import ResourceNotFound, ValidationError
from localspot.crm.extension_settings import ExtensionCall, without_nul
from localspot.crm.extension_settings_storage import StoredCard

MAX_CARDS = 25
"""Per app (HubSpot's CRM cards guide)."""
MAX_ID = 2**63 - 1


def card_not_found(card_id: str) -> ResourceNotFound:
    return ResourceNotFound(f"Card {card_id} not found", context={"cardId": [card_id]})


def _title(title: str) -> str:
    if not title.strip():
        raise ValidationError("title must not be blank", context={"title": [title]})
    return title


def _distinct(names: Iterable[str], field: str) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValidationError(f"{field} names {name} twice", context={field: [name]})
        seen.add(name)


def _object_types(object_types: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if not object_types:
        raise ValidationError(
            "fetch.objectTypes needs at least one object type", context={"objectTypes": []}
        )
    _distinct((t["name"] for t in object_types), "objectTypes")
    for kind in object_types:
        blank = [p for p in kind["propertiesToSend"] if not p.strip()]
        if blank:
            raise ValidationError(
                f"propertiesToSend of {kind['name']} holds a blank property name",
                context={"propertiesToSend": blank},
            )
    return [
        {"name": t["name"], "propertiesToSend": list(t["propertiesToSend"])} for t in object_types
    ]


def _fetch(fetch: Mapping[str, Any], *, partial: bool) -> dict[str, Any]:
    checked: dict[str, Any] = {"objectTypes": _object_types(fetch["objectTypes"])}
    url = fetch.get("targetUrl")
    if url is not None:
        checked["targetUrl"] = check_app_url(url, "targetUrl", "target URL")
    elif not partial:
        raise ValidationError("fetch.targetUrl is required", context={"targetUrl": []})
    return checked


def _display(display: Mapping[str, Any]) -> dict[str, Any]:
    properties = display["properties"]
    _distinct((p["name"] for p in properties), "display.properties")
    for shown in properties:
        if not shown["name"].strip():
            message = "display.properties holds a property with a blank name"
            raise ValidationError(message, context={"name": [shown["name"]]})
    return {"properties": [dict(p) for p in properties]}


def _actions(actions: Mapping[str, Any]) -> dict[str, Any]:
    return {"baseUrls": [check_app_url(u, "baseUrls", "base URL") for u in actions["baseUrls"]]}


def checked_definition(card: Mapping[str, Any]) -> dict[str, Any]:
    """A complete definition (create): every part checked."""
    without_nul(card, "card")
    return {
        "title": _title(card["title"]),
        "fetch": _fetch(card["fetch"], partial=False),
        "display": _display(card["display"]),
        "actions": _actions(card["actions"]),
    }


def checked_changes(patch: Mapping[str, Any]) -> dict[str, Any]:
    """The parts a PATCH gives, checked; ``fetch`` may leave out ``targetUrl``."""
    without_nul(patch, "card")
    changes: dict[str, Any] = {}
    if patch.get("title") is not None:
        changes["title"] = _title(patch["title"])
    if patch.get("fetch") is not None:
        changes["fetch"] = _fetch(patch["fetch"], partial=True)
    if patch.get("display") is not None:
        changes["display"] = _display(patch["display"])
    if patch.get("actions") is not None:
        changes["actions"] = _actions(patch["actions"])
    return changes


def _card_id(card_id: str) -> int | None:
    if not card_id.isascii() or not card_id.isdigit():
        return None
    number = int(card_id)
    return number if 0 < number <= MAX_ID else None


async def create(call: ExtensionCall, card: Mapping[str, Any]) -> StoredCard:
    definition = checked_definition(card)
    created = await call.store.create_card(call.app_id, definition, call.now, limit=MAX_CARDS)
    if created is None:
        raise ValidationError(
            f"An app can have at most {MAX_CARDS} CRM cards",
            context={"limit": [str(MAX_CARDS)]},
        )
    return created


async def all_of(call: ExtensionCall) -> Sequence[StoredCard]:
    return await call.store.cards(call.app_id)


async def get(call: ExtensionCall, card_id: str) -> StoredCard:
    wanted = _card_id(card_id)
    for card in await call.store.cards(call.app_id) if wanted is not None else ():
        if card.id == wanted:
            return card
    raise card_not_found(card_id)


def _revised(definition: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    revised = {**definition, **changes}
    if "fetch" in changes:
        revised["fetch"] = {**definition["fetch"], **changes["fetch"]}
    return revised


async def update(call: ExtensionCall, card_id: str, patch: Mapping[str, Any]) -> StoredCard:
    """The parts given replace the card's (a fetch without ``targetUrl`` keeps the old
    one); an ``UPDATE`` joins its history even when nothing changed."""
    changes = checked_changes(patch)
    wanted = _card_id(card_id)
    revised = (
        await call.store.revise_card(
            call.app_id, wanted, lambda old: _revised(old, changes), call.now
        )
        if wanted is not None
        else None
    )
    if revised is None:
        raise card_not_found(card_id)
    return revised


async def archive(call: ExtensionCall, card_id: str) -> None:
    wanted = _card_id(card_id)
    if wanted is None or not await call.store.delete_card(call.app_id, wanted):
        raise card_not_found(card_id)
