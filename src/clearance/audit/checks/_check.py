"""The audit check declaration: like a detector, each check carries its own examples, small
tables on which it must (positives) and must not (negatives) report, and one generic test runs
them all."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from clearance.audit.context import AuditContext
from clearance.core.findings import Finding, FindingCategory

Scope = Literal["table", "dataset"]


@dataclass(frozen=True)
class Example:
    """Tables as column lists, and the policy keys that differ from the defaults."""

    tables: Mapping[str, Mapping[str, list[Any]]]
    policy: Mapping[str, Any] = field(default_factory=dict)


TableRun = Callable[[AuditContext, str], list[Finding]]
DatasetRun = Callable[[AuditContext], list[Finding]]


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
