"""clearance card init|build|check and clearance datasheet through the CLI: the documented exit
codes (0 complete, 1 gaps or stale evidence, 3 bad input, 4 an unknown output suffix, 70 a bug,
never 1), the items a human still has to fill on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from clearance.cli.app import app
from tests.cards.conftest import Evidence, complete_card, make_evidence, write_card
from tests.cli._evidence import RUN_ID, hashes, only_run, recorded, sha256

runner = CliRunner()


@pytest.fixture(scope="module")
def evidence(tmp_path_factory: pytest.TempPathFactory) -> Evidence:
    return make_evidence(tmp_path_factory.mktemp("card-cli-evidence"))


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stderr


def test_init_build_check(evidence: Evidence, tmp_path: Path) -> None:
    card = tmp_path / "card.yaml"
    code, _ = _run("card", "init", "--regime", "sr-11-7", "-o", str(card))
    assert code == 0 and yaml.safe_load(card.read_text())["regime"] == "sr-11-7"
    outs = [tmp_path / f"card.{s}" for s in ("md", "html", "json")]
    code, err = _run(
        "card", "build", str(card), "--evidence", str(evidence.fairness),
        "--evidence", str(evidence.audit), *(f"-o{o}" for o in outs),
    )  # fmt: skip
    assert code == 0, err
    assert outs[0].read_text().startswith("---\n")
    assert outs[1].read_text().startswith("<!DOCTYPE html>")
    assert json.loads(outs[2].read_text())["kind"] == "model-card"
    check = tmp_path / "check.json"
    code, err = _run("card", "check", str(outs[2]), "--regime", "sr-11-7", "-o", str(check))
    assert code == 1
    assert "0 of 8 items present" in err and "theory" in err and "design.theory" in err
    report = json.loads(check.read_text())
    assert report["passed"] is False and report["counts"]["empty"] == 8


def test_complete_card_exits_0_and_stale_exits_1(evidence: Evidence, tmp_path: Path) -> None:
    fairness = tmp_path / "fairness.json"
    fairness.write_bytes(evidence.fairness.read_bytes())
    card = write_card(tmp_path / "card.yaml", complete_card("ecoa"))
    out = tmp_path / "card.json"
    assert _run("card", "build", str(card), "--evidence", str(fairness), "-o", str(out))[0] == 0
    code, err = _run("card", "check", str(out), "--regime", "ecoa")
    assert code == 0 and "PASS" in err
    fairness.write_text(fairness.read_text() + "\n")
    code, err = _run("card", "check", str(out), "--regime", "ecoa")
    assert code == 1
    assert "changed since the card was built" in err and "by_group[0].selection_rate" in err


@pytest.mark.parametrize(
    ("yaml_text", "expected"),
    [
        ("model_details:\n  nmae: x\n", "model_details.nmae: unknown key"),
        ("limitations: [a]\n", "limitations: input should be a valid string"),
    ],
)
def test_bad_card_exits_3(yaml_text: str, expected: str, tmp_path: Path) -> None:
    card = tmp_path / "card.yaml"
    card.write_text(yaml_text)
    code, err = _run("card", "build", str(card), "-o", str(tmp_path / "card.json"))
    assert code == 3 and str(card) in err and expected in err
    assert not (tmp_path / "card.json").exists()


def test_bad_paths(evidence: Evidence, tmp_path: Path) -> None:
    card = write_card(tmp_path / "card.yaml", complete_card("ecoa"))
    code, err = _run("card", "build", str(card), "--evidence", str(tmp_path / "gone.json"))
    assert code == 3 and "gone.json: not found" in err
    # the output may not replace an input
    before = evidence.fairness.read_bytes()
    code, _ = _run(
        "card", "build", str(card), "--evidence", str(evidence.fairness),
        "-o", str(evidence.fairness),
    )  # fmt: skip
    assert code == 3 and evidence.fairness.read_bytes() == before
    code, err = _run("card", "build", str(card), "-o", str(tmp_path / "card.txt"))
    assert code == 4 and ".md" in err
    code, err = _run("card", "check", str(card), "--regime", "ecoa")
    assert code == 3 and "not JSON" in err
    code, _ = _run("card", "check", str(evidence.fairness), "--regime", "ecoa")
    assert code == 3
    code, _ = _run("card", "check", str(card), "--regime", "gdpr")
    assert code == 2


def test_a_crash_is_never_a_finding(
    evidence: Evidence, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import clearance.cli.card_cmd as cmd

    def boom(*args: object) -> object:
        raise RuntimeError("bug")

    monkeypatch.setattr(cmd, "check_card_path", boom)
    result = runner.invoke(app, ["card", "check", str(evidence.fairness), "--regime", "ecoa"])
    assert result.exit_code == 70


def test_datasheet(evidence: Evidence, tmp_path: Path) -> None:
    answers = tmp_path / "ds.yaml"
    assert _run("datasheet", "init", "-o", str(answers))[0] == 0
    outs = [tmp_path / f"ds.{s}" for s in ("md", "json", "html")]
    code, err = _run(
        "datasheet", "build", "--evidence", str(evidence.audit), "--card", str(answers),
        *(f"-o{o}" for o in outs),
    )  # fmt: skip
    assert code == 0 and "still to be written by a human: motivation" in err
    assert json.loads(outs[1].read_text())["kind"] == "datasheet"
    code, err = _run("datasheet", "build", "--evidence", str(evidence.fairness), "-o", str(outs[0]))
    assert code == 3 and "needs a dataset audit report" in err


def test_check_and_datasheet_runs_are_recorded(evidence: Evidence, tmp_path: Path) -> None:
    card = write_card(tmp_path / "card.yaml", complete_card("ecoa"))
    built = tmp_path / "card.json"
    assert _run("card", "build", str(card), "-o", str(built), "--no-evidence")[0] == 0
    assert recorded() == []
    check = tmp_path / "check.json"
    result = runner.invoke(app, ["card", "check", str(built), "--regime", "ecoa", "-o", str(check)])
    entry = only_run("card check", result.stderr)
    assert entry["verdict"] == ("pass" if result.exit_code == 0 else "fail")
    assert hashes(entry["inputs"]) == {str(built): sha256(built)}
    assert hashes(entry["outputs"]) == {str(check): sha256(check)}
    assert entry["summary"]["regime"] == "ecoa"
    sheet = tmp_path / "ds.json"
    result = runner.invoke(
        app, ["datasheet", "build", "--evidence", str(evidence.audit), "-o", str(sheet)]
    )
    assert result.exit_code == 0, result.output
    entry = recorded()[-1]
    assert entry["command"] == "datasheet build" and entry["verdict"] == "built"
    assert RUN_ID.findall(result.stderr) == [entry["run_id"]]
    assert hashes(entry["inputs"]) == {str(evidence.audit): sha256(evidence.audit)}
    assert hashes(entry["outputs"]) == {str(sheet): sha256(sheet)}
    result = runner.invoke(
        app,
        [
            "datasheet",
            "build",
            "--evidence",
            str(evidence.audit),
            "-o",
            str(sheet),
            "--no-evidence",
        ],
    )
    assert result.exit_code == 0 and len(recorded()) == 2 and not RUN_ID.search(result.stderr)


def test_pdf_without_chromium_exits_5(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    card = write_card(tmp_path / "card.yaml", complete_card("ecoa"))
    monkeypatch.setenv("CLEARANCE_CHROMIUM", str(tmp_path / "none"))
    code, err = _run(
        "card", "build", str(card), "-o", str(tmp_path / "c.md"), "-o", str(tmp_path / "c.pdf")
    )
    assert code == 5 and "chromium" in err
    assert not (tmp_path / "c.md").exists()  # all outputs or none


@pytest.mark.parametrize("command", [["card", "init", "--regime", "ecoa"], ["datasheet", "init"]])
def test_init_never_replaces_a_filled_yaml(command: list[str], tmp_path: Path) -> None:
    path = tmp_path / "filled.yaml"
    path.write_text("limitations: written by a human\n")
    code, err = _run(*command, "-o", str(path))
    assert code == 4 and "already exists" in err
    assert path.read_text() == "limitations: written by a human\n"
    assert _run(*command, "-o", str(path), "--force")[0] == 0
    assert "written by a human" not in path.read_text()


def test_the_evidence_warnings_reach_the_terminal_and_the_card(
    evidence: Evidence, tmp_path: Path
) -> None:
    data = json.loads(evidence.fairness.read_text())
    data["warnings"] = ["sex: group 'x' below the minimum size, not ranked"]
    fairness = tmp_path / "fairness.json"
    fairness.write_text(json.dumps(data))
    card = write_card(tmp_path / "card.yaml", complete_card("ecoa"))
    out = tmp_path / "card.md"
    code, err = _run("card", "build", str(card), "--evidence", str(fairness), "-o", str(out))
    assert code == 0
    assert f"warning: {fairness}: sex: group 'x' below the minimum size" in err
    assert "- sex: group 'x' below the minimum size, not ranked" in out.read_text()
