"""``clearance anonymize``: a k-anonymous (and l-diverse) copy of a table, verified by the audit's
own k-anonymity measurement, with its information loss in ``OUT.anonymize.json``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from clearance.anonymize.run import REPORT_SUFFIX, anonymize_table
from clearance.cli._common import (
    NoEvidenceOpt,
    StoreOpt,
    evidence_store,
    fail,
    progress,
    record_run,
    say,
)
from clearance.errors import ClearanceError, PolicyError

EXIT_UNVERIFIED = 1


def _columns(value: str) -> list[str]:
    return [c.strip() for c in value.split(",") if c.strip()]


def anonymize(
    table: Annotated[Path, typer.Argument(help="The table (CSV, TSV, JSON, JSONL, Parquet).")],
    k: Annotated[int, typer.Option("--k", help="Every released record shares its QIs with >= k.")],
    quasi_identifiers: Annotated[
        str, typer.Option("--quasi-identifiers", help="Comma-separated quasi-identifier columns.")
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="The anonymized copy.")],
    l_div: Annotated[
        int | None, typer.Option("--l", help="Distinct l-diversity of --sensitive in each class.")
    ] = None,
    sensitive: Annotated[
        str | None, typer.Option("--sensitive", help="The sensitive column (for --l).")
    ] = None,
    policy: Annotated[
        Path | None, typer.Option("--policy", help="clearance.yaml (its anonymize: section).")
    ] = None,
    max_suppression: Annotated[
        float | None,
        typer.Option("--max-suppression", help="Largest share of records suppressed (0.05)."),
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option("--report", help=f"The report (default: OUT{REPORT_SUFFIX})."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
    store: StoreOpt = None,
    no_evidence: NoEvidenceOpt = False,
) -> None:
    """Generalize the quasi-identifiers (Mondrian) and suppress what cannot reach k (and l);
    exit 1 if the audit's measurement of the copy does not confirm it (nothing is written)."""
    try:
        if l_div is not None and sensitive is None:
            raise PolicyError("--l needs --sensitive: the column whose diversity is measured")
        report_path = report or Path(f"{output}{REPORT_SUFFIX}")
        evidence = evidence_store(store, no_evidence, [output, report_path])
        with progress("anonymizing", unit="records", quiet=quiet) as advance:
            result = anonymize_table(
                table,
                output,
                k=k,
                quasi_identifiers=_columns(quasi_identifiers),
                l=l_div,
                sensitive=sensitive,
                policy_path=policy,
                max_suppression=max_suppression,
                report_path=report,
                progress=lambda label, n: advance(n, label=label),
            )
        # an unverified copy is not written, but the attempt is recorded: it failed
        record_run(
            evidence,
            "anonymize",
            report=None,
            summary={
                "k": k,
                "l": l_div,
                "quasi_identifiers": len(result.quasi_identifiers),
                "measured_k": result.verification.k,
                "records": result.input.rows,
                "suppressed": result.suppressed.records,
                "classes": result.equivalence_classes.count,
                "ncp": result.information_loss.ncp,
            },
            verdict="pass" if result.verified else "fail",
            inputs=[table],
            outputs=[output, report_path],
            policy=policy,
            quiet=quiet,
        )
    except ClearanceError as exc:
        raise fail(exc) from None
    if not result.verified:
        say(
            f"error: the audit measures k={result.verification.k} on the anonymized copy, "
            f"below k={k}; nothing was written"
        )
        raise typer.Exit(EXIT_UNVERIFIED)
    if not quiet:
        loss = result.information_loss
        say(
            f"anonymized {result.input.rows:,} records into {output}: k={result.verification.k}"
            + (f", l={result.verification.l_diversity.get(sensitive or '', 0)}" if l_div else "")
            + f", {result.equivalence_classes.count:,} classes, NCP {loss.ncp:.3f}, "
            f"{result.suppressed.records:,} suppressed ({result.suppressed.share:.1%}); report: "
            f"{report_path}"
        )
