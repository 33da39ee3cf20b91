"""Score calibration: fitting, applying, the bundled map and its place in the engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clearance.detection.calibration import (
    Calibration,
    Level,
    bundled,
    fit,
    judge,
    load,
    observations,
    read_labelled,
)
from clearance.detection.engine import Engine
from clearance.detection.registry import default_registry
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


def test_unseen_levels_are_interpolated_between_fitted_ones() -> None:
    cal = Calibration(
        source="t",
        prior_strength=0,
        documents=1,
        detectors={
            "a": [
                Level(raw=0.4, calibrated=0.2, matches=10, correct=2),
                Level(raw=0.8, calibrated=0.6, matches=10, correct=6),
            ]
        },
    )
    assert cal.score("a", 0.6) == pytest.approx(0.4)
    assert cal.score("a", 0.2) == pytest.approx(0.1)  # towards (0, 0)
    assert cal.score("a", 0.9) == pytest.approx(0.8)  # towards (1, 1)


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


def test_bundled_map_matches_the_registry_and_is_monotone() -> None:
    cal = bundled()
    registry = default_registry()
    assert cal.documents > 5000 and "synthetic" in cal.source
    assert len(cal.detectors) >= 30
    for det_id, levels in cal.detectors.items():
        assert det_id in registry
        ys = [lv.calibrated for lv in levels]
        assert ys == sorted(ys) and all(0.01 <= y <= 0.99 for y in ys)
        assert all(lv.correct <= lv.matches for lv in levels)


def test_engine_reports_calibrated_scores_by_default() -> None:
    text = "mail jane.doe@example.com"
    raw = Engine(calibration=None).detect(text)[0]
    calibrated = Engine().detect(text)[0]
    assert raw.score == default_registry()["email"].score
    assert calibrated.score == bundled().score("email", raw.score) != raw.score
    assert calibrated.raw_score == raw.score


def test_threshold_applies_to_the_calibrated_score() -> None:
    cal = Calibration(
        source="t",
        prior_strength=0,
        documents=1,
        detectors={"email": [Level(raw=0.95, calibrated=0.3, matches=10, correct=3)]},
    )
    text = "mail jane.doe@example.com"
    assert not Engine(threshold=0.5, calibration=cal).detect(text)
    kept = Engine(threshold=0.2, calibration=cal).detect(text)
    assert [(m.entity, m.score) for m in kept] == [("EMAIL_ADDRESS", 0.3)]


def test_overlaps_are_settled_on_hand_set_scores() -> None:
    # The password of a connection string (0.97) beats the e-mail-like "pass@host" (0.95) even
    # when calibration gives both the 0.99 cap.
    text = "DATABASE_URL=postgres://admin:Xk9pQ2vLmT7z@db.example.com:5432/app"
    cal = Calibration(
        source="t",
        prior_strength=0,
        documents=1,
        detectors={
            d: [Level(raw=default_registry()[d].score, calibrated=0.99, matches=1, correct=1)]
            for d in ("email", "postgres-uri-password")
        },
    )
    for engine in (Engine(calibration=None), Engine(calibration=cal)):
        found = engine.detect(text)
        assert [m.category for m in found] == ["secret"], engine.calibration


def test_load_names_the_file_and_the_problem(tmp_path: Path) -> None:
    bad = tmp_path / "cal.json"
    bad.write_text('{"version": 1, "source": "x"}', "utf-8")
    with pytest.raises(InputError) as exc:
        load(bad)
    assert str(bad) in str(exc.value) and "prior_strength" in str(exc.value)
    with pytest.raises(InputError, match="cannot read"):
        load(tmp_path / "missing.json")
    good = tmp_path / "good.json"
    good.write_text(bundled().to_json(), "utf-8")
    assert load(good).detectors == bundled().detectors


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
