from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import create_engine, text

import clearance
from clearance.errors import InputError, PolicyError, SourceUnavailableError
from clearance.evidence import default_store_url, new_record, open_store
from clearance.evidence.signing import KEY_ENV

SRC = str(Path(clearance.__file__).resolve().parents[1])


def sql(url: str, statement: str) -> None:
    engine = create_engine(default_store_url(url))
    with engine.begin() as conn:
        conn.execute(text(statement))
    engine.dispose()


def signing_key(path: Path) -> Path:
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.write_bytes(pem)
    return path


def test_records_are_appended_in_a_chain(store_url: str, tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text("a\n1\n")
    store = open_store(store_url)
    ids = [
        store.append(new_record("scan", inputs=[data], verdict="clean", report={"findings": []}))
        for _ in range(3)
    ]
    entries = store.entries()
    assert [e.run_id for e in entries] == ids
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[1].prev_hash == entries[0].hash
    first = entries[0].record
    assert first["inputs"] == [{"path": str(data), "sha256": hashlib.sha256(b"a\n1\n").hexdigest()}]
    assert first["tool_version"] == clearance.__version__
    assert store.verify().intact
    store.close()


def test_user_comes_from_clearance_user(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEARANCE_USER", "dpo@example.org")
    store = open_store(store_url)
    store.append(new_record("audit", verdict="pass"))
    assert store.entries()[0].record["user"] == "dpo@example.org"
    assert store.entries()[0].record["created_at"].endswith("Z")
    store.close()


def test_edited_row_is_named(store_url: str) -> None:
    store = open_store(store_url)
    ids = [store.append(new_record("scan", verdict="clean")) for _ in range(3)]
    sql(
        store_url,
        "UPDATE clearance_evidence_runs SET payload = replace(payload, 'clean', 'pass') "
        "WHERE seq = 2",
    )
    broken = store.verify().broken
    assert broken is not None and (broken.seq, broken.run_id, broken.reason) == (
        2,
        ids[1],
        "altered",
    )
    store.close()


def test_deleted_row_is_named(store_url: str) -> None:
    store = open_store(store_url)
    for _ in range(3):
        store.append(new_record("scan", verdict="clean"))
    sql(store_url, "DELETE FROM clearance_evidence_runs WHERE seq = 2")
    broken = store.verify().broken
    assert broken is not None and broken.seq == 3 and "deleted" in broken.reason
    store.close()


def test_signed_checkpoint_shows_records_cut_from_the_end(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, str(signing_key(tmp_path / "evidence.pem")))
    store = open_store(store_url)
    for _ in range(3):
        store.append(new_record("scan", verdict="clean"))
    assert store.verify().intact
    checkpoint = store.checkpoint()
    assert checkpoint is not None and checkpoint.seq == 3
    # the last record removed: the chain alone would still verify
    sql(store_url, "DELETE FROM clearance_evidence_runs WHERE seq = 3")
    broken = store.verify().broken
    assert broken is not None and broken.seq == 3 and "signed checkpoint" in broken.reason
    store.close()


def test_forged_checkpoint_is_refused(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(KEY_ENV, str(signing_key(tmp_path / "evidence.pem")))
    store = open_store(store_url)
    store.append(new_record("scan", verdict="clean"))
    sql(store_url, f"UPDATE clearance_evidence_checkpoints SET head = '{'0' * 64}'")
    broken = store.verify().broken
    assert broken is not None and broken.reason == "signed checkpoint 1: signature invalid"
    store.close()


def test_two_processes_appending_at_once_keep_one_chain(store_url: str) -> None:
    """Both start on a store that does not exist yet and append 15 records each."""
    # a fresh store: the two first runs also race to create the tables
    script = (
        "import sys\n"
        "from clearance.evidence import new_record, open_store\n"
        "for i in range(15):\n"
        "    s = open_store(sys.argv[1])\n"
        "    s.append(new_record('scan', verdict='clean'))\n"
        "    s.close()\n"
    )
    path = os.pathsep.join(p for p in (SRC, os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONPATH": path}
    procs = [
        subprocess.Popen([sys.executable, "-c", script, store_url], env=env, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for proc in procs:
        _, stderr = proc.communicate(timeout=300)
        assert proc.returncode == 0, stderr.decode()[-2000:]
    store = open_store(store_url)
    result = store.verify()
    assert result.intact and result.count == 30
    store.close()


def test_corrupt_sqlite_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "evidence.db"
    path.write_bytes(b"this is not a database" * 200)
    with pytest.raises(InputError, match=r"evidence\.db"):
        open_store(str(path))
    assert path.read_bytes() == b"this is not a database" * 200


def test_unreachable_server_is_a_source_error() -> None:
    with pytest.raises(SourceUnavailableError) as caught:
        open_store("postgresql://clearance:s3cretpw@127.0.0.1:1/evidence")
    assert "s3cretpw" not in str(caught.value)


def test_unknown_scheme_is_a_policy_error() -> None:
    with pytest.raises(PolicyError, match="only sqlite"):
        open_store("mysql://db/evidence")


def test_missing_store_is_not_created_when_reading(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no evidence store"):
        open_store(str(tmp_path / "none.db"), create=False)
    assert not (tmp_path / "none.db").exists()


def test_default_store_is_in_the_working_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLEARANCE_STORE", raising=False)
    assert default_store_url() == "sqlite:///.clearance/evidence.db"
    monkeypatch.setenv("CLEARANCE_STORE", "postgresql://u@h/db")
    assert default_store_url() == "postgresql+psycopg://u@h/db"
    assert default_store_url("x.db") == "sqlite:///x.db"


def test_bundle_checked_against_a_pinned_public_key(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clearance.evidence.audit_trail import verify_entries
    from clearance.evidence.bundle import bundle_text, read_bundle

    monkeypatch.setenv(KEY_ENV, str(signing_key(tmp_path / "evidence.pem")))
    store = open_store(store_url)
    for _ in range(3):
        store.append(new_record("scan", verdict="clean"))
    checkpoint = store.checkpoint()
    assert checkpoint is not None
    bundle = tmp_path / "b.jsonl"
    bundle.write_text(bundle_text(store.entries(), checkpoint))
    entries, read = read_bundle(bundle)
    assert verify_entries(entries, read, public_key=checkpoint.public_key).intact
    other = verify_entries(entries, read, public_key="00" * 32).broken
    assert other is not None and other.reason == "signed checkpoint 3: signed by another key"
    # the last record and the signed line cut off: a shorter chain, intact on its own
    lines = bundle.read_text().splitlines()
    bundle.write_text("\n".join(lines[:-2]) + "\n")
    entries, read = read_bundle(bundle)
    assert read is None and verify_entries(entries, read).intact
    cut = verify_entries(entries, read, public_key=checkpoint.public_key).broken
    assert cut is not None and cut.reason == "no signed checkpoint"
    store.close()


def test_store_of_a_newer_schema_is_refused(store_url: str) -> None:
    store = open_store(store_url)
    store.append(new_record("scan", verdict="clean"))
    store.close()
    sql(store_url, "UPDATE clearance_evidence_alembic_version SET version_num = '9999'")
    with pytest.raises(InputError, match="newer than this clearance"):
        open_store(store_url)
