"""erase_subject: the subject's rows and the identifiers other rows quote, dry run and --apply,
the read-back verification, and a record that holds no personal data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from clearance.errors import InputError, PolicyError
from clearance.io.tags import OutputTags, sidecar_path, verify_tags
from clearance.lifecycle import tables as lifecycle_tables
from clearance.lifecycle.erase import erase_subject, erase_subjects, withdrawn_subjects
from clearance.privacy import Fingerprinter

KEY = b"test-key"
EMAIL = "jane.doe@example.com"
USERS = (
    "user_id,name,email,phone\n"
    f"42,Jane Doe,{EMAIL},+1 415 555 0100\n"
    "43,John Roe,john.roe@example.org,+1 415 555 0199\n"
)
REVIEWS = (
    "review_id,user_id,created_at,text\n"
    "1,42,2026-01-05,Great product\n"
    '2,43,2026-01-06,"As JANE.DOE@example.com said, it\'s good; jane doe agrees"\n'
    "3,43,2026-01-07,nothing here\n"
)


def _data(tmp_path: Path) -> tuple[list[Path], Path]:
    users = tmp_path / "users.csv"
    users.write_text(USERS)
    reviews = tmp_path / "reviews.csv"
    reviews.write_text(REVIEWS)
    pol = tmp_path / "p.yaml"
    pol.write_text("subject_key: user_id\n")
    return [users, reviews], pol


def test_dry_run_counts_and_changes_nothing(tmp_path: Path) -> None:
    files, pol = _data(tmp_path)
    result = erase_subject(files, "0042", policy_path=pol, key=KEY)
    assert result.found and not result.applied
    assert [(f.rows_deleted, f.spans_redacted) for f in result.files] == [(1, 0), (1, 1)]
    assert files[0].read_text() == USERS and files[1].read_text() == REVIEWS
    assert result.subject == Fingerprinter(KEY).of("subject", "42")


def test_apply_deletes_rows_redacts_quotes_and_records_no_personal_data(tmp_path: Path) -> None:
    files, pol = _data(tmp_path)
    record = tmp_path / "erasure.json"
    result = erase_subject(files, "42", policy_path=pol, key=KEY, apply=True, record=record)
    assert result.applied and result.remaining == 0
    users = pl.read_csv(files[0], infer_schema=False)
    assert users["user_id"].to_list() == ["43"]
    reviews = pl.read_csv(files[1], infer_schema=False)
    assert reviews["review_id"].to_list() == ["2", "3"]
    assert reviews["text"][0] == "As <EMAIL_ADDRESS> said, it's good; <PERSON> agrees"
    text = record.read_text()
    saved = json.loads(text)
    assert saved["files"][1]["sha256_after"] != saved["files"][1]["sha256_before"]
    for raw in (EMAIL, "Jane", "jane", "415 555 0100", '"42"'):
        assert raw not in text
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".clearance-")]


def test_unknown_subject_is_nothing_found(tmp_path: Path) -> None:
    files, pol = _data(tmp_path)
    record = tmp_path / "r.json"
    result = erase_subject(
        files, "<script>9999", policy_path=pol, key=KEY, apply=True, record=record
    )
    assert not result.found and result.remaining == 0
    assert files[0].read_text() == USERS and files[1].read_text() == REVIEWS
    assert "<script>" not in record.read_text()


ESC = "\u001b[31m"
NESTED = [
    # the subject: its record goes; its e-mail and name (nested) are what others quote
    {"user_id": 42, "user": {"email": EMAIL, "name": "Jane Doe"}, "review": {"text": "fine"}},
    # quotes the subject in a nested text and in a list of texts
    {
        "user_id": 43,
        "user": {"email": "john.roe@example.org"},
        "review": {"text": f"As {EMAIL} said: mail me at {EMAIL}", "tags": ["ok", "Jane Doe"]},
    },
    # the paths absent or null, a number where others have text, markup and ANSI in keys
    {"user_id": 44, "review": None},
    {"user_id": 45, "user": {"email": None, "name": "Ann Other"}, "review": {"stars": 3}},
    {"user_id": 46, "<script>alert(1)</script>": {ESC + "k": "plain"}, "note": "ok"},
]


def _nested(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    lines = [json.dumps(r, ensure_ascii=False) for r in NESTED]
    lines[2] = '{"user_id": 44,   "review": null}'  # spacing as someone wrote it
    data = tmp_path / "reviews.jsonl"
    data.write_text("\n".join(lines[:4]) + "\n\n" + lines[4] + "\r\n")
    pol = tmp_path / "p.yaml"
    pol.write_text("subject_key: user_id\n")
    return data, pol, lines


def test_nested_jsonl_fields_are_searched_redacted_and_the_rest_kept(tmp_path: Path) -> None:
    data, pol, lines = _nested(tmp_path)
    original = data.read_bytes()
    dry = erase_subject([data], "42", policy_path=pol, key=KEY)
    assert dry.found and (dry.files[0].rows_deleted, dry.files[0].spans_redacted) == (1, 1)
    assert dry.remaining == 0 and data.read_bytes() == original  # a dry run changes nothing
    record = tmp_path / "erasure.json"
    done = erase_subject([data], "42", policy_path=pol, key=KEY, apply=True, record=record)
    assert done.applied and done.remaining == 0
    out = data.read_bytes().decode().split("\n")
    # the subject's record gone; the untouched records byte for byte (blank line, CRLF kept)
    assert out[1:] == [lines[2], lines[3], "", lines[4] + "\r", ""]
    quoting = json.loads(out[0])
    assert quoting == {
        "user_id": 43,
        "user": {"email": "john.roe@example.org"},
        "review": {
            "text": "As <EMAIL_ADDRESS> said: mail me at <EMAIL_ADDRESS>",
            "tags": ["ok", "<PERSON>"],
        },
    }
    text = record.read_text()
    for raw in (EMAIL, "jane", "Jane", "Doe", "<script>", ESC, '"42"'):
        assert raw not in text
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".clearance-")]


def test_a_nested_list_where_other_records_have_text_stays_a_list(tmp_path: Path) -> None:
    # Polars reads the field as text in every record; the written record keeps its own type
    data = tmp_path / "t.jsonl"
    rows = [
        {"user_id": 42, "contact": {"mail": EMAIL}},
        {"user_id": 7, "contact": {"mail": "x@example.org"}, "cc": {"to": [EMAIL, 5]}},
        {"user_id": 8, "cc": {"to": "nobody"}},
    ]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    pol = tmp_path / "p.yaml"
    pol.write_text("subject_key: user_id\n")
    done = erase_subject(
        [data], "42", policy_path=pol, key=KEY, apply=True, record=tmp_path / "r.json"
    )
    # a list mixing text and numbers Polars cannot hold: left as it was, the re-scan finds
    # the subject there and nothing is replaced
    assert done.remaining >= 1 and not done.applied
    assert data.read_text() == "".join(json.dumps(r) + "\n" for r in rows)
    rows[1]["cc"] = {"to": [EMAIL, "y@example.org"]}
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    done = erase_subject(
        [data], "42", policy_path=pol, key=KEY, apply=True, record=tmp_path / "r.json"
    )
    assert done.applied and done.remaining == 0
    written = [json.loads(line) for line in data.read_text().splitlines()]
    assert written[0]["cc"] == {"to": ["<EMAIL_ADDRESS>", "y@example.org"]}
    assert written[1] == rows[2]


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"user_id": 43, "x": ', "line 2: not valid JSON"),
        ("[1, 2]", "line 2: not a JSON object"),
        ('"<script>\\u001b[31m"', "line 2: not a JSON object"),
        ('{"<script>": "\u001b[31m', "line 2: not valid JSON"),
    ],
)
def test_a_malformed_jsonl_line_is_named_and_nothing_written(
    tmp_path: Path, line: str, reason: str
) -> None:
    files, pol = _data(tmp_path)
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"user_id": 42}\n' + line + "\n")
    with pytest.raises(InputError, match=r"bad\.jsonl") as err:
        erase_subject(
            [*files, bad], "42", policy_path=pol, key=KEY, apply=True, record=tmp_path / "r.json"
        )
    message = str(err.value)
    assert reason in message and "\n" not in message and "<script>" not in message
    assert files[0].read_text() == USERS and files[1].read_text() == REVIEWS
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bad.jsonl",
        "p.yaml",
        "reviews.csv",
        "users.csv",
    ]


def test_refuses_without_a_key(tmp_path: Path) -> None:
    files, pol = _data(tmp_path)
    with pytest.raises(PolicyError, match="CLEARANCE_KEY"):
        erase_subject(files, "42", policy_path=pol, key=None)


def test_no_subject_key_is_a_policy_error(tmp_path: Path) -> None:
    data = tmp_path / "t.csv"
    data.write_text("a,b\n1,2\n")
    pol = tmp_path / "p.yaml"
    pol.write_text("purpose: x\n")
    with pytest.raises(PolicyError, match="subject_key"):
        erase_subject([data], "42", policy_path=pol, key=KEY)


def test_unreadable_and_malformed_inputs(tmp_path: Path) -> None:
    files, pol = _data(tmp_path)
    with pytest.raises(InputError, match=r"missing\.csv"):
        erase_subject([*files, tmp_path / "missing.csv"], "42", policy_path=pol, key=KEY)
    bad = tmp_path / "bad.csv"
    bad.write_text('user_id,x\n42,"open\n1,2,3\n')
    with pytest.raises(InputError, match=r"bad\.csv"):
        erase_subject([*files, bad], "42", policy_path=pol, key=KEY)


def test_an_interrupted_erasure_leaves_every_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files, pol = _data(tmp_path)
    real = lifecycle_tables.write_table
    calls: list[Path] = []

    def interrupted(frame: pl.DataFrame, kind: str, path: Path, tags: object = None) -> None:
        calls.append(path)
        if len(calls) == 2:
            path.write_text("half")
            raise KeyboardInterrupt
        real(frame, kind, path, tags)  # type: ignore[arg-type]

    monkeypatch.setattr(lifecycle_tables, "write_table", interrupted)
    with pytest.raises(KeyboardInterrupt):
        erase_subject(files, "42", policy_path=pol, key=KEY, apply=True, record=tmp_path / "r.json")
    assert files[0].read_text() == USERS and files[1].read_text() == REVIEWS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.yaml", "reviews.csv", "users.csv"]


def test_text_files_beside_the_tables_are_searched_and_redacted(tmp_path: Path) -> None:
    # a support note quoting the subject: erasure must reach it, other bytes kept as they were
    files, pol = _data(tmp_path)
    notes = tmp_path / "notes.txt"
    original = f"ticket 9\r\nCustomer wrote from {EMAIL} about a refund.\r\nno one else\n"
    notes.write_bytes(original.encode())
    dry = erase_subject([*files, notes], "42", policy_path=pol, key=KEY)
    assert [f.spans_redacted for f in dry.files if f.path.endswith("notes.txt")] == [1]
    assert notes.read_bytes() == original.encode()
    record = tmp_path / "erasure.json"
    done = erase_subject([*files, notes], "42", policy_path=pol, key=KEY, apply=True, record=record)
    assert done.applied and done.remaining == 0
    assert notes.read_bytes() == (
        b"ticket 9\r\nCustomer wrote from <EMAIL_ADDRESS> about a refund.\r\nno one else\n"
    )
    assert EMAIL not in record.read_text()


def test_a_binary_or_non_utf8_file_cannot_be_searched(tmp_path: Path) -> None:
    files, pol = _data(tmp_path)
    blob = tmp_path / "dump.bin"
    blob.write_bytes(b"\x00\x01" + EMAIL.encode())
    with pytest.raises(InputError, match=r"dump\.bin: binary"):
        erase_subject([*files, blob], "42", policy_path=pol, key=KEY)
    latin = tmp_path / "old.txt"
    latin.write_bytes("caf\xe9 ".encode("latin-1") + EMAIL.encode())
    with pytest.raises(InputError, match=r"old\.txt: not UTF-8"):
        erase_subject([*files, latin], "42", policy_path=pol, key=KEY)


def test_nested_parquet_columns_are_redacted_and_keep_their_type(tmp_path: Path) -> None:
    data = tmp_path / "events.parquet"
    frame = pl.DataFrame(
        {
            "user_id": [42, 7],
            "ctx": [
                {"mail": EMAIL, "to": ["a"]},
                {"mail": "x@example.org", "to": [f"cc {EMAIL}", "b"]},
            ],
        }
    )
    frame.write_parquet(data)
    pol = tmp_path / "p.yaml"
    pol.write_text("subject_key: user_id\n")
    done = erase_subject(
        [data], "42", policy_path=pol, key=KEY, apply=True, record=tmp_path / "r.json"
    )
    assert done.applied and done.remaining == 0
    back = pl.read_parquet(data)
    assert back.schema == frame.schema
    assert back.to_dicts() == [
        {"user_id": 7, "ctx": {"mail": "x@example.org", "to": ["cc <EMAIL_ADDRESS>", "b"]}}
    ]


def test_rewritten_files_carry_purpose_and_the_erasure_run_and_no_personal_data(
    tmp_path: Path,
) -> None:
    files, pol = _data(tmp_path)
    pol.write_text('purpose: "support\\u001b]8;;http://x\\u0007<b>x</b>"\nsubject_key: user_id\n')
    notes = tmp_path / "notes.txt"
    notes.write_text(f"call back {EMAIL}\n")
    users = tmp_path / "users.parquet"
    pl.read_csv(files[0], infer_schema=False).write_parquet(users)
    files[0].unlink()
    record = tmp_path / "erasure.json"
    progress: list[str] = []
    result = erase_subject(
        [users, files[1], notes],
        "42",
        policy_path=pol,
        key=KEY,
        apply=True,
        record=record,
        progress=lambda label, n: progress.append(label),
    )
    assert result.applied and result.run_id is not None
    assert sorted(progress) == ["notes.txt", "reviews.csv", "users.parquet"]
    for path in (users, files[1], notes):
        tags = verify_tags(path)  # the record holds its run_id and the file's new hash
        assert (tags.command, tags.run_id, tags.manifest) == ("erase", result.run_id, record.name)
        assert tags.purpose == "support\x1b]8;;http://x\x07<b>x</b>"
        assert tags.sensitivity is not None and tags.sensitivity.treatment == "erasure"
        side = sidecar_path(path).read_text()
        assert "\x1b" not in side and "\x07" not in side
        # run ids and file hashes are hex digests, which may hold "42" by chance
        words = re.sub(r"\b[0-9a-f]{16,64}\b", "", side).lower()
        for value in (EMAIL, "Jane Doe", "415 555 0100", "42"):
            assert value.lower() not in words
        assert result.subject.lower() not in side.lower()
    meta = pq.read_metadata(users).metadata
    assert OutputTags.model_validate_json(meta[b"clearance"]).run_id == result.run_id
    # erasing again reads the sidecars as the files' tags, never as text to search
    again = erase_subject([tmp_path], "43", policy_path=pol, key=KEY)
    assert not [f.path for f in again.files if f.path.endswith(".clearance.json")]


def test_a_dry_run_or_untouched_file_gets_no_tags(tmp_path: Path) -> None:
    files, pol = _data(tmp_path)
    erase_subject(files, "42", policy_path=pol, key=KEY)
    untouched = tmp_path / "other.csv"
    untouched.write_text("user_id,x\n43,1\n")
    erase_subject([untouched], "42", policy_path=pol, key=KEY, apply=True, record=tmp_path / "r")
    assert not list(tmp_path.glob("*.clearance.json"))


def _consent(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "consent.csv"
    path.write_text("subject_id,purpose,status,consent\n" + rows)
    return path


def test_subjects_who_withdrew_consent_for_the_purpose_are_erased_together(
    tmp_path: Path,
) -> None:
    files, pol = _data(tmp_path)
    pol.write_text("subject_key: user_id\npurpose: model-training\n")
    consent = _consent(
        tmp_path,
        "0042,Model-Training,withdrawn,\n"  # the audit's key rules: "0042" is 42
        "43,model-training,granted,model-training\n"
        "43,marketing,withdrawn,\n"  # another purpose: not this policy's
        "99,model-training,withdrawn,\n",  # in no table: found nowhere, nothing to do
    )
    subjects, source = withdrawn_subjects(consent, "model-training")
    assert subjects == ["0042", "99"] and source.withdrawn == 2
    record = tmp_path / "erasure.json"
    result = erase_subjects(
        files, subjects, policy_path=pol, key=KEY, apply=True, record=record, consent=source
    )
    assert result.applied and result.remaining == 0 and result.subject is None
    fp = Fingerprinter(KEY)
    assert result.subjects == sorted([fp.of("subject", "42"), fp.of("subject", "99")])
    assert pl.read_csv(files[0], infer_schema=False)["user_id"].to_list() == ["43"]
    saved = json.loads(record.read_text())
    assert saved["consent"]["sha256"] == source.sha256 and saved["consent"]["purpose"] == (
        "model-training"
    )
    assert EMAIL not in record.read_text() and '"0042"' not in record.read_text()


def test_a_consent_table_without_its_columns_or_a_policy_without_purpose_is_refused(
    tmp_path: Path,
) -> None:
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("user,purpose\n1,x\n")
    with pytest.raises(InputError, match=r"wrong\.csv.*no column subject_id, status"):
        withdrawn_subjects(wrong, "model-training")
    with pytest.raises(PolicyError, match="no purpose"):
        withdrawn_subjects(_consent(tmp_path, "1,x,withdrawn,\n"), None)
