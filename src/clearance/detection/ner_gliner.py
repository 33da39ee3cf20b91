"""``gliner:PATH``: a local GLiNER model (the ``gliner`` package), asked for people, places,
addresses and dates by name.

Loaded from the folder only (``local_files_only``; a path that is not a folder is refused before
the library could take it for a Hub name). GLiNER reads at most ``max_len`` words (its config)
and truncates the rest with a warning, so longer texts go in overlapping windows of its own
words, all windows of a batch of texts in one ``inference`` call.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from clearance.detection.match import Match
from clearance.detection.ner_spans import ner_match, no_model_folder, unloadable, windows
from clearance.errors import BackendUnavailableError

_EXTRA = "pip install 'clearance[gliner]'"
# What GLiNER is asked for, and the entity type each answer is reported as.
LABELS = {"person": "PERSON", "location": "LOCATION", "address": "LOCATION", "date": "DATE_TIME"}
# GLiNER's own word splitter (gliner.data_processing.tokenizer.WhitespaceTokenSplitter), so that
# a window never holds more words than the model reads.
_WORD = re.compile(r"\w+(?:[-_]\w+)*|\S")
# The library's default: below it an untrained label prompt matches nearly every span.
DEFAULT_THRESHOLD = 0.5


class GlinerNer:
    def __init__(
        self, path: str, threshold: float = DEFAULT_THRESHOLD, batch_size: int = 8
    ) -> None:
        self.path = path
        self.threshold = threshold
        self.batch_size = batch_size
        self._model: Any = None
        self._max_words = 0

    def _load(self) -> Any:
        if self._model is None:
            what = f"GLiNER model {self.path}"
            if not Path(self.path).is_dir():
                raise no_model_folder(what, "GLiNER")
            try:
                from gliner import GLiNER
            except ImportError as exc:
                raise BackendUnavailableError("GLiNER", _EXTRA) from exc
            try:
                model = GLiNER.from_pretrained(self.path, local_files_only=True)
            except ImportError as exc:
                raise BackendUnavailableError("GLiNER", _EXTRA) from exc
            except Exception as exc:  # no gliner_config.json, weights of another shape, ...
                raise unloadable(what, exc) from None
            model.eval()
            self._max_words = max(2, int(getattr(model.config, "max_len", 384)))
            self._model = model
        return self._model

    def detect_batch(self, texts: list[str]) -> list[list[Match]]:
        model = self._load()
        # (row, character offset of the window, its text, owned character range)
        parts: list[tuple[int, int, str, int, int]] = []
        for row, text in enumerate(texts):
            words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
            for w in windows(len(words), self._max_words, self._max_words // 4):
                start, end = words[w.first][0], words[w.stop - 1][1]
                own_first = words[w.own_first][0]
                own_stop = words[w.own_stop][0] if w.own_stop < len(words) else len(text)
                parts.append((row, start, text[start:end], own_first, own_stop))
        out: list[list[Match]] = [[] for _ in texts]
        if not parts:
            return out
        found = model.inference(
            [p[2] for p in parts],
            list(LABELS),
            threshold=self.threshold,
            flat_ner=True,
            batch_size=self.batch_size,
        )
        for (row, offset, _, own_first, own_stop), entities in zip(parts, found, strict=True):
            for e in entities:
                start, end = offset + int(e["start"]), offset + int(e["end"])
                entity = LABELS.get(str(e["label"]))
                if entity is None or not own_first <= start < own_stop:
                    continue
                out[row].append(
                    ner_match(entity, start, end, float(e["score"]), texts[row], "ner-gliner")
                )
        for matches in out:
            matches.sort(key=lambda m: (m.start, m.end))
        return out
