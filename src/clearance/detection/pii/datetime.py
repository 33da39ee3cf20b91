"""DATE_TIME: ISO timestamps, numeric dates and dates with month names, checked by ``strptime``."""

from __future__ import annotations

from clearance.core.severity import Severity
from clearance.detection import validators as v
from clearance.detection.pii._rule import pii

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)

# Flat (full names first): a lead then finds the candidate starts (see ``lead_of``).
_WEEKDAY = (
    r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Mon|Tue|Wed|Thu|Fri|Sat|Sun"
)

# The numeric shapes (ISO, d/m/y, d.m.y, "3rd May 2024") share one pattern: each was tried at
# every digit that starts a word, and at one start at most one of them can match (the character
# after the leading digits decides), so one scan finds what four did.
_NUMERIC = (
    r"\b\d(?:\d{3}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|\d?/\d{1,2}/(?:\d{4}|\d{2})\b"
    r"|\d?\.\d{1,2}\.\d{4}\b"
    rf"|\d?(?:st|nd|rd|th)? {_MONTH}\.?,? \d{{4}}\b)"
)

DETECTORS = (
    pii(
        "date-time",
        "DATE_TIME",
        (
            _NUMERIC,
            rf"\b{_MONTH}\.? \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}\b",
            rf"\b(?:{_WEEKDAY}), {_MONTH}\.? \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?\b",
            rf"\b{_MONTH} {{1,2}}\d{{1,2}}(?:st|nd|rd|th)?(?: \d{{2}}:\d{{2}}:\d{{2}})?\b",
        ),
        positives=(
            "2024-05-01T10:00:00Z",
            "born 03/14/1985",
            "on March 3, 2023",
            "12 Dec 2021",
            "Sep  3 17:23:42 host sshd",
            "delivered Sunday, October 27",
            "ts=2025-10-25 04:02:03,695",
        ),
        negatives=("2024-13-45", "v1.2.3", "99/99/9999", "version 15.9.10", "may I ask"),
        score=0.85,
        validator=v.date_value,
        whole_number=False,  # "12.05.2024" is one
        severity=Severity.LOW,
    ),
)
