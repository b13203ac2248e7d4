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
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))

import msgspec  # noqa: E402
from harness import fresh_database, percentile, running_server  # noqa: E402
from workload import BASE_TIME_MS, CUSTOM_PROPERTIES, call_properties  # noqa: E402

from localspot.clock import SystemClock  # noqa: E402
from localspot.crm import creates, object_types, property_admin  # noqa: E402
from localspot.crm.context import CrmContext  # noqa: E402
from localspot.crm.model import CreateInput, Principal  # noqa: E402
from localspot.http.property_shapes import draft  # noqa: E402
from localspot.store.open import open_store  # noqa: E402
from localspot.wire.properties import PropertyCreate  # noqa: E402

DAY = 86_400_000
QUERIES: dict[str, tuple[dict[str, Any], str]] = {
    "EQ on an enumeration": (
        {"filterGroups": [{"filters": [
            {"propertyName": "hs_call_status", "operator": "EQ", "value": "CANCELED"},
            {"propertyName": "bench_tier", "operator": "EQ", "value": "gold"},
        ]}], "limit": 10},
        "json_extract(properties, '$.hs_call_status') = 'CANCELED'"
        " AND json_extract(properties, '$.bench_tier') = 'gold'",
    ),
    "range on hs_timestamp, sorted, limit 100": (
        {"filterGroups": [{"filters": [{"propertyName": "hs_timestamp", "operator": "BETWEEN",
          "value": str(BASE_TIME_MS - 2 * DAY), "highValue": str(BASE_TIME_MS - DAY)}]}],
         "sorts": [{"propertyName": "hs_timestamp", "direction": "DESCENDING"}], "limit": 100},
        "json_extract(properties, '$.hs_timestamp') BETWEEN '2025-12-30' AND '2025-12-31'",
    ),
    "IN on a custom property": (
        {"filterGroups": [{"filters": [{"propertyName": "bench_key", "operator": "IN",
          "values": ["key-5", "key-500", "key-5000", "key-50000"]}]}], "limit": 10},
        "json_extract(properties, '$.bench_key') IN ('key-5', 'key-500', 'key-5000', 'key-50000')",
    ),
    "CONTAINS_TOKEN": (
        {"filterGroups": [{"filters": [{"propertyName": "hs_call_title", "operator":
          "CONTAINS_TOKEN", "value": "4242"}]}], "limit": 10},
        "json_extract(properties, '$.hs_call_title') LIKE '% 4242'",
    ),
    "deep page (offset 9,900)": ({"after": "9900", "limit": 100}, "1 = 1"),
}  # fmt: skip


async def load(url: str, count: int) -> None:
    store = open_store(url)
    portal = await store.default_portal()
    calls = object_types.resolve("calls")
    scopes = frozenset({calls.write_scope, calls.read_scope})
    ctx = CrmContext(store, SystemClock(), Principal(portal, scopes), calls, 1000)
    for definition in CUSTOM_PROPERTIES:
        body = msgspec.convert({"groupName": "call_information", **definition}, PropertyCreate)
        await property_admin.create_property(ctx, draft(body))
    rng = random.Random(7)
    started = time.perf_counter()
    for start in range(0, count, 1000):
        batch = [
            CreateInput(call_properties(i, rng)) for i in range(start, min(count, start + 1000))
        ]
        await creates.batch_create(ctx, batch)
    rate = count / (time.perf_counter() - started)
    print(f"  loaded {count:,} calls in-process: {rate:,.0f} records/s")
    await store.close()


def timed_http(http: httpx.Client, body: dict[str, Any], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = http.post("/crm/v3/objects/calls/search", json=body)
        samples.append(time.perf_counter() - started)
        response.raise_for_status()
    return samples


def timed_scan(path: str, condition: str, repeat: int) -> list[float]:
    conn = sqlite3.connect(path)
    statement = f"SELECT COUNT(*) FROM objects WHERE portal_id = 1 AND archived = 0 AND {condition}"
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        conn.execute(statement).fetchall()
        samples.append(time.perf_counter() - started)
    conn.close()
    return samples


def run_size(count: int, repeat: int) -> dict[str, float]:
    p50s: dict[str, float] = {}
    with fresh_database("sqlite") as url:
        asyncio.run(load(url, count))
        with running_server(url) as server:
            headers = {"Authorization": f"Bearer {server.token}"}
            with httpx.Client(base_url=server.base_url, headers=headers, timeout=120) as http:
                for name, (body, condition) in QUERIES.items():
                    timed_http(http, body, 2)  # warm the page cache
                    samples = timed_http(http, body, repeat)
                    scan = timed_scan(
                        url.removeprefix("sqlite:///"), condition, max(3, repeat // 5)
                    )
                    p50, p99 = percentile(samples, 0.5) * 1000, percentile(samples, 0.99) * 1000
                    scan_p50 = percentile(scan, 0.5) * 1000
                    p50s[name] = p50
                    print(
                        f"  {name:42s} p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  | full scan"
                        f" {scan_p50:7.1f} ms  | scan/search {scan_p50 / p50:5.1f}x"
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
            print(f"  {name:42s} {large[name] / small[name]:5.2f}x")


if __name__ == "__main__":
    main()
