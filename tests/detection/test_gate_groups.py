"""The engine's grouped regex gates: few distinct regexes, and never fewer candidate rows."""

from __future__ import annotations

import polars as pl

from clearance.core.severity import Severity
from clearance.detection.detector import Detector
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
    rows = Engine(hyperscan=False, registry=Registry(dets)).candidate_rows(texts)
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
    engine = Engine(hyperscan=False, registry=Registry(dets))
    narrowed = engine.candidate_rows(texts)
    assert narrowed["t1"] == list(range(0, 3 * _NARROW_IN_RUST_FROM, 3))
    few = engine.candidate_rows(texts[:6])
    assert few["t1"] == [0, 1, 3, 4]  # not narrowed: every row of the group, Python re-checks


def test_a_detector_gated_by_another_takes_its_rows_and_no_regex() -> None:
    """``gate_by``: the city after a street address is only where the street is, so the engine
    gives ``address-city`` the rows of ``street-address`` and runs no regex of its own for it
    (each more regex pushed the others out of the gate's groups: 10% slower detection)."""
    reg = default_registry()
    assert reg["address-city"].gate_by == "street-address"
    texts = pl.Series("t", ["ship to 742 Evergreen Terrace, Springfield", "no address here"])
    engine = Engine(hyperscan=False, registry=reg)
    rows = engine.candidate_rows(texts)
    assert rows["address-city"] == rows["street-address"] == [0]
    plain_ids = {d.id for g in _gate_groups([d for d in reg if not d.keyword_gated]) for d in g}
    assert "address-city" in plain_ids  # a registry without the leader gates it itself:
    alone = Engine(hyperscan=False, registry=Registry([reg["address-city"]])).candidate_rows(texts)
    assert alone["address-city"] == [0]


def test_follower_of_a_context_gated_leader_keeps_its_own_context_gate() -> None:
    leader = _det(1, r"\bref\d{3}")
    follower = Detector(
        id="f",
        entity="TEST",
        category="pii",
        severity=Severity.LOW,
        patterns=(r"\bref\d{3}x\b",),
        positives=(),
        negatives=(),
        context=("ticket",),
        requires_context=True,
        gate_by="t1",
    )
    texts = pl.Series("t", ["ref123x", "ticket ref123x"])
    rows = Engine(hyperscan=False, registry=Registry([leader, follower])).candidate_rows(texts)
    assert rows["t1"] == [0, 1] and rows["f"] == [1]


def test_place_major_is_gated_by_its_lexicon() -> None:
    """``prefilter``: place-major's refiner needs a major place's name, so its gate is the
    names (capitalised, between word boundaries) or an accented letter, not every text with a
    capitalised word (three texts in four of the evaluation corpus). The scanner's pattern
    counts keep the patterns' own Rust form."""
    det = default_registry()["place-major"]
    texts = [
        "Thanks John, Great Product",  # capitalised words, no place
        "Shipped from Tokyo",
        "moved to New York",
        "Greetings from São Paulo",  # accented: let through
        "Tokyoite",  # no boundary after the name
    ]
    flags = pl.Series(texts).str.contains(det.gate_ascii_pattern).to_list()
    assert flags == [False, True, True, True, False]
    assert det.rust_pattern != det.gate_pattern
    assert pl.Series(texts).str.contains(det.rust_pattern).all()
    rows = Engine(hyperscan=False, registry=Registry([det])).candidate_rows(pl.Series("t", texts))
    assert 0 not in rows["place-major"] and 1 in rows["place-major"]
    found = Engine(hyperscan=False, registry=Registry([det])).detect_batch(texts)
    assert [[m.value for m in ms] for ms in found] == [
        [],
        ["Tokyo"],
        ["New York"],
        ["São Paulo"],
        [],
    ]


def test_costly_detectors_keep_a_regex_of_their_own() -> None:
    # The name, address and date rules cost most per row in Python: a shared group regex would
    # hand them every row of the group (a twilio key's rows to the person-context rule).
    plain = [d for d in default_registry() if not d.keyword_gated and not d.gate_by]
    alone = {g[0].id for g in _gate_groups(plain) if len(g) == 1}
    assert {"person-context", "person-list", "postal-address", "date-time", "phone"} <= alone


def test_small_patterns_share_when_the_own_regexes_are_too_many() -> None:
    unbounded = [_det(i, rf"(?:x|y{i})z{{{i % 5 + 1}}}") for i in range(_MAX_GATE_REGEXES + 4)]
    lexicon = _det(500, r"\b(?:" + "|".join(f"Name{i}" for i in range(80)) + r")\b")
    groups = _gate_groups([*unbounded, lexicon])
    assert len(groups) <= _MAX_GATE_REGEXES
    assert [lexicon] in groups  # the largest pattern stays alone
    assert sorted(d.id for g in groups for d in g) == sorted(d.id for d in [*unbounded, lexicon])
