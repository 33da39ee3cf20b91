"""Direct identifiers, secrets and special-category data, from the detection engine's scan of
every column: the audit adds the policy (forbidden / allowed entity types, score floor) and
rolls free-text matches up per column with the share of rows affected."""

from __future__ import annotations

from clearance.audit.checks._check import Check, CheckResult, Example
from clearance.audit.context import AuditContext
from clearance.core.findings import Finding
from clearance.core.severity import Severity
from clearance.scan.report import ColumnProfile

# Timestamps are quasi-identifiers and retention evidence, not direct identifiers; the audit
# handles them in those checks instead of listing every created_at column here.
_NOT_DIRECT = {"DATE_TIME"}

WHY_PII = (
    "Direct identifiers let anyone holding the data, or the model trained on it, single out "
    "and contact a person; GDPR requires minimising them (Art. 5(1)(c)) and protecting them by "
    "design (Art. 25)."
)
WHY_SECRET = (
    "A credential in training data can be memorised and repeated by the model, and anyone "
    "with the data can use it; it must be rotated, not only removed."
)
WHY_SPECIAL = (
    "Special-category data (health, religion, ethnic origin, sexual orientation, political "
    "opinion, union membership, biometric and genetic data) may only be processed under an "
    "Art. 9(2) exception; a model trained on it can infer and reveal it."
)


def _rows_with(profiles: dict[tuple[str, str], ColumnProfile], f: Finding) -> tuple[int, float]:
    prof = profiles.get((f.location.table or "", f.location.column or ""))
    if prof is None or not prof.rows:
        return f.count, 0.0
    rows = prof.matches.get(f.entity, f.count)
    return rows, rows / prof.rows


def _policy_severity(ctx: AuditContext, f: Finding) -> tuple[Severity, str]:
    ents = ctx.policy.entities
    if f.entity in ents.forbidden:
        return Severity.CRITICAL, f" The policy forbids {f.entity} for purpose {ctx.policy.purpose}."
    if f.entity in ents.allowed:
        return Severity.INFO, f" The policy allows {f.entity} for purpose {ctx.policy.purpose}."
    return f.severity, ""


def _engine_findings(ctx: AuditContext, categories: set[str], why: str) -> list[Finding]:
    report = ctx.scan()
    profiles = {(c.table or "", c.column): c for c in report.columns}
    out: list[Finding] = []
    rolled: dict[tuple[str, str, str], list[Finding]] = {}
    for f in report.findings:
        if f.category not in categories or f.entity in _NOT_DIRECT:
            continue
        if f.score < ctx.policy.min_score:
            continue
        if f.scope == "value" and f.category != "secret":
            key = (f.location.table or "", f.location.column or "", f.rule)
            rolled.setdefault(key, []).append(f)
            continue
        severity, note = _policy_severity(ctx, f)
        text_why = (WHY_SECRET if f.category == "secret" else why) + note
        out.append(f.model_copy(update={"severity": severity, "why": text_why}))
    # Free-text matches: one finding per (table, column, rule) with the rows affected; the
    # first value's masked preview stands for the rest.
    for (_table, _column, _rule), group in sorted(rolled.items()):
        first = min(group, key=lambda g: (g.location.row or 0, g.location.start or 0))
        rows, share = _rows_with(profiles, first)
        severity, note = _policy_severity(ctx, first)
        out.append(
            first.model_copy(
                update={
                    "severity": severity,
                    "why": why + note,
                    "count": max(1, rows),
                    "share": round(share, 4),
                    "scope": "column",
                    "metrics": {
                        "distinct_values": float(len(group)),
                        "occurrences": float(sum(g.count for g in group)),
                    },
                }
            )
        )
    return out


def run_identifiers(ctx: AuditContext) -> CheckResult:
    return CheckResult(_engine_findings(ctx, {"pii", "secret"}, WHY_PII))


def run_special(ctx: AuditContext) -> CheckResult:
    return CheckResult(_engine_findings(ctx, {"special_category"}, WHY_SPECIAL))


IDENTIFIERS = Check(
    id="identifiers",
    category="pii",
    title="Direct identifiers and secrets in columns and free text",
    why=WHY_PII,
    scope="dataset",
    run_dataset=run_identifiers,
    positives=(
        Example({"users": {"email": ["ana.silva@example.org", "bo.chen@example.net"]}}),
        Example(
            {"reviews": {"text": ["Great mug, write me at ana.silva@example.org anytime!"] * 3}}
        ),
    ),
    negatives=(
        Example({"orders": {"sku": ["SKU-1001", "SKU-1002"], "amount": [19.99, 5.0]}}),
        Example({"reviews": {"text": ["Great mug, arrived quickly and well packed."] * 3}}),
    ),
)

SPECIAL_CATEGORY = Check(
    id="special-category",
    category="special_category",
    title="Special-category data (GDPR Art. 9) in column names and free text",
    why=WHY_SPECIAL,
    scope="dataset",
    run_dataset=run_special,
    positives=(
        Example(
            {"reviews": {"text": ["As a diabetic I check every label, and this one is clear."]}}
        ),
    ),
    negatives=(
        Example({"reviews": {"text": ["Sturdy lamp, the light is warm and the cable long."]}}),
    ),
)
