"""Every registered audit check reports on its positive examples and stays silent on its
negatives (the audit's counterpart of the detectors' examples test)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from clearance.audit.auditor import audit_dataset
from clearance.audit.checks import CHECKS, Check, CheckResult, Example
from clearance.audit.policy import policy_from_mapping
from clearance.audit.report import AuditReport
from clearance.audit.sources import Table
from clearance.privacy import Fingerprinter

FP = Fingerprinter(b"test-key-0123456789")  # the key tests/conftest.py sets

CASES = [
    pytest.param(check, example, True, id=f"{check.id}-pos{i}")
    for check in CHECKS
    for i, example in enumerate(check.positives)
] + [
    pytest.param(check, example, False, id=f"{check.id}-neg{i}")
    for check in CHECKS
    for i, example in enumerate(check.negatives)
]


def run_example(check: Check, example: Example) -> AuditReport:
    tables = [
        Table(name=name, origin=f"example/{name}", data=pl.DataFrame(dict(columns)))
        for name, columns in example.tables.items()
    ]
    policy = policy_from_mapping(dict(example.policy), "example-policy")
    return audit_dataset(tables, policy, checks=[check], fingerprinter=FP, today=date(2026, 1, 31))


@pytest.mark.parametrize(("check", "example", "positive"), CASES)
def test_check_examples(check: Check, example: Example, positive: bool) -> None:
    report = run_example(check, example)
    failed = [r for r in report.checks if r.status == "failed"]
    assert not failed, failed
    if positive:
        assert report.findings, [r.reason for r in report.checks]
        assert all(f.category for f in report.findings)
        assert all(f.controls for f in report.findings)
    else:
        assert report.findings == []


def test_check_ids_unique_and_examples_present() -> None:
    ids = [c.id for c in CHECKS]
    assert len(ids) == len(set(ids))
    for check in CHECKS:
        assert check.positives and check.negatives


def test_check_without_examples_is_refused() -> None:
    with pytest.raises(ValueError, match="examples"):
        Check(
            id="x",
            category="pii",
            title="x",
            why="x",
            scope="dataset",
            positives=(),
            negatives=(),
            run_dataset=lambda ctx: CheckResult(),
        )
