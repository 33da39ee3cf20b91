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


def test_audit_is_the_function_once_the_subpackage_is_imported() -> None:
    import clearance.audit.run  # binds the subpackage on the parent

    assert callable(clearance.audit)
    assert clearance.audit.__module__ == "clearance.audit.auditor"


def test_unknown_names_raise_attribute_error() -> None:
    import pytest

    with pytest.raises(AttributeError, match="no_such_name"):
        _ = clearance.no_such_name  # type: ignore[attr-defined]


def test_llm_backends_import_without_the_table_stack() -> None:
    # the LLM backends run where Polars and SQLAlchemy may be absent (a GPU box)
    import subprocess
    import sys

    code = (
        "import sys, clearance.llm.backends;"
        "print(sorted(m for m in ('polars', 'sqlalchemy', 'phonenumbers') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
