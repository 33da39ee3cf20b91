"""Findings: what every job reports, one record per distinct value, column or measured risk.

:func:`build_finding` is the one place a :class:`Finding` is made, so the fingerprint, the
controls and the rounding of every finding follow the same rules whichever job found it.
"""

from __future__ import annotations

from typing import Literal, Protocol

from pydantic import Field

from clearance.core.controls import controls_for
from clearance.core.model import FrozenModel
from clearance.core.severity import Severity

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
Scope = Literal["value", "column", "table", "dataset"]
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


class Location(FrozenModel):
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


class Finding(FrozenModel):
    rule: str = Field(description="detector id, stable across releases")
    category: FindingCategory
    entity: str = Field(description="entity type, Presidio vocabulary where it has one")
    severity: Severity
    scope: Scope = Field(
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


class Fingerprints(Protocol):
    """What :func:`build_finding` needs of :class:`clearance.privacy.Fingerprinter`."""

    def of(self, rule: str, value: str) -> str: ...


def build_finding(
    *,
    rule: str,
    category: FindingCategory,
    entity: str,
    severity: Severity,
    scope: Scope,
    location: Location,
    count: int,
    fingerprinter: Fingerprints,
    identity: str,
    remediation: str,
    fix: Fix | None,
    preview: str = "",
    score: float = 1.0,
    share: float | None = None,
    why: str = "",
    metrics: dict[str, float] | None = None,
    controls: tuple[str, ...] | None = None,
) -> Finding:
    """A finding. ``identity`` is what the fingerprint keys on with the rule (the value for a
    value finding; file/table and column for a column or risk finding), so a baseline can
    suppress the same finding across runs without the report holding the value. ``count`` is at
    least 1 (a finding is something found); ``share`` is clamped to [0, 1]; share and score are
    rounded to 4 places (reports stay stable across platforms' float noise). ``controls``
    replaces the category's controls where a finding concerns other articles (the AI Act's
    log-keeping duty is a retention finding, but not a storage-limitation one)."""
    return Finding(
        rule=rule,
        category=category,
        entity=entity,
        severity=severity,
        scope=scope,
        location=location,
        count=max(1, count),
        share=None if share is None else round(min(1.0, max(0.0, share)), 4),
        preview=preview,
        fingerprint=fingerprinter.of(rule, identity),
        score=round(score, 4),
        remediation=remediation,
        fix=fix,
        why=why,
        controls=list(controls) if controls is not None else controls_for(category),
        metrics=metrics or {},
    )
