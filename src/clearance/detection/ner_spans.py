"""What every local NER back end shares: a model's labels as clearance entity types, tagged
words (BIO, BILOU, BIOES or plain IO) as spans, long texts as overlapping windows, and the
matches and load errors they produce.

A back end returns its matches as they are; the engine merges them with the rules' matches by
its one overlap resolution (``clearance.detection.engine.resolve_overlaps``)."""

from __future__ import annotations

from dataclasses import dataclass

from clearance.core.severity import Severity
from clearance.detection.match import Match
from clearance.errors import BackendUnavailableError

# Model labels (spaCy, CoNLL, OntoNotes and the PII token classifiers' usual names, compared in
# upper case with "-" and " " as "_") -> entity types. Organisations and MISC are not personal
# data: not listed, so dropped.
_ENTITY_OF = {
    **dict.fromkeys(
        (
            "PERSON",
            "PER",
            "NAME",
            "FULLNAME",
            "FIRSTNAME",
            "FIRST_NAME",
            "GIVENNAME",
            "GIVEN_NAME",
            "MIDDLENAME",
            "LASTNAME",
            "LAST_NAME",
            "SURNAME",
        ),
        "PERSON",
    ),
    **dict.fromkeys(
        (
            "LOCATION",
            "LOC",
            "GPE",
            "FAC",
            "ADDRESS",
            "STREET",
            "STREET_ADDRESS",
            "STREETADDRESS",
            "CITY",
            "STATE",
            "COUNTRY",
            "ZIPCODE",
            "ZIP",
            "POSTCODE",
            "POSTAL_CODE",
            "BUILDINGNUM",
        ),
        "LOCATION",
    ),
    **dict.fromkeys(
        (
            "DATE",
            "TIME",
            "DATETIME",
            "DATE_TIME",
            "DOB",
            "DATEOFBIRTH",
            "DATE_OF_BIRTH",
            "BIRTHDATE",
        ),
        "DATE_TIME",
    ),
    "NORP": "NRP",
}

# The position prefixes of tagging schemes: Begin, Inside, Last/End, Unit/Single.
_OPENS = frozenset("BUS")
_CONTINUES = frozenset("ILE")
_CLOSES = frozenset("LEUS")


def entity_of(label: str) -> str | None:
    """The entity type a model label stands for (``None``: one clearance does not report); a
    tagging prefix (``B-PER``, ``L-LOC``) is ignored."""
    _, kind = split_tag(label)
    return _ENTITY_OF.get(kind.replace("-", "_").replace(" ", "_"))


def split_tag(label: str) -> tuple[str, str]:
    """``("B", "PER")`` for ``B-PER``; ``("O", "")`` for ``O``; a label without a position
    prefix (IO tagging, spaCy) is ``("I", LABEL)``, so that equal neighbours join."""
    tag = label.strip().upper()
    if tag in ("O", ""):
        return "O", ""
    if len(tag) > 2 and tag[1] == "-" and tag[0] in _OPENS | _CONTINUES:
        return tag[0], tag[2:]
    return "I", tag


@dataclass(frozen=True, slots=True)
class Word:
    """One word as a model tagged it: character offsets, its label and that label's score."""

    start: int
    end: int
    label: str
    score: float


def tagged_spans(words: list[Word]) -> list[tuple[str, int, int, float]]:
    """``(label kind, start, end, mean score)`` of each entity in a sequence of tagged words:
    a span opens at B/U/S (or an I/L/E that does not continue one of its kind, as lenient
    decoders do), grows over I/L/E of its kind, and closes after L/E/U/S, at O or another
    kind. Words must be in text order."""
    spans: list[tuple[str, int, int, float]] = []
    kind = ""
    first: Word | None = None
    last: Word | None = None
    scores: list[float] = []

    def close() -> None:
        nonlocal first
        if first is not None and last is not None:
            spans.append((kind, first.start, last.end, sum(scores) / len(scores)))
        first = None

    for word in words:
        prefix, this = split_tag(word.label)
        if prefix == "O":
            close()
            continue
        if not (first is not None and this == kind and prefix in _CONTINUES):
            close()
            kind, first, scores = this, word, []
        last = word
        scores.append(word.score)
        if prefix in _CLOSES:
            close()
    close()
    return spans


@dataclass(frozen=True, slots=True)
class Window:
    """Tokens ``first:stop`` go to the model together; the window owns the results that start
    in ``own_first:own_stop``, so that each place of the text is read once in the output
    although windows overlap (an entity cut at one window's edge is whole in its neighbour)."""

    first: int
    stop: int
    own_first: int
    own_stop: int


def windows(count: int, size: int, overlap: int) -> list[Window]:
    """Windows of at most ``size`` tokens over ``count`` tokens, each overlapping the next by
    ``overlap``; the owned ranges partition ``0:count``."""
    if count <= 0:
        return []
    size = max(1, size)
    overlap = min(max(0, overlap), size - 1)
    step = size - overlap
    starts = [0]
    while starts[-1] + size < count:
        starts.append(starts[-1] + step)
    out: list[Window] = []
    for i, first in enumerate(starts):
        own_first = 0 if i == 0 else first + overlap // 2
        own_stop = count if i == len(starts) - 1 else starts[i + 1] + overlap // 2
        out.append(Window(first, min(first + size, count), own_first, own_stop))
    return out


def ner_match(entity: str, start: int, end: int, score: float, text: str, source: str) -> Match:
    return Match(
        entity=entity,
        start=start,
        end=end,
        score=round(score, 6),
        detector=source,
        category="pii",
        severity=Severity.MEDIUM,
        value=text[start:end],
    )


def unloadable(what: str, exc: Exception) -> BackendUnavailableError:
    """A model that is there but cannot be loaded (a config that is not JSON, a folder that is
    no pipeline): the backend is unavailable (exit 5) and the run stops; not an internal error,
    and not an input error, which would skip every scanned file in the model's name."""
    reason = (str(exc).strip().splitlines() or [""])[0][:160]
    return BackendUnavailableError(what, f"cannot load the model ({type(exc).__name__}: {reason})")


def no_model_folder(what: str, kind: str) -> BackendUnavailableError:
    return BackendUnavailableError(
        what,
        f"no such folder; pass the folder of a local {kind} model "
        "(clearance never downloads models)",
    )
