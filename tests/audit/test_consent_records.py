"""Consent records read through a mapping (the bundled OneTrust-style one and a custom one):
the latest event per subject and purpose, in the consent check's format; a record that cannot
be read is one error naming the file, the row and the field, never the value."""

from __future__ import annotations

import csv
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import polars as pl
import pytest

from clearance.audit.consent_records import (
    COLUMNS,
    consent_table,
    load_mapping,
    read_file,
)
from clearance.errors import InputError, PolicyError

HEADER = [
    "Data Subject Identifier",
    "Purpose Name",
    "Purpose Status",
    "Consent Date",
    "Withdrawal Date",
    "Last Updated Date",
]


def onetrust_export(path: Path, subjects: int = 200, seed: int = 3) -> dict[tuple[str, str], str]:
    """A OneTrust-style export: every subject grants some purposes; some later withdraw
    (a second row), some are pending. Returns the expected latest status per subject and
    purpose."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    rows: list[list[str]] = []
    expected: dict[tuple[str, str], str] = {}
    names = {"Model Training": "model-training", "Marketing": "marketing", "Analytics": "analytics"}
    for n in range(subjects):
        subject = f"subj-{n:05d}@example.org"
        for name in rng.sample(sorted(names), rng.randint(1, 3)):
            granted = start + timedelta(days=rng.randint(0, 300), seconds=rng.randint(0, 86399))
            stamp = granted.strftime("%Y-%m-%dT%H:%M:%SZ")
            rows.append([subject, name, "ACTIVE", stamp, "", stamp])
            expected[(subject, names[name])] = "granted"
            fate = rng.random()
            if fate < 0.3:
                gone = granted + timedelta(days=rng.randint(1, 200))
                when = gone.strftime("%Y-%m-%dT%H:%M:%S+00:00")
                rows.append([subject, name, rng.choice(["WITHDRAWN", "EXPIRED"]), stamp, when, when])
                expected[(subject, names[name])] = "withdrawn"
            elif fate < 0.4:
                rows.append([subject, name, "PENDING", "", "", stamp])
    rng.shuffle(rows)  # an export is in no particular order
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return expected


def test_a_onetrust_style_export_becomes_the_latest_state(tmp_path: Path) -> None:
    export = tmp_path / "onetrust.csv"
    expected = onetrust_export(export)
    table = consent_table(read_file(export, load_mapping("onetrust")))
    assert tuple(table.columns) == COLUMNS
    got = {(r["subject_id"], r["purpose"]): r["status"] for r in table.iter_rows(named=True)}
    assert got == expected
    assert table.select("subject_id", "purpose").rows() == sorted(expected)
    granted = table.filter(pl.col("status") == "granted")
    assert (granted["consent"] == granted["purpose"]).all()
    withdrawn = table.filter(pl.col("status") == "withdrawn")
    assert withdrawn["consent"].is_null().all() and withdrawn["withdrawn_at"].is_not_null().all()
    assert table["granted_at"].dtype == pl.Datetime("us", "UTC")


def test_json_and_json_lines_read_as_csv_does(tmp_path: Path) -> None:
    export = tmp_path / "onetrust.csv"
    onetrust_export(export, subjects=30)
    with export.open(encoding="utf-8") as fh:
        records = list(csv.DictReader(fh))
    mapping = load_mapping("onetrust")
    (tmp_path / "page.json").write_text(json.dumps({"content": records, "totalPages": 1}))
    (tmp_path / "lines.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    expected = consent_table(read_file(export, mapping))
    assert consent_table(read_file(tmp_path / "page.json", mapping)).equals(expected)
    assert consent_table(read_file(tmp_path / "lines.jsonl", mapping)).equals(expected)


def test_a_withdrawal_wins_a_tie_and_order_does_not_matter(tmp_path: Path) -> None:
    t = datetime(2025, 1, 1, tzinfo=UTC)
    events = [
        ("s", "p", "granted", t, None, t),
        ("s", "p", "withdrawn", t, t, t),
    ]
    for ordered in (events, events[::-1]):
        [row] = consent_table(ordered).iter_rows(named=True)
        assert row["status"] == "withdrawn" and row["consent"] is None


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["", "Marketing", "ACTIVE", "", "", ""], "row 3: field subject (Data Subject Identifier): empty"),
        (["s1", "Marketing", "MAYBE", "", "", ""], "row 3: field status (Purpose Status): not one of"),
        (["s1", "Marketing", "ACTIVE", "yesterday", "", ""], "row 3: field granted_at (Consent Date): not an ISO 8601"),
        (["s1\x1b[2J", "Marketing", "ACTIVE", "", "", ""], "row 3: field subject (Data Subject Identifier): not a valid"),
        (["s1", "Marketing", "ACTIVE", "", "", "", "extra"], "row 3: more fields than the header"),
    ],
)
def test_a_malformed_row_names_file_row_and_field_never_the_value(
    tmp_path: Path, row: list[str], message: str
) -> None:
    export = tmp_path / "export.csv"
    with export.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerow(["planted-subject@example.org", "Marketing", "ACTIVE", "", "", ""])
        writer.writerow(row)
    with pytest.raises(InputError) as caught:
        read_file(export, load_mapping("onetrust"))
    text = str(caught.value)
    assert text.startswith(f"{export}: ") and message in text
    assert "\n" not in text and "planted" not in text and "yesterday" not in text


def test_unreadable_exports(tmp_path: Path) -> None:
    mapping = load_mapping("onetrust")
    bad = tmp_path / "latin1.csv"
    bad.write_bytes(b"Data Subject Identifier\n\xe9\n")
    with pytest.raises(InputError, match="not UTF-8"):
        read_file(bad, mapping)
    nul = tmp_path / "nul.csv"
    nul.write_text(",".join(HEADER) + '\n"s1\x00,x\n')
    with pytest.raises(InputError, match="row"):
        read_file(nul, mapping)
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"items": []}))
    with pytest.raises(InputError, match="no 'content' list"):
        read_file(page, mapping)
    page.write_text("[" * 100_000)
    with pytest.raises(InputError, match="not JSON"):
        read_file(page, mapping)


def test_a_custom_mapping_and_a_bad_one(tmp_path: Path) -> None:
    custom = tmp_path / "mine.yaml"
    custom.write_text(
        "version: 1\nfields: {subject: id, purpose: why, status: state, updated_at: at}\n"
        'granted: ["yes"]\nwithdrawn: ["no"]\n'
    )
    export = tmp_path / "mine.jsonl"
    export.write_text('{"id": 7, "why": "Research", "state": "yes", "at": "2025-01-02"}\n')
    [row] = consent_table(read_file(export, load_mapping(custom))).iter_rows(named=True)
    assert (row["subject_id"], row["purpose"], row["consent"]) == ("7", "research", "research")
    custom.write_text('version: 1\nfields: {subject: id}\ngranted: ["y"]\nwithdrawn: ["n"]\n')
    with pytest.raises(PolicyError, match=r"fields\.purpose"):
        load_mapping(custom)
    # YAML reads an unquoted yes as true: named, not taken as the text
    custom.write_text("version: 1\nfields: {subject: a, purpose: b, status: c}\ngranted: [yes]\nwithdrawn: [n]\n")
    with pytest.raises(PolicyError, match=r"granted\.0"):
        load_mapping(custom)
    with pytest.raises(PolicyError):
        load_mapping(tmp_path / "missing.yaml")
