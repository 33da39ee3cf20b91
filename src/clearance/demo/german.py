"""The UCI Statlog German Credit data set, for fairness examples, tests and benchmarks.

The file is not copied into the repository: the caller gives its path (``clearance demo`` reads
``CLEARANCE_GERMAN_DATA``, else ``shared/data/german.data`` next to the source checkout; this
module never looks for it). 1000 applicants, 20 coded attributes and the label ``credit``
(1 = good, the favourable outcome, 700 rows; 2 = bad, 300 rows).

Sex is not a column: it is folded into ``personal_status_sex`` (A91-A95), so ``GERMAN_DERIVATIONS``
derives ``sex`` from it, and ``age_group`` from ``age`` with the cut stated explicitly:
``[0, 25)`` -> ``<25`` and ``[25, inf)`` -> ``>=25`` (left-closed, so an applicant aged exactly
25 is ``>=25``; some tools use ``> 25`` instead, which gives different rates).

``train_credit_model`` fits the kind of model a bank would deploy: a logistic regression on the
credit attributes, *without* ``personal_status_sex`` (sex and marital status), ``age`` and
``foreign_worker``. Excluding protected attributes does not make a model fair (other columns can
act as proxies), which is what the fairness audit measures.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Any

import polars as pl

from clearance.errors import BackendUnavailableError, InputError
from clearance.fairness.derivation import Bins, Derivation

__all__ = [
    "EXCLUDED_FROM_MODEL",
    "GERMAN_COLUMNS",
    "GERMAN_DERIVATIONS",
    "GERMAN_FAVOURABLE",
    "GERMAN_NUMERIC",
    "GERMAN_TARGET",
    "load_german",
    "model_features",
    "train_credit_model",
]

GERMAN_TARGET = "credit"
GERMAN_FAVOURABLE = 1  # 1 = good credit, 2 = bad credit

# The 20 attributes of german.txt in file order, then the label.
GERMAN_COLUMNS = (
    "checking_status",  # 1  A11-A14
    "duration",  # 2  months
    "credit_history",  # 3  A30-A34
    "purpose",  # 4  A40-A410
    "credit_amount",  # 5  DM
    "savings",  # 6  A61-A65
    "employment",  # 7  A71-A75
    "installment_rate",  # 8  % of disposable income
    "personal_status_sex",  # 9  A91-A95
    "other_debtors",  # 10 A101-A103
    "residence_since",  # 11 years
    "property",  # 12 A121-A124
    "age",  # 13 years
    "other_installment_plans",  # 14 A141-A143
    "housing",  # 15 A151-A153
    "existing_credits",  # 16 number at this bank
    "job",  # 17 A171-A174
    "num_dependents",  # 18
    "telephone",  # 19 A191-A192
    "foreign_worker",  # 20 A201-A202
    GERMAN_TARGET,  # 1 good, 2 bad
)
GERMAN_NUMERIC = (
    "duration",
    "credit_amount",
    "installment_rate",
    "residence_since",
    "age",
    "existing_credits",
    "num_dependents",
)
# Protected or sensitive attributes the demo model does not see.
EXCLUDED_FROM_MODEL = ("personal_status_sex", "age", "foreign_worker")

GERMAN_DERIVATIONS: Mapping[str, Derivation] = MappingProxyType(
    {
        "sex": Derivation(
            source="personal_status_sex",
            map={"A91": "male", "A92": "female", "A93": "male", "A94": "male", "A95": "female"},
        ),
        "age_group": Derivation(
            source="age",
            bins=Bins(edges=[0, 25, float("inf")], labels=["<25", ">=25"], closed="left"),
        ),
    }
)

_HINT = "pip install 'clearance[fairness]'"


def load_german(path: Path) -> pl.DataFrame:
    """The German Credit table of the UCI ``german.data`` file at ``path``, with readable
    column names (codes kept as in the file)."""
    path = Path(path)
    if not path.is_file():
        raise InputError(
            str(path), "German Credit data not found (the UCI Statlog german.data file)"
        )
    schema = {
        name: (pl.Int64 if name in GERMAN_NUMERIC or name == GERMAN_TARGET else pl.String)
        for name in GERMAN_COLUMNS
    }
    try:
        frame = pl.read_csv(
            path, separator=" ", has_header=False, new_columns=list(GERMAN_COLUMNS), schema=schema
        )
    except Exception as exc:
        raise InputError(
            str(path),
            f"not the UCI german.data format: 21 space-separated fields per line "
            f"({type(exc).__name__})",
        ) from exc
    labels = set(frame.get_column(GERMAN_TARGET).unique().to_list())
    if frame.height == 0 or not labels <= {1, 2}:
        raise InputError(str(path), "not the UCI german.data format: the label must be 1 or 2")
    return frame


def _import(module: str, backend: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise BackendUnavailableError(backend, _HINT) from exc


def model_features(frame: pl.DataFrame) -> tuple[list[str], list[str]]:
    """(categorical, numeric) feature columns of the demo model."""
    excluded = {*EXCLUDED_FROM_MODEL, GERMAN_TARGET}
    columns = [c for c in frame.columns if c not in excluded]
    numeric = [c for c in columns if frame.schema[c].is_numeric()]
    categorical = [c for c in columns if c not in numeric]
    return categorical, numeric


def train_credit_model(frame: pl.DataFrame, out: Path, seed: int = 0) -> Path:
    """Fit the demo credit model on ``frame`` and save it with skops to ``out``.

    A scikit-learn Pipeline: one-hot encoding (unknown codes ignored) of the coded attributes,
    standard scaling of the numeric ones, logistic regression. Classes are the raw labels
    (1 good, 2 bad): load it with ``favourable=1``.
    """
    compose = _import("sklearn.compose", "scikit-learn")
    linear = _import("sklearn.linear_model", "scikit-learn")
    pipeline = _import("sklearn.pipeline", "scikit-learn")
    preprocessing = _import("sklearn.preprocessing", "scikit-learn")
    sio = _import("skops.io", "skops")
    if GERMAN_TARGET not in frame.columns:
        raise InputError("data", f"no label column {GERMAN_TARGET!r}")
    categorical, numeric = model_features(frame)
    model: Any = pipeline.Pipeline(
        [
            (
                "features",
                compose.ColumnTransformer(
                    [
                        (
                            "coded",
                            preprocessing.OneHotEncoder(handle_unknown="ignore"),
                            categorical,
                        ),
                        ("numeric", preprocessing.StandardScaler(), numeric),
                    ]
                ),
            ),
            ("classifier", linear.LogisticRegression(max_iter=1000, random_state=seed)),
        ]
    )
    X = frame.select(categorical + numeric).to_pandas()
    y = frame.get_column(GERMAN_TARGET).to_numpy()
    model.fit(X, y)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    sio.dump(model, out)
    return out
