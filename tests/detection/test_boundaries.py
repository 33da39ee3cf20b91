"""clearance.detection.boundaries: where the gate's ASCII word boundaries are exact on text
with accented letters."""

from __future__ import annotations

import re

import pytest

from clearance.detection.boundaries import ascii_boundaries_hold, letters_only


@pytest.mark.parametrize(
    ("pattern", "holds"),
    [
        (r"\b\d{3}-\d{2}-\d{4}\b", True),  # digits on the word side of both boundaries
        (r"\bAKIA[0-9A-Z]{16}\b", True),
        (r"\b(?:Jan|Feb)\b", True),
        (r"foo\b", True),
        (r"(?i)\bpin\b", True),
        (r"[a-z]+@x\.com", True),  # no boundary at all
        (r"\b[A-ZÀ-Þ][a-z]+\b", False),  # "Émile": a non-ASCII letter on the word side
        (r"\bJosé\b", False),
        (r"\b\w+@x\.com", False),
        (r"(?i)\bkey\b", False),  # the Kelvin sign folds to k
        (r"\b[-+]\d", False),  # the word side is the text before the match
        (r"(?:x|\d)+\b", True),
        (r"(?:x|é)+\b", False),
        (r"x(?=y)", False),  # look-arounds are not read
        ("x" * 30_000, False),  # too long to read
        (r"\p{L}", False),  # Rust-only syntax
    ],
)
def test_ascii_boundaries_hold(pattern: str, holds: bool) -> None:
    assert ascii_boundaries_hold(pattern) is holds


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("Café Straße Zoë", True),
        ("“quoted” — €5", True),  # no word character outside ASCII
        ("Café\u200d", False),  # a joiner: a word character for Rust's \w only
        ("e\u0301", False),  # a combining accent
        ("Ⓐ", False),
        ("٣ or ²", False),  # numbers outside ASCII
    ],
)
def test_letters_only(text: str, ok: bool) -> None:
    assert letters_only(text) is ok


def test_where_the_boundaries_hold_the_ascii_gate_finds_every_python_match() -> None:
    """The claim itself, on accented texts: for patterns whose boundaries hold, Rust's ASCII
    boundaries find a match wherever Python's find one."""
    import polars as pl

    from clearance.detection.detector import ascii_boundaries

    patterns = [r"\b\d{2,4}\b", r"\b[A-Z]{2}\d\b", r"\bab\b", r"(?:\d|x)+\b", r"\b(?:é|e)t\b"]
    pieces = ["é", "ß", "a", "b", "x", "1", "23", "AB7", " ", "-", "ñ", "Ü", "et", "ét", "ab"]
    import itertools

    texts = ["".join(p) for p in itertools.product(pieces, repeat=3)]
    texts = [t for t in texts if letters_only(t)]
    for pattern in patterns:
        python = [re.search(pattern, t) is not None for t in texts]
        rust = pl.Series(texts).str.contains(ascii_boundaries(pattern)).to_list()
        lost = [t for t, p, r in zip(texts, python, rust, strict=True) if p and not r]
        assert (not lost) == ascii_boundaries_hold(pattern), (pattern, lost[:3])
