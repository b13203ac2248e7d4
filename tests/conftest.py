"""Fixtures: real SQLite files, a real PostgreSQL database, a real ``localspot serve``, and
the same app in process (``inprocess``) for request/response tests that need no server.

``--db=sqlite|postgres|both`` picks the backends the API suite runs on (default: both;
PostgreSQL tests are skipped with a reason when no server answers on 127.0.0.1:5432,
except in CI, where they must run).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
from litestar.testing import TestClient

from localspot.testing import serving

POSTGRES_ADMIN_URL = os.environ.get(
    "LOCALSPOT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--db", default="both", choices=("sqlite", "postgres", "both"))


def backends(config: pytest.Config) -> list[str]:
    chosen = config.getoption("--db")
    return ["sqlite", "postgres"] if chosen == "both" else [chosen]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", backends(metafunc.config), scope="session")


SUBPROCESS_HEAVY = ("tests/contract/", "tests/cli/", "tests/scale/")
"""The directories whose modules each drive minutes of subprocess work (schemathesis' runs,
``localspot`` commands, crash and load tests), in the order they run first."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest modules first, each module's tests in their own order: ``scripts/test``
    hands the work to two workers in this order (``pytest_xdist_make_scheduler``), and the
    run ends soonest when the longest units do not come last."""

    def rank(item: pytest.Item) -> int:
        found = (i for i, path in enumerate(SUBPROCESS_HEAVY) if item.nodeid.startswith(path))
        return next(found, len(SUBPROCESS_HEAVY))

    items.sort(key=rank)


_DATABASE_ID = re.compile(r"[\[-](sqlite|postgres)[\]-]")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under ``--dist loadfile`` (``scripts/test``), a work unit is one module's tests on one
    database, not the whole module: the two halves of the schemathesis module, minutes each,
    start at once on both workers. Module-scoped fixtures are per database already."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleAndDatabase(LoadScopeScheduling):  # type: ignore[misc]
        def _split_scope(self, nodeid: str) -> str:
            module, _, test = nodeid.partition("::")
            found = _DATABASE_ID.search(test)
            return f"{module}[{found[1]}]" if found else module

    return ModuleAndDatabase(config, log)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN_URL, connect_timeout=3):
            return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this run, dropped at the end."""
    if not postgres_available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL must be reachable on 127.0.0.1:5432 in CI")
        pytest.skip("no PostgreSQL server answers on 127.0.0.1:5432")
    with scratch_postgres("localspot_test") as url:
        yield url


