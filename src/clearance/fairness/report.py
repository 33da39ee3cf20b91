"""The fairness report: what was measured, how sure we are, and the verdict."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from clearance.core.model import FrozenModel
from clearance.core.run import SchemaVersion, ToolName, ToolVersion, Warnings
from clearance.fairness.curves import GroupCurves
from clearance.fairness.models import Disparity, GroupMetrics, Proxy, Verdict
from clearance.fairness.notes import PreparationNotes


class FairnessSettings(FrozenModel):
    min_group_size: int
    alpha: float
    correction: Literal["holm", "bh"]
    bootstrap: int
    seed: int
    intersections: bool
    demographic_parity_ratio_min: float
    equalized_odds_difference_max: float | None = None
    reference: dict[str, str] = Field(default_factory=dict)


class ModelSummary(FrozenModel):
    source: str
    kind: str
    sha256: str | None = Field(default=None, description="SHA-256 of the model file's bytes")
    warnings: Warnings


class ReasonSummary(FrozenModel):
    attribute: str
    group: str
    denied: int = Field(ge=0)
    top_reasons: list[tuple[str, int]] = Field(description="(reason, applicants) most frequent")


class FairnessReport(FrozenModel):
    schema_version: SchemaVersion = "1"
    kind: Literal["fairness"] = "fairness"
    tool: ToolName = "clearance"
    version: ToolVersion
    data: PreparationNotes
    model: ModelSummary | None = None
    settings: FairnessSettings
    overall: GroupMetrics | None = Field(
        default=None, description="the same metrics over all rows (attribute 'overall')"
    )
    by_group: list[GroupMetrics]
    disparities: list[Disparity]
    proxies: list[Proxy] = Field(default_factory=list)
    reasons: list[ReasonSummary] = Field(default_factory=list)
    curves: list[GroupCurves] = Field(default_factory=list)
    verdict: Verdict
    warnings: Warnings
