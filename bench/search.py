"""Search at 100,000 and 1,000,000 calls: p50/p99 over HTTP vs. a full scan in the same run.

    python bench/search.py --sizes 100000,1000000

Loads calls on a fresh SQLite file through the domain's own batch-create use case (same
validation and index rows as the API, without HTTP), starts ``localspot serve`` on it,
times each query over HTTP, and times the same filter as a scan of the stored JSON
(``json_extract`` over every record, no index) through the raw driver.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))

import msgspec  # noqa: E402
from harness import fresh_database, percentile, running_server  # noqa: E402
from workload import BASE_TIME_MS, CUSTOM_PROPERTIES, call_properties  # noqa: E402

from localspot.clock import SystemClock  # noqa: E402
from localspot.crm import creates, object_types, property_admin, search  # noqa: E402
from localspot.crm.context import CrmContext  # noqa: E402
from localspot.crm.model import CreateInput, Principal  # noqa: E402
from localspot.crm.properties import load_definitions  # noqa: E402
from localspot.http.property_shapes import draft  # noqa: E402
from localspot.store.open import open_store  # noqa: E402
from localspot.wire.properties import PropertyCreate  # noqa: E402

DAY = 86_400_000
REGIONS = [f"region_{n:03d}" for n in range(200)]
REGION = {
    "name": "bench_region",
    "label": "Region",
    "type": "enumeration",
    "fieldType": "select",
    "options": [{"label": r, "value": r} for r in REGIONS],
}


def _iso(ms: int) -> str:
    """The stored form of a datetime value."""
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _filter(name: str, operator: str, **more: Any) -> dict[str, Any]:
    return {"propertyName": name, "operator": operator, **more}


def _one(*filters: dict[str, Any], **body: Any) -> dict[str, Any]:
    return {"filterGroups": [{"filters": list(filters)}], "limit": 10, **body}


QUERIES: dict[str, tuple[dict[str, Any], str]] = {
    "EQ on an enumeration (1 in 200)": (
        _one(_filter("bench_region", "EQ", value="region_042")),
        "json_extract(properties, '$.bench_region') = 'region_042'",
    ),
    "EQ on an enumeration (1 in 6)": (
        _one(_filter("hs_call_status", "EQ", value="CANCELED")),
        "json_extract(properties, '$.hs_call_status') = 'CANCELED'",
    ),
    "range on hs_timestamp, sorted, limit 100": (
        _one(
            _filter("hs_timestamp", "BETWEEN", value=str(BASE_TIME_MS - 2 * DAY),
                    highValue=str(BASE_TIME_MS - DAY)),
            sorts=[{"propertyName": "hs_timestamp", "direction": "DESCENDING"}], limit=100,
        ),
        f"json_extract(properties, '$.hs_timestamp')"
        f" BETWEEN '{_iso(BASE_TIME_MS - 2 * DAY)}' AND '{_iso(BASE_TIME_MS - DAY)}'",
    ),
    "IN on a custom property": (
        _one(_filter("bench_key", "IN", values=["key-5", "key-500", "key-5000", "key-50000"])),
        "json_extract(properties, '$.bench_key') IN ('key-5', 'key-500', 'key-5000', 'key-50000')",
    ),
    "CONTAINS_TOKEN": (
        _one(_filter("hs_call_title", "CONTAINS_TOKEN", value="4242")),
        "' ' || lower(json_extract(properties, '$.hs_call_title')) || ' ' LIKE '% 4242 %'",
    ),
    "free-text query": (
        {"query": "customer 4242", "limit": 10},
        "lower(json_extract(properties, '$.hs_call_title')) LIKE '%customer 4242%'",
    ),
    "deep page (offset 9,900), filtered 1 in 6": (
        {**_one(_filter("hs_call_status", "EQ", value="CANCELED")), "after": "9900", "limit": 100},
        "json_extract(properties, '$.hs_call_status') = 'CANCELED'",
    ),
    "deep page (offset 9,900), no filter": ({"after": "9900", "limit": 100}, "1 = 1"),
}  # fmt: skip


async def load(url: str, count: int) -> None:
    store = open_store(url)
    portal = await store.default_portal()
    calls = object_types.resolve("calls")
    scopes = frozenset({calls.write_scope, calls.read_scope})
    ctx = CrmContext(store, SystemClock(), Principal(portal, scopes), calls, 1000)
    for definition in [*CUSTOM_PROPERTIES, REGION]:
        body = msgspec.convert({"groupName": "call_information", **definition}, PropertyCreate)
        await property_admin.create_property(ctx, draft(body))
    rng = random.Random(7)
    started = time.perf_counter()
    for start in range(0, count, 1000):
        batch = [
            CreateInput({**call_properties(i, rng), "bench_region": rng.choice(REGIONS)})
            for i in range(start, min(count, start + 1000))
        ]
        await creates.batch_create(ctx, batch)
    rate = count / (time.perf_counter() - started)
    print(f"  loaded {count:,} calls in-process: {rate:,.0f} records/s")
    started = time.perf_counter()
    definitions = await load_definitions(store, portal, calls)
    indexed = await search.refresh_index(ctx, definitions)
    rate = indexed / (time.perf_counter() - started)
    print(f"  indexed them for search (what the first search would do): {rate:,.0f} records/s")
    await store.close()


def timed_http(http: httpx.Client, body: dict[str, Any], repeat: int) -> tuple[list[float], int]:
    """Latencies, and the ``total`` the search reported."""
    samples, total = [], -1
    for _ in range(repeat):
        started = time.perf_counter()
        response = http.post("/crm/v3/objects/calls/search", json=body)
        samples.append(time.perf_counter() - started)
        response.raise_for_status()
        total = response.json()["total"]
    return samples, total


def timed_scan(path: str, condition: str, repeat: int) -> tuple[list[float], int]:
    """The same filter over every record's stored JSON (no index): latencies and count."""
    conn = sqlite3.connect(path)
    statement = f"SELECT COUNT(*) FROM objects WHERE archived = 0 AND {condition}"
    samples, count = [], -1
    for _ in range(repeat):
        started = time.perf_counter()
        count = conn.execute(statement).fetchone()[0]
        samples.append(time.perf_counter() - started)
    conn.close()
    return samples, count


