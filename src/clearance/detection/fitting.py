"""Fitting a calibration map (:mod:`clearance.detection.calibration`) on labelled documents.

Fitting (:func:`fit`) is histogram binning on a detector's hand-set score levels with a Beta
prior centred on the hand-set score (``prior_strength`` pseudo-matches): a level seen 3 times
stays near its hand-set score, a level seen 1,000 times moves to its observed precision. An
isotonic regression (scikit-learn's, weighted by matches) then keeps a detector's calibrated
scores in the order of its raw ones, so a context word never lowers a score. Results are clipped
to [0.01, 0.99]: no match is certain. Detectors without data keep their hand-set scores.

It runs an engine over the documents (:func:`observations`), so it sits above the engine, which
only applies a fitted map: ``clearance calibrate`` and ``benchmarks/bench_calibration.py`` use it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path

from clearance.detection.calibration import MAX_SCORE, MIN_SCORE, Calibration, Level
from clearance.detection.engine import Engine
from clearance.detection.match import Match
from clearance.errors import BackendUnavailableError, InputError
from clearance.io.files import not_regular

# Gold type that any match of category "secret" answers (labelled corpora rarely name the service).
SECRET_TYPE = "SECRET"

Span = tuple[str, int, int]  # (type, start, end)


def match_spans(
    gold: Sequence[Span], predicted: Sequence[tuple[tuple[str, ...], int, int]]
) -> tuple[list[bool], list[bool]]:
    """Greedy one-to-one matching of predicted spans (each with the types it may answer) to gold
    spans: same type, overlap of at least half the gold span, predictions in text order, each
    gold span answering one prediction. Returns (prediction is right, gold span is found)."""
    found = [False] * len(gold)
    right = [False] * len(predicted)
    for pi in sorted(range(len(predicted)), key=lambda i: predicted[i][1:]):
        types, ps, pe = predicted[pi]
        best, best_overlap = -1, 0
        for gi, (gtype, gs, ge) in enumerate(gold):
            if found[gi] or gtype not in types:
                continue
            overlap = min(pe, ge) - max(ps, gs)
            if overlap >= 0.5 * (ge - gs) and overlap > best_overlap:
                best, best_overlap = gi, overlap
        if best >= 0:
            found[best] = right[pi] = True
    return right, found


def judge(matches: Sequence[Match], gold: Sequence[Span]) -> list[bool]:
    """Per match, whether it agrees with a gold span (:func:`match_spans`); ``SECRET`` answers
    any secret match."""
    predicted = [
        ((SECRET_TYPE, m.entity) if m.category == "secret" else (m.entity,), m.start, m.end)
        for m in matches
    ]
    return match_spans(gold, predicted)[0]


def observations(
    engine: Engine, texts: Sequence[str], gold: Sequence[Sequence[Span]]
) -> list[tuple[str, float, bool]]:
    """(detector, raw score, right) for every match ``engine`` reports whose type the labels
    use (a type never labelled cannot be judged). ``engine`` should be uncalibrated."""
    labelled = {t for spans in gold for t, _, _ in spans}
    out: list[tuple[str, float, bool]] = []
    for matches, spans in zip(engine.detect_batch(texts), gold, strict=True):
        for m, ok in zip(matches, judge(matches, spans), strict=True):
            kind = SECRET_TYPE if m.category == "secret" else m.entity
            if kind in labelled or m.entity in labelled:
                out.append((m.detector, m.score, ok))
    return out


def fit(
    records: Iterable[tuple[str, float, bool]],
    *,
    source: str,
    documents: int,
    prior_strength: float = 20.0,
) -> Calibration:
    """A map from judged matches ``(detector, raw score, right)``; see the module docstring."""
    try:
        from sklearn.isotonic import IsotonicRegression  # type: ignore[import-untyped]
    except ImportError:
        raise BackendUnavailableError(
            "scikit-learn", "fitting a calibration needs it: pip install 'clearance[fairness]'"
        ) from None
    counts: dict[str, dict[float, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for detector, raw, ok in records:
        level = counts[detector][round(raw, 4)]
        level[0] += 1
        level[1] += bool(ok)
    detectors: dict[str, list[Level]] = {}
    for detector in sorted(counts):
        raws = sorted(counts[detector])
        n = [counts[detector][r][0] for r in raws]
        right = [counts[detector][r][1] for r in raws]
        posterior = [
            (c + prior_strength * r) / (k + prior_strength) if k + prior_strength else r
            for r, k, c in zip(raws, n, right, strict=True)
        ]
        weights = [k + prior_strength for k in n]
        iso = IsotonicRegression(increasing=True, y_min=MIN_SCORE, y_max=MAX_SCORE)
        fitted = iso.fit_transform(raws, posterior, sample_weight=weights)
        detectors[detector] = [
            Level(raw=r, calibrated=round(float(y), 4), matches=k, correct=c)
            for r, y, k, c in zip(raws, fitted, n, right, strict=True)
        ]
    return Calibration(
        source=source, prior_strength=prior_strength, documents=documents, detectors=detectors
    )


def read_labelled(
    path: str | Path, text_field: str = "text", known: Collection[str] | None = None
) -> tuple[list[str], list[list[Span]]]:
    """Labelled documents from JSONL: ``{"text": ..., "spans": [{"type", "start", "end"}]}``
    per line (character offsets). :class:`~clearance.errors.InputError` names the line; with
    ``known``, also for a span type outside it (a typo would otherwise judge nothing)."""
    p = Path(path)
    texts: list[str] = []
    gold: list[list[Span]] = []
    reason = not_regular(p)
    if reason is not None:
        raise InputError(str(p), f"cannot read labelled documents: {reason}")
    try:
        lines = p.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "not UTF-8 text"
        raise InputError(str(p), f"cannot read labelled documents ({reason})") from None
    for no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
            text = doc[text_field]
            spans = [(str(s["type"]), int(s["start"]), int(s["end"])) for s in doc["spans"]]
        except (ValueError, KeyError, TypeError) as exc:
            what = (
                f"missing field {exc}" if isinstance(exc, KeyError) else "not a labelled document"
            )
            raise InputError(f"{p}:{no}", f"{what} (expected {text_field!r} and 'spans')") from None
        if not isinstance(text, str):
            raise InputError(f"{p}:{no}", f"field {text_field!r} is not a string")
        if any(not 0 <= s < e <= len(text) for _, s, e in spans):
            raise InputError(f"{p}:{no}", "a span lies outside its text (character offsets)")
        unknown = sorted({t for t, _, _ in spans} - set(known)) if known is not None else []
        if unknown:
            raise InputError(
                f"{p}:{no}",
                f"unknown entity type {', '.join(map(repr, unknown))}: use a type "
                f"`clearance rules` lists (third column), or {SECRET_TYPE} for any credential",
            )
        texts.append(text)
        gold.append(spans)
    if not texts:
        raise InputError(str(p), "no labelled documents")
    return texts, gold
