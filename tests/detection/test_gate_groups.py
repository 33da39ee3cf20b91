"""The engine's grouped regex gates: few distinct regexes, and never fewer candidate rows."""

from __future__ import annotations

import polars as pl

from clearance.detection.detector import Detector, Severity
from clearance.detection.engine import _MAX_GATE_REGEXES, Engine, _gate_groups
from clearance.detection.registry import Registry, default_registry


def test_default_registry_fits_the_regex_cache() -> None:
    plain = [d for d in default_registry() if not d.keyword_gated]
    groups = _gate_groups(plain)
    assert len(groups) <= _MAX_GATE_REGEXES
    assert sorted(d.id for g in groups for d in g) == sorted(d.id for d in plain)


def _det(
    i: int, pattern: str, *, ignore_case: bool = False, context: tuple[str, ...] = ()
) -> Detector:
    return Detector(
        id=f"t{i}",
        entity="TEST",
        category="pii",
        severity=Severity.LOW,
        patterns=(pattern,),
        positives=(),
        negatives=(),
        ignore_case=ignore_case,
        context=context,
        requires_context=bool(context),
    )


def test_grouped_gates_keep_each_members_case_and_context() -> None:
    # More word-bounded detectors than distinct regexes, so some share one alternation.
    dets = [_det(i, rf"\bcode{i}x\b") for i in range(2 * _MAX_GATE_REGEXES)]
    dets.append(_det(900, r"\bmixed\d\b", ignore_case=True))
    dets.append(_det(901, r"\bref\d{3}\b", context=("ticket",)))
    texts = pl.Series("t", ["code3x", "CODE3X", "MIXED7", "ref123", "ticket ref123", "nothing"])
    rows = Engine(registry=Registry(dets)).candidate_rows(texts)
    assert 0 in rows["t3"] and 1 not in rows.get("t3", [])
    assert 2 in rows["t900"]
    assert rows["t901"] == [4]
