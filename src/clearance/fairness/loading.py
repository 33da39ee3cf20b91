"""Loading the credit model under audit, safely.

Model files are code: a pickle runs whatever it contains when it is loaded. So the order is:

- ``.skops``: the types in the file are listed first (``skops.io.get_untrusted_types``); any type
  skops does not trust by default, other than clearance's own estimator classes
  (``clearance.fairness.estimators.OWN_TYPES``, what ``fairness mitigate`` saves), must be named
  by the user (``--trust-type NAME``) after review, otherwise loading is refused with the list.
  Nothing is loaded silently.
- ``.onnx``: run with onnxruntime, which executes a graph, not Python code.
- ``.pkl`` / ``.pickle`` / ``.joblib``: refused unless the user passes the explicit trust flag
  (``--trust-model``); then loaded with a warning in ``LoadedModel.warnings``.

Every model gives 0/1 predictions where 1 is the *favourable* class (the label meaning "good" or
"approved", ``favourable``, default 1) and, where it has one, the probability of that class.
scikit-learn, skops and onnxruntime are optional (``pip install 'clearance[fairness]'``) and
imported only here, when a model is loaded.
"""

from __future__ import annotations

import importlib
import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import numpy as np
import polars as pl

from clearance.errors import (
    BackendUnavailableError,
    InputError,
    UntrustedModelError,
)
from clearance.fairness.estimators import OWN_TYPES
from clearance.io.files import not_regular
from clearance.privacy.masking import shown_label

__all__ = [
    "EXTRA_HINT",
    "ONNX_SUFFIXES",
    "PICKLE_SUFFIXES",
    "PICKLE_WARNING",
    "SKOPS_SUFFIXES",
    "LoadedModel",
    "ModelKind",
    "check_features",
    "load_model",
]

ModelKind = Literal["skops", "onnx", "pickle"]

EXTRA_HINT = "pip install 'clearance[fairness]'"
PICKLE_WARNING = "loaded an untrusted pickle: it can run arbitrary code"
SKOPS_SUFFIXES = (".skops",)
ONNX_SUFFIXES = (".onnx",)
PICKLE_SUFFIXES = (".pkl", ".pickle", ".joblib")
# ONNX metadata key under which a list of feature names may be stored (JSON list or comma-separated).
ONNX_FEATURES_KEY = "feature_names"
_MAX_LISTED = 10


