"""Protected storage of redacted outputs: tags on every output, Parquet modular encryption of
the sensitive columns, the manifest binding, and what a hostile or interrupted run leaves."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from clearance import RedactSettings, redact_paths
from clearance.errors import InputError, PolicyError
from clearance.io import protected_parquet
from clearance.io.kms import LocalKeyFileKms, create_key_file
from clearance.io.protected_parquet import is_encrypted_parquet, read_protected_parquet
from clearance.io.tags import read_tags, sidecar_path, verify_tags
from clearance.redact.storage import ParquetEncryption, without_tag_sidecars

KEY = b"test-storage-key"
ROWS = 40


def _table(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    frame = pl.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in range(ROWS)],
            "email": [f"person{i}@example.org" for i in range(ROWS)],
            "review": [f"Great service, write to me at buyer{i}@mail.com" for i in range(ROWS)],
            "amount": [float(i) for i in range(ROWS)],
        }
    )
    frame.write_parquet(folder / "users.parquet")
    frame.write_csv(folder / "users.csv")
    return folder


@pytest.fixture()
def kms(tmp_path: Path) -> LocalKeyFileKms:
    return LocalKeyFileKms.load(create_key_file(tmp_path / "keys.txt"))


def _policy(tmp_path: Path) -> Path:
    path = tmp_path / "clearance.yaml"
    path.write_text("purpose: fraud-analytics\n")
    return path


def _run(tmp_path: Path, kms: LocalKeyFileKms | None, **enc: object) -> Path:
    data = _table(tmp_path / "data")
    settings = RedactSettings(
        policy_path=_policy(tmp_path),
        text_fields=("review",),
        parquet_encryption=ParquetEncryption(**enc),  # type: ignore[arg-type]
    )
    manifest = redact_paths([data], tmp_path / "out", settings, key=KEY, kms=kms)
    assert manifest.published, manifest.rescan
    return tmp_path / "out"


def test_encrypted_parquet_reads_back_with_the_key_only(
    tmp_path: Path, kms: LocalKeyFileKms
) -> None:
    out = _run(tmp_path, kms)
    path = out / "data" / "users.parquet"
    assert is_encrypted_parquet(path)
    with pytest.raises(OSError, match="encrypted"):
        pq.read_table(path)
    frame = read_protected_parquet(path, kms)
    plain = pl.read_csv(out / "data" / "users.csv")  # the same redaction, unencrypted
    assert frame.select(plain.columns).equals(plain.cast(frame.select(plain.columns).schema))
    other = LocalKeyFileKms.load(create_key_file(tmp_path / "other.txt"))
    with pytest.raises(PolicyError, match="does not open"):
        read_protected_parquet(path, other)


def test_sensitive_columns_have_their_own_keys(tmp_path: Path, kms: LocalKeyFileKms) -> None:
    out = _run(tmp_path, kms)
    tags = read_tags(out / "data" / "users.parquet", kms)
    by_name = {c.name: c for c in tags.columns}
    assert by_name["email"].kind == "entity" and by_name["email"].encrypted
    assert by_name["review"].kind == "free_text" and by_name["review"].encrypted
    assert not by_name["amount"].encrypted and by_name["amount"].kind == "other"
    footer_only = LocalKeyFileKms({"footer": kms._master("footer")})
    path = out / "data" / "users.parquet"
    assert read_protected_parquet(path, footer_only, columns=["amount"]).height == ROWS
    for column in ("email", "review"):
        with pytest.raises(PolicyError):
            read_protected_parquet(path, footer_only, columns=[column])


def test_every_output_carries_purpose_tags_bound_to_the_manifest(
    tmp_path: Path, kms: LocalKeyFileKms
) -> None:
    out = _run(tmp_path, kms, columns=("amount",))
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["purpose"] == "fraud-analytics"
    assert sorted(t["path"] for t in manifest["tags"]) == [
        "data/users.csv.clearance.json",
        "data/users.parquet.clearance.json",
    ]
    for name in ("users.csv", "users.parquet"):
        tags = verify_tags(out / "data" / name)  # the sidecar: no key needed
        assert tags.purpose == "fraud-analytics"
        assert tags.run_id == manifest["run_id"]
        assert tags.manifest == "../manifest.json"
        assert tags.policy_sha256 == manifest["policy_sha256"]
        entry = next(e for e in manifest["inputs"] if e["path"].endswith(name))
        assert tags.input_sha256 == entry["sha256"]
    csv_tags = read_tags(out / "data" / "users.csv")
    assert csv_tags.encryption is None and not any(c.encrypted for c in csv_tags.columns)
    parquet = read_tags(out / "data" / "users.parquet", kms)  # the embedded copy
    assert parquet == read_tags(out / "data" / "users.parquet")
    assert parquet.encryption is not None and parquet.encryption.footer_key_id == "footer"
    assert {c.name for c in parquet.columns if c.encrypted} == {"email", "review", "amount"}


def test_plain_parquet_carries_its_tags_in_metadata(tmp_path: Path) -> None:
    data = _table(tmp_path / "data")
    manifest = redact_paths([data / "users.parquet"], tmp_path / "out", key=KEY)
    path = tmp_path / "out" / "users.parquet"
    raw = pq.read_metadata(path).metadata[b"clearance"]
    assert json.loads(raw)["run_id"] == manifest.run_id
    sidecar_path(path).unlink()
    assert read_tags(path).purpose == "model-training"  # the policy's default purpose


def test_changed_or_foreign_outputs_fail_verification(tmp_path: Path) -> None:
    data = _table(tmp_path / "data")
    redact_paths([data], tmp_path / "out", key=KEY)
    csv = tmp_path / "out" / "data" / "users.csv"
    csv.write_text(csv.read_text() + "extra,row,,1\n")
    with pytest.raises(InputError, match="changed since"):
        verify_tags(csv)
    side = sidecar_path(tmp_path / "out" / "data" / "users.parquet")
    side.write_text(side.read_text().replace("model-training", "marketing"))
    with pytest.raises(InputError, match="changed since"):
        verify_tags(tmp_path / "out" / "data" / "users.parquet")
    (tmp_path / "lone.csv").write_text("a\n1\n")
    with pytest.raises(InputError, match="no clearance tags"):
        read_tags(tmp_path / "lone.csv")
    sidecar_path(tmp_path / "lone.csv").write_text('{"format": "other"}')
    with pytest.raises(InputError, match="no valid clearance tags"):
        read_tags(tmp_path / "lone.csv")


def test_plain_outputs_stay_deterministic(tmp_path: Path) -> None:
    data = _table(tmp_path / "data")
    one = redact_paths([data], tmp_path / "a", key=KEY)
    two = redact_paths([data], tmp_path / "b", key=KEY)
    assert one.run_id == two.run_id
    assert one.outputs == two.outputs and one.tags == two.tags


def test_encryption_without_a_kms_is_refused(tmp_path: Path) -> None:
    data = _table(tmp_path / "data")
    settings = RedactSettings(parquet_encryption=ParquetEncryption())
    with pytest.raises(PolicyError, match="key-management service"):
        redact_paths([data], tmp_path / "out", settings, key=KEY)
    assert not (tmp_path / "out").exists()


def test_a_misspelt_column_to_encrypt_is_refused(tmp_path: Path, kms: LocalKeyFileKms) -> None:
    with pytest.raises(PolicyError, match="'amonut': no Parquet output"):
        _run(tmp_path, kms, columns=("amonut",))
    assert [p for p in (tmp_path / "out").rglob("*") if p.is_file()] == []


def test_interrupted_encryption_leaves_nothing(
    tmp_path: Path, kms: LocalKeyFileKms, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = protected_parquet.encrypt_parquet_file

    def half(source: Path, target: Path, *args: object, **kwargs: object) -> None:
        real(source, target, *args, **kwargs)  # type: ignore[arg-type]
        raise KeyboardInterrupt

    monkeypatch.setattr("clearance.redact.storage.encrypt_parquet_file", half)
    with pytest.raises(KeyboardInterrupt):
        _run(tmp_path, kms)
    assert [p for p in (tmp_path / "out").rglob("*") if p.is_file()] == []


def test_hostile_column_names_are_tagged_and_encrypted(
    tmp_path: Path, kms: LocalKeyFileKms
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    hostile = "\x1b[2J<script>alert(1)</script>"
    big = "x" * 2_000_000 + " reach me at big.writer@example.org"
    pl.DataFrame({hostile: ["a", "b"], "note": [big, "short note"]}).write_parquet(
        data / "h.parquet"
    )
    settings = RedactSettings(
        text_fields=("note",), parquet_encryption=ParquetEncryption(columns=(hostile,))
    )
    manifest = redact_paths([data], tmp_path / "out", settings, key=KEY, kms=kms)
    assert manifest.published
    path = tmp_path / "out" / "data" / "h.parquet"
    side = sidecar_path(path).read_text()
    assert "\x1b" not in side and "\\u001b" in side  # escaped in the JSON
    tags = read_tags(path, kms)
    assert {c.name for c in tags.columns if c.encrypted} == {hostile, "note"}
    frame = read_protected_parquet(path, kms)
    assert frame[hostile].to_list() == ["a", "b"]
    assert frame["note"][0].endswith("reach me at <EMAIL_ADDRESS>")
    assert len(frame["note"][0]) == 2_000_000 + len(" reach me at <EMAIL_ADDRESS>")


def test_redacting_a_cleared_folder_again_renews_its_tags(tmp_path: Path) -> None:
    data = _table(tmp_path / "data")
    redact_paths([data], tmp_path / "once", key=KEY)
    again = redact_paths([tmp_path / "once" / "data"], tmp_path / "twice", key=KEY)
    assert sorted(o.path for o in again.outputs) == ["data/users.csv", "data/users.parquet"]
    assert verify_tags(tmp_path / "twice" / "data" / "users.csv").run_id == again.run_id
    pairs = [
        (Path("a.csv"), Path("a.csv")),
        (Path("a.csv.clearance.json"), Path("a.csv.clearance.json")),
    ]
    pairs.append((Path("b.clearance.json"), Path("b.clearance.json")))  # no data sibling: data
    assert [r.name for _, r in without_tag_sidecars(pairs)] == ["a.csv", "b.clearance.json"]
