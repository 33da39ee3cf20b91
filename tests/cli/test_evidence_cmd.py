"""clearance evidence list|verify|export, and the runs the report-writing commands record:
the run id on stderr, nothing raw in the store, tampering named, documented exit codes."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from typer.testing import CliRunner

from clearance.cli.app import app
from clearance.demo.ecommerce import generate

runner = CliRunner()
RUN_ID = re.compile(r"evidence: run ([0-9a-f-]{32,36}) recorded")
UNREACHABLE = "postgresql://clearance:s3cretpw@127.0.0.1:1/evidence"
STORE = Path(".clearance") / "evidence.db"  # the tests' working directory is their tmp_path


def _csv(path: Path) -> Path:
    pl.DataFrame(
        {"email": [f"planted{i}.person@example.org" for i in range(20)], "n": list(range(20))}
    ).write_csv(path)
    return path


def _ids(stderr: str) -> list[str]:
    return RUN_ID.findall(stderr)


def _listed() -> list[dict[str, object]]:
    result = runner.invoke(app, ["evidence", "list", "--json"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def test_scan_to_stdout_keeps_stdout_the_report(tmp_path: Path) -> None:
    data = _csv(tmp_path / "u.csv")
    result = runner.invoke(app, ["scan", str(data), "-f", "json", "-o", "-"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)  # the run id went to stderr only
    [run_id] = _ids(result.stderr)
    [entry] = _listed()
    assert entry["run_id"] == run_id and entry["command"] == "scan"
    assert entry["verdict"] == "findings" and entry["outputs"] == []
    assert entry["findings"] == report["findings"]
    assert entry["inputs"][0]["path"] == str(data)  # type: ignore[index]


@pytest.mark.parametrize("command", ["scan", "audit"])
def test_a_run_that_skipped_an_input_is_recorded_incomplete_not_clean(
    tmp_path: Path, command: str
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    pl.DataFrame({"n": [1, 2, 3]}).write_csv(data / "t.csv")
    (data / "broken.parquet").write_bytes(b"PAR1 not parquet PAR1")
    result = runner.invoke(app, [command, str(data), "-o", str(tmp_path / "r.json"), "-q"])
    assert result.exit_code == 3, result.output
    [entry] = _listed()
    assert entry["command"] == command and entry["verdict"] == "incomplete"


def test_audit_store_holds_no_planted_value(tmp_path: Path) -> None:
    generate(tmp_path / "data", users=40, seed=3)
    users = pl.read_csv(tmp_path / "data" / "users.csv", infer_schema=False)
    planted = [*users["email"], *users["phone"], *users["full_name"], *users["card_number"]]
    result = runner.invoke(app, ["audit", str(tmp_path / "data"), "-o", str(tmp_path / "a.json")])
    assert result.exit_code in (0, 1), result.output
    [run_id] = _ids(result.stderr)
    [entry] = _listed()
    assert entry["run_id"] == run_id and entry["verdict"] in ("pass", "fail")
    assert entry["outputs"][0]["path"] == str(tmp_path / "a.json")  # type: ignore[index]
    assert entry["findings"], "the audit's findings are kept (masked)"
    stored = b"".join(p.read_bytes() for p in (tmp_path / ".clearance").iterdir() if p.is_file())
    export = tmp_path / "bundle.jsonl"
    assert runner.invoke(app, ["evidence", "export", "-o", str(export)]).exit_code == 0
    stored += export.read_bytes()
    assert not [v for v in planted if v.encode() in stored]


def test_redact_records_its_manifest_run_id(tmp_path: Path) -> None:
    data = _csv(tmp_path / "u.csv")
    result = runner.invoke(app, ["redact", str(data), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert _ids(result.stderr) == [manifest["run_id"]]
    [entry] = _listed()
    assert entry["command"] == "redact" and entry["verdict"] == "pass"
    assert entry["summary"]["rescan"]["remaining"] == 0  # type: ignore[index]


def test_fairness_records_its_verdict(tmp_path: Path) -> None:
    pytest.importorskip("fairlearn")
    rng = np.random.default_rng(0)
    n = 2000
    y = rng.integers(0, 2, n)
    data = tmp_path / "preds.parquet"
    pl.DataFrame({"g": rng.choice(["a", "b"], n), "y": y, "p": y}).write_parquet(data)
    result = runner.invoke(
        app,
        ["fairness", "--data", str(data), "--target", "y", "--sensitive", "g",
         "--prediction", "p", "--bootstrap", "50", "-o", str(tmp_path / "f.json")],
    )  # fmt: skip
    assert result.exit_code in (0, 1), result.output
    [entry] = _listed()
    assert entry["command"] == "fairness"
    assert entry["verdict"] == ("pass" if result.exit_code == 0 else "fail")
    assert entry["summary"]["passed"] is (result.exit_code == 0)  # type: ignore[index]


def test_no_evidence_writes_no_store(tmp_path: Path) -> None:
    data = _csv(tmp_path / "u.csv")
    result = runner.invoke(app, ["scan", str(data), "--no-evidence", "-o", str(tmp_path / "r.txt")])
    assert result.exit_code == 0 and not _ids(result.stderr)
    assert not STORE.exists()


def test_store_option_and_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _csv(tmp_path / "u.csv")
    there = tmp_path / "elsewhere" / "ev.db"
    assert runner.invoke(app, ["scan", str(data), "-q", "--store", str(there)]).exit_code == 0
    monkeypatch.setenv("CLEARANCE_STORE", str(there))
    assert runner.invoke(app, ["scan", str(data), "-q"]).exit_code == 0
    assert not STORE.exists()
    assert [e["seq"] for e in _listed()] == [1, 2]


def test_unreachable_store_fails_before_writing(tmp_path: Path) -> None:
    data = _csv(tmp_path / "u.csv")
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["scan", str(data), "-f", "json", "-o", str(out),
                                 "--store", UNREACHABLE])  # fmt: skip
    assert result.exit_code == 6, result.output
    assert not out.exists() and "s3cretpw" not in result.output
    verify = runner.invoke(app, ["evidence", "verify", "--store", UNREACHABLE])
    assert verify.exit_code == 6


def test_corrupt_store_is_exit_3_and_left_as_it_was(tmp_path: Path) -> None:
    data = _csv(tmp_path / "u.csv")
    STORE.parent.mkdir()
    STORE.write_bytes(b"garbage" * 1000)
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["scan", str(data), "-f", "json", "-o", str(out)])
    assert result.exit_code == 3 and "evidence.db" in result.stderr
    assert not out.exists()
    assert runner.invoke(app, ["evidence", "verify"]).exit_code == 3
    assert runner.invoke(app, ["evidence", "list"]).exit_code == 3
    assert STORE.read_bytes() == b"garbage" * 1000


def test_no_store_yet_is_exit_3_and_creates_nothing() -> None:
    result = runner.invoke(app, ["evidence", "verify"])
    assert result.exit_code == 3 and "no evidence store" in result.stderr
    assert not STORE.exists()


def _three_runs(tmp_path: Path) -> list[str]:
    data = _csv(tmp_path / "u.csv")
    ids = []
    for _ in range(3):
        result = runner.invoke(app, ["scan", str(data), "-o", str(tmp_path / "r.txt")])
        ids += _ids(result.stderr)
    return ids


def test_verify_names_an_edited_row(tmp_path: Path) -> None:
    ids = _three_runs(tmp_path)
    assert runner.invoke(app, ["evidence", "verify"]).exit_code == 0
    with sqlite3.connect(STORE) as db:
        db.execute(
            "UPDATE clearance_evidence_runs SET payload = replace(payload, 'findings', 'clean') "
            "WHERE seq = 2"
        )
    result = runner.invoke(app, ["evidence", "verify"])
    assert result.exit_code == 1
    assert f"record 2 (run {ids[1]}): altered" in result.stderr


def test_verify_names_a_deleted_row(tmp_path: Path) -> None:
    ids = _three_runs(tmp_path)
    with sqlite3.connect(STORE) as db:
        db.execute("DELETE FROM clearance_evidence_runs WHERE seq = 1")
    result = runner.invoke(app, ["evidence", "verify"])
    assert result.exit_code == 1
    assert f"record 2 (run {ids[1]}): records 1..1 deleted" in result.stderr


def test_verify_names_reordered_rows(tmp_path: Path) -> None:
    ids = _three_runs(tmp_path)
    with sqlite3.connect(STORE) as db:  # swap the contents of rows 1 and 2
        db.execute("UPDATE clearance_evidence_runs SET seq = -1 WHERE seq = 1")
        db.execute("UPDATE clearance_evidence_runs SET seq = 1 WHERE seq = 2")
        db.execute("UPDATE clearance_evidence_runs SET seq = 2 WHERE seq = -1")
    result = runner.invoke(app, ["evidence", "verify"])
    assert result.exit_code == 1
    assert f"record 1 (run {ids[1]})" in result.stderr


def test_export_and_verify_bundle(tmp_path: Path) -> None:
    ids = _three_runs(tmp_path)
    bundle = tmp_path / "bundle.jsonl"
    assert runner.invoke(app, ["evidence", "export", "-o", str(bundle)]).exit_code == 0
    ok = runner.invoke(app, ["evidence", "verify", "--bundle", str(bundle)])
    assert ok.exit_code == 0 and "3 record(s) intact" in ok.stderr
    lines = bundle.read_text().splitlines()
    lines[1], lines[2] = lines[2], lines[1]
    bundle.write_text("\n".join(lines) + "\n")
    moved = runner.invoke(app, ["evidence", "verify", "--bundle", str(bundle)])
    assert moved.exit_code == 1 and f"record 2 (run {ids[1]}): reordered" in moved.stderr
    bundle.write_text("{not json\n")
    assert runner.invoke(app, ["evidence", "verify", "--bundle", str(bundle)]).exit_code == 3


def test_list_shows_data_names_escaped(tmp_path: Path) -> None:
    data = _csv(tmp_path / "\x1b[2Jevil.csv")
    assert runner.invoke(app, ["scan", str(data), "-q"]).exit_code == 0
    assert runner.invoke(app, ["evidence", "list"]).exit_code == 0
    listed = runner.invoke(app, ["evidence", "list", "--json"]).stdout
    assert "\x1b" not in listed


def test_card_build_records_its_inputs_and_outputs(tmp_path: Path) -> None:
    card = tmp_path / "card.yaml"
    assert (
        runner.invoke(app, ["card", "init", "--regime", "sr-11-7", "-o", str(card)]).exit_code == 0
    )
    out = tmp_path / "card.md"
    result = runner.invoke(app, ["card", "build", str(card), "-o", str(out)])
    assert result.exit_code == 0, result.output
    [entry] = _listed()
    assert _ids(result.stderr) == [entry["run_id"]]
    assert entry["command"] == "card build"
    assert [f["path"] for f in entry["inputs"]] == [str(card)]  # type: ignore[union-attr]
    assert [f["path"] for f in entry["outputs"]] == [str(out)]  # type: ignore[union-attr]


def test_verify_names_an_edited_plain_column(tmp_path: Path) -> None:
    ids = _three_runs(tmp_path)
    with sqlite3.connect(STORE) as db:  # the payload is intact; the column a query reads is not
        db.execute("UPDATE clearance_evidence_runs SET verdict = 'pass' WHERE seq = 3")
    result = runner.invoke(app, ["evidence", "verify"])
    assert result.exit_code == 1
    assert f"record 3 (run {ids[2]}): altered (verdict differ" in result.stderr


def test_a_failed_command_leaves_no_store(tmp_path: Path) -> None:
    data = _csv(tmp_path / "u.csv")
    result = runner.invoke(app, ["scan", str(data), "-q", "-o", str(tmp_path)])  # a folder
    assert result.exit_code == 3
    result = runner.invoke(app, ["scan", str(data), "--format", "pdf"])
    assert result.exit_code == 4
    assert not Path(".clearance").exists()


def test_an_output_that_is_the_store_is_refused(tmp_path: Path) -> None:
    _three_runs(tmp_path)
    before = STORE.read_bytes()
    data = _csv(tmp_path / "u.csv")
    result = runner.invoke(app, ["scan", str(data), "-f", "json", "-o", str(STORE)])
    assert result.exit_code == 3 and "is the evidence store" in result.stderr
    assert STORE.read_bytes() == before
    assert runner.invoke(app, ["evidence", "verify"]).exit_code == 0


def test_an_unreadable_input_is_recorded_without_a_hash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clearance.errors import InputError
    from clearance.evidence import record

    data = _csv(tmp_path / "u.csv")

    def unreadable(path: Path) -> str:
        raise InputError(str(path), "cannot hash: Permission denied")

    monkeypatch.setattr(record, "file_sha256", unreadable)
    assert runner.invoke(app, ["scan", str(data), "-q"]).exit_code == 0
    [entry] = _listed()
    assert entry["inputs"] == [{"path": str(data), "sha256": None}]


def test_a_bad_signing_key_stops_before_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLEARANCE_EVIDENCE_KEY", str(tmp_path / "missing.pem"))
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["scan", str(_csv(tmp_path / "u.csv")), "-o", str(out)])
    assert result.exit_code == 4 and "missing.pem" in result.stderr
    assert not out.exists() and not STORE.exists()


def test_llm_audit_records_no_extracted_secret(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.llm.test_audit import SECRET, _cli_corpus, _with_fake_model

    corpus = _cli_corpus(tmp_path)
    _with_fake_model(monkeypatch, SECRET + '"\n')  # the model leaks the corpus secret verbatim
    out = tmp_path / "r.json"
    result = runner.invoke(app, ["llm", "audit", "--corpus", str(corpus), "--model", "m",
                                 "-o", str(out), "--untargeted", "0"])  # fmt: skip
    assert result.exit_code == 1, result.output
    [entry] = _listed()
    assert _ids(result.stderr) == [entry["run_id"]]
    assert entry["command"] == "llm audit" and entry["verdict"] == "fail"
    assert entry["summary"]["extracted"] >= 1  # type: ignore[index]
    stored = b"".join(p.read_bytes() for p in (tmp_path / ".clearance").iterdir() if p.is_file())
    assert SECRET.encode() not in stored


def _key(path: Path, *, public: bool = False) -> Path:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        if public
        else key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def _public_pem(private: Path, path: Path) -> Path:
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(private.read_bytes(), password=None)
    path.write_bytes(
        key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return path


def test_verify_checks_the_checkpoints_with_the_configured_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = _key(tmp_path / "ours.pem")
    monkeypatch.setenv("CLEARANCE_EVIDENCE_KEY", str(ours))
    data = _csv(tmp_path / "u.csv")
    for _ in range(2):
        assert runner.invoke(app, ["scan", str(data), "-q"]).exit_code == 0
    assert runner.invoke(app, ["evidence", "verify"]).exit_code == 0
    # an auditor holds only the public key
    monkeypatch.setenv("CLEARANCE_EVIDENCE_KEY", str(_public_pem(ours, tmp_path / "pub.pem")))
    assert runner.invoke(app, ["evidence", "verify"]).exit_code == 0
    # checkpoints re-signed by someone else's key: refused, named
    monkeypatch.setenv("CLEARANCE_EVIDENCE_KEY", str(_key(tmp_path / "theirs.pem", public=True)))
    result = runner.invoke(app, ["evidence", "verify"])
    assert result.exit_code == 1
    assert "signed checkpoint 2: signed by another key" in result.stderr


def test_verify_names_the_checkpoint_whose_signature_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLEARANCE_EVIDENCE_KEY", str(_key(tmp_path / "k.pem")))
    data = _csv(tmp_path / "u.csv")
    for _ in range(3):
        assert runner.invoke(app, ["scan", str(data), "-q"]).exit_code == 0
    with sqlite3.connect(STORE) as db:  # an older checkpoint forged, the latest left alone
        db.execute(
            "UPDATE clearance_evidence_checkpoints SET signature = ? WHERE seq = 1", ("00" * 64,)
        )
    result = runner.invoke(app, ["evidence", "verify"])
    assert result.exit_code == 1
    assert "record 1" in result.stderr and "signed checkpoint 1: signature invalid" in result.stderr


@pytest.mark.parametrize(
    "content", [b"-----BEGIN PRIVATE KEY-----\nnot base64\x1b[2J\n", b"", b"\xff\xfe<script>"]
)
def test_verify_with_a_malformed_key_exits_4_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    assert runner.invoke(app, ["scan", str(_csv(tmp_path / "u.csv")), "-q"]).exit_code == 0
    bad = tmp_path / "bad.pem"
    bad.write_bytes(content)
    monkeypatch.setenv("CLEARANCE_EVIDENCE_KEY", str(bad))
    result = runner.invoke(app, ["evidence", "verify"])
    assert result.exit_code == 4
    [line] = result.stderr.strip().splitlines()
    assert "bad.pem" in line and "CLEARANCE_EVIDENCE_KEY" in line and "\x1b" not in line
    monkeypatch.setenv("CLEARANCE_EVIDENCE_KEY", str(tmp_path / "missing.pem"))
    result = runner.invoke(app, ["evidence", "verify"])
    assert result.exit_code == 4 and "missing.pem" in result.stderr
    monkeypatch.delenv("CLEARANCE_EVIDENCE_KEY")
    result = runner.invoke(app, ["evidence", "verify", "--public-key", "<script>"])
    assert result.exit_code == 4 and "--public-key" in result.stderr


def test_a_rsa_key_is_not_an_evidence_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    assert runner.invoke(app, ["scan", str(_csv(tmp_path / "u.csv")), "-q"]).exit_code == 0
    pem = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    (tmp_path / "rsa.pem").write_bytes(pem)
    monkeypatch.setenv("CLEARANCE_EVIDENCE_KEY", str(tmp_path / "rsa.pem"))
    result = runner.invoke(app, ["evidence", "verify"])
    assert result.exit_code == 4 and "must be Ed25519" in result.stderr
