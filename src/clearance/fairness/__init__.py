"""Fairness audit of a credit-scoring model: exact group metrics, disparities with confidence
intervals and corrected tests, proxies, mitigation and adverse-action reasons.

The library entry points, one per command: ``run_fairness`` (``clearance fairness``) and
``run_mitigation`` (``clearance fairness mitigate``), both taking the data file and a
``FairnessPolicy`` (``load_fairness_policy``) and returning the report model. Names load on first
use (PEP 562), so importing a submodule does not pull in scikit-learn or Fairlearn.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clearance.fairness.mitigate_run import run_mitigation
    from clearance.fairness.policy import FairnessPolicy, load_fairness_policy
    from clearance.fairness.report import FairnessReport
    from clearance.fairness.run import run_fairness
    from clearance.fairness.tradeoff import MitigationResult

_EXPORTS: dict[str, str] = {
    "FairnessPolicy": "clearance.fairness.policy",
    "FairnessReport": "clearance.fairness.report",
    "MitigationResult": "clearance.fairness.tradeoff",
    "load_fairness_policy": "clearance.fairness.policy",
    "run_fairness": "clearance.fairness.run",
    "run_mitigation": "clearance.fairness.mitigate_run",
}

__all__ = [
    "FairnessPolicy",
    "FairnessReport",
    "MitigationResult",
    "load_fairness_policy",
    "run_fairness",
    "run_mitigation",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'clearance.fairness' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
