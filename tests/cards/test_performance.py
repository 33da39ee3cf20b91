"""card build --eval-data: the model's (or prediction column's) performance measured again on
the evaluation data by the fairness job, each number carrying that file's SHA-256; ``card
check`` calls them stale when the file changes, and calls a fairness report's numbers stale when
the data it measured changes."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import polars as pl
import pytest
import yaml
from typer.testing import CliRunner

from clearance.cards.build import build_card_paths
from clearance.cards.check import check_card_path
from clearance.cards.models import Number
from clearance.cards.render import render_to
from clearance.cli.app import app
from clearance.errors import InputError, PolicyError
from clearance.reports.registry import render
from tests.cards.conftest import complete_card, write_card
from tests.reports.pipeline_reports import _credit_csv, _fairness_policy, fairness_report


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A fairness report (of a prediction column, with a derived attribute), the policy it ran
    with, and evaluation data other than the report's."""
    root = tmp_path_factory.mktemp("performance")
    report = root / "fairness.json"
    report.write_text(render(fairness_report(root), "json"), "utf-8")
    policy = root / "fairness.yaml"
    mapping = _fairness_policy({"prediction": "approved", "score": "score"}).model_dump(
        mode="json", exclude_none=True
    )
    policy.write_text(yaml.safe_dump(mapping), "utf-8")
    evaluation = _credit_csv(root / "holdout.csv", rows=300)
    return report, policy, evaluation


def _card(tmp: Path) -> Path:
    return write_card(tmp / "card.yaml", complete_card("ecoa"))


