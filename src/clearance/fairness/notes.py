"""What the preparation of the evaluation data did (:func:`clearance.fairness.data.prepare`),
as the fairness report states it. Kept apart from the preparation itself, which loads models
(scikit-learn): reading a fairness report (``clearance card build``) needs only these models."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DerivationNote", "PreparationNotes"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class DerivationNote(_Model):
    name: str
    source: str
    kind: Literal["map", "bins"]
    definition: list[str]


class PreparationNotes(_Model):
    """What ``prepare`` did, for the report."""

    source: str = Field(default="data", description="the evaluation data's file")
    sha256: str | None = Field(
        default=None, description="SHA-256 of the evaluation data file's bytes, when read from one"
    )
    rows_in: int = Field(ge=0)
    rows_used: int = Field(ge=0)
    target: str
    label_values: list[str] = Field(description="the label's two values, as text")
    favourable: str = Field(description="the label value treated as favourable (1)")
    sensitive: list[str]
    derivations: list[DerivationNote] = Field(default_factory=list)
    missing: Literal["group", "drop"]
    missing_counts: dict[str, int] = Field(
        default_factory=dict, description="rows with a missing value, per sensitive attribute"
    )
    rows_dropped: int = Field(default=0, ge=0)
    predictions_from: Literal["model", "column"]
    prediction_column: str | None = None
    scores_from: Literal["model", "column"] | None = None
    score_column: str | None = None
    model_kind: str | None = None
    features: list[str] | None = None
    features_inferred: bool = False
    lines: list[str] = Field(default_factory=list, description="the above as sentences")
