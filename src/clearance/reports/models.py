"""The scan report: pydantic models that every renderer and the JSON schema derive from."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from clearance.detection.detector import Severity


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Location(_Model):
    file: str
    column: str | None = None
    row: int | None = Field(
        default=None, ge=0, description="0-based data row of the first occurrence"
    )
    line: int | None = Field(default=None, ge=1, description="1-based line in a text file")
    start: int | None = Field(
        default=None, ge=0, description="character offset in the cell or line"
    )
    end: int | None = Field(default=None, ge=0)


class Finding(_Model):
    rule: str = Field(description="detector id, stable across releases")
    category: Literal["pii", "secret"]
    entity: str = Field(description="entity type, Presidio vocabulary where it has one")
    severity: Severity
    scope: Literal["value", "column"] = Field(
        description="'value': one distinct value at its first location; 'column': a whole column "
        "classified as holding this entity"
    )
    location: Location
    count: int = Field(
        ge=1, description="occurrences (scope=value) or matching rows (scope=column)"
    )
    share: float | None = Field(default=None, ge=0, le=1, description="share of non-empty rows")
    preview: str = Field(description="masked preview, never the value")
    fingerprint: str = Field(description="HMAC-SHA256 of rule and normalised value (or column)")
    score: float = Field(ge=0, le=1)
    remediation: str


class ColumnProfile(_Model):
    file: str
    column: str
    kind: Literal["entity", "free_text", "other"]
    entity: str | None = None
    share: float = Field(ge=0, le=1)
    confidence: float = Field(ge=0, le=1)
    rows: int = Field(ge=0)
    name_hint: str | None = None


class SkippedInput(_Model):
    path: str
    reason: str


class ScanSummary(_Model):
    files_scanned: int
    files_skipped: int
    rows_scanned: int
    findings: int
    by_severity: dict[str, int]
    by_entity: dict[str, int]


class ScanReport(_Model):
    schema_version: Literal["1"] = "1"
    tool: str = "clearance"
    version: str
    threshold: float
    summary: ScanSummary
    findings: list[Finding]
    columns: list[ColumnProfile]
    skipped: list[SkippedInput]
    warnings: list[str] = Field(default_factory=list)

    def at_or_above(self, severity: Severity) -> list[Finding]:
        return [f for f in self.findings if f.severity.rank >= severity.rank]