@contextmanager
def scratch_postgres(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database named ``prefix_<random>``, dropped afterwards."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def localspot_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "localspot", *args]


def run_cli(database_url: str, *args: str) -> str:
    """Run a real ``localspot`` command; return its last line of stdout."""
    env = {**os.environ, "LOCALSPOT_DATABASE_URL": database_url}
    done = subprocess.run(
        localspot_command(*args), env=env, capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout.strip().splitlines()[-1]


def run_cli_in_process(database_url: str, *args: str) -> str:
    """The same ``localspot`` command as ``run_cli`` (the same Typer app, arguments and
    environment), run in this process: no interpreter to start and nothing to import, about
    a second less per call. For setup steps; the CLI's own tests run the real command."""
    from typer.testing import CliRunner

    from localspot.cli import cli

    done = CliRunner().invoke(
        cli, list(args), env={"LOCALSPOT_DATABASE_URL": database_url}, catch_exceptions=False
    )
    assert done.exit_code == 0, done.output
    return done.stdout.strip().splitlines()[-1]


@dataclass
class Server:
    base_url: str
    token: str
    database_url: str
    process: subprocess.Popen[str]
    admin_token: str = ""
    """``LOCALSPOT_ADMIN_TOKEN`` when the test set one (else ``serve`` made up its own)."""

    def new_token(self, *args: str) -> str:
        """A token for a new portal (or other scopes), made by the CLI's ``tokens create``."""
        return run_cli_in_process(self.database_url, "tokens", "create", *args)

    def new_portal(self) -> int:
        return int(run_cli_in_process(self.database_url, "portals", "create", "--name", "test"))


def start_server(
    database_url: str,
    *extra: str,
    env: dict[str, str] | None = None,
    log: list[str] | None = None,
) -> Server:
    """Start ``localspot serve`` and wait until uvicorn says the app has started. With
    ``log``, every line the server writes (stdout and stderr, access log included) is
    appended to it."""
    port = free_port()
    token = f"pat-na1-{secrets.token_hex(16)}"
    process_env = {
        **os.environ,
        "LOCALSPOT_DATABASE_URL": database_url,
        "LOCALSPOT_TOKEN": token,
        "LOCALSPOT_RATE_LIMITS": "off",  # the rate-limit tests turn them on for their servers
        # Import and export files stay out of the working tree (PostgreSQL has no file beside
        # which to keep them); a test that restarts a server passes its own, to keep them.
        "LOCALSPOT_DATA_DIR": tempfile.mkdtemp(prefix="localspot-files-"),
        **(env or {}),
    }
    process = subprocess.Popen(
        localspot_command("serve", "--port", str(port), *extra),
        env=process_env,
        stderr=subprocess.PIPE if log is None else subprocess.STDOUT,
        stdout=subprocess.DEVNULL if log is None else subprocess.PIPE,
        text=True,
    )
    stream = process.stderr if log is None else process.stdout
    assert stream is not None
    seen: list[str] = [] if log is None else log
    for line in stream:  # blocks on the server's own log lines, not on a timer
        seen.append(line)
        if serving(seen):
            break
    else:
        raise RuntimeError("localspot serve exited early:\n" + "".join(seen))
    # Keep reading the server's log so a full pipe can never block it.
    threading.Thread(target=_drain, args=(stream, log), daemon=True).start()
    admin_token = (env or {}).get("LOCALSPOT_ADMIN_TOKEN", "")
    return Server(f"http://127.0.0.1:{port}", token, database_url, process, admin_token)


def _drain(stream: IO[str], log: list[str] | None) -> None:
    try:
        for line in stream:
            if log is not None:
                log.append(line)
    except (OSError, ValueError):
        pass


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    for stream in (server.process.stderr, server.process.stdout):
        if stream:
            stream.close()


@pytest.fixture(scope="session")
def session_servers() -> Iterator[dict[str, Server]]:
    """The session's servers by backend, each started on first use and stopped at the end.

    ``server`` is parametrized by backend, and pytest ends a parametrized fixture's instance
    when a test asks for another parameter: a module's SQLite tests run before its PostgreSQL
    ones, and under xdist a worker takes whole modules, so without this the server of each
    backend would be stopped and started again at every module."""
    started: dict[str, Server] = {}
    try:
        yield started
    finally:
        for running in started.values():
            stop_server(running)


@pytest.fixture(scope="session")
def server(
    backend: str,
    session_servers: dict[str, Server],
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> Server:
    if backend in session_servers:
        return session_servers[backend]
    if backend == "postgres":
        database_url = request.getfixturevalue("postgres_url")
    else:
        database_url = "sqlite:///" + str(Path(tmp_path_factory.mktemp("db")) / "localspot.db")
    # A known admin token, for the modules that make owners, teams or snapshots of portals of
    # their own through the admin API on this server (``admin_support.shared_admin``).
    running = start_server(database_url, env={"LOCALSPOT_ADMIN_TOKEN": secrets.token_urlsafe(16)})
    session_servers[backend] = running
    return running


@pytest.fixture(scope="session")
def base_url(server: Server) -> str:
    return server.base_url


@pytest.fixture(scope="session")
def token(server: Server) -> str:
    return server.token


@pytest.fixture(scope="session")
def http(server: Server) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {server.token}"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def portal_http(server: Server) -> Iterator[httpx.Client]:
    """A client for a fresh portal of this module's own, so its data meets no other test's."""
    token = server.new_token("--portal", str(server.new_portal()))
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def portal_sdk(portal_http: httpx.Client, server: Server):  # type: ignore[no-untyped-def]
    import hubspot

    token = portal_http.headers["Authorization"].removeprefix("Bearer ")
    return hubspot.Client.create(access_token=token, host=server.base_url)


@pytest.fixture(scope="session")
def anonymous_http(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        yield client


@pytest.fixture(scope="session")
def sdk(server: Server):  # type: ignore[no-untyped-def]
    import hubspot

    return hubspot.Client.create(access_token=server.token, host=server.base_url)


CALL_TIME = "2026-01-15T10:30:00.000Z"


@pytest.fixture(scope="session")
def make_calls(http: httpx.Client):  # type: ignore[no-untyped-def]
    """Create n calls through batch create; returns their ids in input order."""

    def make(n: int = 1, **properties: str) -> list[str]:
        inputs = [
            {"properties": {"hs_timestamp": CALL_TIME, "hs_call_title": f"call {i}", **properties}}
            for i in range(n)
        ]
        response = http.post("/crm/v3/objects/calls/batch/create", json={"inputs": inputs})
        assert response.status_code == 201, response.text
        return [r["id"] for r in response.json()["results"]]

    return make


NOON_UTC = 1_767_268_800_000  # 2026-01-01T12:00:00Z: the in-process app's clock


@pytest.fixture(scope="module")
def inprocess(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient[Any]]:
    """The app of ``localspot serve`` built in process (``create_app``) on a real SQLite file,
    with a ``FixedClock`` at ``NOON_UTC`` and rate limits off, driven through its ASGI
    interface: no subprocess, no socket. The client carries a token of the module's portal."""
    from localspot.app import create_app
    from localspot.clock import FixedClock
    from localspot.config import Settings
    from localspot.crm.accounts import all_scopes, hash_token
    from localspot.store.open import open_store

    url = "sqlite:///" + str(tmp_path_factory.mktemp("inprocess") / "localspot.db")
    token = f"pat-na1-{secrets.token_hex(16)}"

    async def register() -> None:
        store = open_store(url)  # migrates, as ``serve`` does before it starts the app
        try:
            portal = await store.create_portal("in process")
            await store.create_token(portal, hash_token(token), all_scopes(), "private_app")
        finally:
            await store.close()

    asyncio.run(register())
    app = create_app(Settings(database_url=url, rate_limits=False), clock=FixedClock(NOON_UTC))
    with TestClient(app) as client:
        client.headers["Authorization"] = f"Bearer {token}"
        yield client


def assert_hubspot_error(response: httpx.Response, status: int, **body: Any) -> None:
    """The response is HubSpot's ``Error`` body (hubspot-behaviour §2.5): exactly ``body``
    plus ``"status": "error"`` and a fresh UUID ``correlationId``, which the
    ``x-hubspot-correlation-id`` header repeats."""
    assert response.status_code == status, response.text
    got = response.json()
    correlation_id = got.pop("correlationId")
    assert str(uuid.UUID(correlation_id)) == correlation_id
    assert response.headers["x-hubspot-correlation-id"] == correlation_id
    assert got == {"status": "error", **body}


WEBHOOK_EVENT_HEAD = [
    "eventId",
    "subscriptionId",
    "portalId",
    "appId",
    "occurredAt",
    "subscriptionType",
    "attemptNumber",
    "objectId",
]
"""The first fields of every webhook event, in the order of captured HubSpot deliveries
(``attemptNumber`` before ``objectId``)."""


def assert_sdk_error(error: Any, status: int, **body: Any) -> None:
    """The same, for the ``ApiException`` an official SDK raised."""
    assert error.status == status, error.body
    got = json.loads(error.body)
    correlation_id = got.pop("correlationId")
    assert str(uuid.UUID(correlation_id)) == correlation_id
    assert got == {"status": "error", **body}


def object_not_found(record_id: str) -> dict[str, Any]:
    """The 404 body of GET or PATCH of an id the portal has no live record of (§3.5)."""
    return {
        "message": "Object not found.  objectId are usually numeric.",
        "category": "OBJECT_NOT_FOUND",
        "context": {"id": [record_id]},
        "errors": [],
    }


def property_not_found(name: str) -> dict[str, Any]:
    """The 404 body of a property name the portal has no live definition of."""
    return {
        "message": f"Property {name} does not exist",
        "category": "OBJECT_NOT_FOUND",
        "context": {"name": [name]},
        "errors": [],
    }


def group_not_found(name: str) -> dict[str, Any]:
    """The 404 body of a property group the portal does not have."""
    return {
        "message": f"Property group {name} does not exist",
        "category": "OBJECT_NOT_FOUND",
        "context": {"name": [name]},
        "errors": [],
    }


UNAUTHENTICATED: dict[str, Any] = {
    "message": (
        "Authentication credentials not found. This API supports OAuth 2.0 authentication and"
        " you can find more details at"
        " https://developers.hubspot.com/docs/methods/auth/oauth-overview"
    ),
    "category": "INVALID_AUTHENTICATION",
    "context": {},
    "errors": [],
}
"""The 401 body of a missing or unknown token (hubspot-behaviour §6.2, captured)."""
