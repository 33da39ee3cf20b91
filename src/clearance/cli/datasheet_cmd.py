"""``clearance datasheet init|build``: a datasheet for a dataset, pre-filled from its audit."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from clearance.cards.datasheet import Datasheet, build_datasheet_paths, init_datasheet
from clearance.cards.render import format_of, render_to
from clearance.cli._common import (
    NoEvidenceOpt,
    StoreOpt,
    check_outputs,
    evidence_store,
    fail,
    record_run,
    say,
    write_outputs,
)
from clearance.cli.card_cmd import write_skeleton
from clearance.errors import ClearanceError

datasheet_app = typer.Typer(
    help="Datasheets for datasets (Gebru et al.), pre-filled from a dataset audit report.",
    no_args_is_help=True,
)


@datasheet_app.command("init")
def init(
    output: Annotated[
        Path, typer.Option("-o", "--output", help="The datasheet YAML to write.")
    ] = Path("datasheet.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write the datasheet's questions as a YAML to answer."""
    try:
        write_skeleton(output, init_datasheet(), force)
    except ClearanceError as exc:
        raise fail(exc) from None
    say(f"wrote {output}: answer each question, then `clearance datasheet build --card {output}`")


@datasheet_app.command("build")
def build(
    evidence: Annotated[
        Path, typer.Option("--evidence", help="The dataset audit report (audit.json).")
    ],
    card: Annotated[
        Path | None, typer.Option("--card", help="The answers (from `datasheet init`).")
    ] = None,
    outputs: Annotated[
        list[Path] | None,
        typer.Option("-o", "--output", help="ds.md, ds.html or ds.json; repeatable."),
    ] = None,
    store: StoreOpt = None,
    no_evidence: NoEvidenceOpt = False,
) -> None:
    """Build the datasheet: the audit's facts, the answers, prompts where none was given."""
    paths = outputs or [Path("datasheet.md")]
    try:
        for p in paths:
            format_of(p, Datasheet)
        check_outputs(paths, [evidence, *([card] if card else [])])
        recorder = evidence_store(store, no_evidence, paths)
        sheet = build_datasheet_paths(evidence, card)
        write_outputs([(p, render_to(sheet, p)) for p in paths])
        todo = [s.key for s in sheet.sections if s.text is None]
        record_run(
            recorder,
            "datasheet build",
            report=None,
            summary={"sections": len(sheet.sections), "unanswered": len(todo)},
            verdict="built",
            inputs=[evidence, *([card] if card else [])],
            outputs=paths,
        )
    except ClearanceError as exc:
        raise fail(exc) from None
    if todo:
        say(f"still to be written by a human: {', '.join(todo)}")
    say(f"wrote {', '.join(map(str, paths))}")
