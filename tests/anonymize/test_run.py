from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq
import pytest

from clearance.anonymize import run
from clearance.anonymize.run import REPORT_SUFFIX, anonymize_frame, anonymize_table
from clearance.audit.anonymity import measure_anonymity
from clearance.errors import InputError, PolicyError
from clearance.io import outputs
from clearance.io.tags import OutputTags, read_tags, sidecar_path, verify_tags

QIS = ["age", "zip", "sex", "birth_date"]


def _people(rows: int = 2000, seed: int = 3) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    return pl.DataFrame(
        {
            "id": np.arange(rows),
            "age": rng.integers(18, 90, rows),
            "zip": pl.Series(rng.integers(1000, 99999, rows)).cast(pl.String).str.zfill(5),
            "sex": rng.choice(["F", "M"], rows),
            "birth_date": pl.Series(rng.integers(-15000, 10000, rows)).cast(pl.Date),
            "disease": rng.choice(["flu", "cold", "asthma", "none"], rows),
        }
    )


@pytest.mark.parametrize("k", [2, 5, 17])
def test_output_is_k_anonymous_by_the_audits_measure(k: int) -> None:
    frame = _people()
    out, report = anonymize_frame(frame, QIS, k=k)
    assert report.verified
    assert measure_anonymity(out, QIS, k_threshold=k).k >= k
    assert report.verification.k >= k
    assert report.suppressed.records == 0  # strict Mondrian never leaves a class below k
    assert out["id"].to_list() == frame["id"].to_list()  # records kept, in order
    assert 0 < report.information_loss.ncp < 1


def test_l_diversity_is_reached_and_measured() -> None:
    frame = _people()
    out, report = anonymize_frame(frame, QIS, k=5, l=3, sensitive="disease")
    assert report.verified
    assert measure_anonymity(out, QIS, ["disease"], k_threshold=5).l_diversity["disease"] >= 3
    loose, _ = anonymize_frame(frame, QIS, k=5)
    assert report.equivalence_classes.count <= loose.select(QIS).n_unique()


def test_larger_k_costs_more_information() -> None:
    frame = _people()
    _, k2 = anonymize_frame(frame, QIS, k=2)
    _, k20 = anonymize_frame(frame, QIS, k=20)
    assert k2.information_loss.ncp < k20.information_loss.ncp
    assert k2.equivalence_classes.count > k20.equivalence_classes.count


def test_report_holds_no_value_of_the_table() -> None:
    frame = _people(300)
    _, report = anonymize_frame(frame, QIS, k=5, l=2, sensitive="disease")
    text = report.model_dump_json()
    for value in [*frame["zip"].to_list(), "flu", "asthma", "cold"]:
        assert f'"{value}"' not in text


