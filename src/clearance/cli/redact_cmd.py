"""``clearance redact``: redacted copies of data files, verified by a re-scan."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from clearance.cli._common import (
    CalibrationOpt,
    detection_settings,
    fail,
    progress,
    say,
)
from clearance.errors import ClearanceError, PolicyError
from clearance.privacy.fingerprint import KEY_ENV
from clearance.redact import RedactSettings, redact_paths
from clearance.redact.run import MANIFEST

EXIT_REMAINING = 1
EXIT_INPUT = 3


def _key(key_file: Path | None, outdir: Path) -> bytes | None:
    """``CLEARANCE_KEY``, else the key file given; never one made up here. A key file inside
    the output folder would ship the key with the data: refused."""
    env = os.environ.get(KEY_ENV)
    if env:
        return env.encode()
    if key_file is None:
        return None
    if Path(os.path.abspath(key_file)).is_relative_to(os.path.abspath(outdir)):
        raise PolicyError(f"--key-file {key_file}: inside the output folder; keep the key apart")
    try:
        data = key_file.read_bytes().strip()
    except OSError as exc:
        raise PolicyError(f"--key-file {key_file}: cannot read ({exc.strerror})") from None
    if not data:
        raise PolicyError(f"--key-file {key_file}: the key file is empty")
    return data


def redact(
    paths: Annotated[list[Path], typer.Argument(help="Files and folders to redact.")],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="Output folder (mirrors the input names).")
    ],
    policy: Annotated[
        Path | None, typer.Option("--policy", help="clearance.yaml (its redact: section).")
    ] = None,
    text_field: Annotated[
        list[str] | None,
        typer.Option("--text-field", help="A column/field of free text (repeatable)."),
    ] = None,
    key_file: Annotated[
        Path | None,
        typer.Option("--key-file", help=f"Key of the keyed operators when {KEY_ENV} is unset."),
    ] = None,
    calibration: CalibrationOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
) -> None:
    """Write redacted copies (CSV, TSV, JSON, JSONL, Parquet, text and source trees) and a
    manifest.json; exit 1 if the re-scan of the copies finds anything of a redacted kind."""
    try:
        settings = RedactSettings(
            policy_path=policy,
            text_fields=tuple(text_field or ()),
            detection=detection_settings(calibration=calibration),
        )
        key = _key(key_file, output)
        with progress("redacting", unit="rows", quiet=quiet) as advance:
            try:
                manifest = redact_paths(
                    paths,
                    output,
                    settings,
                    key=key,
                    progress=lambda label, n: advance(n, label=label),
                )
            except PolicyError as exc:
                if key is None and "needs a key" in str(exc):
                    raise PolicyError(f"{exc}; set {KEY_ENV} or pass --key-file") from None
                raise
    except ClearanceError as exc:
        raise fail(exc) from None
    for skipped in manifest.skipped:
        say(f"skipped {skipped.path}: {skipped.reason}")
    if not manifest.published:
        kinds = ", ".join(f"{k} {n}" for k, n in manifest.rescan.by_entity.items())
        say(
            f"error: the re-scan of the redacted copies found {manifest.rescan.remaining} "
            f"finding(s) of redacted kinds ({kinds}); no copy was written, only "
            f"{output / MANIFEST}"
        )
        raise typer.Exit(EXIT_REMAINING)
    if not quiet:
        say(
            f"redacted {len(manifest.outputs)} file(s) into {output}; re-scan: 0 remaining; "
            f"manifest: {output / MANIFEST}"
        )
    if manifest.skipped:
        raise typer.Exit(EXIT_INPUT)
