"""k-anonymity (and distinct l-diversity) by Mondrian partitioning, generalization and record
suppression, verified by the audit's own measurement.

``anonymize_frame`` works on a loaded table; ``anonymize_table`` reads a file (as the audit does),
writes the anonymized copy in the same format and the report next to it, all or nothing. The
verification is :func:`clearance.audit.anonymity.measure_anonymity` on the output: the same code,
and so the same k, as ``clearance audit`` reports.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import numpy as np
import polars as pl

from clearance._version import __version__
from clearance.anonymize.hierarchy import Coder, Codes, coder_for
from clearance.anonymize.mondrian import partition
from clearance.anonymize.report import (
    AnonymizeReport,
    Classes,
    ColumnLoss,
    InformationLoss,
    Suppression,
    TableFile,
)
from clearance.audit.anonymity import CLASS_SIZE, equivalence_class_sizes, measure_anonymity
from clearance.audit.policy import Hierarchy, Policy, load_policy
from clearance.audit.sources import load_files
from clearance.errors import InputError, PolicyError
from clearance.io.columns import column, columns
from clearance.io.files import file_sha256
from clearance.io.outputs import check_outputs, write_outputs
from clearance.io.readers import kind_of
from clearance.io.tags import (
    OutputTags,
    Sensitivity,
    run_id,
    sidecar_path,
    tagged_outputs,
    write_parquet,
)

__all__ = ["REPORT_SUFFIX", "anonymize_frame", "anonymize_table"]

REPORT_SUFFIX = ".anonymize.json"
Progress = Callable[[str, int], None]
_DISTINCT = "__clearance_distinct_sensitive"


def _check_request(
    columns: Sequence[str],
    quasi_identifiers: Sequence[str],
    k: int,
    l_min: int | None,
    sensitive: str | None,
    max_suppression: float,
    source: str,
) -> list[str]:
    if isinstance(k, bool) or not isinstance(k, int) or k < 2:
        raise PolicyError(f"k must be a whole number >= 2, got {k!r}")
    if l_min is not None and (isinstance(l_min, bool) or not isinstance(l_min, int) or l_min < 1):
        raise PolicyError(f"l must be a whole number >= 1, got {l_min!r}")
    if l_min is not None and sensitive is None:
        raise PolicyError("l-diversity needs a sensitive column")
    if not 0 <= max_suppression <= 1:
        raise PolicyError(
            f"the suppression limit must be a share in [0, 1], got {max_suppression!r}"
        )
    qis = list(quasi_identifiers)
    if isinstance(quasi_identifiers, str) or not qis:
        raise InputError(source, "no quasi-identifiers given; name at least one column")
    present = set(columns)
    for name in [*qis, *([sensitive] if sensitive else [])]:
        if name not in present:
            raise InputError(source, f"column {name!r} not found")
    if len(set(qis)) != len(qis):
        raise InputError(source, "a quasi-identifier column is listed twice")
    if sensitive in qis:
        raise InputError(source, f"column {sensitive!r} is both a quasi-identifier and sensitive")
    return qis


def _dense(values: pl.Series) -> Codes:
    codes = values.rank("dense").fill_null(0).cast(pl.Int64).to_numpy()
    return np.ascontiguousarray(codes, dtype=np.int64)


def _generalize(
    coders: list[Coder], pid: Codes, parts: int
) -> tuple[dict[str, pl.Series], dict[str, float], Codes]:
    """The generalized column of each quasi-identifier, each column's mean NCP over records,
    and the size of each partition."""
    order = np.argsort(pid, kind="stable")
    sorted_pid = pid[order]
    starts = np.flatnonzero(np.r_[True, sorted_pid[1:] != sorted_pid[:-1]])
    sizes = np.diff(np.r_[starts, len(pid)]).astype(np.int64)
    columns: dict[str, pl.Series] = {}
    losses: dict[str, float] = {}
    for coder in coders:
        col = coder.codes[order]
        lo = np.minimum.reduceat(col, starts)
        hi = np.maximum.reduceat(col, starts)

        masks = None
        if coder.shows_sets and coder.size <= 62:
            masks = np.bitwise_or.reduceat(np.left_shift(np.int64(1), col), starts)

        def members(col: Codes = col, width: int = coder.size + 1) -> list[Codes]:
            pairs = np.unique(sorted_pid * width + col)
            bounds = np.flatnonzero(np.diff(pairs // width)) + 1
            return np.split(pairs % width, bounds)

        texts, ncp, index = coder.generalize(lo, hi, masks, members)
        per_record = pl.Series(index).gather(pl.Series(pid))
        columns[coder.column] = pl.Series(coder.column, texts, dtype=pl.String).gather(per_record)
        losses[coder.column] = float((ncp[index] * sizes).sum() / len(pid)) if len(pid) else 0.0
    return columns, losses, sizes


def anonymize_frame(
    frame: pl.DataFrame,
    quasi_identifiers: Sequence[str],
    *,
    k: int,
    l: int | None = None,  # noqa: E741
    sensitive: str | None = None,
    hierarchies: Mapping[str, Hierarchy] | None = None,
    max_suppression: float = 0.05,
    source: str = "data",
    policy_source: str = "<policy>",
    progress: Progress | None = None,
) -> tuple[pl.DataFrame, AnonymizeReport]:
    """A k-anonymous copy of ``frame`` (quasi-identifiers generalized to text, records that
    cannot be released suppressed) and its report; ``report.verified`` is False only if the
    audit's measurement of the copy disagrees (a bug; do not release it)."""
    qis = _check_request(frame.columns, quasi_identifiers, k, l, sensitive, max_suppression, source)
    rows = frame.height
    if rows == 0:
        raise InputError(source, "no rows")
    if k > rows:
        raise PolicyError(f"{source}: k={k} is larger than the table ({rows:,} records)")
    sens_codes = _dense(frame[sensitive]) if sensitive is not None else None
    if l is not None and sens_codes is not None and len(np.unique(sens_codes)) < l:
        raise PolicyError(
            f"{source}: column {sensitive!r} has fewer than l={l} distinct values; "
            "no release can be l-diverse"
        )
    declared = dict(hierarchies or {})
    coders = [coder_for(c, frame[c], declared.get(c), source, policy_source) for c in qis]

    def advance(n: int) -> None:
        if progress is not None:
            progress("partitioning", n)

    pid = partition(
        [c.codes for c in coders],
        [c.pos for c in coders],
        k,
        sensitive=sens_codes,
        l_min=l or 1,
        progress=advance,
    )
    parts = int(pid.max()) + 1
    generalized, losses, _ = _generalize(coders, pid, parts)
    out = frame.with_columns(list(generalized.values()))

    # Classes of the generalized values: partitions that print alike merge (only growing), and
    # whatever still falls short of k (or l) is suppressed, within the limit.
    keep = equivalence_class_sizes(out, qis, per_record=True, source=source)[CLASS_SIZE] >= k
    if l is not None and sensitive is not None:
        distinct = out.select(column(sensitive).n_unique().over(columns(qis)).alias(_DISTINCT))[
            _DISTINCT
        ]
        keep = keep & (distinct >= l)
    dropped = int((~keep).sum())
    if dropped / rows > max_suppression:
        raise PolicyError(
            f"{source}: reaching k={k} would suppress {dropped:,} of {rows:,} records, more than "
            f"the limit of {max_suppression:.1%}"
        )
    released = out.filter(keep) if dropped else out
    if progress is not None:
        progress("verifying", 0)
    measured = measure_anonymity(
        released, qis, [sensitive] if sensitive else [], k_threshold=k, source=source
    )
    verified = measured.k >= k and (
        l is None or sensitive is None or measured.l_diversity.get(sensitive, 0) >= l
    )
    ncp = float(np.mean(list(losses.values())))
    sizes = [s for s, n in measured.class_size_histogram for _ in range(n)]
    report = AnonymizeReport(
        input=TableFile(path=source, rows=rows),
        output=TableFile(path="", rows=released.height),
        k=k,
        l=l,
        quasi_identifiers=qis,
        sensitive=sensitive,
        suppressed=Suppression(records=dropped, share=dropped / rows, max_share=max_suppression),
        information_loss=InformationLoss(
            ncp=ncp,
            ncp_with_suppressed=(ncp * released.height + dropped) / rows,
            columns={
                c.column: ColumnLoss(
                    type=c.kind,
                    hierarchy="policy" if c.column in declared else "inferred",
                    ncp=min(1.0, losses[c.column]),
                )
                for c in coders
            },
        ),
        equivalence_classes=Classes(
            count=measured.classes,
            min_size=min(sizes, default=0),
            max_size=max(sizes, default=0),
            mean_size=float(np.mean(sizes)) if sizes else 0.0,
            median_size=float(np.median(sizes)) if sizes else 0.0,
            size_histogram=measured.class_size_histogram,
        ),
        verification=measured,
        verified=verified,
    )
    return released, report


