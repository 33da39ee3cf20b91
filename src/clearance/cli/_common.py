"""Helpers every command shares: atomic writes, error exits, the stderr console."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Protocol

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from clearance.detection import calibration as calibrations
from clearance.errors import ClearanceError

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
            shown = f"{description} {label}" if label else description
            if total is not None:
                bar.update(task, total=total)
            bar.update(task, description=shown, advance=n)

        yield advance


def write_atomic(path: Path, text: str) -> None:
    """Writes ``text`` to ``path`` through a temporary file and a rename: never half-written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def fail(exc: ClearanceError) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(exc.exit_code)


CalibrationOpt = Annotated[
    str | None,
    typer.Option(
        "--calibration",
        help="Score map from `clearance calibrate` (default: the bundled one; none: hand-set).",
    ),
]


def calibration_option(value: str | None) -> calibrations.Calibration | None:
    """The map ``--calibration`` names: the bundled one when absent, none for ``none``."""
    if value is None:
        return calibrations.bundled()
    return None if value.lower() == "none" else calibrations.load(value)