def _import(module: str, backend: str) -> ModuleType:
    """Import an optional dependency, or say which extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise BackendUnavailableError(backend, EXTRA_HINT) from exc


def _listed(names: Sequence[str]) -> str:
    shown = ", ".join(names[:_MAX_LISTED])
    more = len(names) - _MAX_LISTED
    return f"{shown} and {more} more" if more > 0 else shown


def _matches(value: object, favourable: object) -> bool:
    """A label equals the favourable value, also when one side is text ("1" for 1)."""
    if isinstance(value, np.generic):
        value = value.item()
    if value == favourable:
        return True
    return str(value) == str(favourable)


class LoadedModel(ABC):
    """A binary classifier under audit, whatever file format it came from.

    ``predict`` gives 1 for the favourable class and 0 otherwise; ``predict_proba`` gives the
    probability of the favourable class, or ``None`` when the model has none. ``feature_names``
    are the columns the model reads, in order, when the file says so. ``estimator`` is the
    scikit-learn object for skops and pickle models (``None`` for ONNX). ``warnings`` are lines
    for the report (an untrusted pickle, user-trusted types, ...).
    """

    kind: ModelKind

    def __init__(
        self,
        *,
        source: str,
        favourable: object,
        feature_names: list[str] | None,
        estimator: Any = None,
        warnings: list[str] | None = None,
    ) -> None:
        self.source = source
        self.favourable = favourable
        self.feature_names = feature_names
        self.estimator = estimator
        self.warnings: list[str] = list(warnings or [])

    @abstractmethod
    def predict(self, X: pl.DataFrame) -> np.ndarray:
        """0/1 predictions, 1 = favourable."""

    @abstractmethod
    def predict_proba(self, X: pl.DataFrame) -> np.ndarray | None:
        """Probability of the favourable class, or None when the model gives none."""

    def _prediction_error(self, exc: Exception) -> InputError:
        # The exception's own message may quote data values, so only its type is shown.
        return InputError(
            self.source,
            f"the model could not predict on the feature columns ({type(exc).__name__}); "
            "check the feature columns' types and missing values",
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(source={self.source!r}, kind={self.kind!r})"


class _SklearnModel(LoadedModel):
    """A scikit-learn style classifier (from skops or a trusted pickle)."""

    def __init__(self, estimator: Any, *, kind: ModelKind, **kwargs: Any) -> None:
        names = getattr(estimator, "feature_names_in_", None)
        feature_names = [str(n) for n in names] if names is not None else None
        super().__init__(estimator=estimator, feature_names=feature_names, **kwargs)
        self.kind = kind
        if not callable(getattr(estimator, "predict", None)):
            raise InputError(
                self.source, f"the file holds a {type(estimator).__name__}, not a classifier"
            )
        classes = getattr(estimator, "classes_", None)
        if classes is None:
            raise InputError(
                self.source,
                "the model has no classes_ (is it a fitted classifier?); "
                "a fairness audit needs a binary classifier",
            )
        self.classes = list(np.asarray(classes).tolist())
        if len(self.classes) != 2:
            raise InputError(
                self.source,
                f"the model has {len(self.classes)} classes; a binary classifier is needed",
            )
        hits = [i for i, c in enumerate(self.classes) if _matches(c, self.favourable)]
        if not hits:
            raise InputError(
                self.source,
                f"the favourable label {shown_label(self.favourable)} is not one of the model's classes "
                f"({', '.join(shown_label(c) for c in self.classes)}); pass the label that means "
                "'good' or 'approved'",
            )
        self._favourable_index = hits[0]
        needs = _required_keywords(estimator.predict)
        if needs:
            raise InputError(
                self.source,
                f"the model's predict needs {', '.join(needs)}: it takes the sensitive "
                "attribute at decision time (disparate treatment in credit), so it cannot "
                "decide from the feature columns alone; audit a model that decides from "
                "features (e.g. the one fairness mitigation chooses and saves)",
            )

    def _input(self, X: pl.DataFrame) -> Any:
        if self.feature_names is not None:
            check_features(self, X.columns)
            return X.select(self.feature_names).to_pandas()
        return X.to_numpy()

    def predict(self, X: pl.DataFrame) -> np.ndarray:
        data = self._input(X)
        try:
            labels = np.asarray(self.estimator.predict(data))
        except Exception as exc:
            raise self._prediction_error(exc) from exc
        favourable = self.classes[self._favourable_index]
        return np.asarray(labels == favourable, dtype=np.int64)

    def predict_proba(self, X: pl.DataFrame) -> np.ndarray | None:
        if not callable(getattr(self.estimator, "predict_proba", None)):
            return None
        data = self._input(X)
        try:
            proba = np.asarray(self.estimator.predict_proba(data), dtype=np.float64)
        except Exception as exc:
            raise self._prediction_error(exc) from exc
        return proba[:, self._favourable_index]


class _OnnxModel(LoadedModel):
    """An ONNX classifier with one float tensor input and skl2onnx-style outputs.

    Outputs: a label tensor, and optionally probabilities either as a sequence of maps
    (class -> probability, skl2onnx's default ZipMap) or as an ``[n, 2]`` tensor. A label
    output that is itself an ``[n, 2]`` table of probabilities (or one-hot labels) is read as
    classes 0 and 1 (the favourable label must then be 0 or 1): the decision is the most
    probable class and the favourable column is the score. Any other shape is an InputError.
    """

    kind: ModelKind = "onnx"

    def __init__(self, session: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        inputs = session.get_inputs()
        if len(inputs) != 1:
            raise InputError(
                self.source,
                f"the ONNX model has {len(inputs)} inputs; only models with a single float "
                "tensor input are supported (convert with one input, e.g. skl2onnx.to_onnx "
                "on a numeric array)",
            )
        self._input_name = str(inputs[0].name)
        if inputs[0].type not in ("tensor(float)", "tensor(double)"):
            raise InputError(
                self.source,
                f"the ONNX model's input is {inputs[0].type}; only a float tensor is supported",
            )
        self._dtype = np.float64 if inputs[0].type == "tensor(double)" else np.float32
        shape = inputs[0].shape
        self.n_features = shape[1] if len(shape) == 2 and isinstance(shape[1], int) else None
        outputs = session.get_outputs()
        self._label_name = str(outputs[0].name)
        self._proba_name = str(outputs[1].name) if len(outputs) > 1 else None
        if self.feature_names is not None and self.n_features is not None:
            if len(self.feature_names) != self.n_features:
                raise InputError(
                    self.source,
                    f"the ONNX model reads {self.n_features} features but "
                    f"{len(self.feature_names)} feature names were given",
                )

    def _run(self, X: pl.DataFrame) -> list[Any]:
        if self.feature_names is not None:
            check_features(self, X.columns)
            X = X.select(self.feature_names)
        if self.n_features is not None and X.width != self.n_features:
            raise InputError(
                self.source,
                f"the ONNX model reads {self.n_features} features but {X.width} feature "
                "columns were given; pass the model's feature list",
            )
        non_numeric = [c for c, t in X.schema.items() if not t.is_numeric() and t != pl.Boolean]
        if non_numeric:
            raise InputError(
                self.source,
                "the ONNX model takes a float tensor but these feature columns are not numeric: "
                + _listed(non_numeric),
            )
        try:
            data = X.to_numpy().astype(self._dtype)
            result: list[Any] = self.session.run(None, {self._input_name: data})
        except Exception as exc:
            raise self._prediction_error(exc) from exc
        return result

    def _decisions(self, raw: Any) -> tuple[np.ndarray, np.ndarray | None]:
        """0/1 favourable flags from the label output, and the favourable probability when the
        label output is itself an ``[n, 2]`` probability table (Keras-style exports)."""
        labels = np.asarray(raw)
        if labels.ndim == 2 and labels.shape[1] == 1:
            labels = labels[:, 0]
        if labels.ndim == 1:
            return np.array([_matches(v, self.favourable) for v in labels], dtype=np.int64), None
        if labels.ndim != 2 or labels.shape[1] != 2:
            raise InputError(
                self.source,
                f"the ONNX label output has shape {list(labels.shape)}; expected one label per "
                "row, or an [n, 2] table of class probabilities",
            )
        table = labels.astype(np.float64) if labels.dtype.kind in "fiub" else None
        probabilities = (
            table is not None
            and bool(np.all((table >= 0) & (table <= 1)))
            and bool(np.allclose(table.sum(axis=1), 1.0, atol=1e-3))
        )
        if not probabilities or table is None:
            raise InputError(
                self.source,
                "the ONNX label output is an [n, 2] table that is not class probabilities or "
                "one-hot labels (rows must be in [0, 1] and sum to 1); export the model with a "
                "label output of one class per row",
            )
        if str(self.favourable) not in ("0", "1"):
            raise InputError(
                self.source,
                "the ONNX label output is an [n, 2] probability table without class names; "
                f"its columns are read as classes 0 and 1, so the favourable label must be 0 "
                f"or 1, not {self.favourable!r}",
            )
        column = int(str(self.favourable))
        # The most probable class, ties to column 0 (numpy's argmax), as scikit-learn predicts.
        flags = np.asarray(table.argmax(axis=1) == column, dtype=np.int64)
        return flags, table[:, column]

    def predict(self, X: pl.DataFrame) -> np.ndarray:
        return self._decisions(self._run(X)[0])[0]

    def predict_proba(self, X: pl.DataFrame) -> np.ndarray | None:
        result = self._run(X)
        flags, from_label = self._decisions(result[0])
        if self._proba_name is None:
            return from_label
        proba = result[1]
        if isinstance(proba, list):  # sequence of {class: probability}
            if not proba:
                return np.zeros(0, dtype=np.float64)
            keys = [k for k in proba[0] if _matches(k, self.favourable)]
            if not keys:
                raise InputError(
                    self.source,
                    f"the favourable label {shown_label(self.favourable)} is not one of the ONNX model's "
                    f"classes ({', '.join(shown_label(k) for k in proba[0])})",
                )
            return np.array([float(row[keys[0]]) for row in proba], dtype=np.float64)
        table = np.asarray(proba, dtype=np.float64)
        if table.ndim != 2 or table.shape[1] != 2:
            self._note("the ONNX probability output is not an [n, 2] table; scores not used")
            return None
        column = self._favourable_column(flags, table)
        if column is None:
            self._note(
                "could not tell which ONNX probability column is the favourable class "
                "(the model predicts a single class on this data); scores not used"
            )
            return None
        return table[:, column]

    def _favourable_column(self, flags: np.ndarray, table: np.ndarray) -> int | None:
        """The probability column whose argmax agrees with the favourable decisions."""
        favourable = flags.astype(bool)
        if favourable.all() or not favourable.any():
            return None
        argmax = table.argmax(axis=1)
        agree = [float(np.mean((argmax == c) == favourable)) for c in (0, 1)]
        return int(np.argmax(agree))

    def _note(self, line: str) -> None:
        if line not in self.warnings:
            self.warnings.append(line)


def _required_keywords(method: Any) -> list[str]:
    """Keyword-only parameters without a default (``sensitive_features`` of a post-processor)."""
    import inspect

    try:
        parameters = inspect.signature(method).parameters.values()
    except (TypeError, ValueError):
        return []
    return [p.name for p in parameters if p.kind is p.KEYWORD_ONLY and p.default is p.empty]


def check_features(model: LoadedModel, data_columns: Sequence[str]) -> None:
    """Raise InputError naming the model's feature columns that the data lacks."""
    if model.feature_names is None:
        return
    present = set(data_columns)
    missing = [f for f in model.feature_names if f not in present]
    if missing:
        raise InputError(
            model.source,
            f"the data lacks {len(missing)} of the model's {len(model.feature_names)} feature "
            f"columns: {_listed(missing)}",
        )


def load_model(
    path: Path,
    *,
    trust_pickle: bool = False,
    trusted_types: Sequence[str] = (),
    favourable: object = 1,
    features: Sequence[str] | None = None,
) -> LoadedModel:
    """Load a binary classifier from a skops, ONNX or (trusted) pickle file.

    ``favourable`` is the model's class meaning "good" / "approved" (mapped to 1).
    ``features`` names the columns of an ONNX model's float input, in order, when the file's
    metadata does not (``feature_names`` metadata, JSON list or comma-separated); scikit-learn
    models use their own ``feature_names_in_``.

    Raises InputError (missing, unsupported or corrupt file; not a binary classifier),
    PolicyError (untrusted skops types, pickle without trust) and BackendUnavailableError
    (the ``fairness`` extra is not installed).
    """
    path = Path(path)
    source = str(path)
    suffix = path.suffix.lower()
    known = SKOPS_SUFFIXES + ONNX_SUFFIXES + PICKLE_SUFFIXES
    if suffix not in known:
        raise InputError(
            source,
            f"unsupported model format {suffix or '(no suffix)'!r}: use .skops or .onnx "
            "(or .pkl/.pickle/.joblib, trusted explicitly)",
        )
    if suffix in PICKLE_SUFFIXES and not trust_pickle:
        raise UntrustedModelError(
            f"{source}: refusing to load a pickle file: unpickling can run arbitrary code. "
            "Prefer a .skops or .onnx export; if you trust the file's origin,",
            "trust_pickle",
        )
    reason = not_regular(path)
    if reason is not None:
        raise InputError(source, "model file not found" if reason == "no such file" else reason)
    if suffix in SKOPS_SUFFIXES:
        return _load_skops(path, source, trusted_types, favourable)
    if suffix in ONNX_SUFFIXES:
        return _load_onnx(path, source, favourable, features)
    return _load_pickle(path, source, suffix, favourable)


def _load_skops(
    path: Path, source: str, trusted_types: Sequence[str], favourable: object
) -> LoadedModel:
    _import("sklearn", "scikit-learn")
    sio = _import("skops.io", "skops")
    try:
        untrusted = [str(t) for t in sio.get_untrusted_types(file=path)]
    except Exception as exc:
        raise InputError(source, f"not a readable skops file ({type(exc).__name__})") from exc
    # clearance's own classes (what `fairness mitigate --save-model` writes) are trusted like
    # skops' defaults: they only run clearance's code.
    own = set(OWN_TYPES)
    allowed = set(trusted_types) | own
    refused = sorted(t for t in untrusted if t not in allowed)
    if refused:
        raise UntrustedModelError(
            f"{source}: the skops file contains {len(refused)} type(s) that are not trusted by "
            f"default: {', '.join(refused)}. Review them, then",
            "trusted_types",
        )
    try:
        estimator = sio.load(path, trusted=untrusted or None)
    except Exception as exc:
        raise InputError(
            source, f"the skops file could not be loaded ({type(exc).__name__})"
        ) from exc
    user_trusted = sorted(t for t in untrusted if t not in own)
    notes = [f"loaded with user-trusted types: {', '.join(user_trusted)}"] if user_trusted else []
    return _SklearnModel(
        estimator, kind="skops", source=source, favourable=favourable, warnings=notes
    )


def _load_pickle(path: Path, source: str, suffix: str, favourable: object) -> LoadedModel:
    _import("sklearn", "scikit-learn")
    try:
        if suffix == ".joblib":
            joblib = _import("joblib", "joblib")
            estimator = joblib.load(path)
        else:
            import pickle

            with path.open("rb") as handle:
                estimator = pickle.load(handle)  # the user passed --trust-model
    except BackendUnavailableError:
        raise
    except Exception as exc:
        raise InputError(source, f"the pickle could not be loaded ({type(exc).__name__})") from exc
    return _SklearnModel(
        estimator, kind="pickle", source=source, favourable=favourable, warnings=[PICKLE_WARNING]
    )


def _load_onnx(
    path: Path, source: str, favourable: object, features: Sequence[str] | None
) -> LoadedModel:
    ort = _import("onnxruntime", "onnxruntime")
    try:
        session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    except Exception as exc:
        raise InputError(source, f"not a readable ONNX model ({type(exc).__name__})") from exc
    names = _onnx_feature_names(session)
    if names is None and features is not None:
        names = list(features)
    return _OnnxModel(session, source=source, favourable=favourable, feature_names=names)


def _onnx_feature_names(session: Any) -> list[str] | None:
    raw = session.get_modelmeta().custom_metadata_map.get(ONNX_FEATURES_KEY)
    if not raw:
        return None
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = [part.strip() for part in str(raw).split(",")]
    if isinstance(parsed, list) and all(isinstance(p, str) and p for p in parsed):
        return list(parsed)
    return None
