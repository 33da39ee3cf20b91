"""The Hyperscan gate flags every pattern that matches an ASCII text, and the engine finds the
same spans through it as through the Polars gate alone."""

from __future__ import annotations

import pytest

from clearance.detection.engine import Engine
from clearance.detection.multigate import ALL, multigate
from clearance.detection.registry import default_registry

pytest.importorskip("hyperscan")


def _examples() -> list[str]:
    texts = [t for d in default_registry() for t in (*d.positives, *d.negatives) if t.isascii()]
    return texts + [" and ".join(texts[i : i + 3]) for i in range(0, len(texts), 3)]


def test_every_python_match_is_flagged_for_its_pattern() -> None:
    registry = default_registry()
    texts = _examples()
    gate = multigate(list(registry))
    assert gate is not None and len(gate.covered) > 0.9 * len(registry)
    flagged = gate.rows(texts, "")
    for det in gate.covered:
        rows, bits = flagged.get(det.id, ([], []))
        by_row = dict(zip(rows, bits, strict=True))
        for i, text in enumerate(texts):
            for k, pattern in enumerate(det.compiled):
                if det.requires_context and not det.has_context(text.lower()):
                    continue
                if pattern.search(text) is not None:
                    mask = by_row.get(i)
                    assert mask is not None, (det.id, k)
                    assert mask == ALL or mask >> k & 1, (det.id, k)


def test_same_spans_with_and_without_hyperscan() -> None:
    texts = _examples() + ["Grüße von José, 030 1234567, josé@example.org"]
    fast = Engine(workers=1).detect_batch(texts)
    plain = Engine(workers=1, hyperscan=False).detect_batch(texts)
    assert [[(m.start, m.end, m.detector) for m in ms] for ms in fast] == [
        [(m.start, m.end, m.detector) for m in ms] for ms in plain
    ]
