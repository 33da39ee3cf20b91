"""``dp_release``: differentially private aggregates of one table, charged to a budget ledger.

Order of work, so that no budget is spent twice and none is spent unrecorded: every input and
the query are checked first (nothing spent on a bad query); then, under the ledger's lock, the
ledger is read and verified, the budget checked (a release over it is refused, nothing
written), the noisy values drawn, the ledger written (atomically), and only then the output. An
output that fails to write leaves the budget spent: the safe side.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from clearance._version import __version__
from clearance.audit.policy import DpDataset, load_policy
from clearance.audit.sources import load_files
from clearance.dp.compute import run_release
from clearance.dp.ledger import LedgerEntry, append, locked, read_ledger
from clearance.dp.query import QueryFile, Release, load_query
from clearance.dp.report import Budget, DpReport, ReleaseResult
from clearance.errors import InputError, PolicyError
from clearance.io.files import file_sha256, not_regular
from clearance.io.outputs import check_outputs, is_stdout, write_atomic, write_outputs
from clearance.io.tags import OutputTags, Sensitivity, run_id, sidecar_path, tagged_outputs

Progress = Callable[[str, int], None]
_TOLERANCE = 1e-9  # float sums of epsilons: 0.1 + 0.2 must fit a budget of 0.3

NOTES = [
    "Noise comes from the operating system's randomness (OpenDP): the same query gives "
    "different values each run, and no seed reproduces them.",
    "Group keys are the declared public values only; rows with other keys are in no group.",
    "Privacy unit: a person adds or removes at most `contributions` rows; if one person can "
    "have more rows, the guarantee is weaker than stated.",
]


def _load_table(path: Path) -> pl.DataFrame:
    reason = not_regular(path)  # a FIFO would block, /dev/zero never end: never opened
    if reason is not None:
        raise InputError(str(path), reason)
    tables, skipped = load_files([path])
    if skipped:
        raise InputError(str(path), skipped[0][1])
    frame = tables[0].frame
    if frame.height == 0:
        raise InputError(str(path), "no rows; nothing to release")
    return frame


def _budget(query: QueryFile, policy: DpDataset | None, name: str, query_path: Path) -> DpDataset:
    if (
        policy is not None
        and query.budget is not None
        and (policy.epsilon, policy.delta) != (query.budget.epsilon, query.budget.delta)
    ):
        raise PolicyError(
            f"{query_path}: budget: differs from the policy's dp.datasets.{name}; the policy "
            "sets the budget: remove it from the query file"
        )
    budget = policy or query.budget
    if budget is None:
        raise PolicyError(
            f"{query_path}: no privacy budget for dataset {name!r}; declare budget: {{epsilon: "
            f"...}} in the query file or dp.datasets.{name} in the policy"
        )
    return budget


def _check_columns(
    query: QueryFile, frame: pl.DataFrame, policy: DpDataset | None, where: str, data: Path
) -> list[tuple[float, float] | None]:
    """Each release's bounds; unknown and non-numeric columns refused, naming the field."""
    out: list[tuple[float, float] | None] = []
    for i, r in enumerate(query.releases):
        field = f"{where}: releases.{i}"
        for column in [*([r.column] if r.column else []), *r.group_by]:
            if column not in frame.columns:
                raise PolicyError(f"{field}: column {column!r} is not a column of {data}")
        numeric = r.kind in ("sum", "mean", "quantile") or r.bins is not None
        if numeric and r.column is not None:
            _check_numeric(frame, r, field, data)
        declared = (
            r.bounds
            or query.bounds.get(r.column or "")
            or (policy.columns.get(r.column or "") if policy else None)
        )
        needed = r.kind in ("sum", "mean") or (
            r.kind == "quantile" and isinstance(r.candidates, int)
        )
        if needed and declared is None:
            raise PolicyError(
                f"{field}.bounds: column {r.column!r} has no bounds; declare lower and upper in "
                "the query file (bounds:) or the policy (dp.datasets.NAME.columns); never "
                "take them from the data"
            )
        out.append((declared.lower, declared.upper) if declared else None)
    return out


def _check_numeric(frame: pl.DataFrame, r: Release, field: str, data: Path) -> None:
    assert r.column is not None
    col = frame[r.column]
    if col.dtype.is_numeric():
        return
    if col.dtype != pl.String:
        raise PolicyError(f"{field}: column {r.column!r} of {data} is not numeric ({r.kind})")
    text = col.str.strip_chars()
    present = text.is_not_null() & (text != "")
    parsed = text.cast(pl.Float64, strict=False).is_not_null()
    if bool((present & ~parsed).any()):
        raise PolicyError(
            f"{field}: column {r.column!r} of {data} is not numeric; {r.kind} needs numbers"
        )


