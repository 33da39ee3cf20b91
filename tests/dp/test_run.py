from __future__ import annotations

import hashlib
import json
import math
import threading
from pathlib import Path

import polars as pl
import pytest

from clearance.dp import dp_release
from clearance.dp.ledger import read_ledger
from clearance.errors import ClearanceError, InputError, PolicyError
from clearance.io.tags import sidecar_path, verify_tags
from tests.dp.conftest import write

QUERY = """\
budget: {epsilon: 1.0}
bounds: {amount: {lower: 0, upper: 100}}
releases:
  - {name: rows, kind: count, epsilon: 0.3, group_by: {region: [north, south, east, west]}}
  - {name: spend, kind: sum, column: amount, epsilon: 0.2, group_by: {region: [north]}}
  - {name: avg, kind: mean, column: amount, epsilon: 0.2}
  - {name: med, kind: quantile, column: amount, epsilon: 0.1, quantiles: [0.5]}
  - {name: bins, kind: histogram, column: amount, epsilon: 0.1, bins: [0, 50, 100]}
"""


def _run(tmp: Path, table: Path, query: str = QUERY, **kw: object) -> dict[str, object]:
    q = write(tmp / "q.yaml", query)
    dp_release(table, q, tmp / "ledger.json", tmp / "out.json", **kw)  # type: ignore[arg-type]
    out: dict[str, object] = json.loads((tmp / "out.json").read_text())
    return out


def test_release_shape_values_and_ledger(tmp_path: Path, table: Path) -> None:
    out = _run(tmp_path, table)
    frame = pl.read_csv(table)
    releases = {r["name"]: r for r in out["releases"]}  # type: ignore[attr-defined]
    rows = releases["rows"]
    assert [g["key"] for g in rows["groups"]] == [
        {"region": k} for k in ("north", "south", "east", "west")
    ]
    assert rows["mechanism"] == "discrete laplace" and rows["scale"] == pytest.approx(1 / 0.3)
    exact = frame.group_by("region").len().to_dict(as_series=False)
    truth = dict(zip(exact["region"], exact["len"], strict=True))
    for g in rows["groups"]:
        # within 20 scales: fails with probability e^-20
        assert abs(g["value"] - truth.get(g["key"]["region"], 0)) < 20 * rows["scale"]
        lo, hi = g["ci"]
        assert hi - lo == pytest.approx(2 * rows["scale"] * math.log(20), rel=0.05)
    assert releases["avg"]["noise"][0]["statistic"] == "sum"
    assert releases["med"]["groups"][0]["cells"][0]["label"] == "q0.5"
    assert releases["med"]["interval"].startswith("95% per quantile")
    (median,) = releases["med"]["groups"][0]["cells"]
    lo, hi = median["ci"]
    assert 0 <= lo <= hi <= 100
    assert [n["statistic"] for n in releases["med"]["noise"]] == ["quantile", "count"]
    assert [c["label"] for c in releases["bins"]["groups"][0]["cells"]] == ["[0, 50)", "[50, 100]"]
    assert out["epsilon_spent"] == pytest.approx(0.9)
    ledger = read_ledger(tmp_path / "ledger.json")
    assert [e.release for e in ledger.entries] == ["rows", "spend", "avg", "med", "bins"]
    sha = __import__("hashlib").sha256((tmp_path / "out.json").read_bytes()).hexdigest()
    assert {e.output_sha256 for e in ledger.entries} == {sha}
    assert all(e.time.endswith("Z") and e.dataset == "sales" for e in ledger.entries)


