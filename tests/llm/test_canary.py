"""Canaries and exposure (``clearance.llm.canary``): the formulas with a fake backend whose scores
are controlled, canary generation, the CLI, and exposure on the tiny-LM fixture rising with
duplication."""

from __future__ import annotations

import hashlib
import json
import math
import random
import statistics
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest
from scipy import stats
from typer.testing import CliRunner

from clearance.cli.app import app
from clearance.errors import InputError, PolicyError
from clearance.llm.canary import (
    ALNUM,
    BASE32,
    DIGITS,
    HEX,
    Canary,
    exposure_from_rank,
    infer_format,
    make_canaries,
    measure_exposure,
    measure_exposures,
    parse_format,
    read_canaries,
    sample_rank,
    skewnorm_log2_tail,
    write_canaries,
)
from clearance.privacy import Fingerprinter

from .conftest import TinyLM


def _uniform(text: str) -> float:
    """A fixed pseudo-random number in (0, 1) for ``text``."""
    h = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
    return (h + 0.5) / 2**64


class FakeBackend:
    """Scores a continuation with ``fn(prompt, continuation)``; records the calls."""

    name = "fake"
    supports_logprobs = True

    def __init__(self, fn: Callable[[str, str], float]) -> None:
        self.fn = fn
        self.calls = 0

    def generate(self, *args: object, **kwargs: object) -> list[list[object]]:
        raise NotImplementedError

    def score(self, prompts: Sequence[str], continuations: Sequence[str]) -> list[float]:
        self.calls += 1
        return [self.fn(p, c) for p, c in zip(prompts, continuations, strict=True)]


def _canary(spec: str = "digits:9", secret: str | None = None) -> Canary:
    fmt = parse_format(spec)
    return Canary("c1", fmt, secret if secret is not None else fmt.sample(random.Random(7)))


# ------------------------------------------------------------------------------- formulas


def test_rank_and_exposure_formula() -> None:
    assert sample_rank(5.0, [1.0, 2.0, 6.0, 7.0]) == 3
    assert sample_rank(5.0, [5.0, 5.0]) == 1  # ties do not count against the canary
    assert exposure_from_rank(1, 999) == pytest.approx(math.log2(1000))
    assert exposure_from_rank(500, 999) == pytest.approx(1.0)
    assert exposure_from_rank(1000, 999) == pytest.approx(0.0)
    # log2|R| - log2(rank * |R| / (c + 1)) for any |R|
    size = 10**9
    for rank in (1, 7, 500):
        direct = math.log2(size) - math.log2(rank * size / 1000)
        assert exposure_from_rank(rank, 999) == pytest.approx(direct)


def test_best_canary_gets_the_sampling_bound() -> None:
    canary = _canary()
    backend = FakeBackend(lambda _p, c: 10.0 if c == canary.secret else -_uniform(c))
    e = measure_exposure(backend, canary, candidates=999, seed=3)
    assert e.rank == 1
    assert e.exposure_rank == pytest.approx(math.log2(1000))
    assert e.max_exposure_rank == pytest.approx(math.log2(1000))
    assert e.exposure_rank <= e.exposure_extrapolated <= e.log2_space
    assert e.log2_space == pytest.approx(9 * math.log2(10))


def test_median_canary_has_about_one_bit() -> None:
    canary = _canary()
    backend = FakeBackend(lambda _p, c: -0.5 if c == canary.secret else -_uniform(c))
    e = measure_exposure(backend, canary, candidates=999, seed=3)
    assert 400 < e.rank < 600
    assert e.exposure_rank == pytest.approx(1.0, abs=0.3)
    assert e.exposure_extrapolated == pytest.approx(1.0, abs=0.3)


def _normal_scores(canary: Canary, mu: float, sd: float, z: float) -> FakeBackend:
    def fn(_p: str, c: str) -> float:
        if c == canary.secret:
            return mu + z * sd
        return mu + sd * float(stats.norm.ppf(_uniform(c)))

    return FakeBackend(fn)


def test_extrapolation_goes_past_the_sampling_bound() -> None:
    canary = _canary("digits:12")
    e = measure_exposure(_normal_scores(canary, -40.0, 5.0, 6.0), canary, candidates=999)
    assert e.rank == 1
    expected = -math.log2(stats.norm.sf(6.0))  # about 29.9 bits, far past log2(1000)
    assert e.exposure_extrapolated == pytest.approx(expected, abs=3.0)
    assert e.exposure_extrapolated > e.exposure_rank + 15


def test_extrapolation_is_clipped_to_the_space() -> None:
    canary = _canary("digits:6")
    e = measure_exposure(_normal_scores(canary, -20.0, 2.0, 40.0), canary, candidates=300)
    assert e.exposure_extrapolated == pytest.approx(6 * math.log2(10))
    worst = _canary("digits:6")
    e = measure_exposure(_normal_scores(worst, -20.0, 2.0, -40.0), worst, candidates=300)
    assert e.exposure_extrapolated == 0.0
    assert e.exposure_rank == pytest.approx(0.0)


def test_skewnorm_tail_matches_the_normal_tail() -> None:
    rng = np.random.default_rng(0)
    mu, sd = -30.0, 4.0
    sample = rng.normal(mu, sd, 5000).tolist()
    for z in (0.0, 1.0, 2.0, 3.0, 4.0):
        got = skewnorm_log2_tail(sample, mu + z * sd)
        assert got == pytest.approx(math.log2(stats.norm.sf(z)), abs=0.35), z


