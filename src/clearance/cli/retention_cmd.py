"""``clearance retention apply``: records past the policy's retention period, counted (dry run,
the default) or deleted / archived (``--apply``), with a record of what went."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from clearance.cli._common import (
    NoEvidenceOpt,
    StoreOpt,
    check_outputs,
    evidence_store,
    fail,
    output_folder,
    progress,
    record_run,
    say,
)
from clearance.errors import ClearanceError, PolicyError
from clearance.evidence.record import hash_files
from clearance.lifecycle.records import RetentionRun
from clearance.lifecycle.retention import apply_retention
from clearance.privacy.fingerprint import KEY_ENV

RECORDS = Path("clearance-records")

retention_app = typer.Typer(
    help="Retention: delete or archive records older than the policy allows.",
    no_args_is_help=True,
)


def record_path(given: Path | None, kind: str) -> Path:
    """``--record``, else ``clearance-records/KIND-TIME.json`` (the folder created)."""
    if given is not None:
        return given
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return output_folder(RECORDS) / f"{kind}-{stamp}.json"


def env_key() -> bytes | None:
    env = os.environ.get(KEY_ENV)
    return env.encode() if env else None


def _show(run: RetentionRun) -> None:
    verb = "removed" if run.applied else "past retention"
    for t in run.tables:
        say(
            f"{t.table} ({t.source}): {t.expired} of {t.rows} record(s) {verb} (column "
            f"{t.column}, older than {t.limit_days} days: dated before {t.cutoff})"
            + (f"; {t.unparseable} with an unreadable timestamp kept" if t.unparseable else "")
            + (f"; archived to {t.archived_to}" if t.archived_to else "")
        )
        if t.conflict is not None:
            resolved = f"resolved by the policy: {t.override}" if t.override else "unresolved"
            say(f"warning: {t.conflict} ({resolved})")
    for path in run.skipped:
        say(f"skipped (not a table, no records to age; left as it is): {path}")
    if not run.tables:
        say("no table with a retention period in the input; nothing to do")


@retention_app.command("apply")
def apply(
    policy: Annotated[
        Path, typer.Option("--policy", "-p", help="clearance.yaml (its tables.*.retention_days).")
    ],
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Table files and folders (CSV, TSV, JSONL, Parquet)."),
    ] = None,
    db: Annotated[
        list[str] | None,
        typer.Option("--db", help="Database URI (sqlite:///FILE, postgresql://...); repeatable."),
    ] = None,
    do_apply: Annotated[
        bool, typer.Option("--apply", help="Delete (or archive) them; without it, a dry run.")
    ] = False,
    archive: Annotated[
        str | None,
        typer.Option(
            "--archive",
            help="Files: a folder for the removed rows; --db: a table-name prefix (archive_).",
        ),
    ] = None,
    record: Annotated[
        Path | None,
        typer.Option("--record", help="The record of a real run (default clearance-records/)."),
    ] = None,
    store: StoreOpt = None,
    no_evidence: NoEvidenceOpt = False,
) -> None:
    """Count (default) or remove the records older than the policy's retention period; a real
    run writes a record with counts and keyed fingerprints of the removed ids."""
    if not paths and not db:
        raise typer.BadParameter("give table files or folders, or --db URI")
    try:
        key = env_key()
        if do_apply and key is None:
            raise PolicyError(
                f"--apply records keyed fingerprints of the removed ids: set {KEY_ENV}; refused "
                "rather than using a default key"
            )
        target = record_path(record, "retention") if do_apply else None
        if target is not None:
            check_outputs([target], paths or [])
        evidence = evidence_store(store, no_evidence, [target] if target else [])
        # the files are rewritten in place: their hashes before the run are its inputs
        before = hash_files(paths or []) if evidence is not None else []
        try:
            with progress("ageing records", unit="rows") as advance:
                run = apply_retention(
                    paths or [],
                    policy_path=policy,
                    databases=db or [],
                    apply=do_apply,
                    archive=archive,
                    key=key,
                    record=target,
                    progress=lambda label, n: advance(n, label=label),
                )
        except PolicyError as exc:
            if "ai_act_log_retention_override" in str(exc):
                raise PolicyError(f"{exc}; nothing was deleted") from None
            raise
        expired = sum(t.expired for t in run.tables)
        record_run(
            evidence,
            "retention apply",
            report=None,
            # the id the record and the rewritten files' tags carry (it is made from the
            # policy and the time: two runs may share it, so the evidence run has its own)
            summary={
                "applied": run.applied,
                "tags_run_id": run.run_id,
                "tables": len(run.tables),
                "expired": expired,
                "databases": len(db or []),
                "skipped": len(run.skipped),
            },
            # a dry run that counts records past retention leaves them there: findings
            verdict="pass" if do_apply else ("findings" if expired else "clean"),
            hashed_inputs=before,
            outputs=[*(paths or []), *([Path(archive)] if archive and paths else []), target]
            if target is not None
            else [],
            policy=policy,
        )
    except ClearanceError as exc:
        raise fail(exc) from None
    _show(run)
    if do_apply:
        say(f"record: {target}")
    else:
        say("dry run: nothing deleted; run again with --apply to delete")
