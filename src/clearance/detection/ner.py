"""Optional named-entity models the user already has on disk: ``spacy:PATH_OR_NAME`` or ``hf:PATH``.

Nothing is ever downloaded: spaCy loads an installed package or a folder, and transformers runs with
``local_files_only``. Missing libraries raise ``BackendUnavailableError`` naming the extra.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from clearance.core.severity import Severity
from clearance.detection.match import Match
from clearance.errors import BackendUnavailableError


def _unloadable(what: str, exc: Exception) -> BackendUnavailableError:
    """A model that is there but cannot be loaded (a config that is not JSON, a folder that is
    no pipeline): the backend is unavailable (exit 5) and the run stops; not an internal error,
    and not an input error, which would skip every scanned file in the model's name."""
    reason = (str(exc).strip().splitlines() or [""])[0][:160]
    return BackendUnavailableError(what, f"cannot load the model ({type(exc).__name__}: {reason})")


# spaCy / Hugging Face labels -> Presidio entity names.
_LABELS = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "GPE": "LOCATION",
    "LOC": "LOCATION",
    "FAC": "LOCATION",
    "NORP": "NRP",
}


class NerBackend(Protocol):
    def detect_batch(self, texts: list[str]) -> list[list[Match]]: ...


def _match(label: str, start: int, end: int, score: float, text: str, source: str) -> Match | None:
    entity = _LABELS.get(label.upper().removeprefix("B-").removeprefix("I-"))
    if entity is None:
        return None
    return Match(
        entity=entity,
        start=start,
        end=end,
        score=score,
        detector=source,
        category="pii",
        severity=Severity.MEDIUM,
        value=text[start:end],
    )


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
                raise _unloadable(f"spaCy pipeline {self.name_or_path!r}", exc) from None
        return self._nlp

    def detect_batch(self, texts: list[str]) -> list[list[Match]]:
        nlp = self._load()
        out: list[list[Match]] = []
        for text, doc in zip(texts, nlp.pipe(texts, batch_size=256), strict=True):
            found = [
                _match(ent.label_, ent.start_char, ent.end_char, self.score, text, "ner-spacy")
                for ent in doc.ents
            ]
            out.append([m for m in found if m is not None])
        return out


class HuggingFaceNer:
    def __init__(self, path: str) -> None:
        self.path = path
        self._pipe: Any = None

    def _load(self) -> Any:
        if self._pipe is None:
            if not Path(self.path).is_dir():
                raise BackendUnavailableError(
                    f"NER model {self.path}",
                    "no such folder; pass the folder of a local token-classification model "
                    "(clearance never downloads models)",
                )
            try:
                from transformers import (
                    AutoModelForTokenClassification,
                    AutoTokenizer,
                    pipeline,
                )
            except ImportError as exc:
                raise BackendUnavailableError(
                    "transformers", "pip install 'clearance[llm]'"
                ) from exc
            # Loaded here with local_files_only, and handed to the pipeline as objects: nothing
            # is looked up on the Hub, without changing the process environment (HF_HUB_OFFLINE)
            # for the caller's own use of transformers.
            try:
                tokenizer = AutoTokenizer.from_pretrained(self.path, local_files_only=True)
                model = AutoModelForTokenClassification.from_pretrained(
                    self.path, local_files_only=True
                )
                self._pipe = pipeline(
                    "token-classification",
                    model=model,
                    tokenizer=tokenizer,
                    aggregation_strategy="simple",
                )
            except ImportError as exc:  # a tokenizer needing an absent package, and the like
                raise BackendUnavailableError(
                    "transformers", "pip install 'clearance[llm]'"
                ) from exc
            except Exception as exc:  # a config that is not JSON, no weights, ...
                raise _unloadable(f"NER model {self.path}", exc) from None
        return self._pipe

    def detect_batch(self, texts: list[str]) -> list[list[Match]]:
        pipe = self._load()
        out: list[list[Match]] = []
        for text, ents in zip(texts, pipe(texts), strict=True):
            found = [
                _match(e["entity_group"], e["start"], e["end"], float(e["score"]), text, "ner-hf")
                for e in ents
            ]
            out.append([m for m in found if m is not None])
        return out


def ner_spec_problem(spec: str) -> str | None:
    """Why ``spec`` names no NER model (``None``: it does): ``spacy:NAME_OR_PATH`` or
    ``hf:PATH``."""
    kind, _, target = spec.partition(":")
    if not target:
        return "expected spacy:PATH_OR_NAME or hf:PATH"
    if kind not in ("spacy", "hf"):
        return f"unknown backend {kind!r}; allowed: spacy, hf"
    return None


def load_ner(spec: str) -> NerBackend:
    """Parses ``spacy:NAME_OR_PATH`` or ``hf:PATH`` (``ValueError`` naming the problem); the
    model itself loads on first use."""
    problem = ner_spec_problem(spec)
    if problem is not None:
        raise ValueError(f"NER model {spec!r}: {problem}")
    kind, _, target = spec.partition(":")
    return SpacyNer(target) if kind == "spacy" else HuggingFaceNer(target)
