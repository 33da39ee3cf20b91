"""Counters for ``/metrics`` in the Prometheus text format (no client library needed)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

_HELP = {
    "clearance_guard_requests_total": "Requests answered, by route and HTTP status.",
    "clearance_guard_redactions_total": "Values redacted from responses, by type.",
    "clearance_guard_blocked_total": "Responses blocked because they held a secret.",
    "clearance_guard_stream_errors_total": "Streams ended with an error event, by code.",
}


def _labels(pairs: tuple[tuple[str, str], ...]) -> str:
    if not pairs:
        return ""
    body = ",".join(
        f'{k}="{v.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
        for k, v in pairs
    )
    return "{" + body.replace("\n", "\\n") + "}"


@dataclass
class Metrics:
    counts: Counter[tuple[str, tuple[tuple[str, str], ...]]] = field(default_factory=Counter)

    def inc(self, name: str, n: int = 1, **labels: str) -> None:
        self.counts[(name, tuple(sorted(labels.items())))] += n

    def exposition(self) -> str:
        lines: list[str] = []
        for name, help_text in _HELP.items():
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} counter"]
            for (metric, labels), value in sorted(self.counts.items()):
                if metric == name:
                    lines.append(f"{name}{_labels(labels)} {value}")
        return "\n".join(lines) + "\n"
