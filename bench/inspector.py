"""The inspector's page times at 1,000,000 contacts: records table pages (keyset by id),
search, filters, sort, deep pages and a record's page, over HTTP on loopback.

    python bench/inspector.py --size 1000000 --databases sqlite,postgres

Loads contacts on a fresh database through the domain's own batch-create use case (the
same validation, history and index rows as the API, without HTTP), brings search's index up
to date (what the first search would do), starts ``localspot serve`` and times each page
(the whole request: routing, the use cases, the database and rendering the HTML; loopback
adds well under a millisecond). Ten records get an SDK-style history (a batch update with a
trace id), an association and a list membership through the API first, so their pages show
everything.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parent))

from harness import fresh_database, percentile, running_server  # noqa: E402

from localspot.clock import SystemClock  # noqa: E402
from localspot.crm import creates, object_types, search  # noqa: E402
from localspot.crm.context import CrmContext  # noqa: E402
from localspot.crm.model import CreateInput, Principal  # noqa: E402
from localspot.crm.properties import load_definitions  # noqa: E402
from localspot.store.open import open_store  # noqa: E402

FIRST = [f"First{n:03d}" for n in range(500)]
LAST = [f"Last{n:04d}" for n in range(2000)]
STAGES = ("subscriber", "lead", "marketingqualifiedlead", "customer")
BATCH = 1000
UI = "/_localspot/ui/portals/{portal}/records/contacts"


def contact(index: int, rng: random.Random) -> dict[str, str]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    return {
        "firstname": first,
        "lastname": last,
        "email": f"{first.lower()}.{last.lower()}.{index}@example.com",
        "lifecyclestage": rng.choice(STAGES),
    }


async def load(url: str, count: int) -> int:
    store = open_store(url)
    portal = await store.default_portal()
    contacts = object_types.resolve("contacts")
    scopes = frozenset({contacts.write_scope, contacts.read_scope})
    ctx = CrmContext(store, SystemClock(), Principal(portal, scopes), contacts, BATCH)
    rng = random.Random(11)
    started = time.perf_counter()
    for start in range(0, count, BATCH):
        inputs = [CreateInput(contact(i, rng)) for i in range(start, min(count, start + BATCH))]
        await creates.batch_create(ctx, inputs)
    print(f"  loaded {count:,} contacts: {count / (time.perf_counter() - started):,.0f}/s")
    started = time.perf_counter()
    definitions = await load_definitions(store, portal, contacts)
    indexed = await search.refresh_index(ctx, definitions)
    print(f"  indexed them: {indexed / (time.perf_counter() - started):,.0f}/s")
    await store.close()
    return portal


def enrich(crm: httpx.Client, ids: list[str]) -> None:
    """History with a trace id, an association and a list membership for each record."""
    inputs = [
        {"id": i, "properties": {"lastname": "Renamed"}, "objectWriteTraceId": f"bench-{i}"}
        for i in ids
    ]
    crm.post("/crm/v3/objects/contacts/batch/update", json={"inputs": inputs}).raise_for_status()
    company = crm.post("/crm/v3/objects/companies", json={"properties": {"name": "Bench Co"}})
    company.raise_for_status()
    for record in ids:
        path = f"/crm/v4/objects/contacts/{record}/associations/default/companies/"
        crm.put(path + company.json()["id"]).raise_for_status()
    made = crm.post(
        "/crm/v3/lists",
        json={"name": "Bench", "objectTypeId": "0-1", "processingType": "MANUAL"},
    )
    made.raise_for_status()
    list_id = made.json()["list"]["listId"]
    crm.put(f"/crm/v3/lists/{list_id}/memberships/add", json=ids).raise_for_status()


def pages(portal: int, count: int) -> dict[str, tuple[str, dict[str, str]]]:
    table = UI.format(portal=portal)
    deep_id = str(count - 200)
    return {
        "table, first page (25, by id)": (table, {}),
        "table, first page (100, by id)": (table, {"limit": "100"}),
        "table, page near the end (keyset)": (table, {"after": deep_id, "limit": "100"}),
        "table, 6 chosen columns": (
            table,
            {"columns": "firstname,lastname,email,lifecyclestage,createdate,hs_object_id"},
        ),
        "search, free text (a last name)": (table, {"q": "Last0042"}),
        "filter EQ lifecyclestage (1 in 4)": (
            table,
            {"fp": "lifecyclestage", "fo": "EQ", "fv": "customer"},
        ),
        "filter EQ + sort by lastname": (
            table,
            {"fp": "firstname", "fo": "EQ", "fv": "First007", "sort": "lastname"},
        ),
        "sort by lastname, no filter": (table, {"sort": "lastname", "direction": "desc"}),
        "sort by createdate, no filter": (table, {"sort": "createdate", "direction": "desc"}),
        "deep search page (offset 9,900)": (
            table,
            {"fp": "lifecyclestage", "fo": "EQ", "fv": "lead", "after": "9900", "limit": "100"},
        ),
        "record page (history, links, lists)": (f"{table}/{count // 2}", {}),
    }


def timed(http: httpx.Client, path: str, params: dict[str, str], repeat: int) -> list[float]:
    for _ in range(2):  # warm the caches
        http.get(path, params=params).raise_for_status()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        answer = http.get(path, params=params)
        samples.append(time.perf_counter() - started)
        answer.raise_for_status()
    return samples


def run(kind: str, count: int, repeat: int) -> None:
    print(f"{kind}, {count:,} contacts")
    os.environ["LOCALSPOT_ADMIN_TOKEN"] = secrets.token_urlsafe(24)
    admin = {"Authorization": f"Bearer {os.environ['LOCALSPOT_ADMIN_TOKEN']}"}
    with fresh_database(kind) as url:
        portal = asyncio.run(load(url, count))
        with running_server(url) as server:
            crm_headers = {"Authorization": f"Bearer {server.token}"}
            with (
                httpx.Client(base_url=server.base_url, headers=crm_headers, timeout=300) as crm,
                httpx.Client(base_url=server.base_url, headers=admin, timeout=300) as http,
            ):
                middle = count // 2
                enrich(crm, [str(i) for i in range(middle, middle + 10)])
                for name, (path, params) in pages(portal, count).items():
                    samples = timed(http, path, params, repeat)
                    p50, p99 = percentile(samples, 0.5) * 1000, percentile(samples, 0.99) * 1000
                    print(f"  {name:40s} p50 {p50:7.1f} ms  p99 {p99:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    for kind in args.databases.split(","):
        run(kind, args.size, args.repeat)


if __name__ == "__main__":
    main()
