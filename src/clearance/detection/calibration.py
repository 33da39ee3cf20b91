"""Score calibration: what fraction of the matches a detector reports at a score are right.

A detector's score is first set by hand (a base score, plus a context boost, minus an
anti-context penalty) and takes a few discrete levels per detector. A :class:`Calibration` maps
each (detector, level) to the precision observed on labelled documents, so that a reported 0.8
means "right about 8 times in 10" on data like the documents it was fitted on.

Fitting (:func:`fit`) is histogram binning on those levels with a Beta prior centred on the
hand-set score (``prior_strength`` pseudo-matches): a level seen 3 times stays near its hand-set
score, a level seen 1,000 times moves to its observed precision. An isotonic regression
(scikit-learn's, weighted by matches) then keeps a detector's calibrated scores in the order of
its raw ones, so a context word never lowers a score. Results are clipped to [0.01, 0.99]: no
match is certain. Detectors without data keep their hand-set scores; a level between fitted
ones is interpolated (anchored at 0 and 1).

The bundled map (``calibration.json``) is fitted by ``benchmarks/bench_calibration.py`` on the
labelled evaluation corpus (never its holdout); ``clearance calibrate`` fits one on your own
labelled documents.
"""

from __future__ import annotations

import bisect
import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field, PrivateAttr, ValidationError

from clearance.errors import BackendUnavailableError, InputError
from clearance.io.files import not_regular

if TYPE_CHECKING:
    from clearance.detection.engine import Engine
    from clearance.detection.match import Match

BUNDLED = Path(__file__).with_name("calibration.json")
MIN_SCORE, MAX_SCORE = 0.01, 0.99
# Gold type that any match of category "secret" answers (labelled corpora rarely name the service).
SECRET_TYPE = "SECRET"

Span = tuple[str, int, int]  # (type, start, end)


class Level(BaseModel):
    """One hand-set score level of a detector and what it was found to mean."""

    raw: float = Field(ge=0, le=1, description="score before calibration")
    calibrated: float = Field(ge=0, le=1)
    matches: int = Field(ge=0, description="judged matches at this level")
    correct: int = Field(ge=0, description="of which agreed with the labels")


class DetectorScale:
    """One detector's map: fitted levels, linear in between, anchored at (0, 0) and (1, 1)."""

    __slots__ = ("_memo", "_xs", "_ys")

    def __init__(self, xs: list[float], ys: list[float]) -> None:
        self._xs, self._ys = xs, ys
        self._memo: dict[float, float] = {}

    def __call__(self, raw: float) -> float:
        value = self._memo.get(raw)
        if value is None:
            value = self._memo[raw] = self._interpolate(raw)
        return value

    def _interpolate(self, raw: float) -> float:
        xs, ys = self._xs, self._ys
        i = bisect.bisect_left(xs, raw - 1e-9)
        if i < len(xs) and abs(xs[i] - raw) <= 1e-9:
            return ys[i]
        x0, y0 = (xs[i - 1], ys[i - 1]) if i else (0.0, 0.0)
        x1, y1 = (xs[i], ys[i]) if i < len(xs) else (1.0, 1.0)
        value = y0 + (y1 - y0) * (raw - x0) / (x1 - x0) if x1 > x0 else y0
        return round(min(MAX_SCORE, max(MIN_SCORE, value)), 4)


class Calibration(BaseModel):
    """Per-detector maps from hand-set score to calibrated score."""

    version: Literal[1] = 1
    source: str = Field(description="what it was fitted on")
    prior_strength: float = Field(ge=0)
    documents: int = Field(ge=0)
    detectors: dict[str, list[Level]]

    _scales: dict[str, DetectorScale] = PrivateAttr(default_factory=dict)

    def model_post_init(self, __context: object) -> None:
        for det, levels in self.detectors.items():
            levels.sort(key=lambda lv: lv.raw)
            self._scales[det] = DetectorScale(
                [lv.raw for lv in levels], [lv.calibrated for lv in levels]
            )

    def scale(self, detector: str) -> DetectorScale | None:
        """``detector``'s map as a callable (``None``: not fitted, scores stay as they are).
        Fetch it once per batch: attribute access on a pydantic model is slow in a hot loop."""
        return self._scales.get(detector)

    def score(self, detector: str, raw: float) -> float:
        """The calibrated score of a ``raw`` score from ``detector`` (``raw`` when unfitted)."""
        scale = self._scales.get(detector)
        return raw if scale is None else scale(raw)

    def to_json(self) -> str:
        """The map as JSON (what :func:`load` reads)."""
        return self.model_dump_json(indent=1) + "\n"


def load(path: str | Path) -> Calibration:
    """Reads a calibration map; :class:`~clearance.errors.InputError` (exit 3) names the file
    and the first problem."""
    p = Path(path)
    reason = not_regular(p)
    if reason is not None:
        raise InputError(str(p), f"cannot read calibration map: {reason}")
    try:
        return Calibration.model_validate_json(p.read_bytes())
    except OSError as exc:
        raise InputError(str(p), f"cannot read calibration map ({exc.strerror})") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(x) for x in err["loc"]) or "document"
        raise InputError(str(p), f"not a calibration map: {where}: {err['msg']}") from None


@lru_cache(maxsize=1)
def bundled() -> Calibration:
    """The map fitted on clearance's labelled evaluation corpus (shipped with the package)."""
    return load(BUNDLED)


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