def run_size(count: int, repeat: int) -> dict[str, float]:
    p50s: dict[str, float] = {}
    with fresh_database("sqlite") as url:
        asyncio.run(load(url, count))
        with running_server(url) as server:
            headers = {"Authorization": f"Bearer {server.token}"}
            with httpx.Client(base_url=server.base_url, headers=headers, timeout=120) as http:
                for name, (body, condition) in QUERIES.items():
                    timed_http(http, body, 2)  # warm the page cache
                    samples, total = timed_http(http, body, repeat)
                    path = url.removeprefix("sqlite:///")
                    scan, scanned = timed_scan(path, condition, max(3, repeat // 10))
                    assert total == scanned, f"{name}: search found {total}, the scan {scanned}"
                    p50, p99 = percentile(samples, 0.5) * 1000, percentile(samples, 0.99) * 1000
                    scan_p50 = percentile(scan, 0.5) * 1000
                    p50s[name] = p50
                    print(
                        f"  {name:44s} {total:>8,} hits  p50 {p50:7.1f} ms  p99 {p99:7.1f} ms"
                        f"  | full scan {scan_p50:7.1f} ms  | scan/search {scan_p50 / p50:6.1f}x"
                    )
    return p50s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    results = {}
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"{size:,} calls")
        results[size] = run_size(size, args.repeat)
    sizes = sorted(results)
    if len(sizes) > 1:
        small, large = results[sizes[0]], results[sizes[-1]]
        print(f"growth of p50 from {sizes[0]:,} to {sizes[-1]:,} records:")
        for name in small:
            print(f"  {name:44s} {large[name] / small[name]:5.2f}x")


if __name__ == "__main__":
    main()
