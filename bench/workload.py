"""The benchmark's records and batch-update requests, generated deterministically.

The same seed gives the same requests, so the server run and the raw-driver baseline
write exactly the same changes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

import orjson

DIRECTIONS = ("INBOUND", "OUTBOUND")
STATUSES = ("COMPLETED", "BUSY", "NO_ANSWER", "FAILED", "CANCELED", "IN_PROGRESS")
TIERS = ("gold", "silver", "bronze")
CUSTOM_PROPERTIES: list[dict[str, Any]] = [
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
BASE_TIME_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z


def phone(rng: random.Random) -> str:
    return f"+1{rng.randint(200, 999)}{rng.randint(200, 999)}{rng.randint(1000, 9999)}"


def call_properties(index: int, rng: random.Random) -> dict[str, str]:
    """A call as an integration would log it."""
    return {
        "hs_timestamp": str(BASE_TIME_MS - rng.randint(0, 365 * 86_400_000)),
        "hs_call_title": f"Call with customer {index}",
        "hs_call_body": f"Discussed renewal options and next steps for account {index % 997}.",
        "hs_call_direction": rng.choice(DIRECTIONS),
        "hs_call_status": rng.choice(STATUSES),
        "hs_call_duration": str(rng.randint(5_000, 3_600_000)),
        "hs_call_from_number": phone(rng),
        "hs_call_to_number": phone(rng),
        "bench_score": str(rng.randint(0, 1000)),
        "bench_tier": rng.choice(TIERS),
        "bench_key": f"key-{index}",
    }


def create_batches(count: int, seed: int = 7, size: int = 100) -> list[list[dict[str, Any]]]:
    rng = random.Random(seed)
    records = [{"properties": call_properties(i, rng)} for i in range(count)]
    return [records[i : i + size] for i in range(0, count, size)]


CHANGEABLE = (
    ("hs_call_title", lambda rng: f"Follow-up {rng.randint(0, 10**6)}"),
    ("hs_call_duration", lambda rng: str(rng.randint(5_000, 3_600_000))),
    ("hs_call_status", lambda rng: rng.choice(STATUSES)),
    ("bench_score", lambda rng: str(rng.randint(0, 1000))),
    ("bench_tier", lambda rng: rng.choice(TIERS)),
    ("hs_call_body", lambda rng: f"Notes revised {rng.randint(0, 10**6)}"),
)


@dataclass(frozen=True)
class UpdateRequest:
    inputs: list[dict[str, Any]]
    expected_written: int


def update_request(
    rng: random.Random,
    ids: list[str],
    key_of: dict[str, str],
    size: int = 100,
    changeable: tuple[tuple[str, Any], ...] = CHANGEABLE,
) -> UpdateRequest:
    """100 inputs: 3-5 changed properties each, 10% by idProperty, 2% unknown ids."""
    chosen = rng.sample(ids, size)
    inputs: list[dict[str, Any]] = []
    written = 0
    for n, record_id in enumerate(chosen):
        fields = rng.sample(changeable, rng.randint(3, 5))
        properties = {name: make(rng) for name, make in fields}
        if n % 50 == 49:
            inputs.append({"id": str(10**15 + rng.randint(0, 10**9)), "properties": properties})
            continue
        written += 1
        if n % 10 == 0:
            inputs.append(
                {"id": key_of[record_id], "idProperty": "bench_key", "properties": properties}
            )
        else:
            inputs.append({"id": record_id, "properties": properties})
    return UpdateRequest(inputs, written)


def update_requests(
    count: int, ids: list[str], key_of: dict[str, str], seed: int
) -> list[UpdateRequest]:
    rng = random.Random(seed)
    return [update_request(rng, ids, key_of) for _ in range(count)]


CITIES = ("Paris", "Rome", "Oslo", "Lima", "Kyiv", "Quito")
JOBS = ("engineer", "designer", "manager", "sales engineer", "founder", "analyst")
FIRST_NAMES = ("Ada", "Ben", "Clara", "Dan", "Eva", "Zoe", "Alan", "Maria")
CONTACT_CHANGEABLE = (
    ("city", lambda rng: rng.choice(CITIES)),
    ("jobtitle", lambda rng: rng.choice(JOBS)),
    ("firstname", lambda rng: rng.choice(FIRST_NAMES)),
    ("lastname", lambda rng: f"Name{rng.randint(0, 999)}"),
    ("bench_score", lambda rng: str(rng.randint(0, 1000))),
    ("bench_tier", lambda rng: rng.choice(TIERS)),
)


def contact_properties(index: int, rng: random.Random) -> dict[str, str]:
    """A contact with values every list filter of bench/dynamic_lists.py reads."""
    values = {name: make(rng) for name, make in CONTACT_CHANGEABLE}
    return {**values, "email": f"person{index}@bench.example", "bench_key": f"key-{index}"}


def contact_batches(count: int, seed: int = 7, size: int = 100) -> list[list[dict[str, Any]]]:
    rng = random.Random(seed)
    records = [{"properties": contact_properties(i, rng)} for i in range(count)]
    return [records[i : i + size] for i in range(0, count, size)]


def contact_update_requests(
    count: int, ids: list[str], key_of: dict[str, str], seed: int
) -> list[UpdateRequest]:
    """Like ``update_requests``, on contacts: 3-5 of the properties the lists read."""
    rng = random.Random(seed)
    return [update_request(rng, ids, key_of, changeable=CONTACT_CHANGEABLE) for _ in range(count)]


REQUESTS = {"calls": update_requests, "contacts": contact_update_requests}
"""The request generators a load process can be told to use, by name."""


def update_bodies(kind: str, count: int, ids: list[str], seed: int) -> list[bytes]:
    """``count`` batch-update bodies of the generator ``kind`` over ``ids`` (created in key
    order: ``ids[n]`` holds ``key-n``)."""
    key_of = {record_id: f"key-{n}" for n, record_id in enumerate(ids)}
    return [orjson.dumps({"inputs": r.inputs}) for r in REQUESTS[kind](count, ids, key_of, seed)]
