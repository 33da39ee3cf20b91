"""PERSON without a model: capitalised runs checked against name lexicons, titles and context.

The detectors share one lexicon. A bare first name counts only with support: a context phrase
("my name is", "thanks,", "spoke with", "said"), a title ("Dr", "Sra.", "Herr"), another name
beside it in a list ("Ana and Raj"), a possessive ("Jing's party"), a line of its own under a
message, or a chat's speaker column; on its own it is as often a product, a month or a word.
"""

from __future__ import annotations

import re
from functools import lru_cache

from clearance.core.severity import Severity
from clearance.detection.pii import lexicons
from clearance.detection.pii._rule import pii
from clearance.detection.pii.name_parts import (
    ARTICLES,
    CAP,
    LO,
    PARTICLE,
    PARTICLES,
    PLACE_BEFORE,
    SURNAME,
    UP,
    clear_name,
    firm_of_surnames,
    is_initial,
    known,
    listed_name,
    name_like,
    organisation_or_street,
    place_after_preposition,
    popular_given,
    tokens,
    word_shaped,
)


def _may_open(low: str, lex: lexicons.NameLexicon) -> bool:
    """Whether a token may be the given name a run's name starts with (the loop below)."""
    return (low in lex.first or ("-" in low and known(low))) and low not in PARTICLES


def _refine_run(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    """Best "First [M.] [particle] Last" inside a run of capitalised words."""
    lex = lexicons.names()
    toks = tokens(text, start, end)
    if len(toks) < 2 or not any(_may_open(t.lower(), lex) for t, _s, _e in toks[:-1]):
        return None  # no token that may be a given name with one after it (checked first: cheap)
    # The name first, by lexicon lookups only: the tests after it can only reject the run, and
    # they cost more (organisation_or_street's patterns); a run without a name skips them.
    found = _name_in_run(text, toks, lex)
    if found is None:
        return None
    if organisation_or_street(text, start, end, [t for t, _s, _e in toks]):
        return None
    head = toks[0][0].lower()
    if head in lexicons.places().major and head not in lex.popular_first:
        return None  # "Canada Post", "India Gate"
    if PLACE_BEFORE.search(text, max(0, start - 8), start):
        return None  # "I'm in Stoney Point", "lives on Dora Creek"
    return found


def _name_in_run(
    text: str, toks: list[tuple[str, int, int]], lex: lexicons.NameLexicon
) -> tuple[int, int, float] | None:
    """The first "First [M.] [particle] Last" of the run's tokens the lexicon makes a name."""
    for i, (tok, s, _e) in enumerate(toks):
        low = tok.lower()
        hyphenated = "-" in low and known(low)  # "Hyun-woo", "Jean-Baptiste"
        if (low not in lex.first and not hyphenated) or low in PARTICLES or low in ARTICLES:
            continue  # "The Ford Explorer", "Le Creuset", "La Poste"
        if low in lex.ambiguous and i + 1 < len(toks):
            nxt = toks[i + 1][0].lower()
            if nxt in lex.first and nxt not in lex.ambiguous and i + 2 < len(toks):
                continue  # "Buyer Zeynep Öztürk", "The Edna McCoy": the name starts after
        j = i + 1
        if j < len(toks) and is_initial(toks[j][0]):
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
        elif known(last_low) and not first_amb:
            score = 0.7  # "Facundo Quispe-Hernández", "Lim Seo-jun"
        elif (
            not first_amb
            and last_low not in lex.ambiguous
            and last_low not in lex.common
            and len(last_low) > 2
            and not word_shaped(last_low)
        ):
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
# it ("my partner Ngozi", "Regards,\nKalani Taufa"). Weaker phrases ("from", "hi", "said")
# still need a lexicon name: "from Monday", "this is Great".
_RELATIVES = (
    "partner friend neighbour neighbor colleague wife husband son daughter mother father mom "
    "dad sister brother boss manager"
).split()
_NAME_WORDS = ["last", "first", "family", "maiden", "middle"]
_STRONG_WORDS = (
    "my name is",
    "name's",
    *(f"my {r}" for r in _RELATIVES),
    *"the seller|reviewed by|gift for|maintainer|regards|best|cheers|thanks|signed|love".split("|"),
    *"sincerely|yours|warmly|xoxo|surname|surname is|calls me|named him|named her".split("|"),
    *(f"{w} name{tail}" for w in _NAME_WORDS for tail in ("", " is")),
    *"me llamo|je m'appelle|ich heiße|meu nome é|mi chiamo|saludos|un saludo|abrazos".split("|"),
    *"atentamente|cordialmente|atenciosamente|abraços|beijos|grüße|lg|vg|mfg|bises".split("|"),
    *"bisous|groeten|groetjes|hälsningar|hilsen|pozdrawiam|--".split("|"),
)
_STRONG_BEFORE = re.compile(
    "(?:" + "|".join(map(re.escape, _STRONG_WORDS)) + r")[ ,:]*\n?$", re.IGNORECASE
)
# the phrases by their last two characters (each has two or more): a text ends with a phrase
# only if it ends with those two, so ``endswith`` tries a few phrases instead of all of them
_STRONG_BY_END: dict[str, tuple[str, ...]] = {}
for _word in _STRONG_WORDS:
    _STRONG_BY_END[_word[-2:]] = (*_STRONG_BY_END.get(_word[-2:], ()), _word)
_STRONG_AFTER = re.compile(r"[ ,]+(?:here|again)\b")


def _strong_context(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 24) : start]
    if before.isascii():
        # what _STRONG_BEFORE finds, without trying its phrases at every position: a phrase
        # then separators, a line break and the end (which ``$`` also finds before a last "\n")
        ends = [before, before[:-1]] if before.endswith("\n") else [before]
        strong = any(
            (t := b.removesuffix("\n").rstrip(" ,:").lower()).endswith(
                _STRONG_BY_END.get(t[-2:], ())
            )
            for b in ends
        )
    else:
        strong = _STRONG_BEFORE.search(before) is not None
    return strong or _STRONG_AFTER.match(text, end) is not None


