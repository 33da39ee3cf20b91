"""LOCATION without a model: street addresses, "City, ST 12345", and gazetteer places in context."""

from __future__ import annotations

import re

from clearance.detection.detector import Severity
from clearance.detection.pii import lexicons
from clearance.detection.pii._rule import pii

_CAP = r"[A-Z][a-zà-ÿ]+"
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
_ADDRESS = (
    rf"\b\d{{1,5}}[A-Za-z]?[ ]+(?:{_CAP}[ ]+){{1,3}}(?:{_SUFFIX})\b\.?"
    rf"(?:,?[ ]+(?:Apt|Apartment|Suite|Ste|Unit|Flat|#)\.?[ ]*[A-Za-z0-9-]{{1,6}})?"
    rf"(?:,[ ]*{_CAP}(?:[ ]+{_CAP}){{0,2}}(?:,?[ ]+[A-Z]{{2}}[ ]+\d{{5}}(?:-\d{{4}})?)?)?"
)
_EURO_ADDRESS = (
    rf"\b(?:{_CAP}(?:straße|strasse|weg|platz|allee|gasse|straat|laan|gatan|vej))[ ]+\d{{1,4}}[a-z]?"
    rf"(?:,[ ]*\d{{4,5}}[ ]+{_CAP})?"
)
_TOKEN = re.compile(r"[A-Z][\wà-ÿ'’-]*")


def _best_place(text: str, start: int, end: int, major_only: bool) -> tuple[int, int, bool] | None:
    lex = lexicons.places()
    pool = lex.major if major_only else lex.places
    span = text[start:end]
    if " " not in span and "-" not in span and "'" not in span and "’" not in span:
        # one word (most candidates: "The", "Thanks"): one lookup, no tokenizing
        name = span.lower()
        return (start, end, name in lex.major) if name in pool else None
    toks = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]
    for i in range(len(toks)):
        for j in range(min(len(toks), i + lex.max_words), i, -1):
            name = text[toks[i][1] : toks[j - 1][2]].lower()
            if name in pool:
                return toks[i][1], toks[j - 1][2], name in lex.major
    return None


def _refine_context(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    found = _best_place(text, start, end, major_only=False)
    if found is None:
        return None
    s, e, major = found
    return s, e, 0.85 if major else 0.75


def _refine_major(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    found = _best_place(text, start, end, major_only=True)
    return None if found is None else (found[0], found[1], 0.6)


DETECTORS = (
    pii(
        "street-address",
        "LOCATION",
        (_ADDRESS, _EURO_ADDRESS),
        positives=(
            "ship to 742 Evergreen Terrace, Springfield",
            "1600 Pennsylvania Avenue NW",
            "4 Privet Drive, Little Whinging",
            "Hauptstraße 12, 10115 Berlin",
            "221B Baker Street",
            "33670 Stephanie Camp",
            "18259 Peters Rue Apt. 774",
        ),
        negatives=("order 12 items", "3 Great Products", "version 2 Road map", "5 Via"),
        score=0.85,
        severity=Severity.MEDIUM,
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
        rf"(?:(?i:live in|living in|based in|moved to|move to|ship to|shipped to|deliver to|delivered to|in|from|to|at|near|visiting|around|outside))[ ]+(?P<value>{_CAP}(?:[ -]{_CAP}){{0,3}})",
        positives=("I live in Toronto", "shipped from Rotterdam", "we moved to Porto Alegre"),
        negatives=("in Great shape", "from Amazon", "to Whom it may concern"),
        score=0.75,
        refine=_refine_context,
        severity=Severity.LOW,
    ),
    pii(
        "place-major",
        "LOCATION",
        rf"\b{_CAP}(?:[ ]+{_CAP}){{0,3}}\b",
        positives=("Canada", "Greetings Brazil", "Tokyo"),
        negatives=("Hello", "Great Product"),
        score=0.6,
        refine=_refine_major,
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
