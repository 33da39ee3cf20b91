"""``run_mitigation``: what ``clearance fairness mitigate`` does as one library call, and the
trade-off report (JSON, Markdown, HTML with a chart)."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

from clearance.errors import InputError, PolicyError
from clearance.fairness.data import derive_sensitive, read_table
from clearance.fairness.mitigation import (
    MitigationResult,
    mitigate,
    save_chosen,
    tradeoff_table,
)
from clearance.fairness.policy import FairnessPolicy
from clearance.reports.audit_renderers import Bar, Segment, svg_bar_chart
from clearance.reports.svg import add_error_bars


def run_mitigation(
    data_path: Path,
    policy: FairnessPolicy,
    *,
    constraint: str = "demographic_parity",
    allow_randomized: bool = False,
    seed: int = 0,
    save_model: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> MitigationResult:
    """Reads the data, compares the candidates (``mitigate``) and saves the chosen model.
    ``progress`` is called with each stage's name as it starts: ``loading``, each method of
    ``METHODS``, then ``saving`` when a model is saved."""
    if progress is not None:
        progress("loading")
    if not policy.target:
        raise PolicyError("--target: the label column is required (or `target:` in the policy)")
    if len(policy.sensitive) != 1:
        raise PolicyError("--sensitive: name exactly one attribute to mitigate for")
    frame = read_table(data_path)
    if policy.target not in frame.columns:
        raise InputError(str(data_path), f"no label column {policy.target!r}")
    sensitive, notes = derive_sensitive(frame, policy.sensitive, policy.derive, str(data_path))
    groups = sensitive.to_series()
    if groups.null_count():
        if policy.missing == "drop":
            keep = groups.is_not_null().to_numpy()
            frame, groups = frame.filter(keep), groups.filter(keep)
        else:
            groups = groups.fill_null("(missing)")
    excluded = {policy.target, *policy.sensitive, *(n.source for n in notes)}
    features = policy.features or [c for c in frame.columns if c not in excluded]
    missing = [c for c in features if c not in frame.columns]
    if missing:
        raise InputError(str(data_path), f"feature column(s) not found: {', '.join(missing)}")
    values = frame[policy.target].drop_nulls().unique(maintain_order=True).to_list()
    favourable = [v for v in values if str(v) == str(policy.favourable)]
    if len(values) != 2 or not favourable:
        shown = ", ".join(repr(v) for v in values[:5]) + (", ..." if len(values) > 5 else "")
        raise InputError(
            str(data_path),
            f"label {policy.target!r} must have two values, one of them the favourable "
            f"{policy.favourable!r}; it has {shown or 'none'}",
        )
    if frame[policy.target].null_count():
        raise InputError(str(data_path), f"label {policy.target!r} has missing values")
    unfavourable = next(v for v in values if str(v) != str(policy.favourable))
    label = frame[policy.target].cast(pl.String)
    y = np.asarray((label == str(policy.favourable)).to_numpy(), dtype=np.int64)
    try:
        result = mitigate(
            frame.select(features),
            y,
            groups,
            constraint=constraint,  # type: ignore[arg-type]
            seed=seed,
            allow_randomized=allow_randomized,
            min_ratio=policy.thresholds.demographic_parity_ratio,
            n_resamples=min(policy.bootstrap, 500) or 100,
            progress=progress,
        )
    except ValueError as exc:
        raise InputError(str(data_path), str(exc).splitlines()[0]) from None
    if save_model is not None:
        if progress is not None:
            progress("saving")
        # In the data's own labels, so `clearance fairness --model` audits it with the same
        # policy (favourable label) as the data.
        save_chosen(result, save_model, classes=[unfavourable, favourable[0]])
    return result


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


def _metric_chart(rows: list[dict[str, object]], key: str, min_ratio: float) -> str:
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


def render_mitigation(result: MitigationResult, fmt: str) -> str:
    rows = tradeoff_table(result)
    if fmt == "json":
        return json.dumps(
            {"result": result.model_dump(mode="json"), "tradeoff": rows}, indent=2, default=str
        ) + "\n"
    header = ["candidate", "deterministic", "sensitive at decision", *_COLUMNS]
    lines = [
        f"# Mitigation trade-off ({result.constraint}, seed {result.seed}, "
        f"{result.n_train} train / {result.n_test} test rows)",
        "",
        f"Chosen: **{result.chosen}** (deterministic candidates that decide without the "
        f"sensitive attribute only; demographic parity ratio >= {result.min_ratio}, then "
        "highest accuracy). A candidate marked 'sensitive at decision: True' is disparate "
        "treatment under ECOA and never chosen. Intervals: bootstrap 95%, "
        f"{result.n_resamples} resamples.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for row in rows:
        name = str(row["name"]) + (" (chosen)" if row.get("chosen") else "")
        lines.append(
            f"| {name} | {row.get('deterministic')} | {row.get('needs_sensitive')} | "
            + " | ".join(_cell(row, c) for c in _COLUMNS)
            + " |"
        )
    notes = [f"- {c.name}: {n}" for c in result.candidates for n in c.notes] + [
        f"- {n}" for n in result.notes
    ]
    if notes:
        lines += ["", "## Notes", "", *notes]
    markdown = "\n".join(lines) + "\n"
    if fmt == "markdown":
        return markdown
    if fmt != "html":
        raise ValueError(f"unknown format {fmt!r}; allowed: json, markdown, html")
    chart = "\n".join(_metric_chart(rows, key, result.min_ratio) for key in _COLUMNS)
    table = "".join(
        "<tr>"
        + "".join(
            f"<td>{html.escape(str(v))}</td>"
            for v in (
                str(r["name"]) + (" (chosen)" if r.get("chosen") else ""),
                r.get("deterministic"),
                r.get("needs_sensitive"),
                *(_cell(r, c) for c in _COLUMNS),
            )
        )
        + "</tr>"
        for r in rows
    )
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    note_items = "".join(f"<li>{html.escape(n[2:])}</li>" for n in notes)
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<title>clearance mitigation trade-off</title><style>body{font-family:sans-serif;"
        "margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}"
        "</style></head><body>"
        f"<h1>Mitigation trade-off ({html.escape(result.constraint)})</h1>"
        f"<p>Chosen: <strong>{html.escape(result.chosen)}</strong></p>{chart}"
        f"<table><thead><tr>{head}</tr></thead><tbody>{table}</tbody></table>"
        f"<h2>Notes</h2><ul>{note_items}</ul></body></html>\n"
    )
