"""Token buckets per visitor and per address, on a clock the test controls."""

import pytest

from clinic_channel.rate_limit import MAX_KEYS, RateLimiter
from clinic_channel.settings import ChannelSettings


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_burst_up_to_the_limit_passes_then_waits_for_refill():
    clock = Clock()
    limiter = RateLimiter(per_minute=6, clock=clock)

    assert [limiter.allow("v") for _ in range(7)] == [True] * 6 + [False]
    assert limiter.retry_after_s("v") == 10
    assert limiter.allow("other")  # keys are independent

    clock.now += 10
    assert limiter.allow("v")
    assert not limiter.allow("v")


def test_idle_keys_are_forgotten_so_memory_stays_bounded():
    clock = Clock()
    limiter = RateLimiter(per_minute=1, clock=clock)
    for number in range(MAX_KEYS):
        limiter.allow(f"k{number}")

    clock.now += 61
    limiter.allow("new")

    assert len(limiter._buckets) == 1


def test_settings_come_from_credentials_and_refuse_nonsense():
    settings = ChannelSettings.from_credentials({"per_sender_per_minute": 3})

    assert settings.per_sender_per_minute == 3
    assert ChannelSettings.from_credentials(None) == ChannelSettings()
    for bad in ({"per_sender_per_minute": 0}, {"turn_timeout_s": "soon"}, {"x": 1}):
        with pytest.raises(ValueError):
            ChannelSettings.from_credentials(bad)
