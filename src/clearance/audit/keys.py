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
"""

from __future__ import annotations

import polars as pl

from clearance.io.columns import column as column_expr

__all__ = ["KeyTypeError", "join_key"]

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


def key_expr(column: str, dtype: pl.DataType, where: str = "") -> pl.Expr:
    """The canonical text key of ``column`` (of type ``dtype``) as a Polars expression."""
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
