"""The tiny-LM fixture is honest: exact duplication, detectable secrets, real memorisation.

The training runs once per session (``tiny_lm`` in ``conftest.py``, a few minutes on CPU) and
is deliberately not skipped or marked slow: the ``clearance llm`` audit tests rely on it.
"""

from __future__ import annotations

import filecmp
from pathlib import Path

import pytest

from clearance import Engine
from tests.llm.conftest import TinyLM
from tests.llm.fixtures import (
    DUPLICATION_LEVELS,
    MANIFEST_NAME,
    SECRETS_PER_LEVEL,
    Extraction,
    corpus_files,
    evaluate_memorisation,
    generate_corpus,
    load_manifest,
    load_tiny_lm,
    summarise,
)


def _texts(corpus: Path) -> dict[str, str]:
    return {p.relative_to(corpus).as_posix(): p.read_text("utf-8") for p in corpus_files(corpus)}


def test_corpus_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    a = generate_corpus(tmp_path / "a", seed=7)
    b = generate_corpus(tmp_path / "b", seed=7)
    c = generate_corpus(tmp_path / "c", seed=8)
    assert a == b
    assert _texts(tmp_path / "a") == _texts(tmp_path / "b")
    assert filecmp.cmp(tmp_path / "a" / MANIFEST_NAME, tmp_path / "b" / MANIFEST_NAME, False)
    assert {s.synthetic_value for s in a.secrets}.isdisjoint(s.synthetic_value for s in c.secrets)
    assert load_manifest(tmp_path / "a") == a


def test_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("x")
    with pytest.raises(FileExistsError):
        generate_corpus(tmp_path)


def test_corpus_shape(tiny_lm: TinyLM) -> None:
    m = tiny_lm.manifest
    texts = _texts(tiny_lm.corpus_dir)
    assert len(texts) == m.files >= 200
    assert 150_000 <= m.total_bytes == sum(len(t.encode()) for t in texts.values()) <= 600_000
    assert {p.rsplit(".", 1)[-1] for p in texts} == {"py", "env", "yaml", "md"}
    for level in DUPLICATION_LEVELS:
        assert len(m.at_level(level)) == SECRETS_PER_LEVEL
    assert len(m.controls) >= SECRETS_PER_LEVEL
    assert len({s.prefix for s in m.secrets}) == len(m.secrets)  # one context per secret


def test_duplication_counts_are_exact(tiny_lm: TinyLM) -> None:
    texts = _texts(tiny_lm.corpus_dir)
    for s in tiny_lm.manifest.planted:
        assert sum(t.count(s.synthetic_value) for t in texts.values()) == s.duplicates, s.id
        assert len({p.path for p in s.placements}) == s.duplicates
        for p in s.placements:
            text = texts[p.path]
            line = text.split("\n")[p.line - 1]
            assert line[p.column :] == s.synthetic_value + s.suffix
            at = text.index(s.synthetic_value)
            assert text[:at].endswith(s.prefix)


def test_control_secrets_never_appear(tiny_lm: TinyLM) -> None:
    corpus = "\n".join(_texts(tiny_lm.corpus_dir).values())
    for s in tiny_lm.manifest.controls:
        assert s.duplicates == 0 and not s.placements
        assert s.synthetic_value not in corpus
        assert s.prefix not in corpus


def test_engine_finds_every_planted_secret(tiny_lm: TinyLM) -> None:
    engine = Engine()
    texts = _texts(tiny_lm.corpus_dir)
    found: dict[str, set[tuple[str, str]]] = {}
    for path in {p.path for s in tiny_lm.manifest.planted for p in s.placements}:
        found[path] = {(m.detector, m.value) for m in engine.detect(texts[path])}
    for s in tiny_lm.manifest.planted:
        for p in s.placements:
            assert (s.type, s.synthetic_value) in found[p.path], (s.id, p.path)
    for s in tiny_lm.manifest.controls:  # same formats: a corpus holding them would be flagged
        line = s.prefix.rsplit("\n", 1)[-1] + s.synthetic_value + s.suffix
        assert any(m.detector == s.type for m in engine.detect(line)), s.id


def test_model_loads_offline_and_is_small(tiny_lm: TinyLM, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    model, tokenizer = load_tiny_lm(tiny_lm.model_dir)
    assert model.config.model_type == "gpt2"
    assert len(tokenizer) == model.config.vocab_size
    assert (tiny_lm.model_dir / "model.safetensors").is_file()
    size = sum(p.stat().st_size for p in tiny_lm.model_dir.iterdir())
    assert size < 20_000_000
    assert tiny_lm.report.parameters == sum(p.numel() for p in model.parameters())


@pytest.fixture(scope="module")
def extractions(tiny_lm: TinyLM) -> list[Extraction]:
    return evaluate_memorisation(tiny_lm.model_dir, tiny_lm.manifest)


def test_memorisation_follows_duplication(extractions: list[Extraction]) -> None:
    summary = summarise(extractions)
    extracted = {name: group["extracted"] for name, group in summary.items()}
    assert extracted["20x"] >= 3, summary
    assert extracted["1x"] <= 1, summary
    assert extracted["control"] == 0, summary
    assert not any(r.extracted for r in extractions if r.control)


def test_exposure_rises_with_duplication(extractions: list[Extraction]) -> None:
    summary = summarise(extractions)
    nll = {name: group["mean_nll"] for name, group in summary.items()}
    assert nll["20x"] < nll["5x"] < nll["1x"] < nll["control"], summary
