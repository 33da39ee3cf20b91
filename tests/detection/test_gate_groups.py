"""The engine's grouped regex gates: few distinct regexes, and never fewer candidate rows."""

from __future__ import annotations

import polars as pl

from clearance.detection.detector import Detector, Severity
from clearance.detection.engine import (
    _MAX_GATE_REGEXES,
    _MAX_REGEXES_PER_CALL,
    _NARROW_IN_RUST_FROM,
    Engine,
    _gate_groups,
    _groups_to_narrow,
)
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


def test_narrowed_groups_stay_within_the_regex_cache() -> None:
    many = _NARROW_IN_RUST_FROM
    groups = [[_det(10 * g + m, rf"\bg{g}m{m}\b") for m in range(4)] for g in range(20)]
    groups.append([_det(999, r"\bsolo\b")])
    counts = [many * (g + 1) for g in range(20)] + [10 * many]
    chosen = _groups_to_narrow(groups, counts)
    # most rows first, a one-member group is never narrowed, and the total fits the cache
    assert chosen == {19, 18}
    assert len(groups) + sum(len(groups[i]) for i in chosen) <= _MAX_REGEXES_PER_CALL
    assert _groups_to_narrow(groups, [many - 1] * 21) == set()


def test_a_group_is_narrowed_per_member_only_with_many_rows() -> None:
    dets = [_det(i, rf"\bcode{i}x\b") for i in range(2 * _MAX_GATE_REGEXES)]
    group = next(g for g in _gate_groups(dets) if any(d.id == "t1" for d in g))
    other = next(d for d in group if d.id != "t1")
    other_text = other.patterns[0].removeprefix(r"\b").removesuffix(r"\b")
    texts = pl.Series("t", ["code1x", f"{other_text} here", "none"] * _NARROW_IN_RUST_FROM)
    engine = Engine(registry=Registry(dets))
    narrowed = engine.candidate_rows(texts)
    assert narrowed["t1"] == list(range(0, 3 * _NARROW_IN_RUST_FROM, 3))
    few = engine.candidate_rows(texts[:6])
    assert few["t1"] == [0, 1, 3, 4]  # not narrowed: every row of the group, Python re-checks
