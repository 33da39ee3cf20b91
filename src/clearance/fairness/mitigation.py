"""Candidate fixes for an unfair credit-scoring model: how each one is fitted.

``Fitter.fit`` fits one candidate on the training split and decides the test split:

* ``baseline``: the base estimator as is;
* ``reweighing``: Kamiran & Calders pre-processing, sample weights ``P(g)P(y)/P(g, y)``;
* ``exponentiated-gradient``: Fairlearn's reductions approach (a randomized mixture);
* ``threshold-optimizer``: Fairlearn's post-processing (randomized between two thresholds);
* ``group-thresholds``: one deterministic score threshold per group, chosen on the training split.

How they are measured and compared, and which is chosen, is ``clearance.fairness.tradeoff``.

Determinism. Regulators distrust randomized credit decisions (two identical applicants may get
different answers), so by default every candidate is deterministic. The two Fairlearn methods
produce randomized classifiers; by default they are *derandomized* by taking the randomized
classifier's most likely outcome: favourable iff its probability of a favourable prediction is
> 0.5, ties unfavourable (for the exponentiated-gradient mixture: the weighted majority vote of its classifiers; for
the threshold optimizer: each group keeps the more probable of its two interpolated thresholds).
Fairlearn's fairness guarantees hold for the randomized classifiers only, so the derandomized
variants are judged on their measured test disparities like any other candidate. With
``allow_randomized=True`` the two methods keep their randomized predictions, drawn with a fixed
seed (the same rows in the same order give the same draws, exactly as Fairlearn's ``predict`` with
``random_state=seed``); those candidates are marked ``deterministic=False`` and their notes say so.

Saved models. The post-processing and derandomized candidates are the small sklearn-compatible
classes of this module, saved with skops under this module's name (``OWN_TYPES`` in
``clearance.fairness.estimators``): moving them would break the model files users already saved.
The post-processing classes take the sensitive attribute at prediction time:
``model.predict(X, sensitive_features=groups)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl
from fairlearn.postprocessing import ThresholdOptimizer  # type: ignore[import-untyped]
from fairlearn.reductions import (  # type: ignore[import-untyped]
    DemographicParity,
    EqualizedOdds,
    ExponentiatedGradient,
)
from sklearn.base import BaseEstimator, ClassifierMixin, clone  # type: ignore[import-untyped]
from sklearn.compose import ColumnTransformer  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.pipeline import Pipeline  # type: ignore[import-untyped]
from sklearn.preprocessing import OneHotEncoder, StandardScaler  # type: ignore[import-untyped]

Constraint = Literal["demographic_parity", "equalized_odds"]
Rule = tuple[float, str, float]

METHODS: tuple[str, ...] = (
    "baseline",
    "reweighing",
    "exponentiated-gradient",
    "threshold-optimizer",
    "group-thresholds",
)

_DISPARATE_TREATMENT = (
    "Uses the sensitive attribute at decision time: in the US this is disparate treatment "
    "under ECOA / Regulation B (and direct discrimination under EU law) - legal review before use."
)
_TRAINING_ONLY = (
    "Uses the sensitive attribute at training time only; decisions do not take it as an input."
)


# --- sklearn-compatible wrappers (saved with skops) ----------------------------------------------

def _scores(estimator: Any, X: Any, method: str = "predict_proba") -> np.ndarray:
    if method == "predict_proba":
        return np.asarray(estimator.predict_proba(X), dtype=float)[:, 1]
    return np.asarray(getattr(estimator, method)(X), dtype=float)


def _draw(p: np.ndarray, randomized: bool, random_state: int) -> np.ndarray:
    """Randomized: favourable with probability p (Fairlearn's rule, same draws for the same
    seed); deterministic: the most likely outcome, favourable iff p > 0.5."""
    if randomized:
        u = np.random.RandomState(random_state).rand(len(p))
        return (p >= u).astype(int)
    return (p > 0.5).astype(int)


class WeightedVoteClassifier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """A weighted mixture of fitted 0/1 classifiers (what ExponentiatedGradient returns).

    ``predict_proba`` is the weighted share of classifiers predicting favourable (the mixture's
    probability of a favourable prediction). ``predict``: the majority vote (> 0.5) unless
    ``randomized``, then a seeded draw identical to Fairlearn's ``predict(random_state=...)``.
    """

    def __init__(
        self,
        predictors: list[Any] | None = None,
        weights: list[float] | None = None,
        randomized: bool = False,
        random_state: int = 0,
    ) -> None:
        self.predictors = predictors
        self.weights = weights
        self.randomized = randomized
        self.random_state = random_state

    def fit(self, X: Any = None, y: Any = None) -> WeightedVoteClassifier:
        """The predictors come fitted; this only validates them."""
        if not self.predictors or self.weights is None or len(self.weights) != len(
            self.predictors
        ):
            raise ValueError("predictors and weights must be non-empty and of the same length")
        self.classes_ = np.array([0, 1])
        names = getattr(self.predictors[0], "feature_names_in_", None)
        if names is not None:  # the columns the mixture reads, for loaders and audits
            self.feature_names_in_ = np.asarray(names, dtype=object)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        assert self.predictors is not None and self.weights is not None
        p = np.zeros(len(X))
        for h, w in zip(self.predictors, self.weights, strict=True):
            if w > 0:
                p += w * np.asarray(h.predict(X), dtype=float)
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Any) -> np.ndarray:
        return _draw(self.predict_proba(X)[:, 1], self.randomized, self.random_state)


class GroupThresholdClassifier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """A fitted scorer plus per-group threshold rules; needs the sensitive attribute to predict.

    ``rules[group]`` is a list of ``(weight, operator, threshold)`` with operator ``">"``, ``">="``,
    ``"<"`` (score against threshold) or ``"const"`` (the threshold is the constant outcome); the
    weights of a group sum to 1 and give the probability of a favourable prediction. One rule of
    weight 1 is a plain threshold; Fairlearn's ThresholdOptimizer interpolates two (plus a
    constant for equalized odds). ``predict``: favourable iff that probability > 0.5, unless
    ``randomized`` (then a seeded draw identical to Fairlearn's). Unknown groups raise.
    """

    def __init__(
        self,
        estimator: Any = None,
        rules: dict[str, list[Rule]] | None = None,
        predict_method: str = "predict_proba",
        randomized: bool = False,
        random_state: int = 0,
    ) -> None:
        self.estimator = estimator
        self.rules = rules
        self.predict_method = predict_method
        self.randomized = randomized
        self.random_state = random_state

    def fit(self, X: Any = None, y: Any = None) -> GroupThresholdClassifier:
        """The estimator comes fitted; this only validates the rules."""
        if self.estimator is None or not self.rules:
            raise ValueError("a fitted estimator and non-empty rules are required")
        for group, rules in self.rules.items():
            if abs(sum(r[0] for r in rules) - 1.0) > 1e-9:
                raise ValueError(f"rule weights of group {group!r} must sum to 1")
            if any(r[1] not in (">", ">=", "<", "const") for r in rules):
                raise ValueError(f"unknown operator in the rules of group {group!r}")
        self.classes_ = np.array([0, 1])
        return self

    def predict_proba(self, X: Any, *, sensitive_features: Any) -> np.ndarray:
        assert self.rules is not None
        groups = np.asarray(sensitive_features).astype(str)
        if len(groups) != len(X):
            raise ValueError("X and sensitive_features must have the same length")
        unknown = sorted(set(groups.tolist()) - set(self.rules))
        if unknown:
            raise ValueError(f"groups without thresholds: {unknown}")
        s = _scores(self.estimator, X, self.predict_method)
        p = np.zeros(len(s))
        for group, rules in self.rules.items():
            m = groups == group
            for weight, op, t in rules:
                if op == "const":
                    hit = np.full(int(m.sum()), t)
                elif op == ">":
                    hit = s[m] > t
                elif op == ">=":
                    hit = s[m] >= t
                else:
                    hit = s[m] < t
                p[m] += weight * hit
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Any, *, sensitive_features: Any) -> np.ndarray:
        p = self.predict_proba(X, sensitive_features=sensitive_features)[:, 1]
        return _draw(p, self.randomized, self.random_state)


# --- building blocks ------------------------------------------------------------------------------


def reweighing_weights(groups: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Kamiran & Calders (2012): w(g, y) = P(g) P(y) / P(g, y), empirical probabilities.

    Under these weights the label is independent of the group: the weighted favourable rate is
    P(y = 1) in every group, and the total weight equals the number of rows.
    """
    groups = np.asarray(groups).astype(str)
    y = np.asarray(y).astype(int)
    n = len(y)
    w = np.empty(n, dtype=float)
    for g in np.unique(groups):
        in_g = groups == g
        for label in np.unique(y):
            cell = in_g & (y == label)
            n_cell = int(cell.sum())
            if n_cell:
                w[cell] = (in_g.sum() / n) * ((y == label).sum() / n) / (n_cell / n)
    return w


def default_estimator(X: pl.DataFrame) -> Any:
    """What a bank would fit: one-hot string columns, standardised numeric ones, logistic
    regression. Columns are named explicitly (no selectors), so skops can load it untrusted-free.
    """
    categorical = [
        c for c, t in X.schema.items() if t in (pl.String, pl.Categorical, pl.Boolean)
        or isinstance(t, pl.Enum)
    ]
    numeric = [c for c, t in X.schema.items() if t.is_numeric()]
    other = sorted(set(X.columns) - set(categorical) - set(numeric))
    if other:
        raise ValueError(f"default estimator: unsupported column types for {other}")
    steps = []
    if categorical:
        steps.append(("categorical", OneHotEncoder(handle_unknown="ignore"), categorical))
    if numeric:
        steps.append(("numeric", StandardScaler(), numeric))
    return Pipeline(
        [("prepare", ColumnTransformer(steps)), ("model", LogisticRegression(max_iter=1000))]
    )


def _weight_param(estimator: Any) -> str:
    if isinstance(estimator, Pipeline):
        return f"{estimator.steps[-1][0]}__sample_weight"
    return "sample_weight"


def _score_method(estimator: Any) -> str | None:
    for method in ("predict_proba", "decision_function"):
        if hasattr(estimator, method):
            return method
    return None


def group_thresholds(
    scores: np.ndarray,
    groups: np.ndarray,
    y: np.ndarray,
    *,
    target: float,
    rate: Literal["selection", "tpr"],
    reference: float = 0.5,
) -> dict[str, float]:
    """Per group, the threshold t (favourable iff score >= t) whose rate on these rows is closest
    to ``target``: the selection rate, or the true positive rate (rows with y = 1 only).

    Every achievable rate is searched (each distinct score of the group, and +inf for none);
    ties go to the threshold nearest ``reference`` (the base model's cut-off).
    """
    out: dict[str, float] = {}
    for g in sorted(set(groups.tolist())):
        m = groups == g
        if rate == "tpr":
            m = m & (y == 1)
        s = np.sort(scores[m])
        if len(s) == 0:
            out[g] = reference
            continue
        cuts = np.r_[np.unique(s), np.inf]
        rates = (len(s) - np.searchsorted(s, cuts, side="left")) / len(s)
        gap = np.abs(rates - target)
        best = np.flatnonzero(gap <= gap.min() + 1e-12)
        pick = best[np.argmin(np.abs(cuts[best] - reference))]
        out[g] = float(cuts[pick])
    return out


def _describe_rules(rules: dict[str, list[Rule]]) -> str:
    parts = []
    for g, rs in rules.items():
        text = " + ".join(
            f"{w:.3f} x ({f'constant {t:.3f}' if op == 'const' else f'score {op} {t:.4f}'})"
            for w, op, t in rs
            if w > 0
        )
        parts.append(f"{g}: {text}")
    return "; ".join(parts)


def _threshold_optimizer_rules(fitted: Any) -> dict[str, list[Rule]]:
    rules: dict[str, list[Rule]] = {}
    for g, it in fitted.interpolated_thresholder_.interpolation_dict.items():
        keep = 1.0 - float(it.get("p_ignore", 0.0))
        rs: list[Rule] = [
            (keep * float(it.p0), it.operation0.operator, float(it.operation0.threshold)),
            (keep * float(it.p1), it.operation1.operator, float(it.operation1.threshold)),
        ]
        if "p_ignore" in it:
            rs.append((float(it.p_ignore), "const", float(it.prediction_constant)))
        rules[str(g)] = rs
    return rules


# --- fitting the candidates ---------------------------------------------------------------------


@dataclass(frozen=True)
class Split:
    """The training and test rows of one stratified split (features as pandas, for
    scikit-learn and Fairlearn), with their 0/1 labels and groups."""

    X_train: Any
    X_test: Any
    y_train: np.ndarray
    y_test: np.ndarray
    g_train: np.ndarray
    g_test: np.ndarray


@dataclass(frozen=True)
class Fitted:
    """One fitted candidate: its model, its 0/1 decisions and scores on the test rows."""

    model: Any
    predictions: np.ndarray
    scores: np.ndarray | None
    notes: list[str]
    deterministic: bool
    needs_sensitive: bool


class Fitter:
    """Fits the candidates of one split from one base estimator (the baseline fit is shared by
    the methods that post-process it)."""

    def __init__(
        self,
        base: Any,
        split: Split,
        *,
        constraint: Constraint = "demographic_parity",
        seed: int = 0,
        allow_randomized: bool = False,
    ) -> None:
        self.base = base
        self.split = split
        self.constraint = constraint
        self.seed = seed
        self.allow_randomized = allow_randomized
        self.weight_param = _weight_param(base)
        self.score_method = _score_method(base)
        self._baseline: Any = None

    def baseline(self) -> Any:
        if self._baseline is None:
            self._baseline = clone(self.base).fit(self.split.X_train, self.split.y_train)
        return self._baseline

    def fit(self, name: str) -> Fitted | str:
        """The fitted candidate, or why it was skipped."""
        s = self.split
        X_tr, X_te, y_tr, g_tr, g_te = s.X_train, s.X_test, s.y_train, s.g_train, s.g_test
        base, weight_param, score_method = self.base, self.weight_param, self.score_method
        constraint, seed, allow_randomized = self.constraint, self.seed, self.allow_randomized
        fairlearn_constraint = constraint
        notes: list[str] = []
        deterministic, needs_sensitive = True, False
        scores: np.ndarray | None = None
        if name == "baseline":
            model = self.baseline()
            pred = np.asarray(model.predict(X_te)).astype(int)
            scores = _scores(model, X_te, score_method) if score_method else None
            notes.append("Base estimator without mitigation.")
        elif name == "reweighing":
            w = reweighing_weights(g_tr, y_tr)
            model = clone(base).fit(X_tr, y_tr, **{weight_param: w})
            pred = np.asarray(model.predict(X_te)).astype(int)
            scores = _scores(model, X_te, score_method) if score_method else None
            notes += [
                "Kamiran & Calders reweighing: sample weights P(g)P(y)/P(g, y) from the training "
                f"split (passed as {weight_param}).",
                _TRAINING_ONLY,
            ]
        elif name == "exponentiated-gradient":
            moment = DemographicParity() if constraint == "demographic_parity" else EqualizedOdds()
            eg = ExponentiatedGradient(
                clone(base), constraints=moment, sample_weight_name=weight_param
            ).fit(X_tr, y_tr, sensitive_features=g_tr)
            keep = [j for j, wt in enumerate(eg.weights_.tolist()) if wt > 0]
            weights = [float(eg.weights_.iloc[j]) for j in keep]
            model = WeightedVoteClassifier(
                predictors=[eg.predictors_.iloc[j] for j in keep],
                weights=weights,
                randomized=allow_randomized,
                random_state=seed,
            ).fit()
            scores = model.predict_proba(X_te)[:, 1]
            pred = model.predict(X_te)
            shares = ", ".join(f"{wt:.3f}" for wt in weights)
            mixture = f"a mixture of {len(keep)} classifiers (weights {shares})"
            notes.append(
                f"fairlearn ExponentiatedGradient({type(moment).__name__}, eps={eg.eps}) returned "
                f"{mixture}; roc_auc is of the mixture's probability of a favourable prediction."
            )
            if allow_randomized:
                deterministic = False
                notes.append(
                    "RANDOMIZED classifier (allow_randomized=True): each decision is a random draw "
                    f"from the mixture, fixed by random_state={seed} and the row order only; two "
                    "identical applicants can get different decisions."
                )
            else:
                notes.append(
                    "Derandomized (deterministic): favourable iff the weighted majority of the "
                    "mixture's classifiers predicts favourable (probability > 0.5). Fairlearn's "
                    "fairness guarantee is for the randomized mixture; judge this variant on its "
                    "measured disparities."
                )
                if len(keep) == 1:
                    notes.append("The mixture has one classifier: it is deterministic as is.")
            notes.append(_TRAINING_ONLY)
        elif name in ("threshold-optimizer", "group-thresholds"):
            if score_method is None:
                # Not silently: the candidate is absent from the table, so say why.
                return f"{name} skipped: the base estimator has no predict_proba/decision_function."
            fitted = self.baseline()
            needs_sensitive = True
            reference = 0.5 if score_method == "predict_proba" else 0.0
            if name == "threshold-optimizer":
                to = ThresholdOptimizer(
                    estimator=fitted,
                    constraints=fairlearn_constraint,
                    objective="accuracy_score",
                    prefit=True,
                    predict_method=score_method,
                ).fit(X_tr, y_tr, sensitive_features=g_tr)
                rules = _threshold_optimizer_rules(to)
                notes.append(
                    f"fairlearn ThresholdOptimizer({constraint}, objective=accuracy_score, prefit "
                    f"on the baseline) interpolates at random per group: {_describe_rules(rules)}."
                )
                if allow_randomized:
                    deterministic = False
                    notes.append(
                        "RANDOMIZED classifier (allow_randomized=True): decisions are random draws "
                        f"between the group's thresholds, fixed by random_state={seed} and the row "
                        "order only; two identical applicants can get different decisions."
                    )
                else:
                    notes.append(
                        "Derandomized (deterministic): each group keeps its more probable "
                        "threshold (favourable iff the interpolation's probability of favourable "
                        "> 0.5). Fairlearn's guarantee is for the randomized version; judge this "
                        "variant on its measured disparities."
                    )
            else:
                s_tr = _scores(fitted, X_tr, score_method)
                base_pred = np.asarray(fitted.predict(X_tr)).astype(int)
                if constraint == "demographic_parity":
                    target, rate = float(base_pred.mean()), "selection"
                    what = f"selection rate to the overall training selection rate {target:.3f}"
                else:
                    target, rate = float(base_pred[y_tr == 1].mean()), "tpr"
                    what = f"true positive rate to the overall training TPR {target:.3f}"
                    notes.append(
                        "One threshold per group can match one rate only: this targets equal "
                        "opportunity (TPR); false positive rates are not equalized."
                    )
                cuts = group_thresholds(
                    s_tr, g_tr, y_tr, target=target, rate=rate,  # type: ignore[arg-type]
                    reference=reference,
                )
                rules = {g: [(1.0, ">=", t)] for g, t in cuts.items()}
                notes.append(
                    f"Deterministic group thresholds on the base scores, chosen on the training "
                    f"split to bring each group's {what}: {_describe_rules(rules)}."
                )
            model = GroupThresholdClassifier(
                estimator=fitted,
                rules=rules,
                predict_method=score_method,
                randomized=not deterministic,
                random_state=seed,
            ).fit()
            pred = model.predict(X_te, sensitive_features=g_te)
            notes += [
                "Post-processing keeps the base ranking within each group: roc_auc not reported.",
                _DISPARATE_TREATMENT,
            ]
        else:
            raise ValueError(f"unknown method {name!r}; choose from {list(METHODS)}")
        return Fitted(
            model=model,
            predictions=np.asarray(pred).astype(int),
            scores=scores,
            notes=notes,
            deterministic=deterministic,
            needs_sensitive=needs_sensitive,
        )
