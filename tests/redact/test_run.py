from __future__ import annotations

import ast
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from clearance import RedactSettings, redact_paths
from clearance.demo.ecommerce import generate
from clearance.errors import InputError, PolicyError
from clearance.redact.operators import Keys
from clearance.redact.replace import Replacer

KEY = b"test-redact-key"


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _all_text(folder: Path) -> str:
    out = []
    for p in sorted(folder.rglob("*")):
        if p.suffix == ".parquet":
            out.append(pl.read_parquet(p).write_csv())
        elif p.is_file():
            out.append(p.read_text(encoding="utf-8"))
    return "\n".join(out)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("demo")
    data = root / "data"
    generate(data, users=120, seed=3)
    before = _digests(data)
    manifest = redact_paths([data], root / "out", key=KEY)
    assert manifest.published, manifest.rescan
    return data, root / "out", before


def test_demo_redacted_and_rescanned_to_zero(demo: tuple[Path, Path, dict[str, str]]) -> None:
    data, out, before = demo
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["rescan"]["remaining"] == 0
    assert manifest["rescan"]["files_scanned"] == 4
    assert {e["path"] for e in manifest["outputs"]} == {
        "data/orders.parquet",
        "data/reviews.jsonl",
        "data/settings.py",
        "data/users.csv",
    }
    for entry in manifest["outputs"]:
        produced = (out / entry["path"]).read_bytes()
        assert hashlib.sha256(produced).hexdigest() == entry["sha256"]
    rows = {Path(e["path"]).name: e["rows"] for e in manifest["inputs"]}
    assert rows["users.csv"] == 120 and rows["settings.py"] == 6
    assert manifest["operators"]["column:users.email"] == "pseudonym (EMAIL_ADDRESS)"
    assert manifest["operators"]["entity:EMAIL_ADDRESS"] == "placeholder"
    assert manifest["policy_sha256"] is None
    assert _digests(data) == before  # the input is never modified


def test_planted_values_are_gone_from_outputs_and_manifest(
    demo: tuple[Path, Path, dict[str, str]],
) -> None:
    data, out, _ = demo
    users = pl.read_csv(data / "users.csv", infer_schema=False)
    planted = [*users["email"].to_list(), *users["phone"].to_list(), *users["full_name"]]
    key_line = next(
        line for line in (data / "settings.py").read_text().splitlines() if "API_KEY" in line
    )
    planted.append(key_line.split('"')[1])
    produced = _all_text(out)
    assert not [v for v in planted if v in produced]
    redacted_users = pl.read_csv(out / "data" / "users.csv", infer_schema=False)
    assert redacted_users["user_id"].to_list() == users["user_id"].to_list()  # no identifier
    assert redacted_users["loyalty_tier"].to_list() == users["loyalty_tier"].to_list()
    assert all(v.startswith("EMAIL_ADDRESS_") for v in redacted_users["email"])


def test_untouched_parquet_columns_keep_their_types(
    demo: tuple[Path, Path, dict[str, str]],
) -> None:
    data, out, _ = demo
    before = pl.read_parquet(data / "orders.parquet")
    after = pl.read_parquet(out / "data" / "orders.parquet")
    assert after.schema == before.schema
    assert after.equals(before)  # orders hold no direct identifier


def test_redacted_source_still_parses(demo: tuple[Path, Path, dict[str, str]]) -> None:
    _, out, _ = demo
    code = (out / "data" / "settings.py").read_text()
    ast.parse(code)
    assert 'OPENAI_API_KEY = "REDACTED_OPENAI_API_KEY"' in code


def test_pseudonyms_join_across_tables_and_runs_are_deterministic(tmp_path: Path) -> None:
    emails = [f"person{i}@example.org" for i in range(30)]
    (tmp_path / "in").mkdir()
    pl.DataFrame({"email": emails, "n": range(30)}).write_csv(tmp_path / "in" / "a.csv")
    pl.DataFrame({"contact_email": emails[::-1]}).write_parquet(tmp_path / "in" / "b.parquet")
    redact_paths([tmp_path / "in"], tmp_path / "o1", key=KEY)
    redact_paths([tmp_path / "in"], tmp_path / "o2", key=KEY)
    assert _digests(tmp_path / "o1") == _digests(tmp_path / "o2")
    a = pl.read_csv(tmp_path / "o1" / "in" / "a.csv")
    b = pl.read_parquet(tmp_path / "o1" / "in" / "b.parquet")
    assert a["email"].to_list() == b["contact_email"].to_list()[::-1]  # the join survives
    assert a["email"].n_unique() == 30
    other = redact_paths([tmp_path / "in"], tmp_path / "o3", key=b"another key")
    assert other.published
    assert pl.read_csv(tmp_path / "o3" / "in" / "a.csv")["email"][0] != a["email"][0]


