"""The card as one self-contained HTML page: inline CSS and SVG charts (rates by group with
their bootstrap intervals), no script, nothing fetched. Built from the reports' HTML primitives,
which escape every text that is not their own markup."""

from __future__ import annotations

from clearance.cards import layout
from clearance.cards.layout import Field
from clearance.cards.models import ModelCard, Number
from clearance.reports.css import FAIRNESS_CSS
from clearance.reports.html import (
    Html,
    code,
    empty,
    items,
    join,
    kv,
    lines,
    page,
    section,
    table,
    tag,
)
from clearance.reports.svg.charts import Bar, Segment, add_error_bars, svg_bar_chart

CARD_CSS = (
    FAIRNESS_CSS
    + """
.prompt { color: #a16207; font-style: italic; } .text { white-space: pre-wrap; }
.badge.pass { background: #1b7f3b; } .badge.fail { background: #b42318; }
"""
)
CHARTED = ("selection_rate", "true_positive_rate")


def _field(f: Field) -> Html:
    if f.text is None:
        body = tag('<p class="prompt">To be completed: {}</p>', f.prompt)
    else:
        body = tag('<p class="text">{}</p>', f.text)
    return lines([tag("<h3>{}</h3>", f.label), body]) if f.label else body


def _anchor(title: str) -> str:
    return title.lower().replace(" ", "-")


def _blocks(card: ModelCard, which: layout.BlockSpecs) -> list[Html]:
    return [
        section(_anchor(title), title, *(_field(f) for f in shown))
        for title, shown in layout.blocks(card, which)
    ]


def _data(card: ModelCard, key: str, title: str, path: str) -> Html:
    doc = card.model_parameters.data[key]  # type: ignore[index]
    body: list[Html] = [
        _field(f)
        for f in layout.fields(
            card, (("", f"{path}.description"), ("Preprocessing", f"{path}.preprocessing"))
        )
    ]
    if doc.facts:
        body += [tag("<h3>{}</h3>", "Measured (from the evidence)")]
        body += [table(["measure", "slice", "value"], layout.fact_rows(doc.facts), num=(2,))]
    if doc.findings:
        body += [
            tag("<h3>{}</h3>", f"Dataset audit findings ({len(doc.findings)})"),
            items(doc.findings),
        ]
    return section(_anchor(title), title, *body)


def _chart(metric: str, numbers: list[Number]) -> Html | None:
    chosen = [n for n in numbers if n.type == metric and isinstance(n.value, float)]
    if not chosen:
        return None
    bars, intervals = [], []
    for n in chosen:
        rate = min(max(float(n.value or 0.0), 0.0), 1.0)
        note = layout.with_ci(n)
        bars.append(
            Bar(
                n.slice,
                (Segment(rate, "rate"), Segment(1.0 - rate, "track")),
                note,
                f"{note}, n = {n.count}",
            )
        )
        iv = n.confidence_interval
        intervals.append((iv.lower_bound, iv.upper_bound) if iv is not None else None)
    name = metric.replace("_", " ")
    chart = svg_bar_chart(
        f"{name} by group",
        bars,
        axis=f"{name}, 0 to 1; whiskers: bootstrap 95% confidence interval",
    )
    heading = tag("<h3>{}</h3>", f"{name.capitalize()} by group (95% bootstrap CI)")
    return lines([heading, add_error_bars(chart, bars, intervals)])


def _quantitative(card: ModelCard) -> Html:
    qa = card.quantitative_analysis
    body: list[Html] = [_field(f) for f in layout.fields(card, (("", "quantitative_analysis"),))]
    if qa.verdict is not None:
        word, css = ("PASS", "pass") if qa.verdict.passed else ("FAIL", "fail")
        body += [
            tag(
                '<p class="verdict">Fairness verdict: <span class="badge {}">{}</span></p>',
                css,
                word,
            )
        ]
        if qa.verdict.reasons:
            body.append(items(qa.verdict.reasons))
    if qa.performance_metrics:
        charts = [c for c in (_chart(m, qa.performance_metrics) for m in CHARTED) if c is not None]
        body += [Html('<div class="charts">'), *charts, Html("</div>")]
        head, rows = layout.group_table(qa.performance_metrics)
        body += [tag("<h3>{}</h3>", "Overall and by group (value [95% bootstrap CI])")]
        body.append(table(head, rows, num=tuple(range(1, len(head))), wrap=True))
    if qa.evaluation_metrics:
        head, rows = layout.group_table(qa.evaluation_metrics)
        body += [tag("<h3>{}</h3>", layout.EVALUATION_TITLE)]
        body.append(table(head, rows, num=tuple(range(1, len(head))), wrap=True))
    if qa.disparities:
        body += [tag("<h3>{}</h3>", "Disparities between groups (value [95% bootstrap CI])")]
        body.append(
            table(
                ["attribute", "measure", "value"], layout.disparity_rows(qa.disparities), num=(2,)
            )
        )
    if qa.adverse_action_reasons:
        rows = [
            [r.slice, str(r.denied), "; ".join(f"{k} ({v})" for k, v in r.top_reasons)]
            for r in qa.adverse_action_reasons
        ]
        body += [tag("<h3>{}</h3>", "Principal reasons for denial, by group")]
        body.append(table(["group", "denied", "top reasons (applicants)"], rows, num=(1,)))
    if not (qa.verdict or qa.performance_metrics):
        body.append(empty("No measured evidence: build the card with a fairness report."))
    return section("quantitative-analysis", "Quantitative analysis", *body)


def render_card_html(card: ModelCard) -> str:
    title = layout.title_of(card)
    header = [tag("<h1>{}</h1>", title)]
    header += [_field(f) for f in layout.fields(card, (("", "model_details.description"),))]
    details = []
    for label, path in layout.DETAILS:
        value = layout.value_of(card, path)
        details.append(
            (
                label,
                value
                if value is not None
                else tag('<span class="prompt">{}</span>', "to be completed"),
            )
        )
    sections = [section("model-details", "Model details", kv(details))]
    sections += _blocks(card, layout.BLOCKS)
    sections += [
        _data(card, "train", "Training data", "training_data"),
        _data(card, "eval", "Evaluation data", "evaluation_data"),
        _quantitative(card),
    ]
    sections += _blocks(card, layout.AFTER)
    if card.evidence:
        rows = [[e.kind, code(e.path), code(e.sha256), e.tool_version] for e in card.evidence]
        evidence = table(["kind", "file", "SHA-256", "clearance"], rows)
        if any(e.data for e in card.evidence):
            behind = table(layout.DATA_HEAD, layout.data_rows(card), wrap=True)
            evidence = lines([evidence, tag("<h3>{}</h3>", "The data behind the numbers"), behind])
        for e in card.evidence:
            if e.warnings:
                heading = tag("<h3>Warnings of {} (what it could not check)</h3>", code(e.path))
                evidence = lines([evidence, heading, items(e.warnings)])
    else:
        evidence = empty("None: no number on this card was measured.")
    sections.append(section("evidence", "Evidence", evidence))
    return page(title, CARD_CSS, [*header, Html("<main>"), join(sections, "\n"), Html("</main>")])