def test_skewnorm_tail_follows_a_skewed_sample() -> None:
    rng = np.random.default_rng(1)
    a = 4.0
    logperp = stats.skewnorm.rvs(a, loc=50, scale=10, size=5000, random_state=rng)
    scores = (-logperp).tolist()
    for q in (0.05, 0.01, 0.001):
        x = float(stats.skewnorm.ppf(q, a, loc=50, scale=10))
        assert skewnorm_log2_tail(scores, -x) == pytest.approx(math.log2(q), abs=0.5)


def test_one_score_call_for_many_canaries() -> None:
    canaries = make_canaries(["digits:9", "hex:16"], 3, seed=1)
    backend = FakeBackend(lambda p, c: -_uniform(p + c))
    out = measure_exposures(backend, canaries, candidates=50, seed=2)
    assert backend.calls == 1
    assert [e.id for e in out] == [c.id for c in canaries]
    again = measure_exposures(backend, canaries, candidates=50, seed=2)
    assert out == again


def test_references_are_of_the_same_format_and_never_the_canary() -> None:
    canary = _canary("aws-key")
    seen: list[tuple[str, str]] = []

    def fn(p: str, c: str) -> float:
        seen.append((p, c))
        return 0.0

    measure_exposure(FakeBackend(fn), canary, candidates=100)
    assert all(p == "aws_access_key_id = AKIA" for p, _ in seen)
    assert seen[0][1] == canary.secret
    refs = [c for _, c in seen[1:]]
    assert len(refs) == 100 and canary.secret not in refs
    assert all(canary.format.matches(r) for r in refs)


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
        return FakeBackend(lambda _p, c: 5.0 if c == best else -_uniform(c))

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


def test_measure_reports_progress_through_the_backend_hook() -> None:
    canaries = make_canaries(["digits:6"], 3, seed=2)

    class Hooked(FakeBackend):
        on_progress: Callable[[int], None] | None = None

        def score(self, prompts: Sequence[str], continuations: Sequence[str]) -> list[float]:
            out = []
            for i in range(0, len(prompts), 7):  # batches of 7, each reported
                out += super().score(prompts[i : i + 7], continuations[i : i + 7])
                if self.on_progress is not None:
                    self.on_progress(len(prompts[i : i + 7]))
            return out

    backend = Hooked(lambda p, c: -_uniform(p + c))
    seen: list[tuple[int, int]] = []
    plain = measure_exposures(backend, canaries, candidates=20, seed=1)
    hooked = measure_exposures(
        backend, canaries, candidates=20, seed=1, progress=lambda d, t: seen.append((d, t))
    )
    assert hooked == plain
    assert seen[0] == (0, 63) and seen[-1] == (63, 63) and len(seen) == 1 + 9
    assert backend.on_progress is None


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


# ------------------------------------------------------------------------------- tiny LM

CANDIDATES = 200


def _manifest_canaries(tiny_lm: TinyLM) -> list[tuple[str, Canary]]:
    """The manifest's secrets as canaries: prompt = their fixed prefix (plus the format's head),
    format inferred from the value."""
    out = []
    for s in tiny_lm.manifest.secrets:
        fmt = infer_format(s.synthetic_value, context=s.prefix, suffix=s.suffix, name=s.type)
        group = "control" if s.control else f"{s.duplicates}x"
        out.append((group, Canary(s.id, fmt, s.synthetic_value[len(fmt.head) :])))
    return out


@pytest.mark.slow
def test_exposure_rises_with_duplication(tiny_lm: TinyLM) -> None:
    from clearance.llm.hf_backend import HuggingFaceBackend

    pairs = _manifest_canaries(tiny_lm)
    backend = HuggingFaceBackend(tiny_lm.model_dir, batch_size=32)
    exposures = measure_exposures(backend, [c for _, c in pairs], candidates=CANDIDATES, seed=0)
    groups: dict[str, list[float]] = {}
    ranks: dict[str, list[float]] = {}
    for (group, _), e in zip(pairs, exposures, strict=True):
        groups.setdefault(group, []).append(e.exposure_extrapolated)
        ranks.setdefault(group, []).append(e.exposure_rank)
    mean = {g: statistics.mean(v) for g, v in groups.items()}
    mean_rank = {g: statistics.mean(v) for g, v in ranks.items()}
    bound = math.log2(CANDIDATES + 1)
    # the sampled rank saturates at log2(c + 1) for memorised values: the 20x ones all reach it
    assert all(r == pytest.approx(bound) for r in ranks["20x"])
    assert mean_rank["1x"] <= mean_rank["5x"] <= mean_rank["20x"]
    # the skew-normal extrapolation resolves what the sample cannot: exposure rises with copies
    assert mean["1x"] < mean["20x"]
    assert mean["5x"] <= mean["20x"]
    assert mean["20x"] > 2 * bound
    # controls were never trained on: a random rank among the references, low exposure
    assert mean_rank["control"] < 3.0
    assert mean["control"] < 3.0
    assert max(groups["control"]) < bound
    assert min(mean[g] for g in ("1x", "5x", "20x")) > mean["control"]
