"""Control statuses from a real store holding passing and failing runs: the latest run of each
command and input set counts, findings open the controls they name, a failed verdict without
findings opens all of its command's controls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from clearance.evidence import EvidenceStore, new_record, open_store
from clearance.governance.report import GovernanceReport
from clearance.governance.status import governance_report, latest_runs


def _file(path: Path, text: str = "x\n") -> Path:
    path.write_text(text)
    return path


def _add(store: EvidenceStore, command: str, verdict: str, inputs: list[Path], **kw: Any) -> str:
    return store.append(new_record(command, verdict=verdict, inputs=inputs, **kw))


def _finding(*controls: str) -> dict[str, Any]:
    return {
        "rule": "r",
        "category": "special_category",
        "preview": "***",
        "controls": list(controls),
    }


def _report(store: EvidenceStore, framework: str) -> GovernanceReport:
    entries = store.entries()
    return governance_report(entries, store.verify(), framework, store.shown)  # type: ignore[arg-type]


def _by_id(report: GovernanceReport) -> dict[str, Any]:
    return {c.id: c for c in report.controls}


def test_statuses_from_passing_and_failing_runs(tmp_path: Path, store_url: str) -> None:
    store = open_store(store_url)
    a, b = _file(tmp_path / "a.csv"), _file(tmp_path / "b.csv")
    failed_audit = _add(
        store, "audit", "fail", [a], report={"summary": {}, "findings": [_finding("GDPR-9")] * 2}
    )
    fairness = _add(store, "fairness", "pass", [a])
    _add(store, "erase", "findings", [a])  # a dry run: replaced by the real run below
    erased = _add(store, "erase", "pass", [a])
    built = _add(store, "card build", "built", [b])
    failed_check = _add(store, "card check", "fail", [b])
    _add(store, "scan", "incomplete", [b])  # counts for nothing
    gdpr = _by_id(_report(store, "gdpr"))
    assert gdpr["GDPR-9"].status == "open_findings"
    assert gdpr["GDPR-9"].open_runs == [failed_audit] and gdpr["GDPR-9"].open_findings == 2
    assert gdpr["GDPR-9"].evidence == []
    # the failed audit is still evidence for what its findings do not concern
    assert gdpr["GDPR-5.1.e"].status == "covered" and gdpr["GDPR-5.1.e"].evidence == [failed_audit]
    assert gdpr["GDPR-22"].status == "covered" and gdpr["GDPR-22"].evidence == [fairness]
    assert gdpr["GDPR-17"].status == "covered" and gdpr["GDPR-17"].evidence == [erased]
    assert gdpr["GDPR-30"].status == "no_evidence" and gdpr["GDPR-30"].evidence == []
    ai_act = _report(store, "eu-ai-act")
    art11 = _by_id(ai_act)["EUAIA-11"]
    assert art11.status == "open_findings"
    assert art11.open_runs == [failed_check] and art11.evidence == [built]
    assert ai_act.chain_intact and ai_act.records == 7
    assert ai_act.counts["open_findings"] >= 1
    assert sum(ai_act.counts.values()) == len(ai_act.controls)
    assert {r.run_id for r in ai_act.runs} >= {built, failed_check}
    store.close()


def test_a_rerun_replaces_a_failure_but_another_dataset_does_not(
    tmp_path: Path, store_url: str
) -> None:
    store = open_store(store_url)
    a, b = _file(tmp_path / "a.csv"), _file(tmp_path / "b.csv")
    _add(store, "fairness", "fail", [a])
    passed_b = _add(store, "fairness", "pass", [b])
    nist = _by_id(_report(store, "nist-ai-rmf"))["NIST-MEASURE-2.11"]
    assert nist.status == "open_findings" and nist.evidence == [passed_b]
    passed_a = _add(store, "fairness", "pass", [a])
    nist = _by_id(_report(store, "nist-ai-rmf"))["NIST-MEASURE-2.11"]
    assert nist.status == "covered" and nist.evidence == [passed_b, passed_a]
    assert [e.run_id for e in latest_runs(store.entries())] == [passed_b, passed_a]
    store.close()


def test_only_controls_of_the_framework_are_listed(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "ev.db"))
    report = _report(store, "nist-ai-rmf")
    assert report.controls and all(c.id.startswith("NIST-") for c in report.controls)
    # functions and categories structure the catalogue; the report lists controls
    assert "NIST-MEASURE" not in _by_id(report) and "NIST-MEASURE-2" not in _by_id(report)
    assert report.counts == {"covered": 0, "open_findings": 0, "no_evidence": len(report.controls)}
    ecoa = _report(store, "ecoa")
    assert {c.id for c in ecoa.controls} >= {"ECOA-1691", "REGB-1002.6"}


def test_an_audit_covers_only_the_controls_of_checks_that_ran(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "ev.db"))
    data = _file(tmp_path / "a.csv")
    report = {"summary": {}, "findings": [], "checks": [
        {"rule": "identifiers", "status": "ran"},
        {"rule": "retention", "status": "skipped"},
        {"rule": "consent", "status": "failed"},
    ]}  # fmt: skip
    run = _add(store, "audit", "pass", [data], report=report)
    [entry] = store.entries()
    assert entry.record["checks"] == ["identifiers"]
    gdpr = _by_id(_report(store, "gdpr"))
    assert gdpr["GDPR-32"].evidence == [run]  # identifiers: secrets, security of processing
    assert gdpr["GDPR-5.1.e"].status == "no_evidence"  # retention was skipped
    assert gdpr["GDPR-7"].status == "no_evidence"  # consent did not complete
    store.close()
