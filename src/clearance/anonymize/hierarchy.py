"""Quasi-identifier columns as ordered integer codes, and the generalized values of code ranges.

Each column becomes one code per record (``0 .. n-1``, in the order Mondrian splits along) and a
*position* per code in ``[0, 1]`` (how far along the column's range it lies, for the normalised
widths). The atoms coded are the finest values the policy lets through: a number or its bin
(``width``), a day, month or year (``granularity``), a postcode's first ``digits`` characters, or a
category (in the depth-first order of its ``groups``, so each group is a run of codes). A null is
one more code, ``0``, before every value.

A partition is then a range of codes per column, and :meth:`Coder.generalize` turns the ranges of
many partitions at once into their output text and their normalized certainty penalty (NCP, Xu
et al. 2006): the share of the column's range (numbers, dates) or of its values (postcodes,
categories) that the generalized value covers, 0 for an exact value. A partition holding a null
and a value shows ``*`` (NCP 1).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import numpy.typing as npt
import polars as pl

from clearance.audit.policy import Hierarchy, HierarchyKind
from clearance.audit.quasi import qi_kind
from clearance.errors import InputError, PolicyError

Codes = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Members = Callable[[], list[Codes]]
"""The distinct codes present in each partition (computed only for columns that show sets)."""

SUPPRESSED = "*"
_EPOCH = date(1970, 1, 1)


@dataclass
class Coder:
    """One quasi-identifier, coded; ``fmt(lo, hi, present)`` shows a range of value codes."""

    column: str
    kind: HierarchyKind
    codes: Codes
    pos: Floats
    has_null: bool
    fmt: Callable[[int, int, Codes | None], tuple[str, float]] = field(repr=False)
    shows_sets: bool = False

    @property
    def size(self) -> int:
        return len(self.pos)

    def generalize(
        self, lo: Codes, hi: Codes, masks: Codes | None = None, members: Members | None = None
    ) -> tuple[list[str | None], Floats, Codes]:
        """The shown values of partitions from their smallest and largest codes (and, for a
        column shown as sets, the bit mask of its codes when it has at most 62, else the codes
        themselves): ``(texts, ncp, index)``, one text and NCP per distinct shown value and, per
        partition, the index of its own. Each distinct value is formatted once."""
        sets = members() if self.shows_sets and masks is None and members is not None else None
        if self.shows_sets and masks is not None:
            keys = masks
        elif sets is not None:
            seen: dict[tuple[int, ...], int] = {}
            keys = np.array([seen.setdefault(tuple(m.tolist()), len(seen)) for m in sets])
        else:
            keys = lo * (self.size + 1) + hi
        _, first, index = np.unique(keys, return_index=True, return_inverse=True)
        texts: list[str | None] = []
        ncp = np.zeros(len(first), dtype=np.float64)
        shift = 1 if self.has_null else 0
        for j, i in enumerate(first.tolist()):
            a, b = int(lo[i]), int(hi[i])
            if self.has_null and a == 0:
                texts.append(None if b == 0 else SUPPRESSED)
                ncp[j] = 0.0 if b == 0 else 1.0
                continue
            present: Codes | None = None
            if self.shows_sets and masks is not None:
                bits = int(masks[i])
                present = np.array([c for c in range(a, b + 1) if bits >> c & 1], dtype=np.int64)
            elif sets is not None:
                present = sets[i]
            text, loss = self.fmt(
                a - shift, b - shift, None if present is None else present - shift
            )
            texts.append(text)
            ncp[j] = loss
        return texts, ncp, index.reshape(-1).astype(np.int64)


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _ranked(atoms: pl.Series) -> tuple[Codes, pl.Series, bool]:
    """Dense codes of ``atoms`` in sorted order (nulls first, as code 0) and the sorted atoms."""
    has_null = atoms.null_count() > 0
    uniq = atoms.drop_nulls().unique().sort()
    codes = atoms.rank("dense").fill_null(0).cast(pl.Int64).to_numpy()
    if not has_null:
        codes = codes - 1
    return np.ascontiguousarray(codes, dtype=np.int64), uniq, has_null


def _positions(values: Floats, has_null: bool) -> Floats:
    span = float(values[-1] - values[0]) if len(values) else 0.0
    pos = (values - values[0]) / span if span > 0 else np.zeros(len(values))
    return np.concatenate([[0.0], pos]) if has_null else pos.astype(np.float64)


def _numeric(column: str, values: pl.Series, width: float | None) -> Coder:
    atoms = (values / width).floor() if width else values
    codes, uniq, has_null = _ranked(atoms)
    u = uniq.to_numpy().astype(np.float64)
    present = values.drop_nulls().to_numpy().astype(np.float64)
    span = float(present.max() - present.min()) if len(present) else 0.0
    whole = width is not None and float(width).is_integer() and bool((present % 1 == 0).all())

    def fmt(a: int, b: int, _: Codes | None) -> tuple[str, float]:
        if width is None:
            lo, hi = float(u[a]), float(u[b])
            text = _num(lo) if a == b else f"[{_num(lo)}-{_num(hi)}]"
            return text, (hi - lo) / span if span > 0 else 0.0
        lo, hi = float(u[a]) * width, (float(u[b]) + 1) * width
        text = f"[{_num(lo)}-{_num(hi - 1)}]" if whole else f"[{_num(lo)}-{_num(hi)})"
        return text, min(1.0, (hi - lo) / span) if span > 0 else 0.0

    return Coder(column, "numeric", codes, _positions(u, has_null), has_null, fmt)


def _date_span(atom: int, granularity: str) -> tuple[date, date]:
    if granularity == "year":
        return date(atom, 1, 1), date(atom, 12, 31)
    if granularity == "month":
        y, m = divmod(atom, 12)
        start = date(y, m + 1, 1)
        nxt = date(y + (m == 11), (m + 1) % 12 + 1, 1)
        return start, nxt - timedelta(days=1)
    day = _EPOCH + timedelta(days=atom)
    return day, day


def _date_text(atom: int, granularity: str) -> str:
    start, _ = _date_span(atom, granularity)
    if granularity == "year":
        return f"{start.year:04d}"
    if granularity == "month":
        return f"{start.year:04d}-{start.month:02d}"
    return start.isoformat()


def _dates(column: str, values: pl.Series, granularity: str) -> Coder:
    if granularity == "year":
        atoms = values.dt.year().cast(pl.Int64)
    elif granularity == "month":
        atoms = values.dt.year().cast(pl.Int64) * 12 + values.dt.month().cast(pl.Int64) - 1
    else:
        atoms = values.cast(pl.Int32).cast(pl.Int64)
    codes, uniq, has_null = _ranked(atoms)
    u = [int(x) for x in uniq.to_list()]
    days = values.drop_nulls().cast(pl.Int32).to_numpy()
    span = float(days.max() - days.min()) if len(days) else 0.0

    def fmt(a: int, b: int, _: Codes | None) -> tuple[str, float]:
        first, last = _date_span(u[a], granularity)[0], _date_span(u[b], granularity)[1]
        text = (
            _date_text(u[a], granularity)
            if a == b
            else f"[{_date_text(u[a], granularity)}..{_date_text(u[b], granularity)}]"
        )
        covered = float((last - first).days)
        return text, min(1.0, covered / span) if span > 0 else 0.0

    pos = _positions(np.array(u, dtype=np.float64), has_null)
    return Coder(column, "date", codes, pos, has_null, fmt)


def _common_prefix(a: str, b: str) -> str:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return a[:n]


def _postcodes(column: str, values: pl.Series, digits: int | None) -> Coder:
    atoms = values.str.slice(0, digits) if digits else values
    codes, uniq, has_null = _ranked(atoms)
    u: list[str] = uniq.to_list()
    full = values.drop_nulls().unique().sort().to_numpy().astype(str)
    total = len(full)
    truncated = digits is not None and bool((values.str.len_chars() > digits).any())

    def fmt(a: int, b: int, _: Codes | None) -> tuple[str, float]:
        if a == b and not truncated:
            return u[a], 0.0
        prefix = _common_prefix(u[a], u[b])
        lo = int(np.searchsorted(full, prefix, side="left"))
        hi = int(np.searchsorted(full, prefix + "\U0010ffff", side="left"))
        covered = hi - lo
        return prefix + SUPPRESSED, covered / total if covered > 1 else 0.0

    n = len(u)
    pos = np.arange(n, dtype=np.float64) / (n - 1) if n > 1 else np.zeros(n)
    return Coder(column, "postcode", codes, _positions(pos, has_null), has_null, fmt)


def _categories(column: str, values: pl.Series) -> Coder:
    codes, uniq, has_null = _ranked(values)
    u: list[str] = uniq.to_list()
    n = len(u)

    def fmt(a: int, b: int, present: Codes | None) -> tuple[str, float]:
        if a == b:
            return u[a], 0.0
        shown = sorted({u[int(c)] for c in (present if present is not None else range(a, b + 1))})
        if len(shown) == 1:
            return shown[0], 0.0
        if len(shown) == n:
            return SUPPRESSED, 1.0
        return "{" + ",".join(shown) + "}", len(shown) / n

    pos = np.arange(n, dtype=np.float64) / (n - 1) if n > 1 else np.zeros(n)
    return Coder(column, "category", codes, _positions(pos, has_null), has_null, fmt, True)


def _tree(
    column: str, groups: dict[str, list[str]], source: str
) -> tuple[list[str], list[tuple[str, int, int]]]:
    """Leaves in depth-first order and each group's ``(name, first leaf, last leaf)``."""
    children = {c for members in groups.values() for c in members if c in groups}
    roots = [g for g in groups if g not in children]
    where = f"{source}: anonymize.hierarchies.{column}.groups"
    if not roots:
        raise PolicyError(f"{where}: the groups form a cycle; one group must be on top")
    leaves: list[str] = []
    nodes: list[tuple[str, int, int]] = []
    seen: set[str] = set()

    def walk(name: str, depth: int) -> None:
        if name in seen or depth > len(groups):
            raise PolicyError(
                f"{where}: group {name!r} is reached twice (a cycle or a shared subgroup)"
            )
        seen.add(name)
        first = len(leaves)
        for member in groups[name]:
            if member in groups:
                walk(member, depth + 1)
            elif member in leaves:
                raise PolicyError(f"{where}: a value is listed in two groups (group {name!r})")
            else:
                leaves.append(member)
        nodes.append((name, first, len(leaves) - 1))

    for root in roots:
        walk(root, 0)
    if len(seen) != len(groups):
        raise PolicyError(f"{where}: some groups form a cycle and are not under any top group")
    return leaves, nodes


