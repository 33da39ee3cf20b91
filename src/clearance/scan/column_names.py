"""What a column's name says it holds, as an entity type (one piece of column evidence)."""

from __future__ import annotations

import re

_HINTS: tuple[tuple[str, str], ...] = (
    (r"e_?mail", "EMAIL_ADDRESS"),
    (r"phone|mobile|cell|tel(ephone)?$|fax|msisdn", "PHONE_NUMBER"),
    (r"ssn|social_?security", "US_SSN"),
    (r"card_?(number|no|num)?$|cc_?(number|num)|pan$|credit_?card", "CREDIT_CARD"),
    (r"iban", "IBAN_CODE"),
    (r"ip(_?addr(ess)?)?$|client_?ip|remote_?addr", "IP_ADDRESS"),
    (r"mac(_?addr(ess)?)?$", "MAC_ADDRESS"),
    (r"(first|last|full|given|family|sur|user|customer|display)_?name$|^name$", "PERSON"),
    (r"address|street|city|town|zip|postcode|postal", "LOCATION"),
    (r"dob|birth|born|date|time|_at$|timestamp", "DATE_TIME"),
    (r"passport", "US_PASSPORT"),
    (r"licen[cs]e", "US_DRIVER_LICENSE"),
    (r"url|link|website", "URL"),
    (r"token|secret|api_?key|password|passwd|credential", "SECRET"),
)
_COMPILED = tuple((re.compile(p), e) for p, e in _HINTS)

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
_SPECIAL = tuple((re.compile(p), e) for p, e in _SPECIAL_HINTS)
# A date, id, link or key about a special-category attribute is that kind of column first.
_SPECIAL_SKIP = re.compile(r"(^|_)(date|time|at|on|id|ids|url|link|token|key|count|by)$")
SPECIAL_CATEGORY_ENTITIES = frozenset(e for _, e in _SPECIAL_HINTS)


def name_hint(column: str) -> str | None:
    norm = re.sub(r"[^a-z0-9]+", "_", column.lower()).strip("_")
    if not _SPECIAL_SKIP.search(norm):
        for pattern, entity in _SPECIAL:
            if pattern.search(norm):
                return entity
    for pattern, entity in _COMPILED:
        if pattern.search(norm):
            return entity
    return None
