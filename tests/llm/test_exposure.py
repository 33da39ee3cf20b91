"""Exposure (``clearance.llm.exposure``): the formulas with a fake backend whose scores are
controlled, progress through the backend hook, and exposure on the tiny-LM fixture rising with
duplication."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence

import numpy as np
import pytest
from scipy import stats

from clearance.llm.canary import Canary, infer_format, make_canaries
from clearance.llm.exposure import (
    exposure_from_rank,
    measure_exposure,
    measure_exposures,
    sample_rank,
    skewnorm_log2_tail,
)

from ._canaries import FakeBackend, canary_of, uniform_of
from .conftest import TinyLM

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
    canary = canary_of()
    backend = FakeBackend(lambda _p, c: 10.0 if c == canary.secret else -uniform_of(c))
    e = measure_exposure(backend, canary, candidates=999, seed=3)
    assert e.rank == 1
    assert e.exposure_rank == pytest.approx(math.log2(1000))
    assert e.max_exposure_rank == pytest.approx(math.log2(1000))
    assert e.exposure_rank <= e.exposure_extrapolated <= e.log2_space
    assert e.log2_space == pytest.approx(9 * math.log2(10))


def test_median_canary_has_about_one_bit() -> None:
    canary = canary_of()
    backend = FakeBackend(lambda _p, c: -0.5 if c == canary.secret else -uniform_of(c))
    e = measure_exposure(backend, canary, candidates=999, seed=3)
    assert 400 < e.rank < 600
    assert e.exposure_rank == pytest.approx(1.0, abs=0.3)
    assert e.exposure_extrapolated == pytest.approx(1.0, abs=0.3)


def _normal_scores(canary: Canary, mu: float, sd: float, z: float) -> FakeBackend:
    def fn(_p: str, c: str) -> float:
        if c == canary.secret:
            return mu + z * sd
        return mu + sd * float(stats.norm.ppf(uniform_of(c)))

    return FakeBackend(fn)


def test_extrapolation_goes_past_the_sampling_bound() -> None:
    canary = canary_of("digits:12")
    e = measure_exposure(_normal_scores(canary, -40.0, 5.0, 6.0), canary, candidates=999)
    assert e.rank == 1
    expected = -math.log2(stats.norm.sf(6.0))  # about 29.9 bits, far past log2(1000)
    assert e.exposure_extrapolated == pytest.approx(expected, abs=3.0)
    assert e.exposure_extrapolated > e.exposure_rank + 15


def test_extrapolation_is_clipped_to_the_space() -> None:
    canary = canary_of("digits:6")
    e = measure_exposure(_normal_scores(canary, -20.0, 2.0, 40.0), canary, candidates=300)
    assert e.exposure_extrapolated == pytest.approx(6 * math.log2(10))
    worst = canary_of("digits:6")
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
    backend = FakeBackend(lambda p, c: -uniform_of(p + c))
    out = measure_exposures(backend, canaries, candidates=50, seed=2)
    assert backend.calls == 1
    assert [e.id for e in out] == [c.id for c in canaries]
    again = measure_exposures(backend, canaries, candidates=50, seed=2)
    assert out == again


def test_references_are_of_the_same_format_and_never_the_canary() -> None:
    canary = canary_of("aws-key")
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

    backend = Hooked(lambda p, c: -uniform_of(p + c))
    seen: list[tuple[int, int]] = []
    plain = measure_exposures(backend, canaries, candidates=20, seed=1)
    hooked = measure_exposures(
        backend, canaries, candidates=20, seed=1, progress=lambda d, t: seen.append((d, t))
    )
    assert hooked == plain
    assert seen[0] == (0, 63) and seen[-1] == (63, 63) and len(seen) == 1 + 9
    assert backend.on_progress is None


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
