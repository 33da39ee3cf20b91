"""Compare candidate fixes for an unfair credit-scoring model on the same data, and choose one.

``mitigate`` splits the data once (stratified by sensitive group x label), fits every candidate
of ``clearance.fairness.mitigation`` on the training split and measures it on the test split.

Measurement is the fairness audit's own, so ``clearance fairness mitigate`` and ``clearance
fairness`` report the same figures for the same decisions: group selection rates and the
disparities come from ``clearance.fairness.metrics`` (``group_metrics`` and ``disparities``:
between groups of at least ``min_group_size`` test rows, an undefined rate such as the true
positive rate of a group without favourable applicants left out, never read as 0), accuracy from
its rate table, and the bootstrap intervals from ``clearance.fairness.stats.bootstrap_rates``
(rows resampled within each group, as the audit does).

The chosen candidate is always deterministic and never takes the sensitive attribute at decision
time (disparate treatment under ECOA). Saved models (``save_chosen``) use skops; ``load_model``
(and ``clearance fairness``) trust exactly clearance's own classes (``TRUSTED_TYPES``, from
``clearance.fairness.estimators``) on top of skops' defaults.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import skops.io as sio  # type: ignore[import-untyped]
from pydantic import Field, PrivateAttr
from sklearn.metrics import roc_auc_score  # type: ignore[import-untyped]
from sklearn.model_selection import train_test_split  # type: ignore[import-untyped]

from clearance.core.model import FrozenModel
from clearance.fairness.estimators import OWN_TYPES, LabelledClassifier
from clearance.fairness.metrics import disparities, group_metrics, overall_rates
from clearance.fairness.mitigation import (
    METHODS,
    Constraint,
    Fitter,
    Split,
    default_estimator,
)
from clearance.fairness.models import FairnessData
from clearance.fairness.stats import bootstrap_rates, confusion_counts

DISPARITY_METRICS: tuple[str, ...] = (
    "demographic_parity_difference",
    "demographic_parity_ratio",
    "equalized_odds_difference",
    "equal_opportunity_difference",
)
CI_METRICS: tuple[str, ...] = ("accuracy", *DISPARITY_METRICS)
TRUSTED_TYPES: tuple[str, ...] = OWN_TYPES
#: Column name of the groups in the measured data (any name would do: one attribute only).
_GROUP = "group"


class Candidate(FrozenModel):
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
        description="demographic_parity_difference/ratio, equalized_odds_difference, "
        "equal_opportunity_difference on the test split, as the fairness audit computes them"
    )
    ci: dict[str, tuple[float, float]] = Field(
        default_factory=dict, description="bootstrap 95% interval (low, high) per metric"
    )
    notes: list[str] = Field(default_factory=list)


class MitigationResult(FrozenModel):
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


# --- measuring a candidate ------------------------------------------------------------------


class Measured(FrozenModel):
    accuracy: float
    selection_rate: dict[str, float]
    metrics: dict[str, float | None]
    ci: dict[str, tuple[float, float]]


def measure(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    groups: np.ndarray,
    *,
    min_group_size: int = 30,
    n_resamples: int = 500,
    seed: int = 0,
) -> Measured:
    """Accuracy, each group's selection rate and the ``DISPARITY_METRICS``, with bootstrap
    intervals, exactly as the fairness audit measures the same decisions (one attribute, no
    intersections): the audit of these rows with ``bootstrap=n_resamples`` and ``seed`` gives
    the same figures and intervals."""
    data = FairnessData(
        y_true=y_true, y_pred=y_pred, sensitive=pl.DataFrame({_GROUP: np.asarray(groups)})
    )
    by_group = group_metrics(data, [_GROUP], intersections=False, min_group_size=min_group_size)
    (disparity,) = disparities(by_group)
    accuracy = overall_rates(y_true, y_pred)["accuracy"]
    assert accuracy is not None  # the test split is never empty
    counts = confusion_counts(y_true, y_pred, np.asarray(groups).astype(str))
    usable = {g: c for g, c in counts.items() if g not in disparity.insufficient_groups}
    intervals = dict(
        bootstrap_rates(usable, n_resamples=n_resamples, seed=seed, stratify="group").disparity
        if usable
        else {}
    )
    # The whole test split as one group: the interval of the overall accuracy.
    (everyone,) = confusion_counts(y_true, y_pred, np.zeros(len(y_true), dtype=np.int64)).values()
    overall = bootstrap_rates({"all": everyone}, n_resamples=n_resamples, seed=seed)
    intervals["accuracy"] = overall.group["all"]["accuracy"]
    return Measured(
        accuracy=accuracy,
        selection_rate={
            g.group: g.selection_rate for g in by_group if g.selection_rate is not None
        },
        metrics={m: disparity.metrics[m] for m in DISPARITY_METRICS},
        ci={m: (intervals[m].low, intervals[m].high) for m in CI_METRICS if m in intervals},
    )


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
    elif all(c.metrics.get("demographic_parity_ratio") is None for c in pool):
        best = max(pool, key=lambda c: c.accuracy)
        notes.append(
            "No candidate's demographic_parity_ratio could be measured (too few rows per group "
            f"in the test split); chose {best.name}, the most accurate, without a fairness "
            "comparison."
        )
    else:
        best = max(pool, key=ratio)
        notes.append(
            f"No eligible deterministic candidate reaches demographic_parity_ratio >= {min_ratio}; "
            f"chose {best.name}, the one with the best ratio ({ratio(best):.3f})."
        )
    return best.name, notes


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
    min_group_size: int = 30,
    n_resamples: int = 500,
    progress: Callable[[str], None] | None = None,
) -> MitigationResult:
    """Fit each candidate on a stratified training split and compare them on the test split
    (``measure``; the candidate at position i of ``methods`` bootstraps with ``seed + i``).
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
    split = Split(
        X_train=Xp.iloc[train].reset_index(drop=True),
        X_test=Xp.iloc[test].reset_index(drop=True),
        y_train=y[train],
        y_test=y[test],
        g_train=groups[train],
        g_test=groups[test],
    )
    base = default_estimator(X) if base_estimator is None else base_estimator
    fitter = Fitter(
        base, split, constraint=constraint, seed=seed, allow_randomized=allow_randomized
    )

    models: dict[str, Any] = {}
    predictions: dict[str, np.ndarray] = {}
    candidates: list[Candidate] = []
    skipped: list[str] = []
    for i, name in enumerate(methods):
        if progress is not None:
            progress(name)
        fitted = fitter.fit(name)
        if isinstance(fitted, str):
            skipped.append(fitted)
            continue
        pred = fitted.predictions
        measured = measure(
            split.y_test,
            pred,
            split.g_test,
            min_group_size=min_group_size,
            n_resamples=n_resamples,
            seed=seed + i,
        )
        roc_auc = None
        if fitted.scores is not None and len(np.unique(split.y_test)) == 2:
            roc_auc = float(roc_auc_score(split.y_test, fitted.scores))
        candidates.append(
            Candidate(
                name=name,
                deterministic=fitted.deterministic,
                needs_sensitive=fitted.needs_sensitive,
                accuracy=measured.accuracy,
                roc_auc=roc_auc,
                selection_rate=measured.selection_rate,
                metrics=measured.metrics,
                ci=measured.ci,
                notes=fitted.notes,
            )
        )
        models[name] = fitted.model
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
