from __future__ import annotations

import clearance


def test_all_is_exported_and_sorted() -> None:
    for name in clearance.__all__:
        assert hasattr(clearance, name), name
    public = {n for n in dir(clearance) if not n.startswith("_")} - {
        "annotations", "audit", "cli", "demo", "detection", "errors", "governance", "privacy",
        "reports", "scan",
    }  # fmt: skip
    assert public <= set(clearance.__all__)
    assert sorted(clearance.__all__) == clearance.__all__
