"""Which of a local model's spans join the rules' matches, before the engine's one overlap
resolution (``clearance.detection.engine.resolve_overlaps``) settles what is left.

A small model's PERSON, LOCATION and DATE_TIME spans include many capitalised words, brands and
relative phrases ("this morning") that the rules leave out on purpose; added as they are, they
cost more precision than they add recall (micro F1 0.977 -> 0.872 on the independent corpus'
tune split with spaCy's small pipeline). So, for the entity types the rules also find:

- a model span that overlaps a rule's match of another type is dropped: the rules know the
  formats (a phone number, a URL, a date) and their boundaries;
- a model span that covers a rule's match of its own type and extends it ("Maria" ->
  "Maria Garcia") replaces it: it is ranked as the rule's match (its reported score stays the
  model's), so that the longer span wins the overlap resolution; one that only cuts into the
  rule's match is dropped;
- a model span that overlaps no rule match is kept only with the lexicon's support: PERSON when
  one of its words is a known name that is no common word and the run is no firm nor street,
  LOCATION when it is a known place or ends in one; a DATE_TIME only the rules find;
- a back end with its own scores (Hugging Face, GLiNER) also keeps an unsupported span scoring
  at least ``TRUSTED_SCORE``.

Types the rules do not find (``NRP``) pass as the model gives them.
"""

from __future__ import annotations

import re
from dataclasses import replace

from clearance.detection.match import Match
from clearance.detection.pii import lexicons
from clearance.detection.pii.name_parts import (
    PARTICLES,
    is_initial,
    listed_name,
    name_like,
    organisation_or_street,
    tokens,
)

# The entity types the rules find themselves: a model's span of these needs the rules' or the
# lexicon's support.
CHECKED = frozenset({"PERSON", "LOCATION", "DATE_TIME"})
# A score a model gives itself above which its span needs no support; the back ends whose
# spans carry such a score (spaCy's carry a fixed one).
TRUSTED_SCORE = 0.9
SCORED_SOURCES = frozenset({"ner-hf", "ner-gliner"})


def _name_words(text: str, start: int, end: int) -> bool:
    """Every word between ``start`` and ``end`` is a name of the lexicon that is no common word
    (a particle may sit between them): "Maria" -> "Maria Garcia", not "Treasurer Kwame"."""
    lex = lexicons.names()
    words = text[start:end].split()
    if not words:
        return True
    for word in words:
        low = word.strip(".,'’").lower()
        if low in PARTICLES or (is_initial(low) and word[:1].isupper()):
            continue
        if not word[:1].isupper() or low not in lex.any_name or low in lex.ambiguous:
            return False
    return True


_SENTENCE_WORD_BEFORE = re.compile(r"\b(?i:the|a|an|on)[ ]+$")
_CAPITALISED_BEFORE = re.compile(r"\b[A-Z][\w-]*[ ]+$")
# Romance articles that open a firm's or a place's name, not a person's
_ARTICLES = frozenset("la le les el il lo los las".split())


def _supported_person(text: str, m: Match) -> bool:
    """A span whose words are names ("Kisuke Sugita", "Rania Kishiev"): one of them in the
    lexicon, none a common word; the span no place, no firm's or street's name; a single word
    a name that is no word and no place ("Ruf mich an", "the Tajik government", "Toyota Sienna"...
    are left out by the lexicon and the firm and street guards)."""
    value = text[m.start : m.end]
    toks = tokens(text, m.start, m.end)
    words = value.split()
    if not toks or len(toks) != len(words) or any(c.isdigit() for c in value):
        return False  # a lower-case word or a number inside: "Ruf mich", "Order LG-96157"
    if _SENTENCE_WORD_BEFORE.search(text, max(0, m.start - 8), m.start):
        return False
    if lexicons.fold(value) in lexicons.places().places:
        return False
    if organisation_or_street(text, m.start, m.end, [t for t, _s, _e in toks]):
        return False
    lex = lexicons.names()
    names = [t for t, _s, _e in toks if not is_initial(t)]  # "Markha R Aslakhanov"
    lows = [t.lower() for t in names]
    if not lows or is_initial(toks[0][0]) or is_initial(toks[-1][0]):
        return False
    if any(
        low in lex.ambiguous or low in lex.common or t.isupper()
        for low, t in zip(lows, names, strict=True)
    ):
        return False
    if lows[0] in _ARTICLES:
        return False  # "La Poste", "El Corte Inglés"
    if len(lows) == 1:
        # one word: a name that is no word and no place, and no word of a longer capitalised
        # run ("Toyota Sienna")
        if _CAPITALISED_BEFORE.search(text, max(0, m.start - 24), m.start):
            return False
        return listed_name(lows[0])
    return any(low in lex.any_name for low in lows) and all(
        low in lex.any_name or name_like(t) for low, t in zip(lows, names, strict=True)
    )


def _supported_place(text: str, m: Match) -> bool:
    places = lexicons.places()
    value = lexicons.fold(text[m.start : m.end])
    if value in places.places and value not in places.ambiguous:
        return True
    # "Bergen, Norway": each part a place
    parts = [p.strip() for p in value.split(",")]
    return len(parts) > 1 and all(p in places.places and p not in places.ambiguous for p in parts)


def _supported(text: str, m: Match) -> bool:
    if m.entity == "PERSON":
        return _supported_person(text, m)
    if m.entity == "LOCATION":
        return _supported_place(text, m)
    return False


def _extends(text: str, m: Match, rule: Match) -> bool:
    """``m`` covers ``rule``, is longer, stays on its line and adds only what the entity's
    lexicon supports (a name's other words; a date, whose formats the rules know, never)."""
    if (
        not (m.start <= rule.start and rule.end <= m.end)
        or m.end - m.start <= rule.end - rule.start
    ):
        return False
    if "\n" in text[m.start : m.end] or m.entity == "DATE_TIME":
        return False
    if m.entity == "PERSON":
        return (
            text[m.start : m.start + 1].isupper()  # not "de Thao Le"
            and _name_words(text, m.start, rule.start)
            and _name_words(text, rule.end, m.end)
        )
    return True


def merge_model_matches(text: str, rules: list[Match], model: list[Match]) -> list[Match]:
    """The model's matches that join the rules' matches ``rules`` of ``text``."""
    out: list[Match] = []
    for m in model:
        overlapping = [r for r in rules if r.overlaps(m)]
        if overlapping:
            rule = overlapping[0]
            if len(overlapping) == 1 and rule.entity == m.entity and _extends(text, m, rule):
                # ranked as the rule's match: the longer span wins the overlap resolution
                out.append(replace(m, raw_score=max(m.priority, rule.priority)))
            continue
        trusted = m.detector in SCORED_SOURCES and m.score >= TRUSTED_SCORE
        if m.entity not in CHECKED or trusted or _supported(text, m):
            out.append(m)
    return out
