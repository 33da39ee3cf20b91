"""``clearance card init|build|check``: model cards built from measured evidence and checked
against what a regime asks for."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from clearance.cards.build import build_card_paths, init_card
from clearance.cards.check import CheckReport, card_sections, check_card_path
from clearance.cards.models import ModelCard, Regime
from clearance.cards.render import format_of, render_to
from clearance.cli._common import (
    TRUST_FLAGS,
    NoEvidenceOpt,
    StoreOpt,
    check_outputs,
    evidence_store,
    fail,
    record_run,
    say,
    write_outputs,
)
from clearance.errors import ClearanceError, PolicyError, UntrustedModelError

EXIT_GAPS = 1
CHROMIUM_ENV = "CLEARANCE_CHROMIUM"
DEFAULT_CHROMIUM = Path("/usr/bin/chromium")


def chromium_path() -> Path:
    """The browser a ``.pdf`` output is printed with: ``CLEARANCE_CHROMIUM``, else Debian's."""
    configured = os.environ.get(CHROMIUM_ENV)
    return Path(configured) if configured else DEFAULT_CHROMIUM


card_app = typer.Typer(
    help="Model cards from measured evidence: init a skeleton, build it, check it for a regime.",
    no_args_is_help=True,
)

RegimeOpt = Annotated[
    Regime, typer.Option("--regime", help="eu-ai-act, sr-11-7 or ecoa.", case_sensitive=False)
]


def write_skeleton(output: Path, text: str, force: bool) -> None:
    """A YAML for a human to fill (card or datasheet): the file is where they write, so a blank
    skeleton never replaces it silently."""
    if (output.exists() or output.is_symlink()) and not force:
        raise PolicyError(f"{output}: already exists; use --force to overwrite")
    check_outputs([output])
    write_outputs([(output, text)])


