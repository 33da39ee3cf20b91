"""The pieces the PERSON rules share (name letters, lexicon tests, organisation/street guards)."""

from __future__ import annotations

import re

import pytest

from clearance.detection.pii import name_parts


@pytest.mark.parametrize(
    "name", ["Öztürk", "Wiśniewski", "Trần", "McCarthy", "O'Neill", "Hyun-woo"]
)
def test_a_name_of_latin_letters_is_one_token(name: str) -> None:
    assert re.fullmatch(name_parts.CAP, name)
    assert [t for t, _s, _e in name_parts.tokens(name, 0, len(name))] == [name]


def test_hyphenated_names_are_known_by_their_parts() -> None:
    assert name_parts.known("kyung-soo") and name_parts.known("mccarthy-ruiz")
    assert not name_parts.known("state-of-the-art")


def test_popular_given_names_that_are_towns_stay_names_big_cities_do_not() -> None:
    assert name_parts.listed_name("savannah")  # a city in Georgia, a popular given name
    assert not name_parts.listed_name("paris")
    assert not name_parts.listed_name("la")  # a particle


@pytest.mark.parametrize(
    ("text", "run"),
    [
        ("The bus station is on Spencer Street", "Spencer"),
        ("Monte Rosa Therapeutics Inc. raised funds", "Monte Rosa"),
        ("Address: Rua Padre Chagas, 898", "Padre Chagas"),
        ("Please return to Celso Emilio Ferreiro 23, Muel", "Celso Emilio Ferreiro"),
        ("Kind regards,\nTalent team", "Talent"),
    ],
)
def test_organisations_streets_and_house_numbers_are_no_person(text: str, run: str) -> None:
    start = text.index(run)
    words = run.split()
    assert name_parts.organisation_or_street(text, start, start + len(run), words)


def test_a_person_is_no_organisation() -> None:
    text = "I spoke with Maria Garcia yesterday"
    start = text.index("Maria")
    assert not name_parts.organisation_or_street(text, start, start + 12, ["Maria", "Garcia"])


def test_three_surnames_are_a_firm_unless_a_colon_or_a_sign_off_opens_them() -> None:
    firm = "We ordered from Elliott, Walker and Diaz last week."
    assert name_parts.firm_of_surnames(firm, firm.index("Elliott"), firm.index(" last"))
    people = "our founders: Elliott, Walker and Diaz"
    assert not name_parts.firm_of_surnames(people, people.index("Elliott"), len(people))
    love = "Love, Elif and Maryam"
    assert not name_parts.firm_of_surnames(love, love.index("Elif"), len(love))


def test_unknown_words_with_an_english_ending_are_no_names() -> None:
    assert name_parts.word_shaped("bifurcated") and name_parts.word_shaped("flexibility")
    assert not name_parts.word_shaped("fielding")  # a surname the lexicon knows
    assert not name_parts.word_shaped("dongping")  # pinyin
    assert not name_parts.name_like("Analyzing") and name_parts.name_like("Ngozi")
