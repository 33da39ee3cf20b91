"""clearance datasheet: the seven sections of Datasheets for Datasets, the audit's facts
pre-filled (golden files), the human answers merged, prompts where none was given."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
import yaml

from clearance import __version__
from clearance.cards.datasheet import (
    SECTIONS,
    build_datasheet_paths,
    init_datasheet,
    render_datasheet_html,
    render_datasheet_json,
    render_datasheet_markdown,
)
from clearance.errors import InputError
from tests.cards.conftest import Evidence, assert_golden
from tests.reports.html_check import Checker
from tests.reports.pipeline_reports import PLANTED


def _answers(tmp: Path) -> Path:
    path = tmp / "datasheet.yaml"
    data = yaml.safe_load(init_datasheet())
    assert set(data) == {"name", *(k for k, _, _ in SECTIONS)}
    data["name"] = "Shop <script>x</script>"
    data["motivation"] = "Built to train the recommender."
    path.write_text(yaml.safe_dump(data), "utf-8")
    return path


def test_golden_and_facts(
    evidence: Evidence, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = _answers(tmp_path)
    monkeypatch.chdir(evidence.root)
    sheet = build_datasheet_paths(Path("audit.json"), answers)
    audit = json.loads(evidence.audit.read_text())
    assert sheet.evidence_sha256 == hashlib.sha256(evidence.audit.read_bytes()).hexdigest()
    assert [(t.name, t.rows) for t in sheet.tables] == [
        (t["name"], t["rows"]) for t in audit["tables"]
    ]
    assert [c.count for c in sheet.consent] == [c["consented"] for c in audit["consent"]]
    assert sum(f.values for f in sheet.pii) == sum(
        f["count"] for f in audit["findings"] if f["category"] == "pii"
    )
    assert sheet.special_categories and sheet.remediation
    done = {s.key for s in sheet.sections if s.text is not None}
    assert done == {"motivation"}
    texts = {
        "datasheet.md": render_datasheet_markdown(sheet),
        "datasheet.html": render_datasheet_html(sheet),
        "datasheet.json": render_datasheet_json(sheet),
    }
    sha = sheet.evidence_sha256
    for name, text in texts.items():
        for value in PLANTED:
            assert value not in text
        text = text.replace(sha, "SHA256-OF-audit.json").replace(__version__, "<VERSION>")
        texts[name] = text.replace(str(evidence.root), "<ROOT>")
    checker = Checker()
    checker.feed(texts["datasheet.html"])
    checker.close()
    assert not checker.errors and "script" not in checker.tags
    assert "<script" not in texts["datasheet.md"]
    assert_golden(texts)


def test_without_answers_every_section_is_a_prompt(evidence: Evidence) -> None:
    sheet = build_datasheet_paths(evidence.audit)
    assert all(s.text is None for s in sheet.sections)
    md = render_datasheet_markdown(sheet)
    assert md.count("_To be completed:") == len(SECTIONS)


def test_a_fairness_report_is_refused(evidence: Evidence, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="needs a dataset audit report"):
        build_datasheet_paths(evidence.fairness)
    bad = tmp_path / "ds.yaml"
    bad.write_text("motivaton: typo\n")
    with pytest.raises(InputError, match="motivaton: unknown key"):
        build_datasheet_paths(evidence.audit, bad)
