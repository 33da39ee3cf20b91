"""Train and compare candidate fixes for an unfair credit-scoring model on the same data.

``mitigate`` splits the data once (stratified by sensitive group x label), fits every candidate
on the training split and measures it on the test split:

* ``baseline``: the base estimator as is;
* ``reweighing``: Kamiran & Calders pre-processing, sample weights ``P(g)P(y)/P(g, y)``;
* ``exponentiated-gradient``: Fairlearn's reductions approach (a randomized mixture);
* ``threshold-optimizer``: Fairlearn's post-processing (randomized between two thresholds);
* ``group-thresholds``: one deterministic score threshold per group, chosen on the training split.

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
The chosen candidate is always deterministic.

Metrics on the test split use ``fairlearn.metrics``. Their bootstrap confidence intervals use the
same definitions computed from per-(group, label) counts: every metric here (accuracy, selection,
true and false positive rates per group) depends on the resampled rows only through the number of
favourable predictions in each (group, label) stratum, and resampling the n_k rows of stratum k
with replacement gives that number a Binomial(n_k, favourable share of stratum k) distribution, so
drawing the binomials is exactly the stratified row bootstrap, without materialising the rows.

Saved models (``save_chosen``) use skops. The post-processing and derandomized candidates are
small sklearn-compatible classes of this module; ``load_model`` (and ``clearance fairness``) trust
exactly clearance's own classes (``TRUSTED_TYPES``, from ``clearance.fairness.estimators``) on top
of skops' defaults. The candidates that take the sensitive attribute at decision time are never
chosen (disparate treatment under ECOA). The post-processing classes take the sensitive
attribute at prediction time: ``model.predict(X, sensitive_features=groups)``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import polars as pl
import skops.io as sio  # type: ignore[import-untyped]
from fairlearn.metrics import (  # type: ignore[import-untyped]
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    equal_opportunity_difference,
    equalized_odds_difference,
    selection_rate,
)
from fairlearn.postprocessing import ThresholdOptimizer  # type: ignore[import-untyped]
from fairlearn.reductions import (  # type: ignore[import-untyped]
    DemographicParity,
    EqualizedOdds,
    ExponentiatedGradient,
)
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr
from sklearn.base import BaseEstimator, ClassifierMixin, clone  # type: ignore[import-untyped]
from sklearn.compose import ColumnTransformer  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.metrics import accuracy_score, roc_auc_score  # type: ignore[import-untyped]
from sklearn.model_selection import train_test_split  # type: ignore[import-untyped]
from sklearn.pipeline import Pipeline  # type: ignore[import-untyped]
from sklearn.preprocessing import OneHotEncoder, StandardScaler  # type: ignore[import-untyped]

from clearance.fairness.estimators import OWN_TYPES, LabelledClassifier

Constraint = Literal["demographic_parity", "equalized_odds"]
Rule = tuple[float, str, float]

METHODS: tuple[str, ...] = (
    "baseline",
    "reweighing",
    "exponentiated-gradient",
    "threshold-optimizer",
    "group-thresholds",
)
DISPARITY_METRICS: tuple[str, ...] = (
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equal_opportunity_difference",
)
CI_METRICS: tuple[str, ...] = ("accuracy", *DISPARITY_METRICS)
TRUSTED_TYPES: tuple[str, ...] = OWN_TYPES

_DISPARATE_TREATMENT = (
    "Uses the sensitive attribute at decision time: in the US this is disparate treatment "
    "under ECOA / Regulation B (and direct discrimination under EU law) - legal review before use."
)
_TRAINING_ONLY = (
    "Uses the sensitive attribute at training time only; decisions do not take it as an input."
)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Candidate(_Model):
    name: str
    deterministic: bool = Field(description="same applicant, same decision, always")
    needs_sensitive: bool = Field(
        default=False, description="the decision takes the sensitive attribute as an input"
    )
    accuracy: float
    roc_auc: float | None = Field(
        default=None, description="of the score the candidate thresholds; None for post-processing"
    )
    selection_rate: dict[str, float] = Field(description="favourable-decision rate per group")
    metrics: dict[str, float | None] = Field(
        description="fairlearn demographic_parity_difference/ratio, equalized_odds_difference, "
        "equal_opportunity_difference on the test split"
    )
    ci: dict[str, tuple[float, float]] = Field(
        default_factory=dict, description="bootstrap 95% interval (low, high) per metric"
    )
    notes: list[str] = Field(default_factory=list)


class MitigationResult(_Model):
    candidates: list[Candidate]
    chosen: str
    constraint: Constraint
    min_ratio: float
    allow_randomized: bool
    seed: int
    test_size: float
    n_resamples: int
    n_train: int
    n_test: int
    test_index: list[int] = Field(description="row positions of the test split in the input")
    notes: list[str] = Field(default_factory=list)

    _models: dict[str, Any] = PrivateAttr(default_factory=dict)
    _predictions: dict[str, np.ndarray] = PrivateAttr(default_factory=dict)

    def candidate(self, name: str) -> Candidate:
        for c in self.candidates:
            if c.name == name:
                return c
        raise KeyError(name)


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


# --- metrics ----------------------------------------------------------------------------------------


def _none_if_nan(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else float(x)


def fairness_metrics(y_true: np.ndarray, y_pred: np.ndarray, groups: np.ndarray) -> dict[str, Any]:
    """Accuracy, selection rate per group and the four disparities, with fairlearn.metrics."""
    kw = {"sensitive_features": groups}
    with warnings.catch_warnings():  # 0/0 rates in degenerate groups become nan -> None
        warnings.simplefilter("ignore", RuntimeWarning)
        by_group = MetricFrame(
            metrics=selection_rate, y_true=y_true, y_pred=y_pred, **kw
        ).by_group
        metrics = {
            "demographic_parity_difference": demographic_parity_difference(y_true, y_pred, **kw),
            "demographic_parity_ratio": demographic_parity_ratio(y_true, y_pred, **kw),
            "equalized_odds_difference": equalized_odds_difference(y_true, y_pred, **kw),
            "equal_opportunity_difference": equal_opportunity_difference(y_true, y_pred, **kw),
        }
    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "selection_rate": {str(k): float(v) for k, v in by_group.items()},
        "metrics": {k: _none_if_nan(float(v)) for k, v in metrics.items()},
    }


def _metrics_from_counts(
    fav: np.ndarray, n: np.ndarray, labels: np.ndarray, group_of: np.ndarray
) -> dict[str, np.ndarray]:
    """Metrics from favourable-prediction counts per (group, label) stratum.

    ``fav`` is (B, K) (B resamples, K strata), ``n`` the K stratum sizes, ``labels`` and
    ``group_of`` the stratum's label and group index. Same definitions as fairlearn.metrics
    (between-group max - min; ratio min / max; equalized odds = max of the TPR and FPR gaps).
    """
    correct = np.where(labels == 1, fav, n - fav).sum(axis=1)
    out = {"accuracy": correct / n.sum()}
    n_groups = int(group_of.max()) + 1
    sel, tpr, fpr = [], [], []
    with np.errstate(invalid="ignore", divide="ignore"):
        for g in range(n_groups):
            pos = (group_of == g) & (labels == 1)
            neg = (group_of == g) & (labels == 0)
            n_pos, n_neg = n[pos].sum(), n[neg].sum()
            f_pos, f_neg = fav[:, pos].sum(axis=1), fav[:, neg].sum(axis=1)
            sel.append((f_pos + f_neg) / (n_pos + n_neg))
            tpr.append(f_pos / n_pos if n_pos else np.full(len(fav), np.nan))
            fpr.append(f_neg / n_neg if n_neg else np.full(len(fav), np.nan))
        s, tp, fp = np.array(sel), np.array(tpr), np.array(fpr)
        out["demographic_parity_difference"] = s.max(axis=0) - s.min(axis=0)
        out["demographic_parity_ratio"] = s.min(axis=0) / s.max(axis=0)
        tpr_gap = tp.max(axis=0) - tp.min(axis=0)
        fpr_gap = fp.max(axis=0) - fp.min(axis=0)
        out["equalized_odds_difference"] = np.maximum(tpr_gap, fpr_gap)
        out["equal_opportunity_difference"] = tpr_gap
    return out


def _strata(
    y_true: np.ndarray, y_pred: np.ndarray, groups: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    names = sorted(set(groups.tolist()))
    fav, n, labels, group_of = [], [], [], []
    for gi, g in enumerate(names):
        for label in (0, 1):
            m = (groups == g) & (y_true == label)
            if m.any():
                fav.append(int(y_pred[m].sum()))
                n.append(int(m.sum()))
                labels.append(label)
                group_of.append(gi)
    return np.array(fav), np.array(n), np.array(labels), np.array(group_of)


def bootstrap_ci(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    groups: np.ndarray,
    *,
    n_resamples: int = 500,
    seed: int = 0,
    level: float = 0.95,
) -> dict[str, tuple[float, float]]:
    """Percentile intervals from a bootstrap stratified by group x label (see the module doc:
    binomial draws per stratum are exactly that row bootstrap for these metrics)."""
    fav, n, labels, group_of = _strata(y_true, y_pred, groups)
    rng = np.random.default_rng(seed)
    draws = rng.binomial(n, fav / n, size=(n_resamples, len(n)))
    stats = _metrics_from_counts(draws, n, labels, group_of)
    q = (100 * (1 - level) / 2, 100 * (1 + level) / 2)
    out: dict[str, tuple[float, float]] = {}
    for name in CI_METRICS:
        v = stats[name][np.isfinite(stats[name])]
        if len(v):
            low, high = np.percentile(v, q)
            out[name] = (float(low), float(high))
    return out


# --- the comparison ----------------------------------------------------------------------------


def choose(candidates: Sequence[Candidate], min_ratio: float = 0.8) -> tuple[str, list[str]]:
    """Among deterministic candidates with demographic_parity_ratio >= min_ratio, the most
    accurate (ties: the earlier); if none qualifies, the deterministic one with the best ratio.

    A candidate that takes the sensitive attribute at decision time (``needs_sensitive``) is
    never chosen: in credit that is disparate treatment under ECOA / Regulation B. It stays in
    the comparison, flagged. Raises ValueError when every candidate needs it."""
    eligible = [c for c in candidates if not c.needs_sensitive]
    notes: list[str] = []
    excluded = [c.name for c in candidates if c.needs_sensitive]
    if excluded:
        notes.append(
            f"Not eligible: {', '.join(excluded)} (the decision takes the sensitive attribute: "
            "disparate treatment under ECOA / Regulation B); listed for comparison only."
        )
    if not eligible:
        raise ValueError(
            "no candidate decides without the sensitive attribute; include baseline, "
            "reweighing or exponentiated-gradient"
        )
    pool = [c for c in eligible if c.deterministic]
    if not pool:
        pool = eligible
        notes.append("No deterministic candidate: chose among randomized ones.")

    def ratio(c: Candidate) -> float:
        r = c.metrics.get("demographic_parity_ratio")
        return -1.0 if r is None else r

    ok = [c for c in pool if ratio(c) >= min_ratio]
    if ok:
        best = max(ok, key=lambda c: c.accuracy)  # max keeps the first of equals
        notes.append(
            f"Chose {best.name}: the most accurate eligible deterministic candidate with "
            f"demographic_parity_ratio >= {min_ratio}."
        )
    else:
        best = max(pool, key=ratio)
        notes.append(
            f"No eligible deterministic candidate reaches demographic_parity_ratio >= {min_ratio}; "
            f"chose {best.name}, the one with the best ratio ({ratio(best):.3f})."
        )
    return best.name, notes


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


def mitigate(
    X: pl.DataFrame,
    y: np.ndarray,
    sensitive: pl.Series,
    *,
    base_estimator: Any = None,
    methods: Sequence[str] = METHODS,
    constraint: Constraint = "demographic_parity",
    test_size: float = 0.3,
    seed: int = 0,
    allow_randomized: bool = False,
    min_ratio: float = 0.8,
    n_resamples: int = 500,
    progress: Callable[[str], None] | None = None,
) -> MitigationResult:
    """Fit each candidate on a stratified training split and compare them on the test split.
    ``progress`` is called with each method's name as its fit starts."""
    unknown = [m for m in methods if m not in METHODS]
    if unknown or not methods:
        raise ValueError(f"unknown methods {unknown}; choose from {list(METHODS)}")
    if constraint not in ("demographic_parity", "equalized_odds"):
        raise ValueError(f"unknown constraint {constraint!r}")
    y = np.asarray(y).astype(int)
    if not set(np.unique(y).tolist()) <= {0, 1}:
        raise ValueError("y must be 0/1 (1 = favourable)")
    if len(y) != X.height or sensitive.len() != X.height:
        raise ValueError("X, y and sensitive must have the same length")
    if sensitive.null_count():
        raise ValueError("sensitive has missing values: map them to a group such as '(missing)'")
    groups = sensitive.cast(pl.String).to_numpy().astype(str)
    strata = np.char.add(np.char.add(groups, "|"), y.astype(str))
    _, counts = np.unique(strata, return_counts=True)
    if counts.min() < 2:
        raise ValueError("every (group, label) cell needs at least 2 rows to stratify the split")

    index = np.arange(len(y))
    train, test = train_test_split(index, test_size=test_size, random_state=seed, stratify=strata)
    test = np.sort(test)
    train = np.sort(train)
    Xp = X.to_pandas()
    X_tr, X_te = Xp.iloc[train].reset_index(drop=True), Xp.iloc[test].reset_index(drop=True)
    y_tr, y_te, g_tr, g_te = y[train], y[test], groups[train], groups[test]

    base = default_estimator(X) if base_estimator is None else base_estimator
    weight_param = _weight_param(base)
    score_method = _score_method(base)
    fairlearn_constraint = constraint

    models: dict[str, Any] = {}
    predictions: dict[str, np.ndarray] = {}
    candidates: list[Candidate] = []
    baseline: Any = None

    def fitted_baseline() -> Any:
        nonlocal baseline
        if baseline is None:
            baseline = clone(base).fit(X_tr, y_tr)
        return baseline

    skipped: list[str] = []
    for i, name in enumerate(methods):
        if progress is not None:
            progress(name)
        notes: list[str] = []
        deterministic, needs_sensitive = True, False
        scores: np.ndarray | None = None
        if name == "baseline":
            model = fitted_baseline()
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
                skipped.append(
                    f"{name} skipped: the base estimator has no predict_proba/decision_function."
                )
                continue
            fitted = fitted_baseline()
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
        else:  # pragma: no cover - validated above
            raise AssertionError(name)

        measured = fairness_metrics(y_te, pred, g_te)
        roc_auc = None
        if scores is not None and len(np.unique(y_te)) == 2:
            roc_auc = float(roc_auc_score(y_te, scores))
        ci = bootstrap_ci(y_te, pred, g_te, n_resamples=n_resamples, seed=seed + i)
        candidates.append(
            Candidate(
                name=name,
                deterministic=deterministic,
                needs_sensitive=needs_sensitive,
                accuracy=measured["accuracy"],
                roc_auc=roc_auc,
                selection_rate=measured["selection_rate"],
                metrics=measured["metrics"],
                ci=ci,
                notes=notes,
            )
        )
        models[name] = model
        predictions[name] = pred

    chosen, notes = choose(candidates, min_ratio)
    notes = skipped + notes
    if allow_randomized:
        notes.append(
            "allow_randomized=True: randomized candidates are reported for comparison but never "
            "chosen."
        )
    result = MitigationResult(
        candidates=candidates,
        chosen=chosen,
        constraint=constraint,
        min_ratio=min_ratio,
        allow_randomized=allow_randomized,
        seed=seed,
        test_size=test_size,
        n_resamples=n_resamples,
        n_train=len(train),
        n_test=len(test),
        test_index=test.tolist(),
        notes=notes,
    )
    result._models = models
    result._predictions = predictions
    return result