def test_free_text_is_kept_byte_for_byte_outside_the_spans(tmp_path: Path) -> None:
    text = (
        "Grüße aus dem Büro 🌍\r\n"
        "  Write to ana.lopez@example.org   or call +1 415 555 0132.\r\n"
        "\tTabs, trailing spaces   \n"
        "no final newline: done"
    )
    src = tmp_path / "notes.txt"
    src.write_bytes(text.encode())
    manifest = redact_paths([src], tmp_path / "out", key=None)  # placeholders need no key
    got = (tmp_path / "out" / "notes.txt").read_bytes().decode()
    expected = text.replace("ana.lopez@example.org", "<EMAIL_ADDRESS>").replace(
        "+1 415 555 0132", "<PHONE_NUMBER>"
    )
    assert got == expected
    assert manifest.rescan.remaining == 0 and manifest.outputs[0].rows == 4


def test_text_field_is_redacted_span_by_span(tmp_path: Path) -> None:
    src = tmp_path / "t.jsonl"
    rows = [{"id": i, "body": f"mail me at user{i}@example.org"} for i in range(5)]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    settings = RedactSettings(text_fields=("body",))
    redact_paths([src], tmp_path / "out", settings, key=None)
    out = pl.read_ndjson(tmp_path / "out" / "t.jsonl")
    assert out["body"].to_list() == ["mail me at <EMAIL_ADDRESS>"] * 5
    assert out["id"].to_list() == list(range(5))


