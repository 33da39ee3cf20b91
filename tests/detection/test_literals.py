"""Required literals: every match of a pattern holds one of them, or the engine loses it."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.detection.detector import Detector
from clearance.detection.literals import (
    Literals,
    literal_filter,
    prefix_tree,
    required_literals,
)
from clearance.detection.registry import default_registry

DETECTORS = list(default_registry())


def _variants(text: str) -> list[str]:
    mixed = "".join(c.upper() if i % 3 == 0 else c for i, c in enumerate(text))
    return [text, text.upper(), text.lower(), mixed]


def _holds(literals: Literals, found: str) -> bool:
    if literals.folded:
        return any(w in found.lower() for w in literals.words)
    return any(w in found for w in literals.words)


@pytest.mark.parametrize("det", DETECTORS, ids=[d.id for d in DETECTORS])
def test_every_match_of_the_examples_holds_a_literal(det: Detector) -> None:
    texts = [v for t in (*det.positives, *det.negatives) for v in _variants(t)]
    for pattern, literals in zip(det.compiled, det.literals, strict=True):
        if literals is None:
            continue
        for text in texts:
            for m in pattern.finditer(text):
                if literals.folded and not text.isascii():
                    continue  # folded strings are compared on ASCII text only
                assert _holds(literals, m.group()), (det.id, pattern.pattern[:60])


def test_literals_of_typical_shapes() -> None:
    assert required_literals(r"(?:\b|\\[nrt])(?P<value>SK[0-9a-fA-F]{32})") == Literals(
        ("SK",), False
    )
    assert required_literals(r"EZ[AT]K\w+") == Literals(("EZAK", "EZTK"), False)
    assert required_literals(r"[gG][iI][tT]_\d+") == Literals(("git_",), True)
    assert required_literals(r"\b(?i:born in|hometown)[ ]*:") == Literals(
        ("born in", "hometown"), True
    )
    # an optional part or a class of many characters gives nothing to hold on to
    assert required_literals(r"\d{3}(?:abc)?\d{4}") is None
    assert required_literals(r"(?:ab)?|cd") is None
    # a string holding another kept one is dropped: "x" alone suffices
    assert required_literals(r"(?:xy|x)z?q*") == Literals(("x",), False)


def test_folded_and_non_ascii_under_ignorecase() -> None:
    # under IGNORECASE, "k" also matches the Kelvin sign: compared folded, on ASCII text only
    lits = required_literals(r"kelvin", re.IGNORECASE)
    assert lits == Literals(("kelvin",), True)
    assert re.search(r"kelvin", "\u212aelvin", re.IGNORECASE)
    # a non-ASCII letter under IGNORECASE is no literal
    assert required_literals(r"é+", re.IGNORECASE) is None


def test_filters_only_selective_sets() -> None:
    assert literal_filter(Literals(("-",), False)) is None
    assert literal_filter(Literals(("my", "hi"), True)) is None
    exact = literal_filter(Literals(("SK", "AKIA", "AKIAB"), False))
    assert exact is not None and not exact.folded
    assert exact.regex.search("x AKIA y") and not exact.regex.search("sk akia")
    folded = literal_filter(Literals(("born in", "birthplace"), True))
    assert folded is not None and folded.folded
    assert folded.regex.search("my birthplace:") and not folded.regex.search("Born In")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(["ab", "Cd", "[xX]", "[0-9]", "e?", "(?:fg|hi)", "\\d+", "j{2}"]),
        min_size=1,
        max_size=6,
    ),
    st.booleans(),
    st.text(alphabet="abcdefghijxABCDXJ0123 ", max_size=40),
)
def test_random_patterns_never_match_without_a_literal(
    parts: list[str], icase: bool, text: str
) -> None:
    pattern = "".join(parts)
    flags = re.IGNORECASE if icase else 0
    literals = required_literals(pattern, flags)
    if literals is None:
        return
    for m in re.finditer(pattern, text, flags):
        assert _holds(literals, m.group()), (pattern, text)


@settings(max_examples=200, deadline=None)
@given(st.sets(st.text(alphabet="ab.-", min_size=1, max_size=4), min_size=1, max_size=8))
def test_prefix_tree_matches_exactly_the_words(words: set[str]) -> None:
    tree = re.compile(prefix_tree(sorted(words)))
    for word in words:
        assert tree.fullmatch(word)
    for other in ("a", "b", "ab", "ba", "a.", "-", "aab", "b-a"):
        assert bool(tree.fullmatch(other)) == (other in words)
