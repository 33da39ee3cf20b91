"""check_gate on chains built here: the latest audit whose inputs hold every gated hash
decides; approvals count only for that run; an unhashable file never passes."""

from __future__ import annotations

from typing import Any

from clearance.evidence.chain import GENESIS, Entry, entry_hash
from clearance.governance.gates import check_gate


def _chain(*records: dict[str, Any]) -> list[Entry]:
    entries, prev = [], GENESIS
    for seq, record in enumerate(records, start=1):
        digest = entry_hash(seq, prev, record)
        entries.append(Entry(seq, prev, digest, record))
        prev = digest
    return entries


def _run(run_id: str, command: str, verdict: str, *hashes: str, **summary: Any) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "command": command,
        "verdict": verdict,
        "inputs": [{"path": f"f{h}", "sha256": h} for h in hashes],
        "summary": summary or None,
    }


FILES = [{"path": "a.csv", "sha256": "a"}, {"path": "b.csv", "sha256": "b"}]


def test_the_latest_matching_audit_and_its_approvals_decide() -> None:
    entries = _chain(
        _run("r1", "audit", "pass", "a", "b", "c"),
        _run("x1", "approve", "approved", approves="r1", role="privacy-officer"),
        _run("r2", "audit", "pass", "a"),  # not all of the gated files: does not match
        _run("r3", "fairness", "fail", "a", "b"),  # not an audit
    )
    result = check_gate(entries, "training", FILES, ["privacy-officer"])
    assert result.passed and result.run_id == "r1" and result.approvals == {"privacy-officer": "x1"}
    assert not check_gate(entries, "training", FILES, ["privacy-officer", "security"]).passed
    later = _chain(*[e.record for e in entries], _run("r4", "audit", "fail", "a", "b"))
    blocked = check_gate(later, "training", FILES, ["privacy-officer"])
    assert blocked.run_id == "r4"
    assert blocked.missing == [
        "the latest audit run r4 is fail",
        "no approval of run r4 by the role privacy-officer",
    ]


def test_deployment_reads_fairness_and_llm_audits() -> None:
    model = [{"path": "m.onnx", "sha256": "m"}]
    entries = _chain(_run("f1", "fairness", "fail", "m"), _run("l1", "llm audit", "pass", "m"))
    assert check_gate(entries, "deployment", model, []).run_id == "l1"
    assert check_gate(entries, "training", model, []).missing == [
        "no audit run of exactly these files (by SHA-256) in the store"
    ]


def test_an_unhashable_file_never_passes() -> None:
    entries = _chain(_run("r1", "audit", "pass", "a"))
    unreadable = [{"path": "a.csv", "sha256": "a"}, {"path": "locked.csv", "sha256": None}]
    result = check_gate(entries, "training", unreadable, [])
    assert not result.passed and "locked.csv" in result.missing[0]
    assert not check_gate(entries, "training", [], []).passed
