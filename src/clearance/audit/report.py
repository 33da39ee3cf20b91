"""The dataset audit report: what ``audit`` returns and the audit renderers take."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from clearance.core.findings import Finding, FindingCategory
from clearance.core.model import FrozenModel
from clearance.core.run import SchemaVersion, SkippedInput, ToolName, ToolVersion, Warnings
from clearance.core.severity import Severity
from clearance.scan.report import ColumnProfile


class TableProfile(FrozenModel):
    name: str
    origin: str = Field(description="file path or masked database URI + '#' + table")
    sha256: str | None = Field(
        default=None, description="SHA-256 of the file's bytes (None for a database table)"
    )
    rows: int = Field(ge=0)
    columns: list[str]
    subject_key: str | None = Field(default=None, description="column linking rows to a subject")
    subject_table: bool = Field(default=False, description="the table that lists the subjects")
    key_overlap: float | None = Field(
        default=None, ge=0, le=1, description="share of key values found in the subject table"
    )
    quasi_identifiers: list[str] = Field(default_factory=list)


class CheckRun(FrozenModel):
    rule: str
    category: FindingCategory
    status: Literal["ran", "skipped", "failed"]
    table: str | None = None
    reason: str = ""
    findings: int = Field(default=0, ge=0)


class AnonymityResult(FrozenModel):
    table: str
    quasi_identifiers: list[str]
    k: int = Field(ge=0)
    k_threshold: int = Field(ge=1)
    rows: int = Field(ge=0)
    classes: int = Field(ge=0)
    class_size_histogram: list[tuple[int, int]] = Field(
        description="(class size, number of classes), by size"
    )
    records_below_k: int = Field(ge=0)
    share_below_k: float = Field(ge=0, le=1)
    unique_records: int = Field(ge=0)
    sample_uniqueness: float = Field(ge=0, le=1)
    prosecutor_risk_max: float = Field(ge=0, le=1)
    prosecutor_risk_avg: float = Field(ge=0, le=1)
    l_diversity: dict[str, int] = Field(default_factory=dict)


class AgeBin(FrozenModel):
    lo_days: int
    hi_days: int
    count: int = Field(ge=0)


class RetentionResult(FrozenModel):
    table: str
    column: str
    limit_days: int = Field(ge=0)
    rows: int = Field(ge=0)
    expired: int = Field(ge=0)
    unparseable: int = Field(ge=0, description="non-empty timestamps that could not be parsed")
    missing: int = Field(ge=0, description="empty timestamps")
    oldest_age_days: int | None = None
    histogram: list[AgeBin]


class ConsentResult(FrozenModel):
    table: str
    rows: int = Field(ge=0)
    consented: int = Field(ge=0)
    not_consented: int = Field(ge=0, description="subject known, purpose not covered")
    no_record: int = Field(ge=0, description="subject missing from the consent table")


class AuditSummary(FrozenModel):
    tables: int
    rows: int
    findings: int
    by_severity: dict[str, int]
    by_category: dict[str, int]
    gate: Literal["pass", "fail"]
    fail_on: Severity


class PolicySummary(FrozenModel):
    source: str
    profile: str
    purpose: str
    k: int
    l: int  # noqa: E741
    reference_date: str
    subject_key: str | None


class AuditReport(FrozenModel):
    schema_version: SchemaVersion = "1"
    kind: Literal["audit"] = "audit"
    tool: ToolName = "clearance"
    version: ToolVersion
    policy: PolicySummary
    summary: AuditSummary
    tables: list[TableProfile]
    findings: list[Finding]
    columns: list[ColumnProfile]
    checks: list[CheckRun]
    anonymity: list[AnonymityResult]
    retention: list[RetentionResult]
    consent: list[ConsentResult]
    skipped: list[SkippedInput]
    warnings: Warnings

    def at_or_above(self, severity: Severity) -> list[Finding]:
        return [f for f in self.findings if f.severity.rank >= severity.rank]
