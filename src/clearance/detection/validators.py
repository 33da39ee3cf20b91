"""Validators backed by maintained libraries: python-stdnum, phonenumbers and ``ipaddress``.

Each takes the matched text and answers whether it is a real value of its kind. They run only on
the candidates the Rust prefilter found, so they may be slow per call.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from types import ModuleType
from typing import Any

import phonenumbers
from stdnum import luhn

_NON_DIGIT = re.compile(r"\D")
_SEPARATORS = re.compile(r"[^0-9A-Za-z]")


def digits(value: str) -> str:
    return _NON_DIGIT.sub("", value)


def stdnum_valid(module: ModuleType, compact: bool = False) -> Callable[[str], bool]:
    """``module.is_valid`` of a python-stdnum format; ``compact`` strips every non-alphanumeric
    separator first, for formats whose stdnum module only strips dashes."""
    check: Callable[[str], bool] = module.is_valid

    def validate(value: str) -> bool:
        if compact:
            value = _SEPARATORS.sub("", value)
        if len(set(digits(value))) <= 1:  # 111-111-111: passes several checksums, never real
            return False
        try:
            return bool(check(value))
        except Exception:  # stdnum raises on odd input in a few formats
            return False

    return validate


# IIN prefixes per network and the lengths each issues (ISO/IEC 7812 as the networks publish
# them; Faker's card table agrees): (lowest prefix, highest prefix, lengths). Prefixes are
# compared as strings of the same width, so "0604" keeps its leading zero.
_ANY = tuple(range(12, 20))
_CARD_RANGES: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("4", "4", (13, 16, 19)),  # Visa
    ("51", "55", (16,)),  # Mastercard
    ("2221", "2720", (16,)),  # Mastercard 2-series
    ("34", "34", (15,)),  # American Express
    ("37", "37", (15,)),
    ("6011", "6011", (16, 17, 18, 19)),  # Discover
    ("644", "649", (16, 17, 18, 19)),
    ("65", "65", (16, 17, 18, 19)),
    ("3528", "3589", (16, 17, 18, 19)),  # JCB
    ("2131", "2131", (15,)),  # JCB, 15 digits
    ("1800", "1800", (15,)),
    ("300", "305", (14, 15, 16, 17, 18, 19)),  # Diners Club
    ("36", "36", (14, 15, 16, 17, 18, 19)),
    ("38", "39", (14, 15, 16, 17, 18, 19)),
    ("62", "62", (16, 17, 18, 19)),  # UnionPay
    ("50", "50", _ANY),  # Maestro: 12 to 19 digits
    ("56", "58", _ANY),
    ("639", "639", _ANY),
    ("6304", "6304", _ANY),
    ("6759", "6759", _ANY),
    ("6761", "6763", _ANY),
    ("0604", "0604", _ANY),
    ("2200", "2204", (16, 17, 18, 19)),  # Mir
)
CARD_LENGTHS = range(
    min(n for *_, lengths in _CARD_RANGES for n in lengths),
    max(n for *_, lengths in _CARD_RANGES for n in lengths) + 1,
)


def card_brand_ok(number: str) -> bool:
    for low, high, lengths in _CARD_RANGES:
        if len(number) in lengths and low <= number[: len(low)] <= high:
            return True
    return False


def credit_card(value: str) -> bool:
    number = digits(value)
    if len(number) not in CARD_LENGTHS:
        return False
    # Separators must be consistent: "4111 1111 1111 1111" yes, "4111 11-11 1111" no.
    seps = {c for c in value if not c.isdigit()}
    if len(seps) > 1:
        return False
    return card_brand_ok(number) and luhn.is_valid(number)


# Shapes that are something else: dates, IPv4, SSN (3-2-4), ZIP+4 (5-4), card and tracking
# groups (4-4-4, 4-6-5), product codes (2-4-2).
_NOT_PHONE_SHAPE = re.compile(
    r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,3}(?:\.\d{1,3}){3}"
    r"|\d{3}-\d{2}-\d{4}|\d{5}-\d{4}|\d{4}[ -]\d{4}[ -]\d{4}(?:[ -]\d{1,4})?"
    r"|\d{4}[ -]\d{6}[ -]\d{4,5}|\d{2}-\d{4}-\d{2}"
)
_PHONE_REGIONS = ("US", "GB", "DE", "FR", "ES", "IT", "NL", "IN", "AU", "CA", "BR", "IE")


# An extension after the number ("x7954", " ext. 12", " extension 3"): phonenumbers reads it
# too; it must read the same digits.
_PHONE_EXTENSION = re.compile(r" ?(?:[xX]|[eE]xt\.?|[eE]xtension) ?(\d{1,6})$")
# The North American grouping 3-3-4, with "+1", "001" or "1" before it and the area code
# optionally in parentheses: (360)508-4207, 705-489-6428, +1-977-427-0543, 842.608.6164.
_NANP_SHAPE = re.compile(r"(?:(?:\+1|001|1)[ .-]?)?(?:\(\d{3}\) ?|\d{3}[ .-])\d{3}[ .-]\d{4}")
PHONE_VALID = 2
PHONE_POSSIBLE = 1


@lru_cache(maxsize=65536)
def phone_kind(value: str) -> int:
    """:data:`PHONE_VALID` for a number phonenumbers finds valid for its country (extension
    included), :data:`PHONE_POSSIBLE` for a North American number written in the 3-3-4
    grouping whose area code or exchange is not assigned (yet phonenumbers finds it of a
    possible length: test data, Faker's ``phone_number``, numbers typed into forms), else 0."""
    text = value.strip()
    ext = _PHONE_EXTENSION.search(text)
    body = text[: ext.start()] if ext else text
    number = digits(body)
    if not 7 <= len(number) <= 15 or _NOT_PHONE_SHAPE.fullmatch(body):
        return 0
    international = body.startswith(("+", "00"))
    if not international and len(number) > 11:
        return 0  # national numbers are at most 11 digits; longer runs are ids or cards
    # A bare run of digits with no separator or "+" is as likely an order number as a phone.
    if body.isdigit() and len(body) not in (10, 11):
        return 0
    regions: tuple[str | None, ...] = (None,) if international else _PHONE_REGIONS
    if body.startswith("00"):
        text = "+" + text[2:]
    nanp = _NANP_SHAPE.fullmatch(body) is not None
    gates = _gates() if not international and _PLAIN_NATIONAL.fullmatch(body) else None
    possible = False
    for i, region in enumerate(regions):
        if gates is not None and not (gates[i].north_american and nanp):
            if not _may_be_valid(number, gates[i]):
                continue  # no parse for this region can be valid: the same answer, no parse
        try:
            parsed = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if (parsed.extension or None) != (ext.group(1) if ext else None):
            continue  # phonenumbers read the text otherwise
        if phonenumbers.is_valid_number(parsed):
            return PHONE_VALID
        possible = possible or (
            parsed.country_code == 1 and phonenumbers.is_possible_number(parsed)
        )
    return PHONE_POSSIBLE if possible and nanp else 0


# A national number written with ASCII digits and the usual separators only: what phonenumbers
# parses of it is its digits, so :func:`_plausible_regions` can tell from them alone which
# regions could find it valid.
_PLAIN_NATIONAL = re.compile(r"[0-9][0-9 ().-]*|\([0-9][0-9 ().-]*")


@dataclass(frozen=True)
class _RegionGate:
    """What phonenumbers' metadata says of how one region parses a national number."""

    region: str
    code: str  # its country calling code, which a national number may start with
    idd: re.Pattern[str]  # its international prefix: then the number is read as international
    # its national prefixes (its own and its country's main region's, whose metadata the parse
    # switches to when it reads the country code): each is stripped from the front
    prefixes: tuple[re.Pattern[str], ...]
    rewrites: bool  # a national prefix may rewrite the number after it (Brazil): parsed then
    # a number of one of its country's regions: their general pattern and one of their types
    national: re.Pattern[str]
    north_american: bool  # country code 1: phone_kind also asks whether it is possible


# The number types phonenumbers' validity tries after the general pattern (``_number_type_helper``):
# a valid number matches its region's general pattern and one of these.
_NUMBER_TYPES = (
    "premium_rate",
    "toll_free",
    "shared_cost",
    "voip",
    "personal_number",
    "pager",
    "uan",
    "voicemail",
    "fixed_line",
    "mobile",
)


@lru_cache(maxsize=1)
def _gates() -> tuple[_RegionGate, ...]:
    """The gate of each of :data:`_PHONE_REGIONS`, from phonenumbers' own metadata (typed
    loosely there: every region listed has it)."""
    from phonenumbers import PhoneMetadata
    from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE

    out = []
    for region in _PHONE_REGIONS:
        meta: Any = PhoneMetadata.metadata_for_region(region)
        members = COUNTRY_CODE_TO_REGION_CODE.get(meta.country_code, ())
        patterns = []
        for other in members:
            desc: Any = PhoneMetadata.metadata_for_region(other)
            general = desc.general_desc.national_number_pattern if desc else None
            types = [
                f"(?:{d.national_number_pattern})"
                for d in (getattr(desc, name, None) for name in _NUMBER_TYPES)
                if d is not None and d.national_number_pattern
            ]
            if general and types:
                patterns.append(f"(?=(?:{general})\\Z)(?:{'|'.join(types)})")
        main: Any = PhoneMetadata.metadata_for_region(members[0]) if members else meta
        both = (meta, main) if main is not None else (meta,)
        prefixes = {m.national_prefix_for_parsing for m in both} - {None, ""}
        idd = meta.international_prefix
        out.append(
            _RegionGate(
                region=region,
                code=str(meta.country_code),
                idd=re.compile(idd) if idd else re.compile(r"(?!)"),
                prefixes=tuple(re.compile(p) for p in sorted(prefixes)),
                rewrites=any(m.national_prefix_transform_rule for m in both),
                national=re.compile("|".join(patterns) or "(?!)"),
                north_american=meta.country_code == 1,
            )
        )
    return tuple(out)


def _may_be_valid(number: str, gate: _RegionGate) -> bool:
    """Whether phonenumbers' parse of the plain national number ``number`` (digits) for
    ``gate``'s region could be valid: its national significant number is ``number`` less its
    country code (when it starts with it) and up to two national prefixes, and must match the
    country's general pattern."""
    if gate.idd.match(number):
        return True  # read as international: any country
    starts = [number]
    if number.startswith(gate.code):
        starts.append(number[len(gate.code) :])
    seen = set(starts)
    frontier = starts
    for _ in range(2):
        stripped = []
        for head in frontier:
            for prefix in gate.prefixes:
                m = prefix.match(head)
                if m is None:
                    continue
                if gate.rewrites and m.groups() and m.groups()[-1] is not None:
                    return True  # rewritten, not stripped (phonenumbers' own condition)
                rest = head[m.end() :]
                if rest not in seen:
                    seen.add(rest)
                    stripped.append(rest)
        frontier = stripped
    return any(gate.national.fullmatch(n) for n in seen)


def phone_number(value: str) -> bool:
    return phone_kind(value) > 0


def ip_address(value: str) -> bool:
    if ":" in value and "." not in value and "::" not in value and value.count(":") != 7:
        # An IPv6 address without "::" has eight groups; this is a clock time ("12:30:45")
        # or a MAC-like code, and failing here is much cheaper than ipaddress's exception.
        return False
    return ip_address_by_library(value)


def ip_address_by_library(value: str) -> bool:
    """:func:`ip_address` without its shortcut: what ``ipaddress`` accepts, less 0.0.0.0."""
    try:
        addr = ipaddress.ip_address(value)
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv4Address):
        # Version strings like 1.2.3.4 are far more common than that address.
        return not addr.is_unspecified
    return value.count(":") >= 2


