"""Shared parts of the pipeline golden tests (``tests/e2e/test_pipeline_golden.py`` and
``tests/llm/test_pipeline_golden.py``): run a command in a folder, normalise its output, compare
it with ``tests/e2e/golden/``.

``CLEARANCE_UPDATE_GOLDEN=1`` rewrites the golden files (the test then reports skipped, never
passed); review the diff before committing it.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance import __version__
from clearance.cli.app import app
from tests.reports.golden_files import UPDATE

GOLDEN = Path(__file__).parent / "golden"
KEY = "pipeline-golden-key"
# values planted in the inputs that no output may contain (the e2e no-leak and golden tests)
PLANTED = {
    "email": "zelda.quartermaine@example-mail.com",
    "card": "4111 1111 1111 1111",
    "ssn": "536-90-4399",
    "iban": "GB82WEST12345698765432",
    "phone": "+44 20 7946 0958",
    "aws": "AKIAQYLPMN5HHHFPZAM2",
    "github": "ghp_8sXq2ZrT6vN1mKpL0aYwC3dE5fG7hJ9kQbRt",
    "name": "Zelda Quartermaine",
}

_TIME = re.compile(
    r"\d{4}-\d\d-\d\d(?:T\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?| \d\d:\d\d UTC)"
)
_SECONDS = re.compile(r'("(?:duration|elapsed|seconds|wall)[a-z_]*": )[0-9.e-]+')

Invoke = Callable[..., tuple[int, str]]


# The tiny LM's cache entry is keyed by the installed torch and transformers versions (and lives
# under the user's cache): a new transformers release must not read as a changed report.
_TINY_LM = re.compile(r"[^\s\"'<>`]*/tiny-lm/[0-9a-f]{16}/model")


def normalise(text: str, root: Path) -> str:
    """Paths under the test's folder, the tiny LM's cache entry, the version and the clock are
    the run's, not the output's; so is the SHA-256 of a model file trained in the run (a skops
    file is a zip archive: its entries carry the time they were written)."""
    text = text.replace(str(root), "<ROOT>").replace(__version__, "<VERSION>")
    for model in sorted(root.rglob("*.skops")):
        text = text.replace(
            hashlib.sha256(model.read_bytes()).hexdigest(), f"SHA256-OF-{model.name}"
        )
    text = _TINY_LM.sub("<TINY_LM>/model", text)
    text = _TIME.sub("<TIME>", text)
    return _SECONDS.sub(r"\1<SECONDS>", text)


def read(path: Path, root: Path) -> str:
    return normalise(path.read_text("utf-8"), root)


def invoker(root: Path) -> Invoke:
    """Runs ``clearance ARGS`` in-process (the caller has changed into ``root``) and returns the
    exit code and normalised stdout; an internal error is raised, never compared."""

    def run(*args: str) -> tuple[int, str]:
        # relative paths: fingerprints of columns hash their file's path, which must not vary
        relative = [a.replace(f"{root}/", "") for a in args]
        result = CliRunner().invoke(app, relative)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return result.exit_code, normalise(result.stdout, root)

    return run


def golden(texts: dict[str, str]) -> None:
    """All of one test's outputs: in update mode every file is rewritten before the skip; else
    every differing file is named at once."""
    if os.environ.get(UPDATE) == "1":
        GOLDEN.mkdir(exist_ok=True)
        for name, text in texts.items():
            (GOLDEN / name).write_text(text, encoding="utf-8", newline="\n")
        pytest.skip(f"{len(texts)} golden files rewritten ({UPDATE}=1); review, rerun without")
    missing = sorted(n for n in texts if not (GOLDEN / n).is_file())
    assert not missing, f"missing golden files {missing}; run with {UPDATE}=1"
    differ = sorted(n for n, t in texts.items() if (GOLDEN / n).read_text("utf-8") != t)
    assert not differ, f"outputs differ from tests/e2e/golden: {differ} ({UPDATE}=1 rewrites)"
