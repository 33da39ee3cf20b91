"""The output of ``clearance dp`` (its JSON is ``DpReport.model_dump_json``): noisy values and
their intervals only, never an exact statistic of the data (not even its row count)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Noise(_Model):
    """One noisy statistic of a release (a mean has two: its sum and its count)."""

    statistic: Literal["count", "sum", "quantile"]
    mechanism: str
    scale: float
    epsilon: float
    delta: float


class Cell(_Model):
    """A noisy value and its interval (``ci``: [low, high], or None where none is given)."""

    value: float | None
    ci: tuple[float, float] | None = None
    label: str | None = Field(default=None, description="the bin or category, or the quantile")


class Group(_Model):
    key: dict[str, str] = Field(description="the declared public key values; {} when ungrouped")
    value: float | None = None
    ci: tuple[float, float] | None = None
    cells: list[Cell] | None = Field(default=None, description="histogram bins, quantiles")


class ReleaseResult(_Model):
    name: str
    kind: str
    column: str | None
    group_by: list[str]
    epsilon: float
    delta: float
    mechanism: str
    scale: float
    noise: list[Noise]
    bounds: tuple[float, float] | None
    interval: str = Field(description="how the intervals are computed, at which level")
    groups: list[Group]


class Budget(_Model):
    epsilon: float
    delta: float
    spent_epsilon_before: float
    spent_delta_before: float
    spent_epsilon_after: float
    spent_delta_after: float


class DpReport(_Model):
    kind: Literal["dp-release"] = "dp-release"
    dataset: str
    data_sha256: str
    query_sha256: str
    contributions: int = Field(description="privacy unit: most rows one person adds or removes")
    confidence: float
    epsilon_spent: float
    delta_spent: float
    budget: Budget
    releases: list[ReleaseResult]
    notes: list[str]


__all__ = ["Budget", "Cell", "DpReport", "Group", "Noise", "ReleaseResult"]
