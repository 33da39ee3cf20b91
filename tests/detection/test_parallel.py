"""Detection spread over worker processes gives what one process gives."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from clearance.core.severity import Severity
from clearance.detection import parallel
from clearance.detection.detector import Detector
from clearance.detection.engine import Engine
from clearance.detection.match import Match
from clearance.detection.registry import Registry, default_registry
from clearance.errors import PolicyError


def _texts(n: int = 1200, seed: int = 3) -> list[str]:
    """Sentences around every detector's positive and negative examples, past the size from
    which the engine starts workers."""
    rnd = random.Random(seed)
    examples = [t for d in default_registry() for t in (*d.positives, *d.negatives)]
    filler = "the parcel came late but the support team was kind and quick to help".split()
    out = []
    for i in range(n):
        words = rnd.sample(filler, 8)
        out.append(f"{' '.join(words)} {rnd.choice(examples)} ({i}) {' '.join(words[:4])}")
    out += [out[0], "", out[1]]  # repeats and an empty text
    return out


class _Ner:
    """An NER backend that finds nothing: it lives in this process and cannot be sent."""

    def detect_batch(self, texts: list[str]) -> list[list[Match]]:
        return [[] for _ in texts]


def _spans(results: list[list]) -> list[list[tuple]]:  # type: ignore[type-arg]
    return [[(m.start, m.end, m.detector, m.score, m.value) for m in r] for r in results]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    t = _texts()
    assert Engine(workers=2).start_workers()  # so batches under COLD_START_CHARS are spread
    assert parallel.should_parallelize(t, 2)
    return t


def test_two_workers_give_what_one_process_gives(
    texts: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clearance.detection import engine as engine_module

    real = engine_module._detect_share  # what a worker runs on its share
    seen = tmp_path / "shares"
    seen.mkdir()

    def in_worker(*args):  # type: ignore[no-untyped-def]
        # a local function travels to the worker by value (cloudpickle): it notes, in a file
        # named after the process that ran it, how many texts it was given
        import os

        with (seen / str(os.getpid())).open("a") as fh:
            fh.write(f"{len(args[1])}\n")
        return real(*args)

    monkeypatch.setattr(engine_module, "_detect_share", in_worker)
    alone = Engine(workers=1).detect_batch(texts, "comment")
    assert list(seen.iterdir()) == []  # one worker: never spread
    shared = Engine(workers=2).detect_batch(texts, "comment")
    ran = {int(f.name): sum(map(int, f.read_text().split())) for f in seen.iterdir()}
    assert ran and os.getpid() not in ran  # the share went to another process, which ran it
    unique = len(set(texts))
    assert 0 < sum(ran.values()) < unique  # a share, not the whole batch: this process did some
    assert _spans(shared) == _spans(alone)
    assert sum(map(len, alone)) > len(texts) // 2  # and found plenty


def test_subset_registry_travels_by_ids(texts: list[str]) -> None:
    engine = Engine(workers=2).restricted(["email", "phone", "aws-access-key-id"])
    assert parallel.detector_ids(engine.registry) == ("aws-access-key-id", "email", "phone")
    alone = Engine(workers=1).restricted(["email", "phone", "aws-access-key-id"])
    assert _spans(engine.detect_batch(texts)) == _spans(alone.detect_batch(texts))


def test_own_detectors_stay_in_process(texts: list[str]) -> None:
    own = Detector(
        id="ticket-ref",
        entity="TICKET",
        category="pii",
        severity=Severity.LOW,
        patterns=(r"\(\d+\)",),
        positives=("(12)",),
        negatives=("12",),
    )
    registry = Registry([*default_registry(), own])
    assert parallel.detector_ids(registry) is None
    assert parallel.detector_ids(default_registry()) == ()
    found = Engine(registry=registry, workers=2).detect_batch(texts)
    assert sum(m.detector == "ticket-ref" for r in found for m in r) >= len(texts) - 3


def test_broken_workers_fall_back_in_process(
    texts: list[str], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(**_kwargs: object) -> object:
        raise OSError("cannot start a process")

    monkeypatch.setattr("joblib.externals.loky.get_reusable_executor", broken)
    got = Engine(workers=2).detect_batch(texts)
    assert _spans(got) == _spans(Engine(workers=1).detect_batch(texts))
    assert "detecting in process" in caplog.text
    # the log names the failure, never a text
    assert not any(t and t in caplog.text for t in texts)


def test_small_batches_stay_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "_started", {4})
    assert not parallel.should_parallelize(["a b c"] * 10, 4)
    assert not parallel.should_parallelize(["x" * 1000] * 300, 1)
    assert parallel.should_parallelize(["x" * 1000] * 300, 4)
    # a column of short values stays in the (already multi-threaded) Rust gate
    assert not parallel.should_parallelize(["jane@example.com"] * 20_000, 4)


def test_shares_balance_characters() -> None:
    rnd = random.Random(0)
    texts = ["x" * rnd.randint(1, 500) for _ in range(1000)]
    parts = parallel.shares(texts, 3)
    assert sorted(i for p in parts for i in p) == list(range(len(texts)))
    assert all(p == sorted(p) for p in parts)
    loads = [sum(len(texts[i]) for i in p) for p in parts]
    assert max(loads) - min(loads) <= 500
    assert parallel.shares(["a"], 4) == [[0]]


def test_workers_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEARANCE_WORKERS", "3")
    assert parallel.default_workers() == 3
    monkeypatch.setenv("CLEARANCE_WORKERS", "0")
    assert parallel.default_workers() == 1
    monkeypatch.setenv("CLEARANCE_WORKERS", "many")
    with pytest.raises(PolicyError, match="CLEARANCE_WORKERS"):
        parallel.default_workers()
    monkeypatch.delenv("CLEARANCE_WORKERS")
    assert parallel.default_workers() >= 1


def test_cold_start_needs_a_large_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "_started", set())
    assert not parallel.should_parallelize(["x" * 1000] * 300, 3)  # not worth a start
    big = ["x" * 1000] * (parallel.COLD_START_CHARS // 1000)
    assert parallel.should_parallelize(big, 3)


def test_start_workers_refuses_what_cannot_be_sent() -> None:
    assert not Engine(workers=1).start_workers()
    own = Detector(
        id="own",
        entity="X",
        category="pii",
        severity=Severity.LOW,
        patterns=("x",),
        positives=("x",),
        negatives=("y",),
    )
    assert not Engine(registry=Registry([own]), workers=2).start_workers()

    # an NER model cannot travel to a worker: the engine keeps every batch in process
    assert not Engine(ner=_Ner(), workers=2).start_workers()


def test_workers_use_the_engines_calibration(texts: list[str]) -> None:
    from clearance.detection.calibration import Calibration, Level

    halve = Calibration(
        source="test",
        prior_strength=0,
        documents=1,
        detectors={
            d.id: [Level(raw=d.score, calibrated=round(d.score / 2, 4), matches=1, correct=1)]
            for d in default_registry()
        },
    )
    for calibration in (None, halve):
        alone = Engine(workers=1, calibration=calibration).detect_batch(texts)
        shared = Engine(workers=2, calibration=calibration).detect_batch(texts)
        assert _spans(shared) == _spans(alone)
    bare = Engine(workers=2, calibration=None).detect_batch(texts[:50])
    halved = Engine(workers=2, calibration=halve).detect_batch(texts[:50])
    pairs = [(m, h) for r, s in zip(bare, halved, strict=True) for m, h in zip(r, s, strict=True)]
    assert pairs and all(h.score < m.score for m, h in pairs)  # halved at base, interpolated


def test_an_engine_with_ner_detects_in_process(
    texts: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[object] = []
    monkeypatch.setattr(
        "clearance.detection.engine.detect_parallel", lambda *a, **k: calls.append(a)
    )
    found = Engine(ner=_Ner(), workers=2).detect_batch(texts)
    assert calls == []
    assert _spans(found) == _spans(Engine(workers=1).detect_batch(texts))


def test_a_worker_freezes_what_it_holds_and_this_process_never(texts: list[str]) -> None:
    import gc

    from joblib.externals.loky import get_reusable_executor

    Engine(workers=2).detect_batch(texts)
    # the worker built its engine, then moved what it held out of the collector's generations
    worker = get_reusable_executor(max_workers=1, timeout=parallel._IDLE_TIMEOUT_S)
    assert worker.submit(gc.get_freeze_count).result() > 10_000
    # the caller's objects are not ours to pin: the parent never freezes
    assert gc.get_freeze_count() == 0
