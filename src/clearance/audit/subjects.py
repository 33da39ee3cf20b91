"""Which column links the tables to a data subject, and which table holds the subjects.

Declared in the policy, or detected: a column whose name says it is a person's id, present in
at least two tables, unique in one of them (the subject table), whose values in the other
tables are mostly found in the subject table. Key values are compared as the canonical text of
:mod:`clearance.audit.keys` (``"0042"`` in a CSV is subject ``42`` of a database table); a table
whose key column has a type that is not a key (a boolean, a date) is not linked, and is listed
in ``SubjectLinks.incomparable`` with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from clearance.audit.keys import KeyTypeError, key_expr
from clearance.audit.plans import AuditTable

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
    incomparable: dict[str, str] = field(default_factory=dict)  # table -> why not linked


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def _keys(
    table: AuditTable, column: str, bad: dict[str, str], secret: bytes | None
) -> pl.Expr | None:
    """The column's canonical keys (:func:`clearance.audit.keys.key_expr`)."""
    try:
        return key_expr(column, table.schema[column], f"{table.name}.{column}", secret)
    except KeyTypeError as exc:
        bad[table.name] = str(exc)
        return None


def _unique(table: AuditTable, keys: pl.Expr) -> bool:
    rows, nulls, distinct = table.key_stats(keys)
    return bool(rows > 0 and nulls == 0 and distinct == rows)


def _overlap(table: AuditTable, keys: pl.Expr, subjects: pl.DataFrame) -> float:
    rows, nulls, found, _ = table.match_counts(keys, subjects)
    present = rows - nulls
    return float(found) / present if present else 0.0


def link_subjects(
    tables: Sequence[AuditTable],
    declared: str | None,
    per_table: Mapping[str, str | None],
    secret: bytes | None = None,
) -> SubjectLinks:
    """The subject key and table (see the module docstring); ``secret``: keys compared as
    keyed fingerprints (:func:`clearance.audit.keys.key_expr`)."""
    columns = {t.name: set(t.columns) for t in tables}
    candidates: list[str] = []
    if declared:
        candidates = [declared]
    else:
        seen: dict[str, int] = {}
        for t in tables:
            for c in t.columns:
                if _SUBJECT_NAME.match(_norm(c)):
                    seen[c] = seen.get(c, 0) + 1
        candidates = sorted(seen, key=lambda c: (-seen[c], c))
    for key in candidates:
        bad: dict[str, str] = {}
        holders: list[tuple[AuditTable, str, pl.Expr]] = []
        for t in tables:
            col = per_table.get(t.name) or key
            if col in columns[t.name]:
                keys = _keys(t, col, bad, secret)
                if keys is not None:
                    holders.append((t, col, keys))
        # The subject table lists each subject once; of several such tables the largest wins
        # (a lookup table with a handful of ids must not become the subject table).
        unique = [h for h in holders if _unique(h[0], h[2])]
        subject = max(unique, key=lambda h: (h[0].height, h[0].name), default=None)
        if subject is None and holders and declared:
            subject = holders[0]
        if subject is None:
            continue
        subject_table, subject_col, subject_keys = subject
        # The subjects' key set: one value per subject, what every other table is matched on.
        subject_values = (
            subject_table.group_counts({"_k": subject_keys}, {})
            .select("_k", pl.lit(True).alias("_flag"))
            .drop_nulls("_k")
        )
        keys_of = {subject_table.name: subject_col}
        overlap = {subject_table.name: 1.0}
        for t, col, keys in holders:
            if t.name == subject_table.name:
                continue
            share = _overlap(t, keys, subject_values)
            if declared or share >= MIN_OVERLAP:
                keys_of[t.name] = col
                overlap[t.name] = round(share, 4)
        if declared or len(keys_of) > 1:
            return SubjectLinks(
                key, subject_table.name, keys_of, overlap, dict(sorted(bad.items()))
            )
    return SubjectLinks(None, None, {}, {})
