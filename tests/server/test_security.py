"""Sessions and the sign-in rate limit on their own: idle expiry, sign-out, the window."""

from __future__ import annotations

import time

from clearance.server.security import RateLimit, Sessions, same_token


def test_sessions_expire_when_idle_and_close() -> None:
    sessions = Sessions(idle_s=0.2)
    sid = sessions.open("dpo")
    session = sessions.get(sid)
    assert session is not None and session.name == "dpo" and len(session.csrf) >= 40
    assert sessions.get("x" * 500) is None and sessions.get(None) is None
    other = sessions.open("vic")
    sessions.close(other)
    assert sessions.get(other) is None
    time.sleep(0.3)
    assert sessions.get(sid) is None


def test_the_rate_limit_counts_failures_per_key_in_a_window() -> None:
    limit = RateLimit(max_failures=2, window_s=0.3)
    limit.failed("ip:a", "user:x")
    assert limit.blocked("ip:a", "user:y") == 0
    limit.failed("ip:a", "user:y")
    assert limit.blocked("ip:a") > 0 and limit.blocked("ip:b", "user:z") == 0
    limit.succeeded("user:y")
    assert limit.blocked("ip:a") > 0  # a success for one name does not clear the address
    time.sleep(0.35)
    assert limit.blocked("ip:a") == 0


def test_csrf_tokens_compare_exactly() -> None:
    assert same_token("abc", "abc") and not same_token("abd", "abc")
    assert not same_token(None, "abc") and not same_token("", "abc")
