"""What the PERSON rules share: the letters of Latin-script names, the tokens of a capitalised
run, lexicon tests, and what makes a run an organisation, a street or a place rather than a
person."""

from __future__ import annotations

import re

from clearance.detection.pii import lexicons

# Letters of Latin-script names: "Öztürk", "Wiśniewski", "Trần", "Şahin" (Latin-1, Extended-A/B
# and Vietnamese), each case in a class of its own: a class of upper-case letters only lets
# Python's re skip ahead to a candidate (detector.python_form).
_LATIN = [chr(c) for c in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)) if chr(c).isalpha()]
UP = "A-Z" + "".join(c for c in _LATIN if c.isupper() and c != "×")
LO = "a-z" + "".join(c for c in _LATIN if c.islower())
# "McCarthy", "MacDonald", "DiCaprio", "O'Neill", "Jean-Luc", "Hyun-woo"
CAP = rf"[{UP}][{LO}]*(?:['’-]?[{UP}][{LO}]+|-[{LO}]+)*"
# Surname particles: "van der Zaag", "de la Cruz", "dos Santos", "bin Salman", "al-Farsi"
PARTICLE = (
    r"(?:van|von|de|der|den|del|della|di|da|das|do|dos|du|la|le|ten|ter|bin|binti|ibn|al|el|y)"
)
SURNAME = rf"(?:(?:{PARTICLE}[ ]+){{1,2}}|(?:al|el)-)?{CAP}"
_TOKEN = re.compile(rf"[{UP}][{UP}{LO}]*(?:['’-][{UP}{LO}]+)*\.?")
# a particle is no name on its own: "La Poste", "Le Creuset", "De Beers"
PARTICLES = frozenset(PARTICLE[3:-1].split("|"))
# words that open a capitalised run without being a given name ("The Ford Explorer", "Best
# Dyson ever")
ARTICLES = frozenset(
    "the a an my our your his her their this that best dear hi hello hey thanks love".split()
)


