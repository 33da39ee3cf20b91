"""The audit's terminal summary: the gate, findings by severity, the top findings, and the
checks that could not run."""

from __future__ import annotations

from io import StringIO

from rich.table import Table

from clearance.audit.report import AuditReport
from clearance.reports.escape import plain_console, terminal_line

TOP = 25


def render_audit_terminal(report: AuditReport, width: int = 120) -> str:
    buf = StringIO()
    console = plain_console(buf, width)
    s = report.summary
    console.print(
        f"clearance audit: {s.tables} tables, {s.rows:,} rows, {s.findings} findings; "
        f"purpose {terminal_line(report.policy.purpose)}; gate {s.gate.upper()} (fail on {s.fail_on.value})"
    )
    table = Table(show_lines=False)
    for col in ("severity", "rule", "category", "where", "count", "share", "preview"):
        table.add_column(col)
    for f in report.findings[:TOP]:
        where = ".".join(p for p in (f.location.table, f.location.column) if p)
        share = "" if f.share is None else f"{f.share:.1%}"
        table.add_row(
            f.severity.value,
            f.rule,
            f.category,
            terminal_line(where or f.location.file),
            str(f.count),
            share,
            terminal_line(f.preview),
        )
    if report.findings:
        console.print(table)
    if len(report.findings) > TOP:
        console.print(f"... and {len(report.findings) - TOP} more findings in the report")
    not_run = [c for c in report.checks if c.status != "ran"]
    for c in not_run[:TOP]:
        where = f" [{c.table}]" if c.table else ""
        console.print(terminal_line(f"{c.status}: {c.rule}{where}: {c.reason}"))
    if len(not_run) > TOP:  # thousands of tables: the report lists every one
        console.print(f"... and {len(not_run) - TOP} more checks that did not run, in the report")
    console.print(render_audit_notices(report), end="")
    return buf.getvalue()


def render_audit_notices(report: AuditReport) -> str:
    """The lines that must reach the terminal even with ``-q``: inputs not audited and the
    warnings (a policy naming a table that is not there, keys that cannot be compared)."""
    lines = [f"skipped input {s.path}: {s.reason}" for s in report.skipped]
    lines += [f"warning: {w}" for w in report.warnings]
    return "".join(terminal_line(line) + "\n" for line in lines)
