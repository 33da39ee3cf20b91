"""Patterns rewritten for Hyperscan match, on ASCII text, every string Python's match."""

from __future__ import annotations

import re

import pytest

from clearance.detection.hyperscan_syntax import hyperscan_pattern, letters_as_atoms

hyperscan = pytest.importorskip("hyperscan")

_FLAGS = hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_ALLOWEMPTY


def _hits(pattern: str, text: str, flags: int = 0) -> bool:
    db = hyperscan.Database()
    db.compile(expressions=[pattern.encode()], ids=[0], elements=1, flags=[_FLAGS | flags])
    found: list[int] = []
    db.scan(text.encode(), match_event_handler=lambda *a: found.append(1))
    return bool(found)


def test_non_ascii_letters_outside_classes_are_atoms() -> None:
    assert letters_as_atoms("[A-ZÀ-Ö]né?e") == "[A-ZÀ-Ö]n(?:é)?e"  # a class is kept as written
    assert letters_as_atoms(r"[]é]\[é|\é") == r"[]é]\[(?:é)|(?:é)"
    assert letters_as_atoms("(?i)ſ") == "(?i)(?:ſ|[Ss])"


@pytest.mark.parametrize(
    ("pattern", "ignore_case", "texts"),
    [
        (r"\b[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+ [A-ZÀ-Þ]\w+\b", False, ["Anna Berg", "anna Berg", "Ann B"]),
        (r"\bx[^a-zé]y", False, ["x1y", "xay", "x y"]),
        (r"[]é]+", False, ["a]]b", "ab"]),
        (r"[-é]x", False, ["-x", "ax"]),
        (r"\bné?e \d{3}\b", False, ["ne 456", "nee 456"]),
        # Python's IGNORECASE pairs "ſ" with "s", "ı" and "İ" with "i", the Kelvin sign with "k"
        (r"\bſtreet ınn İnn\b", True, ["street inn inn", "STREET INN INN", "treet nn nn"]),
        ("\\bpar\u212a\\b", True, ["park", "PARK", "par"]),
    ],
)
def test_rewritten_patterns_match_what_python_does(
    pattern: str, ignore_case: bool, texts: list[str]
) -> None:
    python = re.compile(pattern, re.IGNORECASE if ignore_case else 0)
    flags = hyperscan.HS_FLAG_CASELESS if ignore_case else 0
    for text in texts:
        if python.search(text) is not None:
            assert _hits(hyperscan_pattern(pattern), text, flags), (pattern, text)
