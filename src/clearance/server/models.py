"""The JSON API's shapes (``/api/...``; their schema is ``/openapi.json``). Everything here is
what the store holds: findings as the reports wrote them (masked previews, keyed
fingerprints), file names and hashes, never a raw value."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from clearance.core.model import FrozenModel
from clearance.evidence.chain import Entry
from clearance.evidence.store import RunLine
from clearance.governance.gates import GateResult

MAX_PAGE = 200


class RunItem(FrozenModel):
    seq: int
    run_id: str
    created_at: str
    command: str
    verdict: str


class RunPage(FrozenModel):
    total: int = Field(ge=0, description="runs matching the filters")
    offset: int = Field(ge=0)
    limit: int = Field(ge=1, le=MAX_PAGE)
    runs: list[RunItem] = Field(description="newest first")


class GateStatus(FrozenModel):
    gate: Literal["training", "deployment"]
    passed: bool
    decided_by: str | None = Field(description="the run the decision rests on (latest audit)")
    approvals: dict[str, str] = Field(description="role -> approval run id")
    missing: list[str]


class FileRef(FrozenModel):
    path: str
    sha256: str | None


class RunDetail(FrozenModel):
    seq: int
    run_id: str
    command: str
    verdict: str
    created_at: str
    user: str
    tool_version: str
    policy_sha256: str | None
    inputs: list[FileRef]
    outputs: list[FileRef]
    summary: Any = Field(description="the report's summary as recorded")
    findings_total: int = Field(ge=0)
    findings_offset: int = Field(ge=0)
    findings: list[dict[str, Any]] = Field(
        description="a page of the findings as recorded (masked previews, fingerprints)"
    )
    gate: GateStatus | None = Field(description="the gate this run is evidence for, if any")
    approves: str | None = Field(default=None, description="for an approval: the run approved")


class PendingApproval(FrozenModel):
    run_id: str
    command: str
    verdict: str
    created_at: str
    gate: GateStatus


class ApprovalRequest(FrozenModel):
    run_id: str = Field(min_length=1, max_length=64)
    role: str = Field(min_length=1, max_length=100)
    comment: str = Field(min_length=1, max_length=2000, pattern=r"\S")


class ApprovalCreated(FrozenModel):
    approval_run_id: str
    approves: str
    role: str
    gate: GateStatus | None


class UserItem(FrozenModel):
    """A dashboard user (admins only): never a password hash or a token."""

    name: str
    role: str
    created_at: str
    signs_in_with: list[Literal["password", "token"]]


class Health(FrozenModel):
    status: Literal["ok", "unavailable"]
    reason: str | None = None


class Problem(FrozenModel):
    detail: str


def run_item(line: RunLine) -> RunItem:
    return RunItem(
        seq=line.seq,
        run_id=line.run_id,
        created_at=line.created_at,
        command=line.command,
        verdict=line.verdict,
    )


def gate_status(result: GateResult | None) -> GateStatus | None:
    if result is None:
        return None
    return GateStatus(
        gate=result.gate,
        passed=result.passed,
        decided_by=result.run_id,
        approvals=dict(result.approvals),
        missing=list(result.missing),
    )


def _files(value: object) -> list[FileRef]:
    listed = value if isinstance(value, list) else []
    return [
        FileRef(path=str(f.get("path", "")), sha256=f.get("sha256") and str(f["sha256"]))
        for f in listed
        if isinstance(f, dict)
    ]


def run_detail(
    entry: Entry, gate: GateResult | None, *, offset: int = 0, limit: int = 100
) -> RunDetail:
    r = entry.record
    findings = r.get("findings")
    listed = [f for f in findings if isinstance(f, dict)] if isinstance(findings, list) else []
    summary = r.get("summary")
    approves = summary.get("approves") if isinstance(summary, dict) else None
    return RunDetail(
        seq=entry.seq,
        run_id=entry.run_id,
        command=str(r.get("command", "")),
        verdict=str(r.get("verdict", "")),
        created_at=str(r.get("created_at", "")),
        user=str(r.get("user", "")),
        tool_version=str(r.get("tool_version", "")),
        policy_sha256=None if r.get("policy_sha256") is None else str(r["policy_sha256"]),
        inputs=_files(r.get("inputs")),
        outputs=_files(r.get("outputs")),
        summary=summary,
        findings_total=len(listed),
        findings_offset=offset,
        findings=listed[offset : offset + limit],
        gate=gate_status(gate),
        approves=str(approves) if r.get("command") == "approve" and approves else None,
    )
