"""DATE_TIME: dates as people write them, checked against the calendar.

ISO timestamps, numeric dates (``03/05/1988``, ``03.05.88``, ``04/2019``), dates with month
names in English, Spanish, Portuguese, German and French (``3rd of May 1988``, ``May 3``,
``Sept. 12``, ``27-Mar-2023``, ``14/Oct/2025:21:34:36``, ``3 de mayo de 1988``, ``3. Mai 1988``, ``1er mai 1988``) and a
bare year where a word before it says it is one (``born in 1988``, ``since 2004``).

Relative phrases ("yesterday", "next week", "on Monday") locate nothing and are left out, as
are clock times on their own, versions, prices and ages.
"""

from __future__ import annotations

import re

from clearance.core.severity import Severity
from clearance.detection import validators as v
from clearance.detection.pii._rule import pii

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)

# Flat (full names first): a lead then finds the candidate starts (see ``lead_of``).
_WEEKDAY = r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tue|Wed|Thu|Fri|Sat|Sun"

# Month names of the other languages the engine meets most (German and French, Spanish and
# Portuguese), with the spellings typed without accents. Case-insensitive: Romance languages
# write them in lowercase, German capitalises them.
_LOCAL_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("enero", "janeiro", "januar", "jänner", "janvier", "janv"),
    2: ("febrero", "fevereiro", "februar", "février", "fevrier", "févr", "fevr"),
    3: ("marzo", "março", "marco", "märz", "maerz", "mars"),
    4: ("abril", "avril"),
    5: ("mayo", "maio", "mai"),
    6: ("junio", "junho", "juni", "juin"),
    7: ("julio", "julho", "juli", "juillet", "juil"),
    8: ("agosto", "août", "aout"),
    9: ("septiembre", "setiembre", "setembro", "septembre"),
    10: ("octubre", "outubro", "oktober", "octobre"),
    11: ("noviembre", "novembro", "novembre"),
    12: ("diciembre", "dezembro", "dezember", "décembre", "decembre", "déc"),
}
_ENGLISH_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("jan", "january"),
    2: ("feb", "february"),
    3: ("mar", "march"),
    4: ("apr", "april"),
    5: ("may",),
    6: ("jun", "june"),
    7: ("jul", "july"),
    8: ("aug", "august"),
    9: ("sep", "sept", "september"),
    10: ("oct", "october"),
    11: ("nov", "november"),
    12: ("dec", "december"),
}
_MONTH_NUMBER = {
    name: number
    for table in (_ENGLISH_MONTHS, _LOCAL_MONTHS)
    for number, names in table.items()
    for name in names
}
# Longest first so that "juillet" is not read as "juil" and a following word boundary fails.
_LOCAL = (
    "(?i:"
    + "|".join(sorted((n for ns in _LOCAL_MONTHS.values() for n in ns), key=lambda n: (-len(n), n)))
    + ")"
)
_LOCAL_CASED = "|".join(
    f"{n}|{n.capitalize()}"
    for n in sorted((n for ns in _LOCAL_MONTHS.values() for n in ns), key=lambda n: (-len(n), n))
)
_WEEKDAYS = {w.lower() for w in _WEEKDAY.split("|")}

# The numeric shapes (ISO, d/m/y, d.m.y, "3rd May 2024") share one pattern: each was tried at
# every digit that starts a word, and at one start at most one of them can match (the character
# after the leading digits decides), so one scan finds what four did.
_NUMERIC = (
    r"\b\d(?:\d{3}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|\d?/\d{1,2}/(?:\d{4}|\d{2})\b"
    r"|\d?\.\d{1,2}\.\d{4}\b"
    rf"|\d?(?:st|nd|rd|th)? {_MONTH}\.?,? \d{{4}}\b)"
)

