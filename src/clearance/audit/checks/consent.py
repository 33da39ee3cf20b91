"""Consent and purpose: rows whose data subject has not consented to the declared purpose, in
every table linked to that subject (a review by a user who did not consent is out too).

Keys are joined as the canonical text of :mod:`clearance.audit.keys`; a linked table whose key
cannot be compared (a boolean or date column) is listed in the report's warnings, and when no
table can be compared the check is skipped with the reason."""

from __future__ import annotations

import polars as pl

from clearance.audit.checks._check import Check, CheckResult, Example
from clearance.audit.context import AuditContext, CheckSkipped
from clearance.audit.keys import KeyTypeError, key_expr
from clearance.audit.report import ConsentResult
from clearance.core.findings import Finding
from clearance.core.severity import Severity
from clearance.io.columns import column

WHY = (
    "Processing for a purpose the subject did not consent to has no lawful basis under "
    "consent (GDPR Art. 6(1)(a), 7) and breaks purpose limitation (Art. 5(1)(b)); the rows of "
    "those subjects must be excluded from the training set."
)
_TRUE = {"true", "yes", "y", "1", "t"}


def _withdrawn_late(ctx: AuditContext, table: str) -> pl.Expr | None:
    """Per consent record: withdrawn (for the policy's purpose, when the table has a
    ``purpose`` column) on a day after the dataset's snapshot; None when the policy gives no
    snapshot date or the table no withdrawal times."""
    policy = ctx.policy.consent
    if policy is None or policy.snapshot_date is None:
        return None
    schema = ctx.tables[table].schema
    if policy.withdrawn_at not in schema:
        return None
    when = column(policy.withdrawn_at)
    if schema[policy.withdrawn_at] == pl.String:
        when = when.str.to_datetime(strict=False, time_zone="UTC")
    late = (when.dt.date() > pl.lit(policy.snapshot_date)).fill_null(False)
    if "purpose" in schema and policy.column != "purpose":
        purpose = column("purpose").cast(pl.String).str.strip_chars().str.to_lowercase()
        late = late & (purpose == ctx.policy.purpose.lower()).fill_null(False)
    return late


def _consenting(ctx: AuditContext) -> tuple[str, pl.DataFrame]:
    """(key column, frame of canonical key ``_k`` -> consent ``_flag``, and ``_late``: the
    subject withdrew after the snapshot and does not consent now) from the consent table."""
    policy = ctx.policy.consent
    if policy is None:
        raise CheckSkipped("the policy declares no consent source (consent.table/column)")
    if policy.table not in ctx.tables:
        raise CheckSkipped(
            f"consent table {policy.table} not found (tables: {', '.join(sorted(ctx.tables))})"
        )
    key = policy.subject_key or ctx.links.keys.get(policy.table) or ctx.links.key
    if key is None:
        raise CheckSkipped("no subject key declared or detected to link consent to rows")
    ctx.require(policy.table, [key, policy.column], "consent")
    source = ctx.tables[policy.table]
    try:
        keys = key_expr(key, source.schema[key], f"{policy.table}.{key}", ctx.key_secret)
    except KeyTypeError as exc:
        raise CheckSkipped(f"consent cannot be linked to rows: {exc}") from None
    col = column(policy.column)
    dtype = source.schema[policy.column]
    purpose = ctx.policy.purpose.lower()
    if dtype == pl.Boolean:
        ok = col.fill_null(False)
    elif isinstance(dtype, pl.List):
        items = pl.element().str.strip_chars().str.to_lowercase()
        ok = col.cast(pl.List(pl.String)).list.eval(items).list.contains(purpose).fill_null(False)
    else:
        text = col.cast(pl.String).str.strip_chars().str.to_lowercase()
        ok = (
            text.is_in(list(_TRUE))
            | text.str.split(policy.separator)
            .list.eval(pl.element().str.strip_chars())
            .list.contains(purpose)
        ).fill_null(False)
    # The consent aggregate: one row per subject key (not per record) with whether any of its
    # records consents.
    late = _withdrawn_late(ctx, policy.table)
    sums = {"_consent": ok} if late is None else {"_consent": ok, "_late": late}
    counts = source.group_counts({"_k": keys}, sums)
    flag = (pl.col("_consent") > 0).alias("_flag")
    if late is None:
        return key, counts.select("_k", flag, pl.lit(False).alias("_late"))
    return key, counts.select("_k", flag, ((pl.col("_late") > 0) & ~flag).alias("_late"))


