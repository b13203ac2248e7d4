"""The webhooks role's SQL (settings and subscriptions), one function of a ``Connection`` per
method, for both databases.

``active_for`` is written to be called inside a record write's own transaction as well: one
statement over the installations' primary key and the subscriptions' event index.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    union_all,
    update,
)

from localspot.crm.webhook_happenings import Reachable, Wanted
from localspot.crm.webhooks_storage import (
    ActiveSubscription,
    NewSubscription,
    Subscription,
    SubscriptionCreated,
    WebhookSettings,
)
from localspot.store.apps_schema import app_installs, webhook_settings, webhook_subscriptions
from localspot.store.dialect import dialect_of
from localspot.store.schema import properties

S = webhook_subscriptions.c
W = webhook_settings.c
PROPERTY_CHANGE = "propertyChange"


def _settings(row: Any) -> WebhookSettings:
    return WebhookSettings(
        row.target_url, row.max_concurrent_requests, row.created_at, row.updated_at
    )


def _subscription(row: Any) -> Subscription:
    return Subscription(
        id=row.id,
        event_type=row.event_type,
        object_type=row.object_type,
        action=row.action,
        property_name=row.property_name or None,
        active=bool(row.active),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def settings_of(conn: Connection, app_id: int) -> WebhookSettings | None:
    row = conn.execute(select(webhook_settings).where(W.app_id == app_id)).first()
    return _settings(row) if row else None


def save_settings(
    conn: Connection, app_id: int, target_url: str, max_concurrent: int, at: int
) -> WebhookSettings:
    changes = {"target_url": target_url, "max_concurrent_requests": max_concurrent}
    statement = (
        dialect_of(conn)
        .insert(webhook_settings)
        .values(app_id=app_id, created_at=at, updated_at=at, **changes)
    )
    conn.execute(
        statement.on_conflict_do_update(
            index_elements=["app_id"], set_={**changes, "updated_at": at}
        )
    )
    saved = settings_of(conn, app_id)
    assert saved is not None
    return saved


def clear_settings(conn: Connection, app_id: int) -> bool:
    return bool(conn.execute(delete(webhook_settings).where(W.app_id == app_id)).rowcount)


def subscriptions_of(conn: Connection, app_id: int) -> list[Subscription]:
    rows = conn.execute(select(webhook_subscriptions).where(S.app_id == app_id).order_by(S.id))
    return [_subscription(r) for r in rows]


def create_subscription(
    conn: Connection, app_id: int, new: NewSubscription, at: int, limit: int
) -> SubscriptionCreated:
    dialect_of(conn).serialize(conn, f"webhook_subscriptions:{app_id}")
    same = conn.execute(
        select(S.id).where(
            S.app_id == app_id,
            S.event_type == new.event_type,
            S.object_type == new.object_type,
            S.property_name == (new.property_name or ""),
        )
    ).first()
    if same is not None:
        return SubscriptionCreated(duplicate_of=int(same.id))
    held = conn.execute(select(func.count()).where(S.app_id == app_id)).scalar_one()
    if held >= limit:
        return SubscriptionCreated(over_limit=True)
    row = {
        "app_id": app_id,
        "event_type": new.event_type,
        "object_type": new.object_type,
        "action": new.action,
        "property_name": new.property_name or "",
        "active": new.active,
        "created_at": at,
        "updated_at": at,
    }
    new_id = int(
        conn.execute(insert(webhook_subscriptions).values(row).returning(S.id)).scalar_one()
    )
    return SubscriptionCreated(_subscription_by_id(conn, app_id, new_id))


def _subscription_by_id(conn: Connection, app_id: int, subscription_id: int) -> Subscription:
    row = conn.execute(
        select(webhook_subscriptions).where(S.app_id == app_id, S.id == subscription_id)
    ).one()
    return _subscription(row)


def set_active(
    conn: Connection, app_id: int, changes: Mapping[int, bool], at: int
) -> list[Subscription]:
    for active in (True, False):
        ids = sorted(i for i, wanted in changes.items() if wanted is active)
        if ids:
            conn.execute(
                update(webhook_subscriptions)
                .where(S.app_id == app_id, S.id.in_(ids), S.active != active)
                .values(active=active, updated_at=at)
            )
    rows = conn.execute(
        select(webhook_subscriptions)
        .where(S.app_id == app_id, S.id.in_(sorted(changes)))
        .order_by(S.id)
    )
    return [_subscription(r) for r in rows]


def delete_subscription(conn: Connection, app_id: int, subscription_id: int) -> bool:
    done = conn.execute(
        delete(webhook_subscriptions).where(S.app_id == app_id, S.id == subscription_id)
    )
    return bool(done.rowcount)


def installed_property(conn: Connection, app_id: int, object_type: str, name: str) -> bool:
    installed, defined = app_installs.c, properties.c
    found = conn.execute(
        select(defined.name)
        .join(app_installs, installed.portal_id == defined.portal_id)
        .where(
            installed.app_id == app_id,
            defined.object_type == object_type,
            defined.name == name,
            ~defined.archived,
        )
        .limit(1)
    ).first()
    return found is not None


def _active(action_condition: Any) -> Any:
    return (
        select(S.id, S.app_id, S.event_type, S.action, S.property_name)
        .join(app_installs, app_installs.c.app_id == S.app_id)
        .where(
            app_installs.c.portal_id == bindparam("portal_id"),
            S.object_type == bindparam("object_type"),
            action_condition,
            S.active,
        )
    )


_ACTIVE = _active(S.action.in_(bindparam("actions", expanding=True)))
"""Built once: the write path runs it in every write transaction."""
_ACTIVE_FOR_PROPERTIES = union_all(
    _ACTIVE,
    _active(
        and_(
            S.action == PROPERTY_CHANGE,
            S.property_name.in_(bindparam("names", expanding=True)),
        )
    ),
)
"""The same when the changed properties are known: each half is a seek of the events index,
so an app's subscriptions to other properties are never read."""


