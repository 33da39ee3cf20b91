from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli.app import app
from clearance.demo.ecommerce import generate, write_policy
from clearance.privacy import Fingerprinter

runner = CliRunner()


def test_init_writes_starter_and_refuses_overwrite(tmp_path: Path) -> None:
    target = tmp_path / "clearance.yaml"
    first = runner.invoke(app, ["init", "-o", str(target)])
    assert first.exit_code == 0, first.output
    assert "purpose: model-training" in target.read_text()
    target.write_text("purpose: mine\n")
    second = runner.invoke(app, ["init", "-o", str(target)])
    assert second.exit_code == 4
    assert target.read_text() == "purpose: mine\n"
    assert runner.invoke(app, ["init", "-o", str(target), "--force"]).exit_code == 0


@pytest.fixture
def demo(tmp_path: Path) -> tuple[Path, Path]:
    generate(tmp_path / "data", users=120, seed=2)
    return tmp_path / "data", write_policy(tmp_path / "clearance.yaml")


def test_audit_writes_every_format_and_gate_fails(demo: tuple[Path, Path], tmp_path: Path) -> None:
    data, policy = demo
    outs = [tmp_path / "r.json", tmp_path / "r.html", tmp_path / "r.md"]
    args = ["audit", str(data), "--policy", str(policy)]
    for out in outs:
        args += ["-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output  # the demo data fails the gate
    report = json.loads(outs[0].read_text())
    assert report["kind"] == "audit" and report["summary"]["gate"] == "fail"
    for finding in report["findings"]:
        for key in ("rule", "category", "severity", "location", "count", "controls"):
            assert key in finding
        assert finding["location"]["table"]
    assert outs[1].read_text().lstrip().lower().startswith("<!doctype html>")
    assert "gate" in result.stderr.lower()


def test_audit_passes_when_policy_allows(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("sku,quantity\nA-1,2\nB-2,3\n")
    result = runner.invoke(app, ["audit", str(tmp_path / "t.csv"), "-q"])
    assert result.exit_code == 0, result.output


def test_audit_bad_policy_is_exit_4(demo: tuple[Path, Path], tmp_path: Path) -> None:
    data, _ = demo
    bad = tmp_path / "bad.yaml"
    bad.write_text("k: -3\n")
    result = runner.invoke(app, ["audit", str(data), "--policy", str(bad), "-q"])
    assert result.exit_code == 4
    assert (
        result.stderr.strip()
        == "error: " + f"{bad}: k: -3 (Input should be greater than or equal to 1)"
    )


def test_audit_unknown_report_suffix_is_exit_4(demo: tuple[Path, Path], tmp_path: Path) -> None:
    data, _ = demo
    result = runner.invoke(app, ["audit", str(data), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 4
    assert "r.pdf" in result.stderr and not (tmp_path / "r.pdf").exists()


def test_audit_without_inputs_is_usage_error() -> None:
    assert runner.invoke(app, ["audit"]).exit_code == 2


def test_audit_database_down_is_exit_6() -> None:
    result = runner.invoke(
        app, ["audit", "--db", "postgresql://u:hunter2secret@127.0.0.1:9/db", "-q"]
    )
    assert result.exit_code == 6
    assert "hunter2secret" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_audit_missing_policy_column_is_reported_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "reviews.csv").write_text("text,created\nnice,2026-01-01\n")
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "reference_date: 2026-01-31\n"
        "tables:\n  reviews:\n    timestamp: created_at\n    retention_days: 30\n"
    )
    out = tmp_path / "r.json"
    result = runner.invoke(
        app, ["audit", str(tmp_path / "reviews.csv"), "-p", str(policy), "-o", str(out), "-q"]
    )
    assert result.exit_code == 0, result.output
    checks = json.loads(out.read_text())["checks"]
    retention = next(c for c in checks if c["rule"] == "retention")
    assert retention["status"] == "skipped"
    assert "created_at" in retention["reason"] and "columns: text, created" in retention["reason"]


def test_audit_reports_scores_of_the_calibration_it_is_given(
    demo: tuple[Path, Path], tmp_path: Path
) -> None:
    data, policy = demo

    def email_scores(*flags: str) -> set[float]:
        out = tmp_path / "r.json"
        result = runner.invoke(
            app, ["audit", str(data), "--policy", str(policy), "-o", str(out), "-q", *flags]
        )
        assert result.exit_code == 1, result.output
        findings = json.loads(out.read_text())["findings"]
        return {f["score"] for f in findings if f["rule"] == "email"}

    hand_set = email_scores("--calibration", "none")
    calibrated = email_scores()
    assert hand_set and calibrated and hand_set != calibrated
    assert min(calibrated) > min(hand_set)  # e-mails were right more often than 0.95 says
    broken = tmp_path / "cal.json"
    broken.write_text("[]", "utf-8")
    bad = runner.invoke(
        app, ["audit", str(data), "--policy", str(policy), "--calibration", str(broken)]
    )
    assert bad.exit_code == 3 and str(broken) in bad.output


# Passwords written every way a user may write them; no fragment of one may be printed.
TRICKY_URLS = [
    ("postgresql://auditor:Zq8@Xk7@127.0.0.1:9/shop", ("Zq8", "Xk7")),  # unencoded @
    ("postgresql://auditor:Zq8@Xk7@Wm3@127.0.0.1:9/shop", ("Zq8", "Xk7", "Wm3")),
    ("postgresql://auditor:Zq8:Xk7@127.0.0.1:9/shop", ("Zq8", "Xk7")),  # unencoded :
    ("postgresql://auditor:Zq8/Xk7@127.0.0.1:9/shop", ("Zq8", "Xk7")),  # unencoded /
    ("postgresql://auditor:Zq8%Xk7@127.0.0.1:9/shop", ("Zq8", "Xk7")),  # bare %
    ("postgresql://auditor:Zq8%40Xk7@127.0.0.1:9/shop", ("Zq8", "Xk7")),  # encoded @
    ("postgresql://auditor:Zq8?Xk7@Wm3@127.0.0.1:9/shop", ("Zq8", "Xk7", "Wm3")),  # ? and @
    ("postgresql://aud/itor:Zq8Xk7@127.0.0.1:9/shop", ("Zq8Xk7",)),  # / in the user name
    ("postgresql://auditor:Zq8Xk7@127.0.0.1:9/shop?password=Wm3Yp5", ("Zq8Xk7", "Wm3Yp5")),
    ("postgresql://auditor:@127.0.0.1:9/shop", ()),  # empty password
    ("postgresql://auditor@127.0.0.1:9/shop", ()),  # no password
]


@pytest.mark.parametrize(("uri", "fragments"), TRICKY_URLS)
def test_no_part_of_a_password_is_ever_printed(uri: str, fragments: tuple[str, ...]) -> None:
    result = runner.invoke(app, ["audit", "--db", uri])
    assert result.exit_code in (3, 6), result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment not in result.output
    assert "127.0.0.1" in lines[0] and "shop" in lines[0]


def test_ambiguous_password_is_refused_with_how_to_fix_it() -> None:
    result = runner.invoke(app, ["audit", "--db", "postgresql://u:Zq8@Xk7@127.0.0.1:9/shop"])
    assert result.exit_code == 3
    assert "percent-encode" in result.stderr and "%40" in result.stderr


def test_missing_sqlite_file_is_exit_6_and_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "missing.db"
    result = runner.invoke(app, ["audit", "--db", f"sqlite:///{missing}", "-q"])
    assert result.exit_code == 6, result.output
    assert str(missing) in result.stderr and "no such SQLite file" in result.stderr
    assert not missing.exists()


def test_sqlite_report_names_the_database_without_credentials(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "shop.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (sku TEXT)")
        conn.execute("INSERT INTO t VALUES ('A-1')")
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["audit", "--db", f"sqlite:///{db}", "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["tables"][0]["origin"] == f"sqlite:///{db}#t"


# --------------------------------------------------------------- bad policy files (item 14)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"reference_date: 2024-13-45\n", "reference_date: '2024-13-45'"),
        (b"purpose: caf\xe9\n", "not UTF-8 text (bad byte at offset 12)"),
        (b'k: "five"\n', "k: 'five'"),
        (b"tables: [users, orders]\n", "tables: expected a mapping of keys to values, got a list"),
        (b"tables:\n  users: [postcode]\n", "tables.users: expected a mapping"),
        (b"entities: [EMAIL_ADDRESS]\n", "entities: expected a mapping"),
        (b"consent: users\n", "consent: expected a mapping of keys to values, got text"),
        (
            b"tables:\n  users:\n    quasi_identifiers: postcode\n",
            "tables.users.quasi_identifiers: expected a list such as [a, b], got text",
        ),
        (b"k: [1, 2\n", "not valid YAML (line 2)"),
    ],
)
def test_bad_policy_file_is_exit_4_naming_the_file(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    (tmp_path / "t.csv").write_text("sku\nA-1\n")
    policy = tmp_path / "clearance.yaml"
    policy.write_bytes(content)
    result = runner.invoke(app, ["audit", str(tmp_path / "t.csv"), "-p", str(policy), "-q"])
    assert result.exit_code == 4, result.output
    line = result.stderr.strip()
    assert line.startswith(f"error: {policy}: ") and "\n" not in line
    assert expected in line


def test_a_good_date_still_loads(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("sku\nA-1\n")
    policy = tmp_path / "clearance.yaml"
    policy.write_text("reference_date: 2024-02-29\n")
    out = tmp_path / "r.json"
    result = runner.invoke(
        app, ["audit", str(tmp_path / "t.csv"), "-p", str(policy), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["policy"]["reference_date"] == "2024-02-29"


# ------------------------------------------------------------ silent gaps (item 17, audit)


def test_non_table_file_in_a_folder_is_skipped_printed_and_exit_3(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "t.csv").write_text("sku\nA-1\n")
    (tmp_path / "data" / "README.txt").write_text("about the data\n")
    (tmp_path / "data" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    for quiet in ([], ["-q"]):
        out = tmp_path / "r.json"
        result = runner.invoke(app, ["audit", str(tmp_path / "data"), "-o", str(out), *quiet])
        assert result.exit_code == 3, result.output
        for name in ("README.txt", "logo.png"):
            assert f"skipped input {tmp_path / 'data' / name}: not a table file" in result.stderr
        skipped = {s["path"] for s in json.loads(out.read_text())["skipped"]}
        assert skipped == {str(tmp_path / "data" / n) for n in ("README.txt", "logo.png")}


@pytest.mark.parametrize("key", ["forbidden", "allowed"])
def test_unknown_entity_type_in_policy_is_exit_4(tmp_path: Path, key: str) -> None:
    (tmp_path / "t.csv").write_text("email\nana@example.org\n")
    policy = tmp_path / "clearance.yaml"
    policy.write_text(f"entities:\n  {key}: [CREDIT_CARD, EMAIL]\n")
    result = runner.invoke(app, ["audit", str(tmp_path / "t.csv"), "-p", str(policy)])
    assert result.exit_code == 4, result.output
    line = result.stderr.strip()
    assert line.startswith(f"error: {policy}: entities.{key}: unknown entity type 'EMAIL'")
    assert "EMAIL_ADDRESS" in line and "clearance rules" in line


def test_entity_types_are_case_insensitive(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("email\nana@example.org\nbo@example.net\n")
    policy = tmp_path / "clearance.yaml"
    policy.write_text("entities:\n  forbidden: [email_address]\n")
    out = tmp_path / "r.json"
    result = runner.invoke(
        app, ["audit", str(tmp_path / "t.csv"), "-p", str(policy), "-o", str(out), "-q"]
    )
    assert result.exit_code == 1, result.output
    severities = {
        f["severity"] for f in json.loads(out.read_text())["findings"] if f["rule"] == "email"
    }
    assert severities == {"critical"}


def test_policy_warnings_are_printed_in_the_terminal(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("sku\nA-1\n")
    policy = tmp_path / "clearance.yaml"
    policy.write_text("tables:\n  users:\n    retention_days: 30\n")
    for quiet in ([], ["-q"]):
        result = runner.invoke(app, ["audit", str(tmp_path / "t.csv"), "-p", str(policy), *quiet])
        assert result.exit_code == 0, result.output
        assert "warning: policy: tables.users: no such table in the input" in result.stderr


def test_no_readable_table_prints_the_reasons(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "notes.txt").write_text("hello\n")
    (tmp_path / "data" / "empty.csv").write_text("")
    result = runner.invoke(app, ["audit", str(tmp_path / "data"), "-q"])
    assert result.exit_code == 3, result.output
    line = result.stderr.strip()
    assert "\n" not in line and "above" not in line
    assert f"{tmp_path / 'data' / 'empty.csv'}: file is empty" in line
    assert f"{tmp_path / 'data' / 'notes.txt'}: not a table file" in line


# ----------------------------------------------------------- init for your own data (item 23)


def _own_data(folder: Path) -> Path:
    folder.mkdir()
    rows = [(f"C{i:03d}", f"{10100 + i % 3}", "fm"[i % 2], f"c{i}@example.org") for i in range(12)]
    (folder / "customers.csv").write_text(
        "customer_id,zip,gender,email\n" + "".join(",".join(r) + "\n" for r in rows)
    )
    (folder / "purchases.csv").write_text(
        "customer_id,purchased_at,amount\n"
        + "".join(f"C{i % 12:03d},2025-0{1 + i % 9}-1{i % 9}T10:00:00,{i}.50\n" for i in range(30))
    )
    return folder


def test_init_data_writes_a_policy_for_your_tables_and_audit_runs_it(tmp_path: Path) -> None:
    data = _own_data(tmp_path / "data")
    policy = tmp_path / "clearance.yaml"
    result = runner.invoke(app, ["init", str(data), "-o", str(policy)])
    assert result.exit_code == 0, result.output
    for guess in (
        "guessed: 2 tables",
        "guessed: subject key customer_id (subject table customers; linked: purchases)",
        "guessed: timestamps: purchases.purchased_at",
        "guessed: quasi-identifiers: customers: zip, gender",
    ):
        assert guess in result.stderr, result.stderr
    text = policy.read_text()
    assert '"customers":' in text and 'tables:\n  "users"' not in text
    out = tmp_path / "r.json"
    audited = runner.invoke(app, ["audit", str(data), "-p", str(policy), "-o", str(out), "-q"])
    assert audited.exit_code in (0, 1), audited.output
    report = json.loads(out.read_text())
    status = {(c["rule"], c["table"]): c["status"] for c in report["checks"]}
    assert status[("k-anonymity", "customers")] == "ran"
    assert status[("retention", "purchases")] == "ran"
    assert status[("minimization", "customers")] == "ran"
    assert status[("minimization", "purchases")] == "ran"
    assert report["policy"]["subject_key"] == "customer_id"
    assert not [w for w in report["warnings"] if "no such table" in w]


def test_init_data_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    data = _own_data(tmp_path / "data")
    policy = tmp_path / "clearance.yaml"
    policy.write_text("purpose: mine\n")
    refused = runner.invoke(app, ["init", str(data), "-o", str(policy)])
    assert refused.exit_code == 4 and "--force" in refused.stderr
    assert policy.read_text() == "purpose: mine\n"
    forced = runner.invoke(app, ["init", str(data), "-o", str(policy), "--force"])
    assert forced.exit_code == 0, forced.output
    assert '"purchases":' in policy.read_text()


def test_init_names_that_look_like_yaml_stay_names(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "t.csv").write_text('"a: b","# c","[d]"\n1,2,3\n')
    policy = tmp_path / "clearance.yaml"
    assert runner.invoke(app, ["init", str(tmp_path / "data"), "-o", str(policy)]).exit_code == 0
    from clearance.audit.policy import load_policy

    assert load_policy(policy).table("t").features == ["a: b", "# c", "[d]"]


def test_audit_cli_keys_fingerprints_with_the_project_key(
    demo: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The library takes an explicit fingerprinter; the CLI chooses the key as it always has:
    CLEARANCE_KEY, else ``.clearance/key`` in the working directory, created on first use."""
    data, policy = demo
    monkeypatch.delenv("CLEARANCE_KEY")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["audit", str(data), "--policy", str(policy), "-q", "-o", str(out)])
    assert result.exit_code == 1, result.output
    key = (tmp_path / ".clearance" / "key").read_bytes().strip()
    findings = json.loads(out.read_text())["findings"]
    header = next(f for f in findings if f["rule"] == "k-anonymity")
    loc = header["location"]
    identity = f"{loc['table']}\x00{loc['column']}\x00{loc['column'].replace(', ', ',')}"
    assert header["fingerprint"] == Fingerprinter(key).of("k-anonymity", identity)


def test_streaming_and_in_memory_audits_write_the_same_report(tmp_path: Path) -> None:
    from clearance.audit.sources import load_files

    generate(tmp_path / "demo", users=120, seed=2)  # CSV, JSONL and Parquet: all to Parquet
    policy = write_policy(tmp_path / "clearance.yaml")
    (tmp_path / "pq").mkdir()
    for table in load_files([tmp_path / "demo"])[0]:
        table.frame.write_parquet(tmp_path / "pq" / f"{table.name}.parquet", row_group_size=100)
    texts = []
    for flag in ("--streaming", "--in-memory"):
        out = tmp_path / f"r{flag}.json"
        args = ["audit", str(tmp_path / "pq"), "-p", str(policy), "-q", flag, "-o", str(out)]
        result = runner.invoke(app, args)
        assert result.exit_code == 1, result.output  # the demo's planted findings
        texts.append(out.read_text())
    assert texts[0] == texts[1]
    assert json.loads(texts[0])["summary"]["rows"] > 120


def test_init_reads_large_files_lazily_and_writes_the_same_policy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clearance.audit import sources

    data = _own_data(tmp_path / "data")
    assert runner.invoke(app, ["init", str(data), "-o", str(tmp_path / "a.yaml")]).exit_code == 0

    def whole(table: sources.Table) -> object:
        raise AssertionError(f"{table.name} was loaded whole")

    monkeypatch.setattr(sources, "STREAM_TEXT_BYTES", 1)  # every CSV counts as large
    monkeypatch.setattr(sources.Table, "frame", property(whole))
    result = runner.invoke(app, ["init", str(data), "-o", str(tmp_path / "b.yaml")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "b.yaml").read_text() == (tmp_path / "a.yaml").read_text()
