"""Tests of clearance.llm.canary_report: the exposure report built by the library, the JSON
``canary measure`` writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clearance.llm.canary import make_canaries, write_canaries
from clearance.llm.canary_report import EXPOSURE_METHOD, measure_canary_file
from clearance.privacy import Fingerprinter

from ._canaries import FakeBackend, uniform_of

FP = Fingerprinter(b"report-key")


def test_measure_canary_file_reports_numbers_and_fingerprints_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    canaries = make_canaries(["hex:12"], 2, seed=3)
    path, _, _ = write_canaries(canaries, tmp_path / "c.jsonl", fingerprinter=FP)
    best = canaries[1].secret
    specs: list[tuple[str, dict[str, object]]] = []

    def fake_load(spec: str, **options: object) -> FakeBackend:
        specs.append((spec, options))
        return FakeBackend(lambda _p, c: 5.0 if c == best else -uniform_of(c))

    monkeypatch.setattr("clearance.llm.backends.load_backend", fake_load)
    report = measure_canary_file(path, "some/model", fingerprinter=FP, candidates=15, seed=1)
    assert specs == [("hf:some/model", {"device": "cpu", "batch_size": 8})]
    text = report.to_json()
    assert all(c.secret not in text for c in canaries)
    data = json.loads(text)
    assert list(data) == ["kind", "model", "candidates", "seed", "method", "canaries"]
    assert (data["kind"], data["model"], data["candidates"], data["seed"]) == (
        "clearance-canary-exposure", "fake", 15, 1,
    )  # fmt: skip
    assert data["method"] == EXPOSURE_METHOD
    rows = data["canaries"]
    assert [r["id"] for r in rows] == [c.id for c in canaries]
    assert [r["fingerprint"] for r in rows] == [c.fingerprint(FP) for c in canaries]
    assert rows[1]["rank"] == 1 and list(rows[1])[-1] == "fingerprint"
    assert text.endswith("}\n") and text == json.dumps(data, indent=2) + "\n"
    measure_canary_file(path, "openai:http://127.0.0.1:9/v1#m", fingerprinter=FP, candidates=3)
    assert specs[-1] == ("openai:http://127.0.0.1:9/v1#m", {})  # no hf options for an endpoint
