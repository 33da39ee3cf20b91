"""``gliner:PATH``: a tiny GLiNER model on a tiny BERT backbone, built and saved in the test
session (no download), loaded back from its folder alone.

Untrained, it scores noise: the tests replace the span logits it computes by one label for
every one-word span, and check the windows, offsets, types and threshold the back end makes of
them, and the engine's merge with its rules."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from clearance.detection.engine import Engine
from clearance.detection.ner_gliner import LABELS, GlinerNer
from clearance.errors import BackendUnavailableError

# GLiNER reads at most this many words at once: longer texts go in windows.
MAX_WORDS = 6
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "person", "location", "address", "date"]


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip(
        "gliner", reason="gliner is not installed (clearance[gliner]; scripts/test installs it)"
    )
    import torch
    import transformers
    from gliner import GLiNERConfig
    from gliner.model import UniEncoderSpanGLiNER

    root = tmp_path_factory.mktemp("gliner")
    backbone = root / "backbone"
    backbone.mkdir()
    (backbone / "vocab.txt").write_text("\n".join(VOCAB) + "\n", "utf-8")
    transformers.BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=8,
        num_hidden_layers=1,
        num_attention_heads=1,
        intermediate_size=8,
        max_position_embeddings=64,
    ).save_pretrained(backbone)
    transformers.BertTokenizerFast.from_pretrained(backbone).save_pretrained(backbone)
    config = GLiNERConfig(
        model_name=str(backbone), hidden_size=8, max_width=4, max_len=MAX_WORDS, dropout=0.0
    )
    torch.manual_seed(0)
    built = UniEncoderSpanGLiNER.load_from_config(
        config, backbone_from_pretrained=False, local_files_only=True
    )
    built.save_pretrained(root / "model", safe_serialization=True)
    shutil.rmtree(backbone)  # the saved model stands alone
    return root / "model"


def _force(ner: GlinerNer, label: str, logit: float) -> None:
    """Every one-word span gets ``logit`` for ``label`` and every other span and label -20."""
    model = ner._load()
    index = list(LABELS).index(label)
    real = model.model.forward

    def forward(*args: Any, **kwargs: Any) -> Any:
        out = real(*args, **kwargs)
        out.logits.fill_(-20.0)
        out.logits[:, :, 0, index] = logit  # (batch, word, width - 1, label)
        return out

    model.model.forward = forward


WORD = r"\w+(?:[-_]\w+)*|\S"


def _words(text: str) -> list[str]:
    import re

    return re.findall(WORD, text)


def _spans(found: list[Any], text: str) -> list[tuple[str, str]]:
    for m in found:
        assert 0 <= m.start < m.end <= len(text) and m.value == text[m.start : m.end]
        assert m.detector == "ner-gliner" and m.category == "pii"
    return [(m.entity, text[m.start : m.end]) for m in found]


def test_it_loads_from_its_folder_and_returns_well_formed_spans(model: Path) -> None:
    text = "Zoë Ñúñez, born 3 May 1988 in Łódź."
    found = GlinerNer(str(model), threshold=0.0).detect_batch([text, "", "  "])
    assert found[1:] == [[], []]
    assert {m.entity for m in found[0]} <= {"PERSON", "LOCATION", "DATE_TIME"}
    _spans(found[0], text)  # untrained: any spans, but in bounds and of the asked types


def test_a_long_text_is_read_in_windows_and_each_word_reported_once(model: Path) -> None:
    ner = GlinerNer(str(model))
    _force(ner, "date", 1.0)  # sigmoid(1) = 0.73 >= 0.5
    short = "Zoë Ñúñez, 東京 3"
    long = " ".join(f"word{i}-x born_{i} ." for i in range(20))  # 60 words, 6 per window
    found = ner.detect_batch([long, short])
    assert _spans(found[0], long) == [("DATE_TIME", w) for w in _words(long)]
    assert _spans(found[1], short) == [("DATE_TIME", w) for w in _words(short)]
    assert {round(m.score, 4) for m in found[0]} == {0.7311}


def test_the_threshold_drops_weaker_spans(model: Path) -> None:
    ner = GlinerNer(str(model), threshold=0.8)
    _force(ner, "person", 1.0)
    assert ner.detect_batch(["Zoë Ñúñez"]) == [[]]


def test_rule_and_model_matches_are_merged_by_the_engine(model: Path) -> None:
    """The model's pieces of the e-mail address are dropped (the rule knows the format); a
    span the lexicon does not support is kept only when the model is sure of it."""
    text = "Vexmoor, zq@example.com"
    ner = GlinerNer(str(model))
    _force(ner, "address", 1.0)  # sigmoid(1) = 0.73
    alone = ner.detect_batch([text])[0]
    assert _spans(alone, text) == [("LOCATION", w) for w in _words(text)]
    merged = Engine(workers=1, ner=ner).detect(text)
    assert [(m.entity, m.detector, text[m.start : m.end]) for m in merged] == [
        ("EMAIL_ADDRESS", "email", "zq@example.com"),
    ]
    _force(ner, "address", 5.0)  # 0.993
    merged = Engine(workers=1, ner=ner).detect(text)
    assert [(m.entity, m.detector, text[m.start : m.end]) for m in merged] == [
        ("LOCATION", "ner-gliner", "Vexmoor"),
        ("LOCATION", "ner-gliner", ","),
        ("EMAIL_ADDRESS", "email", "zq@example.com"),
    ]


def test_a_folder_that_is_no_gliner_model_is_backend_unavailable(tmp_path: Path) -> None:
    pytest.importorskip(
        "gliner", reason="gliner is not installed (clearance[gliner]; scripts/test installs it)"
    )
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(BackendUnavailableError, match="cannot load the model") as info:
        GlinerNer(str(tmp_path)).detect_batch(["Ada lives in Paris"])
    assert "\n" not in str(info.value) and "Ada" not in str(info.value)


def test_a_missing_folder_is_refused_before_gliner_could_take_it_for_a_hub_name() -> None:
    with pytest.raises(BackendUnavailableError, match=r"no such folder.*never downloads"):
        GlinerNer("urchade/gliner_small-v2.1").detect_batch(["Ada lives in Paris"])


def test_missing_gliner_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gliner", None)  # import gliner now raises ImportError
    with pytest.raises(BackendUnavailableError, match=r"clearance\[gliner\]"):
        GlinerNer(str(tmp_path)).detect_batch(["Ada lives in Paris"])