def tokens(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    return [(m.group().rstrip("."), m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]


def is_initial(tok: str) -> bool:
    return len(tok) == 1


# Words that make a capitalised run an organisation, a street, a building or a job title
# ("Monte Rosa Therapeutics", "Spencer Street", "Gokul Enclave", "Sales Manager").
_NOT_PERSON = frozenset(
    """inc ltd llc plc corp corporation company co group holdings limited sa ag gmbh bv nv srl
    spa ab oy bank bancorp practice clinic hospital university college school institute
    foundation trust fund partners capital resources financial services therapeutics
    biosciences pharma pharmaceuticals energy motors brands centers centres international
    industries technologies systems solutions media logistics airlines airways labs
    laboratories consulting consultancy insurance bancshares properties realty ventures street
    st road rd avenue ave lane ln drive way boulevard blvd court ct place square sq creek park
    hill hills bay residency enclave towers tower house close crescent gardens terrace valley
    beach heights station airport mall center centre hotel plaza nagar colony manager
    developer engineer director officer assistant analyst designer consultant accountant
    architect specialist coordinator administrator representative president team department
    office desk support sons brothers bros associates""".split()
)
# Words of firms' and funds' names, counted only when written with a capital ("Wolfram
# Research", "Stamen Design", "Black Stone Minerals"): in lower case some follow a name in a
# sentence ("Ana design review")
_FIRM_WORDS = frozenset(
    """research design enterprises incorporated worldwide global digital minerals chemicals
    mining metals petroleum oil gas steel foods shipping markets income equity shares
    securities investments investment advisors advisers management marketing communications
    networks software electronics semiconductor semiconductors automotive construction
    engineering estate publishing studio studios entertainment productions records apparel
    textiles manufacturing finance lending health healthcare medical dental pharmaceutical
    biotech transport freight express fund funds trading agency retail stores restaurants
    hospitality outfitters supply supplies products industrial electric infrastructure
    overseas companies machines appliances batteries banco banca banque""".split()
)
# either, for the test of a run's own words (one lookup a word instead of two)
_ORG_WORDS = _NOT_PERSON | _FIRM_WORDS
# what follows a brand or a model rather than a person ("the Alexa app", "Jordan sneakers",
# "Tesla Model 3"), in any case
_PRODUCT_NOUNS = frozenset(
    """app apps sneakers shoes laptop headphones earbuds console edition series model
    models""".split()
)
# legal forms and fund types in capitals ("Amundi ETF", "Altamir SCA", "Landi Renzo S.p.A.",
# "Black Stone Minerals L.P."): capitals after a name are more often a credential ("MD"), a
# team ("HR") or a chat word ("ASAP"), so only these count
_FIRM_INITIALS = frozenset(
    """etf etn sca scs lp llp plc sa ag se ab asa oyj spa sas sarl srl kg kgaa ohg bv nv pty
    pte bhd ltda sab reit adr ucits msci nasdaq nyse""".split()
)
_ACRONYM = re.compile(r"(?<![\w.])([A-Z]{2,5}|[A-Z]\.(?:[A-Za-z]\.){1,3})(?!\w)")
# What every ``_ACRONYM`` match starts with: its lookbehind makes Python try it at every
# position, this class lets it skip ahead, and most runs ("Maria Garcia") hold neither.
_ACRONYM_START = re.compile(r"[A-Z][A-Z.]")


def _initials(word: str) -> bool:
    """A firm's legal form or a fund's type in capitals or with dots ("ETF", "S.p.A.")."""
    letters = word.replace(".", "")
    return (letters.isupper() or "." in word) and letters.lower() in _FIRM_INITIALS


# a version or a model number ("Zoom 5.2", "Pixel v7")
_VERSION_AFTER = re.compile(r"[ ]+(?:[vV]\d+|\d+\.\d+)\b")


# Words before a run that make it a street or a place ("Rua Padre Chagas", "cours Jean Jaurès",
# "Santa Bárbara", "Cite El Mayara"): checked case-insensitively on the word before the run and
# on the run's first word.
_STREET_BEFORE = frozenset(
    """rua r av avenida via viale rue calle c cite cité cours avenue boulevard bd piazza plaza
    praça praca largo travessa estrada paseo strada ulica ul carrer vila san santa santo são sao
    st saint sainte sidi ronda camino carretera travesía passeig rambla avinguda alameda rodovia
    quai chemin allée impasse piazzale vicolo corso calea strasse straße aleja utca""".split()
)
# a run after these is a place ("I'm in Stoney Point", "lives on Dora Creek")
PLACE_BEFORE = re.compile(r"\b(?:in|on|near|via)[ ]+$")
_WORD_BEFORE = re.compile(r"([^\W\d_]+)[./]?[ ]+$")
# the next two words ("Jean Jaurès Street", "Talent team", "Monte Rosa Therapeutics Inc.")
_WORDS_AFTER = re.compile(rf"[ ]+([^\W\d_]+)\.?(?:[ ]+([{UP}][^\W\d_]*))?")


# a house number beside the run: "Celso Emilio Ferreiro 23,", "4740 Joaquin Suarez"
_NUMBER_AFTER = re.compile(r"[ ]+\d{1,5}[a-zA-Z]?(?:,|[ ]*\n|[ ]*$|[ ]+(?:Suite|Unit|Apt))")
_NUMBER_BEFORE = re.compile(r"(?:^|\n|,)[ ]*\d{1,5}[a-zA-Z]?[ ]+$")


_WORD_REST = re.compile(r"[^\W\d_]+")
_WORD_END = re.compile(r"[^\W\d_]+$")
# a place after these is the place, unless a verb that takes a person comes first ("gave it to")
_PLACE_PREPOSITION = re.compile(r"\b(?i:from|in|to|at|near|via|into|visiting)[ ]+$")
_PERSON_VERB = re.compile(
    r"\b(?i:thanks|thank|talked|talking|spoke|speak|said|gave|give|given|handed|sent|send|wrote|"
    r"write|replied|introduced|married|listen|listened|belongs?)\b[^.!?\n]{0,40}$"
)


def place_after_preposition(text: str, start: int, end: int) -> bool:
    """The run is a known place right after "from", "in", "to"...: "Flying from Alcalá de
    Henares", "We shipped it to Brandon" (but "gave it to Tyler" is a person)."""
    if not _PLACE_PREPOSITION.search(text, max(0, start - 12), start):
        return False
    if lexicons.fold(text[start:end]) not in lexicons.places().places:
        return False
    return _PERSON_VERB.search(text, max(0, start - 60), start) is None


# a firm's name of three surnames: "Phillips, Reynolds and Monroe" (a list of people is mostly
# given names: "Priya, Tomás and Wei")
_FIRM = re.compile(rf"([{UP}][{LO}]+), ([{UP}][{LO}]+),? (?:and|&) ([{UP}][{LO}]+)(?![{LO}-])")


def firm_of_surnames(text: str, start: int, end: int) -> bool:
    """Three surnames in a row, at least two of them no popular given name ("Elliott, Jordan
    and Diaz" as a law firm writes it; a list of people names them by their given names), and
    not announced by a colon ("our founders: A, B and C") nor opened by a sign-off ("Love,
    Elif and Maryam")."""
    lo, hi = max(0, start - 40), min(len(text), end + 40)
    if text.find(", ", lo, hi) < 0 or (
        text.find(" and ", lo, hi) < 0 and text.find(" & ", lo, hi) < 0
    ):
        return False  # no list (most runs): the regex below needs ", " and " and " or " & "
    lex = lexicons.names()
    for m in _FIRM.finditer(text, lo, hi):
        if m.start() <= start and end <= m.end():
            if text[max(0, m.start() - 3) : m.start()].rstrip().endswith(":"):
                return False  # a list announced by a colon: "our founders: A, B and C"
            words = [w.lower() for w in m.groups()]
            if words[0] in ARTICLES or not all(w in lex.last for w in words):
                return False
            return sum(w not in lex.popular_first for w in words) >= 2
    return False


# "Smith & Wesson", "Collins & Aikman", "Arthur J. Gallagher & Co.": a firm's "&" joins
# surnames that are no popular given names ("Mike & Sarah" are people)
_AMPERSAND_AFTER = re.compile(rf"[ ]*&[ ]*(?:(Co)\b|([{UP}][{LO}]+)(?![{LO}]))")
_AMPERSAND_BEFORE = re.compile(rf"(?<![{UP}{LO}])([{UP}][{LO}]+)[ ]*&[ ]*$")


def _ampersand_firm(text: str, start: int, end: int, toks: list[str]) -> bool:
    if "&" not in text:
        return False  # both patterns need one (most texts: one scan in C, no regex tried)
    lex = lexicons.names()
    after = _AMPERSAND_AFTER.match(text, end)
    if after is not None:
        if after.group(1):
            return True
        pair = [toks[-1].lower(), after.group(2).lower()]
    else:
        if text.find("&", max(0, start - 24), start) < 0:
            return False  # the regex below needs a "&"
        before = _AMPERSAND_BEFORE.search(text, max(0, start - 24), start)
        if before is None:
            return False
        pair = [before.group(1).lower(), toks[0].lower()]
    return not any(w in lex.popular_first for w in pair)


def _street_word_before(text: str, start: int) -> bool:
    """Whether the word right before ``start`` (``_WORD_BEFORE``) is one of
    ``_STREET_BEFORE``. Where that pattern matches, its word ends the window once the spaces,
    a line break and a point after it are stripped: a window that then ends with no letter
    ("Hello, ") has no such word, and when the last space-separated piece is all letters, the
    word is that piece. Only the other windows try ``_WORD_BEFORE`` at each of their
    positions (a third of ``organisation_or_street``'s time, it was)."""
    lo = max(0, start - 16)
    tail = text[lo:start].rstrip(" \n./")
    last = tail[-1:]
    if not last.isalnum() or last.isdecimal():
        return False  # the word's class is [^\W\d_]: a letter or a numeric non-digit ("²")
    piece = tail[tail.rfind(" ") + 1 :]
    if piece.isalpha() and piece.lower() not in _STREET_BEFORE:
        return False
    before = _WORD_BEFORE.search(text, lo, start)
    return before is not None and before.group(1).lower() in _STREET_BEFORE


def organisation_or_street(text: str, start: int, end: int, toks: list[str]) -> bool:
    if firm_of_surnames(text, start, end):
        return True
    rest = _WORD_REST.match(text, end)
    if rest is not None:
        # the span ends inside a word ("Mathews L" of "Mathews LLC"): judge the whole word
        head = _WORD_END.search(text, max(0, end - 40), end)
        whole = (head.group() if head else "") + rest.group()
        if _initials(whole):
            return True  # "Amundi E" of "Amundi ETF"
        toks = [*toks, whole]
        end = rest.end()
    if _NUMBER_AFTER.match(text, end) or _NUMBER_BEFORE.search(text, max(0, start - 12), start):
        return True
    if any(t.lower() in _ORG_WORDS for t in toks):
        return True
    if toks[0].lower() in _STREET_BEFORE:
        return True
    if _street_word_before(text, start):
        return True
    if _ampersand_firm(text, start, end, toks) or _VERSION_AFTER.match(text, end):
        return True
    # in the run or right after it (the run may end on the "S" of "S.p.A.")
    stop = min(len(text), end + 9)
    if _ACRONYM_START.search(text, start, stop):
        for acronym in _ACRONYM.finditer(text, start, stop):
            if acronym.start() <= end + 1 and _initials(acronym.group(1)):
                return True
    after = _WORDS_AFTER.match(text, end)
    return after is not None and any(
        w.lower() in _NOT_PERSON
        or w.lower() in _PRODUCT_NOUNS
        or (w[0].isupper() and w.lower() in _FIRM_WORDS)
        for w in after.groups()
        if w
    )


# endings of English verbs and abstract nouns ("Bifurcated", "Analyzing", "Flexibility"); a
# surname with such an ending ("Fielding", "Reed") is in the lexicon, so only unknown words
# are judged by it
_WORD_ENDING = re.compile(
    r"(?:[^e]ed|ing|tion|ions|ment|ness|ity|ics|ies|ive|ous|ize|ise|able|ful)$"
)
# a Chinese given name in pinyin ends in "-ing" too ("Dongping", "Xueying"): syllables only
_PINYIN = re.compile(
    r"(?:(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?(?:iang|iong|uang|ang|eng|ing|ong|ian|iao|uai|uan"
    r"|ai|ei|ao|ou|an|en|in|un|ia|ie|iu|ua|uo|ui|ue|er|a|e|i|o|u))+"
)


def word_shaped(low: str) -> bool:
    """An unknown lower-cased token with the ending of an English word."""
    if low in lexicons.names().any_name or _WORD_ENDING.search(low) is None:
        return False
    return not (low.endswith("ing") and _PINYIN.fullmatch(low))


def name_like(token: str) -> bool:
    """An unknown capitalised token that may be a name: no common word, no word-shaped token,
    no country or big city (small places share many names: Ngozi is a town in Burundi)."""
    low = token.lower()
    return (
        len(low) > 2
        and not word_shaped(low)
        and low.replace("-", "").replace("'", "").replace("’", "").isalpha()
        and low not in lexicons.names().common
        and low not in lexicons.names().ambiguous
        and low not in lexicons.places().major
    )


def known(low: str) -> bool:
    """A lexicon name, or a hyphenated one whose parts are ("Seo-jun", "McCarthy-Ruiz")."""
    lex = lexicons.names()
    if low in lex.any_name:
        return True
    parts = low.split("-")
    return len(parts) > 1 and all(p in lex.any_name and p not in lex.common for p in parts)


def clear_name(low: str) -> bool:
    """A lexicon name that is no common word."""
    lex = lexicons.names()
    return low in lex.any_name and low not in lex.ambiguous


def listed_name(low: str) -> bool:
    """A lexicon name that is no word and no place; a hyphenated one ("hyun-woo", "ji-hye")
    when each part is."""
    lex = lexicons.names()
    if "-" in low and low not in lex.any_name:
        return known(low)
    places = lexicons.places()
    # a popular given name that is also a town ("Trang", "Sakura") stays a name; a big city
    # ("Paris") or a town that is a rarer name ("Porto") does not
    place = low in places.major or (low in places.places and low not in lex.popular_first)
    return clear_name(low) and not place and low not in lex.common and low not in PARTICLES


def popular_given(low: str) -> bool:
    lex = lexicons.names()
    if "-" in low and low not in lex.any_name:
        return known(low)  # "kyung-soo"
    return low in lex.popular_first and listed_name(low) and len(low) > 2
