"""E-mail addresses, phone numbers and URLs."""

from __future__ import annotations

import re

from clearance.core.severity import Severity
from clearance.detection import validators as v
from clearance.detection.pii._rule import BUSINESS_NUMBER_WORDS, in_decimal, pii
from clearance.detection.pii.datetime import date_value

# Top-level domains common enough to mark a scheme-less "name.tld/path" as a link.
_TLDS = (
    "com|org|net|io|me|co|dev|app|info|biz|blog|page|site|xyz|tv|ai|eu|us|uk|de|fr|es|it|nl|"
    "pt|br|in|ca|au|ch|at|be|se|no|dk|fi|pl|ru|jp|cn|kr|mx|ar|cl|za|ng|ke|tr|ie|nz"
)


def _url_refine(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    while end > start and text[end - 1] in ".,;:!?)]}'\"":
        end -= 1
    return (start, end, 0.6) if end - start > 10 else None


# A group of 2+ digits right before or after the candidate: it is a piece of a longer grouped
# number ("Tracking 9400 6645 4628 9149", a card typed in fours), not a phone number.
_GROUP_BEFORE = re.compile(r"\d{2}[ .-]$")
_GROUP_AFTER = re.compile(r"[ .-]\d{2}")
_DECIMAL = re.compile(r"\d+\.\d+")  # "[7337.382853]" in a kernel log
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # "2025-10-25 04" from a timestamp
_HTTP_STATUS = re.compile(r"HTTP/[\d.]+\"? $")  # 'HTTP/1.1" 201 22724': status and size


def _phone_refine(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    # "ORD-2024-000123", "INV/2024/5551234": digits glued to a code are part of an identifier.
    if start >= 2 and text[start - 1] in "-/#_" and text[start - 2].isalnum():
        return None
    if end < len(text) and (text[end].isalpha() or text[end] in "-_/"):
        return None
    value = text[start:end]
    if _DECIMAL.fullmatch(value) or _ISO_DATE.match(value) or in_decimal(text, start, end):
        return None
    if _HTTP_STATUS.search(text, max(0, start - 12), start):
        return None
    if not value.startswith(("+", "(")) and (
        _GROUP_BEFORE.search(text, max(0, start - 3), start)
        or _GROUP_AFTER.match(text, end, end + 3)
    ):
        return None
    # An explicit international prefix is strong evidence on its own: phonenumbers then validates
    # the number for its own country, without guessing a region. It also outranks a shorter id
    # (driver's licence, NHS number) that a context word lends to digits inside it.
    kind = v.phone_kind(value)
    if not kind:
        return None
    if kind == v.PHONE_POSSIBLE:
        return start, end, 0.45  # a North American shape only: a phone column or word says more
    international = text.startswith("+", start) or text.startswith("00", start)
    return start, end, 0.85 if international else 0.65


# A national number as each country writes it ("06 12112923", "(11) 99979-7681", "34 33 96",
# "0313 0898492") is, to phonenumbers, valid somewhere for most digit runs of its length: the
# shape says little. A label right before it ("Mobile:", "Fax:", "call me on", "Ruf mich an:")
# or after it ("-Office", "(home)") is what tells a phone from an order number or a postcode.
_LABELS = (
    "phone|telephone|tel|tél|téléphone|telefon|telefone|teléfono|telefono|mobile|mob|cell|"
    "cellphone|fax|desk|whatsapp|handy|móvil|movil|celular|portable|call|ring|ruf|reach|contact"
)
_LABEL_BEFORE = re.compile(rf"(?i)\b(?:{_LABELS})\b([^\n\d]{{0,16}})$")
# What may stand between the label and the number: punctuation, a name ("Contact Mrs Bui on")
# and joining words ("call me back on", "Ruf mich an:"); any other word ("Call volume reached
# 1 204 500") says the number is something else.
_JOINING = frozenset(
    "me us him her them back on at to is are be no nr number num or and anytime directly under "
    "via the my our his their mich uns an unter al au en em pelo por".split()
)
_GAP_WORD = re.compile(r"[^\W\d_]+")
_SUFFIX_LABELS = "office|fax|mobile|home|work|cell|desk"
_LABEL_AFTER = re.compile(rf"[- ]?\(?(?i:{_SUFFIX_LABELS})\b")
_LABELLED_GATE = rf"(?i)\b(?:{_LABELS})\b[^\n\d]{{0,16}}[(\d]|\d[- ]?\(?(?:{_SUFFIX_LABELS})\b"
_BUSINESS_BEFORE = re.compile(
    r"(?i)\b(?:" + "|".join(BUSINESS_NUMBER_WORDS) + r"|account|acct|iban|card|zip|postcode)\b"
)
_NOT_NATIONAL = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}|\d+[.,]\d{1,2}")  # an IPv4, an amount


def _labelled_phone_refine(text: str, start: int, end: int) -> tuple[int, int, float] | None:
    if start >= 2 and text[start - 1] in "-/#_" and text[start - 2].isalnum():
        return None
    after = _LABEL_AFTER.match(text, end)
    if end < len(text) and (text[end].isalnum() or text[end] in "_/") and not after:
        return None
    if text[end : end + 1] == "-" and not after:
        return None
    value = text[start:end]
    if not 6 <= len(v.digits(value)) <= 15 or _NOT_NATIONAL.fullmatch(value):
        return None
    before = _LABEL_BEFORE.search(text, max(0, start - 40), start)
    if before and not all(
        w in _JOINING or w[0].isupper() for w in _GAP_WORD.findall(before.group(1))
    ):
        before = None
    if not before and not after:
        return None
    # after the label test: most unlabelled numbers end there, and a date's parse costs more
    if in_decimal(text, start, end) or date_value(value):
        return None
    if _BUSINESS_BEFORE.search(text, max(0, start - 24), start):
        return None
    return start, end, 0.8 if v.phone_kind(value) == v.PHONE_VALID else 0.6


# The extension is part of the span: "705-489-6428x7954", "842.608.6164 ext. 12".
_EXT = r"(?: ?(?:[xX]|[eE]xt\.?|[eE]xtension) ?\d{1,6})?\b"


DETECTORS = (
    pii(
        "email",
        "EMAIL_ADDRESS",
        r"\b[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,24}\b",
        positives=("jane.doe@example.com", "Contact: Hans.Müller+shop@mail.co.uk"),
        negatives=("jane.doe@localhost", "user@@example.com", "@handle on twitter"),
        score=0.95,
        validator=v.email_address,
        description="RFC 5322-style address with a real top-level domain.",
    ),
    pii(
        "phone",
        "PHONE_NUMBER",
        (
            # Groups up to 8 digits: Dutch mobiles are written "+31 6 12345678".
            r"\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,12}(?:[ .-]\d{1,8}){0,5}" + _EXT,
            r"\(\d{2,4}\)[ .-]?\d{2,4}(?:[ .-]\d{2,6}){1,4}" + _EXT,
            r"\b\d{1,5}(?:[ .-]\d{2,6}){2,5}" + _EXT,
            r"\b\d{3,5}[ .-]\d{4,8}" + _EXT,
            r"\b\d{10,11}" + _EXT,
        ),
        positives=(
            "call me at (212) 555-0187 tomorrow",
            "+44 20 7946 0958",
            "Tel: +49 30 901820",
            "my cell is 415.555.2671",
            "+91 98765 43210",
            "+31 6 12368017",
            "1-702-873-0806",
            "WhatsApp +14155552671",
            "705-489-6428x7954",
            "(360)508-4207x89074",
            "+1-977-427-0543x743",
            "001-259-740-1522x92829",
            "842.608.6164 ext. 12",
        ),
        negatives=(
            "order 100234567",
            "2024-05-01",
            "12345",
            "version 1.2.3.4",
            "price 1,299.00",
            "ORD-2024-000123",
            "Tracking 9400 6645 4628 9149 0000",
            "kernel: [7337.382853] eth0 up",
            "ts=2025-10-25 04:11:09",
            '"GET / HTTP/1.1" 201 22724',
            "ratio 0.4155552671",
            "123-45-6789x12",
        ),
        score=0.65,
        validator=v.phone_number,
        refine=_phone_refine,
        refine_narrows=True,
        context=("phone", "call", "tel", "mobile", "cell", "whatsapp", "fax", "contact", "text me"),
        anti_context=BUSINESS_NUMBER_WORDS,
        context_boost=0.25,
        severity=Severity.MEDIUM,
        description="Phone numbers in any country format, validated by phonenumbers.",
    ),
    pii(
        "phone-labelled",
        "PHONE_NUMBER",
        (
            r"\(\d{1,4}\)[ .-]?\d{2,6}(?:[ .-]\d{2,6}){0,4}",
            r"\b\d{1,6}(?:[ .-]\d{1,8}){0,5}",
        ),
        positives=(
            "Contact Mrs Bui on 06 12112923 to rebook.",
            "He'll ring (11) 99979-7681 when he's outside.",
            "Ruf mich an: 01519 9094942. LG",
            "Mobile: 031-773-468\nFax: 34 33 96",
            "0313 0898492-Office,(02) 6766 4988-Fax",
            "Can someone call me on 26 965161?",
        ),
        negatives=(
            "Call about order 12 345678 today",
            "contact: 192.168.10.24",
            "Call me on 12.05.2024 at noon",
            "Phone bill 1 299,50 due",
            "call me at 3pm, room 12",
            "Call me at 10:30, desk 12",
            "Call volume reached 1 204 500 in March",
            "Reach 1000000 users",
            "zip 94107 1234, call soon",
            "invoice 2024 88120 ring binder",
        ),
        score=0.6,
        refine=_labelled_phone_refine,
        refine_narrows=True,
        whole_number=False,
        severity=Severity.MEDIUM,
        prefilter=lambda: _LABELLED_GATE,
        description="National numbers of any country after a phone label (Mobile:, Fax:, call).",
    ),
    pii(
        "url",
        "URL",
        (
            r"\bhttps?://[^\s\"'<>`]{3,2000}",
            r"\bwww\.[A-Za-z0-9-]{2,63}\.[^\s\"'<>`]{2,2000}",
            # A profile written without its scheme: "linkedin.com/in/jdoe", "github.com/jdoe".
            rf"\b(?:[A-Za-z0-9-]{{1,63}}\.){{1,4}}(?:{_TLDS})/[^\s\"'<>`]{{2,2000}}",
        ),
        positives=(
            "see https://shop.example.com/orders?id=7",
            "www.example.org/profile",
            "Website: linkedin.com/in/jane-doe-7ec4 | Server",
            "follow instagram.com/fang.wang for pics",
        ),
        negatives=("http:/broken", "wwwexample", "see src/utils.py/x", "ratio 3.14/2.0", "a.com/"),
        score=0.6,
        refine=_url_refine,
        severity=Severity.LOW,
    ),
)
