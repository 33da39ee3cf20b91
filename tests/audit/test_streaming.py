"""A streamed audit (Parquet read lazily, every check an aggregate plan, the scan batch by batch)
reports exactly what the in-memory audit reports, and never loads a streamed table whole."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import polars as pl
import pytest

from clearance.audit.auditor import audit_dataset
from clearance.audit.policy import load_policy
from clearance.audit.run import audit_sources
from clearance.audit.sources import Table, load_files
from clearance.demo.ecommerce import generate, write_policy
from clearance.privacy import Fingerprinter
from clearance.scan.options import ScanOptions

FP = Fingerprinter(b"test-key-0123456789")

_POLICY = """
version: 1
purpose: model-training
subject_key: user_id
k: 5
l: 2
reference_date: 2026-01-31
consent: {table: users, column: consent}
tables:
  users:
    quasi_identifiers: [postcode, birth_year, gender]
    sensitive_attributes: [diagnosis]
    features: [user_id, consent]
  orders:
    timestamp: created_at
    retention_days: 365
  events:
    retention_days: 30
"""


def _planted(folder: Path, users: int = 1500) -> None:
    """Users, their orders (text with planted e-mails, dates with planted stale and unreadable
    ones) and events with epoch-millisecond times: several batches each at small batch sizes."""
    rng = random.Random(5)
    folder.mkdir(parents=True)
    emails = [f"user{i}@example.org" for i in range(users)]
    pl.DataFrame(
        {
            "user_id": list(range(users)),
            "email": emails,
            "postcode": [f"{rng.randrange(40):05d}" for _ in range(users)],
            "birth_year": [rng.randrange(1950, 2000) for _ in range(users)],
            "gender": [rng.choice("fmx") for _ in range(users)],
            "diagnosis": [rng.choice(["flu", "asthma", None]) for _ in range(users)],
            "consent": [
                rng.choice(["model-training", "marketing", "yes", None]) for _ in range(users)
            ],
        }
    ).write_parquet(folder / "users.parquet", row_group_size=400)
    orders = 4 * users
    who = [rng.randrange(users + 50) for _ in range(orders)]  # some users unknown
    words = ["the lamp", "a kettle", "this mug", "my order", "the parcel", "that chair"]
    texts = [
        f"{rng.choice(words)} came {rng.randrange(2, 30)} days late but works well, "
        f"would buy {rng.choice(words)} again"
        + (f"; questions to {emails[u]}" if u < users and i % 97 == 0 else "")
        for i, u in enumerate(who)
    ]
    dates = [
        "not a date"
        if i % 211 == 0
        else ""
        if i % 307 == 0
        else (dt.date(2026, 1, 31) - dt.timedelta(days=rng.randrange(900))).isoformat()
        for i in range(orders)
    ]
    pl.DataFrame(
        {
            "order_id": list(range(orders)),
            "user_id": [str(u) for u in who],
            "text": texts,
            "created_at": dates,
        }
    ).write_parquet(folder / "orders.parquet", row_group_size=1000)
    base = int(dt.datetime(2025, 6, 1).timestamp() * 1000)
    pl.DataFrame(
        {
            "user_id": [rng.randrange(users) for _ in range(3000)],
            "event_ts": [base + rng.randrange(10**10) for _ in range(3000)],
            "contact": [emails[i % users] if i % 5 == 0 else None for i in range(3000)],
        }
    ).write_parquet(folder / "events.parquet", row_group_size=700)


def _report(tables: list[Table], policy: Path, options: ScanOptions) -> str:
    report = audit_dataset(tables, load_policy(policy), fingerprinter=FP, scan_options=options)
    return json.dumps(report.model_dump(mode="json"), sort_keys=True)


@pytest.fixture(scope="module", params=["parquet", "csv"])
def planted(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("planted")
    _planted(root / "data")
    if request.param == "csv":  # the same tables as CSV text (epoch times become digits)
        for path in sorted((root / "data").glob("*.parquet")):
            pl.read_parquet(path).write_csv(path.with_suffix(".csv"))
            path.unlink()
    (root / "policy.yaml").write_text(_POLICY)
    return root / "data", root / "policy.yaml"


_OPTIONS = ScanOptions(batch_rows=700, probe_rows=300, validate_limit=500)


def test_streamed_audit_equals_in_memory_audit_on_planted_data(
    planted: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    data, policy = planted
    options = _OPTIONS
    eager, _ = load_files([data], streaming=False)
    expected = _report(eager, policy, options)
    sampled = ScanOptions(batch_rows=700, probe_rows=300, sample=200)
    expected_sampled = _report(eager, policy, sampled)

    lazy, _ = load_files([data], streaming=True)
    assert all(t.streamed and t.height > options.probe_rows for t in lazy)

    def whole(table: Table) -> pl.DataFrame:
        raise AssertionError(f"{table.name} was loaded whole")

    monkeypatch.setattr(Table, "frame", property(whole))
    streamed = _report(lazy, policy, options)
    assert streamed == expected
    # --sample within a probe: the streamed tables are scanned with others, as in memory
    assert _report(lazy, policy, sampled) == expected_sampled
    found = json.loads(expected)
    rules = {f["rule"] for f in found["findings"]}
    # the planted values are found, so the equality covers every check's plan
    assert {"k-anonymity", "l-diversity", "retention", "retention-unparseable", "consent"} <= rules
    assert {"linkage-self-identifying-text", "linkage-repeated-identifier"} <= rules
    # epoch milliseconds are numbers in Parquet (retention measured), digits text in CSV
    assert {r["table"] for r in found["retention"]} >= {"orders"}
    assert not [c for c in found["checks"] if c["status"] == "failed"]


def test_aggregates_in_passes_add_up_to_the_one_pass_report(
    planted: tuple[Path, Path], audit_passes: list[int]
) -> None:
    # A large streamed table's classes and keys are grouped a part per pass (so that memory is
    # bounded by a pass): with a pass per 300 distinct values the planted tables take several
    # passes per aggregate, and the report is the in-memory one.
    data, policy = planted
    expected = _report(load_files([data], streaming=False)[0], policy, _OPTIONS)
    assert _report(load_files([data], streaming=True)[0], policy, _OPTIONS) == expected
    # every kind of aggregate went through the passes, and the big ones took several
    assert len(audit_passes) >= 6 and max(audit_passes) >= 4


def test_streamed_audit_equals_in_memory_audit_on_the_demo(tmp_path: Path) -> None:
    generate(tmp_path / "csv", users=400, seed=11)
    policy = write_policy(tmp_path / "clearance.yaml")
    tables, _ = load_files([tmp_path / "csv"])
    (tmp_path / "pq").mkdir()
    for t in tables:
        t.frame.write_parquet(tmp_path / "pq" / f"{t.name}.parquet", row_group_size=300)
    reports = [
        audit_sources([tmp_path / "pq"], policy_path=policy, fingerprinter=FP, streaming=mode)
        for mode in (False, True)
    ]
    eager, streamed = (json.dumps(r.model_dump(mode="json"), sort_keys=True) for r in reports)
    assert streamed == eager
    assert reports[0].summary.findings > 10


def test_unreadable_pages_of_a_streamed_table_are_reported_not_passed_off(
    tmp_path: Path,
) -> None:
    path = tmp_path / "t.parquet"
    pl.DataFrame({"email": [f"user{i}@example.org" for i in range(5000)]}).write_parquet(
        path, row_group_size=1000, compression="uncompressed"
    )
    raw = bytearray(path.read_bytes())
    middle = len(raw) // 2
    raw[middle : middle + 2000] = b"\xff" * 2000  # a data page, not the footer
    path.write_bytes(bytes(raw))
    (table,), skipped = load_files([path], streaming=True)
    assert table.streamed and not skipped
    report = audit_dataset(
        [table], load_policy(None), fingerprinter=FP, scan_options=ScanOptions(probe_rows=100)
    )
    reasons = [s.reason for s in report.skipped if s.path == str(path)]
    assert reasons and "cannot read to the end" in reasons[0]
    assert "user" not in reasons[0]


def test_names_taken_from_data_stream_as_they_load(tmp_path: Path) -> None:
    """Column names that are patterns, markup, escapes or an e-mail (masked by the audit)."""
    rows = 600
    names = ["^.*$", "<script>alert(1)</script>", "<b>when</b>", "ana.silva@example.org", "city"]
    pl.DataFrame(
        {
            names[0]: [f"{i % 150}" for i in range(rows)],
            names[1]: [f"user{i}@example.org" for i in range(rows)],
            names[2]: [dt.date(2020 + i % 6, 1, 1) for i in range(rows)],
            names[3]: list(range(rows)),
            "\x1b[31mred": ["x"] * rows,
            names[4]: [["Leeds", "York"][i % 2] for i in range(rows)],
        }
    ).write_parquet(tmp_path / "odd.parquet", row_group_size=100)
    (tmp_path / "p.yaml").write_text(
        "version: 1\nreference_date: 2026-01-31\ntables:\n  odd:\n    retention_days: 400\n"
        f"    timestamp: {json.dumps(names[2])}\n    quasi_identifiers: [{json.dumps(names[0])}, city]\n"
    )
    options = ScanOptions(batch_rows=128, probe_rows=50)
    reports = [
        _report(
            load_files([tmp_path / "odd.parquet"], streaming=mode)[0], tmp_path / "p.yaml", options
        )
        for mode in (False, True)
    ]
    assert reports[1] == reports[0]
    found = json.loads(reports[0])
    assert {r["rule"] for r in found["findings"]} >= {"k-anonymity", "retention"}
    assert "ana.silva@example.org" not in reports[0]


def test_a_malformed_streamed_csv_is_listed_as_not_read_never_clean(tmp_path: Path) -> None:
    lines = ["email,city"] + [f"user{i}@example.org,Leeds" for i in range(3000)]
    lines[2500] = "user@example.org,Leeds,extra,fields"
    (tmp_path / "bad.csv").write_text("\n".join(lines) + "\n")
    eager_tables, eager_skipped = load_files([tmp_path / "bad.csv"], streaming=False)
    assert not eager_tables and eager_skipped[0][1].startswith("cannot parse as CSV")
    tables, skipped = load_files([tmp_path / "bad.csv"], streaming=True)
    if tables:  # found only when the audit reads that far
        report = audit_dataset(
            tables, load_policy(None), fingerprinter=FP, scan_options=ScanOptions(probe_rows=100)
        )
        skipped = [(s.path, s.reason) for s in report.skipped]
    assert [path for path, _ in skipped] == [str(tmp_path / "bad.csv")]
    assert "user" not in skipped[0][1]


def test_epoch_seconds_with_nan_and_infinity_are_unparseable_not_a_failed_check(
    tmp_path: Path,
) -> None:
    """A float epoch-seconds column holding NaN and infinities: those records are unreadable
    timestamps (counted, not aged), the others are seconds (the non-finite values do not make
    the column milliseconds), and the check runs, streamed or in memory."""
    today = dt.date(2026, 1, 31)
    old = dt.datetime(2024, 1, 1, tzinfo=dt.UTC).timestamp()
    pl.DataFrame(
        {"id": [1, 2, 3, 4, 5], "ts": [old, float("nan"), float("inf"), -float("inf"), old]}
    ).write_parquet(tmp_path / "t.parquet")
    (tmp_path / "p.yaml").write_text(
        "version: 1\ntables:\n  t:\n    retention_days: 30\n    timestamp: ts\n"
    )
    reports = [
        audit_sources(
            [tmp_path / "t.parquet"],
            policy_path=tmp_path / "p.yaml",
            fingerprinter=FP,
            streaming=mode,
            today=today,
        )
        for mode in (False, True)
    ]
    eager, streamed = (json.loads(r.model_dump_json()) for r in reports)
    assert streamed == eager
    assert [c["status"] for c in eager["checks"] if c["rule"] == "retention"] == ["ran"]
    (measured,) = eager["retention"]
    assert (measured["expired"], measured["unparseable"]) == (2, 3)
    assert measured["oldest_age_days"] == (today - dt.date(2024, 1, 1)).days
