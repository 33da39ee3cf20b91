"""Column classification: a probe of a column's first rows decides whether it is an *entity
column* (most cells are one value of one type), free text or other; :class:`ColumnState` keeps
what the scan has counted in it so far."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from clearance.detection.calibration import Calibration
from clearance.detection.detector import Detector
from clearance.detection.match import Match
from clearance.scan.column_names import is_birth_date
from clearance.scan.options import ScanOptions

_TIME_OF_DAY = re.compile(r"\d{1,2}:\d{2}")
EVENT_TIME_ADVICE = (
    "An event time (sign-up, order, log time) identifies no one alone but singles people out "
    "with other quasi-identifiers; generalise it (day, week, month) before sharing, and keep "
    "it only as long as the purpose needs (clearance remediation: generalize)."
)


def is_event_time(column: str, hint: str | None, value: str) -> bool:
    """A DATE_TIME column that records when something happened (``created_at``, ``signup_ts``,
    values with a time of day), not a date of birth (``dob``, ``birth_date``): a
    quasi-identifier, not a direct one. An unnamed column of plain dates may be birth dates
    and stays sensitive."""
    if is_birth_date(column):
        return False
    return hint == "DATE_TIME" or _TIME_OF_DAY.search(value) is not None


@dataclass
class ColumnState:
    name: str
    table: str | None = None
    kind: str | None = None
    entity_rules: set[str] = field(default_factory=set)
    rows: int = 0
    nonempty: int = 0
    rule_rows: dict[str, int] = field(default_factory=dict)
    rule_first: dict[str, tuple[Match, int]] = field(default_factory=dict)
    first_value: tuple[str, int] | None = None
    score_sum: dict[str, float] = field(default_factory=dict)
    entity_rows: dict[str, int] = field(default_factory=dict)
    validated: int = 0
    candidates: dict[str, int] = field(default_factory=dict)  # pattern matches among validated
    passed: dict[str, int] = field(default_factory=dict)  # ... of which the validator accepted
    pattern_counted: int = 0


def pattern_matches(
    detectors: list[Detector], values: list[str], calibration: Calibration | None
) -> list[list[Match]]:
    """Matches by pattern only (Python ``re`` for the span; no validator, no context), scored
    as a bare match of the detector."""
    out: list[list[Match]] = []
    scores = {
        d.id: d.score if calibration is None else calibration.score(d.id, d.score)
        for d in detectors
    }
    for value in values:
        found: list[Match] = []
        for det in detectors:
            for pattern in det.compiled:
                m = pattern.search(value)
                if m is None:
                    continue
                start, end = m.span("value") if "value" in pattern.groupindex else m.span()
                found.append(
                    Match(
                        entity=det.entity,
                        start=start,
                        end=end,
                        score=scores[det.id],
                        detector=det.id,
                        category=det.category,
                        severity=det.severity,
                        value=value[start:end],
                        raw_score=det.score,
                    )
                )
                break
        out.append(found)
    return out


def classify(
    state: ColumnState, values: list[str | None], matches: list[list[Match]], opts: ScanOptions
) -> None:
    nonempty = [v for v in values if v]
    if not nonempty:
        state.kind = "other"
        return
    per_rule: dict[str, int] = {}
    covered: dict[str, float] = {}
    for value, ms in zip(values, matches, strict=True):
        if not value:
            continue
        for rule in {m.detector for m in ms}:
            per_rule[rule] = per_rule.get(rule, 0) + 1
            span = sum(m.end - m.start for m in ms if m.detector == rule)
            covered[rule] = covered.get(rule, 0.0) + min(1.0, span / len(value.strip() or value))
    rules = {
        r
        for r, n in per_rule.items()
        if n / len(nonempty) >= opts.entity_share and covered[r] / n >= opts.coverage
    }
    if rules:
        state.kind = "entity"
        # Minor types sharing the column (a phone column with a few e-mails) stay counted.
        state.entity_rules = rules | {
            r
            for r, n in per_rule.items()
            if n / len(nonempty) >= 0.02 and covered[r] / n >= opts.minor_coverage
        }
        return
    avg_len = sum(len(v) for v in nonempty) / len(nonempty)
    spaced = sum(" " in v.strip() for v in nonempty) / len(nonempty)
    state.kind = "free_text" if avg_len >= 20 and spaced >= 0.5 else "other"


@dataclass
class Distinct:
    """A batch of a column: its distinct non-empty values in order of first appearance, the row
    (in the batch) where each first appears and how many rows hold it."""

    values: list[str]
    firsts: list[int]
    counts: list[int]


def distinct_cells(cells: Sequence[str | None]) -> Distinct:
    """:class:`Distinct` of a few cells, in Python (a Polars ``group_by`` has a fixed cost
    that is most of the scan of a one-row table)."""
    out = Distinct([], [], [])
    index: dict[str, int] = {}
    for row, cell in enumerate(cells):
        if not cell:  # null or empty
            continue
        i = index.get(cell)
        if i is None:
            index[cell] = len(out.values)
            out.values.append(cell)
            out.firsts.append(row)
            out.counts.append(1)
        else:
            out.counts[i] += 1
    return out
