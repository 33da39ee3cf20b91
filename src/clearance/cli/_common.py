"""Helpers every command shares: error exits, the stderr console, progress, and the output
files of :mod:`clearance.io.outputs` (re-exported here for the commands)."""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Protocol

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from typer.core import TyperGroup
from typer.exceptions import TyperException

from clearance.detection import calibration as calibrations
from clearance.detection.settings import DetectionSettings, InvalidSetting
from clearance.errors import ClearanceError, InputError, PolicyError
from clearance.evidence import EvidenceStore, RunRecord, new_record, open_store
from clearance.evidence.lineage import LineageSettings, emit_run
from clearance.evidence.record import FileHashes
from clearance.io.outputs import STDOUT as STDOUT
from clearance.io.outputs import check_outputs as check_outputs
from clearance.io.outputs import is_stdout as is_stdout
from clearance.io.outputs import output_folder as output_folder
from clearance.io.outputs import write_atomic as write_atomic
from clearance.io.outputs import write_outputs as write_outputs
from clearance.reports.escape import terminal_line, terminal_text
from clearance.reports.registry import formats, kind_of, render

DEBUG_ENV = "CLEARANCE_DEBUG"
EXIT_INTERNAL = 70  # EX_SOFTWARE (sysexits.h): a bug in clearance, never a result
EXIT_INTERRUPTED = 130  # 128 + SIGINT
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a shell shows for `yes | head`

# Names, paths and labels printed here come from data: never read them as Rich markup, emoji
# codes (``users.csv:phone:``) or highlight them.
err = Console(stderr=True, markup=False, emoji=False, highlight=False)


class Advance(Protocol):
    """Reports progress: ``advance(n, label=..., total=...)``; a no-op when progress is hidden."""

    def __call__(
        self, n: float = 1, *, label: str | None = None, total: float | None = None
    ) -> None: ...


@contextmanager
def progress(description: str, *, unit: str = "", quiet: bool = False) -> Iterator[Advance]:
    """A Rich progress bar on stderr for long work, hidden with ``-q`` or when stderr is not a
    terminal. ``unit`` labels the count (``rows``, ``probes``); the total may be set later."""
    if quiet or not err.is_terminal:

        def hidden(n: float = 1, *, label: str | None = None, total: float | None = None) -> None:
            return None

        yield hidden
        return
    with Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        TextColumn(f"{{task.completed:,.0f}} {unit}".rstrip(), markup=False),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)

        def advance(n: float = 1, *, label: str | None = None, total: float | None = None) -> None:
            shown = terminal_line(f"{description} {label}" if label else description)
            if total is not None:
                bar.update(task, total=total)
            bar.update(task, description=shown, advance=n)

        yield advance


def say(message: str) -> None:
    """Prints a message to stderr; control characters from data are shown escaped, never sent
    to the terminal (``\\x1b[2J``, hyperlinks, bidirectional overrides)."""
    typer.echo(terminal_text(message), err=True)


# what allows an untrusted model to load, by the library argument that allows it
# (``UntrustedModelError.option``): the commands that load models name their own switches
TRUST_FLAGS = {
    "trust_pickle": "pass --trust-model",
    "trusted_types": "pass --trust-type NAME for each to load the model",
}


def fail(exc: ClearanceError) -> typer.Exit:
    """Prints the error on one line (``error: ...``) and returns the exit for its class."""
    typer.echo(f"error: {terminal_line(str(exc))}", err=True)
    return typer.Exit(exc.exit_code)


def debug_enabled(flag: bool = False) -> bool:
    """``--debug`` or ``CLEARANCE_DEBUG=1`` (also true/yes/on): show tracebacks."""
    env = os.environ.get(DEBUG_ENV, "").strip().lower()
    return flag or env in {"1", "true", "yes", "on"}


def _where_in_clearance(exc: BaseException) -> str:
    """The innermost frame of clearance's own code (``clearance/scan/reader.py:120``): where
    to look, and never a value."""
    package = Path(__file__).resolve().parents[1]
    where = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        try:
            relative = Path(frame.filename).resolve().relative_to(package.parent)
        except ValueError:
            continue
        where = f"{relative.as_posix()}:{frame.lineno}"
    return where


def internal_error(exc: BaseException, *, debug: bool) -> typer.Exit:
    """An uncaught exception: one line naming its type and where (exit 70); the traceback,
    which may quote data, only with ``--debug``/``CLEARANCE_DEBUG=1``."""
    if debug:
        traceback.print_exception(exc, file=sys.stderr)
    where = _where_in_clearance(exc)
    kind = type(exc).__name__ + (f" at {where}" if where else "")
    typer.echo(
        f"error: internal error ({kind}), a bug in clearance, not a result; rerun with --debug "
        f"or {DEBUG_ENV}=1 for the traceback",
        err=True,
    )
    return typer.Exit(EXIT_INTERNAL)


