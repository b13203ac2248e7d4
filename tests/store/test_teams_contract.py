"""Store contract, teams role: ``create_team``, ``all_teams``, ``archive_team``,
``join_team``, ``leave_team``, ``memberships``, ``teams_of``.

Team ids are numbered per portal and never reused; a live team's name is taken
(case-insensitively); an owner has at most one primary team; every method sees its own
portal only.
"""

from __future__ import annotations

from localspot.crm.storage import Store
from localspot.crm.teams_storage import Membership, MembershipOutcome, Team

from .conftest import AT, Run


def team(store: Store, run: Run, portal: int, name: str) -> Team:
    created = run(store.create_team(portal, name, AT))
    assert created.portal_found and created.team is not None
    return created.team


def owner(store: Store, run: Run, portal: int, email: str) -> int:
    created = run(store.create_owner(portal, email, "", "", AT))
    assert created.owner is not None
    return created.owner.id


def test_teams_are_numbered_per_portal_and_names_are_taken(
    store: Store, run: Run, portal: int
) -> None:
    first, second = team(store, run, portal, "Sales"), team(store, run, portal, "Support")
    assert (first, second.id) == (Team(1, "Sales", AT, AT), 2)
    taken = run(store.create_team(portal, "SALES", AT))
    assert taken.portal_found and taken.team is None
    assert run(store.archive_team(portal, 1, AT + 1))
    assert not run(store.archive_team(portal, 1, AT + 2))
    assert team(store, run, portal, "Sales").id == 3  # ids are never reused
    assert [t.archived for t in run(store.all_teams(portal))] == [True, False, False]
    assert not run(store.create_team(987_654, "X", AT)).portal_found


def test_first_team_is_primary_and_primary_moves(store: Store, run: Run, portal: int) -> None:
    sales, support = team(store, run, portal, "Sales"), team(store, run, portal, "Support")
    ann = owner(store, run, portal, "a@x.io")
    assert run(store.join_team(portal, ann, sales.id, None)) == MembershipOutcome(True, True, True)
    run(store.join_team(portal, ann, support.id, None))
    assert run(store.memberships(portal)) == [
        Membership(ann, sales.id, True),
        Membership(ann, support.id, False),
    ]
    run(store.join_team(portal, ann, support.id, True))
    shown = run(store.teams_of(portal, [ann]))
    assert [(t.name, primary) for t, primary in shown[ann]] == [("Sales", False), ("Support", True)]
    assert run(store.leave_team(portal, ann, support.id)).changed
    assert run(store.memberships(portal)) == [Membership(ann, sales.id, True)]  # promoted
    assert not run(store.leave_team(portal, ann, support.id)).changed


def test_unknown_or_archived_owner_or_team_is_reported_and_nothing_written(
    store: Store, run: Run, portal: int
) -> None:
    sales = team(store, run, portal, "Sales")
    ann, bob = owner(store, run, portal, "a@x.io"), owner(store, run, portal, "b@x.io")
    run(store.archive_owner(portal, bob, AT))
    assert run(store.join_team(portal, bob, sales.id, None)) == MembershipOutcome(False, True)
    assert run(store.join_team(portal, ann, 99, None)) == MembershipOutcome(True, False)
    assert run(store.leave_team(portal, 99, 98)) == MembershipOutcome(False, False)
    assert run(store.memberships(portal)) == []


def test_archiving_a_team_takes_everyone_off_it(store: Store, run: Run, portal: int) -> None:
    sales, support = team(store, run, portal, "Sales"), team(store, run, portal, "Support")
    ann = owner(store, run, portal, "a@x.io")
    run(store.join_team(portal, ann, sales.id, True))
    run(store.join_team(portal, ann, support.id, False))
    assert run(store.archive_team(portal, sales.id, AT + 1))
    assert run(store.memberships(portal)) == [Membership(ann, support.id, True)]
    assert [t.id for t, _ in run(store.teams_of(portal, [ann]))[ann]] == [support.id]


def test_teams_are_portal_isolated(store: Store, run: Run, portal: int) -> None:
    other = run(store.create_portal("other", "free", "UTC"))
    sales = team(store, run, portal, "Sales")
    assert team(store, run, other, "Sales").id == 1
    theirs = owner(store, run, other, "o@x.io")
    assert not run(store.join_team(portal, theirs, sales.id, None)).owner_found
    assert not run(store.archive_team(other, 2, AT))
    assert run(store.teams_of(portal, [theirs])) == {}
    assert [t.name for t in run(store.all_teams(other))] == ["Sales"]
