"""Helpers every command shares: atomic writes, error exits, the stderr console."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from clearance.detection import calibration as calibrations
from clearance.errors import ClearanceError

err = Console(stderr=True)


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
