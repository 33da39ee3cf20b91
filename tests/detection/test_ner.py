"""Local NER models: the spec is checked without naming a command-line flag, and a Hugging Face
model loads from its folder only, without changing the process environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clearance.detection.ner import HuggingFaceNer, SpacyNer, load_ner, ner_spec_problem


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ("bogus", "expected spacy:PATH_OR_NAME or hf:PATH"),
        ("spacy:", "expected spacy:PATH_OR_NAME or hf:PATH"),
        ("zz:x", "unknown backend 'zz'; allowed: spacy, hf"),
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


def _tiny_token_classifier(folder: Path) -> Path:
    """A one-layer BERT token classifier with a ten-word vocabulary, saved like a real one."""
    transformers = pytest.importorskip("transformers")
    torch = pytest.importorskip("torch")
    folder.mkdir()
    vocab = folder / "vocab.txt"
    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "jane", "doe", "lives", "in", "paris"]
    vocab.write_text("\n".join(words) + "\n", "utf-8")
    config = transformers.BertConfig(
        vocab_size=len(words),
        hidden_size=8,
        num_hidden_layers=1,
        num_attention_heads=1,
        intermediate_size=8,
        max_position_embeddings=32,
        id2label={0: "O", 1: "B-PER"},
        label2id={"O": 0, "B-PER": 1},
    )
    torch.manual_seed(0)
    transformers.BertForTokenClassification(config).save_pretrained(folder)
    transformers.BertTokenizerFast(vocab_file=str(vocab)).save_pretrained(folder)
    return folder


def test_hf_model_loads_from_its_folder_and_leaves_the_environment_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _tiny_token_classifier(tmp_path / "ner")
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    found = HuggingFaceNer(str(folder)).detect_batch(["jane doe lives in paris", "in"])
    # offline by local_files_only, not by switching the caller's transformers offline
    assert "HF_HUB_OFFLINE" not in os.environ
    assert len(found) == 2
    text = "jane doe lives in paris"
    for match in found[0]:
        assert match.detector == "ner-hf" and match.entity == "PERSON"
        assert 0 <= match.start < match.end <= len(text)