def test_over_budget_refused_and_nothing_written(tmp_path: Path, table: Path) -> None:
    _run(tmp_path, table)  # 0.9 of 1.0
    before = (tmp_path / "ledger.json").read_bytes()
    (tmp_path / "out.json").unlink()
    with pytest.raises(PolicyError) as err:
        _run(tmp_path, table, "budget: {epsilon: 1.0}\nreleases: [{kind: count, epsilon: 0.2}]\n")
    msg = str(err.value)
    assert "'sales'" in msg and "spent epsilon 0.9" in msg and "requested 0.2" in msg
    assert "budget 1" in msg
    assert (tmp_path / "ledger.json").read_bytes() == before
    assert not (tmp_path / "out.json").exists()
    # what is left can still be spent, exactly
    _run(tmp_path, table, "budget: {epsilon: 1.0}\nreleases: [{kind: count, epsilon: 0.1}]\n")


def test_renaming_the_dataset_does_not_refill_its_budget(tmp_path: Path, table: Path) -> None:
    _run(tmp_path, table)
    renamed = "dataset: fresh\nbudget: {epsilon: 1}\nreleases: [{kind: count, epsilon: 0.5}]\n"
    with pytest.raises(PolicyError, match="budget exceeded"):
        _run(tmp_path, table, renamed)


def test_policy_budget_and_bounds(tmp_path: Path, table: Path) -> None:
    policy = write(
        tmp_path / "clearance.yaml",
        "dp:\n  datasets:\n    sales:\n      epsilon: 0.5\n"
        "      columns: {amount: {lower: 0, upper: 10}}\n",
    )
    out = _run(tmp_path, table, "- {kind: sum, column: amount, epsilon: 0.5}\n", policy_path=policy)
    assert out["releases"][0]["bounds"] == [0.0, 10.0]  # type: ignore[index]
    assert out["budget"]["epsilon"] == 0.5  # type: ignore[index]
    with pytest.raises(PolicyError, match="differs from the policy"):
        _run(
            tmp_path,
            table,
            "budget: {epsilon: 9}\nreleases: [{kind: count, epsilon: 0.1}]\n",
            policy_path=policy,
        )


def test_two_runs_cannot_spend_the_same_budget(tmp_path: Path, table: Path) -> None:
    q = write(
        tmp_path / "q.yaml", "budget: {epsilon: 1}\nreleases: [{kind: count, epsilon: 0.6}]\n"
    )
    errors: list[Exception] = []

    def go(i: int) -> None:
        try:
            dp_release(table, q, tmp_path / "ledger.json", tmp_path / f"out{i}.json")
        except ClearanceError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(errors) == 3 and all("budget exceeded" in str(e) for e in errors)
    assert len(read_ledger(tmp_path / "ledger.json").entries) == 1


@pytest.mark.parametrize(
    ("query", "error", "match"),
    [
        (
            "budget: {epsilon: 1}\nreleases: [{kind: sum, column: price, epsilon: 0.1}]",
            PolicyError,
            "releases.0: column 'price' is not a column",
        ),
        (
            "budget: {epsilon: 1}\nreleases: [{kind: count, epsilon: 0.1, group_by: {shop: [a]}}]",
            PolicyError,
            "column 'shop' is not a column",
        ),
        (
            "budget: {epsilon: 1}\nreleases: [{kind: sum, column: amount, epsilon: 0.1}]",
            PolicyError,
            "releases.0.bounds: column 'amount' has no bounds",
        ),
        (
            "budget: {epsilon: 1}\nbounds: {note: {lower: 0, upper: 1}}\n"
            "releases: [{kind: mean, column: note, epsilon: 0.1}]",
            PolicyError,
            "column 'note' of .* is not numeric",
        ),
        ("releases: [{kind: count, epsilon: 0.1}]", PolicyError, "no privacy budget"),
        (
            "budget: {epsilon: 1}\nreleases: [{kind: count, epsilon: 0.1, "
            'group_by: {"\\e[31m<script>": [a]}}]',
            PolicyError,
            r"\\x1b\[31m<script>",
        ),
    ],
)
def test_bad_query_against_the_data(
    tmp_path: Path, table: Path, query: str, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match) as err:
        _run(tmp_path, table, query + "\n")
    assert "\x1b" not in str(err.value)
    assert not (tmp_path / "out.json").exists() and not (tmp_path / "ledger.json").exists()


