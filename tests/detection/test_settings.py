"""One detection-settings model for every job: validated in the library, turned into the engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.detection.calibration import bundled
from clearance.detection.engine import Engine
from clearance.detection.ner_hf import HuggingFaceNer
from clearance.detection.registry import default_registry
from clearance.detection.settings import DetectionSettings, InvalidSetting
from clearance.errors import InputError, PolicyError


def test_defaults_build_the_default_engine() -> None:
    engine = DetectionSettings.of().engine()
    default = Engine()
    assert engine.registry is default_registry()
    assert engine.calibration is bundled() and default.calibration is bundled()
    assert (engine.threshold, engine.ner, engine.workers) == (0.0, None, None)


def test_settings_shape_the_engine(tmp_path: Path) -> None:
    own = tmp_path / "map.json"
    own.write_text(bundled().to_json(), "utf-8")
    settings = DetectionSettings.of(
        entities=("email_address", "PHONE_NUMBER"),
        threshold=0.5,
        ner="hf:/models/ner",
        workers=2,
        calibration=str(own),
    )
    assert settings.calibration == own
    engine = settings.engine()
    assert set(engine.registry.entities) == {"EMAIL_ADDRESS", "PHONE_NUMBER"}
    assert engine.threshold == 0.5 and engine.workers == 2
    assert isinstance(engine.ner, HuggingFaceNer)
    assert engine.calibration is not None and engine.calibration.detectors == bundled().detectors
    assert DetectionSettings.of(calibration=None).engine().calibration is None
    with pytest.raises(InputError, match=r"missing\.json: cannot read calibration map"):
        DetectionSettings.of(calibration=tmp_path / "missing.json").engine()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"threshold": 2.0}, "threshold 2.0: must be between 0 and 1"),
        ({"threshold": -0.5}, "threshold -0.5: must be between 0 and 1"),
        ({"ner": "bogus"}, "ner 'bogus': expected spacy:PATH_OR_NAME, hf:PATH or gliner:PATH"),
        ({"ner": "zz:x"}, "ner 'zz:x': unknown backend 'zz'; allowed: spacy, hf, gliner"),
        ({"workers": 0}, "workers 0: Input should be greater than or equal to 1"),
        (
            {"categories": ("pii", "bogus")},
            "categories bogus: expected some of pii, secret, special_category",
        ),
        ({"colour": "red"}, "colour 'red': Extra inputs are not permitted"),
        # fields are checked in order: the entity types before the threshold
        ({"threshold": 9.0, "entities": ("NOPE",)}, "entities: unknown entity type(s) NOPE;"),
    ],
)
def test_bad_values_are_refused_naming_the_field(values: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidSetting) as exc:
        DetectionSettings.of(**values)
    assert str(exc.value).startswith(message)
    assert isinstance(exc.value, PolicyError) and exc.value.exit_code == 4
    assert str(exc.value) == exc.value.field + exc.value.detail
    assert "--" not in str(exc.value)


def test_categories_select_the_detectors() -> None:
    secrets = DetectionSettings.of(categories=("secret",)).registry()
    assert len(secrets) > 0 and {d.category for d in secrets} == {"secret"}
    everything = default_registry()
    assert DetectionSettings.of(categories=()).registry() is everything
    both = DetectionSettings.of(categories=("pii", "secret")).registry()
    assert list(both) == [d for d in everything if d.category in ("pii", "secret")]
    assert (
        list(DetectionSettings.of(entities=("EMAIL_ADDRESS",), categories=("secret",)).registry())
        == []
    )


def test_settings_are_frozen() -> None:
    settings = DetectionSettings.of(threshold=0.2)
    with pytest.raises(ValueError):
        settings.threshold = 0.9  # type: ignore[misc]
