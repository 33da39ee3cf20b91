"""What a column's name says it holds, as an entity type (one piece of column evidence)."""

from __future__ import annotations

import re

# Each pattern matches whole tokens of the normalised name (see :func:`normalise`): it must start
# at a token and end at one, so "cell" is no hint in "cancellation_policy" nor "city" in
# "capacity". Names written as one word ("phonenumber", "zipcode", "firstname") are spelled out.
_HINTS: tuple[tuple[str, str], ...] = (
    (r"e_?mails?(_?addr(ess)?(es)?)?", "EMAIL_ADDRESS"),
    (
        r"((cell|mobile|home|work|contact|tele)_?)?phones?(_?(numbers?|no|num|nr))?"
        r"|mobile(_?(number|no|num))?|cell|tel(ephone)?(_?(number|no|num))?|fax|msisdn",
        "PHONE_NUMBER",
    ),
    (r"ssn|social_?security(_?(number|no|num))?", "US_SSN"),
    (
        r"card(_?(number|no|num))?$|cc_?(number|num|no)|pan$|credit_?card(_?(number|no|num))?",
        "CREDIT_CARD",
    ),
    (r"iban", "IBAN_CODE"),
    (r"ip(_?v?[46])?(_?addr(ess)?)?$|client_?ip|remote_?addr", "IP_ADDRESS"),
    (r"mac(_?addr(ess)?)?$", "MAC_ADDRESS"),
    (r"(first|last|full|given|family|sur|user|customer|display)_?name$|^name$", "PERSON"),
    (
        r"(street_?|home_?|billing_?|shipping_?|mailing_?|postal_?)?addr(ess)?(es)?"
        r"|street|city|town|zip(_?code)?|post_?code|postal(_?code)?",
        "LOCATION",
    ),
    (
        r"dob|birth(_?date|day)?|born(_?on)?|date(_?of_?birth|time)?|time(stamp)?|at$|ts$",
        "DATE_TIME",
    ),
    (r"passport", "US_PASSPORT"),
    (r"licen[cs]es?", "US_DRIVER_LICENSE"),
    (r"urls?|links?|website", "URL"),
    (r"tokens?|secrets?|api_?keys?|passwords?|passwd|credentials?", "SECRET"),
)
_COMPILED = tuple((re.compile(rf"(?:^|_)(?:{p})(?![a-z0-9])"), e) for p, e in _HINTS)

# GDPR Art. 9 special categories. Checked first because some of these names contain a shorter
# hint above ("ethni-city" is not a city, "union_members-hip" is not an IP address, "sickle_cell"
# is not a phone), but written narrowly enough not to take a name those hints should keep
# ("medical_license", "product_condition", "image_orientation", "key_fingerprint").
_SPECIAL_HINTS: tuple[tuple[str, str], ...] = (
    (
        r"diagnos|medical_?(condition|history|record|notes?|data|info)|health_?(condition|status"
        r"|record|data|info|issue)|illness|disease|disabilit|medications?$|prescription|allerg"
        r"|symptom|icd_?(9|10|11)|blood_?type|pregnan|sickle_?cell|hiv",
        "HEALTH_DATA",
    ),
    (r"religio|faith|denomination", "RELIGIOUS_BELIEF"),
    (r"ethnic|racial|(^|_)race($|_)|skin_?colou?r", "ETHNIC_ORIGIN"),
    (r"sexual|sexuality|lgbt", "SEXUAL_ORIENTATION"),
    (r"politic|party_?affiliation|voting_?intention|vote_?intent", "POLITICAL_OPINION"),
    (
        r"union_?(member|membership|status|dues|rep)|trade_?union|labou?r_?union|unioni[sz]ed",
        "TRADE_UNION_MEMBERSHIP",
    ),
    (
        r"^(?!.*(key|sha|md5|hash|device|browser|file|cert|ssh|gpg|pgp|tls|ssl|commit|audio))"
        r".*(finger_?print|thumb_?print)|biometric|face_?(print|template|embedding|encoding|scan)"
        r"|facial|iris_?(scan|template|code|image)|retina|voice_?print|palm_?(print|vein)",
        "BIOMETRIC_DATA",
    ),
    (
        r"genotype|genome|genetic|(^|_)dna($|_)|(^|_)snps?($|_)|allele|rsid|haplogroup|brca",
        "GENETIC_DATA",
    ),
)
# Special-category patterns are word stems ("diagnos", "religio"): they start at a token.
_SPECIAL = tuple((re.compile(rf"(?:^|_)(?:{p})"), e) for p, e in _SPECIAL_HINTS)
# A date, id, link or key about a special-category attribute is that kind of column first.
_SPECIAL_SKIP = re.compile(r"(^|_)(date|time|at|on|id|ids|url|link|token|key|count|by)$")
SPECIAL_CATEGORY_ENTITIES = frozenset(e for _, e in _SPECIAL_HINTS)


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=[0-9])")
_BIRTH = re.compile(r"(?:^|_)(?:dob|birth(_?date|day)?|born(_?on)?|date_?of_?birth)(?![a-z0-9])")


def tokens(column: str) -> list[str]:
    """The lower-case words of a column name in snake_case, camelCase, kebab-case or spaces;
    digits are a token of their own (``addressLine1`` -> address, line, 1)."""
    return [t for t in re.split(r"[^a-z0-9]+", _CAMEL.sub("_", column).lower()) if t]


def normalise(column: str) -> str:
    """The tokens of ``column`` joined by ``_``: what the name patterns are matched against."""
    return "_".join(tokens(column))


def matches_tokens(pattern: re.Pattern[str], column: str) -> bool:
    """Whether ``pattern`` (written for :func:`normalise`'s form, anchored at tokens) matches."""
    return pattern.search(normalise(column)) is not None


def is_birth_date(column: str) -> bool:
    """A name that says date of birth (``dob``, ``birth_date``, ``DateOfBirth``): a sensitive
    date, unlike an event time (``created_at``, ``signup_ts``)."""
    return matches_tokens(_BIRTH, column)


def name_hint(column: str) -> str | None:
    norm = normalise(column)
    if not _SPECIAL_SKIP.search(norm):
        for pattern, entity in _SPECIAL:
            if pattern.search(norm):
                return entity
    for pattern, entity in _COMPILED:
        if pattern.search(norm):
            return entity
    return None
