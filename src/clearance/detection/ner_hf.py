"""``hf:PATH``: a local Hugging Face token-classification model (BERT, RoBERTa, DeBERTa, ...).

Loaded with ``local_files_only`` (nothing is looked up on the Hub, and the process environment is
left alone). Texts longer than the model reads at once are cut into overlapping windows by the
tokenizer (``stride``); each word is labelled by its first sub-token, in the window where it sits
furthest from an edge, so a word is labelled once; words are joined into entities by their tags
(BIO, BILOU, BIOES or plain IO, :func:`clearance.detection.ner_spans.tagged_spans`). Offsets are
the tokenizer's character offsets into the Python string, right on any script.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clearance.detection.match import Match
from clearance.detection.ner_spans import (
    Word,
    entity_of,
    ner_match,
    no_model_folder,
    tagged_spans,
    unloadable,
)
from clearance.errors import BackendUnavailableError

_EXTRA = "pip install 'clearance[llm]'"
# Windows per forward pass: bounded memory whatever the number of texts.
_BATCH = 16


class HuggingFaceNer:
    def __init__(self, path: str, batch_size: int = _BATCH) -> None:
        self.path = path
        self.batch_size = batch_size
        self._model: Any = None
        self._tokenizer: Any = None
        self._max_length = 0

    def _load(self) -> None:
        if self._model is not None:
            return
        what = f"NER model {self.path}"
        if not Path(self.path).is_dir():
            raise no_model_folder(what, "token-classification")
        try:
            import torch  # noqa: F401  (the model runs on it)
            from transformers import AutoModelForTokenClassification, AutoTokenizer
        except ImportError as exc:
            raise BackendUnavailableError("transformers", _EXTRA) from exc
        try:
            tokenizer = AutoTokenizer.from_pretrained(self.path, local_files_only=True)
            model = AutoModelForTokenClassification.from_pretrained(
                self.path, local_files_only=True
            )
        except ImportError as exc:  # a tokenizer needing an absent package, and the like
            raise BackendUnavailableError("transformers", _EXTRA) from exc
        except Exception as exc:  # a config that is not JSON, no weights, ...
            raise unloadable(what, exc) from None
        if not getattr(tokenizer, "is_fast", False):
            # word boundaries, character offsets and windows all come from a fast tokenizer
            raise unloadable(what, ValueError("no fast tokenizer (tokenizer.json) in the folder"))
        positions = int(getattr(model.config, "max_position_embeddings", 512) or 512)
        declared = int(getattr(tokenizer, "model_max_length", 0) or 0)
        # A tokenizer saved without a length says ~1e30; RoBERTa-like models then have 2 fewer
        # usable positions than they declare (padding offset), so keep 2 spare.
        self._max_length = declared if 8 <= declared <= positions else max(8, positions - 2)
        model.eval()
        self._tokenizer, self._model = tokenizer, model

    def detect_batch(self, texts: list[str]) -> list[list[Match]]:
        self._load()
        out: list[list[Match]] = [[] for _ in texts]
        rows = [i for i, text in enumerate(texts) if text.strip()]
        if not rows:
            return out
        labelled = self._label_words([texts[i] for i in rows])
        for row, words in zip(rows, labelled, strict=True):
            text = texts[row]
            for kind, start, end, score in tagged_spans(words):
                entity = entity_of(kind)
                if entity is not None:
                    out[row].append(ner_match(entity, start, end, score, text, "ner-hf"))
        return out

    def _label_words(self, texts: list[str]) -> list[list[Word]]:
        """Each text's words in order, labelled by the model."""
        tokenizer, length = self._tokenizer, self._max_length
        enc = tokenizer(
            texts,
            truncation=True,
            max_length=length,
            stride=length // 4,
            return_overflowing_tokens=True,
            return_offsets_mapping=True,
        )
        sample_of: list[int] = list(enc["overflow_to_sample_mapping"])
        # per text, per word index: [start, end, (centrality, label id, score) or None]
        spans: list[dict[int, list[Any]]] = [{} for _ in texts]
        order = sorted(range(len(sample_of)), key=lambda w: len(enc["input_ids"][w]))
        for lo in range(0, len(order), self.batch_size):
            batch = order[lo : lo + self.batch_size]
            for w, probs in zip(batch, self._probabilities(enc, batch), strict=True):
                self._collect(spans[sample_of[w]], enc.word_ids(w), enc["offset_mapping"][w], probs)
        labels = self._model.config.id2label
        out: list[list[Word]] = []
        for words in spans:
            out.append(
                [
                    Word(start, end, str(labels[best[1]]), best[2])
                    for _, (start, end, best) in sorted(words.items())
                    if best is not None
                ]
            )
        return out

    def _probabilities(self, enc: Any, batch: list[int]) -> list[Any]:
        """Label probabilities per token of the windows ``batch`` (right-padded together)."""
        import torch

        width = max(len(enc["input_ids"][w]) for w in batch)
        pad = self._tokenizer.pad_token_id or 0
        names = [n for n in ("input_ids", "token_type_ids") if n in enc]
        inputs = {
            n: torch.tensor([enc[n][w] + [pad if n == "input_ids" else 0] * (width - len(enc[n][w]))
                             for w in batch])
            for n in names
        }  # fmt: skip
        inputs["attention_mask"] = torch.tensor(
            [
                [1] * len(enc["input_ids"][w]) + [0] * (width - len(enc["input_ids"][w]))
                for w in batch
            ]
        )
        with torch.inference_mode():
            logits = self._model(**inputs).logits
        probs = torch.softmax(logits.float(), dim=-1)
        return [probs[i, : len(enc["input_ids"][w])].tolist() for i, w in enumerate(batch)]

    @staticmethod
    def _collect(
        words: dict[int, list[Any]],
        word_ids: list[int | None],
        offsets: list[tuple[int, int]],
        probs: list[list[float]],
    ) -> None:
        """Adds one window's tokens to its text's words: offsets widen the word, and the first
        sub-token's label counts where the word sits further from the window's edges than in
        any window seen before (the earlier window on a tie)."""
        content = [(i, wid) for i, wid in enumerate(word_ids) if wid is not None]
        if not content:
            return
        lo, hi = content[0][0], content[-1][0]
        previous: int | None = None
        for i, wid in content:
            start, end = offsets[i]
            entry = words.setdefault(wid, [start, end, None])
            entry[0], entry[1] = min(entry[0], start), max(entry[1], end)
            if wid != previous:
                centrality = min(i - lo, hi - i)
                best = entry[2]
                if best is None or centrality > best[0]:
                    label = max(range(len(probs[i])), key=probs[i].__getitem__)
                    entry[2] = (centrality, label, probs[i][label])
            previous = wid
