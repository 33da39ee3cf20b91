"""apply_retention on files: the audit's ages, dry run, --apply, archive, the AI Act conflict,
the record (fingerprints, never ids), and nothing half-written on failure."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from clearance.audit.checks.retention import RETENTION
from clearance.audit.policy import policy_from_mapping
from clearance.errors import InputError, PolicyError
from clearance.lifecycle import tables as lifecycle_tables
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
    (archived,) = list(arch.iterdir())
    assert pl.read_csv(archived, infer_schema=False)["id"].to_list() == ["7001", "7004"]
    assert run.tables[0].archived_to is not None


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
    real = lifecycle_tables.write_table

    def interrupted(frame: pl.DataFrame, kind: str, path: Path) -> None:
        calls.append(path)
        if len(calls) == 2:
            path.write_text("half")
            raise KeyboardInterrupt
        real(frame, kind, path)

    monkeypatch.setattr(lifecycle_tables, "write_table", interrupted)
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
