from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from clearance.cli.app import app
from tests.cli._evidence import (
    FOLDER,
    assert_nothing_planted,
    hashes,
    only_run,
    recorded,
    sha256,
)

runner = CliRunner()


def _files(tmp: Path, query: str) -> list[str]:
    data = tmp / "visits.csv"
    pl.DataFrame({"site": ["a", "b"] * 50, "minutes": list(range(100))}).write_csv(data)
    (tmp / "q.yaml").write_text(query)
    return [
        "dp",
        "--data",
        str(data),
        "--query",
        str(tmp / "q.yaml"),
        "--ledger",
        str(tmp / "ledger.json"),
        "-o",
        str(tmp / "out.json"),
    ]


COUNT = "budget: {epsilon: 1}\nreleases: [{kind: count, epsilon: 0.6, group_by: {site: [a, b]}}]\n"


def test_release_then_refusal_exit_4_in_one_line(tmp_path: Path) -> None:
    argv = _files(tmp_path, COUNT)
    first = runner.invoke(app, argv)
    assert first.exit_code == 0, first.output
    assert "epsilon 0.6 spent, 0.6 of 1 used" in first.stderr
    out = json.loads((tmp_path / "out.json").read_text())
    assert [g["key"]["site"] for g in out["releases"][0]["groups"]] == ["a", "b"]
    (tmp_path / "out.json").unlink()
    second = runner.invoke(app, argv)
    assert second.exit_code == 4
    lines = second.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: dataset 'visits': budget exceeded")
    assert "spent epsilon 0.6" in lines[0] and "requested 0.6" in lines[0]
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize(
    ("query", "code", "match"),
    [
        ("- {kind: count, epsilon: 0}\n", 4, "releases.0.epsilon"),
        (
            "budget: {epsilon: 1}\nreleases: [{kind: sum, column: minutes, epsilon: 0.1}]\n",
            4,
            "has no bounds",
        ),
        (
            "budget: {epsilon: 1}\nreleases: [{kind: count, epsilon: 0.1, "
            'group_by: {"\\e]8;;http://x\\e\\\\[b]bold[/b]": [a]}}]\n',
            4,
            "is not a column",
        ),
    ],
)
def test_errors_exit_codes_and_escaping(tmp_path: Path, query: str, code: int, match: str) -> None:
    result = runner.invoke(app, _files(tmp_path, query))
    assert result.exit_code == code, result.output
    assert match in result.stderr and "\x1b" not in result.stderr
    assert "Traceback" not in result.output


def test_missing_ledger_folder_exit_3(tmp_path: Path) -> None:
    argv = _files(tmp_path, COUNT)
    argv[argv.index("--ledger") + 1] = str(tmp_path / "no" / "ledger.json")
    result = runner.invoke(app, argv)
    assert result.exit_code == 3 and "does not exist" in result.stderr


def test_corrupt_ledger_exit_3_and_kept(tmp_path: Path) -> None:
    argv = _files(tmp_path, COUNT)
    (tmp_path / "ledger.json").write_text('{"version": 1, "entries": [')
    result = runner.invoke(app, argv)
    assert result.exit_code == 3 and "not reset" in result.stderr
    assert (tmp_path / "ledger.json").read_text() == '{"version": 1, "entries": ['


def test_opendp_missing_exit_5(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "opendp", None)
    result = runner.invoke(app, _files(tmp_path, COUNT))
    assert result.exit_code == 5 and "clearance[dp]" in result.stderr
    assert not (tmp_path / "ledger.json").exists()


def test_a_release_is_recorded_with_its_files_and_no_value(tmp_path: Path) -> None:

    argv = _files(tmp_path, COUNT.replace("[a, b]", "[site-planted-a, site-planted-b]"))
    data = tmp_path / "visits.csv"
    pl.DataFrame(
        {"site": ["site-planted-a", "site-planted-b"] * 50, "minutes": list(range(100))}
    ).write_csv(data)
    result = runner.invoke(app, argv)
    assert result.exit_code == 0, result.output
    entry = only_run("dp", result.stderr)
    assert entry["verdict"] == "pass" and entry["summary"]["epsilon_spent"] == 0.6
    assert hashes(entry["inputs"]) == {
        str(data): sha256(data),
        str(tmp_path / "q.yaml"): sha256(tmp_path / "q.yaml"),
    }
    assert set(hashes(entry["outputs"])) == {
        str(tmp_path / "out.json"),
        str(tmp_path / "ledger.json"),
    }
    assert_nothing_planted("site-planted")
    # a refused release (budget exceeded) writes nothing and records nothing
    (tmp_path / "out.json").unlink()
    assert runner.invoke(app, argv).exit_code == 4
    assert len(recorded()) == 1


def test_no_evidence_records_nothing(tmp_path: Path) -> None:

    result = runner.invoke(app, [*_files(tmp_path, COUNT), "--no-evidence"])
    assert result.exit_code == 0, result.output
    assert not FOLDER.exists()