def email_address(value: str) -> bool:
    local, _, domain = value.rpartition("@")
    if not local or ".." in value or domain.startswith((".", "-")):
        return False
    tld = domain.rsplit(".", 1)[-1]
    return tld.isalpha() and 2 <= len(tld) <= 24


# Each candidate used to go through ~20 ``strptime`` formats (most of the DATE_TIME cost). The
# shape of the text already says which field is where, so one regex per shape picks the fields and
# ``date()`` checks the calendar.
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_Y_M_D = re.compile(r"(\d{4})([-/])(\d{1,2})\2(\d{1,2})")
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})")
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})")
_MONTH_DAY = re.compile(r"([A-Za-z]{3,9})(\.?) (\d{1,2})(?:(?:, ?| )(\d{4}))?")
_DAY_MONTH = re.compile(r"(\d{1,2}) ([A-Za-z]{3,9})(\.?)(?:, ?| )(\d{4})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WEEKDAY_PREFIX = re.compile(r"^[A-Za-z]{3,9}, ")
_TIME_SUFFIX = re.compile(r" \d{1,2}:\d{2}(?::\d{2})?$")
_ORDINAL = re.compile(r"(\d)(?:st|nd|rd|th)\b")


def real_date(year: int, month: int, day: int) -> bool:
    """A calendar date between 1900 and 2100."""
    if not 1900 <= year <= 2100:
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _year(text: str) -> int:
    # strptime's %y: 69-99 are 1969-1999, 00-68 are 2000-2068.
    year = int(text)
    if len(text) == 2:
        year += 1900 if year >= 69 else 2000
    return year


def _month(name: str, dotted: bool) -> int:
    """Month number of a full or abbreviated English month name, 0 if it is none."""
    low = name.lower()
    if dotted and len(low) > 4:
        return 0  # "March." is no abbreviation
    return _MONTHS.get(low, 0)


def date_value(value: str) -> bool:
    """A real calendar date (year 1900-2100) in a numeric or month-name format. Numeric dates
    with slashes may be month-first or day-first; a date without a year may be Feb 29."""
    text = _WEEKDAY_PREFIX.sub("", " ".join(value.split()))
    iso = _ISO_DATE.match(text)
    if iso:
        text = iso.group()
    text = _TIME_SUFFIX.sub("", text)
    text = _ORDINAL.sub(r"\1", text)
    if m := _Y_M_D.fullmatch(text):
        return real_date(int(m[1]), int(m[3]), int(m[4]))
    if m := _SLASHED.fullmatch(text):
        a, b, year = int(m[1]), int(m[2]), _year(m[3])
        return real_date(year, a, b) or real_date(year, b, a)
    if m := _DOTTED.fullmatch(text):
        return real_date(_year(m[3]), int(m[2]), int(m[1]))
    if m := _MONTH_DAY.fullmatch(text):
        month = _month(m[1], bool(m[2]))
        return bool(month) and real_date(int(m[4]) if m[4] else 2000, month, int(m[3]))
    if m := _DAY_MONTH.fullmatch(text):
        month = _month(m[2], bool(m[3]))
        return bool(month) and real_date(int(m[4]), month, int(m[1]))
    return False


def dea_number(value: str) -> bool:
    """DEA registration number: two letters, six digits and a check digit."""
    d = [int(c) for c in value[2:]]
    if len(d) != 7:
        return False
    total = d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])
    return total % 10 == d[6]


_NINO_BAD_PREFIX = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}


def uk_nino(value: str) -> bool:
    """HMRC's published prefix rules (python-stdnum has no NINO module)."""
    text = re.sub(r"\s", "", value).upper()
    if len(text) != 9:
        return False
    first, second = text[0], text[1]
    if first in "DFIQUV" or second in "DFIOQUV" or text[:2] in _NINO_BAD_PREFIX:
        return False
    return text[-1] in "ABCD"


def not_repetitive(value: str) -> bool:
    body = digits(value) or value
    return len(set(body)) > 2
