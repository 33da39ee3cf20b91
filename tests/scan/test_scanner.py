from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from clearance.demo.ecommerce import generate
from clearance.detection.engine import Engine
from clearance.privacy import Fingerprinter
from clearance.scan import ScanOptions, scan_paths
from clearance.scan.scanner import Scanner

FP = Fingerprinter(b"test-key-0123456789")  # the key tests/conftest.py sets


def _by(report, **where):  # type: ignore[no-untyped-def]
    out = []
    for f in report.findings:
        if all(
            getattr(f.location, k, None) == v or getattr(f, k, None) == v for k, v in where.items()
        ):
            out.append(f)
    return out


def test_demo_scan_finds_what_was_planted(tmp_path: Path) -> None:
    planted = generate(tmp_path / "data", users=300, seed=3)
    report = scan_paths([tmp_path / "data"], fingerprinter=FP)
    cols = {(Path(c.file).name, c.column): c for c in report.columns}
    for column, entity in [
        ("full_name", "PERSON"),
        ("email", "EMAIL_ADDRESS"),
        ("phone", "PHONE_NUMBER"),
        ("card_number", "CREDIT_CARD"),
        ("signup_ip", "IP_ADDRESS"),
        ("birth_date", "DATE_TIME"),
        ("street_address", "LOCATION"),
    ]:
        profile = cols[("users.csv", column)]
        assert profile.kind == "entity" and profile.entity == entity, column
        assert profile.share >= 0.85, column
    for column in ("sku", "quantity", "price", "status", "order_id", "user_id"):
        assert cols[("orders.parquet", column)].kind != "entity", column
    clean = [
        f
        for f in report.findings
        if (Path(f.location.file).name == "orders.parquet" and f.location.column != "ordered_at")
        or f.location.column in {"loyalty_tier", "rating", "product_id", "country"}
    ]
    assert clean == []
    ordered_at = _by(report, column="ordered_at")
    assert [f.entity for f in ordered_at] == ["DATE_TIME"]
    text = [f for f in report.findings if f.location.column == "text"]
    emails = sum(f.count for f in text if f.entity == "EMAIL_ADDRESS")
    phones = sum(f.count for f in text if f.entity == "PHONE_NUMBER")
    keys = [f for f in text if f.category == "secret"]
    assert emails == planted.review_emails
    assert phones == planted.review_phones
    assert len(keys) == planted.review_keys == 1
    config = [f for f in report.findings if f.location.file.endswith("settings.py")]
    assert [f.category for f in config] == ["secret"] * planted.config_keys
    assert config[0].location.line == 5


def test_sample_limits_rows(tmp_path: Path) -> None:
    pl.DataFrame({"email": [f"user{i}@example.com" for i in range(500)]}).write_csv(
        tmp_path / "a.csv"
    )
    full = scan_paths([tmp_path / "a.csv"], fingerprinter=FP)
    sampled = scan_paths([tmp_path / "a.csv"], fingerprinter=FP, options=ScanOptions(sample=100))
    assert full.findings[0].count == 500
    assert sampled.findings[0].count == 100
    assert sampled.summary.rows_scanned == 100


def test_column_name_gives_context(tmp_path: Path) -> None:
    pl.DataFrame(
        {"passport_number": ["912803456", "A12345678"], "n": ["912803456", "x"]}
    ).write_csv(tmp_path / "p.csv")
    report = scan_paths([tmp_path / "p.csv"], fingerprinter=FP)
    assert {f.location.column for f in report.findings if f.entity == "US_PASSPORT"} == {
        "passport_number"
    }


def test_bad_inputs_are_skipped_with_reasons(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("mail me: jane.doe@example.com\n")
    (tmp_path / "binary.bin").write_bytes(b"\x00\x01\x02" * 100)
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "broken.csv").write_text('a,b\n1,2\n"unterminated,6\n')
    (tmp_path / "broken.parquet").write_bytes(b"PAR1 not really parquet")
    (tmp_path / "huge.txt").write_text("x" * 1_100_000)
    (tmp_path / "latin1.txt").write_bytes("caf\xe9 owner: jane.doe@example.com\n".encode("latin-1"))
    (tmp_path / "bad.json").write_text("{not json")
    report = scan_paths([tmp_path, tmp_path / "missing.csv"], fingerprinter=FP)
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert set(reasons) == {
        "binary.bin", "empty.csv", "broken.csv", "broken.parquet", "huge.txt", "bad.json", "missing.csv"
    }  # fmt: skip
    assert "binary" in reasons["binary.bin"]
    assert "empty" in reasons["empty.csv"]
    assert "CSV" in reasons["broken.csv"] and "unterminated" not in reasons["broken.csv"]
    assert "PARQUET" in reasons["broken.parquet"]
    assert "line 1" in reasons["huge.txt"]
    assert all("\n" not in r for r in reasons.values())
    found_in = {Path(f.location.file).name for f in report.findings}
    assert {"good.txt", "latin1.txt"} <= found_in
    assert any("latin1.txt" in w and "UTF-8" in w for w in report.warnings)


def test_report_is_deterministic(tmp_path: Path) -> None:
    generate(tmp_path / "d", users=80, seed=5)
    a = scan_paths([tmp_path / "d"], fingerprinter=FP).model_dump_json()
    b = scan_paths([tmp_path / "d"], fingerprinter=FP).model_dump_json()
    assert a == b
    assert json.loads(a)["summary"]["files_scanned"] == 4


