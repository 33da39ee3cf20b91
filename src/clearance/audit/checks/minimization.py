"""Data minimisation: columns the purpose does not need that carry identifiers or
quasi-identifiers."""

from __future__ import annotations

from clearance.audit.checks._check import Check, CheckResult, Example
from clearance.audit.context import AuditContext, CheckSkipped
from clearance.audit.quasi import qi_kind
from clearance.core.findings import Finding
from clearance.core.severity import Severity

WHY = (
    "Only data adequate, relevant and limited to what the purpose needs may be processed "
    "(GDPR Art. 5(1)(c)); a column the model does not need is pure risk."
)


def run(ctx: AuditContext, table: str) -> CheckResult:
    features = ctx.policy.table(table).features
    if features is None:
        raise CheckSkipped(f"{table}: the policy declares no features for the purpose")
    ctx.require(table, list(features), "feature")
    carried: dict[str, tuple[str, str]] = {}  # column -> (entity, category)
    for f in ctx.scan_findings(table):
        if f.location.column is None:
            continue
        if f.category in ("pii", "secret", "special_category") and f.entity != "DATE_TIME":
            carried.setdefault(f.location.column, (f.entity, f.category))
    qis = set(ctx.quasi_identifiers(table))
    keys = ctx.key_columns
    out: list[Finding] = []
    for column in ctx.tables[table].columns:
        if column in features or column in keys:
            continue
        if column in carried:
            entity, category = carried[column]
            severity = Severity.HIGH
        elif column in qis or qi_kind(column):
            entity, category, severity = "QUASI_IDENTIFIER", "quasi_identifier", Severity.MEDIUM
        else:
            continue
        out.append(
            ctx.finding(
                rule="minimization",
                category="minimization",
                entity=entity,
                severity=severity,
                table=table,
                column=column,
                count=ctx.tables[table].height,
                share=1.0,
                scope="column",
                remediation=f"Drop column {column} from the training set: the purpose "
                f"'{ctx.policy.purpose}' does not list it (clearance remediation: drop-column).",
                fix="drop-column",
                why=WHY + f" It carries {entity} ({category}).",
                preview=column,
                identity=column,
            )
        )
    return CheckResult(out)


MINIMIZATION = Check(
    id="minimization",
    category="minimization",
    title="Identifying columns the purpose does not need",
    why=WHY,
    scope="table",
    run_table=run,
    positives=(
        Example(
            {
                "users": {
                    "email": ["ana.silva@example.org", "bo.chen@example.net"],
                    "country": ["PT", "CN"],
                }
            },
            {"tables": {"users": {"features": ["country"]}}},
        ),
        Example(
            {"users": {"postcode": ["10115", "20095"], "country": ["DE", "DE"]}},
            {"tables": {"users": {"features": ["country"]}}},
        ),
    ),
    negatives=(
        Example(
            {"users": {"postcode": ["10115", "20095"], "country": ["DE", "DE"]}},
            {"tables": {"users": {"features": ["country", "postcode"]}}},
        ),
    ),
)
