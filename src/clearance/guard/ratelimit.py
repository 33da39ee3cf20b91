"""Per-client rate limits: ``rate_limit`` requests per minute for each client key.

A token bucket per client (the client's name from ``clients``, or ``local`` without
authentication): it holds up to ``rate_limit`` requests and refills continuously at
``rate_limit`` per minute, so a client may send a burst of a minute's allowance and then one
request every ``60 / rate_limit`` seconds. The buckets are as many as the configured clients.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class RateLimiter:
    per_minute: int
    clock: Callable[[], float] = time.monotonic
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)  # tokens, when

    def take(self, client: str) -> float:
        """0 when ``client`` may send a request now (and it is counted), else the seconds to
        wait before the next one will be allowed."""
        now = self.clock()
        rate = self.per_minute / 60.0
        tokens, then = self._buckets.get(client, (float(self.per_minute), now))
        tokens = min(float(self.per_minute), tokens + (now - then) * rate)
        if tokens >= 1.0:
            self._buckets[client] = (tokens - 1.0, now)
            return 0.0
        self._buckets[client] = (tokens, now)
        return (1.0 - tokens) / rate

    @staticmethod
    def retry_after(wait: float) -> str:
        """The ``Retry-After`` header value: whole seconds, at least 1."""
        return str(max(1, math.ceil(wait)))
