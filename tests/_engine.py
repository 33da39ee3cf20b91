"""Shared test helper: count the detection engine's batch calls (what grouping small tables
saves is fixed cost per call, so the tests count calls, not seconds)."""

from __future__ import annotations

import pytest

from clearance.detection.engine import Engine


def count_engine_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Patches ``Engine.detect_batch`` to record each call's number of texts; returns the list."""
    calls: list[int] = []
    detect = Engine.detect_batch

    def counted(self: Engine, texts: list[str | None], context: str = "") -> object:
        calls.append(len(texts))
        return detect(self, texts, context)

    monkeypatch.setattr(Engine, "detect_batch", counted)
    return calls
