"""Data and fitted comparisons shared by the mitigation and trade-off tests."""

from __future__ import annotations

import numpy as np
import polars as pl

from clearance.fairness.tradeoff import MitigationResult
from tests._data import german_path

N_RESAMPLES = 50


def german() -> tuple[pl.DataFrame, np.ndarray, pl.Series]:
    df = pl.read_csv(german_path(), separator=" ", has_header=False)
    names = [f"a{i}" for i in range(1, 21)] + ["label"]
    df = df.rename(dict(zip(df.columns, names, strict=True)))
    y = (df["label"] == 1).to_numpy().astype(int)  # 1 good (favourable), 2 bad
    X = df.drop("label")
    age = X["a13"].to_numpy()
    return X, y, pl.Series("age_group", np.where(age < 25, "<25", ">=25"))


def synthetic(n: int = 900, seed: int = 7) -> tuple[pl.DataFrame, np.ndarray, pl.Series]:
    """Group B has lower income, and income drives the label: a strong group effect."""
    rng = np.random.default_rng(seed)
    group = np.where(rng.random(n) < 0.6, "A", "B")
    income = rng.normal(0.0, 1.0, n) - 1.2 * (group == "B")
    debt = rng.normal(0.0, 1.0, n)
    region = rng.choice(["north", "south", "east"], n)
    logit = 1.8 * income - 0.8 * debt + 0.6
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    X = pl.DataFrame({"income": income, "debt": debt, "region": region})
    return X, y, pl.Series("group", group)


def train_test(result: MitigationResult, n: int) -> tuple[np.ndarray, np.ndarray]:
    test = np.array(result.test_index)
    return np.setdiff1d(np.arange(n), test), test
