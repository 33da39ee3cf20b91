"""``clearance erase``: a data subject's rows deleted and their identifiers redacted in other
rows' text (GDPR Art. 17), verified by searching the written files again."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from clearance.audit.policy import load_policy
from clearance.cli._common import (
    NoEvidenceOpt,
    StoreOpt,
    check_outputs,
    evidence_store,
    fail,
    progress,
    record_run,
    say,
)
from clearance.cli.retention_cmd import env_key, record_path
from clearance.errors import ClearanceError, PolicyError
from clearance.evidence.record import hash_files
from clearance.lifecycle.erase import erase_subjects, withdrawn_subjects
from clearance.privacy.fingerprint import KEY_ENV

EXIT_REMAINING = 1


def erase(
    paths: Annotated[list[Path], typer.Argument(help="Table files and folders of the dataset.")],
    policy: Annotated[Path, typer.Option("--policy", "-p", help="clearance.yaml (subject_key).")],
    subject: Annotated[
        str | None, typer.Option("--subject", help="The subject's subject-key value.")
    ] = None,
    withdrawn: Annotated[
        Path | None,
        typer.Option(
            "--withdrawn",
            help="A consent table (clearance consent import): erase every subject whose "
            "consent for the policy's purpose is withdrawn.",
        ),
    ] = None,
    do_apply: Annotated[
        bool, typer.Option("--apply", help="Erase; without it, a dry run that only counts.")
    ] = False,
    record: Annotated[
        Path | None,
        typer.Option("--record", help="The erasure record (default clearance-records/)."),
    ] = None,
    store: StoreOpt = None,
    no_evidence: NoEvidenceOpt = False,
) -> None:
    """Find (default) or erase a data subject (or every subject who withdrew consent): their
    rows deleted, their e-mail / phone / name redacted where other rows quote them; exit 1 if
    anything of them remains (nothing replaced)."""
    if (subject is None) == (withdrawn is None):
        raise typer.BadParameter("give --subject ID or --withdrawn CONSENT_TABLE (one of them)")
    try:
        key = env_key()
        if key is None:
            raise PolicyError(
                f"erase shows and records the subject only as a keyed fingerprint: set {KEY_ENV}"
            )
        target = record_path(record, "erasure") if do_apply else None
        if target is not None:
            check_outputs([target], paths)
        evidence = evidence_store(store, no_evidence, [target] if target else [])
        # the files are rewritten in place: their hashes before the run are its inputs
        before = hash_files(paths) if evidence is not None else []
        consent = None
        subjects: list[str] = []
        if withdrawn is not None:
            subjects, consent = withdrawn_subjects(withdrawn, load_policy(policy).purpose)
            say(
                f"{len(subjects)} subject(s) withdrew consent for {consent.purpose!r} "
                f"in {consent.table}"
            )
            if not subjects:
                say("nothing to erase")
                return
        with progress("searching for the subject", unit="files") as advance:
            result = erase_subjects(
                paths,
                [subject] if subject is not None else subjects,
                policy_path=policy,
                key=key,
                apply=do_apply,
                record=target,
                progress=lambda label, n: advance(n, label=label),
                consent=consent,
            )
        # the subject only as its keyed fingerprint, as the erasure record holds it
        record_run(
            evidence,
            "erase",
            report=None,
            # the id the record and the rewritten files' tags carry (it is made from the
            # policy and the time: two runs may share it, so the evidence run has its own)
            summary={
                "applied": result.applied,
                "tags_run_id": result.run_id,
                "subject": result.subject,
                "subjects": len(result.subjects),
                "consent_table_sha256": None if consent is None else consent.sha256,
                "found": result.found,
                "remaining": result.remaining,
                "rows_deleted": sum(f.rows_deleted for f in result.files),
                "cells_redacted": sum(f.spans_redacted for f in result.files),
            },
            verdict="fail"
            if result.remaining
            else ("findings" if result.found and not do_apply else "pass" if do_apply else "clean"),
            hashed_inputs=before + (hash_files([withdrawn]) if withdrawn is not None else []),
            outputs=[*paths, target] if target is not None else [],
            policy=policy,
        )
    except ClearanceError as exc:
        raise fail(exc) from None
    who = (
        f"subject {result.subject[:12]}"
        if result.subject is not None
        else f"{len(result.subjects)} subject(s)"
    )
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
