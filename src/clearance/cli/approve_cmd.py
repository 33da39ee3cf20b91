"""``clearance approve RUN_ID --role ROLE --comment TEXT``: a sign-off of a recorded run by a
role the policy grants the user, recorded in the evidence store (and signed with its
checkpoint when ``CLEARANCE_EVIDENCE_KEY`` is set)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from clearance.audit.policy import load_policy
from clearance.cli._common import StoreOpt, evidence_store, record_run
from clearance.errors import InputError, PolicyError
from clearance.evidence.record import current_user

DEFAULT_POLICY = Path("clearance.yaml")
MAX_COMMENT = 2000


def approve(
    run_id: Annotated[str, typer.Argument(help="The run to approve (from `evidence list`).")],
    role: Annotated[str, typer.Option("--role", help="privacy-officer, model-risk, security...")],
    comment: Annotated[str, typer.Option("--comment", help="What was reviewed, and why.")],
    policy: Annotated[
        Path,
        typer.Option(
            "--policy", "-p", help="clearance.yaml (its approvals.roles: who holds them)."
        ),
    ] = DEFAULT_POLICY,
    store: StoreOpt = None,
) -> None:
    """Record an approval of RUN_ID by the current user (CLEARANCE_USER, else the OS user) in
    ROLE. Refused, with nothing written, when the run is not in the store, is itself an
    approval, the chain does not verify, or the policy does not give the user that role."""
    text = comment.strip()
    if not text or len(text) > MAX_COMMENT:
        raise PolicyError(f"--comment: give what was reviewed (1 to {MAX_COMMENT} characters)")
    if not policy.is_file():
        raise InputError(str(policy), "no policy here: approvals.roles says who may approve")
    roles = load_policy(policy).approvals.roles
    user = current_user()
    if role not in roles:
        allowed = ", ".join(sorted(roles)) or "none: add approvals.roles to the policy"
        raise PolicyError(f"--role {role}: not a role of {policy}; roles: {allowed}")
    if user not in roles[role]:
        raise PolicyError(f"{user} does not hold the role {role} in {policy} (approvals.roles)")
    opened = evidence_store(store, False)
    assert opened is not None  # evidence is never skipped for an approval
    verification = opened.verify()
    if not verification.intact:
        raise InputError(
            opened.shown,
            f"the evidence chain does not verify ({verification.broken}); nothing approved",
        )
    target = next((e for e in opened.entries() if e.run_id == run_id), None)
    if target is None:
        raise InputError(opened.shown, f"no run {run_id} in the evidence store")
    if target.record.get("command") == "approve":
        raise InputError(opened.shown, f"run {run_id} is an approval, not a run to approve")
    record_run(
        opened,
        "approve",
        report=None,
        summary={
            "approves": run_id,
            "command": target.record.get("command"),
            "verdict": target.record.get("verdict"),
            "role": role,
            "comment": text,
        },
        verdict="approved",
        policy=policy,
    )
