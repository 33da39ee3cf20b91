"""The card's, the datasheet's and the check's formats, chosen by each output's suffix through
the reports' one suffix map (``reports.registry.SUFFIXES``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from clearance.cards.check import CheckReport
from clearance.cards.datasheet import (
    Datasheet,
    render_datasheet_html,
    render_datasheet_json,
    render_datasheet_markdown,
)
from clearance.cards.models import ModelCard
from clearance.cards.pdf import HINT, html_to_pdf
from clearance.cards.render_html import render_card_html
from clearance.cards.render_markdown import render_card_markdown
from clearance.errors import BackendUnavailableError, PolicyError
from clearance.reports.registry import SUFFIXES


def _json(doc: ModelCard | CheckReport) -> str:
    return doc.model_dump_json(indent=2) + "\n"


RENDERERS: dict[tuple[type[Any], str], Callable[[Any], str]] = {
    (ModelCard, "json"): _json,
    (ModelCard, "markdown"): render_card_markdown,
    (ModelCard, "html"): render_card_html,
    (Datasheet, "json"): render_datasheet_json,
    (Datasheet, "markdown"): render_datasheet_markdown,
    (Datasheet, "html"): render_datasheet_html,
    (CheckReport, "json"): _json,
}


def format_of(path: Path, kind: type[Any]) -> str:
    """The format ``path`` asks for; a PolicyError naming the file and the suffixes allowed."""
    if kind is ModelCard and path.suffix.lower() == ".pdf":
        return "pdf"
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None or (kind, fmt) not in RENDERERS:
        allowed = [s for s, f in SUFFIXES.items() if (kind, f) in RENDERERS]
        allowed += [".pdf"] if kind is ModelCard else []
        raise PolicyError(f"{path}: unknown output type; use a file ending in {', '.join(allowed)}")
    return fmt


def render_to(
    doc: ModelCard | Datasheet | CheckReport, path: Path, *, chromium: Path | None = None
) -> str | bytes:
    """``doc`` in the format ``path`` asks for; a card's ``.pdf`` is its HTML printed by
    ``chromium`` (BackendUnavailableError without one)."""
    fmt = format_of(path, type(doc))
    if fmt == "pdf":
        assert isinstance(doc, ModelCard)
        if chromium is None:
            raise BackendUnavailableError("chromium", HINT)
        return html_to_pdf(render_card_html(doc), chromium)
    return RENDERERS[(type(doc), fmt)](doc)
