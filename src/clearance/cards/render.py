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
from clearance.cards.render_html import render_card_html
from clearance.cards.render_markdown import render_card_markdown
from clearance.errors import PolicyError
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
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None or (kind, fmt) not in RENDERERS:
        allowed = ", ".join(s for s, f in SUFFIXES.items() if (kind, f) in RENDERERS)
        raise PolicyError(f"{path}: unknown output type; use a file ending in {allowed}")
    return fmt


def render_to(doc: ModelCard | Datasheet | CheckReport, path: Path) -> str:
    return RENDERERS[(type(doc), format_of(path, type(doc)))](doc)
