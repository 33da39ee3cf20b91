"""The fairness audit's data container and report models (pydantic, frozen).

Field names follow Fairlearn's where Fairlearn defines the same quantity (``selection_rate``,
``true_positive_rate``, ``demographic_parity_difference``, ...), so users can compare.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import polars as pl
from pydantic import Field

from clearance.core.model import FrozenModel


@dataclass(frozen=True)
class FairnessData:
    """Aligned arrays for one evaluation set.

    ``y_true`` and ``y_pred`` are 0/1 (1 = the favourable outcome, e.g. credit granted);
    ``scores`` is the model's probability of the favourable outcome when it has one;
    ``sensitive`` holds one String column per sensitive attribute (already derived and binned;
    missing values are their own group ``"(missing)"`` or were dropped, as the user chose);
    ``features`` are the model's inputs (for proxies and reasons).
    """

    y_true: np.ndarray
    y_pred: np.ndarray
    sensitive: pl.DataFrame
    scores: np.ndarray | None = None
    features: pl.DataFrame | None = None

    def __post_init__(self) -> None:
        n = len(self.y_true)
        if len(self.y_pred) != n or self.sensitive.height != n:
            raise ValueError("y_true, y_pred and sensitive must have the same length")
        if self.scores is not None and len(self.scores) != n:
            raise ValueError("scores must have the same length as y_true")


class Interval(FrozenModel):
    low: float
    high: float
    level: float = Field(default=0.95, description="confidence level")


class GroupMetrics(FrozenModel):
    attribute: str = Field(description="attribute name; intersections join names with ' & '")
    group: str = Field(description="group value; intersections join values with ' & '")
    count: int = Field(ge=0)
    sufficient: bool = Field(description="count >= the minimum group size; else not ranked")
    base_rate: float | None = None
    selection_rate: float | None = None
    true_positive_rate: float | None = None
    false_positive_rate: float | None = None
    true_negative_rate: float | None = None
    false_negative_rate: float | None = None
    precision: float | None = None
    accuracy: float | None = None
    roc_auc: float | None = None
    expected_calibration_error: float | None = None
    calibration_in_the_large: float | None = Field(
        default=None, description="mean score minus observed base rate"
    )
    ci: dict[str, Interval] = Field(default_factory=dict, description="bootstrap CI per metric")


class Comparison(FrozenModel):
    """One group against the reference group on one rate, with its test."""

    metric: str
    group: str
    reference: str
    difference: float | None
    ratio: float | None = None
    test: Literal["fisher", "chi2", "z", "none"] = "none"
    p_value: float | None = None
    p_value_adjusted: float | None = None
    significant: bool | None = None
    ci: Interval | None = None


class Disparity(FrozenModel):
    attribute: str
    reference: str = Field(description="reference (privileged) group")
    reference_rule: str = Field(description="how the reference was chosen")
    metrics: dict[str, float | None] = Field(
        description="demographic_parity_difference, demographic_parity_ratio, "
        "equalized_odds_difference, equal_opportunity_difference, average_odds_difference, "
        "predictive_parity_difference, auc_gap, calibration_gap (between groups, sufficient "
        "groups only)"
    )
    ci: dict[str, Interval] = Field(default_factory=dict)
    comparisons: list[Comparison] = Field(default_factory=list)
    insufficient_groups: list[str] = Field(default_factory=list)


class Proxy(FrozenModel):
    feature: str
    attribute: str
    mutual_information: float
    auc: float
    flagged: bool


class Verdict(FrozenModel):
    passed: bool
    reasons: list[str]
    thresholds: dict[str, float]
