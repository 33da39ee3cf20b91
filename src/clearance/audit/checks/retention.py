"""Storage limitation: records older than the policy's retention period for their table."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta

import polars as pl

from clearance.audit.checks._check import Check, CheckResult, Example
from clearance.audit.context import AuditContext, CheckSkipped
from clearance.audit.plans import AuditTable, Polars
from clearance.audit.policy import Policy
from clearance.audit.quasi import qi_kind
from clearance.audit.report import AgeBin, RetentionResult
from clearance.core.findings import Finding
from clearance.core.severity import Severity
from clearance.io.columns import column as column_expr

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


_MILLIS_FROM = 100_000_000_000  # epoch numbers above this are milliseconds, not seconds


def timestamp_expr(col: pl.Expr, dtype: pl.DataType, millis: bool = False) -> pl.Expr:
    """``col`` (of type ``dtype``) as naive UTC datetimes; null where the value is empty or
    cannot be parsed. Numbers are epoch seconds, or milliseconds with ``millis`` (the caller
    decides from the column's largest magnitude, :func:`epoch_millis`)."""
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is not None:
            col = col.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
        return col.cast(pl.Datetime("us"))
    if dtype == pl.Date:
        return col.cast(pl.Datetime("us"))
    if dtype.is_integer() or dtype.is_float():
        # NaN, infinities and numbers past the datetime range are unreadable (null), not an
        # error that fails the whole check
        micros = (col.cast(pl.Float64) * (1000 if millis else 1_000_000)).cast(
            pl.Int64, strict=False
        )
        return micros.cast(pl.Datetime("us"))
    text = col.cast(pl.String).str.strip_chars()
    parsed = []
    for fmt in _FORMATS:
        expr = text.str.to_datetime(fmt, strict=False, time_unit="us")
        if "%:z" in fmt or fmt.endswith("Z"):
            expr = text.str.to_datetime(fmt, strict=False, time_unit="us", time_zone="UTC")
            expr = expr.dt.replace_time_zone(None)
        parsed.append(expr)
    return pl.coalesce(parsed)


Data = pl.DataFrame | pl.LazyFrame | AuditTable


def _table(data: Data) -> AuditTable:
    return Polars(data) if isinstance(data, pl.DataFrame | pl.LazyFrame) else data


def epoch_millis(data: Data, column: str, dtype: pl.DataType) -> bool:
    """Whether a numeric timestamp column holds milliseconds (numbers too large for seconds)."""
    if not (dtype.is_integer() or dtype.is_float()):
        return False
    largest = _table(data).max_abs(column)
    return bool((largest or 0) > _MILLIS_FROM)


def parse_timestamps(series: pl.Series) -> pl.Series:
    """Naive UTC datetimes; null where the value is empty or cannot be parsed."""
    frame = series.rename("t").to_frame()
    millis = epoch_millis(frame, "t", series.dtype)
    parsed = frame.select(timestamp_expr(pl.col("t"), series.dtype, millis)).to_series()
    return parsed.rename(series.name)


_TIMESTAMP_SUFFIX = re.compile(r"(^|_)(at|ts|time|timestamp|date|datetime)$")
_PARSED_SHARE = 0.9


def detect_timestamp(frame: Data) -> str | None:
    """The column holding each record's time, when the policy does not name it: one of the
    usual names (``created_at``, ``timestamp``, ...), else the first column named like an event
    time (``ordered_at``, ``signup_ts``, ``event_date``) that is not a quasi-identifier (a birth
    date is not a record's age) and whose values are mostly timestamps."""
    table = _table(frame)
    names = table.columns
    for name in _TIMESTAMP_NAME:
        if name in names:
            return name
    for name in names:
        norm = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
        if not _TIMESTAMP_SUFFIX.search(norm) or qi_kind(name) is not None:
            continue
        values = table.head(name, 1000).drop_nulls()
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
    detected = detect_timestamp(ctx.tables[table])
    if detected is not None:
        return detected
    raise CheckSkipped(f"{table}: a retention period is set but no timestamp column is declared")


def _histogram(ages: list[tuple[int, int]], limit: int, oldest: int) -> list[AgeBin]:
    """``ages``: (age in days, records of that age)."""
    upper = max(oldest + 1, 2 * limit, 1)
    width = max(1, math.ceil(upper / _BINS))
    by_bin: dict[int, int] = {}
    for age, n in ages:
        slot = min(max(age // width, 0), _BINS - 1)
        by_bin[slot] = by_bin.get(slot, 0) + n
    return [
        AgeBin(lo_days=i * width, hi_days=(i + 1) * width, count=int(by_bin.get(i, 0)))
        for i in range(_BINS)
    ]


# EU AI Act Art. 19(1) and 26(6): automatically generated logs of a high-risk AI system are kept
# "for a period appropriate to the intended purpose ..., of at least six months". Six calendar
# months are at most 184 days; 183 is the floor used here and in ``retention apply``.
AI_ACT_LOG_DAYS = 183
AI_ACT_CONTROLS = ("EUAIA-19", "EUAIA-26.6", "GDPR-5.1.e")
_LOG_WHY = (
    "The EU AI Act (Art. 19, Art. 26(6)) obliges providers and deployers of a high-risk AI system "
    "to keep its automatically generated logs for at least six months; a shorter retention "
    "conflicts with that duty unless other law requires it."
)


def log_duty_conflict(policy: Policy, table: str) -> str | None:
    """Why ``table``'s retention conflicts with the AI Act's log-keeping duty (its
    ``kind: system_logs``, the policy's ``ai_act_risk: high`` and a retention under six months),
    or ``None``. The same sentence for the audit and ``clearance retention apply``."""
    days = policy.retention_days(table)
    spec = policy.table(table)
    if spec.kind != "system_logs" or policy.ai_act_risk != "high" or days is None:
        return None
    if days >= AI_ACT_LOG_DAYS:
        return None
    return (
        f"tables.{table}: retention_days {days} is under the six months ({AI_ACT_LOG_DAYS} days) "
        "the EU AI Act requires for the logs of a high-risk AI system (Art. 19, Art. 26(6))"
    )


def record_ages(raw: pl.Series, today: date) -> pl.Series:
    """Each record's age in calendar days before ``today`` (null where the timestamp is empty or
    unreadable): a record from 91 days ago is past a 90-day limit whatever its hour. The one age
    computation of the audit and of ``clearance retention apply``."""
    parsed = parse_timestamps(raw)
    return pl.DataFrame({"t": parsed}).select(
        (pl.lit(today) - pl.col("t").dt.date()).dt.total_days().alias("age_days")
    )["age_days"]


def age_counts(data: Data, column: str, today: date) -> pl.DataFrame:
    """The retention aggregate: records per age in days (null: no readable timestamp), with how
    many of them have an empty timestamp (``empty``) and how many one that cannot be read
    (``unparseable``), as ``rows``. One row per distinct age, whatever the number of records."""
    table = _table(data)
    dtype = table.schema[column]
    raw = column_expr(column)
    parsed = timestamp_expr(raw, dtype, epoch_millis(table, column, dtype))
    empty = raw.is_null() | (raw.cast(pl.String).str.strip_chars() == "")
    age = (pl.lit(today) - parsed.dt.date()).dt.total_days()
    return table.group_counts(
        {"age": age}, {"empty": empty, "unparseable": parsed.is_null() & ~empty}
    )


def cutoff_day(today: date, limit: int) -> date:
    """The first day whose records are kept: a record is past ``limit`` days exactly when its
    day is before this one (age > limit)."""
    return today - timedelta(days=limit)


def _log_duty(ctx: AuditContext, table: str, column: str | None) -> CheckResult:
    conflict = log_duty_conflict(ctx.policy, table)
    if conflict is None:
        return CheckResult()
    override = ctx.policy.table(table).ai_act_log_retention_override
    if override is not None:
        return CheckResult(
            warnings=[f"{conflict}; resolved by ai_act_log_retention_override in the policy"]
        )
    limit = ctx.policy.retention_days(table) or 0
    finding = ctx.finding(
        rule="retention-ai-act-logs",
        category="retention",
        entity="RECORD_AGE",
        severity=Severity.HIGH,
        table=table,
        column=column,
        count=max(1, ctx.tables[table].height),
        scope="table",
        remediation=f"Keep these logs at least {AI_ACT_LOG_DAYS} days, or record why the shorter "
        f"period is lawful under tables.{table}.ai_act_log_retention_override; clearance "
        "retention apply refuses to delete them until then.",
        fix=None,
        why=_LOG_WHY,
        preview=f"retention {limit} days < {AI_ACT_LOG_DAYS}",
        metrics={"limit_days": float(limit), "required_days": float(AI_ACT_LOG_DAYS)},
        controls=AI_ACT_CONTROLS,
    )
    return CheckResult(findings=[finding])


def run(ctx: AuditContext, table: str) -> CheckResult:
    limit = ctx.policy.retention_days(table)
    if limit is None:
        raise CheckSkipped(f"{table}: the policy sets no retention period")
    try:
        column = _timestamp_column(ctx, table)
    except CheckSkipped as skipped:
        duty = _log_duty(ctx, table, None)
        if not duty.findings and not duty.warnings:
            raise
        # the conflict is in the policy itself: said even when the ages cannot be measured
        return CheckResult(duty.findings, warnings=[*duty.warnings, str(skipped)])
    duty = _log_duty(ctx, table, column)
    counts = age_counts(ctx.tables[table], column, ctx.today)
    rows = int(counts["rows"].sum())
    missing = int(counts["empty"].sum())
    unparseable = int(counts["unparseable"].sum())
    ages = [(int(a), int(n)) for a, n in counts.drop_nulls("age").select("age", "rows").iter_rows()]
    expired = sum(n for a, n in ages if a > limit)
    oldest = max((a for a, _ in ages), default=None)
    measured = RetentionResult(
        table=table,
        column=column,
        limit_days=limit,
        rows=rows,
        expired=expired,
        unparseable=unparseable,
        missing=missing,
        oldest_age_days=oldest,
        histogram=_histogram(ages, limit, oldest or 0),
    )
    out: list[Finding] = list(duty.findings)
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
                share=expired / rows,
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
                share=unparseable / rows,
                scope="table",
                remediation="Fix or remove the records whose timestamp cannot be read; their "
                "age, and so their retention, cannot be checked.",
                fix="fix-input",
                why="A record of unknown age cannot be shown to be within its retention period.",
                metrics={"unparseable": float(unparseable)},
            )
        )
    return CheckResult(out, measurements=[measured], warnings=duty.warnings)


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
        Example(
            {"inference_log": {"created_at": ["2026-01-30"]}},
            {
                "reference_date": "2026-01-31",
                "ai_act_risk": "high",
                "tables": {"inference_log": {"retention_days": 90, "kind": "system_logs"}},
            },
        ),
    ),
    negatives=(
        Example(
            {"reviews": {"created_at": ["2026-01-05T10:00:00Z", "2026-01-30 08:00:00"]}},
            {"reference_date": "2026-01-31", "tables": {"reviews": {"retention_days": 90}}},
        ),
        Example(
            {"inference_log": {"created_at": ["2026-01-30"]}},
            {
                "reference_date": "2026-01-31",
                "ai_act_risk": "high",
                "tables": {
                    "inference_log": {
                        "retention_days": 90,
                        "kind": "system_logs",
                        "ai_act_log_retention_override": "sector law caps these logs at 90 days",
                    }
                },
            },
        ),
    ),
)
