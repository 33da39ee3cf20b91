"""The scan report: what ``scan_paths`` returns and the scan renderers take."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from clearance.core.findings import Finding
from clearance.core.model import FrozenModel
from clearance.core.run import SchemaVersion, SkippedInput, ToolName, ToolVersion, Warnings
from clearance.core.severity import Severity


class ColumnProfile(FrozenModel):
    file: str
    table: str | None = None
    column: str
    kind: Literal["entity", "free_text", "other"]
    entity: str | None = None
    share: float = Field(ge=0, le=1)
    confidence: float = Field(ge=0, le=1)
    rows: int = Field(ge=0)
    name_hint: str | None = None
    matches: dict[str, int] = Field(
        default_factory=dict, description="entity type -> rows with at least one match"
    )


class ScanSummary(FrozenModel):
    files_scanned: int
    files_skipped: int
    rows_scanned: int
    findings: int
    by_severity: dict[str, int]
    by_entity: dict[str, int]


class ScanReport(FrozenModel):
    schema_version: SchemaVersion = "1"
    tool: ToolName = "clearance"
    version: ToolVersion
    threshold: float
    summary: ScanSummary
    findings: list[Finding]
    columns: list[ColumnProfile]
    skipped: list[SkippedInput]
    warnings: Warnings

    def at_or_above(self, severity: Severity) -> list[Finding]:
        return [f for f in self.findings if f.severity.rank >= severity.rank]