def _grouped(column: str, values: pl.Series, groups: dict[str, list[str]], source: str) -> Coder:
    leaves, nodes = _tree(column, groups, source)
    index = {v: i for i, v in enumerate(leaves)}
    text = values.cast(pl.String)
    outside = int((~text.drop_nulls().is_in(leaves)).sum())
    if outside:
        raise PolicyError(
            f"{source}: anonymize.hierarchies.{column}: {outside:,} value(s) of column {column} are "
            "in no group of its hierarchy; list every value the column holds"
        )
    has_null = text.null_count() > 0
    mapped = text.replace_strict(index, default=None, return_dtype=pl.Int64)
    codes = (mapped + 1).fill_null(0) if has_null else mapped
    n = len(leaves)
    spans = sorted(nodes, key=lambda node: node[2] - node[1])  # smallest group first

    def fmt(a: int, b: int, _: Codes | None) -> tuple[str, float]:
        if a == b:
            return leaves[a], 0.0
        for name, first, last in spans:
            if first <= a and b <= last:
                return name, (last - first + 1) / n
        return SUPPRESSED, 1.0

    pos = np.arange(n, dtype=np.float64) / (n - 1) if n > 1 else np.zeros(n)
    return Coder(
        column,
        "category",
        np.ascontiguousarray(codes.to_numpy(), dtype=np.int64),
        _positions(pos, has_null),
        has_null,
        fmt,
    )