class Boundary(TyperGroup):
    """The root command group: every subcommand runs inside it. An error clearance raises on
    purpose exits with its class's code; anything else is an internal error (exit 70), never
    1 (findings) or 0; Ctrl-C exits 130 with one line."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):
            raise  # exits and usage errors (click's message, exit 2)
        except ClearanceError as exc:
            raise fail(exc) from None
        except KeyboardInterrupt:
            typer.echo("error: interrupted", err=True)
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except BrokenPipeError:
            # The reader of stdout went away (`clearance rules | head`): not a bug and not a
            # result. Quietly, as a tool killed by SIGPIPE; stdout goes to /dev/null so that
            # the interpreter's last flush does not fail again.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
            raise typer.Exit(EXIT_BROKEN_PIPE) from None
        except Exception as exc:
            raise internal_error(exc, debug=debug_enabled(bool(ctx.params.get("debug")))) from None


CalibrationOpt = Annotated[
    str | None,
    typer.Option(
        "--calibration",
        help="Score map from `clearance calibrate` (default: the bundled one; none: hand-set).",
    ),
]


def detection_settings(
    *,
    entities: str | None = None,
    threshold: float = 0.0,
    ner: str | None = None,
    workers: int | None = None,
    calibration: str | None = None,
) -> DetectionSettings:
    """The detection settings the options name (``--entities a,b``; ``--calibration``: absent
    for the bundled map, ``none`` for the hand-set scores, else a file); the library validates
    them, and a value it refuses is reported with its option (``--threshold 2.0: ...``)."""
    chosen = [e.strip() for e in entities.split(",") if e.strip()] if entities else []
    if calibration is None:
        calibration_value: Path | str | None = "bundled"
    else:
        calibration_value = None if calibration.lower() == "none" else Path(calibration)
    try:
        return DetectionSettings.of(
            entities=tuple(chosen) or None,
            threshold=threshold,
            ner=ner,
            workers=workers,
            calibration=calibration_value,
        )
    except InvalidSetting as exc:
        raise PolicyError(f"--{exc.field}{exc.detail}") from None


def calibration_option(value: str | None) -> calibrations.Calibration | None:
    """The map ``--calibration`` names: the bundled one when absent, none for ``none``."""
    return detection_settings(calibration=value).calibration_map()


StoreOpt = Annotated[
    str | None,
    typer.Option(
        "--store",
        help="Evidence store: an SQLite file or postgresql://... (default: CLEARANCE_STORE, "
        "else .clearance/evidence.db).",
    ),
]
NoEvidenceOpt = Annotated[
    bool, typer.Option("--no-evidence", help="Do not record this run in the evidence store.")
]


def evidence_store(
    store: str | None, no_evidence: bool, outputs: list[Path] | None = None
) -> EvidenceStore | None:
    """The store a command records its run in, opened before any work so that a store that
    cannot be used fails the command before it writes anything; None with ``--no-evidence``.
    An output that is the store's file is refused: a report must never overwrite it."""
    if no_evidence:
        return None
    try:
        opened = open_store(store)
    except PolicyError as exc:
        raise PolicyError(f"--store: {exc}") from None
    for path in outputs or []:
        if opened.path is not None and not is_stdout(path) and _same(path, opened.path):
            raise InputError(str(path), "is the evidence store; choose another output")
    return opened


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def record_run(
    store: EvidenceStore | None,
    command: str,
    *,
    report: object | None,
    verdict: str,
    summary: dict[str, Any] | None = None,
    run_id: str | None = None,
    inputs: list[Path] | None = None,
    outputs: list[Path] | None = None,
    policy: Path | None = None,
    quiet: bool = False,
    hashed_inputs: FileHashes | None = None,
) -> str | None:
    """Records a run after its report is written: the files' hashes, and the summary and
    findings of the report's JSON form (masked and fingerprinted there, never raw values).
    Prints ``evidence: run RUN_ID ...`` on stderr (stdout may be the report; nothing with
    ``-q``) and returns the id. ``hashed_inputs``: inputs hashed before the run changed them."""
    if store is None:
        return None
    doc: Any = None
    if report is not None and "json" in formats(kind_of(report)):
        doc = json.loads(render(report, "json"))
    written = [p for p in (outputs or []) if not is_stdout(p)]
    record = new_record(
        command,
        inputs=list(inputs or []),
        outputs=written,
        policy=policy,
        report=doc if isinstance(doc, dict) else None,
        summary=summary,
        verdict=verdict,
        run_id=run_id,
        hashed_inputs=hashed_inputs,
    )
    run_id = store.append(record)
    store.close()
    if not quiet:
        typer.echo(f"evidence: run {run_id} recorded in {terminal_line(store.shown)}", err=True)
    emit_lineage(store, record)
    return run_id


def emit_lineage(store: EvidenceStore, record: RunRecord) -> None:
    """The recorded run's OpenLineage events (``evidence.lineage``: files beside the store,
    HTTP when ``CLEARANCE_LINEAGE_URL`` or ``OPENLINEAGE_URL`` is set; off with
    ``CLEARANCE_LINEAGE=off``). A destination that fails is a warning on stderr (also with
    ``-q``: lineage was asked for and is missing), never the command's failure."""
    settings, warnings = LineageSettings.from_env(store.path, os.environ)
    if settings is not None:
        warnings += emit_run(record, store.opened_at, settings)
    for warning in warnings:
        say(f"warning: {warning}")
