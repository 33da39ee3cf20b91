"""The scan report: pydantic models that every renderer and the JSON schema derive from."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from clearance.detection.detector import Severity


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


FindingCategory = Literal[
    "pii",
    "secret",
    "special_category",
    "quasi_identifier",
    "retention",
    "consent",
    "minimization",
    "linkage",
]
Fix = Literal[
    "redact",
    "pseudonymize",
    "generalize",
    "dp-aggregate",
    "purge",
    "erase",
    "drop-column",
    "rotate",
    "exclude-unconsented",
    "fix-input",
]


class Location(_Model):
    file: str = Field(description="file path, or masked database URI + '#' + table")
    table: str | None = Field(default=None, description="table name (dataset audit)")
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
    category: FindingCategory
    entity: str = Field(description="entity type, Presidio vocabulary where it has one")
    severity: Severity
    scope: Literal["value", "column", "table", "dataset"] = Field(
        description="'value': one distinct value at its first location; 'column': a whole column "
        "classified as holding this entity; 'table'/'dataset': a measured risk of a table or of "
        "linked tables"
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
    fix: Fix | None = Field(
        default=None, description="the clearance remediation operation that fixes this finding"
    )
    why: str = Field(default="", description="why the finding matters")
    controls: list[str] = Field(
        default_factory=list,
        description="ids of the regulation articles and framework controls the finding concerns",
    )
    metrics: dict[str, float] = Field(
        default_factory=dict, description="measured figures for risk findings, e.g. k"
    )


class ColumnProfile(_Model):
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


# --- dataset audit ------------------------------------------------------------------------


class TableProfile(_Model):
    name: str
    origin: str = Field(description="file path or masked database URI + '#' + table")
    rows: int = Field(ge=0)
    columns: list[str]
    subject_key: str | None = Field(default=None, description="column linking rows to a subject")
    subject_table: bool = Field(default=False, description="the table that lists the subjects")
    key_overlap: float | None = Field(
        default=None, ge=0, le=1, description="share of key values found in the subject table"
    )
    quasi_identifiers: list[str] = Field(default_factory=list)


class CheckRun(_Model):
    rule: str
    category: FindingCategory
    status: Literal["ran", "skipped", "failed"]
    table: str | None = None
    reason: str = ""
    findings: int = Field(default=0, ge=0)


class AnonymityResult(_Model):
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


class AgeBin(_Model):
    lo_days: int
    hi_days: int
    count: int = Field(ge=0)


class RetentionResult(_Model):
    table: str
    column: str
    limit_days: int = Field(ge=0)
    rows: int = Field(ge=0)
    expired: int = Field(ge=0)
    unparseable: int = Field(ge=0, description="non-empty timestamps that could not be parsed")
    missing: int = Field(ge=0, description="empty timestamps")
    oldest_age_days: int | None = None
    histogram: list[AgeBin]


class ConsentResult(_Model):
    table: str
    rows: int = Field(ge=0)
    consented: int = Field(ge=0)
    not_consented: int = Field(ge=0, description="subject known, purpose not covered")
    no_record: int = Field(ge=0, description="subject missing from the consent table")


class AuditSummary(_Model):
    tables: int
    rows: int
    findings: int
    by_severity: dict[str, int]
    by_category: dict[str, int]
    gate: Literal["pass", "fail"]
    fail_on: Severity


class PolicySummary(_Model):
    source: str
    profile: str
    purpose: str
    k: int
    l: int  # noqa: E741
    reference_date: str
    subject_key: str | None


class AuditReport(_Model):
    schema_version: Literal["1"] = "1"
    kind: Literal["audit"] = "audit"
    tool: str = "clearance"
    version: str
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
    warnings: list[str] = Field(default_factory=list)

    def at_or_above(self, severity: Severity) -> list[Finding]:
        return [f for f in self.findings if f.severity.rank >= severity.rank]
