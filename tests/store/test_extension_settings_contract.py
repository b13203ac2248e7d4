"""Store contract, extension settings role: ``extension_settings``,
``create_extension_settings``, ``revise_extension_settings``, ``replace_extension_settings``,
``delete_extension_settings``, ``cards``, ``create_card``, ``revise_card``, ``delete_card``.

Settings and cards belong to an app (no portal): one set of fields per app and kind, cards
per app with their history; a portal's reset or deletion leaves them alone.
"""

from __future__ import annotations

import uuid
from typing import Any

from localspot.crm.apps_storage import NewApp
from localspot.crm.extension_settings_storage import CardChange, StoredCard, StoredSettings
from localspot.crm.storage import Store

from .conftest import AT, Run

LATER = AT + 1000
CARD: dict[str, Any] = {
    "title": "Orders",
    "fetch": {
        "targetUrl": "https://a.example/f",
        "objectTypes": [{"name": "deals", "propertiesToSend": []}],
    },
    "display": {"properties": [{"name": "s", "label": "S", "dataType": "STATUS", "options": []}]},
    "actions": {"baseUrls": ["https://a.example"]},
}


def new_app(store: Store, run: Run, portal: int) -> int:
    app = run(store.create_app(NewApp("Ext", "secret", uuid.uuid4().hex, AT), portal))
    assert app is not None
    return app.id


def test_settings_are_created_once_per_app_and_kind(store: Store, run: Run, portal: int) -> None:
    app = new_app(store, run, portal)
    fields = {"name": "Dialer", "url": "https://a.example", "width": 400, "isReady": True}
    assert run(store.extension_settings(app, "calling")) is None
    created = run(store.create_extension_settings(app, "calling", fields, AT))
    assert created == StoredSettings(fields, AT, AT)
    assert run(store.create_extension_settings(app, "calling", {"name": "Two"}, LATER)) is None
    assert run(store.extension_settings(app, "calling")) == created
    assert run(store.extension_settings(app, "calling_channel")) is None
    other = new_app(store, run, portal)
    assert run(store.extension_settings(other, "calling")) is None


def test_a_revision_replaces_the_fields_and_keeps_created_at(
    store: Store, run: Run, portal: int
) -> None:
    app = new_app(store, run, portal)
    run(store.create_extension_settings(app, "calling_channel", {"url": "u", "isReady": False}, AT))
    revised = run(
        store.revise_extension_settings(
            app, "calling_channel", lambda old: {**old, "isReady": True}, LATER
        )
    )
    assert revised == StoredSettings({"url": "u", "isReady": True}, AT, LATER)
    assert run(store.extension_settings(app, "calling_channel")) == revised
    nothing = run(store.revise_extension_settings(app, "calling", lambda old: {"x": 1}, LATER))
    assert nothing is None
    assert run(store.extension_settings(app, "calling")) is None


def test_replace_creates_or_replaces_and_delete_reports_what_it_found(
    store: Store, run: Run, portal: int
) -> None:
    app = new_app(store, run, portal)
    first = run(store.replace_extension_settings(app, "videoconferencing", {"a": "1"}, AT))
    assert first == StoredSettings({"a": "1"}, AT, AT)
    second = run(store.replace_extension_settings(app, "videoconferencing", {"b": "2"}, LATER))
    assert second == StoredSettings({"b": "2"}, AT, LATER)
    assert run(store.delete_extension_settings(app, "videoconferencing")) is True
    assert run(store.delete_extension_settings(app, "videoconferencing")) is False
    assert run(store.extension_settings(app, "videoconferencing")) is None


def test_cards_are_made_up_to_the_limit_revised_and_deleted(
    store: Store, run: Run, portal: int
) -> None:
    app = new_app(store, run, portal)
    made = [run(store.create_card(app, {**CARD, "title": f"C{n}"}, AT, limit=2)) for n in range(3)]
    first, second, refused = made
    assert refused is None
    assert first is not None and second is not None
    assert first == StoredCard(
        first.id, {**CARD, "title": "C0"}, (CardChange("CREATE", AT),), AT, AT
    )
    assert run(store.cards(app)) == [first, second]
    revised = run(store.revise_card(app, first.id, lambda old: {**old, "title": "New"}, LATER))
    assert revised == StoredCard(
        first.id,
        {**CARD, "title": "New"},
        (CardChange("CREATE", AT), CardChange("UPDATE", LATER)),
        AT,
        LATER,
    )
    other = new_app(store, run, portal)
    assert run(store.revise_card(other, first.id, lambda old: old, LATER)) is None
    assert run(store.delete_card(other, first.id)) is False
    assert run(store.cards(other)) == []
    assert run(store.delete_card(app, first.id)) is True
    assert run(store.cards(app)) == [second]
    assert run(store.create_card(app, CARD, LATER, limit=2)) is not None


def test_a_portals_reset_and_deletion_leave_an_apps_settings_and_cards(
    store: Store, run: Run, portal: int
) -> None:
    app = new_app(store, run, portal)
    settings = run(store.create_extension_settings(app, "calling", {"name": "Kept"}, AT))
    card = run(store.create_card(app, CARD, AT, limit=25))
    assert run(store.reset_portal(portal, keep_custom_properties=False))
    assert run(store.delete_portal(portal)) is True
    assert run(store.extension_settings(app, "calling")) == settings
    assert run(store.cards(app)) == [card]
