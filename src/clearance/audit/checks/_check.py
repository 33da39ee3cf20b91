"""The audit check declaration: like a detector, each check carries its own examples, small
tables on which it must (positives) and must not (negatives) report, and one generic test runs
them all."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from clearance.audit.context import AuditContext
from clearance.audit.report import AnonymityResult, ConsentResult, RetentionResult
from clearance.core.findings import Finding, FindingCategory

Scope = Literal["table", "dataset"]


@dataclass(frozen=True)
class Example:
    """Tables as column lists, and the policy keys that differ from the defaults."""

    tables: Mapping[str, Mapping[str, list[Any]]]
    policy: Mapping[str, Any] = field(default_factory=dict)


# What a check measured for the report's charts, besides its findings.
Measurement = AnonymityResult | RetentionResult | ConsentResult


@dataclass(frozen=True)
class CheckResult:
    """What one run of a check returns: its findings, what it measured, and the parts of its
    input it could not check (warnings, e.g. a key column of a type that cannot be joined).
    Checks never write into the shared :class:`AuditContext`; the auditor assembles these."""

    findings: list[Finding] = field(default_factory=list)
    measurements: list[Measurement] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


TableRun = Callable[[AuditContext, str], CheckResult]
DatasetRun = Callable[[AuditContext], CheckResult]


@dataclass(frozen=True)
class Check:
    id: str
    category: FindingCategory
    title: str
    why: str
    scope: Scope
    positives: tuple[Example, ...]
    negatives: tuple[Example, ...]
    run_table: TableRun | None = None
    run_dataset: DatasetRun | None = None

    def __post_init__(self) -> None:
        if (self.run_table is None) == (self.run_dataset is None):
            raise ValueError(f"check {self.id}: give exactly one of run_table / run_dataset")
        if not self.positives or not self.negatives:
            raise ValueError(f"check {self.id}: needs positive and negative examples")