# a sign-off word is one when a comma or a line break follows it ("Best, Ana", "Love,\nMegan")
_SIGN_OFF_NO_COMMA = re.compile(r"\b(?i:best|love|cheers|sincerely|yours|warmly|regards)[ ]+$")
_FROM_BEFORE = re.compile(r"\b(?:from|in)[ ,:]*$", re.IGNORECASE)


def _refine_context(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    lex = lexicons.names()
    toks = tokens(text, start, end)
    if not toks:
        return None
    first, s, e = toks[0]
    low = first.lower()
    in_lexicon = low in lex.first or low in lex.last
    strong = _strong_context(text, start, end)
    if not (in_lexicon and low not in lex.ambiguous) and not (
        strong and (name_like(first) or (in_lexicon and low not in lexicons.places().major))
    ):
        return None  # no score below would be given: skip the costlier checks
    if organisation_or_street(text, s, end, [t for t, _s, _e in toks]):
        return None
    if place_after_preposition(text, s, end):
        return None  # "Flying from Alcalá de Henares"
    if _SIGN_OFF_NO_COMMA.search(text, max(0, s - 16), s):
        return None  # "Best Kia Sorento I ever had", "Love the new...": no sign-off
    if low in PARTICLES or low in _TITLES:
        return None  # "Regards, Mr. Nwosu": the title rule takes the name
    if in_lexicon and low not in lex.ambiguous:
        # "moved from Porto": a place that is also a name is the place after "from".
        if low in lexicons.places().places and _FROM_BEFORE.search(text, max(0, s - 8), s):
            return None
        score = 0.75
    elif strong and (name_like(first) or (in_lexicon and low not in lexicons.places().major)):
        score = 0.6
    else:
        return None
    stop = e
    after_initial = False
    for tok, _s, tok_end in toks[1:]:
        if is_initial(tok):
            after_initial = True
            continue  # a middle initial counts only when a surname follows it
        if known(tok.lower()) and (after_initial or tok.lower() not in lex.common):
            # after an initial even a word is a surname: "Jason C. Black"
            score = max(score, 0.85 if score >= 0.75 else 0.65)
        elif not ((strong or score >= 0.75) and name_like(tok)):
            break  # an unknown word is a surname only after a known given name or a strong cue
        stop = tok_end
    return s, stop, score


_TITLES = frozenset(
    """mr mrs ms miss mx dr dra prof sir dame herr frau mme mlle sr sra srta sig dott monsieur
    madame señor señora senhor senhora doctor professor""".split()
)


def _refine_title(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    """The name after a title: a surname alone ("Dr. Nakamura", "Mr. van Dijk") or a full
    name; not a second title ("Frau Dr. Weber") nor a common word ("Dr. Pepper")."""
    toks = tokens(text, start, end)
    if not toks or toks[0][0].lower() in _TITLES:
        return None
    low = toks[0][0].lower()
    lex = lexicons.names()
    if low in lex.common and low not in lex.any_name:
        return None
    stop = toks[0][2]
    if len(toks) > 1 and toks[1][0].lower() not in lex.common:
        stop = toks[1][2]
    return start, stop, 0.85


# A name beside another in a list: "Ana and Raj", "Priya, Tomás and Wei", "Hello Harpreet and
# Sinéad", "Gottschalk, Alexander and Carvalho".
# no "&": "Leggett & Platt", "Merrill Lynch & Co." are firms
_AND = r"(?:and|or|y|e|et|und|og|och|en)"
_NAME1 = rf"{CAP}(?:[ ]+{SURNAME})?"
_SEP = rf"(?:,[ ]+|,?[ ]+{_AND}[ ]+)"
_NEIGHBOUR_BEFORE = re.compile(rf"({CAP})(?:,[ ]+|,?[ ]+{_AND}[ ]+)$")
_NEIGHBOUR_AFTER = re.compile(rf"(?:,[ ]+|,?[ ]+{_AND}[ ]+)({CAP})")


_FIRST_AFTER_COMMA = re.compile(rf",[ ]+({CAP})")
_LIST_GOES_ON = re.compile(rf"(?:,[ ]+|,?[ ]+{_AND}[ ]+){CAP}")


def _inverted(text: str, start: int, end: int, toks: list[tuple[str, int, int]]) -> int | None:
    """The end of "Surname, Given" written as one name ("Byrne, Seamus", "Yoon, Ji-hye"): a
    surname, a comma and a given name, in no longer list."""
    lex = lexicons.names()
    if len(toks) != 1 or toks[0][0].lower() not in lex.clear_last:
        return None
    given = _FIRST_AFTER_COMMA.match(text, end)
    if given is None:
        return None
    low = given.group(1).lower()
    if not (low in lex.first or known(low)) or not listed_name(low):
        return None
    if _LIST_GOES_ON.match(text, given.end()) or _NEIGHBOUR_BEFORE.search(
        text, max(0, start - 48), start
    ):
        return None
    return given.end()


def _refine_list(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    toks = tokens(text, start, end)
    while toks and not listed_name(toks[0][0].lower()) and not name_like(toks[0][0]):
        toks = toks[1:]  # "Hello Harpreet and Sinéad": the greeting is no part of the name
    if not toks or not listed_name(toks[-1][0].lower()):
        return None
    if not all(listed_name(t.lower()) or name_like(t) for t, _s, _e in toks):
        return None
    start = toks[0][1]
    if firm_of_surnames(text, start, end):
        return None  # "Phillips, Reynolds and Monroe": a firm
    inverted = _inverted(text, start, end, toks)
    if inverted is not None:
        return start, inverted, 0.75
    before = _NEIGHBOUR_BEFORE.search(text, max(0, start - 48), start)
    after = _NEIGHBOUR_AFTER.match(text, end)
    neighbours = [m.group(1) for m in (before, after) if m is not None]
    if not any(listed_name(n.lower()) for n in neighbours):
        return None
    return start, end, 0.7


_CAP_WORD = re.compile(CAP)
_CAPITAL = re.compile(f"[{UP}]")


@lru_cache(maxsize=65536)
def _listed(word: str) -> bool:
    return listed_name(word.lower())


_LISTED_THEN = re.compile(rf"{_SEP}[{UP}]")
_AFTER_LISTED = re.compile(rf"[{UP}{LO}]{_SEP}$")


def _two_listed_names(text: str) -> bool:
    """Whether ``text`` may hold a list of names: two capitalised words that are listed names
    (a list match needs its last name and a neighbour, or the two names of "Surname, Given",
    to be), one of them beside another capitalised word in a list. Most rows the gate hands
    ``person-list`` (a comma or an "and" before a capital) have no such pair. A word is read
    from every capital letter, as the rule's patterns may ("XL-Maryam" holds "Maryam")."""
    seen, beside = 0, False
    for capital in _CAPITAL.finditer(text):
        m = _CAP_WORD.match(text, capital.start())
        if m is not None and _listed(m.group()):
            seen += 1
            beside = beside or bool(
                _LISTED_THEN.match(text, m.end())
                or _AFTER_LISTED.search(text, max(0, m.start() - 8), m.start())
            )
            if seen >= 2 and beside:
                return True
    return False


_SHOP_BEFORE = re.compile(r"&[ ]+$")


def _refine_first_name(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    """A known given name that is no word and no place ("Heike's birthday", a name alone on the
    last line of a message); a surname may follow it."""
    toks = tokens(text, start, end)
    lex = lexicons.names()
    if not toks:
        return None
    low = toks[0][0].lower()
    if not (low in lex.first or "-" in low) or not listed_name(low):
        return None
    if _SHOP_BEFORE.search(text, max(0, start - 8), start):
        return None  # "Ben & Jerry's": a brand
    stop = toks[0][2]
    if len(toks) > 1:
        if not clear_name(toks[1][0].lower()):
            return None
        stop = toks[1][2]
    return start, stop, 0.7


_DETERMINER_BEFORE = re.compile(r"\b(?i:the|a|an|my|your|our|his|her|their|this|new)[ ]+$")
# a model, a size or a date after the word ("Zara XL", "Jan. 2014", "31-Jan-2020")
_MODEL_AFTER = re.compile(r"\.?[ -]*(?:\d|[A-Z]{2})")
_NUMBER_OR_WORD_BEFORE = re.compile(rf"(?:\d[ -]?|[{UP}][{LO}]*[ ])$")
_CAPITALISED_AFTER = re.compile(rf"[ ]+(?:{PARTICLE}[ ]+)*[{UP}]")


def _refine_given(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    """A popular given name on its own ("Lukas had given Sara his address", "Maryam to rotate
    keys"): one of the first names common in many countries (Faker's per-locale lists and
    names-dataset's most popular), never a word, a place or a brand's model ("the Alexa app",
    "Zara XL")."""
    low = text[start:end].lower()
    lex = lexicons.names()
    if low not in lex.popular_first or not listed_name(low):
        return None
    # each test below only rejects: the one that rejects most (half the names) comes first
    if _CAPITALISED_AFTER.match(text, end) or _NUMBER_OR_WORD_BEFORE.search(
        text, max(0, start - 24), start
    ):
        return None  # one word of a longer capitalised run, which the run rules judge
    if _DETERMINER_BEFORE.search(text, max(0, start - 8), start) or _MODEL_AFTER.match(text, end):
        return None
    if organisation_or_street(text, start, end, [text[start:end]]):
        return None
    if place_after_preposition(text, start, end):
        return None  # "We shipped it to Brandon"
    return start, end, 0.6


_SPELLABLE = re.compile(r"[a-z]+(?:['’-][a-z]+)*")
_PIECES = re.compile(r"(['’-])")


def _spellings(name: str) -> list[str]:
    """How a lower-case ASCII name is written as one capitalised word (:data:`CAP`): a capital
    first, a capital after an apostrophe, either case after a hyphen ("Jean-Luc", "Jean-luc")."""
    pieces = _PIECES.split(name)
    out = [pieces[0].capitalize()]
    for sep, piece in zip(pieces[1::2], pieces[2::2], strict=True):
        cases = (piece, piece.capitalize()) if sep == "-" else (piece.capitalize(),)
        out = [f"{head}{sep}{case}" for head in out for case in cases]
    return out


def _given_gate() -> str:
    """The Rust gate of ``person-given-name``: its refiner takes a capitalised word only when,
    lower-cased, it is a popular given name, so an ASCII text with a match holds one of their
    spellings between word boundaries, or a word with a capital inside ("DeShawn", which no
    spelling lists), or a letter outside ASCII. About 8,000 literals that Rust looks for at
    once (one compile per process, about 70 ms); the Python pass then runs on one row in three
    of the evaluation corpus instead of three in four."""
    names = sorted(n for n in lexicons.names().popular_first if _SPELLABLE.fullmatch(n))
    spelled = sorted({s for n in names for s in _spellings(n)})
    return r"\b(?:" + "|".join(spelled) + r")\b|\b[A-Z][a-z]*(?:[A-Z][a-z]+)+\b|[À-ÖØ-öø-ɏḀ-ỿ]"


_LOWER_PARTNER_BEFORE = re.compile(rf"([{LO}]+(?:-[{LO}]+)?)[ ]+(?:and|&)[ ]+$")
_LOWER_PARTNER_AFTER = re.compile(rf"[ ]+(?:and|&)[ ]+([{LO}]+(?:-[{LO}]+)?)\b")


def _refine_lower_pair(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    """Two given names written in lower case as chats write them ("ask layla and kyung-soo",
    "vikram and sanne to pair"): both popular given names that are no words."""
    if not popular_given(text[start:end]):
        return None
    before = _LOWER_PARTNER_BEFORE.search(text, max(0, start - 24), start)
    after = _LOWER_PARTNER_AFTER.match(text, end)
    partners = [m.group(1) for m in (before, after) if m is not None]
    if not any(popular_given(p) for p in partners):
        return None
    return start, end, 0.6


# A chat log's speaker column ("[10:15] hyun-woo: did u send...", "amira: thank u guys") and
# mentions ("@kerem"): lower-case given names, counted where the text has two speaker lines.
_SPEAKER = re.compile(rf"(?m)^(?:\[[^\]\n]{{1,12}}\][ ]*)?[{UP}{LO}]+(?:-[{LO}]+)?:[ ]")


def _refine_handle(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    low = text[start:end].lower()
    lex = lexicons.names()
    # a speaker is a person even when a town shares the name ("rania")
    if len(low) < 3 or not known(low) or low in lex.ambiguous or low in lex.common:
        return None
    if text[start - 1 : start] != "@" and _speakers(text) < 2:
        return None
    return start, end, 0.7


# The text last counted and its count: the speaker column's names of one chat are refined one
# after the other, and each counted the speaker lines of the whole text again.
_LAST_SPEAKERS: list[tuple[str, int]] = [("", 0)]


def _speakers(text: str) -> int:
    last_text, count = _LAST_SPEAKERS[0]
    if last_text is not text:
        count = len(_SPEAKER.findall(text))
        _LAST_SPEAKERS[0] = (text, count)
    return count


_CONTEXT_WORDS = (
    r"my name is|name's|i am|i'm|this is|signed|regards|thanks|thank you|cheers|dear|hi|hello|"
    r"hey|hola|olá|hallo|bonjour|ciao|estimado|estimada|prezado|prezada|querido|querida|liebe|lieber|cher|chère|"
    r"contact|ask for|ask|spoke to|spoke with|talked to|agent|courier|from|said|says|asked|told|"
    r"by|with|cc|attn|quoting|love|sincerely|yours|"
    r"me llamo|je m'appelle|ich heiße|meu nome é|mi chiamo|saludos|un saludo|abrazos|"
    r"atentamente|cordialmente|atenciosamente|abraços|beijos|grüße|lg|vg|mfg|bises|bisous|"
    r"groeten|groetjes|hälsningar|hilsen|pozdrawiam|bitte|"
    r"my partner|my friend|my neighbour|my neighbor|my colleague|my wife|my husband|my son|my daughter|"
    r"my mother|my father|my mom|my dad|my sister|my brother|my boss|my manager|"
    r"the seller|reviewed by|gift for|maintainer|best|last name|first name|family name|"
    r"maiden name|middle name|surname|calls me|named him|named her|last name is|"
    r"first name is|family name is|maiden name is|middle name is|surname is|"
    # a role before a name, as forms, notes and tickets write it ("Patient: ...", "nurse Ana")
    r"name|full name|patient|customer|client|buyer|purchaser|owner|employee|candidate|"
    r"applicant|tenant|nurse|pharmacist|prescriber|physician|chair|secretary|treasurer|"
    r"contractor|technician|driver|recipient|son|daughter|wife|husband|hijo|hija|filho|filha"
)

DETECTORS = (
    pii(
        "person-name",
        "PERSON",
        rf"\b{CAP}(?:[ ]+[A-Z]\.?)?(?:[ ]+{SURNAME}){{1,2}}\b",
        positives=(
            "John Smith",
            "I ordered it for Maria Garcia last week",
            "Emily J. Watson",
            "Elif Öztürk called",
            "Maarten van Dijk",
            "Joaquín de la Cruz",
        ),
        negatives=(
            "Great Product",
            "New York",
            "Customer Support Team",
            "Will Do",
            "Spencer Street",
            "Monte Rosa Therapeutics Inc.",
            "Rua Padre Chagas, 898",
            "Regional Sales Manager",
        ),
        score=0.8,
        refine=_refine_run,
        severity=Severity.MEDIUM,
        description="First name from the lexicon followed by a surname.",
    ),
    pii(
        "person-title",
        "PERSON",
        r"(?:\b(?i:mr|mrs|ms|dr|dra|prof)|\b(?:Miss|Mx|Sir|Dame|Herr|Frau|Mme|Mlle|Sra?|Srta|Sig"
        r"|Dott|Monsieur|Madame|Señora?|Senhora?|Doctor|Professor))\.?[ ]+"
        r"(?:(?:Dr|Dra|Prof)\.?[ ]+)?"
        rf"(?P<value>{SURNAME}(?:[ ]+{SURNAME})?)",
        positives=(
            "Mr. Okonkwo called",
            "ask Dr Nakamura",
            "Frau Schneider",
            "Frau Dr. Le hat abgesagt",
            "Prezada Dra. Johansson",
            "Mr. van Dijk,",
            "Dear Dr. McCarthy",
            "join accounts with ms. Kauan",
            "Prof. Wiśniewski thanked",
        ),
        negatives=("Mr.", "Dr. who", "Dear Sir,"),
        score=0.85,
        refine=_refine_title,
        severity=Severity.MEDIUM,
    ),
    pii(
        "person-context",
        "PERSON",
        (
            # \b: "hi" in "this", "from" in "Wherefrom" are no context (and the scan is faster).
            rf"(?:\b(?i:{_CONTEXT_WORDS})|--)[ ,:]*[ ,:\n](?P<value>{CAP}(?:[ ]+[A-Z]\.)?"
            rf"(?:[ ]+{SURNAME}){{0,2}})",
            rf"\b(?P<value>{CAP}(?:[ ]+{SURNAME})?),?[ ]+(?:said|says|asked|told|wrote|replied)\b",
        ),
        positives=(
            "Thanks, Maria!",
            "my name is Olga and I",
            "I spoke with Kevin yesterday",
            "My neighbour Ngozi Eze recommended it",
            "Regards, Kalani Taufa",
            "Hi, Kenji here.",
            "-- Jason C. Black, Porto",
            "Verbal warning given by Jian.",
            "Pharmacist Maryam informed.",
            "Love, Megan",
            "Hola Bogdan, te escribo",
            "Dear Elif Öztürk, we need",
            "-- Joaquín de la Cruz",
            "I'm so jealous! said Erlingur to Santino",
            "Vera said it was fine",
            "Her maiden name is Hervieux",
            "everyone calls me Klaudijo",
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
            "Kind regards,\nTalent team, La Poste",
            "Nobody from La Poste answers",
            "We moved here from Castor Bay",
            "signed by Acme Corp",
        ),
        score=0.75,
        refine=_refine_context,
        severity=Severity.MEDIUM,
    ),
    pii(
        "person-list",
        "PERSON",
        (
            rf"\b(?P<value>{_NAME1}){_SEP}{CAP}",
            rf"\b{_NAME1},[ ]+(?P<value>{_NAME1}){_SEP}{CAP}",
            rf"\b{_NAME1},[ ]+{_NAME1},[ ]+(?P<value>{_NAME1}){_SEP}{CAP}",
            rf"\b{_NAME1}(?:,[ ]+{_NAME1})*,?[ ]+{_AND}[ ]+(?P<value>{_NAME1})",
        ),
        positives=(
            "ask Ana and Raj",
            "Priya, Tomás and Wei",
            "Hello Harpreet and Sinéad,",
            "Team change: Ji-hoon and Barış move",
        ),
        negatives=(
            "Paris and London",
            "Apple, Google and Microsoft",
            "Salt and Pepper",
            "Monday and Tuesday",
            "Sales and Marketing",
        ),
        score=0.7,
        refine=_refine_list,
        # every pattern holds a letter, a list separator and a capital: one small Rust regex
        # instead of the four patterns' alternation of name shapes (36 KB)
        prefilter=lambda: rf"[{UP}{LO}]{_SEP}[{UP}]",
        precheck=_two_listed_names,
        severity=Severity.MEDIUM,
        description="A known name listed beside another known name.",
    ),
    pii(
        "person-first-name",
        "PERSON",
        (
            # "Heike's birthday", "Jing's party"
            rf"\b(?P<value>{CAP})['’]s[ ]+[a-z]",
            # a name alone on the last line of a message, or on the line under a sign-off
            rf"(?:\n|[.!?][ ]+)[ \t]*(?P<value>{CAP}(?:[ ]+{SURNAME})?)\s*$",
        ),
        positives=(
            "photos from Heike's birthday",
            "we met at Jing's party",
            "we met at Jing's party",
        ),
        negatives=(
            "Google's new phone",
            "Monday's meeting",
            "Paris's museums",
            "lunch at Wendy's.",
            "bought it from Macy's.",
            "a tub of Ben & Jerry's ice cream",
            "Call me if anything changes.\n\nThanks",
            "Ship to:\nEdinburgh",
        ),
        score=0.7,
        refine=_refine_first_name,
        severity=Severity.MEDIUM,
        description="A known given name in a possessive or alone on a message's last line.",
    ),
    pii(
        "person-given-name",
        "PERSON",
        rf"\b(?P<value>{CAP})\b",
        positives=(
            "Lukas had given Sara his address",
            "Maryam to rotate keys",
            "Update: Yasmin from support called",
        ),
        negatives=(
            "the Alexa app",
            "Zara XL dress",
            "Paris is lovely",
            "Monday",
            "Spencer Street",
        ),
        score=0.6,
        refine=_refine_given,
        # _refine_given's first test, looked up by the engine before calling it
        refine_words=lambda: lexicons.names().popular_first,
        prefilter=_given_gate,
        severity=Severity.MEDIUM,
        description="A given name popular in many countries, standing alone.",
    ),
    pii(
        "person-lowercase-pair",
        "PERSON",
        (
            rf"\b(?P<value>[{LO}]{{3,}}(?:-[{LO}]+)?)[ ]+(?:and|&)[ ]+[{LO}]",
            rf"\b[{LO}]{{3,}}(?:-[{LO}]+)?[ ]+(?:and|&)[ ]+(?P<value>[{LO}]{{3,}}(?:-[{LO}]+)?)\b",
        ),
        positives=("ask mathieu and kyung-soo, they did it", "handover (nikola and sanne to pair)"),
        negatives=(
            "salt and pepper",
            "rock and roll",
            "bill and ted",
            "paris and london",
            "read and write",
        ),
        score=0.6,
        refine=_refine_lower_pair,
        severity=Severity.MEDIUM,
        description="Two popular given names in lower case joined by 'and', as chats write them.",
    ),
    pii(
        "person-handle",
        "PERSON",
        (
            rf"\B@(?P<value>[{LO}]+(?:-[{LO}]+)?)\b",
            rf"(?m)^(?:\[[^\]\n]{{1,12}}\][ ]*)?(?P<value>[{UP}{LO}]+(?:-[{LO}]+)?):[ ]",
        ),
        positives=(
            "thanks @kerem for covering",
            "ping @hyun-woo when it is merged",
        ),
        negatives=(
            "mail me@example.com",
            "note: call back\nstatus: open",
            "hyun-woo: did u send it?",
            "thanks @channel",
        ),
        score=0.7,
        refine=_refine_handle,
        severity=Severity.MEDIUM,
        description="Given names as chat speakers and @-mentions.",
    ),
)
