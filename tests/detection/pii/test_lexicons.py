"""The name lexicon derived from names-dataset and wordfreq (scripts/build_name_lexicon.py)."""

from __future__ import annotations

import gzip
from importlib import resources

import pytest

from clearance.detection.pii import lexicons


def _lines() -> list[str]:
    raw = resources.files("clearance.detection.pii").joinpath("data/names.tsv.gz").read_bytes()
    return gzip.decompress(raw).decode("utf-8").splitlines()


def test_derived_file_is_sorted_lower_case_with_known_flags() -> None:
    lines = _lines()
    assert len(lines) > 200_000  # a multi-country lexicon, not a hand list
    tokens = [line.split("\t")[0] for line in lines]
    assert tokens == sorted(tokens) and len(set(tokens)) == len(tokens)
    for line in lines:
        token, flags = line.split("\t")
        assert token == token.lower() and token.strip() == token
        assert flags and set(flags) <= set("FLCP"), line
        assert "F" in flags or "L" in flags, line


@pytest.mark.parametrize(
    "name",
    # Spanish, Portuguese, Indian, Chinese, Arabic, Slavic, West and East African, Vietnamese,
    # Korean, Turkish, Greek, Nordic
    ["guadalupe", "joão", "priya", "xiaoming", "abdulrahman", "przemysław", "chukwuemeka",
     "wanjiru", "nguyen", "jisoo", "mehmet", "dimitrios", "sigríður"],
)  # fmt: skip
def test_names_of_many_origins_are_known(name: str) -> None:
    lex = lexicons.names()
    assert name in lex.any_name
    assert name not in lex.ambiguous


@pytest.mark.parametrize("surname", ["okafor", "nakamura", "kowalski", "adeyemi", "al-farsi"])
def test_surnames_of_many_origins_are_known(surname: str) -> None:
    assert surname in lexicons.names().last


@pytest.mark.parametrize("word", ["the", "great", "apple", "monday", "street", "new", "hello"])
def test_common_words_that_people_use_as_names_are_ambiguous(word: str) -> None:
    lex = lexicons.names()
    assert word in lex.any_name  # names-dataset holds them (profiles are noisy)
    assert word in lex.ambiguous and word not in lex.clear_last


def test_popular_english_surnames_stay_names() -> None:
    lex = lexicons.names()
    for surname in ("smith", "chambers", "baker"):
        assert surname in lex.clear_last


def test_popular_first_names_are_a_subset_and_exclude_most_cities() -> None:
    lex = lexicons.names()
    assert lex.popular_first.keys() <= lex.first.keys()
    assert {"savannah", "florence", "jackson"} <= lex.popular_first.keys()
    # cities that are also someone's given name somewhere are no popular first name
    assert not {"geneva", "sacramento", "porto"} & lex.popular_first.keys()
    assert {"geneva", "porto"} <= lex.first.keys()
