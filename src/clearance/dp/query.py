"""The query file of ``clearance dp``: which differentially private releases to make.

YAML or JSON (JSON is YAML), read like every policy file (:mod:`clearance.io.policy_files`):
one-line :class:`PolicyError` messages naming the file and the key path. Either a list of
releases or a mapping with ``releases`` and the settings shared by all of them::

    dataset: transactions          # the ledger's name for the data (default: the file's stem)
    contributions: 1               # most rows one person adds (the privacy unit)
    confidence: 0.95               # level of the stated intervals
    budget: {epsilon: 2.0}         # only when the policy declares none for this dataset
    bounds: {amount: {lower: 0, upper: 500}}
    releases:
      - {name: orders, kind: count, epsilon: 0.2, group_by: {region: [north, south]}}
      - {name: spend, kind: mean, column: amount, epsilon: 0.4}
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic import model_validator as _model_validator

from clearance.audit.policy import DpBounds, DpDataset
from clearance.errors import PolicyError
from clearance.io.policy_files import read_policy_file, validation_error

Kind = Literal["count", "sum", "mean", "quantile", "histogram"]
Mechanism = Literal["laplace", "gaussian"]

MAX_QUERY_BYTES = 1 << 20
"""A query file is a few lines; one larger than 1 MiB is refused before YAML parses it."""
MAX_RELEASES = 200
MAX_CELLS = 100_000
"""Cells (groups x bins) of one release: each is a noisy value in the output."""

_NUMERIC: tuple[Kind, ...] = ("sum", "mean", "quantile")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


KeyValue = str | int | float | bool


class Release(_Model):
    """One release: a statistic of a column (all rows for ``count``), per declared group."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    kind: Kind
    column: str | None = Field(default=None, min_length=1)
    epsilon: float = Field(gt=0, allow_inf_nan=False)
    delta: float = Field(default=0.0, ge=0, lt=1)
    mechanism: Mechanism = "laplace"
    group_by: dict[str, list[KeyValue]] = Field(
        default_factory=dict, description="column -> the public key values released"
    )
    bounds: DpBounds | None = None
    quantiles: list[float] = Field(default_factory=lambda: [0.5])
    candidates: list[float] | int = Field(
        default=100, description="quantile: candidate values, or how many spaced over the bounds"
    )
    bins: list[float] | None = Field(default=None, description="histogram: ascending bin edges")
    categories: list[KeyValue] | None = Field(default=None, description="histogram: categories")

    @field_validator("quantiles")
    @classmethod
    def _quantiles(cls, value: list[float]) -> list[float]:
        if not value or any(not 0 <= q <= 1 for q in value):
            raise ValueError("quantiles must be a non-empty list of numbers in [0, 1]")
        return value

    @field_validator("group_by")
    @classmethod
    def _keys(cls, value: dict[str, list[KeyValue]]) -> dict[str, list[KeyValue]]:
        for column, keys in value.items():
            if not keys:
                raise ValueError(f"group_by {column!r}: declare at least one key value")
            if len({str(k) for k in keys}) != len(keys):
                raise ValueError(f"group_by {column!r}: a key value is declared twice")
        return value

    @_model_validator(mode="after")
    def _consistent(self) -> Release:
        if self.kind != "count" and self.column is None:
            raise ValueError(f"kind {self.kind} needs 'column'")
        if self.mechanism == "gaussian" and self.delta <= 0:
            raise ValueError("mechanism gaussian needs delta > 0")
        if self.mechanism == "laplace" and self.delta > 0:
            raise ValueError("delta goes with mechanism: gaussian (laplace is pure epsilon-DP)")
        if self.kind == "quantile" and self.mechanism != "laplace":
            raise ValueError("quantile uses the exponential mechanism: leave mechanism unset")
        if self.kind == "histogram" and (self.bins is None) == (self.categories is None):
            raise ValueError("histogram needs either 'bins' (edges) or 'categories'")
        if self.bins is not None and (
            len(self.bins) < 2
            or any(b >= c for b, c in zip(self.bins, self.bins[1:], strict=False))
        ):
            raise ValueError("bins must be at least two ascending edges")
        if isinstance(self.candidates, int) and self.candidates < 2:
            raise ValueError("candidates: at least 2")
        if self.cells > MAX_CELLS:
            raise ValueError(f"{self.cells:,} cells (groups x bins); the limit is {MAX_CELLS:,}")
        return self

    @property
    def groups(self) -> int:
        n = 1
        for keys in self.group_by.values():
            n *= len(keys)
        return n

    @property
    def cells(self) -> int:
        bins = len(self.bins) - 1 if self.bins else len(self.categories or ())
        return self.groups * max(bins, 1)

    @property
    def needs_bounds(self) -> bool:
        return self.kind in _NUMERIC

    def label(self, index: int) -> str:
        return self.name or f"{self.kind}-{index + 1}"

    def sha256(self) -> str:
        """The release's own hash (the ledger's ``query_sha256``): its canonical JSON."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


class QueryFile(_Model):
    dataset: str | None = Field(default=None, min_length=1, max_length=200)
    contributions: int = Field(default=1, ge=1, description="most rows one person adds")
    confidence: float = Field(default=0.95, gt=0, lt=1)
    budget: DpDataset | None = None
    bounds: dict[str, DpBounds] = Field(default_factory=dict)
    releases: list[Release] = Field(min_length=1, max_length=MAX_RELEASES)

    @_model_validator(mode="before")
    @classmethod
    def _list(cls, value: Any) -> Any:
        return {"releases": value} if isinstance(value, list) else value


def load_query(path: Path) -> QueryFile:
    """The query file at ``path``, validated; errors name the file and the key path."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read the query file ({exc.strerror})") from None
    if size > MAX_QUERY_BYTES:
        raise PolicyError(
            f"{path}: {size:,} bytes; a query file is limited to {MAX_QUERY_BYTES:,} bytes"
        )
    data = read_policy_file(path)
    if data is None:
        raise PolicyError(f"{path}: the query file is empty; list the releases to make")
    try:
        return QueryFile.model_validate(data)
    except ValidationError as exc:
        raise validation_error(str(path), exc, QueryFile) from None


__all__ = [
    "MAX_CELLS",
    "MAX_QUERY_BYTES",
    "Kind",
    "Mechanism",
    "QueryFile",
    "Release",
    "load_query",
]
