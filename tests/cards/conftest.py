"""Evidence for the card tests: a real fairness report and a real dataset audit report, built
by the jobs' entry points on small data with hostile group and column names
(``tests/reports/pipeline_reports.py``), written as the JSON the commands write."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from clearance.cards.regimes import catalogue
from clearance.fairness.report import ReasonSummary
from clearance.reports.registry import render
from tests.reports.golden_files import UPDATE
from tests.reports.pipeline_reports import audit_report, fairness_report


@dataclass(frozen=True)
class Evidence:
    root: Path
    fairness: Path
    audit: Path


def make_evidence(root: Path) -> Evidence:
    """The reports written into ``root`` (the card and CLI tests' session fixtures)."""
    fairness = root / "fairness.json"
    audit = root / "audit.json"
    # the audit of a prediction column has no adverse-action reasons (they need a model): the
    # reasons a model's audit records are added to the real report
    report = fairness_report(root)
    reasons = [
        ReasonSummary(attribute="sex", group="<i>x</i>", denied=3, top_reasons=[("income", 3)])
    ]
    fairness.write_text(render(report.model_copy(update={"reasons": reasons}), "json"), "utf-8")
    audit.write_text(render(audit_report(root), "json"), "utf-8")
    return Evidence(root, fairness, audit)


@pytest.fixture(scope="session")
def evidence(tmp_path_factory: pytest.TempPathFactory) -> Evidence:
    return make_evidence(tmp_path_factory.mktemp("card-evidence"))


def complete_card(regime: str) -> dict[str, object]:
    """A card YAML (as data) with every section the catalogue knows filled in."""
    card: dict[str, object] = {"regime": regime}
    for path in catalogue().sections:
        head, _, tail = path.partition(".")
        value: object = ["Risk team"] if path == "model_details.owners" else f"Text of {path}."
        if tail:
            section = card.setdefault(head, {})
            assert isinstance(section, dict)
            section[tail] = value
        else:
            card[head] = value
    return card


def write_card(path: Path, card: dict[str, object]) -> Path:
    path.write_text(yaml.safe_dump(card, sort_keys=False), "utf-8")
    return path


GOLDEN = Path(__file__).parent / "golden"


def assert_golden(texts: dict[str, str]) -> None:
    """``tests/cards/golden``: every file at once; ``CLEARANCE_UPDATE_GOLDEN=1`` rewrites them
    and reports the test skipped (review the diff, rerun without)."""
    if os.environ.get(UPDATE) == "1":
        GOLDEN.mkdir(exist_ok=True)
        for name, text in texts.items():
            (GOLDEN / name).write_text(text, encoding="utf-8", newline="\n")
        pytest.skip(f"{len(texts)} golden files rewritten ({UPDATE}=1); review, rerun without")
    missing = sorted(n for n in texts if not (GOLDEN / n).is_file())
    assert not missing, f"missing golden files {missing}; run with {UPDATE}=1"
    differ = sorted(n for n, t in texts.items() if (GOLDEN / n).read_text("utf-8") != t)
    assert not differ, f"differ from tests/cards/golden: {differ} ({UPDATE}=1 rewrites)"
