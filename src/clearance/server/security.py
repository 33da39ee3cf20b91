"""Sessions, CSRF tokens and the sign-in rate limit of the dashboard, in the server's memory.

A session is a random 256-bit id in an HttpOnly, SameSite=Strict cookie (Secure over TLS),
mapped here to the user's name and a CSRF token; it ends after ``IDLE_S`` without a request, at
sign-out, or when the server restarts. The user's role is re-read from the store on each
request, so a changed role takes effect at once."""

from __future__ import annotations

import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field

IDLE_S = 8 * 3600
MAX_SESSIONS = 10_000
# failed sign-ins allowed per client address and per user name in WINDOW_S; then 429 until the
# oldest failure leaves the window
MAX_FAILURES = 5
WINDOW_S = 300.0


@dataclass
class Session:
    name: str
    csrf: str
    seen: float = field(default_factory=time.monotonic)


class Sessions:
    def __init__(self, idle_s: float = IDLE_S) -> None:
        self._by_id: dict[str, Session] = {}
        self._lock = threading.Lock()
        self._idle_s = idle_s

    def open(self, name: str) -> str:
        sid = secrets.token_urlsafe(32)
        with self._lock:
            self._expire()
            if len(self._by_id) >= MAX_SESSIONS:  # the oldest goes first
                oldest = min(self._by_id, key=lambda k: self._by_id[k].seen)
                del self._by_id[oldest]
            self._by_id[sid] = Session(name, secrets.token_urlsafe(32))
        return sid

    def get(self, sid: str | None) -> Session | None:
        if not sid or len(sid) > 100:
            return None
        with self._lock:
            session = self._by_id.get(sid)
            now = time.monotonic()
            if session is None or now - session.seen > self._idle_s:
                self._by_id.pop(sid, None)
                return None
            session.seen = now
            return session

    def close(self, sid: str | None) -> None:
        with self._lock:
            self._by_id.pop(sid or "", None)

    def _expire(self) -> None:
        now = time.monotonic()
        for sid in [k for k, s in self._by_id.items() if now - s.seen > self._idle_s]:
            del self._by_id[sid]


def same_token(given: str | None, expected: str) -> bool:
    return bool(given) and secrets.compare_digest(str(given), expected)


class RateLimit:
    """Failed sign-ins per key (a client address, a user name) in a sliding window."""

    def __init__(self, max_failures: int = MAX_FAILURES, window_s: float = WINDOW_S) -> None:
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self.max_failures = max_failures
        self.window_s = window_s

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] > self.window_s:
            times.popleft()
        return times

    def blocked(self, *keys: str) -> float:
        """Seconds until ``keys`` may try again (0: now)."""
        now = time.monotonic()
        wait = 0.0
        with self._lock:
            for key in keys:
                times = self._recent(key, now)
                if len(times) >= self.max_failures:
                    wait = max(wait, self.window_s - (now - times[0]))
        return wait

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._failures) > 100_000:  # a flood of names: forget the idle ones
                for k in [
                    k for k, t in self._failures.items() if not t or now - t[-1] > self.window_s
                ]:
                    del self._failures[k]
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)
