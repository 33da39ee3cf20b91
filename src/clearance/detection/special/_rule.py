"""Shorthand for declaring a GDPR Art. 9 special-category detector.

A special-category detector reports a *statement about a person*, never a bare topic word: every
pattern is an anchor (first person or a relative: ``I'm``, ``my``, ``as a``, ``being``, ``my son
has``...) followed by a term from the family's lexicon (conditions, religions, parties...). The
reported span (group ``value``) covers anchor and term, so the masked preview can keep the anchor
word (``my ***``) and hide what it says.

Terms are regex fragments in the common subset of Python ``re`` and Rust ``regex``; a space in a
term stands for spaces or a hyphen. Each term starts with a literal of 3+ characters, which
becomes an Aho-Corasick keyword: a text without any term literal is never handed to the regex.
``END`` refuses a term glued to a hyphen or a letter (``diabetic-friendly``, ``addicted``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from clearance.core.severity import Severity
from clearance.detection.detector import Detector, Refiner

SEP = r"[\s-]+"
# The term ends here: not followed by a word character or a hyphen.
END = r"(?:[^\w-]|$)"
# After a noun that could also be an adjective ("as an Italian", "as an LGBT"): only a person
# noun, punctuation, the end of the text or a clause word may follow, so "as an Italian brand"
# and "as an LGBT ally" do not match.
STRICT_END = (
    r"(?:\s*(?:[,.;:!?)\"'’]|$)|\s+(?:and|but|so|myself|i|we|who|since|too|here|living|from|in"
    r"|with|for|at|by|through|all|my|of)(?:[^\w-]|$))"
)

REL = (
    r"(?:son|sons|daughter|daughters|wife|husband|partner|spouse|mum|mom|mother|dad|father|brother"
    r"|sister|child|children|kid|kids|baby|boyfriend|girlfriend|fianc[eé]e?|grandma|grandmother"
    r"|grandpa|grandfather|granddad|grandparents|relatives|ancestors|nan|nana|aunt|uncle|niece"
    r"|nephew|cousin|best\s+friend|friend"
    r"|toddler|teenager|stepson|stepdaughter|parents|family|flatmate|roommate)"
)
# Who the statement is about: the writer, "we", a third person, or a relative.
SUBJ = rf"(?:i|we|he|she|they|my\s+{REL}|our\s+{REL})"
_BE = (
    r"(?:['’]m|\s+am|['’]re|\s+are|['’]s|\s+is|\s+was|\s+were"
    r"|(?:['’]ve|\s+have|\s+has|\s+had)\s+been|\s+became|\s+become)"
)
_ADV = (
    r"(?:\s+(?:also|now|actually|still|both|always|just|recently|proudly|openly|newly|officially"
    r"|technically|originally|myself|personally))?"
)
# "I'm", "I am", "we're", "she's", "my son is", "I've been", "im".
BE = rf"(?:{SUBJ}{_BE}|im){_ADV}"
HAVE = (
    rf"{SUBJ}(?:['’]ve|\s+have|\s+has|\s+had|['’]d|(?:['’]ve|\s+have|\s+has|\s+had)\s+(?:got|had)"
    r"|\s+got|\s+developed|\s+contracted|\s+caught)(?:\s+(?:also|now|actually|still|always|just))?"
)
AS_A = r"(?:as\s+an?|being\s+an?|being)"
PERSON = (
    r"(?:woman|women|man|men|person|people|mother|mum|mom|father|dad|parent|parents|girl|boy|guy"
    r"|lady|gentleman|couple|family|customer|shopper|teen|teenager|student|professional|adult"
    r"|individual|kid|child|son|daughter|wife|husband|immigrant|myself)"
)


def alt(terms: Iterable[str]) -> str:
    """One non-capturing alternation, longest fragment first (leftmost-first engines)."""
    parts = sorted({t.replace(" ", SEP) for t in terms}, key=lambda t: (-len(t), t))
    return "(?:" + "|".join(parts) + ")"


_LITERAL = re.compile(r"[a-z0-9]+")


def keyword_of(term: str) -> str:
    """The literal every match of ``term`` contains: its leading run of ASCII letters/digits
    (a character made optional by the next ``?``/``*``/``{`` is dropped)."""
    body = term[len("(?-i:") :] if term.startswith("(?-i:") else term
    m = _LITERAL.match(body.lower())
    lit = m.group() if m else ""
    if lit and body[len(lit) : len(lit) + 1] in ("?", "*", "{"):
        lit = lit[:-1]
    if len(lit) < 3:
        raise ValueError(f"special-category term {term!r} must start with a 3+ letter literal")
    return lit


def keywords_of(*term_lists: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({keyword_of(t) for terms in term_lists for t in terms}))


def special(
    id: str,
    entity: str,
    patterns: tuple[str, ...],
    positives: tuple[str, ...],
    negatives: tuple[str, ...],
    *,
    terms: tuple[Iterable[str], ...] = (),
    score: float = 0.85,
    refine: Refiner | None = None,
    ignore_case: bool = True,
    description: str = "",
) -> Detector:
    """``terms``: every lexicon a pattern ends on; their literals gate the detector (empty: the
    Rust regex runs on every text)."""
    return Detector(
        id=id,
        entity=entity,
        category="special_category",
        severity=Severity.HIGH,
        patterns=patterns,
        positives=positives,
        negatives=negatives,
        score=score,
        refine=refine,
        ignore_case=ignore_case,
        description=description,
        keywords=keywords_of(*terms) if terms else (),
    )


def stated(anchor: str, terms: str, mods: str = "", end: str = END) -> str:
    """``anchor`` + up to two modifiers + ``terms``; the value spans anchor and term."""
    mod = rf"(?:{mods}\s+){{0,2}}" if mods else ""
    return rf"\b(?P<value>{anchor}\s+{mod}{terms}){end}"