def test_faker_phone_column_is_a_phone_column(tmp_path: Path) -> None:
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(20240501)
    phones = [fake.phone_number() for _ in range(400)]
    assert sum("x" in p for p in phones) > 50  # extensions, +1- and 001- prefixes among them
    pl.DataFrame({"contact": phones, "n": list(range(400))}).write_csv(tmp_path / "p.csv")
    report = scan_paths([tmp_path / "p.csv"], fingerprinter=FP)
    (profile,) = [c for c in report.columns if c.column == "contact"]
    assert profile.kind == "entity" and profile.entity == "PHONE_NUMBER"
    assert profile.share >= 0.95


def test_float_columns_hold_no_card_numbers(tmp_path: Path) -> None:
    import random

    rng = random.Random(7)
    ratios = [rng.random() for _ in range(500)] + [0.36227206271667]
    big = [rng.uniform(1e15, 1e16) for _ in range(501)]
    pl.DataFrame({"ratio": ratios, "amount": big}).write_csv(tmp_path / "f.csv")
    pl.DataFrame({"ratio": ratios, "amount": big}).write_parquet(tmp_path / "f.parquet")
    report = scan_paths([tmp_path / "f.csv", tmp_path / "f.parquet"], fingerprinter=FP)
    assert [f for f in report.findings if f.entity == "CREDIT_CARD"] == []
    assert {c.kind for c in report.columns} == {"other"}


def test_street_names_after_people_are_no_person_column(tmp_path: Path) -> None:
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(3)
    streets = [fake.street_address() for _ in range(400)]
    pl.DataFrame({"street_address": streets}).write_csv(tmp_path / "a.csv")
    report = scan_paths([tmp_path / "a.csv"], fingerprinter=FP)
    columns = [f for f in report.findings if f.scope == "column"]
    assert [(f.entity, f.category) for f in columns] == [("LOCATION", "pii")]
    assert columns[0].share is not None and columns[0].share >= 0.98


def test_minor_values_of_another_kind_stay_counted(tmp_path: Path) -> None:
    phones = ["+44 20 7946 0958"] * 5 + [f"+1 415 555 {2600 + i:04d}" for i in range(90)]
    values = phones + ["ana.silva@example.org"] * 5
    pl.DataFrame({"phone": values}).write_csv(tmp_path / "m.csv")
    report = scan_paths([tmp_path / "m.csv"], fingerprinter=FP)
    entities = {f.entity for f in report.findings if f.location.column == "phone"}
    assert entities == {"PHONE_NUMBER", "EMAIL_ADDRESS"}


def test_event_times_are_quasi_identifiers_and_birth_dates_stay_sensitive(
    tmp_path: Path,
) -> None:
    stamps = [f"2024-05-{d:02d}T10:{d:02d}:00" for d in range(1, 29)]
    days = [f"19{50 + d}-0{1 + d % 9}-{d:02d}" for d in range(1, 29)]
    frame = {
        "signup_ts": stamps,
        "created_at": stamps,
        "ts": stamps,
        "dob": days,
        "birth_date": days,
        "date_of_birth": days,
    }
    pl.DataFrame(frame).write_csv(tmp_path / "t.csv")
    report = scan_paths([tmp_path / "t.csv"], fingerprinter=FP)
    kinds = {
        f.location.column: (f.category, f.entity) for f in report.findings if f.scope == "column"
    }
    for column in ("signup_ts", "created_at", "ts"):
        assert kinds[column] == ("quasi_identifier", "DATE_TIME"), column
    for column in ("dob", "birth_date", "date_of_birth"):
        assert kinds[column] == ("pii", "DATE_TIME"), column
    pii = [f for f in report.findings if f.category == "pii"]
    assert {f.location.column for f in pii} == {"dob", "birth_date", "date_of_birth"}


def test_scan_takes_an_explicit_fingerprinter_and_writes_no_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLEARANCE_KEY")
    data = tmp_path / "data"
    data.mkdir()
    (data / "c.csv").write_text("email\nana@example.org\n")
    with pytest.raises(TypeError, match="fingerprinter"):
        scan_paths([data])  # type: ignore[call-arg]
    report = scan_paths([data], fingerprinter=FP)
    assert [f.fingerprint for f in report.findings] == [
        FP.of(report.findings[0].rule, f"column\x00{report.findings[0].location.file}\x00email")
    ]
    assert not (tmp_path / ".clearance").exists()


def test_scan_frame_batches_of_the_slices_equals_scan_frame() -> None:
    rows = 2500
    frame = pl.DataFrame(
        {
            "email": [f"user{i % 700}@example.org" for i in range(rows)],
            "note": [f"call me on 212-555-{i % 9000:04d} after {i % 12} pm" for i in range(rows)],
            "n": list(range(rows)),
        }
    )
    options = ScanOptions(batch_rows=600, probe_rows=200, validate_limit=300)
    engine = Engine()

    def report(batched: bool) -> str:
        scanner = Scanner(engine, FP, options)
        if batched:
            step = options.batch_rows
            slices = (frame.slice(lo, step) for lo in range(0, rows, step))
            scanner.scan_frame_batches("t.parquet", "t", slices)
        else:
            scanner.scan_frame("t.parquet", "t", frame)
        return json.dumps(scanner.report().model_dump(mode="json"), sort_keys=True)

    batched = report(True)
    assert batched == report(False)
    assert json.loads(batched)["summary"]["files_scanned"] == 1
