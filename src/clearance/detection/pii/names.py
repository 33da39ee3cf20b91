"""PERSON without a model: capitalised runs checked against name lexicons, titles and context.

Three detectors share one lexicon. A bare first name counts only after a context phrase ("my name
is", "thanks,", "spoke with"), because on its own it is as often a product, a month or a word.
"""

from __future__ import annotations

import re

from clearance.detection.detector import Severity
from clearance.detection.pii import lexicons
from clearance.detection.pii._rule import pii

_CAP = r"[A-Z][a-zà-ÿ]*(?:['’-][A-Z]?[a-zà-ÿ]+)*"
_TOKEN = re.compile(r"[A-Z][\wà-ÿ'’-]*\.?")


def _tokens(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    return [(m.group().rstrip("."), m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]


def _is_initial(tok: str) -> bool:
    return len(tok) == 1


def _refine_run(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    """Best "First [M.] Last" inside a run of capitalised words."""
    lex = lexicons.names()
    toks = _tokens(text, start, end)
    for i, (tok, s, _e) in enumerate(toks):
        low = tok.lower()
        if low not in lex.first:
            continue
        j = i + 1
        if j < len(toks) and _is_initial(toks[j][0]):
            j += 1
        if j >= len(toks):
            return None
        last_low = toks[j][0].lower()
        first_amb = low in lex.ambiguous
        if last_low in lex.last and last_low not in lex.ambiguous:
            score = 0.7 if first_amb else 0.85
        elif last_low in lex.last:
            score = 0.5 if first_amb else 0.7
        elif not first_amb and last_low not in lex.ambiguous and len(last_low) > 2:
            score = 0.6
        else:
            continue
        stop = toks[j][2]
        if j + 1 < len(toks) and toks[j + 1][0].lower() in lex.clear_last:
            stop = toks[j + 1][2]
        return s, stop, score
    return None


def _refine_context(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    lex = lexicons.names()
    toks = _tokens(text, start, end)
    if not toks:
        return None
    first, s, e = toks[0]
    low = first.lower()
    known = low in lex.first or low in lex.last
    if not known or low in lex.ambiguous:
        return None
    if len(toks) > 1 and toks[1][0].lower() in lex.any_name:
        return s, toks[1][2], 0.85
    return s, e, 0.75


DETECTORS = (
    pii(
        "person-name",
        "PERSON",
        rf"\b{_CAP}(?:[ ]+[A-Z]\.?)?(?:[ ]+{_CAP}){{1,2}}\b",
        positives=("John Smith", "I ordered it for Maria Garcia last week", "Emily J. Watson"),
        negatives=("Great Product", "New York", "Customer Support Team", "Will Do"),
        score=0.8,
        refine=_refine_run,
        severity=Severity.MEDIUM,
        description="First name from the lexicon followed by a surname.",
    ),
    pii(
        "person-title",
        "PERSON",
        rf"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Dame|Herr|Frau|Mme|Mlle|Sra?)\.?[ ]+(?P<value>{_CAP}(?:[ ]+{_CAP})?)",
        positives=("Mr. Okonkwo called", "ask Dr Nakamura", "Frau Schneider"),
        negatives=("Mr.", "Dr. who"),
        score=0.85,
        severity=Severity.MEDIUM,
    ),
    pii(
        "person-context",
        "PERSON",
        r"(?:(?i:my name is|name's|i am|i'm|this is|signed|regards|thanks|thank you|cheers|dear|hi|hello|contact|ask for|spoke to|spoke with|talked to|agent|courier|from))[ ,:]+(?P<value>"
        + _CAP
        + r"(?:[ ]+"
        + _CAP
        + r")?)",
        positives=("Thanks, Maria!", "my name is Olga and I", "I spoke with Kevin yesterday"),
        negatives=("Thanks, Amazon!", "this is Great", "from Monday"),
        score=0.75,
        refine=_refine_context,
        severity=Severity.MEDIUM,
    ),
)