def _policy(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "clearance.yaml"
    path.write_text(text)
    return path


def test_policy_operators_per_column_and_entity(tmp_path: Path) -> None:
    src = tmp_path / "in" / "people.csv"
    src.parent.mkdir()
    pl.DataFrame(
        {
            "email": [f"p{i}@example.org" for i in range(20)],
            "iban": ["DE89370400440532013000"] * 20,
            "birth_date": [f"19{60 + i}-03-0{1 + i % 9}" for i in range(20)],
            "phone": [f"+1 415 555 01{i:02d}" for i in range(20)],
            "notes": [f"call me on +1 415 555 02{i:02d} please" for i in range(20)],
        }
    ).write_csv(src)
    policy = _policy(
        tmp_path,
        "reference_date: 2026-01-31\n"
        "redact:\n"
        "  entities:\n"
        "    PHONE_NUMBER: {op: mask, keep: 3}\n"
        "  columns:\n"
        "    people.email: encrypt\n"
        "    iban: drop\n"
        "    birth_date: {op: generalize, to: age_band, band: 10}\n",
    )
    manifest = redact_paths([src], tmp_path / "out", RedactSettings(policy_path=policy), key=KEY)
    assert manifest.published, manifest.rescan
    out = pl.read_csv(tmp_path / "out" / "people.csv", infer_schema=False)
    assert "iban" not in out.columns
    assert Keys(KEY).decrypt(out["email"][3]) == "p3@example.org"
    assert out["birth_date"][0] == "60-69" and out["birth_date"][19] == "40-49"
    assert out["phone"][0] == "+1 " + "*" * 12
    assert out["notes"][0] == "call me on +1 ************ please"
    assert manifest.operators["column:people.iban"].startswith("drop")
    assert manifest.policy_sha256 == hashlib.sha256(policy.read_bytes()).hexdigest()


def test_generalization_that_does_not_fit_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "u.csv"
    pl.DataFrame({"email": [f"p{i}@example.org" for i in range(10)]}).write_csv(src)
    policy = _policy(tmp_path, "redact:\n  columns:\n    email: {op: generalize, to: month}\n")
    with pytest.raises(PolicyError, match=r"u\.csv: column email: generalize to month") as info:
        redact_paths([src], tmp_path / "out", RedactSettings(policy_path=policy), key=KEY)
    assert "example.org" not in str(info.value)
    assert not (tmp_path / "out" / "u.csv").exists()
    assert [p.name for p in (tmp_path / "out").iterdir()] == []  # no temporary file left


def test_missing_key_is_refused_and_nothing_written(tmp_path: Path) -> None:
    src = tmp_path / "u.csv"
    pl.DataFrame({"email": [f"p{i}@example.org" for i in range(10)]}).write_csv(src)
    with pytest.raises(PolicyError, match="pseudonym operator needs a key"):
        redact_paths([src], tmp_path / "out", key=None)
    assert list((tmp_path / "out").iterdir()) == []
    assert not (tmp_path / ".clearance").exists()  # no key file made on the side


def test_outputs_are_withheld_when_the_rescan_finds_remaining(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "notes.txt"
    src.write_text("write to ana.lopez@example.org\n")

    def broken(self: Replacer, value: str, *args: object, **kwargs: object) -> str:
        return value  # an operator that lets the value through

    monkeypatch.setattr(Replacer, "value", broken)
    manifest = redact_paths([src], tmp_path / "out", key=None)
    assert not manifest.published
    assert manifest.rescan.remaining == 1 and manifest.rescan.by_entity == {"EMAIL_ADDRESS": 1}
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["manifest.json"]
    assert "ana.lopez" not in (tmp_path / "out" / "manifest.json").read_text()


@pytest.mark.parametrize("where", ["same", "inside"])
def test_output_folder_in_an_input_is_refused(tmp_path: Path, where: str) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.txt").write_text("hello\n")
    out = data if where == "same" else data / "redacted"
    with pytest.raises(InputError, match="is the input"):
        redact_paths([data], out, key=None)
    assert sorted(p.name for p in data.iterdir()) == ["a.txt"]


def test_output_that_would_replace_an_input_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("mail ana.lopez@example.org\n")
    with pytest.raises(InputError, match="would replace the input"):
        redact_paths([tmp_path / "a.txt"], tmp_path, key=None)
    assert (tmp_path / "a.txt").read_text() == "mail ana.lopez@example.org\n"


def test_hostile_inputs_are_skipped_with_a_reason(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "bad.csv").write_text('a,b\n1,2,3,4\n"unclosed\n')
    (data / "huge.txt").write_text("x" * 1_000_001 + "\n")
    (data / "blob.txt").write_bytes(b"\x00\x01binary")
    (data / "latin1.txt").write_bytes("caf\xe9 ana.lopez@example.org\n".encode("latin-1"))
    os.mkfifo(data / "pipe.txt")
    (data / "\x1b[31mred[bold].txt").write_text("mail ana.lopez@example.org\n")
    manifest = redact_paths([data], tmp_path / "out", key=None)
    reasons = {Path(s.path).name: s.reason for s in manifest.skipped}
    assert set(reasons) == {"bad.csv", "huge.txt", "blob.txt", "latin1.txt", "pipe.txt"}
    assert "not valid UTF-8" in reasons["latin1.txt"]
    assert manifest.published and manifest.rescan.remaining == 0
    assert (tmp_path / "out" / "data" / "\x1b[31mred[bold].txt").read_text() == (
        "mail <EMAIL_ADDRESS>\n"
    )
    assert "ana.lopez" not in (tmp_path / "out" / "manifest.json").read_text()


def test_an_interrupted_run_leaves_no_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import clearance.redact.run as run

    data = tmp_path / "data"
    data.mkdir()
    (data / "a.txt").write_text("mail ana.lopez@example.org\n")
    pl.DataFrame({"x": ["1"]}).write_csv(data / "b.csv")

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(run, "apply_plan", interrupted)
    with pytest.raises(KeyboardInterrupt):
        redact_paths([data], tmp_path / "out", key=None)
    assert [p for p in (tmp_path / "out").rglob("*") if p.is_file()] == []


def test_free_text_under_an_identifier_name_is_redacted_span_by_span(tmp_path: Path) -> None:
    src = tmp_path / "t.csv"
    notes = [f"Delivered to the back door, call +1 415 555 01{i:02d} first" for i in range(10)]
    pl.DataFrame({"address": notes}).write_csv(src)
    redact_paths([src], tmp_path / "out", key=KEY)
    out = pl.read_csv(tmp_path / "out" / "t.csv")
    assert out["address"][0] == "Delivered to the back door, call <PHONE_NUMBER> first"


def test_nested_json_fields_keep_their_type(tmp_path: Path) -> None:
    src = tmp_path / "events.jsonl"
    rows = [
        {"id": i, "meta": {"note": f"reach me at user{i}@example.org", "n": i}, "tags": ["a"]}
        for i in range(5)
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    manifest = redact_paths([src], tmp_path / "out", key=KEY)
    assert manifest.published
    out = [
        json.loads(line) for line in (tmp_path / "out" / "events.jsonl").read_text().splitlines()
    ]
    assert out[2]["meta"] == {"note": "reach me at <EMAIL_ADDRESS>", "n": 2}
    assert out[2]["tags"] == ["a"]


def test_column_names_holding_values_are_redacted(tmp_path: Path) -> None:
    src = tmp_path / "noheader.csv"
    src.write_text("ana.lopez@example.org,3\nbob.stone@example.org,4\ncarl.may@example.org,5\n")
    manifest = redact_paths([src], tmp_path / "out", key=KEY)
    assert manifest.published, manifest.rescan
    text = (tmp_path / "out" / "noheader.csv").read_text()
    assert text.splitlines()[0] == "<EMAIL_ADDRESS>,3"
    assert "example.org" not in text


def test_an_unknown_text_field_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "t.csv"
    pl.DataFrame({"body": ["hello there"]}).write_csv(src)
    with pytest.raises(PolicyError, match="text field 'bdy': no table"):
        redact_paths([src], tmp_path / "out", RedactSettings(text_fields=("bdy",)), key=KEY)
    assert list((tmp_path / "out").iterdir()) == []


def test_batches_give_the_same_copies(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    n = 250
    frame = pl.DataFrame(
        {
            "email": [f"p{i}@example.org" for i in range(n)],
            "note": [f"order {i}: call +1 415 555 {1000 + i}" for i in range(n)],
            "amount": list(range(n)),
        }
    )
    frame.write_csv(data / "t.csv")
    frame.write_parquet(data / "t.parquet")
    rows = [{"id": i} for i in range(1500)] + [{"id": 1500, "late": "mail q@example.org"}]
    (data / "t.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    small = redact_paths([data], tmp_path / "small", RedactSettings(batch_rows=7), key=KEY)
    whole = redact_paths([data], tmp_path / "whole", key=KEY)
    assert small.published and whole.published
    assert [(e.path, e.rows) for e in small.outputs] == [(e.path, e.rows) for e in whole.outputs]
    for name in ("t.csv", "t.jsonl"):
        assert (tmp_path / "small" / "data" / name).read_bytes() == (
            tmp_path / "whole" / "data" / name
        ).read_bytes()
    parquet = pl.read_parquet(tmp_path / "small" / "data" / "t.parquet")
    assert parquet.equals(pl.read_parquet(tmp_path / "whole" / "data" / "t.parquet"))
    assert parquet.schema == {"email": pl.String, "note": pl.String, "amount": pl.Int64}
    last = (tmp_path / "small" / "data" / "t.jsonl").read_text().splitlines()[-1]
    assert json.loads(last)["late"].startswith("EMAIL_ADDRESS_")  # a late key is kept
    # the re-scan read every copy, the JSONL one with its late key included
    assert small.rescan.files_scanned == whole.rescan.files_scanned == 3


def test_a_copy_the_rescan_cannot_read_publishes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import clearance.redact.rescan as rescan

    src = tmp_path / "u.jsonl"
    src.write_text(json.dumps({"email": "a@example.org"}) + "\n")
    real_scan = rescan.scan_paths

    def truncating(paths: list[Path], **kwargs: Any) -> Any:
        for path in paths:  # a writer bug: the copy is no valid JSON any more
            path.write_text('{"email": "a@exa')
        return real_scan(paths, **kwargs)

    monkeypatch.setattr(rescan, "scan_paths", truncating)
    with pytest.raises(InputError, match="cannot be read back for the re-scan"):
        redact_paths([src], tmp_path / "out", key=KEY)
    assert not (tmp_path / "out" / "u.jsonl").exists()


def test_a_column_kept_on_purpose_is_not_counted_by_the_rescan(tmp_path: Path) -> None:
    src = tmp_path / "u.csv"
    pl.DataFrame(
        {
            "email": [f"p{i}@example.org" for i in range(10)],
            "support_email": [f"help{i}@example.org" for i in range(10)],
        }
    ).write_csv(src)
    policy = _policy(tmp_path, "redact:\n  columns:\n    support_email: keep\n")
    manifest = redact_paths([src], tmp_path / "out", RedactSettings(policy_path=policy), key=KEY)
    assert manifest.published and manifest.rescan.remaining == 0
    out = pl.read_csv(tmp_path / "out" / "u.csv")
    assert out["support_email"][0] == "help0@example.org"
    assert out["email"][0].startswith("EMAIL_ADDRESS_")
    assert manifest.operators["column:u.support_email"] == "keep (EMAIL_ADDRESS)"
