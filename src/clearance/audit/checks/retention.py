"""Storage limitation: records older than the policy's retention period for their table."""

from __future__ import annotations

import math
import re

import polars as pl

from clearance.audit.checks._check import Check, CheckResult, Example
from clearance.audit.context import AuditContext, CheckSkipped
from clearance.audit.quasi import qi_kind
from clearance.audit.report import AgeBin, RetentionResult
from clearance.core.findings import Finding
from clearance.core.severity import Severity

WHY = (
    "Personal data may be kept no longer than its purpose needs (GDPR Art. 5(1)(e)); records "
    "past the declared retention period must be deleted, not trained on."
)
_FORMATS = (
    "%Y-%m-%dT%H:%M:%S%.f%:z",
    "%Y-%m-%dT%H:%M:%S%:z",
    "%Y-%m-%dT%H:%M:%S%.fZ",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d.%m.%Y",
)
_TIMESTAMP_NAME = ("created_at", "timestamp", "created", "event_time", "ts", "date")
_BINS = 12


def parse_timestamps(series: pl.Series) -> pl.Series:
    """Naive UTC datetimes; null where the value is empty or cannot be parsed."""
    dtype = series.dtype
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is not None:
            series = series.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        return series.cast(pl.Datetime("us"))
    if dtype == pl.Date:
        return series.cast(pl.Datetime("us"))
    if dtype.is_integer() or dtype.is_float():
        # Epoch seconds, or milliseconds when the numbers are too large for seconds.
        scale = 1000 if (series.abs().max() or 0) > 100_000_000_000 else 1  # type: ignore[operator]
        micros = (series.cast(pl.Float64) * (1_000_000 // scale)).cast(pl.Int64)
        return micros.cast(pl.Datetime("us"))
    text = series.cast(pl.String).str.strip_chars()
    frame = pl.DataFrame({"t": text})
    parsed = []
    for fmt in _FORMATS:
        expr = pl.col("t").str.to_datetime(fmt, strict=False, time_unit="us")
        if "%:z" in fmt or fmt.endswith("Z"):
            expr = pl.col("t").str.to_datetime(fmt, strict=False, time_unit="us", time_zone="UTC")
            expr = expr.dt.replace_time_zone(None)
        parsed.append(expr)
    return frame.select(pl.coalesce(parsed).alias(series.name))[series.name]


_TIMESTAMP_SUFFIX = re.compile(r"(^|_)(at|ts|time|timestamp|date|datetime)$")
_PARSED_SHARE = 0.9


def detect_timestamp(frame: pl.DataFrame) -> str | None:
    """The column holding each record's time, when the policy does not name it: one of the
    usual names (``created_at``, ``timestamp``, ...), else the first column named like an event
    time (``ordered_at``, ``signup_ts``, ``event_date``) that is not a quasi-identifier (a birth
    date is not a record's age) and whose values are mostly timestamps."""
    for name in _TIMESTAMP_NAME:
        if name in frame.columns:
            return name
    for name in frame.columns:
        norm = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
        if not _TIMESTAMP_SUFFIX.search(norm) or qi_kind(name) is not None:
            continue
        values = frame[name].head(1000).drop_nulls()
        if (
            values.len()
            and parse_timestamps(values).drop_nulls().len() >= _PARSED_SHARE * values.len()
        ):
            return name
    return None


def _timestamp_column(ctx: AuditContext, table: str) -> str:
    declared = ctx.policy.table(table).timestamp
    if declared:
        ctx.require(table, [declared], "timestamp")
        return declared
    detected = detect_timestamp(ctx.tables[table].frame)
    if detected is not None:
        return detected
    raise CheckSkipped(f"{table}: a retention period is set but no timestamp column is declared")


def _histogram(ages: pl.Series, limit: int, oldest: int) -> list[AgeBin]:
    upper = max(oldest + 1, 2 * limit, 1)
    width = max(1, math.ceil(upper / _BINS))
    counts = (
        (ages // width).clip(0, _BINS - 1).value_counts().sort(ages.name)
        if ages.len()
        else pl.DataFrame({ages.name: [], "count": []})
    )
    by_bin = dict(zip(counts[ages.name].to_list(), counts["count"].to_list(), strict=True))
    return [
        AgeBin(lo_days=i * width, hi_days=(i + 1) * width, count=int(by_bin.get(i, 0)))
        for i in range(_BINS)
    ]


def run(ctx: AuditContext, table: str) -> CheckResult:
    limit = ctx.policy.retention_days(table)
    if limit is None:
        raise CheckSkipped(f"{table}: the policy sets no retention period")
    column = _timestamp_column(ctx, table)
    raw = ctx.tables[table].frame[column]
    parsed = parse_timestamps(raw)
    empty = raw.is_null() | (raw.cast(pl.String).str.strip_chars() == "")
    missing = int(empty.sum())
    unparseable = int((parsed.is_null() & ~empty).sum())
    # Age in calendar days: a record from 91 days ago is past a 90-day limit whatever its hour.
    ages = (
        pl.DataFrame({"t": parsed})
        .select((pl.lit(ctx.today) - pl.col("t").dt.date()).dt.total_days().alias("age_days"))[
            "age_days"
        ]
        .drop_nulls()
    )
    expired = int((ages > limit).sum())
    oldest = int(ages.max()) if ages.len() else None  # type: ignore[arg-type]
    measured = RetentionResult(
        table=table,
        column=column,
        limit_days=limit,
        rows=raw.len(),
        expired=expired,
        unparseable=unparseable,
        missing=missing,
        oldest_age_days=oldest,
        histogram=_histogram(ages, limit, oldest or 0),
    )
    out: list[Finding] = []
    if expired:
        out.append(
            ctx.finding(
                rule="retention",
                category="retention",
                entity="RECORD_AGE",
                severity=Severity.HIGH,
                table=table,
                column=column,
                count=expired,
                share=expired / raw.len(),
                scope="table",
                remediation=f"Delete the {expired} records older than {limit} days "
                f"(clearance remediation: purge --table {table}).",
                fix="purge",
                why=WHY,
                preview=f"oldest {oldest} days > {limit}",
                metrics={
                    "limit_days": float(limit),
                    "expired": float(expired),
                    "oldest_age_days": float(oldest or 0),
                },
            )
        )
    if unparseable:
        out.append(
            ctx.finding(
                rule="retention-unparseable",
                category="retention",
                entity="RECORD_AGE",
                severity=Severity.MEDIUM,
                table=table,
                column=column,
                count=unparseable,
                share=unparseable / raw.len(),
                scope="table",
                remediation="Fix or remove the records whose timestamp cannot be read; their "
                "age, and so their retention, cannot be checked.",
                fix="fix-input",
                why="A record of unknown age cannot be shown to be within its retention period.",
                metrics={"unparseable": float(unparseable)},
            )
        )
    return CheckResult(out, measurements=[measured])


RETENTION = Check(
    id="retention",
    category="retention",
    title="Records past the retention period",
    why=WHY,
    scope="table",
    run_table=run,
    positives=(
        Example(
            {"reviews": {"created_at": ["2020-01-05", "2026-01-01"]}},
            {"reference_date": "2026-01-31", "tables": {"reviews": {"retention_days": 90}}},
        ),
        Example(
            {"reviews": {"created_at": ["2026-01-05", "last tuesday"]}},
            {"reference_date": "2026-01-31", "tables": {"reviews": {"retention_days": 90}}},
        ),
    ),
    negatives=(
        Example(
            {"reviews": {"created_at": ["2026-01-05T10:00:00Z", "2026-01-30 08:00:00"]}},
            {"reference_date": "2026-01-31", "tables": {"reviews": {"retention_days": 90}}},
        ),
    ),
)
