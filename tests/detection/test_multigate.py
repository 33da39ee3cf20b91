"""The Hyperscan gate flags every pattern that finds a match in an ASCII text, and the engine
finds the same spans through it as through the Polars gate alone (or without ``hyperscan``)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from clearance.core.severity import Severity
from clearance.detection import hyperscan_cache
from clearance.detection import multigate as multigate_module
from clearance.detection.detector import Detector
from clearance.detection.engine import Engine, match_texts
from clearance.detection.multigate import ALL, MultiGate, multigate
from clearance.detection.registry import Registry, default_registry

pytest.importorskip("hyperscan")


def _examples() -> list[str]:
    """Every ASCII example of every detector, alone and three by three (so a text holds
    several detectors' values and patterns meet each other's text)."""
    texts = [t for d in default_registry() for t in (*d.positives, *d.negatives) if t.isascii()]
    return texts + [" and ".join(texts[i : i + 3]) for i in range(0, len(texts), 3)]


def _spans(engine: Engine, texts: list[str]) -> list[list[tuple[int, int, str, float]]]:
    return [
        [(m.start, m.end, m.detector, m.score) for m in ms] for ms in engine.detect_batch(texts)
    ]


def test_every_pattern_with_a_match_is_flagged_for_it() -> None:
    # What the gate must never drop: a match of pattern k that the exact pass keeps (refine,
    # validator, context applied), on a row the detector's own Polars gate hands over. A raw
    # hit of a pattern is not enough: a detector with a prefilter ("date-year": a year after
    # "born in", "since"...) or keywords is gated by those, in both gates, not by its pattern.
    registry = default_registry()
    texts = _examples()
    gate = multigate(list(registry))
    assert gate is not None and len(gate.covered) > 0.9 * len(registry)
    flagged = gate.rows(texts, "")
    checked = 0
    for det in gate.covered:
        rows, bits = flagged.get(det.id, ([], []))
        by_row = dict(zip(rows, bits, strict=True))
        polars = Engine(registry=Registry([det]), hyperscan=False, calibration=None)
        own = set(polars.candidate_rows(pl.Series("t", texts)).get(det.id, []))
        for k in range(len(det.compiled)):
            found = match_texts(det, texts, bits=[1 << k] * len(texts))
            for i, matches in enumerate(found):
                if not matches or i not in own:
                    continue
                checked += 1
                mask = by_row.get(i)
                assert mask is not None and (mask == ALL or mask >> k & 1), (det.id, k, i)
    assert checked > 1000


def test_same_spans_with_and_without_hyperscan() -> None:
    texts = [
        *_examples(),
        "Grüße von José, 030 1234567, josé@example.org",  # not ASCII: the Polars gate
        "ssn\x1c536-90-4399 and jane@example.org",  # a separator: the Polars gate
    ]
    assert _spans(Engine(workers=1), texts) == _spans(Engine(workers=1, hyperscan=False), texts)


def test_without_the_hyperscan_package_the_polars_gate_runs() -> None:
    # A platform without its wheels: ``import hyperscan`` fails, the engine gates with Polars.
    texts = ["born in 1996, mail jane@example.org", "AKIAIOSFODNN7EXAMPLE", "nothing here"]
    code = (
        "import json, sys\n"
        "sys.modules['hyperscan'] = None\n"  # makes ``import hyperscan`` raise ImportError
        "from clearance.detection.engine import Engine\n"
        "from clearance.detection.multigate import multigate\n"
        "from clearance.detection.registry import default_registry\n"
        "assert multigate(list(default_registry())) is None\n"
        "texts = json.loads(sys.argv[1])\n"
        "out = [[[m.start, m.end, m.detector, m.score] for m in ms]\n"
        "       for ms in Engine(workers=1).detect_batch(texts)]\n"
        "print(json.dumps(out))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run(
        [sys.executable, "-c", code, json.dumps(texts)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    got = [[tuple(m) for m in ms] for ms in json.loads(done.stdout)]
    assert got == _spans(Engine(workers=1), texts)
    assert any(got)


def _one(patterns: tuple[str, ...]) -> Registry:
    return Registry(
        [
            Detector(
                id="t",
                entity="TEST",
                category="pii",
                severity=Severity.LOW,
                patterns=patterns,
                positives=(),
                negatives=(),
            )
        ]
    )


@pytest.mark.parametrize(
    ("patterns", "text"),
    [
        # a quantified non-ASCII letter is one character ("é?" may be absent from ASCII text)
        ((r"\bcaf[eé]s?\b", r"\bné?e \d{3}\b"), "cafes and ne 456"),
        # Python's \s takes the information separators U+001C..U+001F, PCRE's does not (a second
        # pattern makes the Polars gate hand the row over)
        ((r"\bref\s\d{4}\b", r"\bxyz\b"), "ref\x1f1234 xyz"),
    ],
)
def test_the_gate_reads_patterns_as_python_does(patterns: tuple[str, ...], text: str) -> None:
    registry = _one(patterns)
    fast = Engine(registry=registry, workers=1, calibration=None)
    plain = Engine(registry=registry, workers=1, calibration=None, hyperscan=False)
    assert _spans(fast, [text]) == _spans(plain, [text])
    assert len(_spans(fast, [text])[0]) == 2


_CACHE_IDS = ("email", "aws-access-key-id", "us-ssn", "iban")
_CACHE_TEXTS = [
    "mail jane@example.org today",
    "key AKIAIOSFODNN7EXAMPLE",
    "ssn 536-90-4399, iban DE89370400440532013000",
    "nothing here",
]


def _small() -> list[Detector]:
    registry = default_registry()
    return [registry[i] for i in _CACHE_IDS]


def _compile_forbidden(*args: object) -> None:
    raise AssertionError("compiled although the cache holds the database")


def test_a_cached_gate_is_loaded_and_flags_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLEARANCE_HYPERSCAN_CACHE", str(tmp_path))
    detectors = _small()
    built = MultiGate(detectors)
    files = list(tmp_path.iterdir())
    assert len(files) == 1 and files[0].suffix == ".hsdb"
    monkeypatch.setattr(multigate_module, "_compiled", _compile_forbidden)
    loaded = MultiGate(detectors)
    assert loaded.covered == built.covered
    assert loaded.rows(_CACHE_TEXTS, "") == built.rows(_CACHE_TEXTS, "")
    assert built.rows(_CACHE_TEXTS, "")  # the texts do hold matches


def test_engine_spans_the_same_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLEARANCE_HYPERSCAN_CACHE", str(tmp_path))
    registry = Registry(_small())
    monkeypatch.setattr(multigate_module, "_BUILT", {})
    first = _spans(Engine(registry=registry, workers=1), _CACHE_TEXTS)
    monkeypatch.setattr(multigate_module, "_BUILT", {})  # a new process: from the disk
    monkeypatch.setattr(multigate_module, "_compiled", _compile_forbidden)
    again = _spans(Engine(registry=registry, workers=1), _CACHE_TEXTS)
    plain = _spans(Engine(registry=registry, workers=1, hyperscan=False), _CACHE_TEXTS)
    assert first == again == plain
    assert any(first)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:100],  # cut short: the digest no longer fits
        lambda data: b"garbage",
        # a sound file whose database is not one (another Hyperscan build, a bad disk)
        lambda data: (
            hyperscan_cache._MAGIC
            + hashlib.sha256(b"[0]\n" + b"\0" * 64).hexdigest().encode()
            + b"\n[0]\n"
            + b"\0" * 64
        ),
        # a sound file whose choice of forms does not fit the detectors
        lambda data: (
            hyperscan_cache._MAGIC
            + hashlib.sha256(b"[7, 7]\nx").hexdigest().encode()
            + b"\n[7, 7]\nx"
        ),
    ],
)
def test_a_corrupt_cache_file_is_rebuilt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: object
) -> None:
    monkeypatch.setenv("CLEARANCE_HYPERSCAN_CACHE", str(tmp_path))
    detectors = _small()
    expected = MultiGate(detectors).rows(_CACHE_TEXTS, "")
    (path,) = tmp_path.iterdir()
    good = path.read_bytes()
    path.write_bytes(damage(good))  # type: ignore[operator]
    assert MultiGate(detectors).rows(_CACHE_TEXTS, "") == expected
    assert path.read_bytes() == good  # compiled again and written back


def test_the_cache_off_writes_nothing_and_flags_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLEARANCE_HYPERSCAN_CACHE", str(tmp_path / "on"))
    expected = MultiGate(_small()).rows(_CACHE_TEXTS, "")
    monkeypatch.setenv("CLEARANCE_HYPERSCAN_CACHE", "off")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert MultiGate(_small()).rows(_CACHE_TEXTS, "") == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["on"]


def test_a_rejected_expression_is_found_and_the_rest_compiled(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One compile of everything; when Hyperscan rejects it, the rejected detector is found by
    # halves and takes its next form (here: none, so the Polars gate), the others stay covered.
    monkeypatch.setenv("CLEARANCE_HYPERSCAN_CACHE", "off")
    bad = Detector(
        id="rejected",
        entity="TEST",
        category="pii",
        severity=Severity.LOW,
        patterns=(r"\bx(?=y)",),  # lookahead: Hyperscan rejects it, Python does not
        positives=(),
        negatives=(),
    )
    detectors = [*_small(), bad]
    gate = MultiGate(detectors)
    assert bad not in gate.covered
    assert set(gate.covered) == set(_small())