# Shapes a number alone leaves open (a month and a year, a two-digit year, no year at all),
# each checked by ``_standalone`` for the number it might be a part of.
_SHORT_NUMERIC = (
    r"\b\d(?:\d?/(?:19|20)\d{2}\b"  # 04/2019
    r"|\d{3}/\d{1,2}/\d{1,2}\b"  # 1988/05/03
    r"|\d?-\d{1,2}-\d{4}\b"  # 03-05-1988
    r"|\d\.\d{2}\.\d{2}\b"  # 03.05.88
    rf"|\d?-{_MONTH}-(?:\d{{4}}|\d{{2}})\b"  # 27-Mar-2023
    rf"|\d?/{_MONTH}/\d{{4}}(?::\d{{2}}:\d{{2}}:\d{{2}}(?: [+-]\d{{4}})?)?"  # a web server's log
    rf"|\d?(?:st|nd|rd|th)?(?: of)? {_MONTH}\b\.?(?:,? \d{{4}}\b)?"  # 3rd of May (1988)
    rf"|\d?(?:\.|er|º|°)?(?: de)? {_LOCAL}\b\.?(?:,? (?:de(?:l)? )?\d{{4}}\b)?)"  # 3 de mayo
)

# A year on its own is a date only after a word that says so ("born in 1988", "since 2004",
# "from 1999", "Experience (2014-now)"); the Rust gate looks for those words, the Python pass for
# the year and ``_year_refine`` for the word.
_YEAR_WORDS = (
    "born",
    "birth",
    "dob",
    "since",
    "from",
    "in",
    "until",
    "till",
    "circa",
    "seit",
    "im jahr",
    "geboren",
    "desde",
    "en",
    "em",
    "depuis",
    "né en",
    "née en",
    "nacido en",
    "nacida en",
    "nascido em",
    "nascida em",
)
_YEAR_BEFORE = re.compile(
    r"(?i)(?:^|[^\w])(?:" + "|".join(re.escape(w) for w in _YEAR_WORDS) + r"):?[ ]+\(?$"
)
_YEAR_UNTIL_NOW = re.compile(r"[ ]?[–—-][ ]?(?i:now|present|today|current|heute|hoy|presente)\b")
_YEAR_GATE = (
    r"(?i)\b(?:" + "|".join(re.escape(w) for w in _YEAR_WORDS) + r"):?[ ]+\(?[12]\d{3}\b"
    r"|\b(?:19|20)\d{2}[ ]?[–—-][ ]?(?i:now|present|today|current|heute|hoy|presente)\b"
)
# A count rather than a year: "in 2000 units", "in 1500 ms".
_COUNTED = re.compile(r"[ ]?(?:%|[$€£]|[A-Za-z]+)")
_UNIT_WORDS = frozenset(
    "ms s sec m km cm mm kg g mg ml l px pt kb mb gb tb hz khz mhz rpm usd eur gbp dpi ppi fps "
    "kbps mbps mah kwh w kw v cc hp x".split()
)
_PLAIN_ENDINGS = ("ss", "us", "is", "as", "os", "wards", "ways")  # "this", "onwards", "always"

# Words after a day and month that make the pair a street ("12 May Street").
_STREET_AFTER = re.compile(
    r"[ ]+(?i:street|st|road|rd|avenue|ave|lane|ln|drive|dr|court|ct|place|pl|way|close|"
    r"crescent|square|sq|boulevard|blvd|terrace|park|gardens)\b"
)
_VERSION_BEFORE = re.compile(r"(?i)\b(?:version|ver|v|release|build|rev|firmware|fw)\.?[ :=\"']*$")
# Streets and squares named for a date ("Rue du 8 Mai 1945", "Cite 7 Novembre", "Plaza 2 de
# Mayo"): the date is part of the address there, not an event.
_STREET_BEFORE = re.compile(
    r"(?i)\b(?:rue|avenue|av|bd|boulevard|place|cité|cite|calle|avenida|plaza|praça|praca|rua|"
    r"street|st|road|square|piazza|via|viale|corso|largo)\.?(?: d[eu]| del| do| da)?[ ]+$"
)
_NUMERIC_RE = re.compile(_NUMERIC)
_NUMBER_BEFORE = re.compile(r"\d[./:,-]$")
_NUMBER_AFTER = re.compile(r"[./:,-]\d")
_FULL_YEAR = re.compile(r"[ -]\d{4}$")


