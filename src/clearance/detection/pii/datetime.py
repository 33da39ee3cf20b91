"""DATE_TIME: ISO timestamps, numeric dates and dates with month names, checked by ``strptime``."""

from __future__ import annotations

from clearance.detection import validators as v
from clearance.detection.detector import Severity
from clearance.detection.pii._rule import pii

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)

_WEEKDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|Mon|Tue|Wed|Thu|Fri|Sat|Sun"

DETECTORS = (
    pii(
        "date-time",
        "DATE_TIME",
        (
            r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?",
            r"\b\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})\b",
            r"\b\d{1,2}\.\d{1,2}\.\d{4}\b",
            rf"\b{_MONTH}\.? \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}\b",
            rf"\b\d{{1,2}}(?:st|nd|rd|th)? {_MONTH}\.?,? \d{{4}}\b",
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
        severity=Severity.LOW,
    ),
)
