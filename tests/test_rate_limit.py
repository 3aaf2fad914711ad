"""Token buckets per visitor and per address: in memory on a clock the test
controls, and shared in a real Redis by several workers."""

import pytest
from redis import asyncio as redis_asyncio

from clinic_channel.rate_limit import MAX_KEYS, RateLimiter, SharedRateLimiter
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


@pytest.mark.asyncio
async def test_workers_sharing_redis_share_one_bucket(clean_redis):
    # Two limiters with their own connections stand for two Sanic workers.
    workers = [
        SharedRateLimiter(6, redis_asyncio.Redis.from_url(clean_redis), "sender")
        for _ in range(2)
    ]

    waits = [await workers[i % 2].take("v") for i in range(7)]

    assert waits == [None] * 6 + [10]
    assert await workers[0].take("other") is None
    assert (
        await SharedRateLimiter(
            6, redis_asyncio.Redis.from_url(clean_redis), "address"
        ).take("v")
        is None
    )  # another namespace, another bucket


@pytest.mark.asyncio
async def test_without_redis_messages_pass_rather_than_every_visitor_refused(
    tmp_path, caplog
):
    gone = redis_asyncio.Redis.from_url(f"unix://{tmp_path}/no-redis.sock")
    limiter = SharedRateLimiter(1, gone, "sender")

    assert [await limiter.take("v") for _ in range(3)] == [None] * 3
    assert "rate limit not checked" in caplog.text
