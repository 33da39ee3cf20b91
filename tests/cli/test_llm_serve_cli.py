"""``clearance llm serve``: option handling and clean failures (the server itself is tested
through ``create_app`` in tests/llm/test_backends.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli.app import app

runner = CliRunner()


def test_serve_is_listed_with_its_options() -> None:
    result = runner.invoke(app, ["llm", "serve", "--help"])
    assert result.exit_code == 0
    for option in ("--model", "--gguf-file", "--host", "--port", "--model-name"):
        assert option in result.output


def test_serve_missing_model_is_exit_5(tmp_path: Path) -> None:
    pytest.importorskip("torch", reason="without torch the missing backend (exit 5) comes first")
    pytest.importorskip("transformers", reason="transformers is not installed (clearance[llm])")
    result = runner.invoke(app, ["llm", "serve", "--model", str(tmp_path / "absent")])
    assert result.exit_code == 5, result.output  # the README: 5 = model not found
    assert "model not found" in result.output
    (tmp_path / "empty").mkdir()
    result = runner.invoke(app, ["llm", "serve", "--model", str(tmp_path / "empty")])
    assert result.exit_code == 3, result.output  # there, but not a model: unusable input
    assert "no config.json" in result.output


def test_serve_without_fastapi_is_exit_5(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "fastapi", None)  # find_spec answers None: not installed
    result = runner.invoke(app, ["llm", "serve", "--model", str(tmp_path)])
    assert result.exit_code == 5, result.output
    assert "fastapi is not available" in result.output
    assert "clearance[llm]" in result.output


def test_serve_without_model_option_is_usage_error() -> None:
    assert runner.invoke(app, ["llm", "serve"]).exit_code == 2
