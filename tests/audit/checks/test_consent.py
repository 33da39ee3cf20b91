"""The consent check on the table `clearance consent import` writes: the rows of subjects
without a granted consent for the purpose are flagged as before, and a withdrawal after the
dataset's snapshot (consent.snapshot_date) is a finding of its own, on Parquet-typed and on
text timestamps, for the policy's purpose only."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import polars as pl
import pytest

from clearance.audit.auditor import audit_dataset
from clearance.audit.checks.consent import CONSENT
from clearance.audit.consent_records import consent_table
from clearance.audit.policy import policy_from_mapping
from clearance.audit.report import AuditReport
from clearance.audit.sources import Table
from clearance.privacy import Fingerprinter

FP = Fingerprinter(b"k" * 32)


def _t(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


EVENTS = [
    ("u1", "model-training", "granted", _t("2025-01-01"), None, None),
    # withdrew after the snapshot (2025-03-01)
    ("u2", "model-training", "withdrawn", _t("2025-01-01"), _t("2025-06-01"), None),
    # withdrew before it: not consenting, but not "after the snapshot"
    ("u3", "model-training", "withdrawn", _t("2024-01-01"), _t("2024-02-01"), None),
    # withdrew marketing after the snapshot: another purpose
    ("u4", "model-training", "granted", _t("2025-01-01"), None, None),
    ("u4", "marketing", "withdrawn", _t("2025-01-01"), _t("2025-06-01"), None),
]
REVIEWS = {"user_id": ["u1", "u2", "u2", "u3", "u4"], "rating": [5, 4, 3, 2, 1]}


def _audit(consent: pl.DataFrame, snapshot: str | None) -> AuditReport:
    policy: dict[str, Any] = {
        "purpose": "model-training",
        "subject_key": "user_id",
        "consent": {"table": "consent", "column": "consent", "subject_key": "subject_id"},
    }
    if snapshot is not None:
        policy["consent"]["snapshot_date"] = snapshot
    tables = [
        Table("consent", "t/consent", consent),
        Table("reviews", "t/reviews", pl.DataFrame(REVIEWS)),
    ]
    return audit_dataset(
        tables,
        policy_from_mapping(policy),
        checks=[CONSENT],
        fingerprinter=FP,
        today=date(2026, 1, 31),
    )


def _counts(report: AuditReport, rule: str) -> dict[str, int]:
    return {f.location.table or "": f.count for f in report.findings if f.rule == rule}


@pytest.mark.parametrize("as_text", [False, True])
def test_a_withdrawal_after_the_snapshot_is_flagged(as_text: bool) -> None:
    table = consent_table(EVENTS)
    if as_text:  # a consent table read from CSV: the times are text
        table = table.with_columns(pl.col("withdrawn_at").dt.to_string("%Y-%m-%dT%H:%M:%S%z"))
    report = _audit(table, "2025-03-01")
    assert _counts(report, "consent") == {"consent": 2, "reviews": 3}
    assert _counts(report, "consent-withdrawn-after-snapshot") == {"consent": 1, "reviews": 2}
    [late] = [
        f
        for f in report.findings
        if f.rule == "consent-withdrawn-after-snapshot" and f.location.table == "reviews"
    ]
    assert late.severity == "high" and late.fix == "exclude-unconsented"
    assert late.preview == "2 of 5 rows" and "2025-03-01" in late.remediation


def test_without_a_snapshot_date_or_a_later_one_nothing_is_late() -> None:
    table = consent_table(EVENTS)
    assert _counts(_audit(table, None), "consent-withdrawn-after-snapshot") == {}
    assert _counts(_audit(table, "2025-06-01"), "consent-withdrawn-after-snapshot") == {}
    # the rows without consent are flagged either way
    assert _counts(_audit(table, None), "consent") == {"consent": 2, "reviews": 3}
