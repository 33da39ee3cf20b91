"""LOCATION without a model: street addresses, "City, ST 12345", and gazetteer places in context."""

from __future__ import annotations

import re
from functools import lru_cache

from clearance.core.severity import Severity
from clearance.detection.pii import lexicons
from clearance.detection.pii._rule import pii

_CAP = r"[A-Z][a-zà-ÿ]+"
# A capitalised word of any Latin script ("Århus", "Évora", "Wałbrzych"), and a run of them
# with the particles of place names between ("Santiago del Estero", "Frankfurt am Main").
_PCAP = r"[A-ZÀ-ÖØ-ÞĀ-ſ][a-zß-öø-ÿĀ-ſ]+"
_PLACE_RUN = (
    rf"{_PCAP}(?:(?:[ -](?:de|del|da|do|dos|das|di|du|des|la|le|el|los|las|am|im|an|upon|under|sur|"
    r"es|en|na|nad|pod))"
    rf"{{0,2}}"
    rf"[ -]{_PCAP}){{0,3}}"
)
# USPS Publication 28 street suffixes (every primary name: Faker's en_US list is the same), and
# European street words.
_SUFFIX = (
    "Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|"
    "Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Crescent|Close|Row|Alley|Bypass|"
    "Branch|Bridge|Brooks?|Burgs?|Camp|Canyon|Cape|Circles|Cliffs?|Club|Course|Crest|Parkways|Rue|"
    "Via|Causeway|Center|Centers|Commons?|Corners?|Courts|Coves?|Creek|Crossing|Crossroad|Curve|Dale|Dam|"
    "Divide|Drives|Estates?|Expressway|Extensions?|Falls?|Ferry|Fields?|Flats?|Fords?|Forest|Forges?|"
    "Forks?|Fort|Freeway|Gardens?|Gateway|Glens?|Greens?|Groves?|Harbors?|Haven|Heights|Highway|"
    "Hills?|Hollow|Inlet|Islands?|Isle|Junctions?|Keys?|Knolls?|Lakes?|Land|Landing|Lights?|Loaf|"
    "Locks?|Lodge|Loop|Mall|Manors?|Meadows?|Mews|Mills?|Mission|Motorway|Mount|Mountains?|Neck|"
    "Orchard|Oval|Overpass|Park|Parks|Pass|Passage|Path|Pike|Pines?|Plains?|Plaza|Points?|Ports?|"
    "Prairie|Radial|Ramp|Ranch|Rapids?|Rest|Ridges?|River|Roads|Route|Run|Shoals?|Shores?|Skyway|"
    "Springs?|Spurs?|Squares|Station|Stravenue|Stream|Streets|Summit|Throughway|Trace|Track|"
    "Trafficway|Tunnel|Turnpike|Underpass|Unions?|Valleys?|Viaduct|Views?|Villages?|Ville|Vista|"
    "Walks?|Wall|Ways|Wells?|"
    "Strasse|Straße|Str|Weg|Platz|Allee|Gasse|straat|laan|gatan|vej"
)
_STREET = (
    rf"\b\d{{1,5}}[A-Za-z]?[ ]+(?:{_CAP}[ ]+){{1,3}}(?:{_SUFFIX})\b\.?"
    rf"(?:,?[ ]+(?:Apt|Apartment|Suite|Ste|Unit|Flat|#)\.?[ ]*[A-Za-z0-9-]{{1,6}})?"
)
_EURO_STREET = rf"\b(?:{_CAP}(?:straße|strasse|weg|platz|allee|gasse|straat|laan|gatan|vej))[ ]+\d{{1,4}}[a-z]?"
# Street type first, then the name and the number: "Avenida Jose Manuel Escolano 28", "Piazza
# Gianmarco 52", "Rue de la Paix 3"; and "127 chemin Bernard", "4 rue des Lilas".
_ROMANCE_STREET = (
    r"\b(?:Avenida|Calle|Carrer|Paseo|Plaza|Rua|Via|Viale|Piazza|Corso|Largo|Rue|Chemin|"
    r"Impasse|Quai)[ ]+(?:(?:de|del|della|di|du|des|la|le|da|do|dos)[ ]+){0,2}"
    rf"{_CAP}(?:[ ]+{_CAP}){{0,3}},?[ ]+\d{{1,4}}\b"
)
_ROMANCE_NUMBER_FIRST = (
    r"\b\d{1,4},?[ ]+(?:rue|avenue|boulevard|chemin|place|impasse|allée|quai|calle|via|rua)[ ]+"
    rf"(?:(?:de|du|des|la|le|del|della|da|do)[ ]+){{0,2}}{_CAP}(?:[ ]+{_CAP}){{0,3}}"
)
# The city after a street address is a span of its own (the street and the city are two places).
_CITY_AFTER = rf",[ ]*(?:\d{{4,5}}[ ]+)?(?P<value>{_PCAP}(?:[ -]{_PCAP}){{0,2}})"
_TOKEN = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-ſ][\w'’-]*")


# a place name's first word, as ``_TOKEN`` would read it: up to its first character that is
# no word character, apostrophe or hyphen ("st" of "st. louis", "saint-denis")
_FIRST_WORD = re.compile(r"[\w'’-]*")


@lru_cache(maxsize=2)
def _first_words(major_only: bool) -> lexicons.WordSet:
    """The first words of the names in ``_best_place``'s pool."""
    lex = lexicons.places()
    pool = lex.major if major_only else lex.places
    return lexicons.word_set(m.group() for name in pool if (m := _FIRST_WORD.match(name)))


def _best_place(text: str, start: int, end: int, major_only: bool) -> tuple[int, int, bool] | None:
    lex = lexicons.places()
    pool = lex.major if major_only else lex.places
    span = text[start:end]
    if " " not in span and "-" not in span and "'" not in span and "’" not in span:
        # one word (most candidates: "The", "Thanks"): one lookup, no tokenizing
        name = lexicons.fold(span)
        return (start, end, name in lex.major) if name in pool else None
    toks = [(m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]
    # An ASCII span folds to its lower case, letter for letter: each name tried below is then
    # a slice of that, not a fold of its own (the words of a run are tried in up to ten ways),
    # and a name starting at a token starts with that token as a word of its own: a token that
    # begins no name of the pool (most) is passed over at once.
    low = span.lower() if span.isascii() else None
    first = _first_words(major_only)
    for i in range(len(toks)):
        if low is not None and low[toks[i][0] - start : toks[i][1] - start] not in first:
            continue
        for j in range(min(len(toks), i + lex.max_words), i, -1):
            a, b = toks[i][0], toks[j - 1][1]
            name = lexicons.fold(text[a:b]) if low is None else low[a - start : b - start]
            if name in pool:
                return a, b, name in lex.major
    return None


# Phrases that say a place follows even when its name is also an English word ("I live in
# Reading", "moved to Bath"); after a bare "in", "to" or "at" such a name is taken for the word.
_STRONG_BEFORE = re.compile(
    r"(?i:live in|living in|lives in|lived in|based in|moved to|move to|moving to|relocated to|"
    r"born in|grew up in|located in|headquartered in|flew to|fly to|flying to|trip to|"
    r"travel(?:l?ed)? to)[ ]+$"
)
# Context words that also come before a person ("gave it to Savannah", "thanks to Jackson at",
# "a gift from Florence"): a place that is also a given name needs more after them.
_PERSON_TOO = re.compile(r"(?i:to|at|from)[ ]+$")


# What says a place's name is a person's or a firm's, whatever the name: a verb that takes a
# person before "to" ("thanks to Lincoln", "gave the charger to Sydney"), a desk or a department
# after ("Kingston at the front desk", "Lima in accounting"), a company's suffix ("Jordan Group"),
# a surname ("Adelaide Atkinson", "Washington-Chambers") or a firm's "A, B and C".
_PERSON_VERB_TO = re.compile(
    r"(?i:\b(?:thanks|thank you|talked|talking|talk|spoke|speak|speaking|said|explained|"
    r"replied|wrote|introduced|married|kudos|credit|shout-?out|props|belongs|belonged|listened)"
    r"[ ]+to[ ]+$|\b(?:gave|give|gives|giving|given|handed|lent|lend|showed)\b[^.!?;:\n]{0,40}"
    r"[ ]to[ ]+$)"
)
_PERSON_AFTER = re.compile(
    r"[ ]+(?:(?i:at the (?:front )?(?:desk|counter|reception|register)\b|in (?:accounting|"
    r"finance|hr|sales|marketing|legal|support|billing|payroll|procurement|engineering|"
    r"customer service)\b)|(?:Inc|LLC|Ltd|PLC|Corp|GmbH|Group|LLP|& Sons|and Sons|"
    # a firm named after its home ("Singapore Airlines", "China Telecom", "Tata Consultancy")
    r"Airlines|Airways|Air|Telecom|Consultancy|Labs|Bank|Motors|Energy|Insurance|Pharma|"
    r"Capital|Partners|Logistics|Express|Electric|Holdings|Systems|Technologies|Software|"
    r"Railways?|Petroleum|Steel|Foods|Brewing|Media|Studios|Records|"
    # a newspaper ("New York Times", "Chicago Tribune")
    r"Times|Tribune|Post|Herald|Journal|Gazette|Chronicle|Daily)\b)"
)
# "Air France", "Air India": an airline, not the country; "Project Phoenix", a code name; a
# name after a greeting or a sign-off ("Dear Georgia", "Kind regards, Georgia") is a person's.
_FIRM_BEFORE_WORD = re.compile(
    r"(?:\b(?:Air|Project|Operation|Codename)[ ]+|(?i:\b(?:dear|hi|hello|hey|regards|thanks|"
    r"thank you|cheers|best|sincerely|yours)),?[ ]+)$"
)
_NEXT_WORD = re.compile(r"(?:[ ]+|-)([A-Z][a-z]+)\b")
_FIRM_AFTER = re.compile(r", ([A-Z][a-z]+),? and ([A-Z][a-z]+)\b")
_FIRM_BEFORE = re.compile(r"\b([A-Z][a-z]+), ([A-Z][a-z]+),? and $")


# A given name right before the place's name, in the same run of capitalised words: a person's
# full name ("talked to Mark Wilson").
_GIVEN_BEFORE = re.compile(r"([A-Z][a-z]+)[ ]+$")


def _given_name_before(text: str, run_start: int, start: int) -> bool:
    m = _GIVEN_BEFORE.search(text, run_start, start)
    return m is not None and m.group(1).lower() in lexicons.names().popular_first


def _person_or_firm(text: str, start: int, end: int) -> bool:
    """Whether the place name ``text[start:end]`` is said to be a person's or a firm's."""
    lo = max(0, start - 60)
    # both of _PERSON_VERB_TO's forms end in "to" and spaces (a line break after them at
    # most): tried at every position of the window, it runs only where the window ends so
    if text[lo:start].rstrip(" \n")[-2:].lower() == "to" and _PERSON_VERB_TO.search(
        text, lo, start
    ):
        return True
    if _PERSON_AFTER.match(text, end):
        return True
    if _FIRM_BEFORE_WORD.search(text, max(0, start - 16), start):
        return True
    names, places = lexicons.names(), lexicons.places().places
    after = _NEXT_WORD.match(text, end)
    if after is not None:
        word = after.group(1).lower()
        if word in names.clear_last and word not in places:
            return True
    firm = _FIRM_AFTER.match(text, end) or _FIRM_BEFORE.search(text, max(0, start - 60), start)
    return firm is not None and any(
        w.lower() in names.last and w.lower() not in places for w in firm.groups()
    )


def _refine_context(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    found = _best_place(text, start, end, major_only=False)
    if found is None:
        return None
    s, e, major = found
    if _person_or_firm(text, s, e) or _given_name_before(text, start, s):
        return None
    name = lexicons.fold(text[s:e])
    if name in lexicons.places().ambiguous or (
        name in lexicons.names().popular_first and _PERSON_TOO.search(text, max(0, s - 6), s)
    ):
        if not _STRONG_BEFORE.search(text, max(0, s - 24), s):
            return None
    return s, e, 0.85 if major else 0.75


def _refine_after_comma(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    """A town written last after a comma ("Ticket opened by Ebru Koç, Cardiff.", "Product
    Designer, Greystone Partners, Athens (2006 - 2019)"): the whole name must be a place the
    lexicon knows, not one that is also a word or a given name ("Thanks, Florence.")."""
    found = _best_place(text, start, end, major_only=False)
    if found is None or (found[0], found[1]) != (start, end):
        return None
    name = lexicons.fold(text[start:end])
    if name in lexicons.places().ambiguous or name in lexicons.names().popular_first:
        return None
    if _person_or_firm(text, start, end):
        return None
    return start, end, 0.8 if found[2] else 0.7


def _refine_label(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    """The place after a label that asks for one ("Place of birth: Penang"): any capitalised
    name, a town the gazetteer does not list included; its first comma ends it."""
    return start, end, 0.85


def _refine_facility(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    """The place of a store or office ("the Omaha store"): the whole name must be a place,
    and not one that is also a word or a brand ("the Orange store")."""
    found = _best_place(text, start, end, major_only=False)
    if found is None or (found[0], found[1]) != (start, end):
        return None
    if lexicons.fold(text[start:end]) in lexicons.places().ambiguous:
        return None
    return start, end, 0.85 if found[2] else 0.75


_ROMANCE_FIRST = re.compile(
    r"(?:Avenida|Calle|Carrer|Paseo|Plaza|Rua|Via|Viale|Piazza|Corso|Largo|Rue|Chemin|Impasse|Quai)"
    r"[ ]+(?:(?:de|del|della|di|du|des|la|le|da|do|dos)[ ]+){0,2}([A-Z][a-zà-ÿ]+)"
)


def _refine_street(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    """A street written type first ("Via Roma 12") is named after a person or a place: "Via
    Email 2" is no street."""
    m = _ROMANCE_FIRST.match(text, start, end)
    if m is not None:
        word = lexicons.fold(m.group(1))
        if word not in lexicons.names().any_name and word not in lexicons.places().places:
            return None
    return start, end, 0.85


def _refine_city_after_street(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    """The city named after a street address: any capitalised name, towns the gazetteer does
    not list included."""
    return start, end, 0.8


_WORDS = re.compile(r"[a-z]+(?: [a-z]+)*")


def _major_gate() -> str:
    """The Rust gate of ``place-major``: its refiner accepts a run of capitalised words only
    where some of them, lower-cased, are the name of a major place, so an ASCII text with a
    match holds that name with each word capitalised, between word boundaries; a match with
    an accented letter (à-ÿ, the rest of ``_CAP``'s letters) is let through by that letter.
    About 850 literals: Rust looks for them at once, and the Python pass runs on one row in
    seven of the evaluation corpus instead of three in four (each with a capitalised word)."""
    names = sorted(n for n in lexicons.places().major if _WORDS.fullmatch(n))
    spelled = (" ".join(w.capitalize() for w in n.split(" ")) for n in names)
    return r"\b(?:" + "|".join(spelled) + r")\b|[à-ÿ]"


def _refine_major(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    found = _best_place(text, start, end, major_only=True)
    if found is None or _person_or_firm(text, found[0], found[1]):
        return None
    return found[0], found[1], 0.6


DETECTORS = (
    pii(
        "street-address",
        "LOCATION",
        (_STREET, _EURO_STREET, _ROMANCE_STREET, _ROMANCE_NUMBER_FIRST),
        refine=_refine_street,
        positives=(
            "ship to 742 Evergreen Terrace, Springfield",
            "1600 Pennsylvania Avenue NW",
            "4 Privet Drive, Little Whinging",
            "Hauptstraße 12, 10115 Berlin",
            "221B Baker Street",
            "33670 Stephanie Camp",
            "18259 Peters Rue Apt. 774",
            "Avenida Jose Manuel Escolano 28",
            "Piazza Gianmarco 52",
            "127 chemin Bernard",
        ),
        negatives=(
            "order 12 items",
            "3 Great Products",
            "version 2 Road map",
            "5 Via",
            "Via Email 2",
        ),
        score=0.85,
        severity=Severity.MEDIUM,
    ),
    pii(
        "address-city",
        "LOCATION",
        tuple(
            street + _CITY_AFTER
            for street in (_STREET, _EURO_STREET, _ROMANCE_STREET, _ROMANCE_NUMBER_FIRST)
        ),
        positives=(
            "ship to 742 Evergreen Terrace, Springfield",
            "4 Privet Drive, Little Whinging",
            "Hauptstraße 12, 10115 Berlin",
            "Loosgasse 32, Toulouse",
            "Piazza Gianmarco 52, Marseille",
        ),
        negatives=("742 Evergreen Terrace, and then", "Springfield, IL", "12 items, Berlin"),
        score=0.8,
        refine=_refine_city_after_street,
        gate_by="street-address",
        severity=Severity.MEDIUM,
        description="The city written after a street address, as a span of its own.",
    ),
    pii(
        "city-state-zip",
        "LOCATION",
        rf"\b{_CAP}(?:[ ]+{_CAP}){{0,2}},[ ]?[A-Z]{{2}}[ ]+\d{{5}}(?:-\d{{4}})?\b",
        positives=("Springfield, IL 62704", "New Haven, CT 06511-1234"),
        negatives=("Springfield IL", "Total, USD 12345"),
        score=0.85,
        severity=Severity.MEDIUM,
    ),
    pii(
        "place-in-context",
        "LOCATION",
        rf"\b(?:(?i:live in|living in|based in|moved to|move to|ship to|shipped to|deliver to|delivered to|in|from|to|at|near|via|visit|visited|visiting|across|towards?|around|outside|en|em|à|nach))[ ]+(?P<value>{_PLACE_RUN})",
        positives=(
            "I live in Toronto",
            "shipped from Rotterdam",
            "we moved to Porto Alegre",
            "moved to Leeds last year",
            "flew back to Zürich",
            "shipped to Bangalore",
            "I live in Reading",
            "grew up in Santiago del Estero",
            "studied in Dar es Salaam",
            "a week in Wałbrzych",
            "The weather in San Juan de los Morros was awful",
            "nací el 3 de mayo en Valladolid",
        ),
        negatives=(
            "in Great shape",
            "from Amazon",
            "to Whom it may concern",
            "I was in Reading mode",
            "sent to Mobile support",
            "I gave the charger to Savannah yesterday",
            "thanks to Jackson at the desk",
            "Thanks to Lincoln at the front desk",
            "Delivered to Kingston in accounting",
            "Talked to Adelaide Atkinson about the refund",
            "Talked to Mark Wilson about the refund",
            "Sent the invoice to Rodriguez Inc",
            "The seller, María Del Carmen Quintana, answered",
        ),
        score=0.75,
        refine=_refine_context,
        severity=Severity.LOW,
    ),
    pii(
        "place-after-comma",
        "LOCATION",
        # a comma, the name, then the end of the clause: a full stop, a line's end, a bracket
        rf",[ ]+(?P<value>{_PLACE_RUN})[ ]*(?:[.;]|\n|\\n|[ ]\(|$)",
        positives=(
            "Ticket opened by Ebru Koç, Cardiff.",
            "Product Designer, Greystone Partners, Athens (Oct. 2006 - present)",
            "PhD, Chemistry, Zagreb\n  Thesis supervised by Prof. Wagner",
            "Ship to Mr Laurent, Norwich.",
        ),
        negatives=(
            "Thanks, Florence.",
            "Best regards, Jordan.",
            "Colours: Red, Orange.",
            "Apples, Pears.",
            "Sent from Singapore Airlines, Air France.",
            "Hi all, Great Product.",
        ),
        score=0.8,
        refine=_refine_after_comma,
        severity=Severity.LOW,
        description="A town written last after a comma: a signature, a CV line, a shipping note.",
    ),
    pii(
        "place-label",
        "LOCATION",
        r"(?:(?i:place of birth|birthplace|birth place|born in|lugar de nacimiento|"
        r"lieu de naissance|geburtsort|local de nascimento|naturalidade|city of birth|"
        r"town of birth|hometown|home town))[ ]*[:/-]?[ ]*"
        rf"(?P<value>{_PLACE_RUN})",
        positives=(
            "Place of birth: Penang, Malaysia",
            "Lieu de naissance : Dijon",
            "Geburtsort: Wałbrzych",
            "Hometown: Springfield",
        ),
        negatives=("Place of birth: see attached", "birthplace: unknown"),
        score=0.85,
        refine=_refine_label,
        severity=Severity.LOW,
        description="A place after a label that asks for one (place of birth, hometown).",
    ),
    # The article is a group of its own, ``(?:(?i:...))``, so that it is the pattern's lead
    # (``detector.lead_of``): Python tries the pattern only where "the", "our"... are.
    pii(
        "place-facility",
        "LOCATION",
        rf"\b(?:(?i:the|our|your|their|my))[ ]+(?P<value>{_PLACE_RUN})[ ]+"
        r"(?i:store|shop|branch|office|outlet|warehouse|depot|showroom|location|site|plant|"
        r"factory|campus|hq|headquarters|airport|station|clinic|hospital|team)s?\b",
        positives=(
            "thanks to Jane from the Omaha store",
            "My colleague from the Leipzig office",
            "Purchased at the São Paulo branch",
            "our Leeds warehouse",
        ),
        negatives=("the Apple store", "the Orange shop", "the Customer Support team"),
        score=0.75,
        refine=_refine_facility,
        severity=Severity.LOW,
        description="A city named as the place of a store, office or branch.",
    ),
    pii(
        "place-major",
        "LOCATION",
        rf"\b{_CAP}(?:[ ]+{_CAP}){{0,3}}\b",
        positives=("Canada", "Greetings Brazil", "Tokyo"),
        negatives=(
            "Hello",
            "Great Product",
            "I gave the spare charger to Sydney yesterday",
            "Delivered to Paris in accounting",
            "Sent the invoice to Jordan Group",
            "Sent the invoice to Washington-Chambers",
            "Bought it from Roman, Mccullough and Houston on sale",
            "Meeting notes: Project Phoenix, Sprint 12",
            "Kind regards, Georgia.",
            "The New York Times and the Chicago Tribune reported it",
            "Flew Singapore Airlines and Air France",
        ),
        score=0.6,
        refine=_refine_major,
        prefilter=_major_gate,
        severity=Severity.LOW,
    ),
    pii(
        "uk-postcode",
        "UK_POSTCODE",
        r"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?) ?\d[ABD-HJLNP-UW-Z]{2}\b",
        positives=("London SW1A 1AA", "postcode: EC1A 1BB", "M1 1AE"),
        negatives=("SW1A", "ABC 123"),
        score=0.7,
        context=("postcode", "post code", "london", "uk", "england"),
        severity=Severity.LOW,
    ),
)
