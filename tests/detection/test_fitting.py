"""Fitting a calibration map on labelled documents: binning, the prior, judging matches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clearance.detection.engine import Engine
from clearance.detection.fitting import fit, judge, observations, read_labelled
from clearance.errors import InputError


def _records(detector: str, raw: float, n: int, right: int) -> list[tuple[str, float, bool]]:
    return [(detector, raw, i < right) for i in range(n)]


def test_fit_moves_well_observed_levels_and_keeps_thin_ones_near_their_score() -> None:
    records = _records("a", 0.6, 1000, 990) + _records("a", 0.9, 3, 0)
    records += _records("b", 0.5, 2000, 1000)
    cal = fit(records, source="test", documents=1, prior_strength=20)
    # posterior means: 0.6 -> (990 + 12) / 1020 = 0.982; 3 wrong matches pull 0.9 only down
    # to (0 + 18) / 23 = 0.783 (the prior); that is under 0.6's, so the isotonic step pools
    # both, weighted by matches + prior (a context word never lowers a score)
    pooled = ((990 + 12) + 18) / (1020 + 23)
    assert cal.score("a", 0.6) == cal.score("a", 0.9) == pytest.approx(pooled, abs=1e-4)
    assert cal.score("b", 0.5) == pytest.approx(0.5, abs=1e-3)
    assert cal.score("unfitted", 0.42) == 0.42


def test_scores_stay_inside_one_percent_and_99_percent() -> None:
    cal = fit(
        _records("a", 0.95, 5000, 5000) + _records("b", 0.3, 5000, 0), source="t", documents=1
    )
    assert cal.score("a", 0.95) == 0.99
    assert cal.score("b", 0.3) == 0.01


def test_judge_uses_type_half_overlap_and_one_gold_span_per_match() -> None:
    engine = Engine(calibration=None)
    text = "mail jane.doe@example.com or ghp_" + "a1B2c3D4e5" * 3 + "abcdef"
    matches = engine.detect(text)
    kinds = {m.entity: m for m in matches}
    email = kinds["EMAIL_ADDRESS"]
    secret = next(m for m in matches if m.category == "secret")
    gold = [("EMAIL_ADDRESS", email.start, email.end), ("SECRET", secret.start, secret.end)]
    assert all(judge(matches, gold))
    assert not any(judge(matches, [("PERSON", email.start, email.end)]))
    # a gold span four times longer than the match: under half of it is covered
    wide = [("EMAIL_ADDRESS", email.start, email.start + 4 * (email.end - email.start))]
    assert not judge([email], wide)[0]
    assert judge([email, email], [gold[0]]) == [True, False]


def test_observations_skip_types_the_labels_do_not_use() -> None:
    engine = Engine(calibration=None)
    text = "call +44 20 7946 0958 or mail jane.doe@example.com"
    email = next(m for m in engine.detect(text) if m.entity == "EMAIL_ADDRESS")
    records = observations(engine, [text], [[("EMAIL_ADDRESS", email.start, email.end)]])
    assert [(d, ok) for d, _, ok in records] == [("email", True)]


def test_read_labelled_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    ok = {"text": "mail a@b.co", "spans": [{"type": "EMAIL_ADDRESS", "start": 5, "end": 11}]}
    path.write_text(json.dumps(ok) + "\n\n" + json.dumps({"text": "x"}) + "\n", "utf-8")
    with pytest.raises(InputError, match=r"gold.jsonl:3: missing field 'spans'"):
        read_labelled(path)
    outside = dict(ok, spans=[{"type": "EMAIL_ADDRESS", "start": 5, "end": 99}])
    path.write_text(json.dumps(outside) + "\n", "utf-8")
    with pytest.raises(InputError, match="outside its text"):
        read_labelled(path)
    path.write_text(json.dumps(ok) + "\n", "utf-8")
    assert read_labelled(path) == (["mail a@b.co"], [[("EMAIL_ADDRESS", 5, 11)]])


def test_read_labelled_refuses_a_text_that_is_not_a_string(tmp_path: Path) -> None:
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps({"text": 42, "spans": []}) + "\n", "utf-8")
    with pytest.raises(InputError, match=r"gold.jsonl:1: field 'text' is not a string"):
        read_labelled(path)
