"""Behaviour of PII rules that the per-detector examples cannot show (multi-line context,
calendar checks)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.detection.engine import Engine
from clearance.detection.registry import default_registry
from clearance.detection.validators import date_value, ip_address, ip_address_by_library

ENGINE = Engine()


@pytest.mark.parametrize(
    "text",
    ["2024-02-29", "03/14/1985", "14/03/1985", "1.5.2020", "Sept 3, 2023", "3rd Mar. 2023",
     "Sunday, October 27", "Feb 29", "Sep  3 17:23:42", "2025-10-25 04:02:03,695"],
)  # fmt: skip
def test_real_dates_pass(text: str) -> None:
    assert date_value(text)


@pytest.mark.parametrize(
    "text", ["2023-02-29", "13/13/2020", "2024-13-45", "31.04.2020", "Marchy 3, 2023", "01/02/1850"]
)
def test_impossible_dates_fail(text: str) -> None:
    assert not date_value(text)


def test_sign_off_on_its_own_line_is_a_person() -> None:
    text = "Please check the order.\nRegards,\nKalani Taufa"
    found = [m for m in ENGINE.detect(text) if m.entity == "PERSON"]
    assert [text[m.start : m.end] for m in found] == ["Kalani Taufa"]


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.text(alphabet="0123456789abcdefABCDEF:", min_size=2, max_size=45),
        st.lists(st.text(alphabet="0123456789abcdef", max_size=4), min_size=2, max_size=9).map(
            ":".join
        ),
    )
)
def test_ip_address_shortcut_agrees_with_ipaddress(value: str) -> None:
    assert ip_address(value) == ip_address_by_library(value)


_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|May|June?|Sep(?:t(?:ember)?)?|Dec(?:ember)?)"
# The date shapes written one pattern each, as they were before they shared one scan.
_SEPARATE_DATE_SHAPES = (
    r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?",
    r"\b\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})\b",
    r"\b\d{1,2}\.\d{1,2}\.\d{4}\b",
    r"\b\d{1,2}(?:st|nd|rd|th)? " + _MONTH + r"\.?,? \d{4}\b",
)
_DATE_TOKENS = ["1", "12", "2024", "05", "/", ".", "-", " ", "T", ":", "Z", "st", "May", ",", "x"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_DATE_TOKENS), max_size=14).map("".join))
def test_one_numeric_date_scan_finds_what_the_separate_shapes_find(text: str) -> None:
    shared = default_registry()["date-time"].compiled[0]
    separate = sorted(
        {m.span() for p in _SEPARATE_DATE_SHAPES for m in re.finditer(p, text)},
    )
    found = [m.span() for m in shared.finditer(text)]
    # the same spans, except one shape's match inside another's (which overlap resolution
    # drops anyway)
    outer = [
        s for s in separate if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in separate)
    ]
    assert [s for s in found if s in outer] == outer
    assert set(found) <= set(separate)


@pytest.mark.parametrize(
    "phone",
    [
        "705-489-6428x7954",
        "(360)508-4207x89074",
        "+1-977-427-0543x743",
        "001-259-740-1522x92829",
        "842.608.6164 ext. 12",
        "+44 20 7946 0958 ext 204",
    ],
)
def test_phone_span_is_the_number_with_its_extension(phone: str) -> None:
    text = f"Call {phone} after five."
    found = [m for m in ENGINE.detect(text) if m.entity == "PHONE_NUMBER"]
    assert [text[m.start : m.end] for m in found] == [phone]


@pytest.mark.parametrize(
    "number",
    [
        "501812345673",  # Maestro, 12 digits
        "5018 1234 5673",
        "630412345674",  # Maestro 6304
        "676112345670",  # Maestro 6761
        "213100000000001",  # JCB, 15 digits
        "180012345678905",  # JCB, 15 digits
        "4222222222222",  # Visa, 13 digits
        "4111111111111111110",  # Visa, 19 digits
    ],
)
def test_every_card_network_length_is_found(number: str) -> None:
    text = f"card on file: {number}"
    found = [m for m in ENGINE.detect(text) if m.entity == "CREDIT_CARD"]
    assert [text[m.start : m.end] for m in found] == [number]


@pytest.mark.parametrize(
    "text",
    [
        "ratio 0.36227206271667",
        "score=0.4111111111111111",
        "mean 4111111111111111.25",
        "p = 0.5018123456730",
        "share 0.2131000000000001",
        "x 0.4155552671",
        "balance 0.021000021",
        "v 12.000123456789",
    ],
)
def test_digits_of_a_decimal_number_are_no_identifier(text: str) -> None:
    numeric = {"CREDIT_CARD", "PHONE_NUMBER", "ABA_ROUTING_NUMBER", "US_BANK_NUMBER"}
    assert [m.entity for m in ENGINE.detect(text) if m.entity in numeric] == []


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("thanks to Jane from the Omaha store", ["Omaha"]),
        ("moved to Leeds last year", ["Leeds"]),
        ("My colleague from the Leipzig office called", ["Leipzig"]),
        ("Shipped to Bangalore faster than promised.", ["Bangalore"]),
        ("I moved from Cork to Montreal last May", ["Cork", "Montreal"]),
        ("She grew up in Santiago del Estero.", ["Santiago del Estero"]),
        (
            "The courier left it at 4846 High Terrace, Zaragoza today",
            ["4846 High Terrace", "Zaragoza"],
        ),
        ("I live in Reading now", ["Reading"]),
        ("I was reading in Bath mode", []),
        ("I gave the spare charger to Savannah yesterday.", []),
        ("Thanks to Jackson at the front desk.", []),
        ("We bought it at the Apple store.", []),
        ("Nice to meet you, sent to Mobile support.", []),
    ],
)
def test_places_in_running_text(text: str, places: list[str]) -> None:
    found = [text[m.start : m.end] for m in ENGINE.detect(text) if m.entity == "LOCATION"]
    assert found == places


@pytest.mark.parametrize(
    ("text", "places"),
    [
        # people named after cities, whether or not the lexicon knows the given name
        ("I gave the spare charger to Sydney yesterday.", []),
        ("Thanks to Lincoln at the front desk, it was sorted quickly.", []),
        ("Delivered to Paris in accounting.", []),
        ("Delivered to Kingston in HR.", []),
        ("Talked to Adelaide Atkinson about the refund.", []),
        ("Talked to Mark Wilson about the refund.", []),
        # firms named after people named after cities
        ("Sent the invoice to Jordan Group last Tuesday.", []),
        ("Bought it from Garcia Inc on sale.", []),
        ("Sent the invoice to Washington-Chambers last Tuesday.", []),
        ("Bought it from Roman, Mccullough and Houston on sale.", []),
        # the same names as places
        ("I flew to Sydney yesterday.", ["Sydney"]),
        ("Shipped to Lima faster than promised.", ["Lima"]),
        ("We moved to Kingston in 2019.", ["Kingston"]),
        ("We ship to Houston, Dallas and Austin.", ["Houston", "Dallas"]),
        ("The weather in San Juan de los Morros was awful.", ["San Juan de los Morros"]),
    ],
)
def test_people_and_firms_named_after_places_are_no_places(text: str, places: list[str]) -> None:
    """Item 5's precision: the name of a big city given to a person or a firm ("gave it to
    Sydney", "Jordan Group") is no place; the same names after a place phrase still are."""
    found = [text[m.start : m.end] for m in ENGINE.detect(text) if m.entity == "LOCATION"]
    assert found == places