@card_app.command("init")
def init(
    regime: RegimeOpt,
    output: Annotated[Path, typer.Option("-o", "--output", help="The card YAML to write.")] = Path(
        "card.yaml"
    ),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a card YAML with every section the regime asks for, each under its prompt."""
    try:
        write_skeleton(output, init_card(regime), force)
    except ClearanceError as exc:
        raise fail(exc) from None
    say(f"wrote {output}: fill each section, then `clearance card build {output} --evidence ...`")


@card_app.command("build")
def build(
    card: Annotated[Path, typer.Argument(help="The card YAML (from `clearance card init`).")],
    evidence: Annotated[
        list[Path] | None,
        typer.Option(
            "--evidence", help="A clearance fairness or dataset audit report (JSON); repeatable."
        ),
    ] = None,
    outputs: Annotated[
        list[Path] | None,
        typer.Option(
            "-o",
            "--output",
            help="card.md, card.html, card.json or card.pdf (headless Chromium); repeatable.",
        ),
    ] = None,
    eval_data: Annotated[
        Path | None,
        typer.Option(
            "--eval-data",
            help="Evaluation data (CSV or Parquet): performance recomputed on it at build time.",
        ),
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option("--model", help="With --eval-data: the model (.skops, .onnx) to measure."),
    ] = None,
    policy: Annotated[
        Path | None,
        typer.Option(
            "--policy", "-p", help="With --eval-data: the fairness policy the audit ran with."
        ),
    ] = None,
    trust_model: Annotated[
        bool, typer.Option("--trust-model", help="Allow loading a pickle/joblib model.")
    ] = False,
    trust_type: Annotated[
        list[str] | None, typer.Option("--trust-type", help="skops type to trust (repeatable).")
    ] = None,
    store: StoreOpt = None,
    no_evidence: NoEvidenceOpt = False,
) -> None:
    """Merge the card's sections with the evidence's numbers; write each -o by its suffix."""
    paths = outputs or [Path("card.md")]
    inputs = [card, *(evidence or []), *(p for p in (eval_data, model, policy) if p is not None)]
    try:
        for p in paths:
            format_of(p, ModelCard)
        check_outputs(paths, inputs)
        recorder = evidence_store(store, no_evidence, paths)
        if eval_data is not None:
            say(f"measuring performance on {eval_data} ...")
        built = build_card_paths(
            card,
            evidence or [],
            eval_data=eval_data,
            fairness_policy=policy,
            model=model,
            trust_pickle=trust_model,
            trusted_types=list(trust_type or []),
        )
        write_outputs([(p, render_to(built, p, chromium=chromium_path())) for p in paths])
        record_run(
            recorder,
            "card build",
            report=None,
            summary={
                "evidence_reports": len(evidence or []),
                "evaluation_metrics": len(built.quantitative_analysis.evaluation_metrics),
                # the card's sections, filled or not (the dashboard's card page)
                "regime": built.regime,
                "model": built.model_details.name,
                "sections": card_sections(built.card),
            },
            verdict="built",
            inputs=inputs,
            outputs=paths,
        )
    except ClearanceError as exc:
        if isinstance(exc, UntrustedModelError):  # the library names its argument, we our flag
            exc = PolicyError(exc.ending(TRUST_FLAGS[exc.option]))
        raise fail(exc) from None
    if not evidence:
        say("warning: no --evidence: the card carries no measured number")
    for ref in built.evidence:
        for warning in ref.warnings:
            say(f"warning: {ref.path}: {warning}")
    say(f"wrote {', '.join(map(str, paths))}")


def print_check(report: CheckReport) -> None:
    """What the check found, on the terminal (stderr): the items a human still has to fill and
    the evidence that changed."""
    total = len(report.items)
    present = report.counts["present"]
    say(f"card check against {report.title}: {present} of {total} items present")
    for item in report.items:
        if item.status != "present":
            say(f"  {item.status}: {item.id} ({item.title}): fill {', '.join(item.fill)}")
    for ev in report.evidence:
        for data in ev.data:
            if data.status == "not_found":
                say(f"  note: {data.role} {data.path} not found here: not re-checked")
        if ev.status != "current":
            what = {
                "gone": "is gone",
                "changed": "changed since the card was built",
                "data_changed": "measured data that changed since: "
                + ", ".join(d.path for d in ev.data if d.status == "changed"),
            }[ev.status]
            say(f"  stale: evidence {ev.path} {what}; stale numbers: {len(ev.stale_numbers)}")
            for number in ev.stale_numbers[:10]:
                say(f"    {number}")
            if len(ev.stale_numbers) > 10:
                say(f"    ... and {len(ev.stale_numbers) - 10} more (see the check's JSON)")
    say("PASS" if report.passed else "FAIL: the card is not complete for this regime")


@card_app.command("check")
def check(
    card: Annotated[Path, typer.Argument(help="The built card (card.json from `card build`).")],
    regime: RegimeOpt,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="The check's result as JSON.")
    ] = None,
    store: StoreOpt = None,
    no_evidence: NoEvidenceOpt = False,
) -> None:
    """Check a built card against a regime's checklist; exit 1 while anything is missing,
    empty or stale."""
    try:
        if output is not None:
            format_of(output, CheckReport)
            check_outputs([output], [card])
        recorder = evidence_store(store, no_evidence, [output] if output else [])
        report = check_card_path(card, regime)
        if output is not None:
            write_outputs([(output, render_to(report, output))])
        record_run(
            recorder,
            "card check",
            report=None,
            summary={
                "regime": regime,
                "items": dict(report.counts),
                "checklist": [
                    {"id": i.id, "title": i.title, "status": i.status, "fill": i.fill}
                    for i in report.items
                ],
                "evidence": [{"path": ev.path, "status": ev.status} for ev in report.evidence],
            },
            verdict="pass" if report.passed else "fail",
            inputs=[card],
            outputs=[output] if output else [],
        )
    except ClearanceError as exc:
        raise fail(exc) from None
    print_check(report)
    if not report.passed:
        raise typer.Exit(EXIT_GAPS)
