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


def name_hint(column: str) -> str | None:
    norm = re.sub(r"[^a-z0-9]+", "_", column.lower()).strip("_")
    for pattern, entity in _COMPILED:
        if pattern.search(norm):
            return entity
    return None
