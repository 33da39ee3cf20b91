"""apply_retention on files: the audit's ages, dry run, --apply, archive, the AI Act conflict,
the record (fingerprints, never ids), and nothing half-written on failure."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from clearance.audit.checks.retention import RETENTION
from clearance.audit.policy import policy_from_mapping
from clearance.errors import InputError, PolicyError
from clearance.io.table_writer import TableWriter
from clearance.io.tags import OutputTags, read_tags, sidecar_path, verify_tags
from clearance.lifecycle.retention import apply_retention
from clearance.privacy import Fingerprinter

KEY = b"test-key"
CSV = (
    "id,user_id,created_at,text\n"
    "7001,10,2024-01-05,old review\n"
    "7002,11,2026-01-20,fresh\n"
    "7003,12,last tuesday,odd\n"
    "7004,10,2025-11-01 23:59:00,one day past\n"
    "7005,10,2025-11-02,exactly at the limit\n"
)
POLICY = (
    "reference_date: 2026-01-31\n"
    "tables:\n  reviews:\n    timestamp: created_at\n    retention_days: 90\n"
)


def _files(tmp_path: Path, policy: str = POLICY) -> tuple[Path, Path]:
    data = tmp_path / "reviews.csv"
    data.write_text(CSV)
    pol = tmp_path / "p.yaml"
    pol.write_text(policy)
    return data, pol


def test_dry_run_counts_what_the_audit_reports_and_changes_nothing(tmp_path: Path) -> None:
    data, pol = _files(tmp_path)
    run = apply_retention([data], policy_path=pol)
    (t,) = run.tables
    assert (t.expired, t.unparseable, t.rows, t.cutoff) == (2, 1, 5, "2025-11-02")
    assert not run.applied and t.removed_ids == []
    assert data.read_text() == CSV
    # the same count as the audit's retention check on the same table and policy
    from clearance.audit.auditor import audit_dataset
    from clearance.audit.sources import load_files

    tables, _ = load_files([data])
    report = audit_dataset(
        tables,
        policy_from_mapping(
            {
                "reference_date": "2026-01-31",
                "tables": {"reviews": {"timestamp": "created_at", "retention_days": 90}},
            }
        ),
        fingerprinter=Fingerprinter(KEY),
        checks=[RETENTION],
    )
    assert report.retention[0].expired == t.expired


def test_apply_rewrites_the_file_and_records_fingerprints_not_ids(tmp_path: Path) -> None:
    data, pol = _files(tmp_path)
    record = tmp_path / "record.json"
    run = apply_retention([data], policy_path=pol, apply=True, key=KEY, record=record)
    kept = pl.read_csv(data, infer_schema=False)
    assert kept["id"].to_list() == ["7002", "7003", "7005"]
    saved = json.loads(record.read_text())
    assert saved == json.loads(run.model_dump_json())
    (t,) = saved["tables"]
    assert t["id_column"] == "id" and len(t["removed_ids"]) == 2
    fp = Fingerprinter(KEY)
    assert sorted(fp.of("record-id:reviews", i) for i in ("7001", "7004")) == t["removed_ids"]
    text = record.read_text()
    assert "7001" not in text and "7004" not in text and "old review" not in text
    assert t["sha256_before"] != t["sha256_after"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".clearance-")]


def test_archive_receives_the_removed_rows(tmp_path: Path) -> None:
    data, pol = _files(tmp_path)
    arch = tmp_path / "archive"
    run = apply_retention(
        [data], policy_path=pol, apply=True, key=KEY, record=tmp_path / "r.json", archive=arch
    )
    archived, tags = sorted(arch.iterdir())
    assert tags == sidecar_path(archived)  # the archive carries its tags too
    assert pl.read_csv(archived, infer_schema=False)["id"].to_list() == ["7001", "7004"]
    assert run.tables[0].archived_to is not None
    moved = verify_tags(archived)  # the record holds the archive's hash
    assert moved.sensitivity is not None and moved.sensitivity.treatment == "retention-archive"


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_jsonl_and_parquet_keep_their_types(tmp_path: Path, suffix: str) -> None:
    frame = pl.DataFrame(
        {"id": [1, 2], "created_at": ["2020-01-01", "2026-01-30"], "tags": [["a"], ["b", "c"]]}
    )
    data = tmp_path / f"events{suffix}"
    frame.write_ndjson(data) if suffix == ".jsonl" else frame.write_parquet(data)
    pol = tmp_path / "p.yaml"
    pol.write_text("reference_date: 2026-01-31\ndefault_retention_days: 30\n")
    apply_retention([data], policy_path=pol, apply=True, key=KEY, record=tmp_path / "r.json")
    out = pl.read_ndjson(data) if suffix == ".jsonl" else pl.read_parquet(data)
    assert out.to_dicts() == [{"id": 2, "created_at": "2026-01-30", "tags": ["b", "c"]}]


CONFLICT = (
    "reference_date: 2026-01-31\nai_act_risk: high\n"
    "tables:\n  reviews:\n    timestamp: created_at\n    retention_days: 90\n    kind: system_logs\n"
)


def test_a_real_run_refuses_to_delete_high_risk_logs_under_six_months(tmp_path: Path) -> None:
    data, pol = _files(tmp_path, CONFLICT)
    dry = apply_retention([data], policy_path=pol)
    assert dry.tables[0].conflict is not None and "183 days" in dry.tables[0].conflict
    with pytest.raises(PolicyError, match=r"tables\.reviews: retention_days 90 .*six months"):
        apply_retention([data], policy_path=pol, apply=True, key=KEY, record=tmp_path / "r.json")
    assert data.read_text() == CSV
    assert not (tmp_path / "r.json").exists()


def test_the_override_resolves_the_conflict_and_is_recorded(tmp_path: Path) -> None:
    reason = "national law caps these logs at 90 days"
    data, pol = _files(tmp_path, CONFLICT + f"    ai_act_log_retention_override: {reason}\n")
    record = tmp_path / "r.json"
    apply_retention([data], policy_path=pol, apply=True, key=KEY, record=record)
    saved = json.loads(record.read_text())["tables"][0]
    assert saved["override"] == reason and saved["conflict"] is not None
    assert "7001" not in data.read_text()


def test_a_real_run_needs_a_key(tmp_path: Path) -> None:
    data, pol = _files(tmp_path)
    with pytest.raises(PolicyError, match="CLEARANCE_KEY"):
        apply_retention([data], policy_path=pol, apply=True, key=None, record=tmp_path / "r.json")
    assert data.read_text() == CSV


def test_no_timestamp_column_is_a_policy_error(tmp_path: Path) -> None:
    data = tmp_path / "reviews.csv"
    data.write_text("id,text\n1,a\n")
    pol = tmp_path / "p.yaml"
    pol.write_text("tables:\n  reviews:\n    retention_days: 9\n")
    with pytest.raises(PolicyError, match="no timestamp column"):
        apply_retention([data], policy_path=pol)


def test_malformed_csv_is_an_input_error(tmp_path: Path) -> None:
    data, pol = _files(tmp_path)
    data.write_text('id,created_at\n1,2020-01-01,extra,fields\n2,"unterminated\n')
    with pytest.raises(InputError, match=r"reviews\.csv"):
        apply_retention([data], policy_path=pol)


def test_an_interrupted_run_leaves_no_half_written_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data, pol = _files(tmp_path)
    other = tmp_path / "orders.csv"
    other.write_text("id,created_at\n1,2020-01-01\n2,2026-01-30\n")
    pol.write_text(POLICY + "  orders:\n    retention_days: 90\n")
    calls = []
    real = TableWriter.write

    def interrupted(self: TableWriter, frame: pl.DataFrame) -> None:
        calls.append(self.tmp)
        if len(calls) == 2:  # the second file's first batch: half written, then killed
            self.tmp.write_text("half")
            raise KeyboardInterrupt
        real(self, frame)

    monkeypatch.setattr(TableWriter, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        apply_retention(
            [data, other], policy_path=pol, apply=True, key=KEY, record=tmp_path / "r.json"
        )
    assert data.read_text() == CSV
    assert other.read_text() == "id,created_at\n1,2020-01-01\n2,2026-01-30\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orders.csv", "p.yaml", "reviews.csv"]


def test_an_archive_inside_the_input_folder_is_refused(tmp_path: Path) -> None:
    data, pol = _files(tmp_path)
    with pytest.raises(InputError, match="archive"):
        apply_retention(
            [tmp_path],
            policy_path=pol,
            apply=True,
            key=KEY,
            record=tmp_path.parent / "r.json",
            archive=tmp_path / "old",
        )
    assert data.read_text() == CSV


def test_files_that_are_not_tables_are_listed_as_skipped_and_left_alone(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    _, pol = _files(folder)
    pol = pol.rename(tmp_path / "p.yaml")
    script = folder / "settings.py"
    script.write_text("TOKEN = 'x'\n")
    record = tmp_path / "r.json"
    run = apply_retention([folder], policy_path=pol, apply=True, key=KEY, record=record)
    assert [t.table for t in run.tables] == ["reviews"] and run.tables[0].expired == 2
    assert len(run.skipped) == 1 and run.skipped[0].endswith("settings.py")
    assert script.read_text() == "TOKEN = 'x'\n"


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_rewritten_file_carries_purpose_cutoff_and_the_records_run(
    tmp_path: Path, suffix: str
) -> None:
    data, pol = _files(tmp_path, 'purpose: "<script>x</script>\\u001b[2J"\n' + POLICY)
    if suffix == ".parquet":
        frame = pl.read_csv(data, infer_schema=False)
        data.unlink()
        data = tmp_path / "reviews.parquet"
        frame.write_parquet(data)
    before = __import__("hashlib").sha256(data.read_bytes()).hexdigest()
    record = tmp_path / "records" / "r.json"
    record.parent.mkdir()
    run = apply_retention([data], policy_path=pol, apply=True, key=KEY, record=record)
    tags = verify_tags(data)  # run_id and the rewritten file's hash, both in the record
    assert tags.command == "retention" and tags.run_id == run.run_id
    assert json.loads(record.read_text())["run_id"] == run.run_id
    assert tags.manifest == "records/r.json" and tags.input_sha256 == before
    assert tags.purpose == "<script>x</script>\x1b[2J"
    s = tags.sensitivity
    assert s is not None and (s.treatment, s.retention_days, s.cutoff, s.records_removed) == (
        "retention",
        90,
        "2025-11-02",
        2,
    )
    side = sidecar_path(data).read_text()
    assert "\x1b" not in side  # escaped in the JSON
    assert not [v for v in ("7001", "7004", "old review", "one day past") if v in side]
    if suffix == ".parquet":  # the same tags in the Parquet key-value metadata
        meta = pq.read_metadata(data).metadata
        assert OutputTags.model_validate_json(meta[b"clearance"]) == read_tags(data)
    # a second run reads the tags sidecar as the file's, not as a skipped file or data
    # its own record: a run in a later second has another run_id and would replace r.json
    again_record = tmp_path / "records" / "again.json"
    again = apply_retention([tmp_path], policy_path=pol, apply=True, key=KEY, record=again_record)
    assert again.skipped == [] or all("clearance.json" not in p for p in again.skipped)
    data.write_bytes(data.read_bytes() + b"\n" if suffix == ".csv" else data.read_bytes())
    if suffix == ".csv":
        with pytest.raises(InputError, match="changed since"):
            verify_tags(data)


def test_a_dry_run_writes_no_tags(tmp_path: Path) -> None:
    data, pol = _files(tmp_path)
    apply_retention([data], policy_path=pol)
    assert not sidecar_path(data).exists()


def test_progress_reports_each_table_and_its_rows(tmp_path: Path) -> None:
    data, pol = _files(tmp_path)
    seen: list[tuple[str, int]] = []
    apply_retention([data], policy_path=pol, progress=lambda label, n: seen.append((label, n)))
    assert seen == [("reviews.csv", 5)]


@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_batches_do_not_change_what_is_kept_removed_or_recorded(
    tmp_path: Path, suffix: str
) -> None:
    rows = 1000
    frame = pl.DataFrame(
        {
            "id": [str(i) for i in range(rows)],
            "created_at": [f"20{20 + i % 7}-0{1 + i % 9}-1{i % 10}" for i in range(rows)],
            "note": [None if i % 13 == 0 else f"n{i}" for i in range(rows)],
        }
    )
    policy = tmp_path / "p.yaml"
    policy.write_text(POLICY.replace("reviews", "events"))
    outs = {}
    for batch in (7, 100_000):
        folder = tmp_path / str(batch)
        folder.mkdir()
        path = folder / f"events{suffix}"
        {".csv": frame.write_csv, ".jsonl": frame.write_ndjson, ".parquet": frame.write_parquet}[
            suffix
        ](path)
        run = apply_retention(
            [path],
            policy_path=policy,
            apply=True,
            key=KEY,
            record=folder / "r.json",
            batch_rows=batch,
        )
        outs[batch] = (path, run.tables[0])
    (small, t_small), (whole, t_whole) = outs[7], outs[100_000]
    assert t_small.expired == t_whole.expired > 0
    assert t_small.removed_ids == t_whole.removed_ids
    read = {
        ".csv": lambda p: pl.read_csv(p, infer_schema=False),
        ".jsonl": pl.read_ndjson,
        ".parquet": pl.read_parquet,
    }[suffix]
    assert read(small).equals(read(whole))
    if suffix != ".parquet":  # one write of the whole kept table, byte for byte
        source = frame.with_columns(pl.col("id").cast(pl.String))
        kept = source.filter(pl.col("id").is_in(read(whole)["id"].cast(pl.String).implode()))
        expect = kept.write_csv() if suffix == ".csv" else kept.write_ndjson()
        assert small.read_text() == whole.read_text() == expect
