"""One release of ``clearance dp``: the declared groups of the table, each group's values, the
calibrated OpenDP measurement run on them, and the interval of each noisy value."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import polars as pl

from clearance.dp import mechanisms as mech
from clearance.dp.query import Release
from clearance.dp.report import Cell, Group, Noise, ReleaseResult
from clearance.io.columns import column

Array = np.ndarray[Any, Any]


def key_text(value: object) -> str:
    """A declared key value as the table's text (YAML ``true`` and the data's ``true`` agree)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _keyed(frame: pl.DataFrame, release: Release) -> dict[tuple[str, ...], pl.DataFrame]:
    """The rows of each declared key combination; rows with an undeclared key are in none."""
    names = list(release.group_by)
    if not names:
        return {(): frame}
    # the keys under names of our own: partition_by reads a name like "^.*$" as a pattern
    own = [f"__clearance_key{i}" for i in range(len(names))]
    keys = frame.with_columns(
        column(name).cast(pl.String).alias(key) for name, key in zip(names, own, strict=True)
    )
    for key, declared in zip(own, release.group_by.values(), strict=True):
        keys = keys.filter(pl.col(key).is_in([key_text(v) for v in declared]))
    parts = keys.partition_by(own, as_dict=True, maintain_order=False)
    return {tuple(str(v) for v in k): part.drop(own) for k, part in parts.items()}


def _values(frame: pl.DataFrame | None, column: str | None) -> Array:
    """A group's values as floats, nulls and NaNs left out (dropping rows is stable: it never
    adds distance between neighbouring tables). Without a column: one zero per row (count)."""
    if frame is None:
        return np.empty(0, dtype=np.float64)
    if column is None:
        return np.zeros(frame.height, dtype=np.float64)
    series = frame[column].cast(pl.Float64, strict=False).drop_nulls().drop_nans()
    return series.to_numpy(writable=True).astype(np.float64, copy=False)


def _ci(value: float, half: float) -> tuple[float, float]:
    return value - half, value + half


def _bins(release: Release, values: Array) -> list[tuple[str, Array]]:
    if release.bins is not None:
        edges = release.bins
        out = []
        for i, (lo, hi) in enumerate(itertools.pairwise(edges)):
            last = i == len(edges) - 2
            inside = (values >= lo) & ((values <= hi) if last else (values < hi))
            out.append((f"[{lo:g}, {hi:g}{']' if last else ')'}", values[inside]))
        return out
    raise AssertionError("categories are binned from text")  # pragma: no cover


