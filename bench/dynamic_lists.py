"""Batch update of contacts with and without 20 DYNAMIC lists that follow every write.

    python bench/dynamic_lists.py --db sqlite --records 10000
    python bench/dynamic_lists.py --db postgres --records 10000

Starts ``localspot serve`` (rate limits off) on a fresh database with two portals that hold
the same N contacts (custom properties: a number, an enumeration and a unique key). One
portal has no list; the other has 20 DYNAMIC contact lists of varied filters (strings,
numbers, enumerations, ORs of ANDs, a ``NOT_ANY``) that read the properties the updates
change. Then ``batch/update`` (100 inputs, 3-5 of those properties changed, 10% by
``idProperty``, 2% unknown ids) is driven from separate load processes
(bench/batch_update.py's load driver) against one portal and then the other on the same
server (which goes first changes every round, so that a drift over the run weighs on both
sides alike), and the ratio of the two rates is printed per round: the cost of following
the lists. Each run also prints the CPU a request of the server, the load drivers,
PostgreSQL and the whole machine (``harness.cpu_split_over``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import orjson

sys.path.insert(0, str(Path(__file__).parent))

from batch_update import LoadPlan, drive, http_client, profile  # noqa: E402
from harness import (  # noqa: E402
    RunningServer,
    cpu_split_over,
    fresh_database,
    in_turn,
    indexed_after,
    running_server,
    summary_ms,
)
from workload import CITIES, TIERS, contact_batches  # noqa: E402

CONTACTS = "/crm/v3/objects/contacts"
LISTS = "/crm/v3/lists"
PROPERTIES: list[dict[str, Any]] = [
    {"name": "bench_score", "label": "Score", "type": "number", "fieldType": "number"},
    {
        "name": "bench_tier",
        "label": "Tier",
        "type": "enumeration",
        "fieldType": "select",
        "options": [{"label": t.title(), "value": t} for t in TIERS],
    },
    {
        "name": "bench_key",
        "label": "External key",
        "type": "string",
        "fieldType": "text",
        "hasUniqueValue": True,
    },
]


def prop(name: str, op_type: str, operator: str, **fields: Any) -> dict[str, Any]:
    operation = {"operationType": op_type, "operator": operator, **fields}
    return {"filterType": "PROPERTY", "property": name, "operation": operation}


def text(name: str, operator: str, value: str) -> dict[str, Any]:
    return prop(name, "STRING", operator, value=value)


def score(operator: str, value: int) -> dict[str, Any]:
    return prop("bench_score", "NUMBER", operator, value=value)


def tier(operator: str, *values: str) -> dict[str, Any]:
    return prop("bench_tier", "ENUMERATION", operator, values=list(values))


def either(*groups: list[dict[str, Any]], not_any: dict[str, Any] | None = None) -> dict[str, Any]:
    """An OR branch of AND branches (the last one holding ``not_any`` when given)."""
    ands = [{"filterBranchType": "AND", "filters": g, "filterBranches": []} for g in groups]
    if not_any is not None:
        ands[-1]["filterBranches"] = [
            {"filterBranchType": "NOT_ANY", "filters": [not_any], "filterBranches": []}
        ]
    return {"filterBranchType": "OR", "filters": [], "filterBranches": ands}


FILTERS = [
    either([text("city", "IS_EQUAL_TO", "Paris")]),
    either([prop("city", "MULTISTRING", "IS_EQUAL_TO", values=["Rome", "Oslo"])]),
    either([text("jobtitle", "CONTAINS", "engineer")]),
    either([text("firstname", "STARTS_WITH", "A")]),
    either([score("IS_GREATER_THAN", 500)]),
    either([score("IS_LESS_THAN_OR_EQUAL_TO", 100)]),
    either([prop("bench_score", "NUMBER_RANGED", "IS_BETWEEN", lowerBound=200, upperBound=400)]),
    either([tier("IS_ANY_OF", "gold")]),
    either([tier("IS_NONE_OF", "bronze")]),
    either(
        [tier("IS_ANY_OF", "gold"), score("IS_GREATER_THAN", 800)],
        [text("city", "IS_EQUAL_TO", "Paris"), score("IS_LESS_THAN", 100)],
    ),
    either(
        [text("city", "IS_EQUAL_TO", "Lima"), text("jobtitle", "CONTAINS", "sales")],
        [tier("IS_ANY_OF", "silver")],
    ),
    either([text("city", "IS_NOT_EQUAL_TO", "Kyiv"), score("IS_GREATER_THAN_OR_EQUAL_TO", 300)]),
    either([prop("lastname", "ALL_PROPERTY", "IS_KNOWN"), tier("IS_ANY_OF", "bronze")]),
    either([text("jobtitle", "IS_EQUAL_TO", "founder")], [text("firstname", "IS_EQUAL_TO", "Zoe")]),
    either([score("IS_EQUAL_TO", 42)], [text("city", "STARTS_WITH", "Q")]),
    either([tier("IS_ANY_OF", "gold"), text("city", "IS_EQUAL_TO", "Rome")]),
    either([score("IS_GREATER_THAN", 250)], not_any=text("city", "IS_EQUAL_TO", "Paris")),
    either([text("firstname", "ENDS_WITH", "a")]),
    either([score("IS_LESS_THAN", 50)], [score("IS_GREATER_THAN", 950)]),
    either([tier("IS_ANY_OF", "silver"), text("jobtitle", "CONTAINS", "design")]),
]
assert len(FILTERS) == 20 and len(CITIES) == 6


def narrowed(branch: dict[str, Any], n: int) -> dict[str, Any]:
    """The same filters for a tenth of the contacts (those whose email ends in one digit, a
    property the updates leave alone): segments of a few percent, which an update moves a
    record in or out of ten times less often."""
    tenth = text("email", "ENDS_WITH", f"{n % 10}@bench.example")
    ands = [{**a, "filters": [*a["filters"], tenth]} for a in branch["filterBranches"]]
    return {**branch, "filterBranches": ands}


LIST_SETS = {"broad": FILTERS, "narrow": [narrowed(b, n) for n, b in enumerate(FILTERS)]}


def cli(database_url: str, *args: str) -> str:
    """A real ``localspot`` command on the server's database; its last line of stdout."""
    env = {**os.environ, "LOCALSPOT_DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-m", "localspot", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().splitlines()[-1]


def second_token(server: RunningServer) -> str:
    portal = cli(server.database_url, "portals", "create", "--name", "with lists")
    return cli(server.database_url, "tokens", "create", "--portal", portal)


def add_properties(http: httpx.Client) -> None:
    """The bench's custom contact properties, in the client's portal."""
    for definition in PROPERTIES:
        body = {"groupName": "contactinformation", **definition}
        http.post("/crm/v3/properties/contacts", json=body).raise_for_status()


def create_contacts(http: httpx.Client, count: int) -> list[str]:
    """The contacts (the same in every portal), through batch create; ids by key."""
    ids: list[str] = []
    for batch in contact_batches(count):
        response = http.post(f"{CONTACTS}/batch/create", content=orjson.dumps({"inputs": batch}))
        response.raise_for_status()
        by_key = {r["properties"]["bench_key"]: r["id"] for r in response.json()["results"]}
        ids += [by_key[item["properties"]["bench_key"]] for item in batch]
    return ids


def create_lists(http: httpx.Client, kind: str) -> None:
    """The 20 DYNAMIC lists, each filled from the portal's contacts as it is created."""
    for n, branch in enumerate(LIST_SETS[kind]):
        body = {"name": f"Bench {n}", "objectTypeId": "0-1", "processingType": "DYNAMIC"}
        http.post(LISTS, json={**body, "filterBranch": branch}).raise_for_status()


def load(server: RunningServer, token: str, count: int) -> tuple[list[str], float]:
    """The properties and contacts; how long creating the contacts took."""
    with http_client(server.base_url, token) as http:
        add_properties(http)
        started = time.perf_counter()
        return create_contacts(http, count), time.perf_counter() - started


def make_lists(server: RunningServer, token: str, kind: str) -> float:
    started = time.perf_counter()
    with http_client(server.base_url, token) as http:
        create_lists(http, kind)
    return time.perf_counter() - started


def sizes(server: RunningServer, token: str) -> list[int]:
    with http_client(server.base_url, token) as http:
        found = http.post(f"{LISTS}/search", json={"count": 50}).json()["lists"]
    return [int(x["additionalProperties"].get("hs_list_size", "0")) for x in found]


def rate(
    server: RunningServer, token: str, ids: list[str], args: argparse.Namespace, seed: int
) -> float:
    if args.profile:
        side = "with" if token != server.token else "without"
        profile(server, f"{args.profile}.{side}.{seed // 100}", args.seconds)
    per_client = int(args.seconds * 400 / args.clients) + 10
    plans = [
        LoadPlan(
            server.base_url,
            token,
            ids,
            per_client,
            seed + c,
            args.seconds,
            path=CONTACTS,
            requests="contacts",
        )
        for c in range(args.clients)
    ]
    result, cpu = cpu_split_over(server, lambda: drive(plans))
    written = result["written"] / result["elapsed"]
    statuses = result["statuses"]
    print(f"  {written:,.0f} records/s; {summary_ms(result['latencies'])}; statuses {statuses}")
    print(f"  CPU a request: {cpu.per_request(sum(statuses.values()))}")
    return float(written)


def run(args: argparse.Namespace) -> None:
    workers = args.workers or (1 if args.db == "sqlite" else 2)
    args.clients = args.clients or (2 if args.db == "sqlite" else 8)
    with fresh_database(args.db) as url, running_server(url, workers) as server:
        listed = second_token(server)
        plain, seconds = load(server, server.token, args.records)
        print(f"loaded {len(plain)} contacts (no lists): {len(plain) / seconds:,.0f} records/s")
        ids, seconds = load(server, listed, args.records)
        print(f"loaded {len(ids)} contacts (for lists): {len(ids) / seconds:,.0f} records/s")
        made_in = make_lists(server, listed, args.lists)
        print(f"20 DYNAMIC lists ({args.lists}) made and filled in {made_in:.1f} s")
        print(f"list sizes: {sizes(server, listed)}")
        print(f"search's index caught up after {indexed_after(url):.1f} s")
        ratios = []
        for n in range(args.rounds):

            def without_lists(n: int = n) -> float:
                print(f"round {n + 1}, without lists:")
                return rate(server, server.token, plain, args, 100 * n)

            def listed_rate(n: int = n) -> float:
                print(f"round {n + 1}, with 20 DYNAMIC lists:")
                return rate(server, listed, ids, args, 100 * n + 50)

            ratios.append(in_turn(n, without_lists, listed_rate))
            print(f"  ratio with / without: {ratios[-1]:.2f}")
        print(f"list sizes after the updates: {sizes(server, listed)}")
        spread = f"{min(ratios):.2f}-{max(ratios):.2f}"
        print(f"ratio with lists / without: median {statistics.median(ratios):.2f} ({spread})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=15.0, help="per measured run")
    parser.add_argument("--rounds", type=int, default=3, help="pairs of runs, alternating")
    parser.add_argument("--clients", type=int, default=0, help="load processes (2 / 8)")
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument(
        "--lists",
        choices=sorted(LIST_SETS),
        default="broad",
        help="broad: 5-67%% of the contacts each (an update moves about 5 memberships a"
        " record); narrow: the same filters, each for a tenth of the contacts",
    )
    parser.add_argument("--profile", help="py-spy's raw stacks of each run here")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
