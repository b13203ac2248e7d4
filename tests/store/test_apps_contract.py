"""Store contract, apps and webhooks roles: ``create_app``, ``apps``, ``app_of_key``,
``install_app``, ``uninstall_app``, ``client_secret``; ``webhook_settings``,
``save_webhook_settings``, ``clear_webhook_settings``, ``subscriptions``,
``create_subscription``, ``set_subscriptions_active``, ``delete_subscription``,
``active_subscriptions``.

Apps live outside portals: an installation is what ties one to a portal, and the write
path's lookup (``active_subscriptions``) sees only the active subscriptions of the apps
installed in the portal it asks about. Portal reset and deletion take installations away,
never apps.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from localspot.crm.apps_storage import App, InstallOutcome, NewApp
from localspot.crm.model import PropertyDefinition
from localspot.crm.storage import Store
from localspot.crm.webhooks_storage import (
    ActiveSubscription,
    NewSubscription,
    SubscriptionCreated,
    WebhookSettings,
)

from .conftest import AT, Run

EMAIL_CHANGE = NewSubscription("contact.propertyChange", "0-1", "propertyChange", "email", True)
CONTACT_CREATED = NewSubscription("contact.creation", "0-1", "creation", None, True)


def new_app(store: Store, run: Run, portal: int, name: str = "Demo") -> tuple[App, str]:
    """An app installed in ``portal`` and the digest of its (made-up) developer key."""
    key_hash = uuid.uuid4().hex
    app = run(store.create_app(NewApp(name, f"secret-{name}", key_hash, AT), portal))
    assert app is not None
    return app, key_hash


def subscribe(store: Store, run: Run, app_id: int, new: NewSubscription) -> int:
    created = run(store.create_subscription(app_id, new, AT, limit=1000))
    assert created.subscription is not None, created
    return created.subscription.id


def test_an_app_is_made_installed_and_found_by_its_key(store: Store, run: Run, portal: int) -> None:
    app, key_hash = new_app(store, run, portal)
    assert app == App(app.id, "Demo", AT, (portal,))
    assert run(store.app_of_key(key_hash)) == app.id
    assert run(store.app_of_key("0" * 64)) is None
    assert run(store.client_secret(app.id)) == "secret-Demo"
    assert run(store.client_secret(app.id + 1000)) is None
    assert run(store.apps([app.id])) == [app]


def test_an_app_for_a_missing_portal_is_not_made(store: Store, run: Run) -> None:
    before = run(store.apps())
    key_hash = uuid.uuid4().hex
    assert run(store.create_app(NewApp("Lost", "s", key_hash, AT), 987_654)) is None
    assert run(store.apps()) == before
    assert run(store.app_of_key(key_hash)) is None


def test_installs_and_uninstalls_report_what_changed(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    app, _ = new_app(store, run, portal)
    assert run(store.install_app(app.id, other_portal)) == InstallOutcome(True, True, True)
    assert run(store.install_app(app.id, other_portal)) == InstallOutcome(True, True, False)
    assert run(store.apps([app.id]))[0].portal_ids == tuple(sorted((portal, other_portal)))
    assert run(store.uninstall_app(app.id, portal)) == InstallOutcome(True, True, True)
    assert run(store.uninstall_app(app.id, portal)) == InstallOutcome(True, True, False)
    assert run(store.install_app(app.id + 1000, portal)) == InstallOutcome(False, True)
    assert run(store.install_app(app.id, 987_654)) == InstallOutcome(True, False)
    assert run(store.apps([app.id]))[0].portal_ids == (other_portal,)


def test_settings_are_saved_replaced_and_cleared(store: Store, run: Run, portal: int) -> None:
    app, _ = new_app(store, run, portal)
    assert run(store.webhook_settings(app.id)) is None
    saved = run(store.save_webhook_settings(app.id, "https://a.example/h", 10, AT))
    assert saved == WebhookSettings("https://a.example/h", 10, AT, AT)
    again = run(store.save_webhook_settings(app.id, "https://b.example/h", 7, AT + 5))
    assert again == WebhookSettings("https://b.example/h", 7, AT, AT + 5)
    assert run(store.webhook_settings(app.id)) == again
    assert run(store.clear_webhook_settings(app.id))
    assert not run(store.clear_webhook_settings(app.id))
    assert run(store.webhook_settings(app.id)) is None


def test_duplicate_subscriptions_and_the_limit_write_nothing(
    store: Store, run: Run, portal: int
) -> None:
    app, _ = new_app(store, run, portal)
    first = subscribe(store, run, app.id, EMAIL_CHANGE)
    same = run(store.create_subscription(app.id, EMAIL_CHANGE, AT, limit=1000))
    assert same == SubscriptionCreated(duplicate_of=first)
    full = run(store.create_subscription(app.id, CONTACT_CREATED, AT, limit=1))
    assert full == SubscriptionCreated(over_limit=True)
    other_property = NewSubscription(
        "contact.propertyChange", "0-1", "propertyChange", "firstname", False
    )
    second = subscribe(store, run, app.id, other_property)
    shown = run(store.subscriptions(app.id))
    assert [(s.id, s.property_name, s.active) for s in shown] == [
        (first, "email", True),
        (second, "firstname", False),
    ]


def test_set_active_moves_updated_at_only_where_the_value_changes(
    store: Store, run: Run, portal: int
) -> None:
    app, _ = new_app(store, run, portal)
    on, off = (
        subscribe(store, run, app.id, EMAIL_CHANGE),
        subscribe(store, run, app.id, CONTACT_CREATED),
    )
    done = run(
        store.set_subscriptions_active(app.id, {on: True, off: False, 999_999: True}, AT + 9)
    )
    assert [(s.id, s.active, s.updated_at) for s in done] == [(on, True, AT), (off, False, AT + 9)]
    assert run(store.delete_subscription(app.id, off))
    assert not run(store.delete_subscription(app.id, off))
    other, _ = new_app(store, run, portal, "Other")
    assert not run(store.delete_subscription(other.id, on))  # another app's subscription
    assert run(store.set_subscriptions_active(other.id, {on: False}, AT)) == []


def test_active_subscriptions_are_those_of_apps_installed_in_the_portal(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    app, _ = new_app(store, run, portal)
    email = subscribe(store, run, app.id, EMAIL_CHANGE)
    created = subscribe(store, run, app.id, CONTACT_CREATED)
    calls = NewSubscription("object.creation", "0-48", "creation", None, True)
    subscribe(store, run, app.id, calls)
    paused = NewSubscription("contact.deletion", "0-1", "deletion", None, False)
    subscribe(store, run, app.id, paused)
    found = run(
        store.active_subscriptions(portal, "0-1", ["creation", "propertyChange", "deletion"])
    )
    assert found == [
        ActiveSubscription(email, app.id, "contact.propertyChange", "propertyChange", "email"),
        ActiveSubscription(created, app.id, "contact.creation", "creation", None),
    ]
    assert run(store.active_subscriptions(other_portal, "0-1", ["creation"])) == []
    assert run(store.active_subscriptions(portal, "0-1", [])) == []
    changed = ["creation", "propertyChange"]
    assert [
        s.subscription_id
        for s in run(store.active_subscriptions(portal, "0-1", changed, ["firstname"]))
    ] == [created]
    assert [
        s.subscription_id
        for s in run(store.active_subscriptions(portal, "0-1", changed, ["email", "x"]))
    ] == [email, created]
    assert [
        s.subscription_id
        for s in run(store.active_subscriptions(portal, "0-1", ["propertyChange"], []))
    ] == []
    run(store.uninstall_app(app.id, portal))
    assert run(store.active_subscriptions(portal, "0-1", ["creation"])) == []


def test_installed_property_sees_live_custom_properties_of_installed_portals(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    app, _ = new_app(store, run, portal)
    tier = PropertyDefinition(name="tier", label="Tier", type="string", field_type="text")
    run(store.create_properties(other_portal, "0-1", [tier], max_unique=10))
    assert not run(store.installed_property(app.id, "0-1", "tier"))
    run(store.install_app(app.id, other_portal))
    assert run(store.installed_property(app.id, "0-1", "tier"))
    assert not run(store.installed_property(app.id, "0-2", "tier"))
    run(store.save_properties(other_portal, "0-1", [replace(tier, archived=True)]))
    assert not run(store.installed_property(app.id, "0-1", "tier"))


def test_reset_and_delete_of_a_portal_take_its_installs_not_the_apps(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    app, key_hash = new_app(store, run, portal)
    run(store.install_app(app.id, other_portal))
    subscribe(store, run, app.id, CONTACT_CREATED)
    assert run(store.reset_portal(portal, keep_custom_properties=False))
    assert run(store.apps([app.id]))[0].portal_ids == (other_portal,)
    assert run(store.delete_portal(other_portal))
    assert run(store.apps([app.id]))[0].portal_ids == ()
    assert run(store.app_of_key(key_hash)) == app.id
    assert len(run(store.subscriptions(app.id))) == 1


def test_a_snapshot_holds_the_installed_apps_and_a_restore_installs_known_ones(
    store: Store, run: Run, portal: int, other_portal: int
) -> None:
    first, _ = new_app(store, run, portal, "First")
    second, _ = new_app(store, run, portal, "Second")
    dump = run(store.dump_portal(portal))
    assert dump is not None and dump.installed_apps == (first.id, second.id)
    wanted = replace(dump, installed_apps=(second.id, 987_654_321, second.id))
    assert run(store.restore_portal(other_portal, wanted)).found
    assert run(store.apps([second.id]))[0].portal_ids == tuple(sorted((portal, other_portal)))
    restored = run(store.dump_portal(other_portal))
    assert restored is not None and restored.installed_apps == (second.id,)
