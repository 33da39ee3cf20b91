"""``audit``: tables + policy in, one ``AuditReport`` out. Each check runs on its own; one that
cannot run is listed with the reason, one that fails does not stop the others. Checks return
their findings, measurements and warnings (:class:`CheckResult`); the report is assembled here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

import polars as pl

from clearance._version import __version__
from clearance.audit.checks import CHECKS, Check, CheckResult, Measurement
from clearance.audit.context import AuditContext, CheckSkipped
from clearance.audit.plans import AuditTable
from clearance.audit.policy import Policy
from clearance.audit.report import (
    AnonymityResult,
    AuditReport,
    AuditSummary,
    CheckRun,
    ConsentResult,
    PolicySummary,
    RetentionResult,
    TableProfile,
)
from clearance.core.findings import Finding
from clearance.core.run import SkippedInput
from clearance.detection.engine import Engine
from clearance.errors import ClearanceError, InputError
from clearance.io.files import file_sha256
from clearance.io.readers import one_line as _one_line
from clearance.privacy import Fingerprinter
from clearance.scan.options import ScanOptions
from clearance.scan.scanner import Scanner

ProgressFn = Callable[[str], None]


def _run_check(ctx: AuditContext, check: Check, table: str | None) -> tuple[CheckResult, CheckRun]:
    def run() -> CheckResult:
        if table is not None:
            assert check.run_table is not None
            return check.run_table(ctx, table)
        assert check.run_dataset is not None
        return check.run_dataset(ctx)

    try:
        result = run()
    except CheckSkipped as exc:
        return CheckResult(), CheckRun(
            rule=check.id, category=check.category, status="skipped", table=table, reason=str(exc)
        )
    except (
        ClearanceError,
        ValueError,
        ArithmeticError,
        pl.exceptions.PolarsError,  # a lazily read table whose pages cannot be read
        pl.exceptions.PanicException,
    ) as exc:
        reason = str(exc) if isinstance(exc, ClearanceError) else _one_line(exc)
        return CheckResult(), CheckRun(
            rule=check.id, category=check.category, status="failed", table=table, reason=reason
        )
    return result, CheckRun(
        rule=check.id,
        category=check.category,
        status="ran",
        table=table,
        findings=len(result.findings),
    )


def _file_sha256(path: Path | None) -> str | None:
    """The SHA-256 of a table's file (what a model card's numbers point back to); None for a
    database or catalog table, or a file that cannot be read again."""
    if path is None:
        return None
    try:
        return file_sha256(path)
    except OSError:
        return None


def _sort_key(f: Finding) -> tuple[int, str, str, str, int, str]:
    loc = f.location
    return (
        -f.severity.rank,
        loc.table or "",
        loc.column or "",
        f.rule,
        loc.row or 0,
        f.fingerprint,
    )


def _sections(
    measurements: list[Measurement],
) -> tuple[list[AnonymityResult], list[RetentionResult], list[ConsentResult]]:
    """The report's measured sections, by table. k-anonymity and l-diversity both return the
    anonymity of the tables they ran on: one measurement per table is listed (the first)."""
    anonymity: dict[str, AnonymityResult] = {}
    retention: list[RetentionResult] = []
    consent: list[ConsentResult] = []
    for m in measurements:
        if isinstance(m, AnonymityResult):
            anonymity.setdefault(m.table, m)
        elif isinstance(m, RetentionResult):
            retention.append(m)
        else:
            consent.append(m)
    return (
        sorted(anonymity.values(), key=lambda a: a.table),
        sorted(retention, key=lambda r: r.table),
        sorted(consent, key=lambda c: c.table),
    )


def _mask_column_names(
    tables: dict[str, AuditTable], engine: Engine, fingerprinter: Fingerprinter
) -> tuple[dict[str, AuditTable], list[Finding]]:
    """Column names are data (a headerless CSV's first row): a name the engine matches is a
    finding at the column header, and the table's column is renamed to its masked form
    (:func:`clearance.scan.scanner.safe_column_names`) so no check, warning or report prints it.
    The names of all tables go through the engine in one call."""
    out: dict[str, AuditTable] = {}
    found: list[Finding] = []
    names = list(dict.fromkeys(c for t in tables.values() for c in t.columns))
    known = dict(zip(names, engine.detect_batch(names), strict=True)) if names else {}
    for name, table in tables.items():
        scanner = Scanner(engine, fingerprinter)
        shown = scanner.scan_column_names(table.origin, name, table.columns, {}, known)
        found += scanner.found.findings()
        renamed = {raw: new for raw, new in shown.items() if raw != new}
        out[name] = table.renamed(renamed) if renamed else table
    return out, found


def audit_dataset(
    tables: Iterable[AuditTable],
    policy: Policy,
    *,
    policy_source: str = "(defaults)",
    engine: Engine | None = None,
    fingerprinter: Fingerprinter,
    today: date | None = None,
    skipped: Iterable[tuple[str, str]] = (),
    scan_options: ScanOptions | None = None,
    checks: Iterable[Check] = CHECKS,
    progress: ProgressFn | None = None,
    key_secret: bytes | None = None,
) -> AuditReport:
    """Runs every check over the tables. Tables named in the policy but absent are reported.
    ``fingerprinter`` keys the findings' fingerprints: the caller chooses the key
    (:func:`clearance.privacy.load_key` is what the CLI uses), the library writes no key file.
    ``tables``: :class:`clearance.audit.sources.Table` (Polars) or any engine's
    :class:`clearance.audit.plans.AuditTable`. ``key_secret``: join keys compared as keyed
    fingerprints made with it (an engine whose keys leave the process:
    :func:`clearance.audit.keys.run_secret`), not as canonical text; the report is the same."""
    by_name: dict[str, AuditTable] = {}
    for t in tables:
        if t.name in by_name:
            raise InputError(t.origin, f"a second table named {t.name!r}; rename one of them")
        by_name[t.name] = t
    reference = today or policy.today()
    engine = engine or Engine(threshold=policy.min_score)
    by_name, header_findings = _mask_column_names(by_name, engine, fingerprinter)
    ctx = AuditContext(
        tables=by_name,
        policy=policy,
        engine=engine,
        fingerprinter=fingerprinter,
        today=reference,
        scan_options=scan_options or ScanOptions(),
        key_secret=key_secret,
    )
    skipped_inputs = [SkippedInput(path=p, reason=r) for p, r in skipped]
    warnings = [
        f"{t.origin}: table {name} has no rows; only its columns are checked"
        for name, t in sorted(by_name.items())
        if t.height == 0
    ]
    warnings += [
        f"policy: tables.{name}: no such table in the input; not checked"
        for name in sorted(set(policy.tables) - set(by_name))
    ]
    findings: list[Finding] = list(header_findings)
    measurements: list[Measurement] = []
    runs: list[CheckRun] = []
    for check in checks:
        if progress is not None:
            progress(check.id)
        targets: list[str | None] = list(sorted(by_name)) if check.scope == "table" else [None]
        for table in targets:
            result, run = _run_check(ctx, check, table)
            findings += result.findings
            measurements += result.measurements
            warnings += result.warnings
            runs.append(run)
    findings.sort(key=_sort_key)
    anonymity, retention, consent = _sections(measurements)
    scan = ctx.scan()
    links = ctx.links
    profiles = [
        TableProfile(
            name=t.name,
            origin=t.origin,
            sha256=_file_sha256(t.path),
            rows=t.height,
            columns=list(t.columns),
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
            rows=sum(t.height for t in by_name.values()),
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
        anonymity=anonymity,
        retention=retention,
        consent=consent,
        skipped=skipped_inputs + [SkippedInput(path=s.path, reason=s.reason) for s in scan.skipped],
        warnings=warnings + scan.warnings,
    )
