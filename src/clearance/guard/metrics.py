"""Counters and one histogram for ``/metrics`` in the Prometheus text format (no client library
needed). The histogram is the latency the guard adds to a stream: the time it spends on each
upstream chunk (parsing its events, scanning and rewriting their text), not the time it waits
for the upstream or the client."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

_HELP = {
    "clearance_guard_requests_total": "Requests answered, by route and HTTP status.",
    "clearance_guard_redactions_total": "Values redacted from responses, by type.",
    "clearance_guard_blocked_total": "Responses blocked because they held a secret.",
    "clearance_guard_stream_errors_total": "Streams ended with an error event, by code.",
}


# Seconds: the target for the added time per chunk is 1 ms at the 99th percentile.
CHUNK_SECONDS = "clearance_guard_chunk_seconds"
_BUCKETS = (0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0)


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
    buckets: list[int] = field(default_factory=lambda: [0] * len(_BUCKETS))
    observed: int = 0
    total: float = 0.0

    def inc(self, name: str, n: int = 1, **labels: str) -> None:
        self.counts[(name, tuple(sorted(labels.items())))] += n

    def observe_chunk(self, seconds: float) -> None:
        """One upstream chunk handled in ``seconds``."""
        for i, bound in enumerate(_BUCKETS):
            if seconds <= bound:
                self.buckets[i] += 1
        self.observed += 1
        self.total += seconds

    def exposition(self) -> str:
        lines: list[str] = []
        for name, help_text in _HELP.items():
            lines += [f"# HELP {name} {help_text}", f"# TYPE {name} counter"]
            for (metric, labels), value in sorted(self.counts.items()):
                if metric == name:
                    lines.append(f"{name}{_labels(labels)} {value}")
        lines += [
            f"# HELP {CHUNK_SECONDS} Time the guard spent on each upstream chunk of a stream.",
            f"# TYPE {CHUNK_SECONDS} histogram",
        ]
        for bound, n in zip(_BUCKETS, self.buckets, strict=True):
            lines.append(f'{CHUNK_SECONDS}_bucket{{le="{bound:g}"}} {n}')
        lines += [
            f'{CHUNK_SECONDS}_bucket{{le="+Inf"}} {self.observed}',
            f"{CHUNK_SECONDS}_sum {self.total:.6f}",
            f"{CHUNK_SECONDS}_count {self.observed}",
        ]
        return "\n".join(lines) + "\n"
