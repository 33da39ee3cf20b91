"""clearance's own estimator classes that may be saved in a model file, and the list skops
must trust for them.

``clearance fairness mitigate --save-model`` writes a skops file holding some of these classes;
``clearance fairness --model`` must load it like any scikit-learn model, without
``--trust-type``. Each class here only stores fitted scikit-learn objects and plain values and
runs clearance's own code, so trusting it runs nothing the file's author chose. ``OWN_TYPES`` is
the one list of them (``loading`` trusts it; a test checks every name resolves to a class).

This module imports scikit-learn only (no Fairlearn), so the loader can use it cheaply.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin  # type: ignore[import-untyped]

__all__ = ["OWN_TYPES", "LabelledClassifier"]

OWN_TYPES: tuple[str, ...] = (
    "clearance.fairness.estimators.LabelledClassifier",
    "clearance.fairness.mitigation.GroupThresholdClassifier",
    "clearance.fairness.mitigation.WeightedVoteClassifier",
)


class LabelledClassifier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """A fitted 0/1 classifier (1 = favourable) that answers in the data's own labels.

    Mitigation trains on 0/1 labels; the data may code its label otherwise (German credit:
    1 = good, 2 = bad; or ``"good"`` / ``"bad"``). ``classes`` is ``[unfavourable,
    favourable]`` in the data's coding: ``predict`` maps 0/1 back to them and ``classes_``
    orders the ``predict_proba`` columns the same way, so a model saved by mitigation is audited
    with the same ``favourable`` as the data. Keyword arguments of ``predict`` (e.g.
    ``sensitive_features``) pass through to the wrapped classifier.
    """

    def __init__(self, estimator: Any = None, classes: list[Any] | None = None) -> None:
        self.estimator = estimator
        self.classes = classes

    def fit(self, X: Any = None, y: Any = None) -> LabelledClassifier:
        """The estimator comes fitted; this only validates the labels."""
        if self.estimator is None or self.classes is None or len(self.classes) != 2:
            raise ValueError("a fitted estimator and two classes [unfavourable, favourable]")
        if str(self.classes[0]) == str(self.classes[1]):
            raise ValueError("the two classes must differ")
        self.classes_ = np.asarray(self.classes)
        names = getattr(self.estimator, "feature_names_in_", None)
        if names is not None:  # so a loader selects the columns the model was fit on
            self.feature_names_in_ = np.asarray(names, dtype=object)
        return self

    def predict(self, X: Any, **kwargs: Any) -> np.ndarray:
        decisions = np.asarray(self.estimator.predict(X, **kwargs)).astype(int)
        out: np.ndarray = np.asarray(self.classes_)[decisions]
        return out

    def predict_proba(self, X: Any, **kwargs: Any) -> np.ndarray:
        return np.asarray(self.estimator.predict_proba(X, **kwargs), dtype=np.float64)
