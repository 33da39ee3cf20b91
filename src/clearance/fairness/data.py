"""Reading the evaluation table and turning it into aligned arrays for the fairness jobs.

``prepare_outcomes`` (the audit and the mitigation) checks the label (binary, favourable value
present), derives sensitive attributes (``clearance.fairness.derivation``: a value map, e.g.
``personal_status_sex`` A92 -> female, or explicit numeric bins, e.g. age ``[0, 25)`` -> ``<25``),
handles missing sensitive values as the user chose (their own group
``"(missing)"`` or dropped and counted), and takes predictions and scores from the model or from
columns. Everything it did is recorded in ``PreparationNotes`` so the report can state it.
Messages name files and columns and give counts, never raw sensitive values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import polars as pl

from clearance.errors import InputError, PolicyError
from clearance.fairness.derivation import Derivation, derive_column
from clearance.fairness.loading import LoadedModel, check_features
from clearance.fairness.models import FairnessData
from clearance.fairness.notes import DerivationNote, PreparationNotes
from clearance.io.files import not_regular
from clearance.privacy.masking import shown_label

__all__ = [
    "MISSING_GROUP",
    "Outcomes",
    "infer_features",
    "prepare",
    "prepare_outcomes",
    "read_table",
]

MISSING_GROUP = "(missing)"
_MAX_LABELS_SHOWN = 5
CSV_SUFFIXES = (".csv",)
PARQUET_SUFFIXES = (".parquet", ".pq")


def read_table(path: Path) -> pl.DataFrame:
    """Read a CSV or Parquet file; every failure is one InputError line naming the file."""
    path = Path(path)
    source = str(path)
    suffix = path.suffix.lower()
    if suffix not in CSV_SUFFIXES + PARQUET_SUFFIXES:
        raise InputError(
            source, f"unsupported table format {suffix or '(no suffix)'!r}: use .csv or .parquet"
        )
    reason = not_regular(path)
    if reason is not None:
        raise InputError(source, "file not found" if reason == "no such file" else reason)
    try:
        if suffix in CSV_SUFFIXES:
            frame = pl.read_csv(path, infer_schema_length=None, glob=False)
        else:
            frame = pl.read_parquet(path, glob=False)
    except pl.exceptions.NoDataError as exc:
        raise InputError(source, "the file is empty") from exc
    except Exception as exc:  # parse errors can quote cell values: only the type is shown
        kind = "CSV" if suffix in CSV_SUFFIXES else "Parquet"
        raise InputError(
            source,
            f"could not be read as {kind} ({type(exc).__name__}); check the format, "
            "delimiter, quoting and encoding (UTF-8)",
        ) from exc
    if frame.height == 0:
        raise InputError(source, "the table has no rows")
    return frame


def _matches(value: object, favourable: object) -> bool:
    return value == favourable or str(value) == str(favourable)


def _require_columns(frame: pl.DataFrame, source: str, columns: Sequence[str], role: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(source, f"no {role} column {', '.join(repr(c) for c in missing)}")


def _sensitive_frame(
    frame: pl.DataFrame,
    source: str,
    sensitive: Sequence[str],
    derive: Mapping[str, Derivation],
) -> tuple[pl.DataFrame, list[DerivationNote]]:
    notes: list[DerivationNote] = []
    derived: dict[str, pl.Series] = {}
    for name, derivation in derive.items():
        if name in frame.columns:
            raise PolicyError(
                f"derived attribute {name!r} has the name of a column of {source}; "
                "choose another name"
            )
        derived[name] = derive_column(frame, source, name, derivation)
        notes.append(
            DerivationNote(
                name=name,
                source=derivation.source,
                kind="map" if derivation.map is not None else "bins",
                definition=derivation.definition(),
            )
        )
    columns = []
    for name in sensitive:
        if name in derived:
            series = derived[name]
        elif name in frame.columns:
            series = frame.get_column(name)
            if series.dtype.is_float():
                series = series.fill_nan(None)
            series = series.cast(pl.String)
        else:
            raise InputError(
                source, f"no sensitive column {name!r} (neither in the data nor derived)"
            )
        columns.append(series.alias(name))
    return pl.DataFrame(columns), notes


def _binary_labels(values: pl.Series, source: str, column: str) -> list[object]:
    nulls = values.null_count()
    if nulls:
        raise InputError(source, f"label column {column!r} has {nulls} missing value(s)")
    distinct = values.unique(maintain_order=False).sort().to_list()
    if len(distinct) != 2:
        shown = ", ".join(shown_label(v) for v in distinct[:_MAX_LABELS_SHOWN])
        more = " ..." if len(distinct) > _MAX_LABELS_SHOWN else ""
        raise InputError(
            source,
            f"label column {column!r} has {len(distinct)} distinct value(s) ({shown}{more}); "
            "a binary label needs exactly two",
        )
    return list(distinct)


@dataclass(frozen=True)
class Outcomes:
    """What every fairness job needs from the table before any decision is looked at: the rows
    kept, their sensitive groups (String columns, missing values handled) and 0/1 labels."""

    frame: pl.DataFrame
    sensitive: pl.DataFrame
    y_true: np.ndarray
    labels: list[object]  # the label's two values, sorted
    favourable: object
    derivations: list[DerivationNote]
    missing_counts: dict[str, int]
    rows_in: int
    rows_dropped: int

    @property
    def unfavourable(self) -> object:
        return next(v for v in self.labels if v != self.favourable)


def prepare_outcomes(
    frame: pl.DataFrame,
    *,
    target: str,
    favourable: object = 1,
    sensitive: Sequence[str],
    derive: Mapping[str, Derivation] | None = None,
    missing: Literal["group", "drop"] = "group",
    source: str = "data",
) -> Outcomes:
    """Check the label (binary, ``favourable`` one of its values, mapped to 1), derive the
    sensitive attributes and handle their missing values (group ``"(missing)"`` or drop)."""
    derive = dict(derive or {})
    if not sensitive:
        raise PolicyError("at least one sensitive attribute is needed")
    if len(set(sensitive)) != len(sensitive):
        raise PolicyError("a sensitive attribute is named more than once")
    _require_columns(frame, source, [target], "label")
    rows_in = frame.height
    attrs, derivation_notes = _sensitive_frame(frame, source, sensitive, derive)
    missing_counts = {name: attrs.get_column(name).null_count() for name in sensitive}
    rows_dropped = 0
    if missing == "drop":
        keep = ~pl.any_horizontal(pl.all().is_null())
        mask = attrs.select(keep.alias("keep")).to_series()
        rows_dropped = int((~mask).sum())
        frame, attrs = frame.filter(mask), attrs.filter(mask)
        if frame.height == 0:
            raise InputError(
                source, "no rows left after dropping rows with missing sensitive values"
            )
    else:
        attrs = attrs.with_columns(pl.all().fill_null(MISSING_GROUP))
    for name in sensitive:
        groups = attrs.get_column(name).n_unique()
        if groups < 2:
            raise InputError(
                source,
                f"sensitive attribute {name!r} has a single group in {attrs.height} row(s); "
                "comparing groups needs at least two",
            )

    labels = _binary_labels(frame.get_column(target), source, target)
    hits = [v for v in labels if _matches(v, favourable)]
    if not hits:
        shown = ", ".join(shown_label(v) for v in labels)
        raise InputError(
            source,
            f"favourable label {shown_label(favourable)} is not one of the values of label column "
            f"{target!r} ({shown})",
        )
    favourable_value = hits[0]
    y_true = (frame.get_column(target) == favourable_value).to_numpy().astype(np.int64)
    return Outcomes(
        frame=frame,
        sensitive=attrs,
        y_true=y_true,
        labels=labels,
        favourable=favourable_value,
        derivations=derivation_notes,
        missing_counts=missing_counts,
        rows_in=rows_in,
        rows_dropped=rows_dropped,
    )


def infer_features(
    frame: pl.DataFrame,
    *,
    target: str,
    sensitive: Sequence[str],
    derive: Mapping[str, Derivation] | None = None,
    exclude: Sequence[str | None] = (),
) -> list[str]:
    """Every column that is not the label, a sensitive attribute, a derivation's source or in
    ``exclude`` (the prediction and score columns): what a model may decide on."""
    excluded = {target, *sensitive, *(d.source for d in (derive or {}).values())}
    excluded.update(c for c in exclude if c is not None)
    return [c for c in frame.columns if c not in excluded]


def prepare(
    frame: pl.DataFrame,
    *,
    target: str,
    favourable: object = 1,
    prediction: str | None = None,
    score: str | None = None,
    sensitive: Sequence[str],
    derive: Mapping[str, Derivation] | None = None,
    missing: Literal["group", "drop"] = "group",
    model: LoadedModel | None = None,
    features: Sequence[str] | None = None,
    source: str = "data",
) -> tuple[FairnessData, PreparationNotes]:
    """Check and align one evaluation table for the fairness audit.

    The label and sensitive attributes as ``prepare_outcomes`` does. Predictions come from
    ``model`` (on its feature columns: the model's own names, else ``features``, else
    ``infer_features``) or from the ``prediction`` column, with ``favourable`` mapped to 1.
    Scores come from the ``score`` column when given (values in [0, 1]), else from the
    model's probability of the favourable class. ``source`` names the table in messages.
    """
    derive = dict(derive or {})
    if not sensitive:
        raise PolicyError("at least one sensitive attribute is needed")
    if len(set(sensitive)) != len(sensitive):
        raise PolicyError("a sensitive attribute is named more than once")
    if (model is None) == (prediction is None):
        raise PolicyError("give exactly one of a model or a prediction column")
    _require_columns(frame, source, [target], "label")
    if prediction is not None:
        _require_columns(frame, source, [prediction], "prediction")
    if score is not None:
        _require_columns(frame, source, [score], "score")

    outcomes = prepare_outcomes(
        frame,
        target=target,
        favourable=favourable,
        sensitive=sensitive,
        derive=derive,
        missing=missing,
        source=source,
    )
    frame, labels, favourable_value = outcomes.frame, outcomes.labels, outcomes.favourable

    feature_list: list[str] | None = None
    features_inferred = False
    scores: np.ndarray | None = None
    scores_from: Literal["model", "column"] | None = None
    if model is not None:
        if model.feature_names is not None:
            feature_list = list(model.feature_names)
        elif features is not None:
            feature_list = list(features)
        else:
            feature_list = infer_features(
                frame,
                target=target,
                sensitive=sensitive,
                derive=derive,
                exclude=(prediction, score),
            )
            features_inferred = True
        _require_columns(frame, source, feature_list, "feature")
        check_features(model, frame.columns)
        X = frame.select(feature_list)
        y_pred = np.asarray(model.predict(X), dtype=np.int64)
        if score is None:
            proba = model.predict_proba(X)
            if proba is not None:
                scores, scores_from = np.asarray(proba, dtype=np.float64), "model"
    else:
        assert prediction is not None
        y_pred = _prediction_column(frame, source, prediction, labels, favourable_value)
        if features is not None:
            _require_columns(frame, source, list(features), "feature")
            feature_list = list(features)
    if score is not None:
        scores, scores_from = _score_column(frame, source, score), "column"

    data = FairnessData(
        y_true=outcomes.y_true,
        y_pred=y_pred,
        sensitive=outcomes.sensitive,
        scores=scores,
        features=frame.select(feature_list) if feature_list is not None else None,
    )
    notes = PreparationNotes(
        source=source,
        rows_in=outcomes.rows_in,
        rows_used=frame.height,
        target=target,
        label_values=[str(v) for v in labels],
        favourable=str(favourable_value),
        sensitive=list(sensitive),
        derivations=outcomes.derivations,
        missing=missing,
        missing_counts=outcomes.missing_counts,
        rows_dropped=outcomes.rows_dropped,
        predictions_from="model" if model is not None else "column",
        prediction_column=prediction,
        scores_from=scores_from,
        score_column=score,
        model_kind=model.kind if model is not None else None,
        features=feature_list,
        features_inferred=features_inferred,
        lines=_lines(
            rows_in=outcomes.rows_in,
            target=target,
            labels=labels,
            favourable=favourable_value,
            derivations=outcomes.derivations,
            missing=missing,
            missing_counts=outcomes.missing_counts,
            rows_dropped=outcomes.rows_dropped,
            model=model,
            prediction=prediction,
            score=score,
            scores_from=scores_from,
            feature_list=feature_list,
            features_inferred=features_inferred,
        ),
    )
    return data, notes


def _prediction_column(
    frame: pl.DataFrame, source: str, column: str, labels: list[object], favourable: object
) -> np.ndarray:
    values = frame.get_column(column)
    nulls = values.null_count()
    if nulls:
        raise InputError(source, f"prediction column {column!r} has {nulls} missing value(s)")
    allowed = {str(v) for v in labels}
    text = values.cast(pl.String)
    unknown = int((~text.is_in(list(allowed))).sum())
    if unknown:
        raise InputError(
            source,
            f"prediction column {column!r}: {unknown} row(s) hold a value that is not one of "
            f"the label's values ({', '.join(shown_label(v) for v in labels)})",
        )
    return (text == str(favourable)).to_numpy().astype(np.int64)


def _score_column(frame: pl.DataFrame, source: str, column: str) -> np.ndarray:
    values = frame.get_column(column)
    if not values.dtype.is_numeric():
        raise InputError(source, f"score column {column!r} is {values.dtype}, not numeric")
    numbers = values.cast(pl.Float64)
    missing = numbers.null_count() + int(numbers.is_nan().sum())
    if missing:
        raise InputError(source, f"score column {column!r} has {missing} missing value(s)")
    outside = int(((numbers < 0) | (numbers > 1)).sum())
    if outside:
        raise InputError(
            source,
            f"score column {column!r}: {outside} value(s) outside [0, 1]; scores must be the "
            "probability of the favourable outcome",
        )
    return numbers.to_numpy()


def _lines(
    *,
    rows_in: int,
    target: str,
    labels: list[object],
    favourable: object,
    derivations: list[DerivationNote],
    missing: str,
    missing_counts: Mapping[str, int],
    rows_dropped: int,
    model: LoadedModel | None,
    prediction: str | None,
    score: str | None,
    scores_from: str | None,
    feature_list: list[str] | None,
    features_inferred: bool,
) -> list[str]:
    other = next(v for v in labels if v != favourable)
    lines = [
        f"Label {target!r}: {favourable!r} is favourable (1), {other!r} unfavourable (0); "
        f"{rows_in} row(s) read."
    ]
    for note in derivations:
        lines.append(
            f"Derived {note.name!r} from {note.source!r} ({note.kind}): "
            + "; ".join(note.definition)
            + "."
        )
    for name, count in missing_counts.items():
        if not count:
            continue
        if missing == "drop":
            lines.append(f"{count} row(s) with a missing {name!r} dropped.")
        else:
            lines.append(
                f"{count} row(s) with a missing {name!r} form the group {MISSING_GROUP!r}."
            )
    if rows_dropped:
        lines.append(f"{rows_dropped} row(s) dropped in all for missing sensitive values.")
    if model is not None:
        lines.append(f"Predictions from the {model.kind} model {model.source}.")
        lines.extend(f"Model: {w}" for w in model.warnings)
    else:
        lines.append(f"Predictions from column {prediction!r}.")
    if scores_from == "column":
        lines.append(f"Scores from column {score!r}.")
    elif scores_from == "model":
        lines.append("Scores: the model's probability of the favourable class.")
    else:
        lines.append("No scores: AUC and calibration are not computed.")
    if feature_list is not None and features_inferred:
        lines.append(
            f"Features inferred as every other column ({len(feature_list)}): "
            + ", ".join(feature_list)
            + "."
        )
    return lines
