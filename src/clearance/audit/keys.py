"""Join keys compared across tables: one normalisation for every join the audit makes (subject
detection, consent, self-identifying text, repeated identifiers).

The same subject key is often an integer in one table (a database, Parquet) and text in another
(CSV is read as text, see :mod:`clearance.audit.sources`). Keys are therefore compared as
*canonical text*:

* surrounding whitespace is removed, and an empty value is no key (null);
* an integer, or a text made only of digits with an optional sign (``"0042"``, ``" 42 "``,
  ``"+42"``), becomes the integer's decimal text (``"42"``): ``"0042"`` and ``42`` are the same
  subject. A float with a whole value (``42.0``, what a CSV export of an integer column with
  gaps gives) is that integer too;
* any other text is kept as written (case included: ``"U0042"`` and ``"u0042"`` differ).

Columns of other types (booleans, dates and timestamps, lists, structs, binary) cannot be
compared with keys: :func:`join_key` raises :class:`KeyTypeError`, and the check that needed the
comparison is reported as skipped with that reason rather than as having found nothing.

An engine that moves keys between processes (``audit --engine spark``: the executors and the
driver) compares them as *keyed fingerprints* instead: :func:`key_expr` with a ``secret`` gives
the HMAC of each canonical key, so the subjects' key set, the consent table's keys and the keys
of every linked table travel, are collected and are joined as fingerprints, never as text. The
secret is drawn for the run (:func:`run_secret`), not the report's fingerprint key: it reaches
the executors pickled with the task (never a conf value or a literal of a plan), is worthless
after the run, and nothing in the report is made with it. Two canonical keys are equal exactly
when their fingerprints are (128 bits kept), so the report is the one of canonical text.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

import polars as pl

from clearance.io.columns import column as column_expr
from clearance.privacy import Fingerprinter

__all__ = ["KeyTypeError", "fingerprinted", "join_key", "key_expr", "run_secret"]

_RULE = "audit-join-key"
_HEX = 32  # 128 bits of the HMAC: no two keys of a table share a fingerprint

_INTEGER = r"^[+-]?[0-9]+$"


class KeyTypeError(ValueError):
    """A column whose type cannot be compared as a key; the message names it and its type."""


def _text_key(text: pl.Expr) -> pl.Expr:
    stripped = text.str.strip_chars()
    digits = stripped.str.contains(_INTEGER)
    sign = pl.when(stripped.str.starts_with("-")).then(pl.lit("-")).otherwise(pl.lit(""))
    magnitude = stripped.str.strip_chars_start("+-").str.strip_chars_start("0")
    canonical = pl.when(magnitude == "").then(pl.lit("0")).otherwise(sign + magnitude)
    return (
        pl.when(stripped == "")
        .then(pl.lit(None, dtype=pl.String))
        .when(digits)
        .then(canonical)
        .otherwise(stripped)
    )


def run_secret() -> bytes:
    """A fingerprint key for the join keys of one run (see the module docstring)."""
    return secrets.token_bytes(32)


def _fingerprints(secret: bytes) -> Callable[[pl.Series], pl.Series]:
    def run(values: pl.Series) -> pl.Series:
        # built where it runs (an executor): hash states do not pickle
        digest = Fingerprinter(secret).digester(_RULE)
        distinct = values.drop_nulls().unique()
        hashed = [digest(v).hex()[:_HEX] for v in distinct.to_list()]
        return values.replace_strict(distinct, hashed, default=None, return_dtype=pl.String)

    return run


def fingerprinted(key: pl.Expr, secret: bytes) -> pl.Expr:
    """The keyed fingerprint of each canonical key of ``key`` (null stays null)."""
    return key.map_batches(_fingerprints(secret), return_dtype=pl.String, is_elementwise=True)


def key_expr(
    column: str, dtype: pl.DataType, where: str = "", secret: bytes | None = None
) -> pl.Expr:
    """The canonical text key of ``column`` (of type ``dtype``) as a Polars expression; with
    ``secret``, its keyed fingerprint."""
    canonical = _key_expr(column, dtype, where)
    return canonical if secret is None else fingerprinted(canonical, secret)


def _key_expr(column: str, dtype: pl.DataType, where: str) -> pl.Expr:
    col = column_expr(column)
    if dtype.is_integer():
        return col.cast(pl.String)
    if dtype.is_float():
        whole = col.is_finite() & (col.round(0) == col) & (col.abs() < 2.0**63)
        return (
            pl.when(whole)
            .then(col.cast(pl.Int64, strict=False).cast(pl.String))
            .otherwise(col.cast(pl.String))
        )
    if dtype == pl.String or dtype == pl.Categorical or isinstance(dtype, pl.Enum):
        return _text_key(col.cast(pl.String))
    if dtype == pl.Null:
        return col.cast(pl.String)
    if dtype == pl.Decimal or isinstance(dtype, pl.Decimal):
        return _text_key(col.cast(pl.String).str.replace(r"\.0*$", ""))
    name = where or column
    raise KeyTypeError(f"{name} is of type {dtype}, which cannot be compared as a key")


def join_key(series: pl.Series, where: str = "") -> pl.Series:
    """``series`` as canonical text keys (see the module docstring), same length and name.

    ``where`` names the column in the error (``table.column``). Raises :class:`KeyTypeError`
    for a type that is not a key (boolean, temporal, nested, binary)."""
    expr = key_expr("k", series.dtype, where or series.name)
    return pl.DataFrame([series.rename("k")]).select(expr).to_series().rename(series.name)
