"""The renderer registry: formats per report kind, dispatch by the report's model, the one
suffix map of every command's ``-o``."""

from __future__ import annotations

from pathlib import Path

import pytest

from clearance.errors import PolicyError
from clearance.reports import format_for_path, formats, render
from clearance.reports.registry import RENDERERS, renderer


def test_unknown_format(report) -> None:  # type: ignore[no-untyped-def]
    assert formats("scan") == ["json", "sarif", "markdown", "terminal"]
    with pytest.raises(ValueError, match="allowed: json, sarif, markdown, terminal"):
        render(report, "pdf")
    with pytest.raises(TypeError, match="no renderer for a NoneType"):
        render(None, "json")


@pytest.mark.parametrize(
    ("name", "kind", "fmt"),
    [
        ("r.JSON", "audit", "json"),
        ("r.md", "fairness", "markdown"),
        ("r.markdown", "audit", "markdown"),
        ("r.html", "llm", "html"),
        ("r.md", "llm", "markdown"),
        ("r.sarif", "scan", "sarif"),
    ],
)
def test_format_for_path(name: str, kind: str, fmt: str) -> None:
    assert format_for_path(Path(name), kind) == fmt


def test_format_for_path_names_the_file_and_the_kinds_suffixes() -> None:
    with pytest.raises(
        PolicyError,
        match=r"r\.pdf: unknown report type; use a file ending in \.json, \.md, \.markdown, \.html$",
    ):
        format_for_path(Path("r.pdf"), "fairness")
    with pytest.raises(
        PolicyError, match=r"r\.sarif: .* ending in \.json, \.md, \.markdown, \.html$"
    ):
        format_for_path(Path("r.sarif"), "audit")


def test_every_registered_renderer_resolves() -> None:
    for kind, fmt in RENDERERS:
        assert callable(renderer(kind, fmt)), (kind, fmt)