def _read(path: Path) -> pl.DataFrame:
    if path.is_dir():
        raise InputError(str(path), "is a folder; give one table file")
    tables, skipped = load_files([path])
    if skipped:
        where, reason = skipped[0]
        raise InputError(where, reason)
    return tables[0].frame


def _serialise(frame: pl.DataFrame, kind: str, tags: OutputTags) -> str | bytes:
    if kind in ("csv", "tsv"):
        return frame.write_csv(separator="\t" if kind == "tsv" else ",")
    if kind == "jsonl":
        return frame.write_ndjson()
    if kind == "json":
        return frame.write_json()
    buffer = io.BytesIO()
    write_parquet(frame, buffer, tags)
    return buffer.getvalue()


def _tags(
    report: AnonymizeReport,
    report_text: str,
    *,
    policy: Policy,
    policy_path: Path | None,
    source: Path,
    output: Path,
    report_path: Path,
) -> OutputTags:
    """The output's tags: the k (and l) the audit measured on it, and the report's hash (the
    report holds no hash of the output, so the tags can hold the report's)."""
    policy_sha = file_sha256(policy_path) if policy_path is not None else None
    input_sha = file_sha256(source)
    measured = report.verification
    sensitive = report.sensitive
    return OutputTags(
        purpose=policy.purpose,
        run_id=run_id(
            [
                __version__,
                "anonymize",
                policy_sha or "",
                input_sha,
                str(report.k),
                str(report.l),
                *report.quasi_identifiers,
                sensitive or "",
                repr(report.suppressed.max_share),
            ]
        ),
        manifest=Path(os.path.relpath(report_path, output.parent)).as_posix(),
        policy_sha256=policy_sha,
        input_sha256=input_sha,
        command="anonymize",
        manifest_sha256=hashlib.sha256(report_text.encode()).hexdigest(),
        sensitivity=Sensitivity(
            treatment="k-anonymity",
            k=measured.k,
            l=measured.l_diversity.get(sensitive) if sensitive is not None else None,
            quasi_identifiers=list(report.quasi_identifiers),
            sensitive_column=sensitive,
            suppressed_records=report.suppressed.records,
        ),
    )


