"""card init and card build: the skeleton of each regime, the built card in every format
(golden files), every number equal to its value in the evidence file it names by hash, and
text from the card and the evidence escaped where it is printed."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
import yaml

from clearance import __version__
from clearance.cards.build import build_card_paths, init_card, load_card
from clearance.cards.check import _lookup
from clearance.cards.models import REGIMES, ModelCard
from clearance.cards.regimes import catalogue
from clearance.cards.render_html import render_card_html
from clearance.cards.render_markdown import render_card_markdown
from tests.cards.conftest import Evidence, assert_golden, complete_card, write_card
from tests.reports.html_check import Checker
from tests.reports.pipeline_reports import PLANTED

HOSTILE_TEXT = "<script>alert(1)</script> \x1b[31mred | pipe `tick` [x](javascript:y)"


@pytest.mark.parametrize("regime", REGIMES)
def test_init_writes_every_section_the_regime_asks_for(regime: str, tmp_path: Path) -> None:
    text = init_card(regime)  # type: ignore[arg-type]
    card = load_card(write_card(tmp_path / "c.yaml", yaml.safe_load(text)))
    assert card.regime == regime
    named = {s for item in catalogue().regimes[regime].items for s in item.sections}  # type: ignore[index]
    for path in catalogue().sections_for(regime):  # type: ignore[arg-type]
        head, _, tail = path.partition(".")
        value = getattr(card, head)
        value = getattr(value, tail) if tail else value
        assert value in ("", []), path  # written, blank
        # each section comes with its one-line prompt
        assert f"# {catalogue().sections[path].prompt}" in text
    assert named <= set(catalogue().sections_for(regime))  # type: ignore[arg-type]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _hostile_card(tmp: Path) -> Path:
    card = complete_card("eu-ai-act")
    card["limitations"] = HOSTILE_TEXT + "\nSecond line."
    card["monitoring"] = {"plan": "", "human_oversight": "Credit officers review every denial."}
    del card["design"]
    md = card["model_details"]
    assert isinstance(md, dict)
    md["name"] = "Credit <b>model</b>"
    md["date"] = "2026-01-31"
    return write_card(tmp / "card.yaml", card)


def _built(evidence: Evidence, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> ModelCard:
    monkeypatch.chdir(evidence.root)  # relative evidence paths: the goldens hold no temp path
    return build_card_paths(_hostile_card(tmp), [Path("fairness.json"), Path("audit.json")])


def _normalise(text: str, evidence: Evidence) -> str:
    text = text.replace(_sha(evidence.fairness), "SHA256-OF-fairness.json")
    text = text.replace(_sha(evidence.audit), "SHA256-OF-audit.json")
    text = text.replace(str(evidence.root), "<ROOT>").replace(__version__, "<VERSION>")
    return text


def test_golden_markdown_html_json(
    evidence: Evidence, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = _built(evidence, tmp_path, monkeypatch)
    assert_golden(
        {
            "card.md": _normalise(render_card_markdown(card), evidence),
            "card.html": _normalise(render_card_html(card), evidence),
            "card.json": _normalise(card.model_dump_json(indent=2) + "\n", evidence),
        }
    )


def test_every_number_equals_its_evidence(
    evidence: Evidence, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = _built(evidence, tmp_path, monkeypatch)
    files = {_sha(evidence.fairness): evidence.fairness, _sha(evidence.audit): evidence.audit}
    assert {e.sha256 for e in card.evidence} == set(files)
    qa = card.quantitative_analysis
    numbers = [*qa.performance_metrics, *qa.disparities]
    numbers += [n for d in card.model_parameters.data.values() for n in d.facts]
    assert len(numbers) > 50
    loaded = {sha: json.loads(path.read_text()) for sha, path in files.items()}
    for n in numbers:
        assert n.evidence_sha256 in files, n
        assert _lookup(loaded[n.evidence_sha256], n.source) == n.value, n
        if n.confidence_interval is not None:
            base = n.source.rsplit(".", 1)[0].replace(".metrics", "")
            iv = _lookup(loaded[n.evidence_sha256], f"{base}.ci.{n.type}")
            assert isinstance(iv, dict)
            assert (iv["low"], iv["high"]) == (
                n.confidence_interval.lower_bound,
                n.confidence_interval.upper_bound,
            )
    verdict = qa.verdict
    assert verdict is not None
    assert verdict.passed == loaded[verdict.evidence_sha256]["verdict"]["passed"]
    # the data the report measured, as the report records it
    fairness_ref = next(e for e in card.evidence if e.kind == "fairness")
    assert fairness_ref.data_source[0] == loaded[fairness_ref.sha256]["data"]["source"]


def test_hostile_text_is_escaped(
    evidence: Evidence, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = _built(evidence, tmp_path, monkeypatch)
    groups = {n.slice for n in card.quantitative_analysis.performance_metrics}
    assert any("<i>x</i>" in g for g in groups)  # a group name from the data is markup
    html = render_card_html(card)
    checker = Checker()
    checker.feed(html)
    checker.close()
    assert not checker.errors
    assert {"script", "b", "i"}.isdisjoint(checker.tags)
    assert "\x1b" not in html and "&lt;script&gt;" in html
    assert not any(v and "javascript" in v for _, v in checker.attrs)
    # self-contained: nothing is fetched, nothing runs
    assert not {"src", "href", "onload", "onerror"} & {k for k, _ in checker.attrs}
    md = render_card_markdown(card)
    assert "\x1b" not in md
    body = md.split("\n---\n", 1)[1]
    assert not re.search(r"<[a-zA-Z/]", body)  # no raw tag anywhere in the Markdown body
    assert re.search(r"(?<!\\)\]\(javascript", body) is None  # the link is escaped
    # the metadata header holds no raw tag either, and reads back as the exact group names
    header = md.split("\n---\n", 1)[0].removeprefix("---\n")
    assert "<" not in header
    meta = yaml.safe_load(header)
    names = {m["name"] for m in meta["model-index"][0]["results"][0]["metrics"]}
    assert any("<i>x</i>" in n for n in names)
    assert meta["model-index"][0]["name"] == "Credit <b>model</b>"


def test_build_without_evidence_has_no_number(tmp_path: Path) -> None:
    card = build_card_paths(write_card(tmp_path / "c.yaml", complete_card("ecoa")), [])
    assert card.evidence == [] and card.quantitative_analysis.performance_metrics == []
    assert "No measured evidence" in render_card_markdown(card)


def test_no_planted_value_reaches_the_card(
    evidence: Evidence, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = _built(evidence, tmp_path, monkeypatch)
    for text in (render_card_markdown(card), render_card_html(card), card.model_dump_json()):
        for value in PLANTED:
            assert value not in text


def test_markup_and_escape_codes_in_evidence_group_names(
    evidence: Evidence, tmp_path: Path
) -> None:
    data = json.loads(evidence.fairness.read_text())
    hostile = "\x1b[2J<script>alert(1)</script>|`x`"
    data["by_group"][0]["group"] = hostile
    data["verdict"]["reasons"] = [f"sex: {hostile} differs"]
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(data))
    card = build_card_paths(write_card(tmp_path / "c.yaml", complete_card("ecoa")), [path])
    assert any(hostile in n.slice for n in card.quantitative_analysis.performance_metrics)
    md, html = render_card_markdown(card), render_card_html(card)
    for text in (md, html):
        assert "\x1b" not in text and "<script" not in text
    checker = Checker()
    checker.feed(html)
    checker.close()
    assert not checker.errors
    # the Markdown table keeps its columns: the pipe and the backticks are escaped
    row = next(line for line in md.splitlines() if "alert(1)" in line and line.startswith("| "))
    assert "\\|\\`x\\`" in row
