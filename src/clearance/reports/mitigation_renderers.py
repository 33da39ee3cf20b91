"""The mitigation trade-off report (``clearance fairness mitigate``): JSON, Markdown and one
HTML page with a chart per metric."""

from __future__ import annotations

import json

from clearance.fairness.tradeoff import MitigationResult, tradeoff_table
from clearance.reports.document import (
    Block,
    Bullets,
    Heading,
    Only,
    Para,
    html_blocks,
    markdown_blocks,
)
from clearance.reports.html import Html, join, tag
from clearance.reports.svg.charts import Bar, Segment, add_error_bars, svg_bar_chart
from clearance.reports.table import Cell, Table, Text

_COLUMNS = (
    "accuracy",
    "roc_auc",
    "demographic_parity_ratio",
    "demographic_parity_difference",
    "equalized_odds_difference",
    "equal_opportunity_difference",
)


def _cell(row: dict[str, object], key: str) -> str:
    value = row.get(key)
    if not isinstance(value, float | int):
        return "-"
    low, high = row.get(f"{key}_low"), row.get(f"{key}_high")
    if isinstance(low, float | int) and isinstance(high, float | int):
        return f"{value:.3f} [{low:.3f}, {high:.3f}]"
    return f"{value:.3f}"


def _metric_chart(rows: list[dict[str, object]], key: str, min_ratio: float) -> Html:
    """One chart per metric: a bar per candidate on [0, 1] with its bootstrap interval."""
    bars, intervals = [], []
    for row in rows:
        value = row.get(key)
        v = float(value) if isinstance(value, float | int) else None
        length = min(1.0, max(0.0, v or 0.0))
        bars.append(
            Bar(
                str(row["name"]) + (" (chosen)" if row.get("chosen") else ""),
                (Segment(length, "bar"), Segment(1.0 - length, "track")),
                note="n/a" if v is None else _cell(row, key),
            )
        )
        low, high = row.get(f"{key}_low"), row.get(f"{key}_high")
        ok = v is not None and isinstance(low, float | int) and isinstance(high, float | int)
        intervals.append((float(low), float(high)) if ok else None)  # type: ignore[arg-type]
    title = key.replace("_", " ")
    if key == "demographic_parity_ratio":
        title += f" (threshold {min_ratio}, four-fifths rule)"
    chart = svg_bar_chart(
        f"{title} by candidate",
        bars,
        axis="0 to 1; whiskers: bootstrap 95% confidence interval",
    )
    return add_error_bars(chart, bars, intervals)


def render_mitigation_json(result: MitigationResult) -> str:
    rows = tradeoff_table(result)
    doc = {"result": result.model_dump(mode="json"), "tradeoff": rows}
    return json.dumps(doc, indent=2, default=str) + "\n"


_HEAD = ("candidate", "deterministic", "sensitive at decision", *_COLUMNS)

_STYLE = (
    "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:4px 8px}"
)


def _name(row: dict[str, object]) -> str:
    return str(row["name"]) + (" (chosen)" if row.get("chosen") else "")


def _notes(result: MitigationResult) -> list[str]:
    return [f"{c.name}: {n}" for c in result.candidates for n in c.notes] + list(result.notes)


def mitigation_blocks(result: MitigationResult) -> list[Block]:
    """The report once, for Markdown and HTML: title, the choice and its rule, the charts (HTML
    only), the trade-off table and the notes."""
    rows = tradeoff_table(result)
    title = (
        f"Mitigation trade-off ({result.constraint}, seed {result.seed}, "
        f"{result.n_train} train / {result.n_test} test rows)"
    )
    rule = (
        "(deterministic candidates that decide without the sensitive attribute only; "
        f"demographic parity ratio >= {result.min_ratio}, then highest accuracy). A candidate "
        "marked 'sensitive at decision: True' is disparate treatment under ECOA and never "
        f"chosen. Intervals: bootstrap 95%, {result.n_resamples} resamples."
    )
    charts = join((_metric_chart(rows, key, result.min_ratio) for key in _COLUMNS), "\n")
    table: list[list[Cell]] = [
        [
            Text(_name(r)),
            str(r.get("deterministic")),
            str(r.get("needs_sensitive")),
            *(_cell(r, c) for c in _COLUMNS),
        ]
        for r in rows
    ]
    blocks: list[Block] = [
        Heading(title, 1),
        # the chosen candidate in bold: ** in Markdown, <strong> in HTML
        Only("markdown", Para(("Chosen: **", result.chosen, "** ", rule))),
        Only("html", tag("<p>Chosen: <strong>{}</strong> {}</p>", result.chosen, rule)),
        Only("html", charts),
        Table(_HEAD, table),
    ]
    notes = _notes(result)
    if notes:
        # notes quote group names from the data: escaped like every report's text from data
        blocks += [Heading("Notes", 2), Bullets([Text(n) for n in notes])]
    return blocks


def render_mitigation_markdown(result: MitigationResult) -> str:
    return "\n".join(markdown_blocks(mitigation_blocks(result))) + "\n"


def render_mitigation_html(result: MitigationResult) -> str:
    head = tag(
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<title>clearance mitigation trade-off</title><style>{}</style></head><body>",
        Html(_STYLE),
    )
    return str(head + html_blocks(mitigation_blocks(result)) + Html("</body></html>\n"))