def test_classes_that_print_alike_are_checked_and_short_ones_suppressed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    frame = pl.DataFrame({"age": list(range(10)), "x": list(range(10))})

    def split_unevenly(*args: object, **kwargs: object) -> np.ndarray:
        return np.array([0] * 8 + [1] * 2, dtype=np.int64)

    monkeypatch.setattr(run, "partition", split_unevenly)
    out, report = anonymize_frame(frame, ["age"], k=3, max_suppression=0.2)
    assert report.suppressed.records == 2 and out.height == 8
    assert report.verified
    with pytest.raises(PolicyError, match=r"more than the limit of 10\.0%"):
        anonymize_frame(frame, ["age"], k=3, max_suppression=0.1)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"k": 1}, PolicyError, "k must be a whole number >= 2"),
        ({"k": 5000}, PolicyError, "larger than the table"),
        ({"k": 5, "l": 2}, PolicyError, "needs a sensitive column"),
        ({"k": 5, "l": 9, "sensitive": "disease"}, PolicyError, "fewer than l=9"),
        ({"k": 5, "max_suppression": 2.0}, PolicyError, "share in"),
    ],
)
def test_bad_requests(kwargs: dict[str, object], error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        anonymize_frame(_people(100), QIS, **kwargs)  # type: ignore[arg-type]


def test_unknown_column_names_the_source_and_column() -> None:
    with pytest.raises(InputError, match=r"t\.csv: column 'nope' not found"):
        anonymize_frame(_people(100), ["age", "nope"], k=5, source="t.csv")


def test_empty_table() -> None:
    with pytest.raises(InputError, match="no rows"):
        anonymize_frame(_people(0), QIS, k=5)


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet", ".json", ".tsv"])
def test_table_file_same_format_input_untouched(tmp_path: Path, suffix: str) -> None:
    frame = _people(500).with_columns(pl.col("birth_date").cast(pl.String))
    src = tmp_path / f"people{suffix}"
    {
        ".csv": lambda: frame.write_csv(src),
        ".tsv": lambda: frame.write_csv(src, separator="\t"),
        ".jsonl": lambda: frame.write_ndjson(src),
        ".json": lambda: frame.write_json(src),
        ".parquet": lambda: frame.write_parquet(src),
    }[suffix]()
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    out = tmp_path / f"anon{suffix}"
    report = anonymize_table(src, out, k=5, quasi_identifiers=QIS)
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before
    reread = {
        ".csv": lambda: pl.read_csv(out, infer_schema=False),
        ".tsv": lambda: pl.read_csv(out, separator="\t", infer_schema=False),
        ".jsonl": lambda: pl.read_ndjson(out),
        ".json": lambda: pl.read_json(out),
        ".parquet": lambda: pl.read_parquet(out),
    }[suffix]()
    assert reread.height == report.output.rows
    assert measure_anonymity(reread, QIS, k_threshold=5).k >= 5
    saved = json.loads(Path(f"{out}{REPORT_SUFFIX}").read_text())
    assert saved["verified"] is True and saved["output"]["path"] == str(out)


def test_output_equal_to_input_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    _people(50).write_csv(src)
    with pytest.raises(InputError, match="is an input"):
        anonymize_table(src, src, k=5, quasi_identifiers=QIS)


def test_output_of_another_format_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    _people(50).write_csv(src)
    with pytest.raises(InputError, match="must be a CSV file"):
        anonymize_table(src, tmp_path / "p.parquet", k=5, quasi_identifiers=QIS)


def test_failed_verification_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "p.csv"
    _people(100).write_csv(src)
    real = measure_anonymity

    def undercount(*args: object, **kwargs: object) -> object:
        return real(*args, **kwargs).model_copy(update={"k": 1})  # type: ignore[arg-type]

    monkeypatch.setattr(run, "measure_anonymity", undercount)
    report = anonymize_table(src, tmp_path / "o.csv", k=5, quasi_identifiers=QIS)
    assert not report.verified
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.csv"]


def test_policy_hierarchies_and_suppression_limit(tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    _people(400).write_csv(src)
    policy = tmp_path / "clearance.yaml"
    policy.write_text(
        "anonymize:\n  max_suppression: 0.0\n  hierarchies:\n"
        "    age: {type: numeric, width: 10}\n    birth_date: {type: date, granularity: year}\n"
    )
    out = tmp_path / "o.csv"
    report = anonymize_table(src, out, k=5, quasi_identifiers=QIS, policy_path=policy)
    assert report.suppressed.max_share == 0.0
    ages = pl.read_csv(out, infer_schema=False)["age"].unique().to_list()
    assert all(a.startswith("[") and a.endswith("9]") for a in ages)
    assert report.information_loss.columns["age"].hierarchy == "policy"


def test_german_credit_is_k_anonymous_for_pycanon_too() -> None:
    """Real data nobody here wrote, and an independent oracle beside the audit's measure."""
    from clearance.audit.policy import Hierarchy
    from clearance.demo.german import load_german
    from tests._data import german_path

    pycanon = pytest.importorskip("pycanon.anonymity")
    qis = ["age", "personal_status_sex", "job", "housing"]
    groups = {"unskilled": ["A171", "A172"], "skilled": ["A173", "A174"]}
    hierarchies = {
        "age": Hierarchy(type="numeric", width=5),
        "job": Hierarchy(type="category", groups=groups),
    }
    credit = load_german(german_path())
    out, report = anonymize_frame(
        credit, qis, k=5, l=2, sensitive="credit", hierarchies=hierarchies
    )
    assert report.verified and report.suppressed.records == 0
    frame = out.to_pandas()
    assert pycanon.k_anonymity(frame, qis) == report.verification.k >= 5
    assert pycanon.l_diversity(frame, qis, ["credit"]) == report.verification.l_diversity["credit"]
    assert set(out["job"].unique()) <= {"A171", "A172", "A173", "A174", "unskilled", "skilled", "*"}


def _tagged_policy(tmp_path: Path, purpose: str) -> Path:
    policy = tmp_path / "clearance.yaml"
    policy.write_text(f"purpose: {json.dumps(purpose)}\n")
    return policy


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_output_carries_purpose_k_l_and_the_reports_hash(tmp_path: Path, suffix: str) -> None:
    frame = _people(600).with_columns(pl.col("birth_date").cast(pl.String))
    src = tmp_path / f"people{suffix}"
    frame.write_csv(src) if suffix == ".csv" else frame.write_parquet(src)
    out = tmp_path / f"anon{suffix}"
    policy = _tagged_policy(tmp_path, "fraud-analytics")
    report = anonymize_table(
        src, out, k=5, l=2, sensitive="disease", quasi_identifiers=QIS, policy_path=policy
    )
    tags = verify_tags(out)  # the report's hash checked
    assert (tags.purpose, tags.command) == ("fraud-analytics", "anonymize")
    report_file = Path(f"{out}{REPORT_SUFFIX}")
    assert tags.manifest == report_file.name
    assert tags.manifest_sha256 == hashlib.sha256(report_file.read_bytes()).hexdigest()
    assert tags.input_sha256 == hashlib.sha256(src.read_bytes()).hexdigest()
    assert tags.policy_sha256 == hashlib.sha256(policy.read_bytes()).hexdigest()
    s = tags.sensitivity
    assert s is not None and s.treatment == "k-anonymity"
    assert (s.k, s.l) == (report.verification.k, report.verification.l_diversity["disease"])
    assert s.k is not None and s.k >= 5 and s.l is not None and s.l >= 2
    assert s.quasi_identifiers == QIS and s.sensitive_column == "disease"
    if suffix == ".parquet":  # the same tags in the file's own key-value metadata
        meta = pq.read_metadata(out).metadata
        assert OutputTags.model_validate_json(meta[b"clearance"]) == tags
        assert pl.read_parquet(out).height == report.output.rows
    # a five-digit postcode can occur inside a SHA-256 in hex (the report's hash varies with the
    # clock): the digests are taken out before looking for values
    sidecar = re.sub(r"[0-9a-f]{64}", "<sha256>", sidecar_path(out).read_text())
    values = {str(v) for c in frame.columns for v in frame[c].unique().to_list() if len(str(v)) > 3}
    assert not [v for v in values if v in sidecar]  # names and counts only, never a value
    report_file.write_text(report_file.read_text().replace('"verified": true', '"verified":true'))
    with pytest.raises(InputError, match="differs from the report"):
        verify_tags(out)


def test_hostile_purpose_is_kept_as_data_in_the_tags(tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    _people(200).write_csv(src)
    purpose = "<script>alert(1)</script>\x1b[2J\x1b]8;;http://x\x07"
    out = tmp_path / "o.csv"
    anonymize_table(
        src, out, k=5, quasi_identifiers=QIS, policy_path=_tagged_policy(tmp_path, purpose)
    )
    raw = sidecar_path(out).read_text()
    assert "\x1b" not in raw and "\x07" not in raw  # escaped in the JSON, never raw bytes
    assert read_tags(out).purpose == purpose  # and read back exactly


def test_an_interrupted_write_leaves_no_output_and_no_sidecar(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "p.csv"
    _people(100).write_csv(src)
    real = outputs.os.replace
    calls: list[str] = []

    def interrupted(a: str, b: str) -> None:
        calls.append(b)
        if len(calls) == 1:  # every file staged, then the run is killed
            raise KeyboardInterrupt
        real(a, b)

    monkeypatch.setattr(outputs.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        anonymize_table(src, tmp_path / "o.csv", k=5, quasi_identifiers=QIS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.csv"]  # no temp, no sidecar


def test_a_folder_where_the_tags_go_is_refused_before_any_work(tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    _people(100).write_csv(src)
    sidecar_path(tmp_path / "o.csv").mkdir()
    with pytest.raises(InputError, match="is a folder"):
        anonymize_table(src, tmp_path / "o.csv", k=5, quasi_identifiers=QIS)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.csv.clearance.json", "p.csv"]
