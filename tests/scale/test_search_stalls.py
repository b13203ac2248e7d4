"""No search holds up the rest of the server: ``/healthz`` keeps answering while the first
search after a bulk load brings the index up to date (``refresh_index``, in slices) and
while the heaviest searches HubSpot permits run (5 groups of 3 filters, all matching).

Each bound is a ratio to a baseline measured in the same test (an idle ``/healthz``, or
the search's own duration), and generous: the point is "not blocked for seconds". Before
the index was refreshed in slices and search ran off SQLite's event loop, one request
waited for the whole search (16 s here for the first search after 10,000 records)."""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import Server, run_cli_in_process, start_server, stop_server

LOADED = 10_000
IDLE_PROBES = 21
HEAVIEST = {
    "filterGroups": [
        {
            "filters": [
                {"propertyName": "hs_timestamp", "operator": "GTE", "value": str(g)},
                {"propertyName": "hs_call_duration", "operator": "GTE", "value": str(g)},
                {"propertyName": "hs_createdate", "operator": "GTE", "value": str(g)},
            ]
        }
        for g in range(5)
    ],
    "limit": 1,
}


@pytest.fixture(scope="module")
def loaded(
    backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[tuple[Server, str]]:
    """A server on a database where a portal of its own was just bulk-loaded (``seed``):
    none of its records is indexed yet."""
    if backend == "postgres":
        url = request.getfixturevalue("postgres_url")
    else:
        url = f"sqlite:///{Path(tmp_path_factory.mktemp('stalls')) / 'stalls.db'}"
    run_cli_in_process(url, "db", "upgrade")
    portal = run_cli_in_process(url, "portals", "create", "--name", "stalls")
    run_cli_in_process(url, "seed", "--calls", str(LOADED), "--portal", portal)
    token = run_cli_in_process(url, "tokens", "create", "--portal", portal)
    server = start_server(url)
    try:
        yield server, token
    finally:
        stop_server(server)


def _probe(client: httpx.Client) -> float:
    started = time.perf_counter()
    assert client.get("/healthz").status_code == 200
    return time.perf_counter() - started


def _healthz_during(
    server: Server, token: str, bodies: list[dict[str, Any]]
) -> tuple[float, list[float], float]:
    """The idle ``/healthz`` (median), its latencies while the searches run at once, and
    how long they took; every search must answer with all the loaded records."""
    headers = {"Authorization": f"Bearer {token}"}
    done = threading.Event()

    def search(body: dict[str, Any]) -> httpx.Response:
        with httpx.Client(base_url=server.base_url, headers=headers, timeout=120) as client:
            return client.post("/crm/v3/objects/calls/search", json=body)

    with httpx.Client(base_url=server.base_url, timeout=120) as probe:
        idle = statistics.median(_probe(probe) for _ in range(IDLE_PROBES))
        started = time.perf_counter()
        with ThreadPoolExecutor(len(bodies)) as pool:
            futures = [pool.submit(search, body) for body in bodies]
            pool.submit(lambda: [f.result() for f in futures] and done.set())
            during = []
            while not done.is_set():
                during.append(_probe(probe))
                done.wait(0.01)  # paces the probes; ends as soon as the searches do
        took = time.perf_counter() - started
    for future in futures:
        response = future.result()
        assert response.status_code == 200, response.text
        assert response.json()["total"] == LOADED
    return idle, during, took


def test_healthz_answers_while_the_first_search_after_a_bulk_load_indexes(
    loaded: tuple[Server, str],
) -> None:
    idle, during, took = _healthz_during(*loaded, [{"limit": 1}])
    worst = max(during)
    assert len(during) >= 5, f"{len(during)} probes in {took:.1f} s"
    assert worst < took / 5, f"worst /healthz {worst:.3f} s of a {took:.1f} s search"
    assert worst < 500 * idle, f"worst /healthz {worst:.3f} s, idle {idle:.4f} s"


def test_healthz_answers_while_the_heaviest_permitted_searches_run(
    loaded: tuple[Server, str],
) -> None:
    """Searches that held the event loop would answer the probes only between them: a few
    probes, each waiting about a third of the run. Off the loop, the probes keep coming
    (judged by their median and count: a single slow probe on a loaded machine says nothing)."""
    _, during, took = _healthz_during(*loaded, [HEAVIEST] * 3)
    typical = statistics.median(during)
    assert len(during) >= 5, f"{len(during)} probes in {took:.2f} s"
    assert typical < took / 10, f"median /healthz {typical:.3f} s of a {took:.2f} s run"