def dp_release(
    data: Path,
    query_path: Path,
    ledger_path: Path,
    output: Path,
    *,
    policy_path: Path | None = None,
    progress: Progress | None = None,
) -> DpReport:
    """Releases the query file's statistics of the table ``data`` with differential privacy
    (OpenDP), charges them to the dataset's budget in the ledger and writes the JSON report
    to ``output`` with its tags (``output.clearance.json``: purpose, epsilon and delta spent;
    none for ``-``, stdout). A release over the budget raises :class:`PolicyError` and writes nothing."""
    for path, role in ((data, "data"), (query_path, "query file")) + (
        ((policy_path, "policy"),) if policy_path else ()
    ):
        try:
            if ledger_path.resolve() == path.resolve():
                raise InputError(str(ledger_path), f"the ledger is the {role}; give its own file")
        except OSError:
            continue
    tagged = not is_stdout(output)
    sidecar = [sidecar_path(output)] if tagged else []
    check_outputs([output, ledger_path, *sidecar], [data, query_path, policy_path])
    query = load_query(query_path)
    full_policy = load_policy(policy_path)
    policy = full_policy.dp if policy_path else None
    name = query.dataset or data.stem
    declared = policy.datasets.get(name) if policy else None
    budget = _budget(query, declared, name, query_path)
    frame = _load_table(data)
    bounds = _check_columns(query, frame, declared, str(query_path), data)
    data_sha = file_sha256(data)
    query_sha = file_sha256(query_path)
    requested_eps = sum(r.epsilon for r in query.releases)
    requested_delta = sum(r.delta for r in query.releases)

    with locked(ledger_path):
        ledger = read_ledger(ledger_path)
        spent_eps, spent_delta = ledger.spent(name, data_sha)
        if (
            spent_eps + requested_eps > budget.epsilon + _TOLERANCE
            or spent_delta + requested_delta > budget.delta + _TOLERANCE
        ):
            raise PolicyError(
                f"dataset {name!r}: budget exceeded: spent epsilon {spent_eps:g} (delta "
                f"{spent_delta:g}), requested {requested_eps:g} ({requested_delta:g}), budget "
                f"{budget.epsilon:g} ({budget.delta:g}); release refused, nothing written"
            )
        results: list[ReleaseResult] = []
        for i, (release, b) in enumerate(zip(query.releases, bounds, strict=True)):
            results.append(
                run_release(
                    release, release.label(i), frame, b, query.contributions, query.confidence
                )
            )
            if progress is not None:
                progress(release.label(i), 1)
        eps = sum(r.epsilon for r in results)
        dlt = sum(r.delta for r in results)
        report = DpReport(
            dataset=name,
            data_sha256=data_sha,
            query_sha256=query_sha,
            contributions=query.contributions,
            confidence=query.confidence,
            epsilon_spent=eps,
            delta_spent=dlt,
            budget=Budget(
                epsilon=budget.epsilon,
                delta=budget.delta,
                spent_epsilon_before=spent_eps,
                spent_delta_before=spent_delta,
                spent_epsilon_after=spent_eps + eps,
                spent_delta_after=spent_delta + dlt,
            ),
            releases=results,
            notes=NOTES,
        )
        text = report.model_dump_json(indent=2) + "\n"
        out_sha = hashlib.sha256(text.encode()).hexdigest()
        now = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        entries = [
            LedgerEntry(
                dataset=name,
                data_sha256=data_sha,
                release=res.name,
                query_sha256=rel.sha256(),
                kind=rel.kind,
                epsilon=res.epsilon,
                delta=res.delta,
                budget_epsilon=budget.epsilon,
                budget_delta=budget.delta,
                time=now,
                output_sha256=out_sha,
                prev_sha256="0" * 64,
            )
            for rel, res in zip(query.releases, results, strict=True)
        ]
        append(ledger_path, ledger, entries)
        if not tagged:
            write_atomic(output, text)
            return report
        # the ledger holds this output's hash (and grows with later releases): the tags name it
        # and verify_tags finds the output's hash there
        tags = OutputTags(
            purpose=full_policy.purpose,
            run_id=run_id([__version__, "dp", out_sha]),
            manifest=Path(os.path.relpath(ledger_path, output.parent)).as_posix(),
            policy_sha256=file_sha256(policy_path) if policy_path else None,
            input_sha256=data_sha,
            command="dp",
            sensitivity=Sensitivity(
                treatment="differential-privacy",
                epsilon=eps,
                delta=dlt,
                budget_epsilon=budget.epsilon,
                budget_delta=budget.delta,
            ),
        )
        write_outputs(tagged_outputs(output, text, tags))
    return report


__all__ = ["dp_release"]
