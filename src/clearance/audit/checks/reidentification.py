"""Re-identification risk from quasi-identifiers: k-anonymity and l-diversity per table."""

from __future__ import annotations

from clearance.audit.anonymity import measure_anonymity
from clearance.audit.checks._check import Check, CheckResult, Example
from clearance.audit.context import AuditContext, CheckSkipped
from clearance.audit.report import AnonymityResult
from clearance.core.findings import Finding
from clearance.core.severity import Severity

WHY_K = (
    "Records whose quasi-identifier combination (postcode, birth date, gender, ...) is shared by "
    "fewer than k records can be re-identified by linking with public data; such data is "
    "personal data, not anonymous (GDPR Recital 26)."
)
WHY_L = (
    "When every record of an equivalence class has the same sensitive value, knowing someone's "
    "quasi-identifiers reveals that value even when k is met (attribute disclosure)."
)
REMEDIATION_K = (
    "Generalize the quasi-identifiers (postcode to its first digits, birth date to year or "
    "age band) or suppress the rare combinations until every class has at least k records "
    "(clearance remediation: generalize)."
)


def anonymity_for(ctx: AuditContext, table: str) -> AnonymityResult:
    """The table's equivalence classes, measured once for both checks."""
    return ctx.cached(("anonymity", table), lambda: _measure(ctx, table))


def _measure(ctx: AuditContext, table: str) -> AnonymityResult:
    qis = ctx.quasi_identifiers(table)
    if not qis:
        raise CheckSkipped(f"{table}: no quasi-identifiers detected or declared")
    ctx.require(table, qis, "quasi-identifier")
    sensitive = list(ctx.policy.table(table).sensitive_attributes)
    ctx.require(table, sensitive, "sensitive attribute")
    if ctx.tables[table].height == 0:
        raise CheckSkipped(f"{table}: the table is empty")
    measured = measure_anonymity(ctx.tables[table], qis, sensitive, k_threshold=ctx.policy.k)
    return AnonymityResult(
        table=table,
        quasi_identifiers=qis,
        k=measured.k,
        k_threshold=ctx.policy.k,
        rows=measured.rows,
        classes=measured.classes,
        class_size_histogram=list(measured.class_size_histogram),
        records_below_k=measured.records_below_k,
        share_below_k=measured.share_below_k,
        unique_records=measured.unique_records,
        sample_uniqueness=measured.sample_uniqueness,
        prosecutor_risk_max=measured.prosecutor_risk_max,
        prosecutor_risk_avg=measured.prosecutor_risk_avg,
        l_diversity=dict(measured.l_diversity),
    )


def run_k(ctx: AuditContext, table: str) -> CheckResult:
    a = anonymity_for(ctx, table)
    if a.k >= ctx.policy.k:
        return CheckResult(measurements=[a])
    finding = ctx.finding(
        rule="k-anonymity",
        category="quasi_identifier",
        entity="QUASI_IDENTIFIERS",
        severity=Severity.HIGH if a.unique_records else Severity.MEDIUM,
        table=table,
        column=", ".join(a.quasi_identifiers),
        count=a.records_below_k,
        share=a.share_below_k,
        scope="table",
        remediation=REMEDIATION_K,
        fix="generalize",
        why=WHY_K,
        preview=f"k={a.k} < {ctx.policy.k}",
        metrics={
            "k": float(a.k),
            "k_threshold": float(ctx.policy.k),
            "classes": float(a.classes),
            "records_below_k": float(a.records_below_k),
            "share_below_k": a.share_below_k,
            "unique_records": float(a.unique_records),
            "sample_uniqueness": a.sample_uniqueness,
            "prosecutor_risk_max": a.prosecutor_risk_max,
            "prosecutor_risk_avg": a.prosecutor_risk_avg,
        },
        identity=",".join(a.quasi_identifiers),
    )
    return CheckResult([finding], measurements=[a])


def run_l(ctx: AuditContext, table: str) -> CheckResult:
    if not ctx.policy.table(table).sensitive_attributes:
        raise CheckSkipped(f"{table}: the policy declares no sensitive attributes")
    a = anonymity_for(ctx, table)
    out: list[Finding] = []
    for attribute, l_value in sorted(a.l_diversity.items()):
        if l_value >= ctx.policy.l:
            continue
        out.append(
            ctx.finding(
                rule="l-diversity",
                category="quasi_identifier",
                entity="SENSITIVE_ATTRIBUTE",
                severity=Severity.HIGH if l_value <= 1 else Severity.MEDIUM,
                table=table,
                column=attribute,
                count=a.rows,
                scope="table",
                remediation=REMEDIATION_K.replace(
                    "every class has at least k records",
                    "every class holds at least l distinct sensitive values",
                ),
                fix="generalize",
                why=WHY_L,
                preview=f"l={l_value} < {ctx.policy.l}",
                metrics={"l": float(l_value), "l_threshold": float(ctx.policy.l)},
                identity=attribute,
            )
        )
    return CheckResult(out, measurements=[a])


_QI_TABLE = {
    "users": {
        "postcode": ["10115", "10115", "10117", "20095"],
        "gender": ["f", "f", "m", "f"],
        "diagnosis": ["flu", "flu", "asthma", "flu"],
    }
}
_SAFE_TABLE = {
    "users": {
        "postcode": ["10115"] * 4 + ["20095"] * 4,
        "gender": ["f", "f", "m", "m"] * 2,
        "diagnosis": ["flu", "asthma"] * 4,
    }
}

K_ANONYMITY = Check(
    id="k-anonymity",
    category="quasi_identifier",
    title="k-anonymity over the quasi-identifiers",
    why=WHY_K,
    scope="table",
    run_table=run_k,
    positives=(Example(_QI_TABLE, {"k": 2}),),
    negatives=(Example(_SAFE_TABLE, {"k": 2}),),
)

L_DIVERSITY = Check(
    id="l-diversity",
    category="quasi_identifier",
    title="l-diversity of each sensitive attribute",
    why=WHY_L,
    scope="table",
    run_table=run_l,
    positives=(
        Example(
            _QI_TABLE,
            {"k": 1, "tables": {"users": {"sensitive_attributes": ["diagnosis"]}}},
        ),
    ),
    negatives=(
        Example(
            _SAFE_TABLE,
            {"k": 1, "tables": {"users": {"sensitive_attributes": ["diagnosis"]}}},
        ),
    ),
)
