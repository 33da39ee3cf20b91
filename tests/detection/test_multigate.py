"""The Hyperscan gate flags every pattern that finds a match in an ASCII text, and the engine
finds the same spans through it as through the Polars gate alone (or without ``hyperscan``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import polars as pl
import pytest

from clearance.core.severity import Severity
from clearance.detection.detector import Detector
from clearance.detection.engine import Engine, match_texts
from clearance.detection.multigate import ALL, multigate
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
