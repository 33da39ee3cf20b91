"""The import layers hold: ``[tool.importlinter]`` in pyproject.toml (errors/core -> io ->
detection -> scan -> audit/fairness/llm -> reports -> cli, no cycle inside a subpackage), checked
by import-linter (dev extra) on the source tree, and shown to catch an import that breaks them."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "pyproject.toml"
# In a fresh interpreter: import-linter imports the package it checks from sys.path, and the
# violation tests check a copy of it.
_LINT = (
    "import sys; from importlinter.cli import lint_imports; "
    "sys.exit(lint_imports(config_filename=sys.argv[1], no_cache=True, no_logo=True))"
)


def _lint(src: Path) -> subprocess.CompletedProcess[str]:
    spec = importlib.util.find_spec("importlinter")
    if spec is None or spec.origin is None:
        pytest.fail("import-linter is not installed: pip install -e '.[dev]'", pytrace=False)
    where = Path(spec.origin).parents[1]  # the folder holding importlinter (and grimp)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(src), str(where)])}
    return subprocess.run(
        [sys.executable, "-c", _LINT, str(CONFIG)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def test_the_source_tree_keeps_every_contract() -> None:
    result = _lint(ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
    assert "KEPT" in result.stdout and "BROKEN" not in result.stdout


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        # the engine reaching up into the renderers
        (
            "detection/_upward.py",
            "import clearance.reports.renderers\n",
            "clearance.detection is not allowed to import clearance.reports",
        ),
        # the calibration map importing the engine again (the cycle issue 12 broke)
        (
            "detection/calibration.py",
            "import clearance.detection.engine\n",
            "clearance.detection.calibration is not allowed to import clearance.detection.engine",
        ),
        # a subpackage no layer names
        ("newjob/__init__.py", "", "clearance.newjob"),
    ],
)
def test_a_broken_layer_fails(module: str, source: str, expected: str, tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(
        ROOT / "src" / "clearance",
        src / "clearance",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    target = src / "clearance" / module  # a new module, or one the import is added to
    target.parent.mkdir(exist_ok=True)
    target.write_text((target.read_text("utf-8") if target.exists() else "") + source, "utf-8")
    result = _lint(src)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert expected in " ".join(result.stdout.split()), result.stdout
