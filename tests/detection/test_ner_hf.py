"""``hf:PATH``: a tiny BERT token classifier built and saved in the test session (no download).

Untrained, it predicts noise: the tests fix its output, either by the classifier's bias (saved
with the model: one label always wins) or by replacing its logits with a label per token id,
and check the words, spans, offsets, windows and entity types the back end makes of them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from clearance.detection.engine import Engine
from clearance.detection.ner_hf import HuggingFaceNer
from clearance.errors import BackendUnavailableError

transformers = pytest.importorskip(
    "transformers", reason="transformers is not installed (clearance[llm], dev)"
)
torch = pytest.importorskip("torch", reason="torch is not installed (clearance[llm], dev)")

LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-DATE"]
# Words outside the vocabulary ("Zoë", "Vexmoor", "zq", "@") are one [UNK] token each.
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "jane", "doe", "lives", "in", "ams"]
VOCAB += ["##ter", "##dam", "on", "may", "3", ",", "."]
# 8 tokens per window with [CLS] and [SEP]: anything longer than a short sentence is windowed.
MAX_LENGTH = 8


def _save(folder: Path, forced: str | None) -> Path:
    folder.mkdir()
    vocab = folder / "vocab.txt"
    vocab.write_text("\n".join(VOCAB) + "\n", "utf-8")
    config = transformers.BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=8,
        num_hidden_layers=1,
        num_attention_heads=1,
        intermediate_size=8,
        max_position_embeddings=32,
        id2label=dict(enumerate(LABELS)),
        label2id={label: i for i, label in enumerate(LABELS)},
    )
    torch.manual_seed(0)
    model = transformers.BertForTokenClassification(config)
    if forced is not None:  # the label wins on every token, whatever the input
        with torch.no_grad():
            model.classifier.weight.zero_()
            model.classifier.bias.copy_(torch.tensor([20.0 * (x == forced) for x in LABELS]))
    model.save_pretrained(folder)
    # from the folder's vocab.txt: the one way transformers 4 and 5 both read it
    tokenizer = transformers.BertTokenizerFast.from_pretrained(folder, local_files_only=True)
    tokenizer.model_max_length = MAX_LENGTH
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _save(tmp_path_factory.mktemp("hf") / "model", None)


@pytest.fixture(scope="module")
def dates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _save(tmp_path_factory.mktemp("hf") / "dates", "B-DATE")


def _by_token(ner: HuggingFaceNer, labels: dict[str, str], logit: float = 20.0) -> None:
    """Replaces the model's logits: each token gets the label ``labels`` names for it (O for
    the rest), with ``logit`` against 0 for the others."""
    ner.detect_batch(["in"])  # loads it
    ids = {ner._tokenizer.convert_tokens_to_ids(t): LABELS.index(lab) for t, lab in labels.items()}
    real = ner._model.forward

    def forward(**inputs: Any) -> Any:
        out = real(**inputs)
        table = torch.zeros(len(VOCAB), len(LABELS))
        for token in range(len(VOCAB)):
            table[token, ids.get(token, 0)] = logit
        out.logits = table[inputs["input_ids"]]
        return out

    ner._model.forward = forward


def _spans(found: list[Any], text: str) -> list[tuple[str, str]]:
    for m in found:
        assert 0 <= m.start < m.end <= len(text) and m.value == text[m.start : m.end]
        assert m.detector == "ner-hf" and m.category == "pii"
    return [(m.entity, text[m.start : m.end]) for m in found]


SENTENCE = "Zoë Jane Doe lives in Amsterdam on May 3."
TAGS = {
    "[UNK]": "B-PER",  # Zoë
    "jane": "I-PER",
    "doe": "I-PER",
    "ams": "B-LOC",
    "##ter": "O",  # a later sub-token disagreeing: the word's first sub-token decides
    "##dam": "B-PER",
    "may": "B-DATE",
    "3": "B-DATE",
}
EXPECTED = [
    ("PERSON", "Zoë Jane Doe"),
    ("LOCATION", "Amsterdam"),
    ("DATE_TIME", "May"),
    ("DATE_TIME", "3"),
]


def test_words_become_entities_with_offsets_into_the_text(model: Path) -> None:
    ner = HuggingFaceNer(str(model))
    _by_token(ner, TAGS)
    found = ner.detect_batch([SENTENCE, "", "   ", "in on"])
    assert _spans(found[0], SENTENCE) == EXPECTED
    assert found[0][0].start == 0 and found[0][0].end == len("Zoë Jane Doe")
    assert found[1:] == [[], [], []]
    assert all(m.score > 0.99 for m in found[0])


def test_a_long_text_is_read_in_windows_and_each_word_labelled_once(model: Path) -> None:
    ner = HuggingFaceNer(str(model))
    _by_token(ner, TAGS)
    text = " ".join([SENTENCE] * 6)  # 84 tokens, 8 per window
    found = ner.detect_batch([text, SENTENCE])
    assert _spans(found[0], text) == EXPECTED * 6
    step = len(SENTENCE) + 1
    assert [m.start for m in found[0][::4]] == [step * i for i in range(6)]
    assert _spans(found[1], SENTENCE) == EXPECTED


def test_a_forced_label_from_the_saved_weights(
    dates: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The classifier's bias alone makes every word B-DATE: one DATE_TIME per word, also for
    words spelt outside ASCII, and the process environment is left alone."""
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    text = "Ñandú, Zoë — 東京 3"
    found = HuggingFaceNer(str(dates)).detect_batch([text])
    assert "HF_HUB_OFFLINE" not in os.environ  # offline by local_files_only, not globally
    assert _spans(found[0], text) == [
        ("DATE_TIME", w) for w in ["Ñandú", ",", "Zoë", "—", "東", "京", "3"]
    ]