def test_performance_is_measured_on_the_evaluation_data(
    setup: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    report, policy, evaluation = setup
    built = build_card_paths(
        _card(tmp_path), [report], eval_data=evaluation, fairness_policy=policy
    )
    numbers = built.quantitative_analysis.evaluation_metrics
    frame = pl.read_csv(evaluation)
    overall = {n.type: n for n in numbers if n.slice == "overall"}
    assert overall["accuracy"].count == frame.height == 300
    expected = (frame["label"] == frame["approved"]).mean()
    assert overall["accuracy"].value == pytest.approx(expected)
    assert overall["accuracy"].confidence_interval is not None
    # by group too, and not the fairness report's numbers (other data: other counts)
    slices = {n.slice for n in numbers}
    assert {"sex=female", "sex=male", "age_group=<25"} <= slices
    from_report = {n.slice: n.count for n in built.quantitative_analysis.performance_metrics}
    assert from_report["overall"] == 400 and overall["accuracy"].count == 300
    sha = _sha(evaluation)
    assert all(n.evidence_sha256 == n.data_sha256 == sha for n in numbers)
    (entry,) = [e for e in built.evidence if e.kind == "evaluation"]
    assert entry.sha256 == sha and entry.data[0].sha256 == sha
    # deterministic: the same files, the same numbers
    again = build_card_paths(
        _card(tmp_path), [report], eval_data=evaluation, fairness_policy=policy
    )
    assert again.quantitative_analysis.evaluation_metrics == numbers


def test_the_reports_settings_suffice_without_derivations(tmp_path: Path) -> None:
    from clearance.fairness.run import run_fairness

    data = _credit_csv(tmp_path / "credit.csv")
    policy = _fairness_policy({"prediction": "approved", "sensitive": ["sex"], "derive": {}})
    measured, _ = run_fairness(data, policy)
    report = tmp_path / "fairness.json"
    report.write_text(render(measured, "json"), "utf-8")
    evaluation = _credit_csv(tmp_path / "holdout.csv", rows=200)
    built = build_card_paths(_card(tmp_path), [report], eval_data=evaluation)
    overall = {
        n.type: n for n in built.quantitative_analysis.evaluation_metrics if n.slice == "overall"
    }
    assert overall["selection_rate"].count == 200
    assert overall["selection_rate"].value == pytest.approx(
        pl.read_csv(evaluation)["approved"].mean()
    )


def test_what_recomputing_needs_is_named(setup: tuple[Path, Path, Path], tmp_path: Path) -> None:
    report, policy, evaluation = setup
    with pytest.raises(PolicyError, match="derived age_group"):
        build_card_paths(_card(tmp_path), [report], eval_data=evaluation)
    with pytest.raises(PolicyError, match="needs the fairness report"):
        build_card_paths(_card(tmp_path), [], eval_data=evaluation, fairness_policy=policy)
    with pytest.raises(PolicyError, match="only used with evaluation data"):
        build_card_paths(_card(tmp_path), [report], fairness_policy=policy)


def _write(tmp: Path, built: object) -> Path:
    out = tmp / "card.json"
    out.write_text(render_to(built, out), "utf-8")  # type: ignore[arg-type]
    return out


def test_changed_evaluation_data_makes_its_numbers_stale(
    setup: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    report, policy, evaluation = setup
    mine = tmp_path / "holdout.csv"
    mine.write_bytes(evaluation.read_bytes())
    card = _write(
        tmp_path,
        build_card_paths(_card(tmp_path), [report], eval_data=mine, fairness_policy=policy),
    )
    assert (
        next(e for e in check_card_path(card, "ecoa").evidence if e.kind == "evaluation").status
        == "current"
    )
    mine.write_text(mine.read_text().replace("female", "male", 1), "utf-8")
    result = check_card_path(card, "ecoa")
    status = next(e for e in result.evidence if e.kind == "evaluation")
    assert status.status == "changed" and not result.passed
    assert any("accuracy overall" in n for n in status.stale_numbers)


def test_changed_data_behind_a_report_makes_its_numbers_stale(tmp_path: Path) -> None:
    report = tmp_path / "fairness.json"
    report.write_text(render(fairness_report(tmp_path), "json"), "utf-8")
    data = tmp_path / "fairness" / "credit.csv"
    card = _write(tmp_path, build_card_paths(_card(tmp_path), [report]))
    first = check_card_path(card, "ecoa")
    (status,) = first.evidence
    assert status.status == "current" and status.data[0].status == "current"
    assert all(n.data_sha256 == _sha(data) for n in [*built_numbers(card)])
    data.write_text(data.read_text() + "female,30,1000,a@b.c,0.5,1,1,x\n", "utf-8")
    result = check_card_path(card, "ecoa")
    (status,) = result.evidence
    assert status.status == "data_changed" and not result.passed
    assert status.data[0].status == "changed"
    assert any("overall" in n for n in status.stale_numbers)
    assert "verdict (verdict.passed)" in status.stale_numbers
    assert {i.id for i in result.items if i.status == "stale"} >= {"protected-class-testing"}
    # data that is not here (the check runs elsewhere) is named, not stale
    data.unlink()
    (status,) = check_card_path(card, "ecoa").evidence
    assert status.status == "current" and status.data[0].status == "not_found"


def built_numbers(card: Path) -> list[Number]:
    from clearance.cards.check import load_built_card

    built = load_built_card(card)
    return [
        *built.quantitative_analysis.performance_metrics,
        *built.quantitative_analysis.disparities,
    ]


def test_cli_builds_with_evaluation_data_and_names_a_missing_policy(
    setup: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    report, policy, evaluation = setup
    card = _card(tmp_path)
    out = tmp_path / "card.json"
    runner = CliRunner()
    args = ["card", "build", str(card), "--evidence", str(report), "--eval-data", str(evaluation)]
    result = runner.invoke(app, [*args, "-o", str(out), "--no-evidence"])
    assert result.exit_code == 4 and "derived age_group" in result.output
    assert not out.exists()
    result = runner.invoke(app, [*args, "--policy", str(policy), "-o", str(out), "--no-evidence"])
    assert result.exit_code == 0, result.output
    assert "evaluation_metrics" in out.read_text()
    checked = runner.invoke(app, ["card", "check", str(out), "--regime", "ecoa"])
    # a prediction column gives no adverse-action reasons: that item alone is missing, and
    # nothing is stale
    assert checked.exit_code == 1 and "3 of 4 items present" in checked.output
    assert "stale" not in checked.output


@pytest.mark.parametrize("kind", ["missing", "folder", "fifo"])
def test_evaluation_data_that_is_not_a_file_is_an_input_error(
    setup: tuple[Path, Path, Path], tmp_path: Path, kind: str
) -> None:
    report, policy, _ = setup
    bad = tmp_path / "<script>x.csv"
    if kind == "folder":
        bad.mkdir()
    elif kind == "fifo":
        os.mkfifo(bad)  # never opened: the hash would block on it
    with pytest.raises(InputError, match="expected evaluation data") as err:
        build_card_paths(_card(tmp_path), [report], eval_data=bad, fairness_policy=policy)
    assert str(bad) in str(err.value)
