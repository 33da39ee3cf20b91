"""The auditor: the report assembled from what each check returns; the library writes no key
file; and the audit of many small tables, scanned together (few engine calls), with the report
the audit gives when each table is scanned on its own."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from clearance.audit.auditor import audit_dataset
from clearance.audit.checks import CHECKS, Check, CheckResult, Example
from clearance.audit.context import AuditContext
from clearance.audit.policy import policy_from_mapping
from clearance.audit.report import AuditReport, ConsentResult
from clearance.audit.run import load_sources
from clearance.audit.sources import Table
from clearance.privacy import Fingerprinter
from clearance.scan.options import ScanOptions
from tests._engine import count_engine_calls

FP = Fingerprinter(b"test-key-auditor-0123456789")
TODAY = date(2026, 1, 31)


def _write_tables(folder: Path, n: int) -> None:
    """One- to three-row CSV tables of mixed content, sharing users and e-mails."""
    folder.mkdir()
    for i in range(n):
        kind = i % 5
        if kind == 0:
            text = f"user_id,email,phone\n{i},p{i // 2}@example.org,+1-202-555-01{i % 90:02d}\n"
        elif kind == 1:
            text = (
                "user_id,note\n"
                f'{i - 1},"Please call me back, my card is 4111 1111 1111 1111 thanks"\n'
                f'{i},"token ghp_8sXq2ZrT6vN1mKpL0aYwC3dE5fG7hJ9kQbRt leaked in the chat"\n'
            )
        elif kind == 2:
            text = f"user_id,created_at,city\n{i - 2},2025-03-0{i % 9 + 1} 10:00:00,Leeds\n"
        elif kind == 3:
            text = f"user_id,full_name,email\n{i},Jane Doe,p{i // 2}@example.org\n{i + 1},Omar Haddad,\n"
        else:
            text = f"p{i}@example.com,Leeds\nq{i}@example.com,Omaha\n"  # headerless
        (folder / f"t{i:04d}.csv").write_text(text)


def _audit(tables: list[Table], skipped: list[tuple[str, str]], **options: int) -> AuditReport:
    return audit_dataset(
        tables,
        policy_from_mapping({}),
        fingerprinter=FP,
        today=TODAY,
        skipped=skipped,
        scan_options=ScanOptions(**options),  # type: ignore[arg-type]
    )


def test_grouped_audit_equals_per_table_audit(tmp_path: Path) -> None:
    _write_tables(tmp_path / "data", 120)
    tables, skipped = load_sources([tmp_path / "data"])
    grouped = _audit(tables, skipped)
    per_table = _audit(tables, skipped, group_tables=1)
    assert grouped.model_dump() == per_table.model_dump()
    rules = {f.rule for f in grouped.findings}
    assert {"email", "linkage-repeated-identifier"} <= rules
    assert any(f.category == "secret" for f in grouped.findings)
    assert {c.entity for c in grouped.columns} >= {"EMAIL_ADDRESS", "PHONE_NUMBER"}


def test_audit_of_many_one_row_tables_takes_few_engine_calls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = count_engine_calls(monkeypatch)
    tables = [
        Table(
            name=f"t{i}",
            origin=f"t{i}.csv",
            data=pl.DataFrame({"user_id": [i], "email": [f"p{i}@example.org"], "city": ["Leeds"]}),
        )
        for i in range(200)
    ]
    report = audit_dataset(tables, policy_from_mapping({}), fingerprinter=FP, today=TODAY)
    # per table, it was one call for the column names when masking them, one more in the scan,
    # and two per column: 200 x 8 = 1,600 calls
    assert len(calls) <= 20, len(calls)
    assert sum(c.entity == "EMAIL_ADDRESS" for c in report.columns) == 200


_QI = {
    "postcode": ["10115", "10115", "10117", "20095"],
    "gender": ["f", "f", "m", "f"],
    "diagnosis": ["flu", "flu", "asthma", "flu"],
}
_BY_ID = {c.id: c for c in CHECKS}


def test_anonymity_measured_by_both_checks_is_listed_once_per_table() -> None:
    tables = [Table("a", "t/a", pl.DataFrame(_QI)), Table("b", "t/b", pl.DataFrame(_QI))]
    policy = policy_from_mapping(
        {"k": 2, "l": 2, "tables": {n: {"sensitive_attributes": ["diagnosis"]} for n in "ab"}}
    )
    checks = [_BY_ID["k-anonymity"], _BY_ID["l-diversity"]]
    report = audit_dataset(tables, policy, checks=checks, fingerprinter=FP, today=TODAY)
    assert [r.status for r in report.checks] == ["ran"] * 4
    assert [a.table for a in report.anonymity] == ["a", "b"]
    assert {f.rule for f in report.findings} == {"k-anonymity", "l-diversity"}
    # l-diversity alone still reports the anonymity it measured
    alone = audit_dataset(tables, policy, checks=checks[1:], fingerprinter=FP, today=TODAY)
    assert alone.anonymity == report.anonymity


def _returning(result: CheckResult, fail: bool = False) -> Check:
    def run(ctx: AuditContext) -> CheckResult:
        if fail:
            raise ValueError("broken check")
        return result

    example = Example({"t": {"x": [1]}})
    return Check(
        id="custom-fail" if fail else "custom",
        category="consent",
        title="returns a fixed result",
        why="test",
        scope="dataset",
        run_dataset=run,
        positives=(example,),
        negatives=(example,),
    )


def test_report_is_assembled_from_check_results_only() -> None:
    table = Table("users", "t/users", pl.DataFrame({"user_id": [1, 2]}))
    measured = ConsentResult(table="users", rows=2, consented=1, not_consented=1, no_record=0)
    result = CheckResult(measurements=[measured], warnings=["custom: one thing not checked"])
    broken = CheckResult(measurements=[measured.model_copy(update={"table": "x"})], warnings=["x"])
    report = audit_dataset(
        [table],
        policy_from_mapping({}),
        checks=[_returning(result), _returning(broken, fail=True)],
        fingerprinter=FP,
        today=TODAY,
    )
    assert report.consent == [measured]
    assert report.warnings == ["custom: one thing not checked"]
    assert [(r.rule, r.status) for r in report.checks] == [
        ("custom", "ran"),
        ("custom-fail", "failed"),
    ]


def test_audit_takes_an_explicit_fingerprinter_and_writes_no_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLEARANCE_KEY")
    monkeypatch.chdir(tmp_path)
    tables = [Table("users", "t/users", pl.DataFrame({"email": ["ana@example.org"]}))]
    with pytest.raises(TypeError, match="fingerprinter"):
        audit_dataset(tables, policy_from_mapping({}), today=TODAY)  # type: ignore[call-arg]
    report = audit_dataset(tables, policy_from_mapping({}), fingerprinter=FP, today=TODAY)
    assert report.findings
    assert not (tmp_path / ".clearance").exists()
    again = audit_dataset(
        tables, policy_from_mapping({}), fingerprinter=Fingerprinter(b"other"), today=TODAY
    )
    assert {f.fingerprint for f in again.findings}.isdisjoint(
        f.fingerprint for f in report.findings
    )
