"""The calibration map: what fraction of the matches a detector reports at a score are right.

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
labelled documents. This module only holds and applies a map (the engine uses it); fitting one,
which runs an engine over labelled documents, is :mod:`clearance.detection.fitting`.
"""

from __future__ import annotations

import bisect
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, PrivateAttr, ValidationError

from clearance.errors import InputError
from clearance.io.files import not_regular

BUNDLED = Path(__file__).with_name("calibration.json")
MIN_SCORE, MAX_SCORE = 0.01, 0.99


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
