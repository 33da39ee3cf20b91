"""``clearance dp``: differentially private aggregates of a table, charged to a budget ledger."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from clearance.cli._common import (
    NoEvidenceOpt,
    StoreOpt,
    evidence_store,
    fail,
    progress,
    record_run,
    say,
)
from clearance.dp import dp_release
from clearance.errors import ClearanceError


def dp(
    data: Annotated[
        Path, typer.Option("--data", help="The table (CSV, TSV, JSON, JSONL, Parquet).")
    ],
    query: Annotated[Path, typer.Option("--query", help="The releases to make (YAML or JSON).")],
    ledger: Annotated[
        Path, typer.Option("--ledger", help="The privacy-budget ledger (JSON; created if missing).")
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="The noisy results (JSON).")],
    policy: Annotated[
        Path | None, typer.Option("--policy", help="clearance.yaml (its dp: budgets and bounds).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
    store: StoreOpt = None,
    no_evidence: NoEvidenceOpt = False,
) -> None:
    """Release counts, sums, means, quantiles and histograms with differential privacy; exit 4
    (nothing written) when the release would exceed the dataset's budget."""
    try:
        evidence = evidence_store(store, no_evidence, [output, ledger])
        with progress("releasing", unit="releases", quiet=quiet) as advance:
            report = dp_release(
                data,
                query,
                ledger,
                output,
                policy_path=policy,
                progress=lambda label, n: advance(n, label=label),
            )
        # counts and budgets only: the released values are aggregates of the data
        record_run(
            evidence,
            "dp",
            report=None,
            summary={
                "releases": len(report.releases),
                "epsilon_spent": report.epsilon_spent,
                "delta_spent": report.delta_spent,
                "epsilon_budget": report.budget.epsilon,
                "epsilon_used": report.budget.spent_epsilon_after,
            },
            verdict="pass",
            inputs=[data, query],
            outputs=[output, ledger],
            policy=policy,
            quiet=quiet,
        )
    except ClearanceError as exc:
        raise fail(exc) from None
    if not quiet:
        b = report.budget
        say(
            f"released {len(report.releases)} statistic(s) of {report.dataset!r} to {output}: "
            f"epsilon {report.epsilon_spent:g} spent, {b.spent_epsilon_after:g} of "
            f"{b.epsilon:g} used; ledger: {ledger}"
        )
