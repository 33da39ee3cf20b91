"""The scan report as Markdown and as the terminal summary."""

from __future__ import annotations

from io import StringIO

from rich.table import Table

from clearance.core.findings import Finding
from clearance.reports.escape import md_code, md_text, plain_console, terminal_line
from clearance.scan.report import ScanReport


def where(f: Finding) -> str:
    loc = f.location
    parts = [loc.file]
    if loc.column is not None and f.scope == "value" and loc.row is None and loc.line is None:
        parts.append(f"header of column {loc.column}")  # the name itself matched
    elif loc.column is not None:
        parts.append(f"column {loc.column}")
    if loc.line is not None:
        parts.append(f"line {loc.line}")
    if loc.row is not None:
        parts.append(f"row {loc.row}")
    return ", ".join(parts)


def render_markdown(report: ScanReport) -> str:
    s = report.summary
    out = [
        "# clearance scan report",
        "",
        f"- files scanned: {s.files_scanned}, skipped: {s.files_skipped}, rows/lines: {s.rows_scanned}",
        f"- findings: {s.findings} "
        + (
            "(" + ", ".join(f"{k}: {v}" for k, v in sorted(s.by_severity.items())) + ")"
            if s.by_severity
            else ""
        ),
        f"- score threshold: {report.threshold}",
        "",
        "## Findings",
        "",
        "| severity | rule | entity | where | count | share | preview | score |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in report.findings:
        share = "" if f.share is None else f"{f.share:.1%}"
        out.append(
            f"| {f.severity.value} | {f.rule} | {f.entity} | {md_text(where(f))} | {f.count} "
            f"| {share} | {md_code(f.preview)} | {f.score:.2f} |"
        )
    if report.columns:
        out += ["", "## Columns", "", "| file | column | kind | entity | share | confidence |"]
        out.append("|---|---|---|---|---|---|")
        for c in report.columns:
            out.append(
                f"| {md_text(c.file)} | {md_text(c.column)} | {c.kind} | {c.entity or ''} "
                f"| {c.share:.1%} | {c.confidence:.2f} |"
            )
    if report.skipped:
        out += ["", "## Skipped inputs", ""]
        out += [f"- {md_code(s.path)}: {md_text(s.reason)}" for s in report.skipped]
    if report.warnings:
        out += ["", "## Warnings", ""]
        out += [f"- {md_text(w)}" for w in report.warnings]
    return "\n".join(out) + "\n"


def render_terminal(report: ScanReport, width: int = 120, limit: int = 25) -> str:
    buf = StringIO()
    console = plain_console(buf, width)
    s = report.summary
    console.print(
        f"clearance scan: {s.files_scanned} file(s), {s.rows_scanned} rows/lines, "
        f"{s.findings} finding(s), {s.files_skipped} skipped"
    )
    table = Table(show_lines=False)
    for col in ("severity", "entity", "where", "count", "preview"):
        table.add_column(col)
    for f in report.findings[:limit]:
        table.add_row(
            f.severity.value,
            f.entity,
            terminal_line(where(f)),
            str(f.count),
            terminal_line(f.preview),
        )
    console.print(table)
    if len(report.findings) > limit:
        console.print(f"... and {len(report.findings) - limit} more (use --format json -o FILE)")
    for skipped in report.skipped:
        console.print(terminal_line(f"skipped {skipped.path}: {skipped.reason}"))
    for warning in report.warnings:
        console.print(terminal_line(f"warning: {warning}"))
    return buf.getvalue()