def _word_start(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    return None if start and text[start - 1].isalnum() else (start, end, 0.85)


def _standalone(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    """The short shapes, unless they are a piece of a longer number ("1.10.12.20"), a version
    ("v 10.12.20") or a street named for a month ("12 May Street")."""
    if _NUMBER_BEFORE.search(text, max(0, start - 2), start):
        return None
    if _NUMBER_AFTER.match(text, end):
        return None
    if _VERSION_BEFORE.search(text, max(0, start - 12), start):
        return None
    if not text[end - 1].isdigit() and _STREET_AFTER.match(text, end):
        return None
    if _STREET_BEFORE.search(text, max(0, start - 14), start):
        return None
    if _NUMERIC_RE.fullmatch(text, start, end):
        return None  # "12 Dec 2021": date-time's own shape, reported once, by it
    # With its year, a day and month written in words is as sure as any full date, and must
    # outrank the month and year inside it ("3rd of May 1988" over "May 1988").
    full = _FULL_YEAR.search(text, start, end) and not text[start:end].count("/")
    return start, end, 0.85 if full else 0.7


def _year_refine(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    """A four-digit year after one of ``_YEAR_WORDS`` or before "-now", and not a count."""
    if _NUMBER_BEFORE.search(text, max(0, start - 2), start) or _NUMBER_AFTER.match(text, end):
        return None
    if _YEAR_UNTIL_NOW.match(text, end):
        return start, end, 0.6
    if not _YEAR_BEFORE.search(text, max(0, start - 14), start):
        return None
    counted = _COUNTED.match(text, end)
    if counted:
        word = counted.group().strip().lower()
        if not word.isalpha() or word in _UNIT_WORDS:
            return None
        if len(word) > 3 and word.endswith("s") and not word.endswith(_PLAIN_ENDINGS):
            return None  # a plural noun counts something: "in 1500 parcels"
    return start, end, 0.6


_SUFFIXES = re.compile(r"(?<=\d)(?:st|nd|rd|th|er|º|°)(?![a-z])", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s,./\-]+")
_CLOCK = re.compile(r":\d{2}:\d{2}:\d{2}(?: [+-]\d{4})?$")  # "14/Oct/2025:21:34:36 +0000"
_FILLERS = frozenset({"of", "de", "del"})
_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{4})")
_HYPHENATED = re.compile(r"\d{1,2}-\d{1,2}-\d{4}")


def date_value(value: str) -> bool:
    """A real calendar date (years 1900-2100) in any of the shapes above; a bare year."""
    if value.isdigit():
        return len(value) == 4 and 1900 <= int(value) <= 2100
    if m := _MONTH_YEAR.fullmatch(value):
        return 1 <= int(m[1]) <= 12 and 1900 <= int(m[2]) <= 2100
    if _HYPHENATED.fullmatch(value):
        return v.date_value(value.replace("-", "/"))
    if v.date_value(value):
        return True
    bare = _SUFFIXES.sub("", _CLOCK.sub("", value.lower()))
    words = [w for w in _SEPARATORS.split(bare) if w and w not in _FILLERS]
    if words and words[0] in _WEEKDAYS:
        words = words[1:]
    numbers = [w for w in words if w.isdigit()]
    months = [_MONTH_NUMBER.get(w, 0) for w in words if not w.isdigit()]
    if len(months) != 1 or not months[0] or not 1 <= len(numbers) <= 2:
        return False
    month = months[0]
    if len(numbers) == 1:
        n = numbers[0]
        if len(n) == 4:
            return 1900 <= int(n) <= 2100  # "May 2019"
        return len(n) <= 2 and v.real_date(2000, month, int(n))  # "3 May": a leap year
    day, year = numbers
    if len(day) > 2 or len(year) not in (2, 4):
        return False
    # strptime's %y: 69-99 are 1969-1999, 00-68 are 2000-2068.
    full = int(year) if len(year) == 4 else int(year) + (1900 if int(year) >= 69 else 2000)
    return v.real_date(full, month, int(day))


DETECTORS = (
    pii(
        "date-time",
        "DATE_TIME",
        (
            _NUMERIC,
            rf"\b{_MONTH}\.?,? (?:\d{{1,2}}(?:st|nd|rd|th)?,? )?\d{{4}}\b",
            rf"\b(?:{_WEEKDAY}), {_MONTH}\.? \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?\b",
            rf"\b{_MONTH}\.? {{1,2}}\d{{1,2}}(?:st|nd|rd|th)?(?: \d{{2}}:\d{{2}}:\d{{2}})?\b",
            # No leading ``\b``: Python's ``re`` then skips ahead to the names' first letters
            # (a case-insensitive pattern behind ``\b`` is tried at every position, most of the
            # date rows' time); ``_word_start`` checks the boundary.
            rf"(?:{_LOCAL_CASED})\.? (?:de(?:l)? )?\d{{4}}\b",
        ),
        positives=(
            "2024-05-01T10:00:00Z",
            "born 03/14/1985",
            "on March 3, 2023",
            "12 Dec 2021",
            "Sep  3 17:23:42 host sshd",
            "delivered Sunday, October 27",
            "ts=2025-10-25 04:02:03,695",
            "booked for 1988-05-03T10:00",
            "we moved there in June 2003",
            "employed Feb. 2020 to now",
            "see you Sept. 12",
            "desde mayo de 2019",
            "seit Oktober 2015",
        ),
        negatives=(
            "2024-13-45",
            "v1.2.3",
            "99/99/9999",
            "version 15.9.10",
            "may I ask",
            "mayo de 1850",
            "sent by email 2019",
        ),
        score=0.85,
        validator=date_value,
        refine=_word_start,
        whole_number=False,  # "12.05.2024" is one
        severity=Severity.LOW,
    ),
    pii(
        "date-short",
        "DATE_TIME",
        _SHORT_NUMERIC,
        positives=(
            "Date of birth: 05.04.45",
            "the money left my account on 27-Mar-2023",
            "graduated 04/2019",
            "born on the 3rd of May 1988",
            "booked for 3 May between 3pm and 5pm",
            "am 3. Mai 1988 geboren",
            "nacido el 3 de mayo de 1988",
            "nascida em 14 de março de 1990",
            "né le 1er mai 1988",
            "arrived 21st of February",
            "生年月日 1988/05/03",
            "DOB 03-05-1988",
            '10.0.0.7 - - [14/Oct/2025:21:34:36 +0000] "GET / HTTP/1.1"',
        ),
        negatives=(
            "version 10.12.20",
            "host 1.10.12.20 up",
            "price 12.99.95",
            "we live at 12 May Street",
            "Cite 7 Novembre",
            'version = "12.12.18"',
            "13/2019 of the batch",
            "30 de febrero de 2020",
            "at 10:15 or 3pm",
            "aged 45",
            "ref 13-13-2020",
            "part 12-34-5678",
        ),
        score=0.7,
        validator=date_value,
        refine=_standalone,
        whole_number=False,
        severity=Severity.LOW,
        description="Dates without a year, with a two-digit year or with a month and year only.",
    ),
    pii(
        "date-year",
        "DATE_TIME",
        r"\b[12]\d{3}\b",
        positives=(
            "I was born in 1996 in Rio",
            "employed by the bank since 2004.",
            "Old photo from 2000: my dad",
            "Experience at Acme (2014–now)",
            "the orchestra was founded in 2016.",
            "seit 1999 bei uns",
            "nacida en 1975 en Lima",
            "Year of birth: 1961",
            "with us from 1999 onwards",
        ),
        negatives=(
            "order 2019 shipped",
            "in 2000 units",
            "in 1500 ms",
            "it costs 1999 dollars",
            "aged 45, born in 1850",
            "in 2019.5 seconds",
            "room 2010",
        ),
        score=0.6,
        validator=date_value,
        refine=_year_refine,
        whole_number=False,
        severity=Severity.LOW,
        prefilter=lambda: _YEAR_GATE,
        description="A year after words that make it one: born in, since, from, in.",
    ),
)