def run(ctx: AuditContext) -> CheckResult:
    consent_key, consent = _consenting(ctx)
    out: list[Finding] = []
    measured: list[ConsentResult] = []
    linked = dict(ctx.links.keys)
    consent_table = ctx.policy.consent.table if ctx.policy.consent else ""
    linked.setdefault(consent_table, consent_key)
    incomparable: list[str] = []
    late_any = bool(consent["_late"].any())
    for table, key in sorted(linked.items()):
        source = ctx.tables[table]
        if key not in source.columns:
            continue
        try:
            keys = key_expr(key, source.schema[key], f"{table}.{key}", ctx.key_secret)
        except KeyTypeError as exc:
            incomparable.append(str(exc))
            continue
        # The join: each record's key against the subjects' consent, counted, not kept.
        rows, _, found, consented = source.match_counts(keys, consent.select("_k", "_flag"))
        if late_any:
            late_flags = consent.select("_k", pl.col("_late").alias("_flag"))
            late_rows = source.match_counts(keys, late_flags)[3]
            if late_rows:
                out.append(_late_finding(ctx, table, key, late_rows, rows))
        no_record = rows - found
        refused = rows - consented - no_record
        measured.append(
            ConsentResult(
                table=table,
                rows=rows,
                consented=consented,
                not_consented=refused,
                no_record=no_record,
            )
        )
        missing = refused + no_record
        if not missing:
            continue
        out.append(
            ctx.finding(
                rule="consent",
                category="consent",
                entity="CONSENT",
                severity=Severity.HIGH,
                table=table,
                column=key,
                count=missing,
                share=missing / max(1, rows),
                scope="table",
                remediation=f"Exclude the {missing} rows of subjects without consent for "
                f"'{ctx.policy.purpose}' (clearance remediation: exclude-unconsented), or "
                "collect consent first.",
                fix="exclude-unconsented",
                why=WHY,
                preview=f"{missing} of {rows} rows",
                metrics={
                    "not_consented": float(refused),
                    "no_consent_record": float(no_record),
                    "consented": float(consented),
                },
            )
        )
    for table, reason in sorted(ctx.links.incomparable.items()):
        if table not in linked:
            incomparable.append(reason)
    if incomparable and not measured:
        raise CheckSkipped("consent cannot be linked to rows: " + "; ".join(incomparable))
    warnings = [f"consent: not checked for {reason}" for reason in incomparable]
    return CheckResult(out, measurements=list(measured), warnings=warnings)


WHY_LATE = (
    "A subject may withdraw consent at any time (GDPR Art. 7(3)); a snapshot taken while "
    "consent held does not keep it: processing those rows after the withdrawal has no lawful "
    "basis under consent, and a model trained on the snapshot must not use them."
)


def _late_finding(ctx: AuditContext, table: str, key: str, late: int, rows: int) -> Finding:
    policy = ctx.policy.consent
    snapshot = policy.snapshot_date if policy is not None else None
    return ctx.finding(
        rule="consent-withdrawn-after-snapshot",
        category="consent",
        entity="CONSENT",
        severity=Severity.HIGH,
        table=table,
        column=key,
        count=late,
        share=late / max(1, rows),
        scope="table",
        remediation=f"Cut the snapshot again without the {late} rows of subjects who withdrew "
        f"consent for '{ctx.policy.purpose}' after {snapshot} (clearance remediation: "
        "exclude-unconsented), and retrain any model trained on it.",
        fix="exclude-unconsented",
        why=WHY_LATE,
        preview=f"{late} of {rows} rows",
        metrics={"withdrawn_after_snapshot": float(late)},
    )


_POLICY = {
    "purpose": "model-training",
    "subject_key": "user_id",
    "consent": {"table": "users", "column": "consent"},
}
CONSENT = Check(
    id="consent",
    category="consent",
    title="Rows without consent for the purpose",
    why=WHY,
    scope="dataset",
    run_dataset=run,
    positives=(
        Example(
            {
                "users": {"user_id": [1, 2], "consent": ["model-training", "marketing"]},
                "reviews": {"user_id": [1, 2, 2], "rating": [5, 4, 3]},
            },
            _POLICY,
        ),
        Example(
            {
                "users": {"user_id": [1, 2], "consent": [True, True]},
                "reviews": {"user_id": [1, 3], "rating": [5, 4]},
            },
            _POLICY,
        ),
    ),
    negatives=(
        Example(
            {
                "users": {"user_id": [1, 2], "consent": ["marketing,model-training", "yes"]},
                "reviews": {"user_id": [1, 2, 2], "rating": [5, 4, 3]},
            },
            _POLICY,
        ),
    ),
)