def run_release(
    release: Release,
    name: str,
    frame: pl.DataFrame,
    bounds: tuple[float, float] | None,
    contributions: int,
    confidence: float,
) -> ReleaseResult:
    """The noisy values of ``release`` on ``frame`` (the column checked numeric already)."""
    alpha = 1 - confidence
    level = f"{confidence:.0%}"
    gaussian = release.mechanism == "gaussian"
    eps, delta = release.epsilon, release.delta
    parts = _keyed(frame, release)
    combos = list(
        itertools.product(*([key_text(v) for v in ks] for ks in release.group_by.values()))
    )
    noise: list[Noise] = []
    groups: list[Group] = []
    column = release.column

    if release.kind in ("count", "sum"):
        m = (
            mech.count(eps, delta, contributions, gaussian)
            if release.kind == "count"
            else mech.bounded_sum(eps, delta, contributions, gaussian, _need(bounds))
        )
        half = m.accuracy(alpha) if m.accuracy else 0.0
        noise.append(
            Noise(
                statistic=release.kind,
                mechanism=m.mechanism,
                scale=m.scale,
                epsilon=m.epsilon,
                delta=m.delta,
            )
        )
        for combo in combos:
            value = m.run(_values(parts.get(combo), column if release.kind == "sum" else None))
            groups.append(Group(key=_key(release, combo), value=value, ci=_ci(value, half)))
        target = "rows" if release.kind == "count" else f"values clamped to {bounds}"
        interval = (
            f"{level}: noisy value +/- the {m.mechanism} noise's {level} quantile of |noise| "
            f"(scale {m.scale:.6g}); the exact {release.kind} of {target} is inside with "
            f"probability {'at least ' if 'discrete' in m.mechanism else ''}{level}"
        )
    elif release.kind == "mean":
        b = _need(bounds)
        s = mech.bounded_sum(eps / 2, delta / 2, contributions, gaussian, b)
        c = mech.count(eps / 2, delta / 2, contributions, gaussian)
        assert s.accuracy is not None and c.accuracy is not None
        s_half, c_half = s.accuracy(alpha / 2), c.accuracy(alpha / 2)
        for m, stat in ((s, "sum"), (c, "count")):
            noise.append(
                Noise(
                    statistic=stat,  # type: ignore[arg-type]
                    mechanism=m.mechanism,
                    scale=m.scale,
                    epsilon=m.epsilon,
                    delta=m.delta,
                )
            )
        for combo in combos:
            vals = _values(parts.get(combo), column)
            total, n = s.run(vals), c.run(vals)
            mean = min(max(total / n, b[0]), b[1]) if n >= 1 else None
            groups.append(
                Group(
                    key=_key(release, combo),
                    value=mean,
                    ci=mech.ratio_interval(total, s_half, n, c_half, b),
                )
            )
        interval = (
            f"{level}, conservative: noisy sum / noisy count (half the epsilon each); the "
            f"interval holds every ratio of the sum's and the count's {1 - alpha / 2:.1%} "
            f"intervals, within the bounds, so it covers the mean of the clamped values with "
            f"probability at least {level}; value null when the noisy count is below 1"
        )
    elif release.kind == "quantile":
        cands = sorted(
            release.candidates
            if isinstance(release.candidates, list)
            else mech.spaced(_need(bounds), release.candidates)
        )
        # Half the epsilon for the quantiles (split evenly), half for one noisy count per
        # candidate cell, from which every quantile's interval is read (post-processing).
        each = eps / 2 / len(release.quantiles)
        ms = [mech.quantile(each, contributions, q, cands) for q in release.quantiles]
        cdf = mech.cell_counts(eps / 2, contributions)
        for stat, how, scale, spent in [
            *(("quantile", m.mechanism, m.scale, m.epsilon) for m in ms),
            ("count", cdf.mechanism, cdf.scale, cdf.epsilon),
        ]:
            noise.append(
                Noise(
                    statistic=stat,  # type: ignore[arg-type]
                    mechanism=how,
                    scale=scale,
                    epsilon=spent,
                    delta=0.0,
                )
            )
        errors = [
            mech.cdf_error_bounds(q, len(cands) + 1, cdf.scale, alpha) for q in release.quantiles
        ]
        for combo in combos:
            vals = _values(parts.get(combo), column)
            per_cell = np.bincount(
                np.searchsorted(cands, vals, side="right"), minlength=len(cands) + 1
            )
            noisy = cdf.run(per_cell)
            cells = [
                Cell(
                    label=f"q{q:g}",
                    value=m.run(vals),
                    ci=mech.quantile_interval(noisy, cands, q, err),
                )
                for q, m, err in zip(release.quantiles, ms, errors, strict=True)
            ]
            groups.append(Group(key=_key(release, combo), cells=cells))
        interval = (
            f"{level} per quantile, conservative: each quantile is one of the candidates, "
            f"chosen by the exponential mechanism (half the epsilon, split evenly over "
            f"{len(ms)} quantile(s)); its interval is read from a noisy count of the rows in "
            f"each of the {len(cands) + 1} cells the candidates cut (the other half; "
            f"{cdf.mechanism}, scale {cdf.scale:.6g}): the candidates the noisy counts put "
            f"surely below and above the quantile, with Chernoff bounds on the noise that hold "
            f"together with probability at least {level}. It covers the exact quantile (the "
            f"order statistic at rank ceil(q n), clamped to the candidates' range) with "
            f"probability at least {level}; it need not contain the released candidate"
        )
    else:  # histogram
        m = mech.count(eps, delta, contributions, gaussian)
        half = m.accuracy(alpha) if m.accuracy else 0.0
        noise.append(
            Noise(
                statistic="count",
                mechanism=m.mechanism,
                scale=m.scale,
                epsilon=m.epsilon,
                delta=m.delta,
            )
        )
        for combo in combos:
            part = parts.get(combo)
            cells = []
            for label, members in _histogram(release, part):
                value = m.run(members)
                cells.append(Cell(label=label, value=value, ci=_ci(value, half)))
            groups.append(Group(key=_key(release, combo), cells=cells))
        interval = (
            f"{level} per bin: noisy count +/- the {m.mechanism} noise's {level} quantile of "
            f"|noise| (scale {m.scale:.6g}); values outside the declared bins or categories "
            "are not counted"
        )
    first = noise[0]
    return ReleaseResult(
        name=name,
        kind=release.kind,
        column=column,
        group_by=list(release.group_by),
        epsilon=sum(n.epsilon for n in noise),
        delta=sum(n.delta for n in noise),
        mechanism=" + ".join(dict.fromkeys(n.mechanism for n in noise)),
        scale=first.scale,
        noise=noise,
        bounds=bounds if release.kind != "count" and release.kind != "histogram" else None,
        interval=interval,
        groups=groups,
    )


def _histogram(release: Release, part: pl.DataFrame | None) -> list[tuple[str, Array]]:
    assert release.column is not None
    if release.categories is not None:
        text = (
            part[release.column].cast(pl.String)
            if part is not None
            else pl.Series([], dtype=pl.String)
        )
        return [
            (key_text(c), np.zeros(int((text == key_text(c)).sum()), dtype=np.float64))
            for c in release.categories
        ]
    return _bins(release, _values(part, release.column))


def _key(release: Release, combo: tuple[str, ...]) -> dict[str, str]:
    return dict(zip(release.group_by, combo, strict=True))


def _need(bounds: tuple[float, float] | None) -> tuple[float, float]:
    assert bounds is not None  # checked by the caller, naming the query file's field
    return bounds


__all__ = ["key_text", "run_release"]
