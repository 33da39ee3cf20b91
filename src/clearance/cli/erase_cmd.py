"""``clearance erase``: a data subject's rows deleted and their identifiers redacted in other
rows' text (GDPR Art. 17), verified by searching the written files again."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from clearance.cli._common import check_outputs, fail, progress, say
from clearance.cli.retention_cmd import env_key, record_path
from clearance.errors import ClearanceError, PolicyError
from clearance.lifecycle.erase import erase_subject
from clearance.privacy.fingerprint import KEY_ENV

EXIT_REMAINING = 1


def erase(
    paths: Annotated[list[Path], typer.Argument(help="Table files and folders of the dataset.")],
    subject: Annotated[str, typer.Option("--subject", help="The subject's subject-key value.")],
    policy: Annotated[Path, typer.Option("--policy", "-p", help="clearance.yaml (subject_key).")],
    do_apply: Annotated[
        bool, typer.Option("--apply", help="Erase; without it, a dry run that only counts.")
    ] = False,
    record: Annotated[
        Path | None,
        typer.Option("--record", help="The erasure record (default clearance-records/)."),
    ] = None,
) -> None:
    """Find (default) or erase a data subject: their rows deleted, their e-mail / phone / name
    redacted where other rows quote them; exit 1 if anything of them remains (nothing replaced)."""
    try:
        key = env_key()
        if key is None:
            raise PolicyError(
                f"erase shows and records the subject only as a keyed fingerprint: set {KEY_ENV}"
            )
        target = record_path(record, "erasure") if do_apply else None
        if target is not None:
            check_outputs([target], paths)
        with progress("searching for the subject", unit="files") as advance:
            result = erase_subject(
                paths,
                subject,
                policy_path=policy,
                key=key,
                apply=do_apply,
                record=target,
                progress=lambda label, n: advance(n, label=label),
            )
    except ClearanceError as exc:
        raise fail(exc) from None
    who = f"subject {result.subject[:12]}"
    if not result.found:
        say(f"nothing found for {who} (fingerprint); nothing changed")
        if do_apply:
            say(f"record: {target}")
        return
    for f in result.files:
        say(
            f"{f.path}: {f.rows_deleted} row(s) to delete, {f.spans_redacted} cell(s) to redact"
            if not do_apply
            else f"{f.path}: {f.rows_deleted} row(s) deleted, {f.spans_redacted} cell(s) redacted"
        )
    if result.remaining:
        say(
            f"error: {result.remaining} occurrence(s) of {who}'s identifiers remain after the "
            "erasure (in a column that is not text?); no file was replaced"
        )
        raise typer.Exit(EXIT_REMAINING)
    if do_apply:
        say(f"erased {who}; re-scan: 0 remaining; record: {target}")
    else:
        say(f"dry run for {who}: nothing changed; run again with --apply to erase")
