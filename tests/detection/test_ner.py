"""Local NER models: the spec is checked without naming a command-line flag, and a local spaCy
pipeline (built in the test) adds its entities to the engine's matches (the Hugging Face and
GLiNER back ends: test_ner_hf.py, test_ner_gliner.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from clearance.detection.engine import Engine
from clearance.detection.ner import SpacyNer, load_ner, ner_spec_problem
from clearance.detection.ner_gliner import GlinerNer
from clearance.detection.ner_hf import HuggingFaceNer
from clearance.errors import BackendUnavailableError
from tests._ner import PERSON, PLACE, PRODUCT, TEXT, spacy_pipeline


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ("bogus", "expected spacy:PATH_OR_NAME, hf:PATH or gliner:PATH"),
        ("spacy:", "expected spacy:PATH_OR_NAME, hf:PATH or gliner:PATH"),
        ("zz:x", "unknown backend 'zz'; allowed: spacy, hf, gliner"),
    ],
)
def test_a_bad_spec_is_refused_without_naming_a_flag(spec: str, problem: str) -> None:
    assert ner_spec_problem(spec) == problem
    with pytest.raises(ValueError) as exc:
        load_ner(spec)
    assert str(exc.value) == f"NER model {spec!r}: {problem}"
    assert "--" not in str(exc.value)


def test_a_good_spec_names_the_backend() -> None:
    assert ner_spec_problem("hf:/models/ner") is None
    assert isinstance(load_ner("spacy:en_core_web_sm"), SpacyNer)
    hf = load_ner("hf:/models/ner")
    assert isinstance(hf, HuggingFaceNer) and hf.path == "/models/ner"
    gliner = load_ner("gliner:/models/gliner")
    assert isinstance(gliner, GlinerNer) and gliner.path == "/models/gliner"
    # the engine's threshold, or GLiNER's own 0.5 when the engine keeps every score
    assert gliner.threshold == 0.5
    assert isinstance(strict := load_ner("gliner:/m", threshold=0.7), GlinerNer)
    assert strict.threshold == 0.7


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return spacy_pipeline(tmp_path_factory.mktemp("ner") / "pipeline")


def test_spacy_entities_become_matches(pipeline: Path) -> None:
    found = SpacyNer(str(pipeline)).detect_batch([TEXT, "", "nothing to see"])
    assert found[1:] == [[], []]
    got = [(m.entity, m.start, m.end, m.detector, m.score, m.category) for m in found[0]]
    start = TEXT.index(PLACE)
    assert got == [
        ("PERSON", 0, len(PERSON), "ner-spacy", 0.85, "pii"),
        ("LOCATION", start, start + len(PLACE), "ner-spacy", 0.85, "pii"),
    ]  # PRODUCT is not a label clearance maps: dropped
    assert [m.value for m in found[0]] == [PERSON, PLACE]
    assert all(PRODUCT not in m.value for m in found[0])


def test_engine_merges_ner_with_its_rules(pipeline: Path) -> None:
    text = f"{TEXT}, mail zq@example.com"
    plain = Engine(workers=1).detect_batch([text])[0]
    assert {m.detector for m in plain} == {"email"}  # the rules do not know these names
    merged = Engine(workers=1, ner=SpacyNer(str(pipeline))).detect_batch([text, text])
    assert merged[0] == merged[1]
    assert sorted((m.entity, m.detector) for m in merged[0]) == [
        ("EMAIL_ADDRESS", "email"),
        ("LOCATION", "ner-spacy"),
        ("PERSON", "ner-spacy"),
    ]
    public = repr([m.to_public() for m in merged[0]])
    assert PERSON not in public and PLACE not in public and "zq@" not in public


def test_ner_engine_stays_in_process(pipeline: Path) -> None:
    """A NER backend cannot be sent to a worker: a large batch is still detected, in process."""
    engine = Engine(workers=2, ner=SpacyNer(str(pipeline)))
    assert not engine.start_workers()
    texts = [f"{TEXT} ({i}) " + "filler words " * 40 for i in range(300)]
    found = engine.detect_batch(texts)
    assert all({m.entity for m in r} == {"PERSON", "LOCATION"} for r in found)


def test_missing_pipeline_is_backend_unavailable(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-pipeline"
    with pytest.raises(BackendUnavailableError) as info:
        SpacyNer(str(missing)).detect_batch([TEXT])
    message = str(info.value)
    assert str(missing) in message and "never downloads" in message
    assert "\n" not in message and TEXT not in message


def test_missing_spacy_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "spacy", None)  # import spacy now raises ImportError
    with pytest.raises(BackendUnavailableError, match=r"clearance\[ner\]"):
        SpacyNer(str(tmp_path)).detect_batch([TEXT])


def test_a_spacy_folder_that_is_no_pipeline_is_backend_unavailable(tmp_path: Path) -> None:
    pytest.importorskip("spacy")
    (tmp_path / "meta.json").write_text("{not json")
    (tmp_path / "config.cfg").write_text("x")
    with pytest.raises(BackendUnavailableError, match="cannot load the model"):
        SpacyNer(str(tmp_path)).detect_batch(["Ada lives in Paris"])
