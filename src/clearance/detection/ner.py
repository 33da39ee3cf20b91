"""Optional named-entity models the user already has on disk: ``spacy:PATH_OR_NAME``,
``hf:PATH`` (a Hugging Face token classifier, :mod:`clearance.detection.ner_hf`) or
``gliner:PATH`` (:mod:`clearance.detection.ner_gliner`).

Nothing is ever downloaded: spaCy loads an installed package or a folder, transformers and GLiNER
load a folder with ``local_files_only``. Missing libraries raise ``BackendUnavailableError``
naming the extra. The engine merges a model's matches with its rules' by its one overlap
resolution.
"""

from __future__ import annotations

from typing import Any, Protocol

from clearance.detection.match import Match
from clearance.detection.ner_gliner import DEFAULT_THRESHOLD, GlinerNer
from clearance.detection.ner_hf import HuggingFaceNer
from clearance.detection.ner_spans import entity_of, ner_match, unloadable
from clearance.errors import BackendUnavailableError

_KINDS = ("spacy", "hf", "gliner")
_EXPECTED = "expected spacy:PATH_OR_NAME, hf:PATH or gliner:PATH"


class NerBackend(Protocol):
    def detect_batch(self, texts: list[str]) -> list[list[Match]]: ...


class SpacyNer:
    def __init__(self, name_or_path: str, score: float = 0.85) -> None:
        self.name_or_path = name_or_path
        self.score = score
        self._nlp: Any = None

    def _load(self) -> Any:
        if self._nlp is None:
            try:
                import spacy
            except ImportError as exc:
                raise BackendUnavailableError("spaCy", "pip install 'clearance[ner]'") from exc
            try:
                self._nlp = spacy.load(self.name_or_path, disable=["lemmatizer", "parser"])
            except OSError as exc:
                raise BackendUnavailableError(
                    f"spaCy pipeline {self.name_or_path!r}",
                    "install the pipeline package or pass the path of a pipeline folder; "
                    "clearance never downloads models",
                ) from exc
            except Exception as exc:  # found, but not a pipeline spaCy can read
                raise unloadable(f"spaCy pipeline {self.name_or_path!r}", exc) from None
        return self._nlp

    def detect_batch(self, texts: list[str]) -> list[list[Match]]:
        nlp = self._load()
        out: list[list[Match]] = []
        for text, doc in zip(texts, nlp.pipe(texts, batch_size=256), strict=True):
            found: list[Match] = []
            for ent in doc.ents:
                entity = entity_of(ent.label_)
                if entity is not None:
                    found.append(
                        ner_match(
                            entity, ent.start_char, ent.end_char, self.score, text, "ner-spacy"
                        )
                    )
            out.append(found)
        return out


def ner_spec_problem(spec: str) -> str | None:
    """Why ``spec`` names no NER model (``None``: it does): ``spacy:NAME_OR_PATH``, ``hf:PATH``
    or ``gliner:PATH``."""
    kind, _, target = spec.partition(":")
    if not target:
        return _EXPECTED
    if kind not in _KINDS:
        return f"unknown backend {kind!r}; allowed: {', '.join(_KINDS)}"
    return None


def load_ner(spec: str, threshold: float = 0.0) -> NerBackend:
    """Parses ``spacy:NAME_OR_PATH``, ``hf:PATH`` or ``gliner:PATH`` (``ValueError`` naming the
    problem); the model itself loads on first use. ``threshold`` is the engine's: GLiNER keeps
    the spans scoring at least that (its own default, 0.5, when the engine keeps everything)."""
    problem = ner_spec_problem(spec)
    if problem is not None:
        raise ValueError(f"NER model {spec!r}: {problem}")
    kind, _, target = spec.partition(":")
    if kind == "spacy":
        return SpacyNer(target)
    if kind == "hf":
        return HuggingFaceNer(target)
    return GlinerNer(target, threshold=threshold if threshold > 0 else DEFAULT_THRESHOLD)
