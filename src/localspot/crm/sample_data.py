"""Plausible, deterministic sample records for ``localspot seed``: the same seed and clock
give the same calls and contacts. Values are plain property maps; they are checked and
written like any import (``crm/imports.py``).

Phone numbers use the 555-01xx range, which is reserved for fiction; e-mail addresses use
``example.com``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from localspot.crm.property_types import format_datetime

YEAR_MS = 365 * 86_400_000
FIRST_NAMES = (
    "Ana", "Ben", "Chloé", "Dmitri", "Emma", "Farah", "Gus", "Hana", "Ivan", "Jade", "Kofi",
    "Lena", "Mateo", "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Yuki",
)  # fmt: skip
LAST_NAMES = (
    "Alvarez", "Brown", "Chen", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad", "Ito",
    "Jensen", "Kowalski", "Lopez", "Müller", "Nakamura", "Okafor", "Patel", "Rossi", "Smith",
)  # fmt: skip
COMPANIES = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell")
CALL_KINDS = ("Discovery", "Follow-up", "Demo", "Renewal", "Support", "Onboarding", "Pricing")
TOPICS = (
    "walked through the current setup and the pain points with the old tool",
    "agreed on a pilot with two teams, starting next month",
    "asked for a quote for 25 seats and annual billing",
    "reported an export problem; a ticket was opened",
    "wants a security review before signing",
    "confirmed the renewal, asked about the new reporting features",
)
STATUSES: tuple[tuple[str, int], ...] = (
    ("COMPLETED", 70),
    ("NO_ANSWER", 10),
    ("BUSY", 6),
    ("MISSED", 6),
    ("FAILED", 4),
    ("CANCELED", 4),
)
"""Call statuses and how often each comes up."""
DISPOSITIONS = {
    "COMPLETED": "f240bbac-87c9-4f6e-bf70-924b57d47db7",  # Connected
    "NO_ANSWER": "73a0d17f-1163-4015-bdd5-ec830791da20",  # No answer
    "BUSY": "9d9162e7-6cf3-4944-bf63-4dff82258764",  # Busy
    "MISSED": "b2cf5968-551e-4856-9783-52b3da59a7d0",  # Left voicemail
}


def phone_number(rng: random.Random) -> str:
    return f"+1 ({rng.randint(201, 989)}) 555-01{rng.randint(0, 99):02d}"


def _person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def sample_call(rng: random.Random, now_ms: int, contact_id: int | None = None) -> dict[str, str]:
    """One call in the year before ``now_ms``."""
    first, last = _person(rng)
    status = rng.choices([s for s, _ in STATUSES], weights=[w for _, w in STATUSES])[0]
    completed = status == "COMPLETED"
    topic = rng.choice(TOPICS)
    call = {
        "hs_timestamp": format_datetime(now_ms - rng.randrange(YEAR_MS)),
        "hs_call_title": f"{rng.choice(CALL_KINDS)} call with {first} {last}",
        "hs_call_body": f"<p>{first} {topic}.</p>" if completed else "",
        "hs_call_direction": rng.choice(("INBOUND", "OUTBOUND", "OUTBOUND")),
        "hs_call_status": status,
        "hs_call_duration": str(rng.randint(30_000, 2_700_000) if completed else 0),
        "hs_call_from_number": phone_number(rng),
        "hs_call_to_number": phone_number(rng),
        "hs_call_disposition": DISPOSITIONS.get(status, ""),
        "hs_call_has_voicemail": "true" if status == "MISSED" else "false",
        "hs_call_source": "INTEGRATIONS_PLATFORM",
    }
    if contact_id is not None:
        call["hs_call_callee_object_id"] = str(contact_id)
        call["hs_call_callee_object_type"] = "CONTACT"
    return call


def sample_contact(rng: random.Random, number: int) -> dict[str, str]:
    """A contact; ``number`` keeps e-mail addresses unique within one seeding."""
    first, last = _person(rng)
    company = rng.choice(COMPANIES)
    return {
        "firstname": first,
        "lastname": last,
        "email": f"{first}.{last}.{number}@{company.lower()}.example.com".lower(),
        "phone": phone_number(rng),
        "company": company,
        "jobtitle": rng.choice(("CTO", "Buyer", "Engineer", "Head of Sales", "Analyst")),
    }


def calls(
    seed: int, count: int, now_ms: int, contact_ids: Sequence[int] = ()
) -> list[dict[str, str]]:
    rng = random.Random(f"calls:{seed}")
    return [
        sample_call(rng, now_ms, rng.choice(contact_ids) if contact_ids else None)
        for _ in range(count)
    ]


def contacts(seed: int, count: int, known: Sequence[str]) -> list[dict[str, str]]:
    """Contacts with only the properties the contacts type knows (``known``)."""
    rng = random.Random(f"contacts:{seed}")
    made = (sample_contact(rng, n) for n in range(1, count + 1))
    return [{k: v for k, v in c.items() if k in known} for c in made]


def as_rows(maps: Sequence[dict[str, str]]) -> tuple[list[str], list[list[str]]]:
    """Property maps → a header and rows, as a CSV file would give them."""
    header = sorted({name for m in maps for name in m})
    return header, [[m.get(name, "") for name in header] for m in maps]
