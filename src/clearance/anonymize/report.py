"""The report of ``clearance anonymize`` (``OUT.anonymize.json``): what was generalized how, what
it cost, and the audit's own measurement of the output. It holds column names and counts only,
never a value of the table."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from clearance.audit.anonymity import AnonymityReport
from clearance.audit.policy import HierarchyKind


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TableFile(_Model):
    path: str
    rows: int = Field(ge=0)


class ColumnLoss(_Model):
    type: HierarchyKind = Field(description="how the column was generalized")
    hierarchy: str = Field(description="policy: the hierarchy came from the policy; inferred")
    ncp: float = Field(ge=0, le=1, description="mean normalized certainty penalty of its cells")


class Suppression(_Model):
    records: int = Field(ge=0)
    share: float = Field(ge=0, le=1)
    max_share: float = Field(ge=0, le=1)


class InformationLoss(_Model):
    ncp: float = Field(ge=0, le=1, description="mean NCP over released cells of the QIs")
    ncp_with_suppressed: float = Field(
        ge=0, le=1, description="the same, a suppressed record counting as fully generalized"
    )
    columns: dict[str, ColumnLoss]


class Classes(_Model):
    count: int = Field(ge=0)
    min_size: int = Field(ge=0)
    max_size: int = Field(ge=0)
    mean_size: float = Field(ge=0)
    median_size: float = Field(ge=0)
    size_histogram: list[tuple[int, int]] = Field(description="(class size, number of classes)")


class AnonymizeReport(_Model):
    """Result of one anonymization: ``verified`` is the audit's k (and l) on the output."""

    kind: str = "anonymize"
    input: TableFile
    output: TableFile
    algorithm: str = "mondrian-strict"
    k: int = Field(ge=2)
    l: int | None = Field(default=None, ge=1)  # noqa: E741
    quasi_identifiers: list[str]
    sensitive: str | None = None
    suppressed: Suppression
    information_loss: InformationLoss
    equivalence_classes: Classes
    verification: AnonymityReport = Field(description="measure_anonymity of the output")
    verified: bool = Field(description="k (and l) hold on the output as the audit measures it")
