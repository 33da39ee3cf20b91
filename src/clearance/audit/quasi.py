"""Quasi-identifiers: columns that do not name a person alone but single one out in combination
(Sweeney: postcode, date of birth and gender identify 87% of Americans).

Chosen from column names unless the policy lists them; a column that is unique on (nearly) every
row is a direct identifier, not a quasi-identifier, and is left to the identifier check.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from clearance.scan.column_names import normalise

# Whole tokens of the normalised name, as the scan's name hints (``clearance.scan.column_names``):
# "city" is no place in "capacity", "region" none in "regional_sales".
_QI_NAMES: tuple[tuple[str, str], ...] = (
    (r"zip(_?code)?|post_?code|postal(_?code)?", "postcode"),
    (
        r"birth(_?(date|day|year|place))?|dob|date_?of_?birth|year_?of_?birth|age(_?group)?",
        "date of birth / age",
    ),
    (r"gender|sex", "gender"),
    (r"city|(home_?)?town|county|^state$|region|district|municipality", "place"),
    (r"job(_?title)?|occupation|profession|employer|^title$", "occupation"),
    (r"marital(_?status)?|civil_?status", "marital status"),
    (r"nationality|citizenship", "nationality"),
    (r"^race$|ethnic[a-z]*", "ethnic origin"),
    (r"education(al)?|degree", "education"),
)
_COMPILED = tuple((re.compile(rf"(?:^|_)(?:{p})(?![a-z0-9])"), kind) for p, kind in _QI_NAMES)
_NOT_QI = re.compile(r"(^|_)(id|at|ts|updated|created)$|timestamp|_time$")


def qi_kind(column: str) -> str | None:
    norm = normalise(column)
    if _NOT_QI.search(norm):
        return None
    for pattern, kind in _COMPILED:
        if pattern.search(norm):
            return kind
    return None


def detect_quasi_identifiers(columns: Sequence[str]) -> list[str]:
    """The ``columns`` (a table's, in order) that name a quasi-identifier."""
    return [c for c in columns if qi_kind(c) is not None]
