"""Store contract, card migrations role: ``migrate_card``, ``card_migrations``.

A migration belongs to its app (no portal): a legacy card of the app is migrated once, and
an app card replaces one legacy card unless duplicates are allowed; a refused migration
writes nothing.
"""

from __future__ import annotations

from localspot.crm.card_migrations_storage import CardMigration, MigrationOutcome
from localspot.crm.storage import Store

from .conftest import AT, Run
from .test_extension_settings_contract import CARD, new_app


def new_card(store: Store, run: Run, app: int) -> int:
    card = run(store.create_card(app, CARD, AT, limit=25))
    assert card is not None
    return card.id


def test_a_card_of_the_app_is_migrated_once(store: Store, run: Run, portal: int) -> None:
    app = new_app(store, run, portal)
    card = new_card(store, run, app)
    first = CardMigration(card, 70, 71, AT)
    assert run(store.migrate_card(app, first, allow_duplicate=False)) == MigrationOutcome(
        "migrated"
    )
    again = CardMigration(card, 80, None, AT + 1)
    assert run(store.migrate_card(app, again, allow_duplicate=True)) == MigrationOutcome(
        "migrated_before", first
    )
    assert run(store.card_migrations(app)) == (first,)


def test_another_apps_card_or_no_card_is_refused(store: Store, run: Run, portal: int) -> None:
    app, other = new_app(store, run, portal), new_app(store, run, portal)
    theirs = new_card(store, run, other)
    for legacy in (theirs, theirs + 1000):
        asked = CardMigration(legacy, 1, None, AT)
        outcome = run(store.migrate_card(app, asked, allow_duplicate=True))
        assert outcome == MigrationOutcome("no_card")
    assert run(store.card_migrations(app)) == ()


def test_an_app_card_takes_a_second_card_only_when_allowed(
    store: Store, run: Run, portal: int
) -> None:
    app = new_app(store, run, portal)
    one, two = new_card(store, run, app), new_card(store, run, app)
    first = CardMigration(one, 5, None, AT)
    run(store.migrate_card(app, first, allow_duplicate=False))
    second = CardMigration(two, 5, None, AT)
    refused = run(store.migrate_card(app, second, allow_duplicate=False))
    assert refused == MigrationOutcome("app_card_taken", first)
    assert run(store.migrate_card(app, second, allow_duplicate=True)).status == "migrated"
    assert run(store.card_migrations(app)) == (first, second)
