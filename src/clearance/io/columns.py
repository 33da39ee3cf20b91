"""A table column by its exact name, whatever the name holds.

Polars reads a column name of the form ``^...$`` as a regular expression over every column
(``pl.col("^.*$")`` selects them all), and a name is data: a CSV header or a JSON key can be
written that way, by accident or on purpose. :func:`column` is ``pl.col(name)`` for any name:
such a name is escaped into a pattern that matches only itself.
"""

from __future__ import annotations

import polars as pl

# The characters Rust's regex syntax gives a meaning (``regex::escape`` escapes these).
_META = frozenset("\\.+*?()|[]{}^$#&-~")


def column(name: str) -> pl.Expr:
    """The column named exactly ``name``."""
    if name.startswith("^") and name.endswith("$"):
        return pl.col("^" + "".join(f"\\{c}" if c in _META else c for c in name) + "$")
    return pl.col(name)


def columns(names: list[str] | tuple[str, ...]) -> list[pl.Expr]:
    return [column(n) for n in names]
