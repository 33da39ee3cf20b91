"""Canaries (``clearance.llm.canary``): formats, generation, files and the CLI (exposure:
``test_exposure.py``)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clearance.cli.app import app
from clearance.errors import InputError, PolicyError
from clearance.llm.canary import (
    ALNUM,
    BASE32,
    DIGITS,
    HEX,
    infer_format,
    make_canaries,
    parse_format,
    read_canaries,
    write_canaries,
)
from clearance.privacy import Fingerprinter

from ._canaries import FakeBackend, uniform_of

# ------------------------------------------------------------------------------- formats


def test_builtin_formats() -> None:
    d = parse_format("digits:9")
    assert d.space_size == 10**9 and d.log2_space == pytest.approx(math.log2(10**9))
    assert parse_format("digits").space_size == 10**9
    assert parse_format("hex:32").space_size == 16**32
    aws = parse_format("aws-key")
    assert aws.head == "AKIA" and aws.space_size == 32**16
    api = parse_format("api-key")
    assert api.head == "sk_live_" and api.space_size == 62**24 and api.suffix == '"'
    for bad in ("digits:0", "digits:x", "nope", "hex:9999"):
        with pytest.raises(PolicyError):
            parse_format(bad)


def test_make_canaries_is_deterministic_and_well_formed() -> None:
    specs = ["digits:9", "hex:12", "aws-key", "api-key"]
    a = make_canaries(specs, 5, seed=11)
    assert a == make_canaries(specs, 5, seed=11)
    assert a != make_canaries(specs, 5, seed=12)
    assert len(a) == 20 and len({c.id for c in a}) == 20
    for c in a:
        assert c.format.matches(c.secret)
        assert c.text == c.format.context + c.value + c.format.suffix
        assert c.secret not in repr(c)
    digits = [c for c in a if c.format.name == "digits:9"]
    assert all(c.text.startswith("the secret number is ") and len(c.secret) == 9 for c in digits)
    assert all(set(c.secret) <= set(DIGITS) for c in digits)
    assert all(set(c.secret) <= set(HEX) for c in a if c.format.name == "hex:12")
    aws = [c for c in a if c.format.name == "aws-key"]
    assert all(c.value.startswith("AKIA") and len(c.value) == 20 for c in aws)
    assert all(set(c.secret) <= set(BASE32) for c in aws)
    api = [c for c in a if c.format.name == "api-key"]
    assert all(c.value.startswith("sk_live_") and len(c.secret) == 24 for c in api)
    assert len({c.secret for c in digits}) == 5
    unseeded = make_canaries(["digits:9"], 2)
    assert all(c.format.matches(c.secret) for c in unseeded)
    with pytest.raises(PolicyError):
        make_canaries(["digits:1"], 5, seed=1)  # 10 values cannot give 5 safely distinct ones


def test_infer_format() -> None:
    aws = infer_format("AKIA" + "QWERTYUIOPASDF23")
    assert aws.head == "AKIA" and aws.segments[0].alphabet == BASE32
    gh = infer_format("ghp_" + "aB3" * 12)
    assert gh.head == "ghp_" and gh.segments[0].alphabet == ALNUM and gh.segments[0].length == 36
    proj = infer_format("sk-proj-" + "ab_C9" * 8)
    assert proj.head == "sk-proj-" and set("-_") <= set(proj.segments[0].alphabet)
    slack = infer_format("xoxb-123456789012-1234567890123-" + "aB3x" * 6)
    assert slack.head == "xoxb-"
    assert [(len(s.alphabet), s.length) for s in slack.segments] == [
        (10, 12), (1, 1), (10, 13), (1, 1), (62, 24)
    ]  # fmt: skip
    assert slack.log2_space == pytest.approx(25 * math.log2(10) + 24 * math.log2(62))
    b64 = infer_format("ab+D9" * 8)
    assert b64.head == "" and len(b64.segments[0].alphabet) == 64
    assert infer_format("0123456789abcdef0123").segments[0].alphabet == HEX


# ------------------------------------------------------------------------------- files and CLI


def test_write_and_read_canaries(tmp_path: Path) -> None:
    canaries = make_canaries(["digits:9", "api-key"], 2, seed=5)
    fp = Fingerprinter(b"k")
    out, text, manifest = write_canaries(
        canaries, tmp_path / "canaries.jsonl", fingerprinter=fp, text_path=tmp_path / "ins.txt"
    )
    assert read_canaries(out) == canaries
    assert text is not None
    assert text.read_text().splitlines() == [c.text for c in canaries]
    body = manifest.read_text()
    assert manifest.name == "canaries.manifest.json"
    assert all(c.secret not in body for c in canaries)
    rows = json.loads(body)["canaries"]
    assert [r["fingerprint"] for r in rows] == [c.fingerprint(fp) for c in canaries]
    (tmp_path / "bad.jsonl").write_text('{"id": "x", "format": "digits:9", "secret": "12ab"}\n')
    with pytest.raises(InputError):
        read_canaries(tmp_path / "bad.jsonl")


def test_cli_make_and_measure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEARANCE_KEY", "test-key")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["llm", "canary", "make", "--format", "digits:9", "--format", "aws-key",
         "--count", "3", "--seed", "1", "-o", "canaries.jsonl", "--text", "insert.txt"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    canaries = read_canaries(tmp_path / "canaries.jsonl")
    assert len(canaries) == 6
    assert (tmp_path / "insert.txt").read_text().count("\n") == 6
    assert (tmp_path / "canaries.manifest.json").is_file()
    best = canaries[0].secret

    def fake_load(spec: str, **options: object) -> FakeBackend:
        assert spec == "hf:some/model"
        return FakeBackend(lambda _p, c: 5.0 if c == best else -uniform_of(c))

    monkeypatch.setattr("clearance.llm.backends.load_backend", fake_load)
    result = runner.invoke(
        app,
        ["llm", "canary", "measure", "--canaries", "canaries.jsonl", "--model", "some/model",
         "--candidates", "63", "-o", "exposure.json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    raw = (tmp_path / "exposure.json").read_text()
    for c in canaries:
        assert c.secret not in raw and c.secret not in result.output
    report = json.loads(raw)
    rows = report["canaries"]
    assert [r["id"] for r in rows] == [c.id for c in canaries]
    assert rows[0]["rank"] == 1 and rows[0]["exposure_rank"] == pytest.approx(6.0)
    fp = Fingerprinter(b"test-key")
    assert rows[0]["fingerprint"] == canaries[0].fingerprint(fp)
    assert {"exposure_extrapolated", "log2_space", "format"} <= set(rows[0])


def test_cli_make_rejects_an_unknown_format(tmp_path: Path) -> None:
    # a bad --format is a configuration error: exit 4, as the README's exit-code table says
    for bad in ("bogus", "digits:0", "hex:x"):
        result = CliRunner().invoke(
            app, ["llm", "canary", "make", "--format", bad, "-o", str(tmp_path / "c.jsonl")]
        )
        assert result.exit_code == 4, result.output
        assert f"canary format {bad!r}" in result.output
    assert not (tmp_path / "c.jsonl").exists()
    result = CliRunner().invoke(
        app, ["llm", "canary", "make", "-f", "digits:1", "-n", "5", "-o", str(tmp_path / "c")]
    )
    assert result.exit_code == 4, result.output
    # a canary file naming an unknown format is bad input (3), not a bad option
    (tmp_path / "odd.jsonl").write_text('{"id": "x", "format": "bogus", "secret": "1"}\n')
    with pytest.raises(InputError):
        read_canaries(tmp_path / "odd.jsonl")


def test_canaries_that_are_not_utf8_are_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "canaries.jsonl"
    path.write_text('{"id": "c1"}\n', encoding="utf-16")
    with pytest.raises(InputError, match="not UTF-8"):
        read_canaries(path)
