"""Runs and findings over time, per command: one bucket per day (per ISO week, Monday first,
when the runs span more than ``DAILY_SPAN`` days), the latest ``MAX_BUCKETS`` of them, counted
from the verified snapshot's records (their ``created_at``, UTC)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Literal

from pydantic import Field

from clearance.core.model import FrozenModel
from clearance.evidence.chain import Entry

DAILY_SPAN = 92
MAX_BUCKETS = 60


class TrendBucket(FrozenModel):
    start: str = Field(description="the bucket's first day (YYYY-MM-DD, UTC)")
    runs: dict[str, int] = Field(description="command -> runs recorded in the bucket")
    findings: dict[str, int] = Field(description="command -> findings those runs recorded")


class Trends(FrozenModel):
    unit: Literal["day", "week"]
    commands: list[str] = Field(description="every command in the buckets, most runs first")
    buckets: list[TrendBucket] = Field(description="oldest first; days without a run included")
    runs: int = Field(ge=0, description="runs in the buckets")
    findings: int = Field(ge=0, description="findings in the buckets")
    undated: int = Field(ge=0, description="records whose created_at is not a date")


def _day(created_at: object) -> date | None:
    try:
        return date.fromisoformat(str(created_at)[:10])
    except ValueError:
        return None


def trends(entries: Sequence[Entry]) -> Trends:
    dated: list[tuple[date, str, int]] = []
    undated = 0
    for entry in entries:
        day = _day(entry.record.get("created_at"))
        if day is None:
            undated += 1
            continue
        findings = entry.record.get("findings")
        count = len(findings) if isinstance(findings, list) else 0
        dated.append((day, str(entry.record.get("command", "")), count))
    if not dated:
        return Trends(unit="day", commands=[], buckets=[], runs=0, findings=0, undated=undated)
    first, last = min(d for d, _, _ in dated), max(d for d, _, _ in dated)
    unit: Literal["day", "week"] = "day" if (last - first).days <= DAILY_SPAN else "week"
    step = timedelta(days=1 if unit == "day" else 7)

    def bucket(day: date) -> date:
        return day if unit == "day" else day - timedelta(days=day.weekday())

    end = bucket(last)
    start = max(bucket(first), end - step * (MAX_BUCKETS - 1))
    runs: dict[date, dict[str, int]] = {}
    found: dict[date, dict[str, int]] = {}
    totals: dict[str, int] = {}
    for day, command, count in dated:
        b = bucket(day)
        if b < start:
            continue
        runs.setdefault(b, {})[command] = runs.get(b, {}).get(command, 0) + 1
        found.setdefault(b, {})[command] = found.get(b, {}).get(command, 0) + count
        totals[command] = totals.get(command, 0) + 1
    buckets = []
    at = start
    while at <= end:
        buckets.append(
            TrendBucket(
                start=at.isoformat(),
                runs=dict(sorted(runs.get(at, {}).items())),
                findings=dict(sorted(found.get(at, {}).items())),
            )
        )
        at += step
    return Trends(
        unit=unit,
        commands=sorted(totals, key=lambda c: (-totals[c], c)),
        buckets=buckets,
        runs=sum(sum(b.runs.values()) for b in buckets),
        findings=sum(sum(b.findings.values()) for b in buckets),
        undated=undated,
    )
