"""A postal address is one LOCATION span, on one line or several, in each country's order."""

from __future__ import annotations

import json

import pytest

from clearance.detection.engine import Engine
from clearance.detection.pii.addresses import address_block

ENGINE = Engine()


def places(text: str) -> list[str]:
    return [text[m.start : m.end] for m in ENGINE.detect(text) if m.entity == "LOCATION"]


@pytest.mark.parametrize(
    "address",
    [
        # US
        "2503 Spruce Road #132\nPittsburgh, PA 15213\nUnited States",
        "5324 Greenwood Drive, Apt 33C\nDes Moines, IA 50309",
        # UK
        "Flat 5, 33 Ashby Crescent, Cardiff CF18 4TT",
        "127 Beech Gardens\nNottingham\nNG15 1NG",
        # DE
        "Sonnenallee 54\n60569 Frankfurt am Main\nGermany",
        "Am Stadtgraben 90\n79099 Freiburg im Breisgau",
        # FR
        "Appt 11, bâtiment A, 62 bis boulevard Gambetta, 21061 Dijon",
        # ES
        "Calle Mayor, 100, 7º C\n08889 Barcelona",
        "Ronda de Segovia, 146, 2º izq., 03491 Alicante",
        # IN
        "House No. 145\nOuter Ring Road, Indiranagar\nHyderabad 500507\nTelangana\nIndia",
        "Flat 273, Sunrise Towers, Carter Road, Andheri East, Mumbai - 400053",
        # BR
        "Rua Padre Chagas, 898, casa 3\nBotafogo, Belo Horizonte - MG\n30023-322\nBrazil",
        # elsewhere: a street name and a number, a postcode, a country
        "Letališka 34, 6310 Izola, Slovenia",
    ],
)
def test_an_address_is_one_span(address: str) -> None:
    text = f"Please ship it to:\n{address}\n\nThanks, and kind regards"
    assert places(text) == [address]


def test_the_address_ends_where_the_sentence_goes_on() -> None:
    text = "Party at Flat 3, 45 Gladstone Street, Swansea SA7 5VK on June 11th. Bring a dish!"
    assert places(text) == ["Flat 3, 45 Gladstone Street, Swansea SA7 5VK"]


@pytest.mark.parametrize("name", ["Rossella Greco", "Chloe Fletcher", "Flora Stein"])
def test_a_name_line_before_the_address_is_not_part_of_it(name: str) -> None:
    text = f"TO:\n{name}\nAm Mühlbach 87\n60430 Frankfurt am Main"
    assert places(text) == ["Am Mühlbach 87\n60430 Frankfurt am Main"]


@pytest.mark.parametrize(
    ("after", "kind"),
    [("March 25th", "DATE_TIME"), ("+44 20 7946 0958", "PHONE_NUMBER")],
)
def test_a_date_or_a_phone_after_the_address_is_not_part_of_it(after: str, kind: str) -> None:
    address = "Calle Feria, 35\n29423 Málaga\nSpain"
    for text in (f"Meet at {address} on {after}.", f"Contact\n{address}\n  {after}\n"):
        found = [(m.entity, text[m.start : m.end]) for m in ENGINE.detect(text)]
        assert ("LOCATION", address) in found
        assert any(entity == kind for entity, _ in found)


def test_an_address_with_escaped_line_breaks_is_one_span() -> None:
    text = json.dumps({"note": "Sonnenallee 54\n60569 Frankfurt am Main\nGermany"})
    assert places(text) == ["Sonnenallee 54\\n60569 Frankfurt am Main\\nGermany"]


def test_a_street_and_a_town_alone_stay_two_places() -> None:
    assert places("The courier left it at 4846 High Terrace, Zaragoza today") == [
        "4846 High Terrace",
        "Zaragoza",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Place Order, then pay at checkout",
        "sent via Slack, Teams and email",
        "Chapter 12, Verse 3",
        "Order 12, Dallas office",
        "Version 2, Build 7, Release Candidate",
        "We ship to Houston, Dallas and Austin.",
        "The Galaxy S24, Pixel 8 and iPhone 15 Pro are in stock",
        "Windows 11, Office 365 and Teams",
        "Flat 5, Block C",
    ],
)
def test_no_address_without_a_street_and_a_place(text: str) -> None:
    assert [m.detector for m in ENGINE.detect(text) if m.detector == "postal-address"] == []


def test_a_street_with_nothing_around_it_is_no_block() -> None:
    assert address_block("Chapter 12, Verse 3", 0, 10) is None


def test_the_separator_scan_finds_what_the_separator_pattern_finds() -> None:
    import random

    from clearance.detection.pii import addresses

    rng = random.Random(3)
    pieces = [" ", " ", "\t", ",", "\n", "\r", "\\", "n", "r", "-", "–", "a", "B", "1",
              "  - ", ",\n", "\n\n", "\\n", "\\r\\n", "\\n\\n"]  # fmt: skip
    for _ in range(50000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        lo = rng.randint(0, len(text))
        hi = rng.randint(lo, len(text))
        expected = [m.span() for m in addresses._SEP.finditer(text, lo, hi)]
        assert [m.span() for m in addresses._separators(text, lo, hi)] == expected, repr(text)
