"""A detected span. The raw value stays in memory only: it is excluded from ``repr`` and from
every serialisation, so printing or logging a match never leaks what was found."""

from __future__ import annotations

from dataclasses import dataclass, field

from clearance.core.severity import Severity
from clearance.detection.detector import Category


@dataclass(frozen=True, slots=True)
class Match:
    entity: str
    start: int
    end: int
    score: float
    detector: str
    category: Category
    severity: Severity
    value: str = field(repr=False, compare=False)
    # The detector's hand-set score before calibration: overlaps are settled on it (it ranks
    # specific formats over generic ones; calibration can tie them at the 0.99 cap).
    raw_score: float | None = field(default=None, repr=False, compare=False)

    def __reduce__(self) -> tuple[type[Match], tuple[object, ...]]:
        # Worker processes send matches back pickled: the constructor's arguments pickle
        # faster than the slots dataclass's own state protocol (measured there and back).
        return (
            Match,
            (
                self.entity,
                self.start,
                self.end,
                self.score,
                self.detector,
                self.category,
                self.severity,
                self.value,
                self.raw_score,
            ),
        )

    @property
    def priority(self) -> float:
        return self.score if self.raw_score is None else self.raw_score

    def overlaps(self, other: Match) -> bool:
        return self.start < other.end and other.start < self.end

    def to_public(self, show_value: bool = False) -> dict[str, object]:
        """The JSON shape of ``clearance detect``: offsets and score, the value only on request."""
        out: dict[str, object] = {
            "type": self.entity,
            "start": self.start,
            "end": self.end,
            "score": round(self.score, 4),
            "detector": self.detector,
        }
        if show_value:
            out["value"] = self.value
        return out
