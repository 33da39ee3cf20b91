"""Gates (``clearance gate training|deployment``): whether the latest audit of exactly these
files, matched by SHA-256, passed, and carries the approvals the policy requires.

Training: the dataset's files must all be inputs of one ``audit`` run; the latest such run must
have passed. Deployment: the model file must be an input of a ``fairness`` or ``llm audit`` run;
the latest such run must have passed. Either way the run needs an ``approve`` record of it for
every role the policy's ``approvals.required.<gate>`` lists. A file changed since its audit has
another hash, so no audit matches it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from clearance.evidence.chain import Entry

Gate = Literal["training", "deployment"]
AUDITS: dict[Gate, tuple[str, ...]] = {
    "training": ("audit",),
    "deployment": ("fairness", "llm audit"),
}


@dataclass(frozen=True)
class GateResult:
    gate: Gate
    run_id: str | None = None  # the audit the decision rests on
    approvals: dict[str, str] = field(default_factory=dict)  # role -> approval run id
    missing: list[str] = field(default_factory=list)  # what is missing, one line each

    @property
    def passed(self) -> bool:
        return not self.missing


def _hashes(files: object) -> set[str]:
    if not isinstance(files, list):
        return set()
    return {str(f["sha256"]) for f in files if isinstance(f, dict) and f.get("sha256")}


def check_gate(
    entries: Sequence[Entry],
    gate: Gate,
    files: Sequence[Mapping[str, Any]],
    required_roles: Sequence[str],
) -> GateResult:
    """``files``: the gated files with their hashes (``evidence.record.hash_files``)."""
    wanted = {str(f["sha256"]) for f in files if f.get("sha256")}
    unreadable = [str(f["path"]) for f in files if not f.get("sha256")]
    if unreadable or not wanted:
        what = ", ".join(unreadable) if unreadable else "no file"
        return GateResult(gate, missing=[f"cannot hash the gated files: {what}"])
    audits = [
        e
        for e in entries
        if e.record.get("command") in AUDITS[gate] and wanted <= _hashes(e.record.get("inputs"))
    ]
    kinds = " or ".join(AUDITS[gate])
    if not audits:
        return GateResult(
            gate, missing=[f"no {kinds} run of exactly these files (by SHA-256) in the store"]
        )
    latest = audits[-1]
    missing: list[str] = []
    verdict = latest.record.get("verdict")
    if verdict != "pass":
        missing.append(
            f"the latest {latest.record.get('command')} run {latest.run_id} is {verdict}"
        )
    approvals: dict[str, str] = {}
    for e in entries:
        summary = e.record.get("summary")
        if e.record.get("command") == "approve" and isinstance(summary, dict):
            if summary.get("approves") == latest.run_id and isinstance(summary.get("role"), str):
                approvals[summary["role"]] = e.run_id
    for role in required_roles:
        if role not in approvals:
            missing.append(f"no approval of run {latest.run_id} by the role {role}")
    return GateResult(gate, latest.run_id, approvals, missing)
