"""One conformance suite for every renderer of the registry: each report kind x format, on REAL
reports built by the jobs' library entry points from generated data with PII and secrets
planted in the inputs (``tests/reports/pipeline_reports.py``).

- HTML is well-formed (``html_check``) and self-contained: no script, no external resource;
- no planted raw value in any format, and the hostile name never reaches HTML or Markdown as
  markup;
- the bytes are the same in two processes with different ``PYTHONHASHSEED`` (set iteration
  order, the usual source of nondeterminism, changes between them);
- SARIF validates against the official SARIF 2.1.0 JSON schema (vendored in ``schemas/``).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from clearance.reports.registry import RENDERERS, format_for_path
from tests.reports.html_check import parse
from tests.reports.pipeline_reports import HOSTILE, KINDS, PLANTED, Rendered, build, render_all

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path(__file__).parent / "schemas" / "sarif-2.1.0.json"
EXTERNAL = re.compile(
    r"""(?:src|href|xlink:href)\s*=\s*["']?\s*(?:https?:)?//|url\(|@import|<script|<link|<iframe|<img""",
    re.I,
)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every kind's report in every format, built once from relative paths."""
    root = tmp_path_factory.mktemp("pipeline")
    cwd = os.getcwd()
    os.chdir(root)
    try:
        out: list[Rendered] = []
        for kind in KINDS:
            out += render_all(kind, build(kind, Path(".")))
    finally:
        os.chdir(cwd)
    return {r.name: r.text for r in out}


def test_every_kind_and_format_is_covered(rendered: dict[str, str]) -> None:
    expected = {f"{kind}.{fmt}" for kind, fmt in RENDERERS}
    assert set(rendered) == expected


def test_html_is_well_formed_and_self_contained(rendered: dict[str, str]) -> None:
    pages = {n: t for n, t in rendered.items() if n.endswith(".html")}
    assert len(pages) == 6
    for name, text in pages.items():
        checker = parse(text)
        assert not checker.errors, (name, checker.errors[:5])
        assert not checker.stack, (name, checker.stack)
        assert checker.tags[0] == "html" and "script" not in checker.tags, name
        assert not EXTERNAL.search(text), (name, EXTERNAL.search(text))
        for attr, value in checker.attrs:
            assert not attr.startswith("on"), (name, attr)
            assert "://" not in (value or ""), (name, attr, value)


def test_no_planted_value_in_any_format(rendered: dict[str, str]) -> None:
    for name, text in rendered.items():
        for value in PLANTED:
            assert value not in text, (name, value)


def test_hostile_names_never_become_markup(rendered: dict[str, str]) -> None:
    shown = 0
    for name, text in rendered.items():
        if name.endswith(".html"):
            assert HOSTILE not in text and "<b " not in text and "<i>" not in text, name
            checker = parse(text)
            assert "b" not in checker.tags and "i" not in checker.tags, name
            text_shown = "".join(checker.text)
            shown += HOSTILE in text_shown or "<i>x</i>" in text_shown
        elif name.endswith(".markdown"):
            # shown verbatim only inside a code span; elsewhere "<" is an entity
            outside = re.sub(r"(`+)[^`]*?\1", "", text)
            assert HOSTILE not in outside and "<i>x</i>" not in outside, name
    # the audit's column, the fairness and mitigation reports' group: shown, as text
    assert shown >= 3


def test_sarif_validates_against_the_2_1_0_schema(rendered: dict[str, str]) -> None:
    schema = json.loads(SCHEMA.read_text("utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    doc = json.loads(rendered["scan.sarif"])
    assert doc["runs"][0]["results"]
    errors = [e.message for e in validator.iter_errors(doc)]
    assert errors == []
    # the schema is strict enough to notice a broken document
    doc["runs"][0]["results"][0]["level"] = "fatal"
    del doc["version"]
    assert len(list(validator.iter_errors(doc))) >= 2


def _render_in_subprocess(out: Path, seed: str) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}"}
    subprocess.run(
        [sys.executable, "-m", "tests.reports.pipeline_reports", str(out), *KINDS],
        check=True,
        cwd=ROOT,
        env=env,
        timeout=600,
    )
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_bytes_are_the_same_across_processes_and_hash_seeds(tmp_path: Path) -> None:
    first = _render_in_subprocess(tmp_path / "a", "1")
    second = _render_in_subprocess(tmp_path / "b", "2024")
    assert set(first) == {f"{kind}.{fmt}" for kind, fmt in RENDERERS}
    for name, data in first.items():
        assert data == second[name], name


SUFFIX = {"json": ".json", "markdown": ".md", "html": ".html", "sarif": ".sarif"}


@pytest.mark.parametrize(("kind", "fmt"), sorted(k for k in RENDERERS if k[1] != "terminal"))
def test_every_file_format_is_reachable_from_a_path(kind: str, fmt: str) -> None:
    assert format_for_path(Path(f"report{SUFFIX[fmt]}"), kind) == fmt
