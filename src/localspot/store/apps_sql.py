"""The apps role's SQL, one function of a ``Connection`` per method, for both databases."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable

from sqlalchemy import Connection, delete, insert, select

from localspot.crm.apps_storage import App, InstallOutcome, NewApp
from localspot.store.apps_schema import app_installs, apps
from localspot.store.dialect import dialect_of
from localspot.store.schema import portals

A = apps.c
I = app_installs.c  # noqa: E741


def _portal_exists(conn: Connection, portal_id: int) -> bool:
    return conn.execute(select(portals.c.id).where(portals.c.id == portal_id)).first() is not None


def _app_exists(conn: Connection, app_id: int) -> bool:
    return conn.execute(select(A.id).where(A.id == app_id)).first() is not None


def create_app(conn: Connection, new: NewApp, portal_id: int) -> App | None:
    if not _portal_exists(conn, portal_id):
        return None
    row = {
        "name": new.name,
        "client_secret": new.client_secret,
        "developer_key_hash": new.developer_key_hash,
        "created_at": new.created_at,
    }
    app_id = int(conn.execute(insert(apps).values(row).returning(A.id)).scalar_one())
    conn.execute(insert(app_installs), {"portal_id": portal_id, "app_id": app_id})
    return App(app_id, new.name, new.created_at, (portal_id,))


def all_apps(conn: Connection, ids: Collection[int] | None) -> list[App]:
    query = select(A.id, A.name, A.created_at).order_by(A.id)
    if ids is not None:
        query = query.where(A.id.in_(sorted(ids)))
    rows = conn.execute(query).all()
    installs = select(I.app_id, I.portal_id).order_by(I.app_id, I.portal_id)
    if ids is not None:
        installs = installs.where(I.app_id.in_(sorted(ids)))
    portals_of: dict[int, list[int]] = defaultdict(list)
    for install in conn.execute(installs):
        portals_of[install.app_id].append(install.portal_id)
    return [App(r.id, r.name, r.created_at, tuple(portals_of.get(r.id, ()))) for r in rows]


def app_of_key(conn: Connection, developer_key_hash: str) -> int | None:
    found = conn.execute(select(A.id).where(A.developer_key_hash == developer_key_hash)).first()
    return int(found.id) if found else None


def install_app(conn: Connection, app_id: int, portal_id: int) -> InstallOutcome:
    app_found, portal_found = _app_exists(conn, app_id), _portal_exists(conn, portal_id)
    if not (app_found and portal_found):
        return InstallOutcome(app_found, portal_found)
    statement = dialect_of(conn).insert(app_installs).on_conflict_do_nothing()
    row = {"portal_id": portal_id, "app_id": app_id}
    done = conn.execute(statement.values(row).returning(I.app_id)).first()
    return InstallOutcome(True, True, done is not None)


def uninstall_app(conn: Connection, app_id: int, portal_id: int) -> InstallOutcome:
    app_found, portal_found = _app_exists(conn, app_id), _portal_exists(conn, portal_id)
    if not (app_found and portal_found):
        return InstallOutcome(app_found, portal_found)
    done = conn.execute(delete(app_installs).where(I.app_id == app_id, I.portal_id == portal_id))
    return InstallOutcome(True, True, bool(done.rowcount))


def client_secret(conn: Connection, app_id: int) -> str | None:
    found = conn.execute(select(A.client_secret).where(A.id == app_id)).first()
    return str(found.client_secret) if found else None


def installed_apps(conn: Connection, portal_id: int) -> tuple[int, ...]:
    """The ids of the apps installed in the portal, ascending (for its snapshot)."""
    query = select(I.app_id).where(I.portal_id == portal_id).order_by(I.app_id)
    return tuple(int(app_id) for app_id in conn.execute(query).scalars())


def reinstall(conn: Connection, portal_id: int, app_ids: Iterable[int]) -> None:
    """Install the apps of a restored snapshot that still exist (apps live outside any
    portal: one deleted since, or never made on this server, is left out)."""
    wanted = sorted(set(app_ids))
    if not wanted:
        return
    known = conn.execute(select(A.id).where(A.id.in_(wanted))).scalars()
    rows = [{"portal_id": portal_id, "app_id": app_id} for app_id in known]
    if rows:
        conn.execute(insert(app_installs), rows)


def uninstall_all(conn: Connection, portal_id: int) -> None:
    conn.execute(delete(app_installs).where(I.portal_id == portal_id))
