"""The card as Markdown in the Hugging Face model card format: a YAML metadata header with a
``model-index`` of the measured results, then the sections. Text from the card and from the
evidence (group names, table names) is escaped: no raw HTML, no broken table, no escape code."""

from __future__ import annotations

import yaml

from clearance.cards import layout
from clearance.cards.layout import Field
from clearance.cards.models import ModelCard
from clearance.reports.escape import md_code, md_text
from clearance.reports.markdown import md_table


def md_block(text: str) -> str:
    """Text a human wrote, several lines kept: each line escaped as Markdown text."""
    return "\n".join(md_text(line) if line.strip() else "" for line in text.splitlines())


class _Dumper(yaml.SafeDumper):
    """Text from data in the header double-quoted whenever it holds markup characters."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if any(c in value for c in "<>&") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def _metadata(card: ModelCard) -> list[str]:
    md = card.model_details
    meta: dict[str, object] = {}
    if md.licenses:
        meta["license"] = md.licenses[0].identifier
    meta["tags"] = ["model-card", "clearance"] + ([card.regime] if card.regime else [])
    metrics = [
        {"type": n.type, "value": n.value, "name": f"{n.type} ({n.slice})"}
        for n in card.quantitative_analysis.performance_metrics
    ]
    if metrics:
        meta["model-index"] = [
            {
                "name": md.name or "model",
                "results": [
                    {
                        "task": {"type": "tabular-classification"},
                        "dataset": {"name": "evaluation data", "type": "tabular"},
                        "metrics": metrics,
                    }
                ],
            }
        ]
    dumped = yaml.dump(meta, Dumper=_Dumper, sort_keys=False, allow_unicode=False, width=1000)
    # "<" and ">" only occur inside the double-quoted scalars below: \x escapes there read
    # back as the same text, and no Markdown renderer that shows the header as text gets a tag
    dumped = dumped.replace("<", "\\x3C").replace(">", "\\x3E")
    return ["---", *dumped.rstrip("\n").splitlines(), "---"]


def _fields(out: list[str], shown: list[Field]) -> None:
    for f in shown:
        body = md_block(f.text) if f.text is not None else f"_To be completed: {md_text(f.prompt)}_"
        if f.label:
            out += [f"**{f.label}.** {body}", ""]
        else:
            out += [body, ""]


def _blocks(out: list[str], card: ModelCard, which: layout.BlockSpecs) -> None:
    for title, shown in layout.blocks(card, which):
        out += [f"## {title}", ""]
        _fields(out, shown)


def _data(out: list[str], card: ModelCard, key: str, title: str, path: str) -> None:
    doc = card.model_parameters.data[key]  # type: ignore[index]
    out += [f"## {title}", ""]
    _fields(
        out,
        layout.fields(
            card, (("", f"{path}.description"), ("Preprocessing", f"{path}.preprocessing"))
        ),
    )
    if doc.facts:
        out += ["Measured (from the evidence):", ""]
        out += md_table(
            ["measure", "slice", "value"],
            ([md_text(c) for c in r] for r in layout.fact_rows(doc.facts)),
        )
        out.append("")
    if doc.findings:
        out += [f"Dataset audit findings ({len(doc.findings)}):", ""]
        out += [f"- {md_text(f)}" for f in doc.findings] + [""]


def _quantitative(out: list[str], card: ModelCard) -> None:
    qa = card.quantitative_analysis
    out += ["## Quantitative analysis", ""]
    _fields(out, layout.fields(card, (("", "quantitative_analysis"),)))
    if qa.verdict is not None:
        word = "PASS" if qa.verdict.passed else "FAIL"
        out += [f"**Fairness verdict: {word}**", ""]
        out += [f"- {md_text(r)}" for r in qa.verdict.reasons]
        out.append("")
    if qa.performance_metrics:
        head, rows = layout.group_table(qa.performance_metrics)
        out += ["### Overall and by group (value [95% bootstrap CI])", ""]
        out += md_table([md_text(h) for h in head], ([md_text(c) for c in r] for r in rows))
        out.append("")
    if qa.evaluation_metrics:
        head, rows = layout.group_table(qa.evaluation_metrics)
        out += [f"### {layout.EVALUATION_TITLE}", ""]
        out += md_table([md_text(h) for h in head], ([md_text(c) for c in r] for r in rows))
        out.append("")
    if qa.disparities:
        out += ["### Disparities between groups (value [95% bootstrap CI])", ""]
        rows = layout.disparity_rows(qa.disparities)
        out += md_table(["attribute", "measure", "value"], ([md_text(c) for c in r] for r in rows))
        out.append("")
    if qa.adverse_action_reasons:
        out += ["### Principal reasons for denial, by group", ""]
        rows2 = [
            [
                md_text(r.slice),
                str(r.denied),
                md_text("; ".join(f"{k} ({v})" for k, v in r.top_reasons)),
            ]
            for r in qa.adverse_action_reasons
        ]
        out += [*md_table(["group", "denied", "top reasons (applicants)"], rows2), ""]
    if not (qa.verdict or qa.performance_metrics):
        out += ["_No measured evidence: build the card with a fairness report._", ""]


def render_card_markdown(card: ModelCard) -> str:
    out = _metadata(card)
    out += ["", f"# {md_text(layout.title_of(card))}", ""]
    _fields(out, layout.fields(card, (("", "model_details.description"),)))
    out += ["## Model details", ""]
    rows = []
    for label, path in layout.DETAILS:
        value = layout.value_of(card, path)
        rows.append([label, md_text(value) if value is not None else "_to be completed_"])
    out += [*md_table(["", ""], rows), ""]
    _blocks(out, card, layout.BLOCKS)
    _data(out, card, "train", "Training data", "training_data")
    _data(out, card, "eval", "Evaluation data", "evaluation_data")
    _quantitative(out, card)
    _blocks(out, card, layout.AFTER)
    out += ["## Evidence", ""]
    if card.evidence:
        ev = [
            [md_text(e.kind), md_code(e.path), md_code(e.sha256), md_text(e.tool_version)]
            for e in card.evidence
        ]
        out += md_table(["kind", "file", "SHA-256", "clearance"], ev)
        if any(e.data for e in card.evidence):
            out += ["", "The data behind the numbers:", ""]
            out += md_table(
                layout.DATA_HEAD,
                (
                    [md_code(c) if i != 1 else md_text(c) for i, c in enumerate(r)]
                    for r in layout.data_rows(card)
                ),
            )
        for e in card.evidence:
            if e.warnings:
                out += ["", f"Warnings of {md_code(e.path)} (what it could not check):", ""]
                out += [f"- {md_text(w)}" for w in e.warnings]
    else:
        out.append("_None: no number on this card was measured._")
    return "\n".join(out).rstrip("\n") + "\n"
