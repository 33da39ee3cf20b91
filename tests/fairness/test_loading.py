from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import polars as pl
import pytest
import skops.io as sio
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from clearance.errors import BackendUnavailableError, InputError, PolicyError
from clearance.fairness.loading import PICKLE_WARNING, check_features, load_model


class Shift(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """A custom step: skops does not trust it by default."""

    def __init__(self, by: float = 1.0) -> None:
        self.by = by

    def fit(self, X: Any, y: Any = None) -> Shift:
        return self

    def transform(self, X: Any) -> Any:
        return np.asarray(X, dtype=float) + self.by


SHIFT = f"{__name__}.Shift"


def _frame(n: int = 300, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    income = rng.normal(50, 15, n)
    debt = rng.normal(20, 8, n)
    region = rng.choice(["north", "south", "east"], n)
    logit = 0.08 * (income - 50) - 0.1 * (debt - 20) + np.where(region == "north", 0.5, 0.0)
    label = np.where(rng.random(n) < 1 / (1 + np.exp(-logit)), 1, 2)  # 1 good, 2 bad
    return pl.DataFrame({"income": income, "debt": debt, "region": region, "label": label})


def _pipeline(frame: pl.DataFrame) -> Pipeline:
    pipe = Pipeline(
        [
            (
                "features",
                ColumnTransformer(
                    [
                        ("coded", OneHotEncoder(handle_unknown="ignore"), ["region"]),
                        ("numeric", StandardScaler(), ["income", "debt"]),
                    ]
                ),
            ),
            ("classifier", LogisticRegression(max_iter=1000)),
        ]
    )
    pipe.fit(frame.drop("label").to_pandas(), frame["label"].to_numpy())
    return pipe


@pytest.fixture(scope="module")
def frame() -> pl.DataFrame:
    return _frame()


@pytest.fixture(scope="module")
def pipe(frame: pl.DataFrame) -> Pipeline:
    return _pipeline(frame)


def test_skops_round_trip(tmp_path: Path, frame: pl.DataFrame, pipe: Pipeline) -> None:
    path = tmp_path / "model.skops"
    sio.dump(pipe, path)
    model = load_model(path)
    assert model.kind == "skops" and model.warnings == []
    assert model.feature_names == ["income", "debt", "region"]
    assert model.estimator is not None
    X = frame.drop("label")
    expected = pipe.predict(X.to_pandas())
    assert np.array_equal(model.predict(X), (expected == 1).astype(int))
    proba = model.predict_proba(X)
    assert proba is not None
    assert np.allclose(proba, pipe.predict_proba(X.to_pandas())[:, 0])  # class 1 comes first
    # columns in another order and extra columns are fine: the model selects its own
    shuffled = frame.select("region", "label", "debt", "income")
    assert np.array_equal(model.predict(shuffled), model.predict(X))


def test_favourable_maps_the_other_class(
    tmp_path: Path, frame: pl.DataFrame, pipe: Pipeline
) -> None:
    path = tmp_path / "model.skops"
    sio.dump(pipe, path)
    good = load_model(path, favourable=1).predict(frame)
    bad = load_model(path, favourable="2").predict(frame)  # text matches the integer class
    assert np.array_equal(good, 1 - bad)
    with pytest.raises(InputError, match=r"favourable label 3 is not one of the model's classes"):
        load_model(path, favourable=3)


def test_skops_untrusted_types_refused_then_trusted(tmp_path: Path, frame: pl.DataFrame) -> None:
    X = frame.select("income", "debt").to_numpy()
    pipe = Pipeline([("shift", Shift(2.0)), ("clf", LogisticRegression(max_iter=1000))])
    pipe.fit(X, frame["label"].to_numpy())
    path = tmp_path / "custom.skops"
    sio.dump(pipe, path)
    assert SHIFT in sio.get_untrusted_types(file=path)

    with pytest.raises(PolicyError) as refused:
        load_model(path)
    message = str(refused.value)
    assert SHIFT in message and "trusted_types" in message and str(path) in message
    assert "--" not in message.replace(str(path), "")  # a library error names no CLI flag
    with pytest.raises(PolicyError):
        load_model(path, trusted_types=["something.Else"])

    model = load_model(path, trusted_types=[SHIFT])
    assert model.kind == "skops" and model.feature_names is None
    assert any(SHIFT in w for w in model.warnings)
    features = frame.select("income", "debt")
    assert np.array_equal(model.predict(features), (pipe.predict(X) == 1).astype(int))


def _onnx_session_file(
    tmp_path: Path, clf: LogisticRegression, X: np.ndarray, name: str, **kw: Any
) -> Path:
    skl2onnx = pytest.importorskip("skl2onnx")
    onx = skl2onnx.to_onnx(clf, X[:1], **kw)
    path = tmp_path / name
    path.write_bytes(onx.SerializeToString())
    return path


@pytest.mark.parametrize("zipmap", [True, False])
@pytest.mark.parametrize("labels", ["int", "text"])
def test_onnx_matches_sklearn(
    tmp_path: Path, frame: pl.DataFrame, zipmap: bool, labels: str
) -> None:
    features = frame.select("income", "debt")
    X = features.to_numpy().astype(np.float32)
    y = frame["label"].to_numpy()
    favourable: object = 1
    if labels == "text":
        y, favourable = np.where(y == 1, "good", "bad"), "good"
    clf = LogisticRegression(max_iter=1000).fit(X, y)
    options = None if zipmap else {"zipmap": False}
    path = _onnx_session_file(tmp_path, clf, X, "m.onnx", options=options)

    model = load_model(path, favourable=favourable, features=["income", "debt"])
    assert model.kind == "onnx" and model.estimator is None
    assert model.feature_names == ["income", "debt"]
    expected = (clf.predict(X) == favourable).astype(int)
    data = frame.select("debt", "label", "income")  # order and extra columns do not matter
    assert np.array_equal(model.predict(data), expected)
    proba = model.predict_proba(data)
    assert proba is not None
    column = list(clf.classes_).index(favourable)
    assert np.allclose(proba, clf.predict_proba(X)[:, column], atol=1e-5)


def test_onnx_feature_names_from_metadata_and_width_check(
    tmp_path: Path, frame: pl.DataFrame
) -> None:
    skl2onnx = pytest.importorskip("skl2onnx")
    X = frame.select("income", "debt").to_numpy().astype(np.float32)
    clf = LogisticRegression(max_iter=1000).fit(X, frame["label"].to_numpy())
    onx = skl2onnx.to_onnx(clf, X[:1])
    onx.metadata_props.add(key="feature_names", value=json.dumps(["income", "debt"]))
    path = tmp_path / "meta.onnx"
    path.write_bytes(onx.SerializeToString())
    model = load_model(path)
    assert model.feature_names == ["income", "debt"]
    with pytest.raises(InputError, match=r"lacks 1 of the model's 2 feature columns: debt"):
        model.predict(frame.select("income"))

    bare = load_model(_onnx_session_file(tmp_path, clf, X, "bare.onnx"))
    assert bare.feature_names is None
    with pytest.raises(InputError, match=r"reads 2 features but 3 feature columns"):
        bare.predict(frame.select("income", "debt", "label"))
    with pytest.raises(InputError, match=r"not numeric: region"):
        bare.predict(frame.select("income", "region"))


@pytest.mark.parametrize("suffix", [".pkl", ".pickle", ".joblib"])
def test_pickle_refused_without_trust_loaded_with_warning(
    tmp_path: Path, frame: pl.DataFrame, pipe: Pipeline, suffix: str
) -> None:
    path = tmp_path / f"model{suffix}"
    if suffix == ".joblib":
        joblib.dump(pipe, path)
    else:
        path.write_bytes(pickle.dumps(pipe))
    with pytest.raises(PolicyError, match=r"refusing to load a pickle.*trust_pickle=True") as info:
        load_model(path)
    assert "--" not in str(info.value).replace(str(path), "")
    model = load_model(path, trust_pickle=True)
    assert model.kind == "pickle" and model.warnings == [PICKLE_WARNING]
    assert np.array_equal(
        model.predict(frame), (pipe.predict(frame.drop("label").to_pandas()) == 1).astype(int)
    )


def test_feature_mismatch_names_missing_columns(
    tmp_path: Path, frame: pl.DataFrame, pipe: Pipeline
) -> None:
    path = tmp_path / "model.skops"
    sio.dump(pipe, path)
    model = load_model(path)
    check_features(model, ["income", "debt", "region", "other"])
    with pytest.raises(InputError) as info:
        check_features(model, ["income"])
    assert "lacks 2 of the model's 3 feature columns: debt, region" in str(info.value)
    assert str(path) in str(info.value)
    with pytest.raises(InputError, match="region"):
        model.predict(frame.drop("region"))


def test_unsupported_missing_and_corrupt_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"unsupported model format '\.h5'"):
        load_model(tmp_path / "model.h5")
    with pytest.raises(InputError, match="model file not found"):
        load_model(tmp_path / "absent.skops")
    corrupt = tmp_path / "corrupt.skops"
    corrupt.write_bytes(b"not a zip file")
    with pytest.raises(InputError, match="not a readable skops file"):
        load_model(corrupt)
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"\x00\x01garbage")
    with pytest.raises(InputError, match="not a readable ONNX model"):
        load_model(broken)