def _as_numbers(values: pl.Series) -> pl.Series | None:
    """The values as finite floats (NaN is a null), or None when they are not all numbers."""
    if values.dtype.is_numeric() and values.dtype != pl.Boolean:
        parsed = values.cast(pl.Float64)
    elif values.dtype == pl.String:
        text = values.str.strip_chars()
        parsed = text.cast(pl.Float64, strict=False)
        if parsed.null_count() != text.null_count() or text.str.contains(r"^[+-]?0\d").any():
            return None  # "0123": a code, not a number
    else:
        return None
    if parsed.is_infinite().any():
        return None  # no range can hold infinity: its NCP would be undefined
    return parsed.fill_nan(None)


def _as_dates(values: pl.Series) -> pl.Series | None:
    if values.dtype == pl.Date:
        return values
    if isinstance(values.dtype, pl.Datetime):
        return values.dt.date()
    if values.dtype != pl.String:
        return None
    text = values.str.strip_chars()
    parsed = text.str.to_date("%Y-%m-%d", strict=False)
    return parsed if parsed.null_count() == text.null_count() else None


def coder_for(
    column: str, values: pl.Series, hierarchy: Hierarchy | None, source: str, policy_source: str
) -> Coder:
    """The coder of one quasi-identifier: its declared hierarchy, else the kind its values have
    (numbers, ISO dates, a postcode by its name, else categories)."""
    if isinstance(values.dtype, pl.Struct | pl.List | pl.Array | pl.Object):
        raise InputError(source, f"column {column} holds nested values; it cannot be generalized")
    kind = hierarchy.type if hierarchy is not None else None
    if kind is None:
        if qi_kind(column) == "postcode":
            kind = "postcode"
        elif _as_numbers(values) is not None:
            kind = "numeric"
        elif _as_dates(values) is not None:
            kind = "date"
        else:
            kind = "category"
    if kind == "numeric":
        numbers = _as_numbers(values)
        if numbers is None:
            raise PolicyError(
                f"{policy_source}: anonymize.hierarchies.{column}: type numeric does not fit "
                f"column {column} of {source} (not every value is a number)"
            )
        return _numeric(column, numbers, hierarchy.width if hierarchy else None)
    if kind == "date":
        dates = _as_dates(values)
        if dates is None:
            raise PolicyError(
                f"{policy_source}: anonymize.hierarchies.{column}: type date does not fit "
                f"column {column} of {source} (not every value is a YYYY-MM-DD date)"
            )
        return _dates(column, dates, hierarchy.granularity if hierarchy else "day")
    text = values if values.dtype == pl.String else values.cast(pl.String)
    if kind == "postcode":
        return _postcodes(column, text, hierarchy.digits if hierarchy else None)
    if hierarchy is not None and hierarchy.groups is not None:
        return _grouped(column, text, hierarchy.groups, policy_source)
    return _categories(column, text)