def active_for(
    conn: Connection,
    portal_id: int,
    object_type: str,
    actions: Collection[str],
    property_names: Collection[str] | None = None,
) -> list[ActiveSubscription]:
    """The active subscriptions of the portal's installed apps for these events, by id;
    with ``property_names``, ``propertyChange`` ones only for those properties."""
    if not actions:
        return []
    params: dict[str, Any] = {"portal_id": portal_id, "object_type": object_type}
    statement, params["actions"] = _ACTIVE, sorted(actions)
    if property_names is not None and PROPERTY_CHANGE in actions:
        statement = _ACTIVE_FOR_PROPERTIES
        params["actions"] = sorted(a for a in actions if a != PROPERTY_CHANGE) or [""]
        params["names"] = sorted(property_names) or [""]
    rows = sorted(conn.execute(statement, params), key=lambda r: int(r.id))
    return [
        ActiveSubscription(r.id, r.app_id, r.event_type, r.action, r.property_name or None)
        for r in rows
    ]


def _deliverable(action_condition: Any) -> Any:
    return (
        select(S.id, S.app_id, S.event_type, S.action, S.property_name, S.object_type)
        .join(app_installs, app_installs.c.app_id == S.app_id)
        .join(webhook_settings, W.app_id == S.app_id)
        .where(
            app_installs.c.portal_id == bindparam("portal_id"),
            S.object_type.in_(bindparam("object_types", expanding=True)),
            action_condition,
            S.active,
        )
    )


_DELIVERABLE = union_all(
    _deliverable(S.action.in_(bindparam("actions", expanding=True))),
    _deliverable(
        and_(
            S.action == PROPERTY_CHANGE,
            S.property_name.in_(bindparam("names", expanding=True)),
        )
    ),
)
"""The write path's lookup (``webhook_emit_sql``): like ``active_for``, for several object
types at once, and only for apps with settings (a target URL): an app without one gets no
events."""


def deliverable_for(conn: Connection, portal_id: int, wanted: Wanted) -> list[Reachable]:
    """The subscriptions a write's happenings can reach (one statement)."""
    if not wanted.object_types or not wanted.actions:
        return []
    params = {
        "portal_id": portal_id,
        "object_types": sorted(wanted.object_types),
        "actions": sorted(a for a in wanted.actions if a != PROPERTY_CHANGE) or [""],
        "names": (
            sorted(wanted.property_names) or [""] if PROPERTY_CHANGE in wanted.actions else [""]
        ),
    }
    rows = sorted(conn.execute(_DELIVERABLE, params), key=lambda r: int(r.id))
    return [
        Reachable(
            ActiveSubscription(r.id, r.app_id, r.event_type, r.action, r.property_name or None),
            r.object_type,
        )
        for r in rows
    ]
