"""The calibration map: applying it, the bundled map, loading one and its place in the engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.detection.calibration import Calibration, Level, bundled, load
from clearance.detection.engine import Engine
from clearance.detection.registry import default_registry
from clearance.errors import InputError


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
