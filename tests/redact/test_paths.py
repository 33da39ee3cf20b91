from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from clearance import RedactSettings, redact_paths
from clearance.errors import PolicyError
from clearance.redact.paths import TextPath, parse_path

KEY = b"test-nested-key"


def _jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return path


def _read(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _run(tmp_path: Path, src: Path, *fields: str) -> list[dict[str, object]]:
    settings = RedactSettings(text_fields=fields)
    manifest = redact_paths([src], tmp_path / "out", settings, key=KEY)
    assert manifest.published, manifest.rescan
    return _read(tmp_path / "out" / src.name)


def test_parse_path() -> None:
    assert parse_path("review") is None
    assert parse_path("review.body") == TextPath("review.body", "review", ("body",))
    assert parse_path("messages[].content") == TextPath(
        "messages[].content", "messages", (None, "content")
    )
    assert parse_path("tags[]") == TextPath("tags[]", "tags", (None,))
    for bad in ("a..b", "a[x].b", ".a", "a.[]"):
        with pytest.raises(PolicyError, match="not a column name or a path"):
            parse_path(bad)


def test_a_field_of_an_object_is_redacted_span_by_span(tmp_path: Path) -> None:
    rows = [
        {
            "id": i,
            "review": {
                "body": f"Loved it, José. Write to jose.alvarez{i}@example.org for photos",
                "stars": 5,
                "lang": "en",
            },
            "sku": f"SKU-{i}",
        }
        for i in range(6)
    ]
    out = _run(tmp_path, _jsonl(tmp_path / "reviews.jsonl", rows), "review.body")
    assert out[3]["review"] == {
        "body": "Loved it, <PERSON>. Write to <EMAIL_ADDRESS> for photos",
        "stars": 5,
        "lang": "en",
    }
    assert [r["sku"] for r in out] == [r["sku"] for r in rows]
    assert [r["id"] for r in out] == list(range(6))


def test_a_field_of_every_object_of_a_list_is_redacted(tmp_path: Path) -> None:
    rows = [
        {
            "conversation": i,
            "messages": [
                {"role": "user", "content": f"my number is +1 415 555 01{i:02d}, call me"},
                {"role": "assistant", "content": "Thanks, noted."},
            ],
        }
        for i in range(6)
    ]
    out = _run(tmp_path, _jsonl(tmp_path / "chats.jsonl", rows), "messages[].content")
    assert out[1]["messages"] == [
        {"role": "user", "content": "my number is <PHONE_NUMBER>, call me"},
        {"role": "assistant", "content": "Thanks, noted."},
    ]


def test_a_column_named_with_a_dot_is_a_column(tmp_path: Path) -> None:
    src = tmp_path / "t.csv"
    pl.DataFrame({"review.body": [f"mail me: a{i}@example.org" for i in range(4)]}).write_csv(src)
    settings = RedactSettings(text_fields=("review.body",))
    assert redact_paths([src], tmp_path / "out", settings, key=KEY).published
    out = pl.read_csv(tmp_path / "out" / "t.csv")
    assert out["review.body"][0] == "mail me: <EMAIL_ADDRESS>"


@pytest.mark.parametrize(
    ("rows", "field", "message"),
    [
        ([{"review": "just text"}], "review.body", "review holds String values, not objects"),
        ([{"review": {"body": "x"}}], "review.bdy", "the objects have no field 'bdy'"),
        ([{"review": {"body": {"deep": "x"}}}], "review.body", "the value there is not text"),
        ([{"review": {"body": "x"}}], "review[].body", "not a list where"),
        ([{"review": ["x"]}], "review[].body", "not an object where .body is"),
        ([{"review": {"body": "x"}}], "rvw.body", "text field 'rvw.body': no table"),
    ],
)
def test_a_path_that_does_not_fit_the_data_is_refused(
    tmp_path: Path, rows: list[dict[str, object]], field: str, message: str
) -> None:
    src = _jsonl(tmp_path / "r.jsonl", rows)
    with pytest.raises(PolicyError, match=message):
        redact_paths([src], tmp_path / "out", RedactSettings(text_fields=(field,)), key=KEY)
    assert not (tmp_path / "out" / "r.jsonl").exists()


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_deeply_nested_json_is_skipped_with_a_reason(tmp_path: Path, depth: int) -> None:
    src = tmp_path / "deep.jsonl"
    src.write_text('{"id": 1, "review": ' + "[" * depth + '"x"' + "]" * depth + "}\n")
    ok = _jsonl(tmp_path / "ok.jsonl", [{"id": 1, "review": ["fine"]}])
    manifest = redact_paths([src, ok], tmp_path / "out", key=KEY)
    assert [s.path for s in manifest.skipped] == [str(src)]
    assert manifest.published and (tmp_path / "out" / "ok.jsonl").exists()
    assert not (tmp_path / "out" / "deep.jsonl").exists()


def test_depth_counts_brackets_outside_strings(tmp_path: Path) -> None:
    from clearance.errors import InputError
    from clearance.redact.paths import check_json_depth

    quoted = tmp_path / "quoted.jsonl"
    quoted.write_text(json.dumps({"text": "[" * 500 + '\\"' + "{" * 500}) + "\n")
    check_json_depth(quoted, lines=True)  # brackets inside a string are text
    deep = tmp_path / "deep.json"
    deep.write_text("[\n" * 70 + "1" + "\n]" * 70)
    with pytest.raises(InputError, match="nested deeper than 64 levels"):
        check_json_depth(deep, lines=False)
    check_json_depth(deep, lines=False, limit=70)
