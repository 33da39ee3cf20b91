"""``apply_retention``: records older than the policy's retention period, counted (dry run) or
deleted / archived (``apply=True``), from table files and SQLite / PostgreSQL tables.

The ages are the audit's (:func:`clearance.audit.checks.retention.record_ages`, the same
reference date and the same timestamp column choice), so ``retention apply`` deletes exactly what
``clearance audit`` reports as past retention. A record whose timestamp cannot be read is kept
and counted. A real run refuses, before anything changes, to delete the logs of a high-risk AI
system under six months (EU AI Act Art. 19 / 26(6)) unless the policy records why
(``ai_act_log_retention_override``).

Files are read lazily (the timestamp column whole, the rows in batches of ``batch_rows``: memory
bounded by the batch) and rewritten batch by batch through :class:`Staging` (temporary file,
then rename; CSV, TSV and JSONL get the same bytes as one write of the whole table); database tables
change inside one transaction (:mod:`clearance.lifecycle.retention_db`); the record is written
last, with counts and keyed fingerprints of the removed ids, never an id.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from datetime import UTC, date, datetime
from pathlib import Path

from clearance._version import __version__
from clearance.audit.policy import Policy, load_policy
from clearance.errors import InputError, PolicyError
from clearance.io.files import file_sha256, shown_path
from clearance.io.outputs import output_folder
from clearance.io.tags import Sensitivity
from clearance.lifecycle import retention_db
from clearance.lifecycle.expiry import (
    Expiry,
    expiry,
    fingerprints,
    id_column,
    refuse_conflicts,
    row_ids,
    timestamp_column,
)
from clearance.lifecycle.records import RetentionRun, TableRetention
from clearance.lifecycle.tables import Staging, TableSource, open_table, split_files
from clearance.lifecycle.tagging import Tagger
from clearance.privacy import Fingerprinter

Progress = Callable[[str, int], None]


def _summary(e: Expiry, source: str, rows: int, **more: object) -> TableRetention:
    return TableRetention(
        table=e.table,
        source=source,
        column=e.column,
        limit_days=e.limit,
        cutoff=e.cutoff.isoformat(),
        rows=rows,
        expired=int(e.expired.sum()),
        unparseable=e.unparseable,
        conflict=e.conflict,
        override=e.override if e.conflict is not None else None,
        **more,  # type: ignore[arg-type]
    )


def apply_retention(
    paths: Sequence[Path | str] = (),
    *,
    policy_path: Path,
    databases: Sequence[str] = (),
    apply: bool = False,
    archive: Path | str | None = None,
    key: bytes | None = None,
    record: Path | None = None,
    today: date | None = None,
    progress: Progress | None = None,
    batch_rows: int = 100_000,
) -> RetentionRun:
    """Counts (``apply=False``) or removes the records past retention in ``paths`` (CSV, TSV,
    JSONL, Parquet files and folders) and ``databases`` (SQLite / PostgreSQL URIs).

    ``apply=True`` needs ``key`` (the removed ids are recorded as keyed fingerprints) and
    ``record`` (where the JSON record is written, atomically, after the data changed).
    ``archive``: for files a folder that receives the removed rows (``NAME.archived-TIME.EXT``),
    for databases a table-name prefix (``archive_`` moves ``events`` rows to ``archive_events``,
    created with the same columns when missing). Raises :class:`PolicyError` for an unresolved
    AI Act log-keeping conflict (before anything changes), ``InputError`` for unreadable input,
    ``SourceUnavailableError`` for a database that cannot be reached; on any error nothing is
    changed (files are staged, database work is rolled back). Every rewritten file (and
    archive file) gets its tags (:mod:`clearance.lifecycle.tagging`). ``progress(label, rows)``
    is called as each batch of a table file is read."""

    policy = load_policy(policy_path)
    reference = today or policy.today()
    now = datetime.now(UTC).replace(microsecond=0)
    if apply and not key:
        raise PolicyError(
            "a real retention run records keyed fingerprints of the removed ids and needs a "
            "key (CLEARANCE_KEY); refused rather than using a default key"
        )
    if apply and record is None:
        raise PolicyError("a real retention run needs a path for its record")
    fp = Fingerprinter(key) if apply and key else None
    if archive is not None and paths:
        _archive_apart(Path(archive), [Path(p) for p in paths])
    tables, others = split_files([Path(p) for p in paths]) if paths else ([], [])
    policy_sha = file_sha256(policy_path)
    tag = Tagger.for_run("retention", policy.purpose, policy_sha, record if apply else None, now)
    tick: Progress = progress or (lambda label, n: None)
    plans: list[tuple[Expiry, TableSource]] = []
    for path in tables:
        src = open_table(path)
        if policy.retention_days(src.name) is None:
            _read_through(src, batch_rows, tick)  # read as before: a malformed table is exit 3
            continue
        # the audit's detection looks at the first 1,000 values
        column = timestamp_column(policy, src.name, src.columns, src.head(1000))
        plans.append((expiry(policy, src.name, src.column(column), column, reference), src))
    with ExitStack() as stack:
        dbs: list[retention_db.DbRetention] = []
        for uri in databases:
            db = retention_db.plan(uri, policy, reference, writable=apply)
            stack.callback(db.close)
            dbs.append(db)
        if apply:
            refuse_conflicts([e for e, _ in plans] + [e for db in dbs for e in db.expiries])
        staging = stack.enter_context(Staging())
        out = [
            _file_table(e, src, staging, policy, apply, archive, fp, now, tag, batch_rows, tick)
            for e, src in plans
        ]
        for db in dbs:
            out += db.summaries(
                apply=apply, archive=None if archive is None else str(archive), fp=fp
            )
        run = RetentionRun(
            version=__version__,
            time=now.isoformat().replace("+00:00", "Z"),
            applied=apply,
            reference_date=reference.isoformat(),
            policy_sha256=policy_sha,
            tables=out,
            skipped=[shown_path(f) for f in others],
            run_id=tag.run_id,
        )
        if apply and record is not None:
            staging.text(run.model_dump_json(indent=2) + "\n", record)
            # databases first: a failed commit leaves the staged files unused, nothing changed
            for db in dbs:
                db.commit()
            staging.commit()
    return run


def _read_through(src: TableSource, batch_rows: int, tick: Progress) -> int:
    """Reads every batch (a malformed row is an :class:`InputError`); the rows."""
    rows = 0
    for batch in src.batches(batch_rows):
        rows += batch.height
        tick(src.path.name, batch.height)
    return rows


def _file_table(
    e: Expiry,
    src: TableSource,
    staging: Staging,
    policy: Policy,
    apply: bool,
    archive: Path | str | None,
    fp: Fingerprinter | None,
    now: datetime,
    tag: Tagger,
    batch_rows: int,
    tick: Progress,
) -> TableRetention:
    source = shown_path(src.path)
    total = e.expired.len()
    gone = int(e.expired.sum())
    before = file_sha256(src.path)
    if not apply or gone == 0:
        _check_rows(src, _read_through(src, batch_rows, tick), total)
        return _summary(e, source, total, sha256_before=before)
    idc = id_column(policy, e.table, src.columns)
    archived = None
    days, cutoff = e.limit, e.cutoff.isoformat()
    moved_to = None
    if archive is not None:
        output_folder(Path(archive))
        stamp = now.strftime("%Y%m%dT%H%M%SZ")
        target = Path(archive) / f"{src.path.stem}.archived-{stamp}{src.path.suffix}"
        moved = Sensitivity(treatment="retention-archive", retention_days=days, cutoff=cutoff)
        moved_to = staging.writer(src.kind, target, tag(target, before, moved))
        archived = shown_path(target)
    kept = Sensitivity(
        treatment="retention", retention_days=days, cutoff=cutoff, records_removed=gone
    )
    out = staging.writer(src.kind, src.path, tag(src.path, before, kept))
    ids: list[str] = []
    offset = 0
    try:
        for batch in src.batches(batch_rows):
            mask = e.expired.slice(offset, batch.height)
            offset += batch.height
            removed = batch.filter(mask)
            out.write(batch.filter(~mask))
            if moved_to is not None:
                moved_to.write(removed)
            ids += row_ids(removed, idc)
            tick(src.path.name, batch.height)
    except OSError as exc:
        raise InputError(source, f"cannot write: {exc.strerror or exc}") from None
    finally:
        out.close()
        if moved_to is not None:
            moved_to.close()
    _check_rows(src, offset, total)
    return _summary(
        e,
        source,
        total,
        id_column=idc,
        removed_ids=fingerprints(fp, e.table, ids),
        archived_to=archived,
        archived_sha256=file_sha256(moved_to.tmp) if moved_to is not None else None,
        sha256_before=before,
        sha256_after=file_sha256(out.tmp),
    )


def _check_rows(src: TableSource, read: int, aged: int) -> None:
    """The batches and the timestamp column were read apart: the same rows, or the file changed
    in between (nothing is replaced then)."""
    if read != aged:
        raise InputError(src.where, "changed while it was read; run again")


def _archive_apart(archive: Path, inputs: Sequence[Path]) -> None:
    """An archive folder that is an input, or inside one, would be read as data by the next
    run (and its rows aged and removed again): refused."""
    target = Path(os.path.abspath(archive))
    for source in inputs:
        src = Path(os.path.abspath(source))
        if target == src or (src.is_dir() and target.is_relative_to(src)):
            raise InputError(
                shown_path(archive), f"the archive is the input {shown_path(source)} or inside it"
            )
