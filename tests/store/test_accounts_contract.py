"""Store contract, accounts role: portals and tokens (``find_token``, ``create_portal``,
``create_token``, ``revoke_token``, ``default_portal``, ``portal_exists``)."""

from __future__ import annotations

import time
import uuid

from localspot.crm.accounts import hash_token
from localspot.crm.accounts_storage import TokenGrant
from localspot.crm.storage import Store

from .conftest import FreshStore, Run

SCOPES = frozenset({"crm.objects.contacts.read", "crm.objects.contacts.write"})


def new_hash() -> str:
    return hash_token(f"pat-na1-{uuid.uuid4()}")


def test_an_unknown_token_hash_is_not_found(store: Store, run: Run) -> None:
    assert run(store.find_token(new_hash())) is None


def test_a_created_token_is_found_with_its_portal_scopes_and_kind(
    store: Store, run: Run, portal: int
) -> None:
    token = new_hash()
    run(store.create_token(portal, token, SCOPES, "private_app"))
    assert run(store.find_token(token)) == TokenGrant(
        portal_id=portal, scopes=SCOPES, kind="private_app"
    )


def test_a_token_carries_its_portals_tier_and_time_zone(store: Store, run: Run) -> None:
    portal = run(store.create_portal("pro", "professional", "Europe/Paris"))
    token = new_hash()
    run(store.create_token(portal, token, SCOPES, "oauth"))
    grant = run(store.find_token(token))
    assert grant is not None
    assert (grant.portal_id, grant.kind, grant.tier, grant.timezone) == (
        portal,
        "oauth",
        "professional",
        "Europe/Paris",
    )


def test_an_empty_scope_list_grants_no_scope(store: Store, run: Run, portal: int) -> None:
    token = new_hash()
    run(store.create_token(portal, token, [], "private_app"))
    grant = run(store.find_token(token))
    assert grant is not None and grant.scopes == frozenset()


def test_a_token_without_a_lifetime_never_expires(store: Store, run: Run, portal: int) -> None:
    token = new_hash()
    run(store.create_token(portal, token, SCOPES, "private_app"))
    grant = run(store.find_token(token))
    assert grant is not None and grant.expires_at is None


def test_a_token_with_a_lifetime_expires_that_long_after_its_creation(
    store: Store, run: Run, portal: int
) -> None:
    token = new_hash()
    before = time.time_ns() // 1_000_000
    run(store.create_token(portal, token, SCOPES, "oauth", expires_in_ms=1_800_000))
    after = time.time_ns() // 1_000_000
    grant = run(store.find_token(token))
    assert grant is not None and grant.expires_at is not None
    assert before + 1_800_000 <= grant.expires_at <= after + 1_800_000


def test_creating_a_token_again_replaces_its_grant(store: Store, run: Run, portal: int) -> None:
    other = run(store.create_portal("other"))
    token = new_hash()
    run(store.create_token(portal, token, SCOPES, "private_app"))
    run(store.create_token(other, token, ["crm.objects.deals.read"], "oauth"))
    assert run(store.find_token(token)) == TokenGrant(
        portal_id=other, scopes=frozenset({"crm.objects.deals.read"}), kind="oauth"
    )


def test_a_revoked_token_is_found_revoked(store: Store, run: Run, portal: int) -> None:
    token = new_hash()
    run(store.create_token(portal, token, SCOPES, "private_app"))
    assert run(store.revoke_token(token)) is True
    grant = run(store.find_token(token))
    assert grant is not None and grant.revoked is True
    assert grant.portal_id == portal


def test_revoking_twice_answers_false_the_second_time(store: Store, run: Run, portal: int) -> None:
    token = new_hash()
    run(store.create_token(portal, token, SCOPES, "private_app"))
    assert run(store.revoke_token(token)) is True
    assert run(store.revoke_token(token)) is False


def test_revoking_an_unknown_token_answers_false(store: Store, run: Run) -> None:
    assert run(store.revoke_token(new_hash())) is False


def test_revoking_one_token_leaves_the_portals_other_tokens_live(
    store: Store, run: Run, portal: int
) -> None:
    revoked, kept = new_hash(), new_hash()
    for token in (revoked, kept):
        run(store.create_token(portal, token, SCOPES, "private_app"))
    run(store.revoke_token(revoked))
    grant = run(store.find_token(kept))
    assert grant is not None and grant.revoked is False


def test_created_portals_get_distinct_ids_that_exist(store: Store, run: Run) -> None:
    first, second = run(store.create_portal("a")), run(store.create_portal("b"))
    assert first != second
    assert run(store.portal_exists(first)) is True
    assert run(store.portal_exists(second)) is True


def test_an_unknown_portal_does_not_exist(store: Store, run: Run) -> None:
    assert run(store.portal_exists(987_654_321)) is False


def test_the_default_portal_of_an_empty_database_is_created_once(fresh_store: FreshStore) -> None:
    with fresh_store() as fresh:
        first = fresh.run(fresh.store.default_portal())
        assert fresh.run(fresh.store.portal_exists(first)) is True
        assert fresh.run(fresh.store.default_portal()) == first


def test_the_default_portal_is_the_lowest_portal_id(fresh_store: FreshStore) -> None:
    with fresh_store() as fresh:
        created = [fresh.run(fresh.store.create_portal(name)) for name in ("a", "b", "c")]
        assert fresh.run(fresh.store.default_portal()) == min(created)