def _dates(text: str) -> list[str]:
    return [text[m.start : m.end] for m in ENGINE.detect(text) if m.entity == "DATE_TIME"]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Born on the 3rd of May 1988 in Lyon.", "3rd of May 1988"),
        ("Let's meet May 3 at the office.", "May 3"),
        ("Date of birth: 03.05.88", "03.05.88"),
        ("Check-in 1988-05-03T10:00, room 12.", "1988-05-03T10:00"),
        ("Signed on May 3rd, 1988 by both.", "May 3rd, 1988"),
        ("The visit on 3 May went well.", "3 May"),
        ("Deadline Sept. 12 for the forms.", "Sept. 12"),
        ("Nació el 3 de mayo de 1988.", "3 de mayo de 1988"),
        ("Geboren am 3. Mai 1988 in Graz.", "3. Mai 1988"),
        ("Née le 1er mai 1988 à Lyon.", "1er mai 1988"),
        ("Nascida em 14 de março de 1990.", "14 de março de 1990"),
        ("She was born in 1988 in Porto.", "1988"),
        ("A customer since 2004, never late.", "2004"),
        ("We moved to Oslo in June 2003.", "June 2003"),
        ("Graduated 04/2019 with honours.", "04/2019"),
    ],
)
def test_dates_as_people_write_them(text: str, date: str) -> None:
    assert _dates(text) == [date]


@pytest.mark.parametrize(
    "text",
    [
        "I called this morning and again yesterday; next week is fine too.",
        "Upgrade to version 2.10.12 and release 14.03.22 today.",
        "Total 1,299.00 EUR, order 20240503, ticket 2024-0042.",
        "The shop opens at 10:30 and closes at 17:45.",
        "She is 34 years old; he is aged 61.",
        "It ships in 2000 units within 1500 ms.",
        "Deliver to 12 May Street, Leeds.",
    ],
)
def test_relative_phrases_versions_amounts_and_ages_are_no_dates(text: str) -> None:
    assert _dates(text) == []
