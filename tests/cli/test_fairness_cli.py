from __future__ import annotations

import json
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from clearance.cli.app import app
from tests._data import german_workspace, needs_german
from tests.cli._evidence import hashes, recorded, sha256

runner = CliRunner()


@pytest.fixture(scope="module")
def german(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    return german_workspace(tmp_path_factory.mktemp("german"))


@needs_german
def test_fairness_german_reports_and_verdict(
    german: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    data, model, policy = german
    out_json, out_html, reasons = tmp_path / "f.json", tmp_path / "f.html", tmp_path / "r.csv"
    result = runner.invoke(
        app,
        ["fairness", "--data", str(data), "--model", str(model), "--policy", str(policy),
         "-o", str(out_json), "-o", str(out_html), "--reasons-out", str(reasons)],
    )  # fmt: skip
    report = json.loads(out_json.read_text())
    assert result.exit_code == (0 if report["verdict"]["passed"] else 1), result.output
    assert {g["attribute"] for g in report["by_group"]} == {"sex", "age_group", "sex & age_group"}
    age = next(
        g for g in report["by_group"] if g["attribute"] == "age_group" and g["group"] == "<25"
    )
    assert age["count"] == 149
    for key in ("selection_rate", "true_positive_rate", "false_positive_rate"):
        assert key in age and key in age["ci"]
    disparity = next(d for d in report["disparities"] if d["attribute"] == "sex")
    assert disparity["reference"] in {"female", "male"}
    assert "demographic_parity_ratio" in disparity["metrics"]
    assert all("p_value_adjusted" in c for c in disparity["comparisons"])
    assert report["data"]["derivations"] and report["proxies"]
    assert out_html.read_text().lstrip().lower().startswith("<!doctype html>")
    table = pl.read_csv(reasons)
    assert set(table.columns) >= {"applicant", "rank", "feature", "reason"}
    assert "verdict" in result.stderr


def test_fairness_prediction_column_pass_and_fail(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    n = 4000
    group = rng.choice(["a", "b"], n)
    y = rng.integers(0, 2, n)
    fair = np.where(rng.random(n) < 0.8, y, 1 - y)
    unfair = np.where(group == "b", 0, fair)
    data = tmp_path / "preds.parquet"
    pl.DataFrame({"g": group, "y": y, "fair": fair, "unfair": unfair}).write_parquet(data)
    common = ["fairness", "--data", str(data), "--target", "y", "--sensitive", "g", "-q",
              "--bootstrap", "200"]  # fmt: skip
    assert runner.invoke(app, [*common, "--prediction", "fair"]).exit_code == 0
    failing = runner.invoke(app, [*common, "--prediction", "unfair"])
    assert failing.exit_code == 1


def test_fairness_bad_inputs(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    pl.DataFrame({"y": [0, 1, 2, 1], "p": [0, 1, 1, 0], "g": ["a", "b", "a", "b"]}).write_csv(data)
    bad_label = runner.invoke(
        app,
        ["fairness", "--data", str(data), "--target", "y", "--prediction", "p", "--sensitive", "g"],
    )
    assert bad_label.exit_code == 3 and "y" in bad_label.stderr
    one_group = tmp_path / "one.csv"
    pl.DataFrame({"y": [0, 1, 1, 0], "p": [0, 1, 1, 0], "g": ["a"] * 4}).write_csv(one_group)
    res = runner.invoke(
        app,
        [
            "fairness",
            "--data",
            str(one_group),
            "--target",
            "y",
            "--prediction",
            "p",
            "--sensitive",
            "g",
        ],
    )
    assert res.exit_code == 3
    assert runner.invoke(app, ["fairness", "--target", "y"]).exit_code == 2


def _small_credit(folder: Path, seed: int) -> tuple[np.ndarray, np.ndarray, Path]:
    """Two features, a label that follows the first, a two-group attribute: (X, y, csv)."""
    rng = np.random.default_rng(seed)
    x = rng.random((200, 2))
    y = (x[:, 0] > 0.5).astype(int)
    data = folder / "d.csv"
    frame = pl.DataFrame({"a": x[:, 0], "b": x[:, 1], "y": y, "g": rng.choice(["u", "v"], 200)})
    frame.write_csv(data)
    return x, y, data


def _audit_args(data: Path, model: Path) -> list[str]:
    return ["fairness", "--data", str(data), "--target", "y", "--sensitive", "g", "--model",
            str(model), "--bootstrap", "50", "-q"]  # fmt: skip


def test_fairness_pickle_needs_trust(tmp_path: Path) -> None:
    from sklearn.linear_model import LogisticRegression

    x, y, data = _small_credit(tmp_path, seed=1)
    model = LogisticRegression().fit(pl.DataFrame({"a": x[:, 0], "b": x[:, 1]}).to_pandas(), y)
    path = tmp_path / "m.pkl"
    path.write_bytes(pickle.dumps(model))
    args = _audit_args(data, path)
    refused = runner.invoke(app, args)
    assert refused.exit_code == 4 and "--trust-model" in refused.stderr
    trusted = runner.invoke(app, [*args, "--trust-model"])
    assert trusted.exit_code in (0, 1), trusted.output
    assert "arbitrary code" in trusted.stderr


def _double(x: np.ndarray) -> np.ndarray:  # a function skops does not trust by default
    return x * 2


def test_fairness_untrusted_skops_types_name_the_flag(tmp_path: Path) -> None:
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    x, y, data = _small_credit(tmp_path, seed=2)
    pipe = make_pipeline(FunctionTransformer(_double), LogisticRegression()).fit(x, y)
    path = tmp_path / "m.skops"
    sio.dump(pipe, path)
    untrusted = sio.get_untrusted_types(file=path)
    assert untrusted
    args = _audit_args(data, path)
    refused = runner.invoke(app, args)
    assert refused.exit_code == 4
    assert "Review them, then pass --trust-type NAME for each to load the model" in refused.stderr
    assert "trusted_types" not in refused.stderr
    trusted = runner.invoke(app, [*args, *(a for t in untrusted for a in ("--trust-type", t))])
    assert trusted.exit_code in (0, 1), trusted.output


@needs_german
def test_fairness_mitigate_saves_chosen_model(
    german: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    data, _, policy = german
    saved, report, page = tmp_path / "chosen.skops", tmp_path / "m.md", tmp_path / "m.html"
    result = runner.invoke(
        app,
        ["fairness", "mitigate", "--data", str(data), "--policy", str(policy),
         "--sensitive", "age_group", "-o", str(report), "-o", str(page),
         "--save-model", str(saved), "-q"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = report.read_text()
    assert "(chosen)" in text and "reweighing" in text and "baseline" in text
    assert saved.stat().st_size > 0
    html = page.read_text()
    # one trade-off chart per metric (accuracy, AUC, four disparities), with CI whiskers
    assert html.count("<svg") == 6
    assert 'class="err"' in html
    for title in ("accuracy by candidate", "demographic parity ratio (threshold 0.8"):
        assert title in html


@needs_german
def test_fairness_mitigate_chosen_model_round_trips_through_the_audit(
    german: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """On age_group the most accurate fair candidate is group-thresholds, which takes the age
    group at decision time (disparate treatment under ECOA): it must be listed, flagged, and
    never chosen; the saved model must be audited by `clearance fairness` without
    --trust-type, with the policy's own favourable label (German: 1 = good, 2 = bad)."""
    data, _, policy = german
    saved, out = tmp_path / "chosen.skops", tmp_path / "m.json"
    result = runner.invoke(
        app,
        ["fairness", "mitigate", "--data", str(data), "--policy", str(policy),
         "--sensitive", "age_group", "-o", str(out), "--save-model", str(saved), "-q"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    mitigation = json.loads(out.read_text())["result"]
    chosen = next(c for c in mitigation["candidates"] if c["name"] == mitigation["chosen"])
    assert not chosen["needs_sensitive"]
    flagged = [c["name"] for c in mitigation["candidates"] if c["needs_sensitive"]]
    assert set(flagged) == {"threshold-optimizer", "group-thresholds"}
    assert any(n.startswith("Not eligible: threshold-optimizer") for n in mitigation["notes"])
    report = tmp_path / "audit.json"
    audit = runner.invoke(
        app,
        ["fairness", "--data", str(data), "--policy", str(policy), "--model", str(saved),
         "--bootstrap", "20", "-o", str(report), "-q"],
    )  # fmt: skip
    assert audit.exit_code in (0, 1) and _no_crash(audit), audit.output
    assert "error" not in audit.stderr
    audited = json.loads(report.read_text())
    assert audited["model"]["kind"] == "skops" and audited["model"]["warnings"] == []
    assert audited["reasons"]  # adverse-action reasons of the saved model


@needs_german
def test_fairness_mitigate_and_the_audit_report_the_same_figures(
    german: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """The chosen candidate's row of `fairness mitigate` is what `fairness` reports for the
    saved model on the same test rows: one preparation, one metric table, one bootstrap."""
    data, _, policy = german
    saved, out = tmp_path / "chosen.skops", tmp_path / "m.json"
    result = runner.invoke(
        app,
        ["fairness", "mitigate", "--data", str(data), "--policy", str(policy),
         "--sensitive", "age_group", "-o", str(out), "--save-model", str(saved), "-q"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    mitigation = json.loads(out.read_text())["result"]
    position, chosen = next(
        (i, c) for i, c in enumerate(mitigation["candidates"]) if c["name"] == mitigation["chosen"]
    )
    test_rows = tmp_path / "test.csv"
    pl.read_csv(data)[mitigation["test_index"]].write_csv(test_rows)
    report = tmp_path / "audit.json"
    audit = runner.invoke(
        app,
        ["fairness", "--data", str(test_rows), "--policy", str(policy), "--model", str(saved),
         "--sensitive", "age_group", "--bootstrap", str(mitigation["n_resamples"]),
         "--seed", str(mitigation["seed"] + position), "-o", str(report), "-q"],
    )  # fmt: skip
    assert audit.exit_code in (0, 1) and _no_crash(audit), audit.output
    audited = json.loads(report.read_text())
    (disparity,) = audited["disparities"]
    assert chosen["metrics"] == {m: disparity["metrics"][m] for m in chosen["metrics"]}
    assert chosen["selection_rate"] == {
        g["group"]: g["selection_rate"] for g in audited["by_group"]
    }
    for metric in chosen["metrics"]:
        interval = disparity["ci"][metric]
        assert chosen["ci"][metric] == [interval["low"], interval["high"]], metric


def test_fairness_mitigate_saved_model_keeps_string_labels(tmp_path: Path) -> None:
    """A label coded good/bad: the saved model answers good/bad and audits with --favourable
    good (a 0/1 model would be refused, or read backwards with a 0 = favourable coding)."""
    import skops.io as sio

    rng = np.random.default_rng(5)
    n = 600
    group = rng.choice(["u", "v"], n)
    income = rng.normal(size=n) + (group == "u") * 0.8
    debt = rng.normal(size=n)
    good = rng.random(n) < 1 / (1 + np.exp(-(income - debt)))
    data = tmp_path / "d.csv"
    pl.DataFrame(
        {"income": income, "debt": debt, "g": group, "y": np.where(good, "good", "bad")}
    ).write_csv(data)
    saved = tmp_path / "chosen.skops"
    common = ["--data", str(data), "--target", "y", "--sensitive", "g", "-q"]
    result = runner.invoke(
        app,
        ["fairness", "mitigate", *common, "--policy", str(_favourable_policy(tmp_path, "good")),
         "--save-model", str(saved)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    [entry] = recorded()  # -q: the run id is not printed
    assert entry["command"] == "fairness mitigate"
    assert entry["verdict"] == "built" and entry["summary"]["chosen"]
    assert hashes(entry["inputs"]) == {str(data): sha256(data)}
    assert hashes(entry["outputs"]) == {str(saved): sha256(saved)}
    model = sio.load(saved, trusted=sio.get_untrusted_types(file=saved))
    frame = pl.read_csv(data)
    assert set(model.predict(frame.select("income", "debt").to_pandas()).tolist()) <= {
        "good",
        "bad",
    }
    audit = runner.invoke(
        app,
        ["fairness", *common, "--model", str(saved), "--favourable", "good", "--bootstrap", "20",
         "--no-evidence"],
    )  # fmt: skip
    assert audit.exit_code in (0, 1) and _no_crash(audit), audit.output
    assert "error" not in audit.stderr
    assert len(recorded()) == 1  # --no-evidence


def _no_crash(result: Any) -> bool:
    """CliRunner reports an uncaught exception as exit code 1, the code of a failed verdict."""
    return result.exception is None or isinstance(result.exception, SystemExit)


def _favourable_policy(folder: Path, favourable: str) -> Path:
    path = folder / "fairness.yaml"
    path.write_text(f"version: 1\nfavourable: {favourable}\n")
    return path


def _softmax_onnx(path: Path, weights: np.ndarray, *, softmax: bool = True) -> Path:
    """An ONNX model whose only output, "label", is an [n, 2] table: softmax(X @ W) (a
    probability per class 0 and 1, as Keras-style exports give), or X @ W itself."""
    from onnx import TensorProto, helper, numpy_helper

    nodes = [helper.make_node("MatMul", ["X", "W"], ["logits" if softmax else "label"])]
    if softmax:
        nodes.append(helper.make_node("Softmax", ["logits"], ["label"], axis=1))
    graph = helper.make_graph(
        nodes,
        "two_column_label",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [None, weights.shape[0]])],
        [helper.make_tensor_value_info("label", TensorProto.FLOAT, [None, 2])],
        [numpy_helper.from_array(weights.astype(np.float32), "W")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    path.write_bytes(model.SerializeToString())
    return path


def test_fairness_onnx_two_column_label_output(tmp_path: Path) -> None:
    """A label output of shape [n, 2]: read as class probabilities (columns 0 and 1) when it
    is one; otherwise a one-line InputError (exit 3), never a traceback."""
    rng = np.random.default_rng(2)
    n = 400
    x = rng.normal(size=(n, 2))
    y = (x[:, 0] - x[:, 1] > 0).astype(int)
    data = tmp_path / "d.csv"
    pl.DataFrame({"a": x[:, 0], "b": x[:, 1], "y": y, "g": rng.choice(["u", "v"], n)}).write_csv(
        data
    )
    weights = np.array([[-2.0, 2.0], [2.0, -2.0]])  # column 1 (class 1) grows with a - b
    model = _softmax_onnx(tmp_path / "soft.onnx", weights)
    report = tmp_path / "r.json"
    args = ["fairness", "--data", str(data), "--target", "y", "--sensitive", "g",
            "--bootstrap", "20", "-q"]  # fmt: skip
    ok = runner.invoke(app, [*args, "--model", str(model), "-o", str(report)])
    assert ok.exit_code in (0, 1) and _no_crash(ok), ok.output
    audited = json.loads(report.read_text())
    expected = (x[:, 0] - x[:, 1] > 0).mean()
    rates = {g["group"]: g for g in audited["by_group"] if g["attribute"] == "g"}
    total = sum(g["selection_rate"] * g["count"] for g in rates.values()) / n
    assert total == pytest.approx(expected, abs=1e-9)
    assert all(g["roc_auc"] is not None for g in rates.values())  # the scores were used
    # favourable 0: the other column.
    flipped = runner.invoke(
        app, [*args, "--model", str(model), "--favourable", "0", "-o", str(report)]
    )
    assert flipped.exit_code in (0, 1) and _no_crash(flipped), flipped.output
    rates0 = [g for g in json.loads(report.read_text())["by_group"] if g["attribute"] == "g"]
    total0 = sum(g["selection_rate"] * g["count"] for g in rates0) / n
    assert total0 == pytest.approx(1 - expected, abs=1e-9)
    # Not probabilities: refused with a one-line message naming the file.
    raw = _softmax_onnx(tmp_path / "raw.onnx", weights, softmax=False)
    bad = runner.invoke(app, [*args, "--model", str(raw)])
    assert bad.exit_code == 3, bad.output
    assert "raw.onnx" in bad.stderr and "[n, 2]" in bad.stderr
    assert "Traceback" not in bad.output and len(bad.stderr.strip().splitlines()) == 1
    # Probabilities, but the favourable label is not 0 or 1: the columns cannot be named.
    texts = tmp_path / "texts.csv"
    pl.read_csv(data).with_columns(
        pl.when(pl.col("y") == 1).then(pl.lit("good")).otherwise(pl.lit("bad")).alias("y")
    ).write_csv(texts)
    named = runner.invoke(
        app, ["fairness", "--data", str(texts), *args[3:], "--model", str(model),
              "--favourable", "good"],
    )  # fmt: skip
    assert named.exit_code == 3 and "[n, 2]" in named.stderr, named.output


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"version: 1\ntarget: \xff\xfe\n", "not UTF-8"),
        (b"version: 1\nseed: 2024-13-45\n", "seed: '2024-13-45'"),
        (b"version: 1\nseed: 2024-01-01\n", "seed: '2024-01-01' (Input should be a valid integer"),
        (
            b"version: 1\nmissing: sometimes\n",
            "missing: 'sometimes' is not allowed; allowed: 'group' or 'drop'",
        ),
        (
            b"version: 1\nproxies: {enabled: true, bogus: 1}\n",
            "proxies.bogus: unknown key; allowed here: auc_threshold, enabled, mi_threshold",
        ),
        (
            b"version: 1\nderive: {age: {source: age, bins: {edges: [0, 1], labels: [a], "
            b"closed: both}}}\n",
            "derive.age.bins.closed: 'both' is not allowed",
        ),
        (b"- a\n- b\n", "must be a mapping"),
    ],
)
@pytest.mark.parametrize("command", [["fairness"], ["fairness", "mitigate"]])
def test_fairness_policy_errors_are_one_line_exit_4(
    tmp_path: Path, content: bytes, expected: str, command: list[str]
) -> None:
    data = tmp_path / "d.csv"
    pl.DataFrame({"y": [0, 1] * 20, "p": [0, 1] * 20, "g": ["a", "b"] * 20}).write_csv(data)
    policy = tmp_path / "fairness.yaml"
    policy.write_bytes(content)
    result = runner.invoke(
        app, [*command, "--data", str(data), "--target", "y", "--sensitive", "g", "-p", str(policy)]
    )
    assert result.exit_code == 4 and _no_crash(result), result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {policy}: ") and expected in line, line


def test_fairness_reference_must_name_a_group(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    groups = ["male", "female\x1b[31m"] * 30
    pl.DataFrame({"y": [0, 1, 1] * 20, "p": [0, 1, 0] * 20, "sex": groups}).write_csv(data)
    args = ["fairness", "--data", str(data), "--target", "y", "--prediction", "p",
            "--sensitive", "sex", "--bootstrap", "0"]  # fmt: skip
    alien = runner.invoke(app, [*args, "--reference", "sex=alien"])
    assert alien.exit_code == 4 and _no_crash(alien), alien.output
    (line,) = alien.stderr.strip().splitlines()
    assert "'alien'" in line and "'sex'" in line and "'male'" in line
    assert "'female\\x1b[31m'" in line and "\x1b" not in line  # a name from data, escaped
    unknown = runner.invoke(app, [*args, "--reference", "gender=male"])
    assert unknown.exit_code == 4 and "'gender'" in unknown.stderr and "'sex'" in unknown.stderr
    assert runner.invoke(app, [*args, "--reference", "sex=male"]).exit_code in (0, 1)


def test_fairness_shows_progress_per_stage_and_warnings_even_when_quiet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CLI drives the shared progress helper (clearance.cli._common.progress) once per
    library stage; -q hides progress and the summary, never a warning."""
    from contextlib import contextmanager

    from clearance.cli import fairness_cmd

    calls: list[tuple[str, bool, str | None]] = []

    @contextmanager
    def recording(description: str, *, unit: str = "", quiet: bool = False) -> Any:
        def advance(n: float = 1, *, label: str | None = None, total: float | None = None) -> None:
            calls.append((description, quiet, label))

        yield advance

    monkeypatch.setattr(fairness_cmd, "progress", recording)
    rng = np.random.default_rng(0)
    groups = rng.choice(["a", "b", "tiny"], 200, p=[0.5, 0.45, 0.05])
    data = tmp_path / "d.csv"
    pl.DataFrame(
        {"y": rng.integers(0, 2, 200), "p": rng.integers(0, 2, 200), "g": groups}
    ).write_csv(data)
    result = runner.invoke(
        app,
        ["fairness", "--data", str(data), "--target", "y", "--prediction", "p",
         "--sensitive", "g", "--bootstrap", "10", "-q"],
    )  # fmt: skip
    assert result.exit_code in (0, 1) and _no_crash(result), result.output
    assert [label for _, _, label in calls] == [
        "loading", "metrics", "bootstrap", "proxies", "reasons", "report"
    ]  # fmt: skip
    assert all(d == "fairness" and quiet for d, quiet, _ in calls)
    # The report's warning (a group below the minimum size) reaches the terminal under -q.
    assert "warning: g: 1 group(s) below 30 records" in result.stderr


def test_fairness_without_its_extra_is_exit_5(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clearance.cli import fairness_cmd
    from clearance.errors import BackendUnavailableError

    def missing() -> None:
        raise BackendUnavailableError("fairness", "pip install 'clearance[fairness]'")

    monkeypatch.setattr(fairness_cmd, "_fairness_extra", missing)
    data = tmp_path / "d.csv"
    data.write_text("y,g\n1,a\n")
    result = runner.invoke(app, ["fairness", "--data", str(data), "--target", "y", "-q"])
    assert result.exit_code == 5, result.output
    assert "clearance[fairness]" in result.stderr
