"""``audit``: tables + policy in, one ``AuditReport`` out. Each check runs on its own; one that
cannot run is listed with the reason, one that fails does not stop the others."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import UTC, date, datetime

from clearance._version import __version__
from clearance.audit.checks import CHECKS, Check
from clearance.audit.context import AuditContext, CheckSkipped
from clearance.audit.policy import Policy
from clearance.audit.sources import Table
from clearance.detection.engine import Engine
from clearance.errors import ClearanceError, InputError
from clearance.io.readers import one_line as _one_line
from clearance.privacy import Fingerprinter
from clearance.reports.models import (
    AuditReport,
    AuditSummary,
    CheckRun,
    Finding,
    PolicySummary,
    SkippedInput,
    TableProfile,
)
from clearance.scan.scanner import Scanner, ScanOptions

ProgressFn = Callable[[str], None]


def _run_check(ctx: AuditContext, check: Check, table: str | None) -> tuple[list[Finding], CheckRun]:
    def run() -> list[Finding]:
        if table is not None:
            assert check.run_table is not None
            return check.run_table(ctx, table)
        assert check.run_dataset is not None
        return check.run_dataset(ctx)

    try:
        found = run()
    except CheckSkipped as exc:
        return [], CheckRun(
            rule=check.id, category=check.category, status="skipped", table=table, reason=str(exc)
        )
    except (ClearanceError, ValueError, ArithmeticError) as exc:
        reason = str(exc) if isinstance(exc, ClearanceError) else _one_line(exc)
        return [], CheckRun(
            rule=check.id, category=check.category, status="failed", table=table, reason=reason
        )
    return found, CheckRun(
        rule=check.id, category=check.category, status="ran", table=table, findings=len(found)
    )


def _sort_key(f: Finding) -> tuple[int, str, str, str, int, str]:
    loc = f.location
    return (-f.severity.rank, loc.table or "", loc.column or "", f.rule, loc.row or 0, f.fingerprint)


def _mask_column_names(
    tables: dict[str, Table], engine: Engine, fingerprinter: Fingerprinter
) -> tuple[dict[str, Table], list[Finding]]:
    """Column names are data (a headerless CSV's first row): a name the engine matches is a
    finding at the column header, and the table's column is renamed to its masked form
    (:func:`clearance.scan.scanner.safe_column_names`) so no check, warning or report prints it.
    The names of all tables go through the engine in one call."""
    out: dict[str, Table] = {}
    found: list[Finding] = []
    names = list(dict.fromkeys(c for t in tables.values() for c in t.frame.columns))
    known = dict(zip(names, engine.detect_batch(names), strict=True)) if names else {}
    for name, table in tables.items():
        scanner = Scanner(engine, fingerprinter)
        shown = scanner.scan_column_names(table.origin, name, table.frame.columns, {}, known)
        found += scanner.found.findings()
        renamed = {raw: new for raw, new in shown.items() if raw != new}
        out[name] = replace(table, frame=table.frame.rename(renamed)) if renamed else table
    return out, found


def audit(
    tables: Iterable[Table],
    policy: Policy,
    *,
    policy_source: str = "(defaults)",
    engine: Engine | None = None,
    fingerprinter: Fingerprinter | None = None,
    today: date | None = None,
    skipped: Iterable[tuple[str, str]] = (),
    scan_options: ScanOptions | None = None,
    checks: Iterable[Check] = CHECKS,
    progress: ProgressFn | None = None,
) -> AuditReport:
    """Runs every check over the tables. Tables named in the policy but absent are reported."""
    from clearance.privacy import load_key

    by_name: dict[str, Table] = {}
    for t in tables:
        if t.name in by_name:
            raise InputError(t.origin, f"a second table named {t.name!r}; rename one of them")
        by_name[t.name] = t
    reference = today or policy.reference_date or datetime.now(UTC).date()
    engine = engine or Engine(threshold=policy.min_score)
    fingerprinter = fingerprinter or Fingerprinter(load_key())
    by_name, header_findings = _mask_column_names(by_name, engine, fingerprinter)
    ctx = AuditContext(
        tables=by_name,
        policy=policy,
        engine=engine,
        fingerprinter=fingerprinter,
        today=reference,
        scan_options=scan_options or ScanOptions(),
    )
    skipped_inputs = [SkippedInput(path=p, reason=r) for p, r in skipped]
    for name, t in sorted(by_name.items()):
        if t.frame.height == 0:
            ctx.warnings.append(f"{t.origin}: table {name} has no rows; only its columns are checked")
    for name in sorted(set(policy.tables) - set(by_name)):
        ctx.warnings.append(f"policy: tables.{name}: no such table in the input; not checked")
    findings: list[Finding] = list(header_findings)
    runs: list[CheckRun] = []
    for check in checks:
        if progress is not None:
            progress(check.id)
        targets: list[str | None] = list(sorted(by_name)) if check.scope == "table" else [None]
        for table in targets:
            found, run = _run_check(ctx, check, table)
            findings += found
            runs.append(run)
    findings.sort(key=_sort_key)
    scan = ctx.scan()
    links = ctx.links
    profiles = [
        TableProfile(
            name=t.name,
            origin=t.origin,
            rows=t.frame.height,
            columns=list(t.frame.columns),
            subject_key=links.keys.get(t.name),
            subject_table=t.name == links.subject_table,
            key_overlap=links.overlap.get(t.name),
            quasi_identifiers=ctx.quasi_identifiers(t.name),
        )
        for t in sorted(by_name.values(), key=lambda t: t.name)
    ]
    by_sev: dict[str, int] = {}
    by_cat: dict[str, int] = {}
    for f in findings:
        by_sev[f.severity.value] = by_sev.get(f.severity.value, 0) + 1
        by_cat[f.category] = by_cat.get(f.category, 0) + 1
    failing = any(f.severity.rank >= policy.fail_on.rank for f in findings)
    return AuditReport(
        version=__version__,
        policy=PolicySummary(
            source=policy_source,
            profile=policy.profile,
            purpose=policy.purpose,
            k=policy.k,
            l=policy.l,
            reference_date=reference.isoformat(),
            subject_key=links.key,
        ),
        summary=AuditSummary(
            tables=len(by_name),
            rows=sum(t.frame.height for t in by_name.values()),
            findings=len(findings),
            by_severity=dict(sorted(by_sev.items())),
            by_category=dict(sorted(by_cat.items())),
            gate="fail" if failing else "pass",
            fail_on=policy.fail_on,
        ),
        tables=profiles,
        findings=findings,
        columns=sorted(scan.columns, key=lambda c: (c.table or "", c.column)),
        checks=runs,
        anonymity=sorted(ctx.anonymity, key=lambda a: a.table),
        retention=sorted(ctx.retention, key=lambda r: r.table),
        consent=sorted(ctx.consent, key=lambda c: c.table),
        skipped=skipped_inputs + [SkippedInput(path=s.path, reason=s.reason) for s in scan.skipped],
        warnings=ctx.warnings + scan.warnings,
    )
