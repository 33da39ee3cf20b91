"""Adverse-action reasons: the principal reasons, in order, why each denied applicant was denied.

ECOA / Regulation B (12 CFR 1002.9(b)(2)) requires a creditor that denies credit to state the
specific principal reasons; the official commentary allows scoring systems to derive them from
the factors that lowered the applicant's score most compared with a reference. This module does
exactly that, per denied applicant:

* **Linear models** (a scikit-learn ``LogisticRegression``, or a ``Pipeline`` ending in one whose
  earlier steps are a ``ColumnTransformer`` / ``OneHotEncoder`` / scalers / imputers ...): the
  contribution of input column ``k`` is ``coef_k * (z_ik - b_k)`` in the model's input space
  (after preprocessing), where ``b`` is the mean of the reference applicants' preprocessed rows.
  Columns produced from one original feature (the one-hot columns of a code) are summed, so a
  reason names the original feature. Units: log-odds of the favourable class. This is exact: the
  contributions add up to the applicant's log-odds minus the log-odds at ``b``.
* **Any other model with ``predict_proba``** (occlusion, one feature at a time): the applicant's
  value is replaced by the reference's typical value (median for numeric features, taken as an
  observed value, mode for the others) and the contribution is the applicant's favourable
  probability minus the probability after replacement. Units: probability. Each feature is one
  ``predict_proba`` call over all denied applicants. Interactions are not attributed (replacing
  two features together may differ from the sum), which is the usual price of this method.

In both, a negative contribution pushes towards denial; only those count and they are ranked by
magnitude (most negative first; ties keep the feature order). The reference is the approved
applicants (``baseline="approved-mean"``, the default: "what an approved applicant looks like")
or everyone (``baseline="mean"``). Both methods are deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import numpy as np
import polars as pl
from scipy import sparse  # type: ignore[import-untyped]  # scipy ships no type information
from sklearn.compose import ColumnTransformer  # type: ignore[import-untyped]  # nor sklearn
from sklearn.impute import SimpleImputer  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
from sklearn.pipeline import Pipeline  # type: ignore[import-untyped]
from sklearn.preprocessing import (  # type: ignore[import-untyped]
    KBinsDiscretizer,
    MaxAbsScaler,
    MinMaxScaler,
    OneHotEncoder,
    OrdinalEncoder,
    PowerTransformer,
    QuantileTransformer,
    RobustScaler,
    StandardScaler,
)

from clearance.errors import InputError
from clearance.fairness.estimators import LabelledClassifier
from clearance.fairness.loading import LoadedModel

__all__ = ["REASON_COLUMNS", "adverse_action_reasons", "default_reason", "summarise_reasons"]

Baseline = Literal["approved-mean", "mean"]
Method = Literal["auto", "linear", "occlusion"]
Direction = Literal["high", "low", "value"]

REASON_COLUMNS: Mapping[str, type[pl.DataType]] = {
    "applicant": pl.Int64,
    "rank": pl.Int64,
    "feature": pl.String,
    "reason": pl.String,
    "contribution": pl.Float64,
}
# Contributions closer to zero than this are rounding noise (a probability difference of 1e-17
# is not a reason anyone could act on).
_TOLERANCE = 1e-12
_MISSING_GROUP = "(missing)"
# Transformers that map each input column to exactly one output column (monotone or a
# relabelling), so a coefficient on the output belongs to that input column.
_ELEMENTWISE = (
    StandardScaler,
    MinMaxScaler,
    MaxAbsScaler,
    RobustScaler,
    PowerTransformer,
    QuantileTransformer,
    OrdinalEncoder,
)


def default_reason(feature: str, direction: Direction) -> str:
    """The generic text: ``"<feature>: value too high"`` / ``"too low"`` for a numeric feature,
    ``"<feature>: unfavourable value"`` otherwise (codes and categories have no direction)."""
    if direction == "high":
        return f"{feature}: value too high"
    if direction == "low":
        return f"{feature}: value too low"
    return f"{feature}: unfavourable value"


def adverse_action_reasons(
    model: Any,
    X: pl.DataFrame,
    denied: np.ndarray,
    *,
    reason_texts: Mapping[str, str] | None = None,
    top_n: int = 4,
    baseline: Baseline = "approved-mean",
    method: Method = "auto",
    favourable: object = None,
    seed: int = 0,
) -> pl.DataFrame:
    """The ``top_n`` principal reasons of each denied applicant (see the module docstring).

    ``model`` is a clearance ``LoadedModel`` or a fitted scikit-learn binary classifier (typed
    ``Any`` because scikit-learn has no types). ``X`` holds the model's input columns (extra
    columns are ignored when the model names its features), row-aligned with ``denied`` (bool,
    True = denied). ``favourable`` is the favourable class label of a raw estimator; it may be
    left out only when the classes are 0/1 (or False/True), then 1 is favourable; any other
    coding without it raises ``InputError``. A ``LoadedModel`` already knows it. Contributions
    are always towards the favourable class, wherever it is in ``classes_``.
    ``reason_texts`` maps a feature to the text shown to the applicant (e.g. loaded from the
    policy's YAML/JSON); a key ``"<feature>:high"`` or ``"<feature>:low"`` gives a text for one
    direction of a numeric feature and takes precedence. Features without a text get
    ``default_reason``. ``method="auto"`` uses the exact linear attribution when the model is a
    supported linear pipeline and occlusion otherwise; ``"linear"`` fails instead of falling back.
    ``seed`` is accepted for API stability: both methods are deterministic and do not use it.

    Returns one row per (denied applicant, reason): ``applicant`` (row index in ``X``), ``rank``
    (1 = principal reason), ``feature``, ``reason``, ``contribution`` (negative; log-odds for the
    linear method, probability for occlusion). Approved applicants get no rows, and a denied
    applicant with no feature pushing towards denial gets none either.
    """
    del seed  # deterministic methods; see the docstring
    if top_n < 1:
        raise ValueError("top_n must be at least 1")
    if baseline not in ("approved-mean", "mean"):
        raise ValueError(f"baseline must be 'approved-mean' or 'mean', not {baseline!r}")
    mask = np.asarray(denied, dtype=bool).reshape(-1)
    if mask.shape[0] != X.height:
        raise InputError(
            "denied", f"{mask.shape[0]} denial flags for {X.height} applicants; they must align"
        )
    reference = ~mask if baseline == "approved-mean" else np.ones(X.height, dtype=bool)
    if not reference.any():
        raise InputError(
            "denied",
            "every applicant is denied, so there is no approved reference: use baseline='mean'",
        )
    adapter = _Adapter(model, X, favourable)
    if not mask.any():
        return _empty()

    attribution: tuple[np.ndarray, np.ndarray] | None = None
    if method in ("auto", "linear"):
        attribution = _linear(adapter, X, mask, reference)
        if attribution is None and method == "linear":
            raise InputError(
                "model",
                f"{type(adapter.estimator).__name__} is not a LogisticRegression or a Pipeline "
                "of supported transformers ending in one; use method='occlusion'",
            )
    if attribution is None:
        attribution = _occlusion(adapter, X, mask, reference)
    contributions, directions = attribution
    return _rank(
        contributions, directions, np.flatnonzero(mask), adapter.features, reason_texts, top_n
    )


def summarise_reasons(
    reasons: pl.DataFrame,
    groups: pl.Series,
    *,
    denied: np.ndarray | None = None,
    limit: int = 5,
) -> list[dict[str, Any]]:
    """The most frequent reasons per group, e.g. to see whether women are denied for other
    reasons than men.

    ``groups`` is row-aligned with the ``X`` the reasons came from (its name is the attribute).
    One dict per group value (sorted) with ``attribute``, ``group``, ``denied`` (denied
    applicants of the group: from ``denied`` when given, else those with at least one reason),
    ``top1`` (``(reason, applicants)`` for the principal reason) and ``top3`` (``(reason,
    applicants)`` counting an applicant when the reason is among their first three), each the
    ``limit`` most frequent, ties by text.
    """
    labels = groups.cast(pl.String).fill_null(_MISSING_GROUP)
    table = reasons.join(
        pl.DataFrame({"applicant": np.arange(labels.len(), dtype=np.int64), "group": labels}),
        on="applicant",
        how="left",
    )
    denied_by_group: dict[str, int] | None = None
    if denied is not None:
        flags = np.asarray(denied, dtype=bool).reshape(-1)
        if flags.shape[0] != labels.len():
            raise InputError("denied", "denial flags and groups must be row-aligned")
        counts = labels.filter(pl.Series(flags)).value_counts()
        denied_by_group = dict(
            zip(
                counts.get_column(labels.name).to_list(),
                counts.get_column("count").to_list(),
                strict=True,
            )
        )
    out: list[dict[str, Any]] = []
    for group in sorted(labels.unique().to_list()):
        rows = table.filter(pl.col("group") == group)
        if denied_by_group is not None:
            count = denied_by_group.get(group, 0)
        else:
            count = rows.get_column("applicant").n_unique()
        out.append(
            {
                "attribute": groups.name,
                "group": group,
                "denied": count,
                "top1": _most_frequent(rows.filter(pl.col("rank") == 1), limit),
                "top3": _most_frequent(rows.filter(pl.col("rank") <= 3), limit),
            }
        )
    return out


def _most_frequent(rows: pl.DataFrame, limit: int) -> list[tuple[str, int]]:
    # Unique (applicant, reason) pairs: two features may share one user-supplied text.
    counts = (
        rows.select("applicant", "reason")
        .unique()
        .group_by("reason")
        .len()
        .sort(["len", "reason"], descending=[True, False])
        .head(limit)
    )
    return [(str(r), int(n)) for r, n in counts.iter_rows()]


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=dict(REASON_COLUMNS))


def _is_favourable(value: object, favourable: object) -> bool:
    # Labels read from CSV/YAML arrive as text while the model's classes may be numbers.
    return bool(value == favourable) or str(value) == str(favourable)


class _Adapter:
    """One interface over a LoadedModel and a raw scikit-learn classifier."""

    def __init__(self, model: Any, X: pl.DataFrame, favourable: object) -> None:
        if isinstance(model, LoadedModel):
            self.estimator: Any = model.estimator
            names = model.feature_names
            favourable = model.favourable
            self._loaded: LoadedModel | None = model
        else:
            self.estimator = model
            given = getattr(model, "feature_names_in_", None)
            names = [str(n) for n in given] if given is not None else None
            self._loaded = None
        self.named = names is not None
        self.features: list[str] = list(names) if names is not None else list(X.columns)
        missing = [n for n in self.features if n not in X.columns]
        if missing:
            raise InputError(
                "features",
                f"the model reads {len(missing)} column(s) the data lacks: "
                + ", ".join(missing[:5]),
            )
        classes = getattr(self.estimator, "classes_", None)
        self.favourable_index = 1
        if classes is not None:
            labels = list(np.asarray(classes).tolist())
            if favourable is None:
                # Only 0/1 (or False/True) labels say by themselves which class is favourable;
                # guessing classes_[1] for any other coding (German credit: 1 = good, 2 = bad)
                # turns every reason around.
                if sorted(str(c) for c in labels) not in (["0", "1"], ["False", "True"]):
                    raise InputError(
                        "favourable",
                        "the model's classes are "
                        + ", ".join(repr(c) for c in labels)
                        + ": pass favourable= (the label meaning approved/good)",
                    )
                favourable = labels[-1]
            hits = [i for i, c in enumerate(labels) if _is_favourable(c, favourable)]
            if len(labels) != 2 or not hits:
                raise InputError(
                    "model",
                    "adverse-action reasons need a binary classifier whose classes "
                    "include the favourable label",
                )
            self.favourable_index = hits[0]

    def input(self, X: pl.DataFrame) -> Any:
        """What the estimator's own methods take: a pandas frame when it was fit on names."""
        frame = X.select(self.features)
        return frame.to_pandas() if self.named else frame.to_numpy()

    def proba(self) -> Callable[[pl.DataFrame], np.ndarray]:
        loaded = self._loaded
        if loaded is not None:

            def from_loaded(frame: pl.DataFrame) -> np.ndarray:
                p = loaded.predict_proba(frame)
                if p is None:
                    raise InputError(
                        loaded.source,
                        "the model gives no probabilities, which the model-agnostic reasons need",
                    )
                return np.asarray(p, dtype=np.float64)

            return from_loaded
        if not callable(getattr(self.estimator, "predict_proba", None)):
            raise InputError("model", "the model has no predict_proba, which the reasons need")

        def from_estimator(frame: pl.DataFrame) -> np.ndarray:
            p = np.asarray(self.estimator.predict_proba(self.input(frame)), dtype=np.float64)
            return p[:, self.favourable_index]

        return from_estimator


# --- linear attribution ----------------------------------------------------------------------


def _linear(
    adapter: _Adapter, X: pl.DataFrame, denied: np.ndarray, reference: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    estimator = adapter.estimator
    if isinstance(estimator, LabelledClassifier):
        # A 0/1 model (1 = favourable) answering in the data's labels; classes_ keeps the
        # inner order (unfavourable, favourable), so favourable_index holds for both.
        estimator = estimator.estimator
    if isinstance(estimator, Pipeline):
        final = estimator.steps[-1][1]
        prefix: Any = estimator[:-1] if len(estimator.steps) > 1 else None
    else:
        final, prefix = estimator, None
    if not isinstance(final, LogisticRegression) or np.asarray(final.coef_).shape[0] != 1:
        return None
    sources = _sources(prefix, adapter.features) if prefix is not None else adapter.features
    if sources is None:
        return None
    data = adapter.input(X)
    Z = prefix.transform(data) if prefix is not None else np.asarray(data, dtype=np.float64)
    if not sparse.issparse(Z):
        Z = np.asarray(Z, dtype=np.float64)
    coef = np.asarray(final.coef_, dtype=np.float64).reshape(-1)
    if Z.shape[1] != coef.shape[0] or len(sources) != coef.shape[0]:
        return None
    # coef_ scores classes_[1]; flip it when the favourable class is classes_[0].
    if adapter.favourable_index == 0:
        coef = -coef
    index = {name: j for j, name in enumerate(adapter.features)}
    # G[k, j] = 1 when input column k came from feature j: contributions @ G sums one-hots.
    G = np.zeros((coef.shape[0], len(adapter.features)))
    G[np.arange(coef.shape[0]), [index[s] for s in sources]] = 1.0
    base = np.asarray(Z[reference].mean(axis=0), dtype=np.float64).reshape(-1)
    Zd = Z[denied]
    contributions = np.asarray(Zd @ (coef[:, None] * G)) - (base * coef) @ G
    # Direction: only a feature with a single, monotone input column has "too high/low"; the
    # sign of z - b is the sign in the original units for the increasing transforms allowed.
    counts = G.sum(axis=0)
    directions = np.full(contributions.shape, "value", dtype=object)
    for j, name in enumerate(adapter.features):
        if counts[j] != 1 or not _numeric(X.schema[name]):
            continue
        k = sources.index(name)
        column = Zd[:, [k]]
        z = np.asarray(column.toarray() if sparse.issparse(column) else column).reshape(-1)
        directions[:, j] = np.where(z > base[k], "high", "low")
    return contributions, directions


def _sources(step: Any, inputs: Sequence[str]) -> list[str] | None:
    """The original feature behind each output column of a fitted transformer, or None when a
    step is not one whose columns can be traced (then the occlusion method is used)."""
    if step is None or (isinstance(step, str) and step == "passthrough"):
        return list(inputs)
    if isinstance(step, Pipeline):
        current: list[str] | None = list(inputs)
        for _, sub in step.steps:
            current = _sources(sub, current) if current is not None else None
        return current
    if isinstance(step, ColumnTransformer):
        return _column_transformer_sources(step, inputs)
    if isinstance(step, OneHotEncoder):
        out: list[str] = []
        infrequent = getattr(step, "infrequent_categories_", None)
        for i, categories in enumerate(step.categories_):
            width = len(categories)
            if step.drop_idx_ is not None and step.drop_idx_[i] is not None:
                width -= 1
            if infrequent is not None and infrequent[i] is not None:
                width -= len(infrequent[i]) - 1  # the infrequent ones share one column
            out.extend([inputs[i]] * width)
        return out
    if isinstance(step, KBinsDiscretizer):
        if step.encode == "ordinal":
            return list(inputs)
        return [
            name for name, bins in zip(inputs, step.n_bins_, strict=True) for _ in range(int(bins))
        ]
    if isinstance(step, SimpleImputer):
        # add_indicator appends columns, and a column with no observed value is dropped unless
        # keep_empty_features: either way the columns no longer line up, so do not guess.
        statistics = np.asarray(step.statistics_)
        empty = statistics.dtype.kind == "f" and bool(np.isnan(statistics).any())
        if step.add_indicator or (empty and not step.keep_empty_features):
            return None
        return list(inputs)
    if isinstance(step, _ELEMENTWISE):
        return list(inputs)
    return None


def _column_transformer_sources(step: Any, inputs: Sequence[str]) -> list[str] | None:
    width = max((s.stop for s in step.output_indices_.values()), default=0)
    out: list[str | None] = [None] * width
    for name, transformer, columns in step.transformers_:
        where = step.output_indices_.get(name)
        if where is None or where.stop == where.start:
            continue  # dropped, or produced no columns
        selected = _select(columns, inputs)
        if selected is None:
            return None
        traced = _sources(transformer, selected)
        if traced is None or len(traced) != where.stop - where.start:
            return None
        out[where] = traced
    if any(s is None for s in out):
        return None
    return [s for s in out if s is not None]


def _select(columns: Any, inputs: Sequence[str]) -> list[str] | None:
    if isinstance(columns, str):
        return [columns]
    if isinstance(columns, int | np.integer):
        return [inputs[int(columns)]]
    if isinstance(columns, slice) or callable(columns):
        return None  # label slices and callables: rare, and not worth guessing
    values = list(np.asarray(columns).tolist())
    if all(isinstance(v, bool) for v in values) and len(values) == len(inputs):
        return [n for n, keep in zip(inputs, values, strict=True) if keep]
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return [inputs[v] for v in values]
    if all(isinstance(v, str) for v in values):
        return [str(v) for v in values]
    return None


def _numeric(dtype: pl.DataType) -> bool:
    return dtype.is_numeric() and dtype != pl.Boolean


# --- occlusion ---------------------------------------------------------------------------------


def _occlusion(
    adapter: _Adapter, X: pl.DataFrame, denied: np.ndarray, reference: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    proba = adapter.proba()
    rows = X.filter(pl.Series(denied))
    ref = X.filter(pl.Series(reference))
    original = proba(rows)
    contributions = np.zeros((rows.height, len(adapter.features)))
    directions = np.full(contributions.shape, "value", dtype=object)
    for j, name in enumerate(adapter.features):
        dtype = X.schema[name]
        value = _typical(ref.get_column(name))
        if value is None:
            continue  # the reference has no value here: nothing to compare with
        replaced = rows.with_columns(pl.lit(value, dtype=dtype).alias(name))
        # Negative when the applicant's own value lowers the favourable probability.
        contributions[:, j] = original - proba(replaced)
        if _numeric(dtype):
            own = rows.get_column(name).cast(pl.Float64).to_numpy()
            directions[:, j] = np.where(own > float(value), "high", "low")
    return contributions, directions


def _typical(column: pl.Series) -> Any:
    """Median (an observed value: the lower middle one, so integer columns stay integers) for
    numeric columns, the most frequent value (ties: the smallest) otherwise; None if empty.
    ``Any``: a scalar of the column's own type."""
    values = column.drop_nulls()
    if values.dtype.is_float():
        values = values.filter(values.is_not_nan())
    if values.len() == 0:
        return None
    if _numeric(values.dtype):
        return values.sort()[(values.len() - 1) // 2]
    counts = values.value_counts(sort=False)
    top = counts.sort(["count", values.name], descending=[True, False])
    return top.get_column(values.name)[0]


# --- ranking -----------------------------------------------------------------------------------


def _rank(
    contributions: np.ndarray,
    directions: np.ndarray,
    applicants: np.ndarray,
    features: Sequence[str],
    texts: Mapping[str, str] | None,
    top_n: int,
) -> pl.DataFrame:
    # A stable ascending sort puts the most negative first and keeps feature order on ties.
    order = np.argsort(contributions, axis=1, kind="stable")[:, :top_n]
    chosen = np.take_along_axis(contributions, order, axis=1)
    row, slot = np.nonzero(chosen < -_TOLERANCE)
    if row.size == 0:
        return _empty()
    feature_index = order[row, slot]
    names = [features[j] for j in feature_index]
    reasons = [
        _text(name, directions[r, j], texts)
        for name, r, j in zip(names, row, feature_index, strict=True)
    ]
    return pl.DataFrame(
        {
            "applicant": applicants[row].astype(np.int64),
            # Ranks count the kept reasons only; the negatives come first, so slot + 1 is it.
            "rank": (slot + 1).astype(np.int64),
            "feature": names,
            "reason": reasons,
            "contribution": chosen[row, slot].astype(np.float64),
        },
        schema=dict(REASON_COLUMNS),
    )


def _text(feature: str, direction: Direction, texts: Mapping[str, str] | None) -> str:
    if texts:
        if direction != "value" and f"{feature}:{direction}" in texts:
            return texts[f"{feature}:{direction}"]
        if feature in texts:
            return texts[feature]
    return default_reason(feature, direction)