def test_bad_paths(tmp_path: Path, table: Path) -> None:
    q = write(tmp_path / "q.yaml", "budget: {epsilon: 1}\nreleases: [{kind: count, epsilon: 1}]\n")
    with pytest.raises(InputError, match="missing does not exist"):
        dp_release(table, q, tmp_path / "missing" / "l.json", tmp_path / "o.json")
    with pytest.raises(InputError, match="the ledger is the data"):
        dp_release(table, q, table, tmp_path / "o.json")
    with pytest.raises(InputError, match="output given twice"):
        dp_release(table, q, tmp_path / "o.json", tmp_path / "o.json")
    with pytest.raises(InputError, match="is an input"):
        dp_release(table, q, tmp_path / "l.json", table)
    empty = write(tmp_path / "empty.csv", "region,amount\n")
    with pytest.raises(InputError, match="no rows"):
        dp_release(empty, q, tmp_path / "l.json", tmp_path / "o.json")
    with pytest.raises(InputError, match="empty"):
        dp_release(write(tmp_path / "zero.csv", ""), q, tmp_path / "l.json", tmp_path / "o.json")
    assert not (tmp_path / "l.json").exists()


def test_no_raw_statistic_in_the_output(tmp_path: Path, table: Path) -> None:
    frame = pl.read_csv(table)
    out = tmp_path / "out.json"
    _run(
        tmp_path,
        table,
        "budget: {epsilon: 1}\nbounds: {amount: {lower: 0, upper: 100}}\n"
        "releases: [{kind: sum, column: amount, epsilon: 1}]\n",
    )
    text = out.read_text()
    assert str(frame.height) not in text.replace(".", " ").split()
    assert f"{frame['amount'].sum():.2f}" not in text


def test_release_carries_purpose_epsilon_spent_and_names_its_ledger(
    tmp_path: Path, table: Path
) -> None:
    policy = write(tmp_path / "clearance.yaml", 'purpose: "<script>x</script>\\u001b[31m"\n')
    _run(tmp_path, table, policy_path=policy)
    out = tmp_path / "out.json"
    tags = verify_tags(out)  # the ledger holds the output's hash
    assert (tags.command, tags.purpose) == ("dp", "<script>x</script>\x1b[31m")
    assert "\x1b" not in sidecar_path(out).read_text()  # escaped, never a raw control byte
    assert tags.manifest == "ledger.json" and tags.manifest_sha256 is None
    assert tags.input_sha256 == hashlib.sha256(table.read_bytes()).hexdigest()
    s = tags.sensitivity
    assert s is not None and s.treatment == "differential-privacy"
    assert s.epsilon == pytest.approx(0.9) and s.delta == 0 and s.budget_epsilon == 1.0
    frame = pl.read_csv(table)
    side = sidecar_path(out).read_text()
    assert str(frame.height) not in side.replace(".", " ").split()  # no exact statistic
    assert not [r for r in ("north", "south", "east") if r in side]  # no value of the data
    out.write_text(out.read_text() + " ")
    with pytest.raises(InputError, match="changed since"):
        verify_tags(out)


def test_a_release_to_stdout_has_no_sidecar(
    tmp_path: Path, table: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    q = write(tmp_path / "q.yaml", QUERY)
    dp_release(table, q, tmp_path / "ledger.json", Path("-"))
    assert json.loads(capsys.readouterr().out)["kind"] == "dp-release"
    assert not list(tmp_path.glob("*.clearance.json"))


def test_a_folder_where_the_tags_go_is_refused_and_nothing_spent(
    tmp_path: Path, table: Path
) -> None:
    sidecar_path(tmp_path / "out.json").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        _run(tmp_path, table)
    assert not (tmp_path / "ledger.json").exists() and not (tmp_path / "out.json").exists()
