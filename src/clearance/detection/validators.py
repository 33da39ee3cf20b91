"""Validators backed by maintained libraries: python-stdnum, phonenumbers and ``ipaddress``.

Each takes the matched text and answers whether it is a real value of its kind. They run only on
the candidates the Rust prefilter found, so they may be slow per call.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from types import ModuleType

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


# IIN ranges per brand: (first-digits range low, high, allowed lengths).
_CARD_RANGES: tuple[tuple[int, int, tuple[int, ...]], ...] = (
    (4, 4, (13, 16, 19)),  # Visa
    (51, 55, (16,)),  # Mastercard
    (2221, 2720, (16,)),  # Mastercard 2-series
    (34, 34, (15,)),  # American Express
    (37, 37, (15,)),
    (6011, 6011, (16, 17, 18, 19)),  # Discover
    (644, 649, (16, 17, 18, 19)),
    (65, 65, (16, 17, 18, 19)),
    (3528, 3589, (16, 17, 18, 19)),  # JCB
    (300, 305, (14, 15, 16, 17, 18, 19)),  # Diners Club
    (36, 36, (14, 15, 16, 17, 18, 19)),
    (38, 39, (14, 15, 16, 17, 18, 19)),
    (62, 62, (16, 17, 18, 19)),  # UnionPay
    (50, 50, (12, 13, 14, 15, 16, 17, 18, 19)),  # Maestro
    (56, 58, (12, 13, 14, 15, 16, 17, 18, 19)),
    (639, 639, (12, 13, 14, 15, 16, 17, 18, 19)),
    (6759, 6759, (12, 13, 14, 15, 16, 17, 18, 19)),
    (2200, 2204, (16, 17, 18, 19)),  # Mir
)


def card_brand_ok(number: str) -> bool:
    for low, high, lengths in _CARD_RANGES:
        width = len(str(low))
        if low <= int(number[:width]) <= high and len(number) in lengths:
            return True
    return False


def credit_card(value: str) -> bool:
    number = digits(value)
    if not 13 <= len(number) <= 19:
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


@lru_cache(maxsize=65536)
def phone_number(value: str) -> bool:
    text = value.strip()
    number = digits(text)
    if not 7 <= len(number) <= 15 or _NOT_PHONE_SHAPE.fullmatch(text):
        return False
    if not text.startswith(("+", "00")) and len(number) > 11:
        return False  # national numbers are at most 11 digits; longer runs are ids or cards
    # A bare run of digits with no separator or "+" is as likely an order number as a phone.
    if text.isdigit() and len(text) not in (10, 11):
        return False
    regions: tuple[str | None, ...] = (None,) if text.startswith(("+", "00")) else _PHONE_REGIONS
    if text.startswith("00"):
        text = "+" + text[2:]
    for region in regions:
        try:
            parsed = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return True
    return False


def ip_address(value: str) -> bool:
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


_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%m/%d/%y",
    "%d.%m.%Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d %Y",
    "%b %d %Y",
    "%b. %d, %Y",
    "%d/%m/%y",
    "%d.%m.%y",
    "%d %B, %Y",
    "%d %b, %Y",
    "%B %d",
    "%b %d",
    "%b. %d",
)


def date_value(value: str) -> bool:
    text = _WEEKDAY_PREFIX.sub("", " ".join(value.split()))
    iso = _ISO_DATE.match(text)
    if iso:
        text = iso.group()
    text = _TIME_SUFFIX.sub("", text)
    cleaned = _ORDINAL.sub(r"\1", text).replace(",", ", ").replace(",  ", ", ")
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
        return 1900 <= parsed.year <= 2100
    return False


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_WEEKDAY_PREFIX = re.compile(r"^[A-Za-z]{3,9}, ")
_TIME_SUFFIX = re.compile(r" \d{1,2}:\d{2}(?::\d{2})?$")
_ORDINAL = re.compile(r"(\d)(?:st|nd|rd|th)\b")


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
