"""A filter reads a record's value exactly as search indexes it (``index_entries``): the same
numbers, the same notion of "no value", for any stored string."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from localspot.crm.list_filter_values import slot_of
from localspot.crm.model import Record
from localspot.crm.property_types import format_datetime
from localspot.crm.search import index_entries

from .list_filter_trees import AT, DEFINITIONS

NUMERIC = ("score", "vip", "renewal", "seen")
ANY_TEXT = st.text(alphabet=st.sampled_from("0123456789.+-eE :TZtz;a ٣"), max_size=26)
INSTANTS = st.integers(-62_135_596_800_000, 253_402_300_799_999).map(format_datetime)
DATES = st.dates().map(lambda d: d.isoformat())
CHANGES = st.sampled_from("0123456789:.-+TZtz ٣")


@st.composite
def changed(draw: st.DrawFn, canonical: st.SearchStrategy[str]) -> str:
    """A stored form with one character changed (near misses of the fast readers)."""
    text = draw(canonical)
    at = draw(st.integers(0, len(text) - 1))
    return text[:at] + draw(CHANGES) + text[at + 1 :]


VALUES = (
    ANY_TEXT
    | INSTANTS
    | DATES
    | changed(INSTANTS)
    | changed(DATES)
    | st.sampled_from(["true", "false", "TRUE", "gold;;"])
)


@given(name=st.sampled_from(NUMERIC), value=VALUES)
def test_numbers_dates_and_flags_read_as_the_index_holds_them(name: str, value: str) -> None:
    definition = DEFINITIONS[name]
    read = slot_of(DEFINITIONS, {}, name).read(Record(1, {name: value}, AT, AT))
    entries = index_entries(definition, value)
    assert read == (entries[0][0] if entries else None)


@given(name=st.sampled_from(("tier", "tags", "firstname")), value=VALUES)
def test_other_values_are_unknown_exactly_when_the_index_has_no_entry(
    name: str, value: str
) -> None:
    read = slot_of(DEFINITIONS, {}, name).read(Record(1, {name: value}, AT, AT))
    assert (read is None) == (index_entries(DEFINITIONS[name], value) == ())
