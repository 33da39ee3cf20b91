"""The shadow gate (texts with non-ASCII characters through Hyperscan) flags every pattern that
matches in Python, and the engine finds the same spans through it as through Polars alone."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clearance.detection.engine import Engine
from clearance.detection.registry import default_registry
from clearance.detection.shadow import (
    DIGIT,
    LOWER,
    OTHER,
    SPACE,
    UPPER,
    WORD,
    shadow_literal,
    shadow_pattern,
    shadow_text,
)

hyperscan = pytest.importorskip("hyperscan")

_FLAGS = hyperscan.HS_FLAG_SINGLEMATCH | hyperscan.HS_FLAG_ALLOWEMPTY


def _flags(pattern: str, ignore_case: bool = False) -> bool:
    """Whether the shadow form of ``pattern`` matches somewhere in the shadow of the text given
    to the returned function."""
    rewritten = shadow_pattern(pattern, ignore_case)
    assert rewritten is not None, pattern
    db = hyperscan.Database()
    db.compile(expressions=[rewritten.encode("ascii")], ids=[0], elements=1, flags=[_FLAGS])
    return db  # type: ignore[no-any-return]


def _hit(db: object, text: str) -> bool:
    hits: list[int] = []
    db.scan(shadow_text(text), match_event_handler=lambda i, *_: hits.append(i))  # type: ignore[attr-defined]
    return bool(hits)


def test_a_shadow_has_one_byte_per_character_and_classes_for_the_rest() -> None:
    text = "Zoë Ōtsuka ٣ ſ \u212a\u2003😀\u0085x"
    shadow = shadow_text(text)
    assert len(shadow) == len(text)
    assert shadow[:3] == b"Zo\xeb"  # Latin-1 is its own byte
    assert shadow[4] == UPPER and shadow[5:10] == b"tsuka"
    assert shadow[11] == DIGIT
    assert shadow[13] == LOWER and shadow[15] == UPPER  # "ſ", the Kelvin sign
    assert shadow[16] == SPACE and shadow[17] == OTHER and shadow[18] == SPACE
    assert shadow_text("中") == bytes([WORD])


@pytest.mark.parametrize(
    ("pattern", "ignore_case", "text", "flagged"),
    [
        # re.IGNORECASE pairs "ſ" with "s" and the Kelvin sign with "k": so does the shadow
        (r"\bsale\b", True, "ſale", True),
        (r"kg", True, "\u212ag", True),
        (r"Straße", True, "STRAẞE", True),
        # a Latin-1 letter is exact, in and out of classes
        (r"caf[eé]", False, "café", True),
        (r"caf[^é]x", False, "caféx", False),
        (r"caf[^é]x", False, "cafēx", True),  # "ē" shares its byte with other letters
        # buckets are cut along \d, \w and \s
        (r"\d{3}", False, "٣٤٥", True),
        (r"x[^\w]y", False, "xāy", False),
        (r"x\Wy", False, "x\u2003y", True),
        (r"x\Sy", False, "x\u2003y", False),
        # look-arounds and boundaries are left out: more rows, never fewer
        (r"(?<!\w)Ana\b", False, "Ana", True),
        (r"(?<!\w)Ana\b", False, "ŁAnał", True),
        (r"a.b", False, "a\nb", False),
        (r"(?s)a.b", False, "a\nb", True),
    ],
)
def test_the_shadow_pattern_matches_what_python_does_and_may_match_more(
    pattern: str, ignore_case: bool, text: str, flagged: bool
) -> None:
    python = re.search(pattern, text, re.IGNORECASE if ignore_case else 0) is not None
    assert not python or flagged  # the case itself must keep the superset
    assert _hit(_flags(pattern, ignore_case), text) is flagged


def test_a_back_reference_is_not_rewritten() -> None:
    assert shadow_pattern(r"(a)\1") is None


def test_a_context_word_matches_in_any_case() -> None:
    db = hyperscan.Database()
    db.compile(
        expressions=[shadow_literal("grüße").encode("ascii")], ids=[0], elements=1, flags=[_FLAGS]
    )
    assert _hit(db, "viele GRÜßE, Ana")
    assert not _hit(db, "viele Grüsse")


_ALPHABET = "aAeEsSkKiIé É ſ\u212a\u0131\u0130ß \u1e9e ā Ł 1 ٣ _\n\u2003\u0085-.,'’@😀中"
_PATTERNS = (
    r"\b[A-ZÀ-ÖØ-ÞĀ-ſ][a-zß-öø-ÿ]+\b",
    r"(?i:sk|ki)\w+",
    r"[^\W\d_]{2,}\s+\d",
    r"\S+@\S+",
    r"(?<![\w-])[ĀŁ]\w*",
    r"[^a-z\s]{3}",
    r"(?i)ſ[^s]",
)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=24), st.sampled_from(_PATTERNS), st.booleans())
def test_a_python_match_is_always_flagged(text: str, pattern: str, ignore_case: bool) -> None:
    if re.search(pattern, text, re.IGNORECASE if ignore_case else 0):
        assert _hit(_flags(pattern, ignore_case), text)


def _accented(text: str) -> str:
    """An ASCII example as Europe writes it: accented letters, typographic apostrophes, a
    name in front."""
    table = str.maketrans({"e": "é", "a": "ā", "o": "ö", "'": "’", "S": "Š"})
    return "Zoë: " + text.translate(table)


def _non_ascii_examples() -> list[str]:
    examples = [t for d in default_registry() for t in (*d.positives, *d.negatives)]
    texts = [t for t in examples if not t.isascii()]
    texts += ["Grüße, " + t for t in examples] + [_accented(t) for t in examples[::3]]
    return texts + [" und ".join(texts[i : i + 3]) for i in range(0, len(texts), 3)]


def test_every_pattern_that_matches_a_non_ascii_text_is_flagged_for_it() -> None:
    from clearance.detection.multigate import ALL, multigate

    registry = default_registry()
    texts = _non_ascii_examples()
    gate = multigate(list(registry), shadow=True)
    assert gate is not None and len(gate.covered) > 0.9 * len(registry)
    flagged = gate.rows(texts, "")
    checked = 0
    for det in gate.covered:
        if det.requires_context:
            continue  # gated by their context words as well, checked by the engine test below
        rows, bits = flagged.get(det.id, ([], []))
        by_row = dict(zip(rows, bits, strict=True))
        for k, pattern in enumerate(det.compiled):
            for i, text in enumerate(texts):
                if pattern.search(text) is None:
                    continue
                checked += 1
                mask = by_row.get(i)
                assert mask is not None and (mask == ALL or mask >> k & 1), (det.id, k, i)
    assert checked > 1000


def test_same_spans_through_the_shadow_gate_and_through_polars() -> None:
    texts = _non_ascii_examples()

    def spans(engine: Engine) -> list[list[tuple[int, int, str, float]]]:
        return [
            [(m.start, m.end, m.detector, m.score) for m in ms]
            for ms in engine.detect_batch(texts)
        ]

    fast = spans(Engine(workers=1))
    assert fast == spans(Engine(workers=1, hyperscan=False))
    assert sum(map(len, fast)) > 500
