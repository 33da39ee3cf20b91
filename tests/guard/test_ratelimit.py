"""clearance.guard.ratelimit: a bucket of a minute's requests per client, refilled continuously."""

from __future__ import annotations

from clearance.guard.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_of_a_minutes_allowance_then_one_request_per_share_of_a_minute() -> None:
    clock = Clock()
    limiter = RateLimiter(3, clock)
    assert [limiter.take("ci") for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limiter.take("ci")
    assert wait == 20.0  # 3 per minute: one every 20 s
    assert RateLimiter.retry_after(wait) == "20"
    assert limiter.take("other") == 0.0  # each client its own bucket
    clock.now += 19.5
    assert 0 < limiter.take("ci") < 1  # refused requests are not counted against it
    assert RateLimiter.retry_after(0.2) == "1"
    clock.now += 0.5
    assert limiter.take("ci") == 0.0
    clock.now += 3600
    assert [limiter.take("ci") for _ in range(4)][-1] > 0  # the bucket holds one minute's worth
