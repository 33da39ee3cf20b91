"""clearance consent import through the CLI: the OneTrust-style export becomes the consent
table that `clearance audit` then reads (a withdrawal after the snapshot flagged); a malformed
row is one line naming file, row and field, exit 3, nothing written and nothing recorded; a
database table of records reads as the file does."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from clearance.cli.app import app
from tests.audit.test_consent_records import HEADER, onetrust_export
from tests.cli._evidence import assert_nothing_planted, recorded

runner = CliRunner()


def test_import_then_audit_flags_a_withdrawal_after_the_snapshot(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    export = tmp_path / "onetrust.csv"
    with export.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerow(["u1", "Model Training", "ACTIVE", "2025-01-01T10:00:00Z", "", ""])
        writer.writerow(["u2", "Model Training", "ACTIVE", "2025-01-01T10:00:00Z", "", ""])
        writer.writerow(
            ["u2", "Model Training", "WITHDRAWN", "2025-01-01T10:00:00Z",
             "2025-06-01T09:00:00Z", "2025-06-01T09:00:00Z"]
        )
    result = runner.invoke(
        app, ["consent", "import", str(export), "--mapping", "onetrust", "-o", str(data / "consent.parquet")]
    )
    assert result.exit_code == 0, result.output
    assert "3 consent records, 2 subjects: 1 granted, 1 withdrawn" in result.stderr
    [entry] = recorded()
    assert entry["command"] == "consent import" and entry["verdict"] == "recorded"
    assert entry["summary"] == {
        "records": 3, "subjects": 2, "purposes": ["model-training"], "granted": 1, "withdrawn": 1
    }
    assert_nothing_planted("u1,", "u2,")
    pl.DataFrame({"user_id": ["u1", "u2", "u2"], "rating": [5, 4, 3]}).write_csv(
        data / "reviews.csv"
    )
    Path("clearance.yaml").write_text(
        "purpose: model-training\nsubject_key: user_id\n"
        "consent: {table: consent, column: consent, subject_key: subject_id, "
        "snapshot_date: 2025-03-01}\n"
    )
    audit = runner.invoke(
        app, ["audit", str(data), "--policy", "clearance.yaml", "-o", "audit.json", "-q"]
    )
    assert audit.exit_code == 1, audit.output
    report = json.loads(Path("audit.json").read_text())
    late = [f for f in report["findings"] if f["rule"] == "consent-withdrawn-after-snapshot"]
    assert {(f["location"]["table"], f["count"]) for f in late} == {("consent", 1), ("reviews", 2)}


def test_a_malformed_row_writes_nothing(tmp_path: Path) -> None:
    export = tmp_path / "bad.csv"
    with export.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerow(["planted-subject@example.org", "Marketing", "ACTIVE", "", "", ""])
        writer.writerow(["s2", "Marketing", "ACTIVE", "not a date", "", ""])
    out = tmp_path / "consent.parquet"
    result = runner.invoke(app, ["consent", "import", str(export), "-o", str(out)])
    assert result.exit_code == 3
    assert result.stderr == (
        f"error: {export}: row 3: field granted_at (Consent Date): not an ISO 8601 date-time\n"
    )
    assert not out.exists() and recorded() == []
    assert "planted" not in result.output


def test_bad_invocations(tmp_path: Path) -> None:
    export = tmp_path / "e.csv"
    onetrust_export(export, subjects=3)
    for args, code in (
        ([], 2),  # neither a file nor --db
        ([str(export), "--db", "sqlite:///x.db", "--table", "t"], 2),
        (["--db", "sqlite:///x.db"], 2),  # --db without --table
        ([str(export), "-o", "consent.json"], 4),
        ([str(export), "--mapping", "nosuch.yaml"], 4),
        ([str(tmp_path / "missing.csv")], 3),
    ):
        result = runner.invoke(app, ["consent", "import", *args])
        assert result.exit_code == code, (args, result.output)
    assert not Path("consent.parquet").exists() and recorded() == []


def test_records_from_a_database_table(tmp_path: Path) -> None:
    export = tmp_path / "e.csv"
    onetrust_export(export, subjects=20)
    db = tmp_path / "cmp.db"
    with export.open(newline="") as fh, sqlite3.connect(db) as conn:
        rows = list(csv.reader(fh))
        conn.execute(f"CREATE TABLE receipts ({', '.join(f'[{h}] TEXT' for h in rows[0])})")
        conn.executemany(
            f"INSERT INTO receipts VALUES ({', '.join('?' * len(rows[0]))})",
            [[v or None for v in r] for r in rows[1:]],
        )
    ok = runner.invoke(app, ["consent", "import", str(export), "-o", "from_file.csv"])
    assert ok.exit_code == 0, ok.output
    ok = runner.invoke(
        app,
        ["consent", "import", "--db", f"sqlite:///{db}", "--table", "receipts", "-o", "from_db.csv"],
    )
    assert ok.exit_code == 0, ok.output
    assert Path("from_db.csv").read_text() == Path("from_file.csv").read_text()