def test_rule_and_model_matches_are_merged_by_the_engine(model: Path) -> None:
    """The model's pieces inside the e-mail address are dropped whatever their score (the rule
    knows the format); its unknown place is kept only when it is sure of it (0.9 and up)."""
    text = "Vexmoor, zq@example.com"
    weak = HuggingFaceNer(str(model))
    _by_token(weak, {"[UNK]": "B-LOC"}, logit=1.0)  # p = e / (e + 5) = 0.35
    alone = weak.detect_batch([text])[0]
    assert _spans(alone, text) == [
        ("LOCATION", w) for w in ["Vexmoor", "zq", "@", "example", "com"]
    ]
    merged = Engine(workers=1, ner=weak).detect(text)
    assert [(m.entity, m.detector, text[m.start : m.end]) for m in merged] == [
        ("EMAIL_ADDRESS", "email", "zq@example.com"),
    ]
    strong = HuggingFaceNer(str(model))
    _by_token(strong, {"[UNK]": "B-LOC"})
    merged = Engine(workers=1, ner=strong).detect(text)
    assert [(m.entity, m.detector, text[m.start : m.end]) for m in merged] == [
        ("LOCATION", "ner-hf", "Vexmoor"),
        ("EMAIL_ADDRESS", "email", "zq@example.com"),
    ]
    # the engine's threshold applies to the model's matches too
    sure = HuggingFaceNer(str(model))
    _by_token(sure, {"[UNK]": "B-LOC"}, logit=4.0)  # p = e^4 / (e^4 + 5) = 0.92
    assert [m.detector for m in Engine(workers=1, ner=sure).detect(text)] == ["ner-hf", "email"]
    assert [m.detector for m in Engine(workers=1, ner=sure, threshold=0.95).detect(text)] == [
        "email"
    ]


def test_missing_hf_model_folder_is_backend_unavailable(tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailableError, match=r"no such folder.*never downloads"):
        HuggingFaceNer(str(tmp_path / "model")).detect_batch(["Ada lives in Paris"])


def test_an_hf_folder_that_cannot_be_loaded_is_backend_unavailable(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(BackendUnavailableError, match="cannot load the model") as info:
        HuggingFaceNer(str(tmp_path)).detect_batch(["Ada lives in Paris"])
    assert "\n" not in str(info.value) and "Ada" not in str(info.value)
