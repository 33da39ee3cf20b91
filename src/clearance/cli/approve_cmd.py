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
from clearance.governance.approvals import VERDICT, approval_summary

DEFAULT_POLICY = Path("clearance.yaml")


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
    if not policy.is_file():
        raise InputError(str(policy), "no policy here: approvals.roles says who may approve")
    roles = load_policy(policy).approvals.roles
    opened = evidence_store(store, False)
    assert opened is not None  # evidence is never skipped for an approval
    entries = opened.entries()
    try:
        summary = approval_summary(
            next((e for e in entries if e.run_id == run_id), None),
            run_id,
            role=role,
            comment=comment,
            user=current_user(),
            roles=roles,
            verification=opened.verify(),
            store=opened.shown,
            source=str(policy),
        )
    except PolicyError as exc:  # the library names the field; the CLI names the option
        said = str(exc)
        raise PolicyError(f"--{said}" if said.startswith(("role ", "comment:")) else said) from None
    record_run(opened, "approve", report=None, summary=summary, verdict=VERDICT, policy=policy)
