"""The facts the audit report's sections print (:mod:`clearance.reports.audit_sections`): order
of severities and categories, the gate and checks lines, guidance grouped by category, controls,
age bins."""

from __future__ import annotations

import typing
from collections.abc import Iterable, Sequence

from clearance.audit.report import AuditReport, CheckRun, RetentionResult
from clearance.core.controls import CONTROLS, describe
from clearance.core.findings import Finding, FindingCategory
from clearance.core.severity import Severity

SEVERITIES = tuple(s.value for s in sorted(Severity, key=lambda s: s.rank, reverse=True))
CATEGORIES: tuple[str, ...] = typing.get_args(FindingCategory)
DECISIONS = ("approved for training", "approved with conditions", "rejected")


def where(f: Finding) -> str:
    loc = f.location
    base = loc.table if loc.table is not None else loc.file
    return f"{base}.{loc.column}" if loc.column else base


def pct(x: float | None) -> str:
    return "" if x is None else f"{x:.1%}"


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.1%}" if whole else "n/a"


def ordered(counts: dict[str, int], order: Sequence[str]) -> list[tuple[str, int]]:
    """Known keys in ``order`` (zeros included), then unknown keys sorted."""
    known = [(k, counts.get(k, 0)) for k in order]
    return known + sorted((k, v) for k, v in counts.items() if k not in order)


def control_title(control_id: str) -> str:
    return describe(control_id) if control_id in CONTROLS else "(not in the control catalogue)"


def controls_of(findings: Iterable[Finding]) -> list[tuple[str, int]]:
    """(control id, number of findings), catalogue order first, then unknown ids sorted."""
    counts: dict[str, int] = {}
    for f in findings:
        for c in dict.fromkeys(f.controls):
            counts[c] = counts.get(c, 0) + 1
    return ordered(counts, [c for c in CONTROLS if c in counts])


def by_category(findings: Iterable[Finding]) -> list[tuple[str, list[Finding]]]:
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(f.category, []).append(f)
    order = [c for c in CATEGORIES if c in groups] + sorted(set(groups) - set(CATEGORIES))
    return [(c, groups[c]) for c in order]


def rules_of(findings: list[Finding]) -> list[Finding]:
    """The first finding of each (rule, why, remediation): the guidance to print once."""
    seen: dict[tuple[str, str, str], Finding] = {}
    for f in findings:
        seen.setdefault((f.rule, f.why, f.remediation), f)
    return list(seen.values())


def not_ran(report: AuditReport) -> list[CheckRun]:
    return [c for c in report.checks if c.status != "ran"]


def gate_line(report: AuditReport) -> str:
    s = report.summary
    n = len(report.at_or_above(s.fail_on))
    return (
        f"{n} finding(s) at or above severity {s.fail_on.value} "
        f"(the gate fails on {s.fail_on.value} or worse)"
    )


def checks_line(report: AuditReport) -> str:
    counts = {st: sum(c.status == st for c in report.checks) for st in ("ran", "skipped", "failed")}
    return f"{counts['ran']} ran, {counts['skipped']} skipped, {counts['failed']} failed"


def bins_text(r: RetentionResult) -> str:
    return ", ".join(f"{lo}–{hi} d: {n}" for lo, hi, n in bins(r)) or "no parseable timestamps"


def bins(r: RetentionResult) -> list[tuple[int, int, int]]:
    return [(b.lo_days, b.hi_days, b.count) for b in sorted(r.histogram, key=lambda b: b.lo_days)]