def test_not_a_binary_classifier(tmp_path: Path, frame: pl.DataFrame) -> None:
    X = frame.select("income", "debt").to_pandas()
    three = np.resize([1, 2, 3], frame.height)
    path = tmp_path / "multi.skops"
    sio.dump(LogisticRegression(max_iter=1000).fit(X, three), path)
    with pytest.raises(InputError, match="3 classes; a binary classifier is needed"):
        load_model(path)
    scaler = tmp_path / "scaler.skops"
    sio.dump(StandardScaler().fit(X), scaler)
    with pytest.raises(InputError, match="not a classifier"):
        load_model(scaler)


def test_missing_extra_names_the_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "model.skops"
    path.write_bytes(b"")
    monkeypatch.setitem(sys.modules, "skops.io", None)
    with pytest.raises(BackendUnavailableError) as info:
        load_model(path)
    assert info.value.backend == "skops"
    assert "pip install 'clearance[fairness]'" in str(info.value)
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    onnx = tmp_path / "model.onnx"
    onnx.write_bytes(b"")
    with pytest.raises(BackendUnavailableError, match="onnxruntime"):
        load_model(onnx)


def test_clearance_own_types_are_trusted_and_resolve(tmp_path: Path, frame: pl.DataFrame) -> None:
    """What `fairness mitigate --save-model` writes loads without --trust-type, and every name
    in the trusted list is a class of clearance (a rename must not leave a dangling trust)."""
    import importlib

    from clearance.fairness.estimators import OWN_TYPES, LabelledClassifier

    for name in OWN_TYPES:
        module, _, attr = name.rpartition(".")
        assert isinstance(getattr(importlib.import_module(module), attr), type), name
    # The inner model is trained on 0/1 (1 = good), as mitigation does.
    fitted = _pipeline(frame.with_columns((pl.col("label") == 1).cast(pl.Int64)))
    wrapped = LabelledClassifier(estimator=fitted, classes=["bad", "good"]).fit()
    path = tmp_path / "own.skops"
    sio.dump(wrapped, path)
    model = load_model(path, favourable="good")
    assert model.warnings == [] and model.feature_names == ["income", "debt", "region"]
    expected = np.asarray(fitted.predict(frame.drop("label").to_pandas()))
    assert np.array_equal(model.predict(frame), expected)
    assert set(wrapped.predict(frame.drop("label").to_pandas()).tolist()) == {"bad", "good"}


def test_model_deciding_on_the_sensitive_attribute_is_refused(
    tmp_path: Path, frame: pl.DataFrame
) -> None:
    from clearance.fairness.mitigation import GroupThresholdClassifier

    fitted = _pipeline(frame)
    post = GroupThresholdClassifier(estimator=fitted, rules={"a": [(1.0, ">=", 0.5)]}).fit()
    path = tmp_path / "post.skops"
    sio.dump(post, path)
    with pytest.raises(InputError, match="sensitive_features"):
        load_model(path)
