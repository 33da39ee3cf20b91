from __future__ import annotations

import types

import clearance


def test_all_is_exported_and_sorted() -> None:
    for name in clearance.__all__:
        assert hasattr(clearance, name), name
    # Subpackages appear as attributes once imported anywhere; they are namespaces, not API.
    public = {
        n
        for n in dir(clearance)
        if not n.startswith("_") and not isinstance(getattr(clearance, n), types.ModuleType)
    } - {"annotations"}
    assert public <= set(clearance.__all__)
    assert sorted(clearance.__all__) == clearance.__all__
