"""Which column links the tables to a data subject, and which table holds the subjects.

Declared in the policy, or detected: a column whose name says it is a person's id, present in
at least two tables, unique in one of them (the subject table), whose values in the other
tables are mostly found in the subject table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from clearance.audit.sources import Table

_SUBJECT_NAME = re.compile(
    r"^(user|customer|client|member|subject|account|person|buyer|shopper|patient|author)_?id$"
)
MIN_OVERLAP = 0.5


@dataclass(frozen=True)
class SubjectLinks:
    key: str | None  # dataset-wide key column
    subject_table: str | None
    keys: dict[str, str]  # table -> its subject-key column (only linked tables)
    overlap: dict[str, float]  # table -> share of its key values found in the subject table


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _unique(frame: pl.DataFrame, column: str) -> bool:
    col = frame[column]
    return frame.height > 0 and col.null_count() == 0 and col.n_unique() == frame.height


def _overlap(frame: pl.DataFrame, column: str, subjects: pl.Series) -> float:
    values = frame[column].drop_nulls()
    if values.len() == 0:
        return 0.0
    try:
        found = values.cast(subjects.dtype).is_in(subjects.implode()).sum()
    except pl.exceptions.PolarsError:
        found = values.cast(pl.String).is_in(subjects.cast(pl.String).implode()).sum()
    return float(found) / values.len()


def link_subjects(
    tables: list[Table], declared: str | None, per_table: dict[str, str | None]
) -> SubjectLinks:
    columns = {t.name: {c: c for c in t.frame.columns} for t in tables}
    candidates: list[str] = []
    if declared:
        candidates = [declared]
    else:
        seen: dict[str, int] = {}
        for t in tables:
            for c in t.frame.columns:
                if _SUBJECT_NAME.match(_norm(c)):
                    seen[c] = seen.get(c, 0) + 1
        candidates = sorted(seen, key=lambda c: (-seen[c], c))
    for key in candidates:
        holders = [t for t in tables if (per_table.get(t.name) or key) in columns[t.name]]
        # The subject table lists each subject once; of several such tables the largest wins
        # (a lookup table with a handful of ids must not become the subject table).
        unique = [t for t in holders if _unique(t.frame, per_table.get(t.name) or key)]
        subject = max(unique, key=lambda t: (t.frame.height, t.name), default=None)
        if subject is None and holders and declared:
            subject = holders[0]
        if subject is None:
            continue
        subject_values = subject.frame[per_table.get(subject.name) or key].drop_nulls()
        keys = {subject.name: per_table.get(subject.name) or key}
        overlap = {subject.name: 1.0}
        for t in holders:
            if t.name == subject.name:
                continue
            col = per_table.get(t.name) or key
            share = _overlap(t.frame, col, subject_values)
            if declared or share >= MIN_OVERLAP:
                keys[t.name] = col
                overlap[t.name] = round(share, 4)
        if declared or len(keys) > 1:
            return SubjectLinks(key, subject.name, keys, overlap)
    return SubjectLinks(None, None, {}, {})
