"""Quasi-identifiers: columns that do not name a person alone but single one out in combination
(Sweeney: postcode, date of birth and gender identify 87% of Americans).

Chosen from column names unless the policy lists them; a column that is unique on (nearly) every
row is a direct identifier, not a quasi-identifier, and is left to the identifier check.
"""

from __future__ import annotations

import re

import polars as pl

_QI_NAMES: tuple[tuple[str, str], ...] = (
    (r"zip|post_?code|postal", "postcode"),
    (r"birth|dob|^age$|^age_|_age$", "date of birth / age"),
    (r"gender|^sex$", "gender"),
    (r"city|town|county|^state$|region|district|municipality", "place"),
    (r"job|occupation|profession|employer|^title$", "occupation"),
    (r"marital|civil_status", "marital status"),
    (r"nationality|citizenship", "nationality"),
    (r"^race$|ethnic", "ethnic origin"),
    (r"education|degree", "education"),
)
_COMPILED = tuple((re.compile(p), kind) for p, kind in _QI_NAMES)
_NOT_QI = re.compile(r"(^|_)(id|at|ts|updated|created)$|timestamp|_time$")


def qi_kind(column: str) -> str | None:
    norm = re.sub(r"[^a-z0-9]+", "_", column.lower()).strip("_")
    if _NOT_QI.search(norm):
        return None
    for pattern, kind in _COMPILED:
        if pattern.search(norm):
            return kind
    return None


def detect_quasi_identifiers(frame: pl.DataFrame) -> list[str]:
    """Columns of ``frame`` that name a quasi-identifier, in table order."""
    return [c for c in frame.columns if qi_kind(c) is not None]
