"""``clearance risk set``: an entry of the risk register (finding, likelihood, impact, owner,
status, due date), recorded in the evidence store; the latest entry of each risk id is the
register that ``clearance report`` prints."""

from __future__ import annotations

from datetime import date
from typing import Annotated, cast

import typer

from clearance.cli._common import NoEvidenceOpt, StoreOpt, evidence_store, record_run
from clearance.core.controls import CONTROLS
from clearance.errors import PolicyError
from clearance.governance.risks import (
    IMPACTS,
    LIKELIHOODS,
    RISK_STATUSES,
    Level,
    RiskEntry,
    RiskStatus,
)

risk_app = typer.Typer(
    help="The risk register: findings with likelihood, impact, owner, status and due date.",
    no_args_is_help=True,
)


def _choice(value: str, allowed: tuple[str, ...], flag: str) -> str:
    # the library's Literal types, named by the flag that gave them
    if value not in allowed:
        raise PolicyError(f"{flag} {value}: allowed: {', '.join(allowed)}")
    return value


@risk_app.command("set")
def set_risk(
    risk_id: Annotated[str, typer.Argument(help="The risk's id (yours: R-12, DPIA-3 ...).")],
    finding: Annotated[
        str, typer.Option("--finding", help="What the risk is (a finding's rule or fingerprint).")
    ],
    likelihood: Annotated[str, typer.Option("--likelihood", help="low, medium or high.")],
    impact: Annotated[str, typer.Option("--impact", help="low, medium or high.")],
    owner: Annotated[str, typer.Option("--owner", help="Who treats it.")],
    status: Annotated[
        str, typer.Option("--status", help="open, mitigating, accepted or closed.")
    ] = "open",
    due: Annotated[str | None, typer.Option("--due", help="Due date, YYYY-MM-DD.")] = None,
    control: Annotated[
        list[str] | None,
        typer.Option("--control", help="A control id it concerns (repeatable): GDPR-9 ..."),
    ] = None,
    run: Annotated[
        str | None, typer.Option("--run", help="The run whose finding it is (a run id).")
    ] = None,
    store: StoreOpt = None,
    no_evidence: NoEvidenceOpt = False,
) -> None:
    """Add or update (by RISK_ID) an entry of the risk register in the evidence store."""
    if no_evidence:
        raise PolicyError("--no-evidence: the risk register lives in the evidence store")
    unknown = [c for c in control or [] if c not in CONTROLS]
    if unknown:
        raise PolicyError(f"--control {unknown[0]}: not in the control catalogue")
    if due is not None:
        try:
            date.fromisoformat(due)
        except ValueError:
            raise PolicyError(f"--due {due}: expected a date, YYYY-MM-DD") from None
    for flag, value in (("RISK_ID", risk_id), ("--finding", finding), ("--owner", owner)):
        if not value.strip() or len(value) > 500:
            raise PolicyError(f"{flag}: give 1 to 500 characters")
    entry = RiskEntry(
        id=risk_id.strip(),
        finding=finding.strip(),
        likelihood=cast(Level, _choice(likelihood, LIKELIHOODS, "--likelihood")),
        impact=cast(Level, _choice(impact, IMPACTS, "--impact")),
        owner=owner.strip(),
        status=cast(RiskStatus, _choice(status, RISK_STATUSES, "--status")),
        due=due,
        controls=sorted(set(control or []), key=list(CONTROLS).index),
        run=run,
    )
    opened = evidence_store(store, False)
    record_run(
        opened,
        "risk set",
        report=None,
        summary=entry.model_dump(mode="json"),
        verdict="recorded",
    )
