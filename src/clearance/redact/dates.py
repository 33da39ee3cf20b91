"""Per-subject date shifting (``{op: date_shift, max_days: 30}``): every date of one subject
moves by the same number of days, keyed by the subject's key (HMAC-SHA256 with the redaction
key, :meth:`clearance.redact.operators.Keys.date_offset`), so intervals within a subject (days
between an order and its return) survive while the calendar dates do not.

The subject is the table's subject key from the policy (``tables.<name>.subject_key``, else the
dataset-wide ``subject_key``), compared as the canonical key text of
:mod:`clearance.audit.keys` (``"0042"`` in a CSV is subject ``42`` of a Parquet file). Date and
datetime columns are shifted as they are; a text column must hold ISO dates
(``2025-01-31``, ``2025-01-31T10:00:00+01:00``): only the date part changes, the rest of the text
is kept. A row without a subject key has no offset of its own: its date is emptied rather than
kept unshifted.
"""

from __future__ import annotations

import polars as pl

from clearance.audit.keys import KeyTypeError, join_key
from clearance.audit.policy import RedactOperator
from clearance.errors import PolicyError
from clearance.redact.operators import Keys

_ISO_DATE = r"^(\s*)(\d{4}-\d{2}-\d{2})"


def check_shiftable(dtype: pl.DataType, where: str) -> None:
    """Refuses a column that cannot hold dates (numbers, booleans, nested values)."""
    if not (isinstance(dtype, pl.Date | pl.Datetime) or dtype == pl.String):
        raise PolicyError(
            f"{where}: date_shift does not fit a column of type {dtype} (dates, datetimes or "
            "ISO date text only); choose another operator"
        )


def subject_column(table: str, columns: list[str], key: str | None, where: str) -> str:
    """The table's subject-key column, or :class:`PolicyError` naming what is missing."""
    if key is None:
        raise PolicyError(
            f"{where}: date_shift needs the table's subject key; declare subject_key (for the "
            f"dataset, or under tables.{table})"
        )
    if key not in columns:
        raise PolicyError(f"{where}: date_shift: the subject key column {key!r} is not in {table}")
    return key


def shift_dates(
    batch: pl.DataFrame, column: str, subject: str, op: RedactOperator, keys: Keys, where: str
) -> pl.Series:
    """``batch[column]`` with each row's date moved by its subject's offset."""
    try:
        subjects = join_key(batch[subject], where)
    except KeyTypeError as exc:
        raise PolicyError(f"{where}: date_shift: {exc}") from None
    distinct = subjects.drop_nulls().unique().to_list()
    offsets = {k: keys.date_offset(k, op.max_days, where) for k in distinct}
    if not offsets:
        keys.date_offset("", op.max_days, where)  # refuses without a key even on no subject
    days = subjects.replace_strict(offsets, default=None, return_dtype=pl.Int64)
    values = batch[column]
    check_shiftable(values.dtype, where)
    frame = pl.DataFrame({"v": values, "d": days})
    if isinstance(values.dtype, pl.Date | pl.Datetime):
        shifted = frame.select(pl.col("v") + pl.duration(days=pl.col("d"))).to_series()
        return shifted.cast(values.dtype).rename(column)
    parts = frame.select(
        pl.col("v"),
        pl.col("v").str.extract(_ISO_DATE, 1).alias("space"),
        pl.col("v").str.extract(_ISO_DATE, 2).str.to_date("%Y-%m-%d", strict=False).alias("day"),
        pl.col("v").str.replace(_ISO_DATE, "").alias("rest"),
        pl.col("v").str.strip_chars().ne("").alias("present"),
        pl.col("d"),
    )
    bad = parts.filter(pl.col("present") & pl.col("day").is_null()).height
    if bad:
        raise PolicyError(
            f"{where}: date_shift does not fit {bad} value(s) of this column (not an ISO date "
            "such as 2025-01-31); choose another operator"
        )
    text = parts.select(
        pl.when(pl.col("present"))
        .then(
            pl.col("space")
            + (pl.col("day") + pl.duration(days=pl.col("d"))).dt.strftime("%Y-%m-%d")
            + pl.col("rest")
        )
        .otherwise(pl.col("v"))  # null and blank cells stay as they were
    )
    return text.to_series().rename(column)
