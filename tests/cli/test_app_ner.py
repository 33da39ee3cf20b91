"""``clearance detect --ner`` and ``clearance scan --ner`` with a spaCy pipeline built in the test."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli.app import app
from tests._ner import PERSON, PLACE, TEXT, spacy_pipeline

runner = CliRunner()


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return spacy_pipeline(tmp_path_factory.mktemp("ner") / "pipeline")


def _no_raw_value(text: str) -> None:
    assert PERSON not in text and PLACE not in text
    assert "Zebulon" not in text and "Quark" not in text


def test_detect_adds_the_pipelines_entities(tmp_path: Path, pipeline: Path) -> None:
    src = tmp_path / "docs.txt"
    src.write_text(f"{TEXT}\nno names here\n")
    plain = runner.invoke(app, ["detect", str(src)])
    assert plain.exit_code == 0, plain.output
    assert [json.loads(x)["entities"] for x in plain.stdout.splitlines()] == [[], []]
    result = runner.invoke(app, ["detect", str(src), "--ner", f"spacy:{pipeline}"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(x) for x in result.stdout.splitlines()]
    start = TEXT.index(PLACE)
    assert rows == [
        {
            "id": 1,
            "entities": [
                {
                    "type": "PERSON",
                    "start": 0,
                    "end": len(PERSON),
                    "score": 0.85,
                    "detector": "ner-spacy",
                },
                {
                    "type": "LOCATION",
                    "start": start,
                    "end": start + len(PLACE),
                    "score": 0.85,
                    "detector": "ner-spacy",
                },
            ],
        },
        {"id": 2, "entities": []},
    ]
    _no_raw_value(result.output)


def test_scan_reports_ner_findings_masked(tmp_path: Path, pipeline: Path) -> None:
    data = tmp_path / "notes.csv"
    data.write_text(f"id,note,contact\n1,{TEXT},zq@example.com\n2,nothing here,\n")
    out = tmp_path / "report.json"
    args = ["scan", str(data), "-q", "--ner", f"spacy:{pipeline}", "--fail-on", "medium"]
    result = runner.invoke(app, [*args, "-f", "json", "-o", str(out)])
    assert result.exit_code == 1, result.output  # findings at or above the gate
    report = json.loads(out.read_text())
    ner = [f for f in report["findings"] if f["rule"] == "ner-spacy"]
    assert [(f["entity"], f["location"]["column"], f["preview"]) for f in ner] == [
        ("PERSON", "note", "Z*** Q***"),
        ("LOCATION", "note", "T***"),
    ]
    assert "email" in {f["rule"] for f in report["findings"]}  # merged with the rules' findings
    _no_raw_value(out.read_text())
    for fmt in ("sarif", "markdown", "terminal"):
        other = runner.invoke(app, [*args, "-f", fmt])
        assert other.exit_code == 1, other.output
        assert "PERSON" in other.stdout
        _no_raw_value(other.output)


def test_scan_without_ner_does_not_find_the_names(tmp_path: Path) -> None:
    data = tmp_path / "notes.csv"
    data.write_text(f"id,note\n1,{TEXT}\n")
    result = runner.invoke(app, ["scan", str(data), "-q", "-f", "json", "--fail-on", "low"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["findings"] == []


@pytest.mark.parametrize("command", ["detect", "scan"])
def test_missing_pipeline_is_one_line_exit_5(tmp_path: Path, command: str) -> None:
    src = tmp_path / "docs.txt"
    src.write_text(f"{TEXT}\n")
    missing = tmp_path / "no-such-pipeline"
    pytest.importorskip("spacy", reason="spaCy is not installed (clearance[ner], dev)")
    quiet = ["-q"] if command == "scan" else []
    result = runner.invoke(app, [command, str(src), *quiet, "--ner", f"spacy:{missing}"])
    assert result.exit_code == 5, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(missing) in lines[0] and "never downloads" in lines[0]
    _no_raw_value(result.output)


@pytest.mark.parametrize("spec", ["spacy", "flair:/models/ner"])
def test_bad_spec_is_one_line_exit_4(tmp_path: Path, spec: str) -> None:
    src = tmp_path / "docs.txt"
    src.write_text(f"{TEXT}\n")
    result = runner.invoke(app, ["detect", str(src), "--ner", spec])
    assert result.exit_code == 4, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "spacy" in lines[0]
    assert result.stdout == ""


@pytest.mark.parametrize("kind", ["hf", "gliner"])
def test_missing_model_folder_is_one_line_exit_5(tmp_path: Path, kind: str) -> None:
    src = tmp_path / "docs.txt"
    src.write_text(f"{TEXT}\n")
    missing = tmp_path / "no-such-model"
    result = runner.invoke(app, ["detect", str(src), "--ner", f"{kind}:{missing}"])
    assert result.exit_code == 5, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(missing) in lines[0] and "never downloads" in lines[0]
    _no_raw_value(result.output)


def test_missing_gliner_package_is_exit_5_naming_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "docs.txt"
    src.write_text(f"{TEXT}\n")
    monkeypatch.setitem(sys.modules, "gliner", None)  # import gliner now raises ImportError
    result = runner.invoke(app, ["scan", str(src), "-q", "--ner", f"gliner:{tmp_path}"])
    assert result.exit_code == 5, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "clearance[gliner]" in lines[0]
    _no_raw_value(result.output)