def fitted_model(result: MitigationResult, name: str | None = None) -> Any:
    """The fitted model of a candidate (default: the chosen one); only on a fresh result."""
    name = result.chosen if name is None else name
    if name not in result._models:
        raise ValueError(f"no fitted model for {name!r} (results read back from JSON have none)")
    return result._models[name]


def candidate_predictions(result: MitigationResult, name: str | None = None) -> np.ndarray:
    """The candidate's 0/1 decisions on the test rows (``result.test_index``, in that order)."""
    name = result.chosen if name is None else name
    if name not in result._predictions:
        raise ValueError(f"no predictions for {name!r} (results read back from JSON have none)")
    return result._predictions[name]


def save_chosen(
    result: MitigationResult, path: str | Path, *, classes: Sequence[Any] | None = None
) -> Path:
    """Save the chosen fitted model with skops; read it back with ``load_model`` or audit it
    with ``clearance fairness --model``. ``classes`` is ``[unfavourable, favourable]`` in the
    data's own label coding: the saved model then predicts those labels (a
    ``LabelledClassifier``) instead of 0/1, so it is audited with the data's ``favourable``."""
    path = Path(path)
    model = fitted_model(result)
    if classes is not None:
        model = LabelledClassifier(estimator=model, classes=list(classes)).fit()
    sio.dump(model, path)
    return path


def load_model(path: str | Path, trusted: Sequence[str] = ()) -> Any:
    """Load a saved model, trusting skops' defaults, this module's classes and ``trusted``;
    any other type in the file is refused by skops."""
    return sio.load(Path(path), trusted=[*TRUSTED_TYPES, *trusted])


def tradeoff_table(result: MitigationResult) -> list[dict[str, Any]]:
    """One flat row per candidate (accuracy vs disparity, with intervals) for a table or chart."""
    rows: list[dict[str, Any]] = []
    for c in result.candidates:
        row: dict[str, Any] = {
            "name": c.name,
            "chosen": c.name == result.chosen,
            "deterministic": c.deterministic,
            "needs_sensitive": c.needs_sensitive,
            "accuracy": c.accuracy,
            "roc_auc": c.roc_auc,
            **c.metrics,
        }
        for metric, (low, high) in c.ci.items():
            row[f"{metric}_low"], row[f"{metric}_high"] = low, high
        for g, rate in c.selection_rate.items():
            row[f"selection_rate[{g}]"] = rate
        rows.append(row)
    return rows
