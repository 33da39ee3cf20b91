"""Patterns rewritten for Hyperscan match, on ASCII text, every string Python's match."""

from __future__ import annotations

import re

import pytest

from clearance.detection.hyperscan_syntax import ascii_classes, hyperscan_pattern

hyperscan = pytest.importorskip("hyperscan")

_FLAGS = hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_ALLOWEMPTY | hyperscan.HS_FLAG_UTF8


def _hits(pattern: str, text: str, flags: int = 0) -> bool:
    db = hyperscan.Database()
    db.compile(expressions=[pattern.encode()], ids=[0], elements=1, flags=[_FLAGS | flags])
    found: list[int] = []
    db.scan(text.encode(), match_event_handler=lambda *a: found.append(1))
    return bool(found)


def test_classes_keep_their_ascii_members_only() -> None:
    assert ascii_classes("[A-ZÀ-Ö][a-zß]+") == "[\\x{41}-\\x{5a}\\x{80}][\\x{61}-\\x{7a}\\x{80}]+"
    assert ascii_classes("[^a-é]") == "[^\\x{61}-\\x{7f}\\x{80}]"  # a range across U+0080
    assert ascii_classes("[]é-]") == "[\\x{5d}\\x{2d}\\x{80}]"  # "]" first and "-" last: members
    assert ascii_classes(r"[\wé]\[é") == "[\\w\\x{80}]\\[é"  # escapes outside a class kept


@pytest.mark.parametrize(
    ("pattern", "ignore_case", "texts"),
    [
        (r"\b[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+ [A-ZÀ-Þ]\w+\b", False, ["Anna Berg", "anna Berg", "Ann B"]),
        (r"\bx[^a-zé]y", False, ["x1y", "xay", "x y"]),
        (r"[]é]+", False, ["a]]b", "ab"]),
        (r"[-é]x", False, ["-x", "ax"]),
        # Python's IGNORECASE pairs "ſ" with "s", "ı" and "İ" with "i", the Kelvin sign with "k"
        (r"\b[ſ]treet [ıİ]nn\b", True, ["street inn", "STREET INN", "treet nn"]),
        ("\\bpar\u212a\\b", True, ["park", "PARK", "par"]),
        (r"(?i:[^ſ])x", False, ["sx", "Sx", "x"]),
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
