"""The write path's webhook lookup: how long ``webhooks_sql.active_for`` takes inside a
transaction (the active subscriptions of the apps installed in a portal for an object type
and actions), against the cheapest indexed lookup there is (a portal by id) on the same
connection.

    python bench/webhook_lookup.py --db sqlite --apps 50 --subscriptions 1000
    python bench/webhook_lookup.py --db postgres --apps 50 --subscriptions 1000

Makes a fresh database (migrated by ``open_store``), then writes straight into the tables:
``--apps`` apps installed in the measured portal and as many installed only elsewhere, each
with ``--subscriptions`` subscriptions: each built-in type and action once, then property
changes of distinct properties spread over the types (1 in 8 of them paused). Each lookup
runs ``--repeat`` times in one transaction; it prints the medians, their ratio, how many
subscriptions each found, and the plan.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy
from sqlalchemy import Connection, insert, text

sys.path.insert(0, str(Path(__file__).parent))

from harness import fresh_database  # noqa: E402

from localspot.crm.object_types import all_types  # noqa: E402
from localspot.store import webhooks_sql  # noqa: E402
from localspot.store.apps_schema import app_installs, apps, webhook_subscriptions  # noqa: E402
from localspot.store.open import open_store  # noqa: E402
from localspot.store.schema import portals  # noqa: E402

ACTIONS = ("creation", "deletion", "propertyChange", "merge", "restore", "associationChange")
AT = 1_767_225_600_000


def engine_for(database_url: str) -> sqlalchemy.Engine:
    return sqlalchemy.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://"))


def load(conn: Connection, installed: int, per_app: int) -> int:
    """The measured portal's id, after the apps and their subscriptions are written."""
    types = [t.type_id for t in all_types()]
    conn.execute(insert(portals), [{"id": i, "name": f"p{i}", "created_at": AT} for i in (1, 2)])
    for app_id in range(1, 2 * installed + 1):
        key = f"{app_id:064d}"
        row = {"id": app_id, "name": f"a{app_id}", "client_secret": "s", "created_at": AT}
        conn.execute(insert(apps), {**row, "developer_key_hash": key})
        portal = 1 if app_id <= installed else 2
        conn.execute(insert(app_installs), {"portal_id": portal, "app_id": app_id})
        rows = [subscription(app_id, i, types) for i in range(per_app)]
        conn.execute(insert(webhook_subscriptions), rows)
    return 1


def subscription(app_id: int, i: int, types: list[str]) -> dict[str, Any]:
    """Every (type, action) once, then property changes of distinct properties."""
    every = 6 * len(types)
    action = ACTIONS[i % 6] if i < every else "propertyChange"
    return {
        "app_id": app_id,
        "event_type": f"object.{action}",
        "object_type": types[i // 6] if i < every else types[i % len(types)],
        "action": action,
        "property_name": f"p{i}" if action == "propertyChange" else "",
        "active": i % 8 != 0,
        "created_at": AT,
        "updated_at": AT,
    }


def median_us(call: Callable[[], Any], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1e6)
    return statistics.median(samples)


def plan(conn: Connection, database_url: str) -> str:
    """The plan of the lookup for changed properties (its SQL written out)."""
    half = (
        "SELECT s.id, s.event_type FROM webhook_subscriptions s"
        " JOIN app_installs i ON i.app_id = s.app_id"
        " WHERE i.portal_id = 1 AND s.object_type = '0-1' AND s.active AND "
    )
    sql = (
        half
        + "s.action IN ('creation') UNION ALL "
        + half
        + "s.action = 'propertyChange' AND s.property_name IN ('p1', 'p2')"
    )
    explain = "EXPLAIN QUERY PLAN " if database_url.startswith("sqlite") else "EXPLAIN "
    return "\n".join(str(row[-1]) for row in conn.execute(text(explain + sql)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--apps", type=int, default=50)
    parser.add_argument("--subscriptions", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    with fresh_database(args.db) as url:
        asyncio.run(open_store(url).close())  # migrates
        engine = engine_for(url)
        with engine.begin() as conn:
            portal = load(conn, args.apps, args.subscriptions)
        if args.db == "postgres":
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
        actions = ("creation", "propertyChange")
        by_id = sqlalchemy.select(portals.c.id).where(portals.c.id == sqlalchemy.bindparam("id"))
        with engine.begin() as conn:
            found = webhooks_sql.active_for(conn, portal, "0-1", actions)
            lookup = median_us(
                lambda: webhooks_sql.active_for(conn, portal, "0-1", actions), args.repeat
            )
            changed = ("p19", "p38", "firstname")
            narrow = median_us(
                lambda: webhooks_sql.active_for(conn, portal, "0-1", actions, changed), args.repeat
            )
            narrowed = webhooks_sql.active_for(conn, portal, "0-1", actions, changed)
            empty = median_us(lambda: webhooks_sql.active_for(conn, 3, "0-1", actions), args.repeat)
            base = median_us(lambda: conn.execute(by_id, {"id": portal}).first(), args.repeat)
            shown = plan(conn, url)
        engine.dispose()
    total = 2 * args.apps * args.subscriptions
    print(f"{args.db}: {total} subscriptions, {args.apps} apps installed in the portal")
    print(
        f"  lookup (found {len(found)}): {lookup:.0f} us median;"
        f" {lookup / base:.1f}x a portal by id ({base:.0f} us)"
    )
    print(
        f"  lookup for 3 changed properties (found {len(narrowed)}): {narrow:.0f} us median;"
        f" {narrow / base:.1f}x"
    )
    print(f"  lookup in a portal with no apps: {empty:.0f} us median; {empty / base:.1f}x")
    print("  plan:\n    " + shown.replace("\n", "\n    "))


if __name__ == "__main__":
    main()
