"""The fairness package's public names: one entry point per command, loaded on first use."""

from __future__ import annotations

import subprocess
import sys

import clearance.fairness as fairness


def test_public_names_are_pinned() -> None:
    assert fairness.__all__ == [
        "FairnessPolicy",
        "FairnessReport",
        "MitigationResult",
        "load_fairness_policy",
        "run_fairness",
        "run_mitigation",
    ]
    from clearance.fairness.mitigate_run import run_mitigation
    from clearance.fairness.run import run_fairness

    assert fairness.run_fairness is run_fairness
    assert fairness.run_mitigation is run_mitigation
    for name in fairness.__all__:
        assert getattr(fairness, name) is not None


def test_importing_the_package_loads_no_estimator_library() -> None:
    code = (
        "import sys, clearance.fairness, clearance.fairness.estimators; "
        "print(sorted(m for m in ('fairlearn', 'clearance.fairness.tradeoff') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
