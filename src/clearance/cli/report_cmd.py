"""``clearance report``: the governance report, every control of one framework with the runs of
the evidence store that cover it, the open findings against it, or no evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, cast, get_args

import typer

from clearance.cli._common import (
    STDOUT,
    StoreOpt,
    check_outputs,
    is_stdout,
    say,
    write_outputs,
)
from clearance.core.controls import FrameworkSlug
from clearance.errors import InputError, PolicyError
from clearance.evidence import open_store
from clearance.governance.status import governance_report
from clearance.reports.registry import format_for_path, render

EXIT_OPEN = 1  # a result: open findings against a control, or a chain that does not verify
FRAMEWORKS: tuple[str, ...] = get_args(FrameworkSlug)


def report(
    framework: Annotated[
        str,
        typer.Option(
            "--framework", help=f"The framework: {', '.join(FRAMEWORKS)} (nist-ai-rmf default)."
        ),
    ] = "nist-ai-rmf",
    outputs: Annotated[
        list[Path] | None,
        typer.Option(
            "-o", "--output", help="report.json, report.html or report.md; repeatable (- stdout)."
        ),
    ] = None,
    store: StoreOpt = None,
) -> None:
    """Read the evidence store against a framework's controls: for each, the latest passing runs
    that cover it, the runs with open findings against it, or no evidence at all. Exit 1 when a
    control has open findings or the store's chain does not verify. Records no run itself."""
    if framework not in FRAMEWORKS:
        raise PolicyError(f"--framework {framework}: allowed: {', '.join(FRAMEWORKS)}")
    paths = outputs or [Path(STDOUT)]
    formats = ["markdown" if is_stdout(p) else format_for_path(p, "governance") for p in paths]
    check_outputs(paths)
    opened = open_store(store, create=False)
    try:
        for path in paths:
            if opened.path is not None and not is_stdout(path) and _same(path, opened.path):
                raise InputError(str(path), "is the evidence store; choose another output")
        entries = opened.entries()
        verification = opened.verify()
    finally:
        opened.close()
    built = governance_report(entries, verification, cast(FrameworkSlug, framework), opened.shown)
    write_outputs([(p, render(built, fmt)) for p, fmt in zip(paths, formats, strict=True)])
    n = built.counts
    say(
        f"{built.framework_name}: {n['covered']} covered, {n['open_findings']} with open "
        f"findings, {n['no_evidence']} with no evidence ({built.records} run(s) in "
        f"{opened.shown})"
    )
    if not built.chain_intact:
        say(f"warning: the evidence chain does not verify: {built.chain_break}")
    if n["open_findings"] or not built.chain_intact:
        raise typer.Exit(EXIT_OPEN)


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False