def anonymize_table(
    path: Path,
    output: Path,
    *,
    k: int,
    quasi_identifiers: Sequence[str],
    l: int | None = None,  # noqa: E741
    sensitive: str | None = None,
    policy_path: Path | None = None,
    max_suppression: float | None = None,
    report_path: Path | None = None,
    progress: Progress | None = None,
) -> AnonymizeReport:
    """Reads the table at ``path``, writes its anonymized copy to ``output`` (same format), its
    tags (:mod:`clearance.io.tags`: ``output.clearance.json``, and a Parquet output's metadata)
    and the report to ``report_path`` (default ``output`` + ``.anonymize.json``), all or none.
    Nothing is written when the verification fails (``report.verified`` False)."""
    path, output = Path(path), Path(output)
    report_path = Path(report_path) if report_path else Path(f"{output}{REPORT_SUFFIX}")
    if kind_of(output) != kind_of(path):
        raise InputError(
            str(output), f"must be a {kind_of(path).upper()} file like the input {path}"
        )
    check_outputs([output, report_path, sidecar_path(output)], inputs=[path])
    policy = load_policy(policy_path)
    frame = _read(path)
    limit = policy.anonymize.max_suppression if max_suppression is None else max_suppression
    released, report = anonymize_frame(
        frame,
        quasi_identifiers,
        k=k,
        l=l,
        sensitive=sensitive,
        hierarchies=policy.anonymize.hierarchies,
        max_suppression=limit,
        source=str(path),
        policy_source=str(policy_path) if policy_path else "<policy>",
        progress=progress,
    )
    report = report.model_copy(update={"output": TableFile(path=str(output), rows=released.height)})
    if report.verified:
        if progress is not None:
            progress("writing", 0)
        text = report.model_dump_json(indent=2) + "\n"
        tags = _tags(
            report,
            text,
            policy=policy,
            policy_path=policy_path,
            source=path,
            output=output,
            report_path=report_path,
        )
        data = _serialise(released, kind_of(path), tags)
        write_outputs([*tagged_outputs(output, data, tags), (report_path, text)])
    return report
