"""PERSON without a model: capitalised runs checked against name lexicons, titles and context.

Three detectors share one lexicon. A bare first name counts only after a context phrase ("my name
is", "thanks,", "spoke with"), because on its own it is as often a product, a month or a word.
"""

from __future__ import annotations

import re

from clearance.core.severity import Severity
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
            if first_amb and last_low in lex.popular_first and low not in lex.popular_first:
                continue  # "Lake Joshua", "New Melanie": a word, then a given name
            score = 0.7 if first_amb else 0.85
        elif last_low in lex.last:
            if first_amb:
                continue  # two words that are both words first ("New York", "Will Do")
            score = 0.7
        elif not first_amb and last_low not in lex.ambiguous and len(last_low) > 2:
            score = 0.6
        else:
            continue
        stop = toks[j][2]
        if j + 1 < len(toks) and toks[j + 1][0].lower() in lex.clear_last:
            stop = toks[j + 1][2]
        if lexicons.fold(text[s:stop]) in lexicons.places().places:
            continue  # "São Paulo", "Santa Clara": a place whose words are also names
        return s, stop, score
    return None


# Phrases after which a capitalised word is a person's name even when the lexicon does not know
# it ("my partner Ngozi", "Regards,\nKalani Taufa"). Weaker phrases ("from", "hi", "this is")
# still need a lexicon name: "from Monday", "this is Great".
_STRONG_BEFORE = re.compile(
    r"(?:my name is|name's|my (?:partner|friend|neighbou?r|colleague|wife|husband|son|daughter|"
    r"mother|father|mom|dad|sister|brother|boss|manager)|the seller|reviewed by|gift for|"
    r"maintainer|regards|best|cheers|thanks|signed|--)[ ,:]*\n?$",
    re.IGNORECASE,
)
_STRONG_AFTER = re.compile(r"[ ,]+(?:here|again)\b")


def _strong_context(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 24) : start]
    return _STRONG_BEFORE.search(before) is not None or _STRONG_AFTER.match(text, end) is not None


def _name_like(token: str) -> bool:
    """An unknown capitalised token that may be a name: no common word, no country or big city
    (small places share many names: Ngozi is a town in Burundi)."""
    low = token.lower()
    return (
        len(low) > 2
        and low.replace("-", "").replace("'", "").replace("’", "").isalpha()
        and low not in lexicons.names().common
        and low not in lexicons.places().major
    )


_FROM_BEFORE = re.compile(r"from[ ,:]*$", re.IGNORECASE)


def _refine_context(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    lex = lexicons.names()
    toks = _tokens(text, start, end)
    if not toks:
        return None
    first, s, e = toks[0]
    low = first.lower()
    known = low in lex.first or low in lex.last
    strong = _strong_context(text, start, end)
    if known and low not in lex.ambiguous:
        # "moved from Porto": a place that is also a name is the place after "from".
        if low in lexicons.places().places and _FROM_BEFORE.search(text, max(0, s - 8), s):
            return None
        score = 0.75
    elif strong and (_name_like(first) or (known and low not in lexicons.places().major)):
        score = 0.6
    else:
        return None
    stop = e
    for tok, _s, tok_end in toks[1:]:
        if _is_initial(tok):
            continue  # a middle initial counts only when a surname follows it
        if tok.lower() in lex.any_name:
            score = max(score, 0.85 if score >= 0.75 else 0.65)
        elif not (strong and _name_like(tok)):
            break
        stop = tok_end
    return s, stop, score


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
        # \b: "hi" in "this", "from" in "Wherefrom" are no context (and the scan is faster).
        r"(?:\b(?i:my name is|name's|i am|i'm|this is|signed|regards|thanks|thank you|cheers|dear|hi|hello|contact|ask for|spoke to|spoke with|talked to|agent|courier|from"
        r"|my partner|my friend|my neighbou?r|my colleague|my wife|my husband|my son|my daughter"
        r"|my mother|my father|my mom|my dad|my sister|my brother|my boss|my manager"
        r"|the seller|reviewed by|gift for|maintainer|best)|--)[ ,:]*[ ,:\n](?P<value>"
        + _CAP
        + r"(?:[ ]+[A-Z]\.)?(?:[ ]+"
        + _CAP
        + r"){0,2})",
        positives=(
            "Thanks, Maria!",
            "my name is Olga and I",
            "I spoke with Kevin yesterday",
            "My neighbour Ngozi Eze recommended it",
            "Regards, Kalani Taufa",
            "Hi, Kenji here.",
            "-- Jason C. Black, Porto",
        ),
        negatives=(
            "Thanks, Amazon!",
            "this is Great",
            "from Monday",
            "my friend Paris",
            "Best, Regards",
            "hi Zorblax",
            "I moved from Porto to Lima",
            "Thanks, Google!",
        ),
        score=0.75,
        refine=_refine_context,
        severity=Severity.MEDIUM,
    ),
)
